package preset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// LoadError is a preset that could not be read (as opposed to a
// ValidationError: read, and wrong). Its message names the preset.
type LoadError struct {
	Origin string
	Err    error
}

func (e *LoadError) Error() string { return "preset: " + e.Sentence() }

// Sentence is the problem for a person, without the "preset: " prefix:
// "/etc/x.json: cannot read x.json: permission denied".
func (e *LoadError) Sentence() string { return e.Origin + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *LoadError) Unwrap() error { return e.Err }

// FieldError is one problem of a preset, at a field given by its JSON path
// ("domains[0].incoming[1].port").
type FieldError struct {
	Field   string
	Problem string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Problem }

// ValidationError lists every problem found in a preset. Its message names
// the preset and each field.
type ValidationError struct {
	Origin   string
	Problems []FieldError
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("preset")
	if e.Origin != "" {
		b.WriteString(" " + e.Origin)
	}
	b.WriteString(" is invalid: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Sentence is the message for a person; it reads as one already
// ("preset x.json is invalid: domains[0].names: is empty").
func (e *ValidationError) Sentence() string { return e.Error() }

// Fields returns the JSON paths of the fields with problems.
func (e *ValidationError) Fields() []string {
	out := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p.Field
	}
	return out
}

// decodeStrict decodes JSON rejecting unknown fields and trailing data, and
// turns json's errors into FieldErrors.
func decodeStrict(data []byte, v any) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &ValidationError{Problems: []FieldError{{Field: "(file)", Problem: "there is more after the closing }"}}}
	}
	return nil
}

func jsonProblem(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset)
		// encoding/json's SyntaxError has no field for its sentence; the
		// trim keeps a "json: " prefix out should a Go release add one.
		return &ValidationError{Problems: []FieldError{{Field: fmt.Sprintf("(line %d, column %d)", line, col), Problem: "not valid JSON: " + strings.TrimPrefix(se.Error(), "json: ")}}}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return &ValidationError{Problems: []FieldError{{Field: field, Problem: fmt.Sprintf("must be %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)}}}
	case errors.Is(err, io.EOF):
		return &ValidationError{Problems: []FieldError{{Field: "(file)", Problem: "the file is empty"}}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &ValidationError{Problems: []FieldError{{Field: "(file)", Problem: "the file ends too early (a missing } or ]?)"}}}
	}
	msg := err.Error()
	if i := strings.Index(msg, `unknown field "`); i >= 0 {
		name := strings.TrimSuffix(msg[i+len(`unknown field "`):], `"`)
		if name == "" {
			name = `""`
		}
		return &ValidationError{Problems: []FieldError{{Field: name, Problem: "unknown field (check its spelling)"}}}
	}
	return &ValidationError{Problems: []FieldError{{Field: "(file)", Problem: strings.TrimPrefix(msg, "json: ")}}}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "uint", "float64":
		return "a number"
	}
	return k
}

func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// checker collects FieldErrors.
type checker struct{ problems []FieldError }

func (c *checker) add(field, format string, a ...any) {
	c.problems = append(c.problems, FieldError{Field: field, Problem: fmt.Sprintf(format, a...)})
}

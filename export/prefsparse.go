package export

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ParsedPref is one pref statement read from a prefs file.
type ParsedPref struct {
	// Kind is "user_pref", "pref" or "sticky_pref".
	Kind  string
	Name  string
	Value any // string, int or bool
	// Line is the 1-based line the statement starts on.
	Line int
}

// ParsePrefs reads a prefs.js/user.js file with Mozilla's libpref grammar
// (comments //, #, /* */; string escapes \" \' \\ \n \r \xNN \uNNNN).
// Unlike Thunderbird, which skips a bad statement, it reports the first
// syntax error, so callers never mistake a damaged file for an empty one.
func ParsePrefs(data []byte) ([]ParsedPref, error) {
	p := &prefParser{s: data, line: 1}
	var out []ParsedPref
	for {
		p.skipSpace()
		if p.openComment > 0 {
			return out, fmt.Errorf("export: prefs: line %d: a /* comment is never closed, so Thunderbird ignores everything after it (lines added at the end would be lost)", p.openComment)
		}
		if p.i >= len(p.s) {
			return out, nil
		}
		line := p.line
		kind := p.ident()
		if kind != "user_pref" && kind != "pref" && kind != "sticky_pref" {
			return out, p.errf("expected user_pref, pref or sticky_pref")
		}
		p.skipSpace()
		if !p.eat('(') {
			return out, p.errf("expected (")
		}
		p.skipSpace()
		name, err := p.str()
		if err != nil {
			return out, err
		}
		p.skipSpace()
		if !p.eat(',') {
			return out, p.errf("expected ,")
		}
		p.skipSpace()
		val, err := p.value()
		if err != nil {
			return out, err
		}
		p.skipSpace()
		for p.eat(',') { // attributes: locked, sticky
			p.skipSpace()
			if p.ident() == "" {
				return out, p.errf("expected attribute")
			}
			p.skipSpace()
		}
		if !p.eat(')') {
			return out, p.errf("expected )")
		}
		p.skipSpace()
		if !p.eat(';') {
			return out, p.errf("expected ;")
		}
		out = append(out, ParsedPref{Kind: kind, Name: name, Value: val, Line: line})
	}
}

// PrefMap returns the effective value of each pref (the last one wins).
func PrefMap(ps []ParsedPref) map[string]any {
	m := make(map[string]any, len(ps))
	for _, p := range ps {
		m[p.Name] = p.Value
	}
	return m
}

type prefParser struct {
	s    []byte
	i    int
	line int
	// openComment is the line of a /* comment that reaches the end.
	openComment int
}

func (p *prefParser) errf(format string, a ...any) error {
	return fmt.Errorf("export: prefs: line %d: %s", p.line, fmt.Sprintf(format, a...))
}

func (p *prefParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *prefParser) skipSpace() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\n':
			p.line++
			p.i++
		case c == ' ' || c == '\t' || c == '\r':
			p.i++
		case c == '#' || c == '/' && p.i+1 < len(p.s) && p.s[p.i+1] == '/':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case c == '/' && p.i+1 < len(p.s) && p.s[p.i+1] == '*':
			start := p.line
			p.i += 2
			for p.i < len(p.s) && !(p.s[p.i] == '*' && p.i+1 < len(p.s) && p.s[p.i+1] == '/') {
				if p.s[p.i] == '\n' {
					p.line++
				}
				p.i++
			}
			p.i += 2
			if p.i > len(p.s) {
				p.i = len(p.s)
				p.openComment = start
				return
			}
		default:
			return
		}
	}
}

func (p *prefParser) ident() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return string(p.s[start:p.i])
}

func (p *prefParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, p.errf("unexpected end of file")
	}
	c := p.s[p.i]
	if c == '"' || c == '\'' {
		return p.str()
	}
	if c == '-' || c == '+' || c >= '0' && c <= '9' {
		start := p.i
		p.i++
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		n, err := strconv.ParseInt(string(p.s[start:p.i]), 10, 32)
		if err != nil {
			return nil, p.errf("bad integer %q", p.s[start:p.i])
		}
		return int(n), nil
	}
	switch id := p.ident(); id {
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return nil, p.errf("bad value %q", id)
	}
}

func (p *prefParser) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '"' && p.s[p.i] != '\'') {
		return "", p.errf("expected a string")
	}
	q := p.s[p.i]
	p.i++
	var b []byte
	for {
		if p.i >= len(p.s) {
			return "", p.errf("unterminated string")
		}
		c := p.s[p.i]
		p.i++
		switch {
		case c == q:
			if !utf8.Valid(b) {
				return "", p.errf("string is not UTF-8")
			}
			return string(b), nil
		case c == '\n':
			p.line++
			b = append(b, c)
		case c == '\\':
			if p.i >= len(p.s) {
				return "", p.errf("unterminated string")
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case '"', '\'', '\\':
				b = append(b, e)
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 'x':
				v, err := p.hex(2)
				if err != nil {
					return "", err
				}
				if v == 0 {
					return "", p.errf(`\x00 is not allowed`)
				}
				b = append(b, byte(v))
			case 'u':
				v, err := p.hex(4)
				if err != nil {
					return "", err
				}
				r := rune(v)
				if utf16.IsSurrogate(r) {
					if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
						p.i += 2
						v2, err := p.hex(4)
						if err != nil {
							return "", err
						}
						r = utf16.DecodeRune(r, rune(v2))
					} else {
						r = utf8.RuneError
					}
				}
				if r == 0 {
					return "", p.errf(`\u0000 is not allowed`)
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", p.errf("unknown escape \\%c", e)
			}
		default:
			b = append(b, c)
		}
	}
}

func (p *prefParser) hex(n int) (int, error) {
	if p.i+n > len(p.s) {
		return 0, errors.New("export: prefs: short escape")
	}
	v, err := strconv.ParseUint(string(p.s[p.i:p.i+n]), 16, 32)
	if err != nil {
		return 0, p.errf("bad escape")
	}
	p.i += n
	return int(v), nil
}

// splitList splits a comma list pref ("account1,account2").
func splitList(v any) []string {
	s, _ := v.(string)
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"mailsetup/profiles"
)

// batchPerson is one good row of a batch file.
type batchPerson struct {
	// Line is the row's first line in the file (1-based); EndLine its last
	// (a quoted cell may hold line breaks).
	Line, EndLine int
	Address       profiles.Address
	// Name is the display name; may be empty.
	Name string
	// Login is the login when it is not the address; may be empty.
	Login string
	// Folder is the folder inside --out, set once the row is accepted.
	Folder string
}

// lines is "line N" or "lines N–M" for messages.
func (p batchPerson) lines() string {
	if p.EndLine > p.Line {
		return fmt.Sprintf("lines %d–%d", p.Line, p.EndLine)
	}
	return fmt.Sprintf("line %d", p.Line)
}

// batchRow is one row of a batch file: a person, or the reason the row is bad.
type batchRow struct {
	batchPerson
	// Err is why the row cannot be used ("" for a good row).
	Err string
}

// Column names understood in a header row, lower-case.
var (
	headerAddress = []string{"address", "email", "e-mail", "mail", "email address", "e-mail address", "адрес", "почта", "электронная почта", "e-posta", "eposta", "メール", "メールアドレス", "adresa", "adresă", "e-mail adresa"}
	headerName    = []string{"name", "display name", "full name", "displayname", "имя", "фио", "ad", "ad soyad", "isim", "名前", "氏名", "nume", "ime", "ime i prezime"}
	headerLogin   = []string{"login", "username", "user", "user name", "логин", "kullanıcı adı", "kullanici", "ログイン", "ユーザー名", "utilizator", "korisničko ime"}
)

// readBatchCSV reads a batch file as spreadsheets write it (RFC 4180):
// UTF-8 with or without a byte order mark, CRLF or LF, comma- or
// semicolon-separated (the first row decides), quoted cells with "" for a
// quote and with line breaks inside (Excel's Alt+Enter), so a row is never
// split into two people. The first row is a header only when it is one
// (headerColumns); otherwise the columns are address, display name, login.
// Empty lines and lines starting with # are skipped. Every other row
// becomes a batchRow, good or with its reason and its lines; a bad row
// never stops the rows after it, except a quote that is never closed:
// by RFC 4180 the rest of the file is then inside that cell, so it is one
// bad row, never people made of its lines. The error is for a file that
// cannot be read at all.
func readBatchCSV(data []byte) ([]batchRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		return nil, errors.New("the file is UTF-16; save it as UTF-8 (in Excel: \"CSV UTF-8\")")
	}
	sc := &csvScanner{s: string(data), line: 1}
	cols := [3]int{0, 1, 2} // index of address, name, login
	maxCols := 3
	var rows []batchRow
	first := true
	for !sc.atEnd() {
		if sc.skipBlankOrComment() {
			continue
		}
		if sc.sep == 0 {
			sc.sep = guessSeparator(sc.restOfLine())
		}
		rec := sc.record()
		p := batchPerson{Line: rec.start, EndLine: rec.end}
		if rec.err != "" {
			rows = append(rows, batchRow{batchPerson: p, Err: rec.err})
			first = false
			continue
		}
		if !validUTF8(rec.fields) {
			rows = append(rows, batchRow{batchPerson: p, Err: "the row is not UTF-8 text; save the file as UTF-8"})
			first = false
			continue
		}
		if first {
			first = false
			if c, ok := headerColumns(rec.fields); ok {
				cols, maxCols = c, len(rec.fields)
				continue
			}
			rows = append(rows, parseBatchRow(p, rec.fields, cols, maxCols, true))
			continue
		}
		rows = append(rows, parseBatchRow(p, rec.fields, cols, maxCols, false))
	}
	return rows, nil
}

func validUTF8(fields []string) bool {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

// csvScanner reads RFC 4180 records from s, counting lines.
type csvScanner struct {
	s    string
	pos  int
	line int // the line pos is on, 1-based
	sep  byte
}

// csvRecord is one record: its fields, or why it is bad, and its lines.
type csvRecord struct {
	fields     []string
	start, end int
	err        string
}

func (c *csvScanner) atEnd() bool { return c.pos >= len(c.s) }

// restOfLine is the text from pos to the end of its line.
func (c *csvScanner) restOfLine() string {
	if i := strings.IndexByte(c.s[c.pos:], '\n'); i >= 0 {
		return c.s[c.pos : c.pos+i]
	}
	return c.s[c.pos:]
}

// skipLine moves past the end of the current line.
func (c *csvScanner) skipLine() {
	if i := strings.IndexByte(c.s[c.pos:], '\n'); i >= 0 {
		c.pos += i + 1
		c.line++
		return
	}
	c.pos = len(c.s)
}

// skipBlankOrComment skips the line at pos when it is empty, blank or a
// "#" comment, and reports whether it did.
func (c *csvScanner) skipBlankOrComment() bool {
	t := strings.TrimSpace(c.restOfLine())
	if t == "" || strings.HasPrefix(t, "#") {
		c.skipLine()
		return true
	}
	return false
}

// record reads one record starting at pos.
func (c *csvScanner) record() csvRecord {
	r := csvRecord{start: c.line}
	for {
		col := len(r.fields) + 1
		field, err := c.field(col)
		if err != "" {
			r.err = err
			r.end = c.line
			if c.atEnd() && strings.HasSuffix(c.s, "\n") && r.end > r.start {
				r.end-- // the last line feed ends the last line
			}
			c.skipLine() // the rest of the line where the record went wrong
			return r
		}
		r.fields = append(r.fields, field)
		if c.atEnd() {
			r.end = c.line
			return r
		}
		switch c.s[c.pos] {
		case c.sep:
			c.pos++
			if c.atEnd() {
				r.fields = append(r.fields, "")
				r.end = c.line
				return r
			}
		case '\n':
			r.end = c.line
			c.pos++
			c.line++
			return r
		}
	}
}

// field reads one field at pos and leaves pos on the separator, the line
// feed or the end. A "\r" before the line feed is not part of the field;
// inside quotes "\r\n" becomes "\n".
func (c *csvScanner) field(col int) (string, string) {
	i := c.pos
	for i < len(c.s) && (c.s[i] == ' ' || c.s[i] == '\t') {
		i++
	}
	if i >= len(c.s) || c.s[i] != '"' {
		j := c.pos
		for j < len(c.s) && c.s[j] != c.sep && c.s[j] != '\n' {
			j++
		}
		f := strings.TrimSuffix(c.s[c.pos:j], "\r")
		c.pos = j
		return f, ""
	}
	var b strings.Builder
	c.pos = i + 1
	for {
		if c.atEnd() {
			return "", fmt.Sprintf("a quote in column %d is never closed, so the rest of the file is inside it; close it with \"", col)
		}
		ch := c.s[c.pos]
		switch {
		case ch == '"' && c.pos+1 < len(c.s) && c.s[c.pos+1] == '"':
			b.WriteByte('"')
			c.pos += 2
			continue
		case ch == '"':
			c.pos++
			for c.pos < len(c.s) && (c.s[c.pos] == ' ' || c.s[c.pos] == '\t' || c.s[c.pos] == '\r' && c.pos+1 < len(c.s) && c.s[c.pos+1] == '\n') {
				c.pos++
			}
			if c.pos < len(c.s) && c.s[c.pos] != c.sep && c.s[c.pos] != '\n' {
				return "", fmt.Sprintf("text after the closing quote in column %d (a quote inside a quoted cell is written \"\")", col)
			}
			return b.String(), ""
		case ch == '\r' && c.pos+1 < len(c.s) && c.s[c.pos+1] == '\n':
			c.pos++
			continue
		case ch == '\n':
			c.line++
		}
		b.WriteByte(ch)
		c.pos++
	}
}

// guessSeparator picks ";" or "," from the first row's first line.
func guessSeparator(line string) byte {
	inQuote := false
	commas, semis := 0, 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				commas++
			}
		case ';':
			if !inQuote {
				semis++
			}
		}
	}
	if semis > 0 && semis >= commas {
		return ';'
	}
	return ','
}

// headerColumns recognises a header row and returns the column of address,
// name and login (-1 when absent). A row is a header only when no cell holds
// an "@" and either it names the address column, or every cell it fills is
// a known column name; so "not-an-address,Name" is a bad row, reported,
// never swallowed as a header (reliability.md L11).
func headerColumns(fields []string) ([3]int, bool) {
	cols := [3]int{-1, -1, -1}
	allKnown := true
	for i, f := range fields {
		if strings.Contains(f, "@") {
			return [3]int{}, false
		}
		f = strings.ToLower(strings.TrimSpace(f))
		switch {
		case f == "":
		case contains(headerAddress, f) && cols[0] < 0:
			cols[0] = i
		case contains(headerName, f) && cols[1] < 0:
			cols[1] = i
		case contains(headerLogin, f) && cols[2] < 0:
			cols[2] = i
		default:
			allKnown = false
		}
	}
	if cols[0] >= 0 {
		return cols, true
	}
	if allKnown && (cols[1] >= 0 || cols[2] >= 0) {
		// Some columns named, but not the address: positional.
		return [3]int{0, 1, 2}, true
	}
	return [3]int{}, false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// lineBreaks folds the line breaks of a multi-line cell into spaces.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func parseBatchRow(p batchPerson, fields []string, cols [3]int, maxCols int, first bool) batchRow {
	row := batchRow{batchPerson: p}
	get := func(i int) string {
		if i < 0 || i >= len(fields) {
			return ""
		}
		return strings.TrimSpace(fields[i])
	}
	if len(fields) > maxCols {
		extra := strings.Join(fields[maxCols:], "")
		if strings.TrimSpace(extra) != "" {
			row.Err = fmt.Sprintf("%d columns, at most %d (address, display name, login); put a name with a comma in quotes", len(fields), maxCols)
			return row
		}
	}
	raw := get(cols[0])
	if raw == "" {
		row.Err = "the address is empty"
		return row
	}
	addr, err := profiles.ParseAddress(raw)
	if err != nil {
		row.Err = fmt.Sprintf("%s is not a usable e-mail address: %s", printable(raw), profiles.Sentence(err))
		if first {
			row.Err += " (a header row must name the columns: address, name, login)"
		}
		return row
	}
	name := strings.TrimSpace(lineBreaks.Replace(get(cols[1])))
	if name == "" {
		name = addr.Name
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		row.Err = "the display name contains a control character"
		return row
	}
	if len([]rune(name)) > 200 {
		row.Err = "the display name is longer than 200 characters"
		return row
	}
	login := get(cols[2])
	if strings.ContainsFunc(login, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		row.Err = fmt.Sprintf("the login %s contains a space or control character", printable(login))
		return row
	}
	if len(login) > 254 {
		row.Err = "the login is longer than 254 characters"
		return row
	}
	row.Address, row.Name, row.Login = addr, name, login
	return row
}

package mailwire

import (
	"fmt"
	"strconv"
	"strings"
)

// Greeting is the server's first reply.
type Greeting struct {
	// Line is the first line ("* OK …", "+OK …", "220 …").
	Line string
	// Code is the SMTP reply code (220), 0 for IMAP and POP3.
	Code int
	// Text is the text after the code or status, lines joined by "\n".
	Text string
}

// Greeting reads the server's greeting. A reply that is not a mail
// greeting is a *ReplyError wrapping ErrBadGreeting (or
// ErrClosedAtOnce for an IMAP BYE, ErrRefused for an SMTP code other than
// 220, ErrPOP3 for a POP3 -ERR).
func (c *Conn) Greeting() (Greeting, error) {
	switch c.proto {
	case SMTP:
		code, text, err := c.ReadSMTP()
		if err != nil {
			return Greeting{}, err
		}
		g := Greeting{Line: fmt.Sprintf("%d %s", code, firstLine(text)), Code: code, Text: text}
		if code != 220 {
			return g, &ReplyError{Reply: fmt.Sprintf("%d %s", code, text), Err: ErrRefused}
		}
		return g, nil
	case POP3:
		line, err := c.ReadLine()
		if err != nil {
			return Greeting{}, err
		}
		g := Greeting{Line: line, Text: strings.TrimSpace(strings.TrimPrefix(line, "+OK"))}
		switch {
		case strings.HasPrefix(line, "+OK"):
			return g, nil
		case strings.HasPrefix(line, "-ERR"):
			return g, &ReplyError{Reply: line, Err: ErrPOP3}
		}
		return g, &ReplyError{Reply: line, Err: ErrBadGreeting}
	}
	line, err := c.ReadLine()
	if err != nil {
		return Greeting{}, err
	}
	g := Greeting{Line: line, Text: line}
	up := strings.ToUpper(line)
	switch {
	case strings.HasPrefix(up, "* OK"), strings.HasPrefix(up, "* PREAUTH"):
		return g, nil
	case strings.HasPrefix(up, "* BYE"):
		return g, &ReplyError{Reply: line, Err: ErrClosedAtOnce}
	}
	return g, &ReplyError{Reply: line, Err: ErrBadGreeting}
}

// ReadSMTP reads one SMTP reply, multi-line or not: its code and its text,
// lines joined by "\n". More than MaxReplyLines lines is a *LimitError.
func (c *Conn) ReadSMTP() (int, string, error) {
	var lines []string
	for i := 0; ; i++ {
		if i >= c.lim.MaxReplyLines {
			return 0, strings.Join(lines[:1], "\n"), c.broke(&LimitError{What: "reply", Limit: int64(c.lim.MaxReplyLines)})
		}
		line, err := c.ReadLine()
		if err != nil {
			return 0, strings.Join(lines, "\n"), err
		}
		if len(line) < 3 {
			return 0, line, &ReplyError{Reply: line, Err: ErrBadGreeting}
		}
		code, err := strconv.Atoi(line[:3])
		if err != nil || code < 100 {
			return 0, line, &ReplyError{Reply: line, Err: ErrBadGreeting}
		}
		text := ""
		if len(line) > 4 {
			text = line[4:]
		}
		lines = append(lines, text)
		if len(line) == 3 || line[3] == ' ' {
			return code, strings.Join(lines, "\n"), nil
		}
		if line[3] != '-' {
			return 0, line, &ReplyError{Reply: line, Err: ErrBadGreeting}
		}
	}
}

// ReadPOP3 reads a one-line POP3 reply: "+OK …" and "+ …" (a SASL
// challenge) are no error; "-ERR …" is a *ReplyError wrapping
// ErrPOP3; anything else wraps ErrBadGreeting.
func (c *Conn) ReadPOP3() (string, error) {
	line, err := c.ReadLine()
	if err != nil {
		return "", err
	}
	switch {
	case strings.HasPrefix(line, "+OK"), strings.HasPrefix(line, "+ "), line == "+":
		return line, nil
	case strings.HasPrefix(line, "-ERR"):
		return line, &ReplyError{Reply: line, Err: ErrPOP3}
	}
	return line, &ReplyError{Reply: line, Err: ErrBadGreeting}
}

// Tag returns a fresh IMAP command tag ("m1", "m2"…).
func (c *Conn) Tag() string {
	c.tag++
	return "m" + strconv.Itoa(c.tag)
}

// ReadTagged reads IMAP lines up to the tagged reply for tag and returns
// it, with the untagged lines before it. A "* BYE" ends the wait; more than
// MaxReplyLines untagged lines is a *LimitError.
func (c *Conn) ReadTagged(tag string) (string, []string, error) {
	prefix := strings.ToUpper(tag) + " "
	var untagged []string
	for i := 0; ; i++ {
		if i >= c.lim.MaxReplyLines {
			return "", nil, c.broke(&LimitError{What: "reply", Limit: int64(c.lim.MaxReplyLines)})
		}
		line, err := c.ReadLine()
		if err != nil {
			return "", untagged, err
		}
		up := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(up, prefix):
			return line, untagged, nil
		case strings.HasPrefix(up, "* BYE"):
			return line, untagged, &ReplyError{Reply: line, Err: ErrClosed}
		case strings.HasPrefix(line, "* "), strings.HasPrefix(line, "+"):
			untagged = append(untagged, line)
		default:
			return line, untagged, &ReplyError{Reply: line, Err: ErrBadGreeting}
		}
	}
}

// Caps is a server's capability list in the protocol's own form: IMAP
// atoms ("IMAP4rev1", "AUTH=PLAIN"), POP3 CAPA lines ("SASL PLAIN LOGIN"),
// SMTP EHLO keywords with parameters ("AUTH PLAIN LOGIN").
type Caps struct {
	Proto Protocol
	List  []string
}

// Has reports whether the capability name is offered (IMAP: the whole
// atom; POP3 and SMTP: the first word of a line), ignoring case.
func (k Caps) Has(name string) bool {
	for _, x := range k.List {
		if k.Proto == IMAP {
			if strings.EqualFold(x, name) {
				return true
			}
			continue
		}
		if f := strings.Fields(x); len(f) > 0 && strings.EqualFold(f[0], name) {
			return true
		}
	}
	return false
}

// SASL returns the SASL mechanisms offered (upper case): IMAP "AUTH=X"
// atoms, POP3 "SASL X Y", SMTP "AUTH X Y" or "AUTH=X Y".
func (k Caps) SASL() []string {
	var out []string
	for _, x := range k.List {
		u := strings.ToUpper(x)
		switch k.Proto {
		case IMAP:
			if strings.HasPrefix(u, "AUTH=") {
				out = append(out, u[5:])
			}
		case POP3:
			if f := strings.Fields(u); len(f) > 1 && f[0] == "SASL" {
				out = append(out, f[1:]...)
			}
		case SMTP:
			if strings.HasPrefix(u, "AUTH ") || strings.HasPrefix(u, "AUTH=") {
				out = append(out, strings.Fields(u[5:])...)
			}
		}
	}
	return out
}

// HasSASL reports whether mech is among the SASL mechanisms.
func (k Caps) HasSASL(mech string) bool {
	for _, m := range k.SASL() {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// STARTTLS reports whether the upgrade command is offered (STLS for POP3).
func (k Caps) STARTTLS() bool {
	if k.Proto == POP3 {
		return k.Has("STLS")
	}
	return k.Has("STARTTLS")
}

// String is the list as the server would show it.
func (k Caps) String() string {
	switch k.Proto {
	case IMAP:
		return "* CAPABILITY " + strings.Join(k.List, " ")
	case POP3:
		return "CAPA: " + strings.Join(k.List, ", ")
	}
	return "EHLO: " + strings.Join(k.List, ", ")
}

// Capabilities asks for and reads the capabilities: IMAP CAPABILITY, POP3
// CAPA (a server without CAPA gives an empty list, RFC 2449 makes it
// optional), SMTP EHLO with the name ehlo. The reply returned is the
// server's final line, for diagnoses.
func (c *Conn) Capabilities(ehlo string) (Caps, string, error) {
	k := Caps{Proto: c.proto, List: []string{}}
	switch c.proto {
	case IMAP:
		tag := c.Tag()
		if err := c.WriteLine(tag + " CAPABILITY"); err != nil {
			return k, "", err
		}
		tagged, untagged, err := c.ReadTagged(tag)
		if err != nil {
			return k, tagged, err
		}
		for _, l := range untagged {
			if f := strings.Fields(l); len(f) >= 2 && strings.EqualFold(f[1], "CAPABILITY") {
				if len(f)-2 > c.lim.MaxReplyLines {
					return k, "", c.broke(&LimitError{What: "reply", Limit: int64(c.lim.MaxReplyLines)})
				}
				k.List = append(k.List[:0], f[2:]...)
			}
		}
		if !strings.HasPrefix(strings.ToUpper(tagged), strings.ToUpper(tag)+" OK") {
			return k, tagged, &ReplyError{Reply: tagged, Err: ErrCapabilityFailed}
		}
		return k, tagged, nil
	case POP3:
		if err := c.WriteLine("CAPA"); err != nil {
			return k, "", err
		}
		line, err := c.ReadPOP3()
		if err != nil {
			if re, ok := err.(*ReplyError); ok && re.Err == ErrPOP3 {
				return k, line, nil
			}
			return k, line, err
		}
		for i := 0; ; i++ {
			if i >= c.lim.MaxReplyLines {
				return k, "", c.broke(&LimitError{What: "reply", Limit: int64(c.lim.MaxReplyLines)})
			}
			l, err := c.ReadLine()
			if err != nil {
				return k, "", err
			}
			if l == "." {
				return k, line, nil
			}
			k.List = append(k.List, l)
		}
	}
	if err := c.WriteLine("EHLO " + ehlo); err != nil {
		return k, "", err
	}
	code, text, err := c.ReadSMTP()
	if err != nil {
		return k, text, err
	}
	if code != 250 {
		r := fmt.Sprintf("%d %s", code, text)
		return k, r, &ReplyError{Reply: r, Err: ErrCapabilityFailed}
	}
	for i, l := range strings.Split(text, "\n") {
		if i == 0 || l == "" {
			continue
		}
		k.List = append(k.List, l)
	}
	return k, firstLine(text), nil
}

// Quit says goodbye (IMAP LOGOUT, POP3/SMTP QUIT) without waiting.
func (c *Conn) Quit() {
	if c.proto == IMAP {
		_ = c.WriteLine(c.Tag() + " LOGOUT")
		return
	}
	_ = c.WriteLine("QUIT")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

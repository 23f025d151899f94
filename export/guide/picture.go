package guide

// Platform selects the look of a picture's frame.
type Platform string

// The platforms a picture can look like.
const (
	PlatformWindows Platform = "windows"
	PlatformMac     Platform = "mac"
	PlatformPhone   Platform = "phone"
	PlatformWeb     Platform = "web"
)

// Field is one labelled text box in a picture.
type Field struct {
	Label string
	Value string
	// Secret draws the value as dots (passwords are never drawn).
	Secret    bool
	Highlight bool
}

// Check is a checkbox or switch in a picture.
type Check struct {
	Label     string
	On        bool
	Highlight bool
}

// Button is a push button in a picture.
type Button struct {
	Label     string
	Highlight bool
}

// Picture is a stylised drawing of one dialog or screen of a mail program:
// a title, an optional menu path, fields with the user's values, switches
// and buttons; the thing to touch is highlighted. It is not a screenshot.
type Picture struct {
	Platform Platform
	Title    string
	// Path is a menu or settings path; its last element is highlighted.
	Path    []string
	Fields  []Field
	Checks  []Check
	Buttons []Button
}

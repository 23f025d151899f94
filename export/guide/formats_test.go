package guide

import (
	"strings"
	"testing"

	"mailsetup/export"
)

// TestFileFormats: both directions of the one guide ↔ export table agree,
// every format named is a real export format, and every guide that starts
// from a file says so in its text (the file name appears in a step).
func TestFileFormats(t *testing.T) {
	for _, c := range Clients {
		f, ok := FileFormat(c)
		if !ok {
			continue
		}
		if _, known := export.Lookup(string(f)); !known {
			t.Errorf("%s: %q is not an export format", c, f)
		}
		back, ok := ForFormat(f)
		if !ok {
			t.Errorf("ForFormat(%s) has no guide, though %s starts from it", f, c)
		}
		if g, _ := FileFormat(back); g != f {
			t.Errorf("ForFormat(%s) = %s, whose file is %s", f, back, g)
		}
		g, err := Build(testConfig(t, "Ivan"), Options{Client: c, Export: ExportFile, File: "ivan." + string(f)})
		if err != nil {
			t.Fatal(err)
		}
		if txt := allText(g); !strings.Contains(txt, "ivan."+string(f)) {
			t.Errorf("%s's guide from a file never names the file:\n%s", c, txt)
		}
	}
	if c, _ := ForFormat(export.FormatMobileconfig); c != IOS {
		t.Errorf("a .mobileconfig leads to %s, want the iPhone guide (the window's choice)", c)
	}
	if _, ok := FileFormat(TheBat); ok {
		t.Error("The Bat! has no file of ours")
	}
}

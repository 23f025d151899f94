package guide

import "mailsetup/export"

// fileFormats is the one table between guides and export files: the file
// each mail program's guide starts from (Options.Export == ExportFile).
// Where two programs open the same file the one listed first is the guide
// ForFormat picks (an iPhone is where a .mobileconfig is usually opened).
// Android's own Gmail app imports no file; The Bat! has no format of ours.
var fileFormats = []struct {
	client Client
	format export.FormatName
}{
	{Outlook, export.FormatPRF},
	{IOS, export.FormatMobileconfig},
	{AppleMail, export.FormatMobileconfig},
	{K9, export.FormatK9},
	{Thunderbird, export.FormatThunderbirdZip},
}

// FileFormat is the export file c's guide can start from, and whether it
// has one.
func FileFormat(c Client) (export.FormatName, bool) {
	for _, f := range fileFormats {
		if f.client == c {
			return f.format, true
		}
	}
	return "", false
}

// ForFormat is the guide to show after exporting a file of format f, and
// whether there is one.
func ForFormat(f export.FormatName) (Client, bool) {
	for _, ff := range fileFormats {
		if ff.format == f {
			return ff.client, true
		}
	}
	return "", false
}

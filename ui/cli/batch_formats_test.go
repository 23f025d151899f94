package cli

import (
	"testing"

	"mailsetup/profiles"
)

// batchTestFormats are the outputs the batch tests write and parse back.
const batchTestFormats = "json"

// checkExportFiles parses back the export files of one person.
func checkExportFiles(t *testing.T, dir string, a profiles.Address, line int) {}

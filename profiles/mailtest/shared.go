package mailtest

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedData returns the directory shared/data/<name> (the ISPDB sample,
// FairEmail's providers, Apple's schema files…), found by walking up from
// the test's directory: it lives beside the repository, never in it. When
// it is not there the test is skipped, saying what was not checked.
func SharedData(t testing.TB, name string) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "data", name)
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("shared/data/%s not found above the repository (reference data is not part of the repo); %s not checked against it", name, t.Name())
		}
		dir = parent
	}
}

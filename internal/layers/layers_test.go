// Package layers holds one test: the import graph of mailsetup, read with
// "go list -json", keeps the layering the README promises. Floors, from the
// bottom: assets and internal (leaves), profiles (the domain and its
// engines), export (writers, guides and their drawing), preset
// (organisation policy over export), ui (window and command line), and the
// program. A package may import its own floor or lower, never higher; Fyne
// is linked only where something is drawn.
package layers

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// floors maps an import-path prefix to its floor; the longest prefix wins.
var floors = []struct {
	prefix string
	floor  int
}{
	{"mailsetup/assets", 0},
	{"mailsetup/internal", 0},
	{"mailsetup/profiles", 1},
	{"mailsetup/export", 2},
	{"mailsetup/preset", 3},
	{"mailsetup/audit", 3}, // application level, beside preset: it uses export's writers
	{"mailsetup/ui", 4},
	{"mailsetup/scripts", 5},
	{"mailsetup", 5},
}

func floor(path string) int {
	best, f := -1, -1
	for _, fl := range floors {
		if (path == fl.prefix || strings.HasPrefix(path, fl.prefix+"/")) && len(fl.prefix) > best {
			best, f = len(fl.prefix), fl.floor
		}
	}
	return f
}

func under(path, prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the packages with")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	for _, want := range []string{"mailsetup/profiles", "mailsetup/export/guide", "mailsetup/export/guide/draw", "mailsetup/assets/i18n", "mailsetup/preset", "mailsetup/ui"} {
		if _, ok := pkgs[want]; !ok {
			t.Fatalf("go list did not list %s: is the test reading the right module?", want)
		}
	}
	return pkgs
}

// TestNoArrowRunsUp: no package imports a package on a higher floor, and
// the root of the domain (profiles) imports none of its engines.
func TestNoArrowRunsUp(t *testing.T) {
	pkgs := listPackages(t)
	arrows := 0
	for _, p := range pkgs {
		from := floor(p.ImportPath)
		for _, imp := range p.Imports {
			if !under(imp, "mailsetup") {
				continue
			}
			arrows++
			if to := floor(imp); to > from {
				t.Errorf("%s (floor %d) imports %s (floor %d): an arrow running back up", p.ImportPath, from, imp, to)
			}
			if p.ImportPath == "mailsetup/profiles" && under(imp, "mailsetup/profiles") {
				t.Errorf("the domain root imports its engine %s", imp)
			}
		}
	}
	if arrows < 20 {
		t.Fatalf("only %d arrows inside mailsetup: the graph was not read", arrows)
	}
}

// TestFyneOnlyWhereSomethingIsDrawn: nothing under profiles/, assets/,
// internal/, export (but its draw package) or preset links Fyne, not even
// through another package; only export/guide/draw, ui and the program
// import it; and fyne/v2/test is imported by no production package but the
// one file that explains why (export/guide/draw/headless.go).
func TestFyneOnlyWhereSomethingIsDrawn(t *testing.T) {
	pkgs := listPackages(t)
	fyneFree := []string{"mailsetup/profiles", "mailsetup/assets", "mailsetup/internal", "mailsetup/preset", "mailsetup/export/guide"}
	drawers := map[string]bool{"mailsetup/export/guide/draw": true, "mailsetup/ui": true, "mailsetup": true}
	checked := 0
	for _, p := range pkgs {
		free := p.ImportPath == "mailsetup/export"
		for _, f := range fyneFree {
			free = free || under(p.ImportPath, f)
		}
		if under(p.ImportPath, "mailsetup/export/guide/draw") {
			free = false
		}
		if free {
			checked++
			for _, d := range p.Deps {
				if under(d, "fyne.io") {
					t.Errorf("%s links %s", p.ImportPath, d)
					break
				}
			}
		}
		for _, imp := range p.Imports {
			if !under(imp, "fyne.io") {
				continue
			}
			if !drawers[p.ImportPath] {
				t.Errorf("%s imports %s: Fyne belongs where something is drawn", p.ImportPath, imp)
			}
			if imp == "fyne.io/fyne/v2/test" && p.ImportPath != "mailsetup/export/guide/draw" {
				t.Errorf("%s imports fyne/v2/test in production code", p.ImportPath)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d Fyne-free packages checked", checked)
	}
	if !contains(pkgs["mailsetup/export/guide/draw"].Deps, "fyne.io/fyne/v2") {
		t.Fatal("the draw package does not link Fyne: the dependency lists are not what this test thinks")
	}
}

// TestI18nIsALeaf: the translation catalog imports nothing from the
// domain, so every floor may use it.
func TestI18nIsALeaf(t *testing.T) {
	pkgs := listPackages(t)
	for _, d := range pkgs["mailsetup/assets/i18n"].Deps {
		if under(d, "mailsetup") && d != "mailsetup/assets" {
			t.Errorf("assets/i18n depends on %s", d)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

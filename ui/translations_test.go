package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"mailsetup/assets/i18n"
)

// literals returns every string literal in the non-test Go files of dirs.
func literals(t *testing.T, dirs ...string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if b, ok := n.(*ast.BasicLit); ok && b.Kind == token.STRING {
					if s, err := strconv.Unquote(b.Value); err == nil {
						out[s] = true
					}
				}
				return true
			})
		}
	}
	return out
}

func readCatalog(t *testing.T, area, lang string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "assets", "translations", area+"."+lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.%s.json: %v", area, lang, err)
	}
	return m
}

// TestTranslationsComplete checks that every ui and cli translation has
// exactly the English file's keys, keeps its {{.Placeholders}}, and that
// every English key is used by the code (a string literal in ui/ or ui/cli/).
func TestTranslationsComplete(t *testing.T) {
	used := map[string]map[string]bool{
		"ui":  literals(t, "."),
		"cli": literals(t, ".", "cli"),
	}
	for _, area := range []string{"ui", "cli"} {
		en := readCatalog(t, area, "en")
		var unused []string
		for k := range en {
			if !used[area][k] {
				unused = append(unused, k)
			}
		}
		sort.Strings(unused)
		if len(unused) > 0 {
			t.Errorf("%s.en.json has keys no code uses: %v", area, unused)
		}
		for _, lang := range i18n.Languages[1:] {
			tr := readCatalog(t, area, lang)
			for k, v := range en {
				got, ok := tr[k]
				if !ok {
					t.Errorf("%s.%s.json lacks %q", area, lang, k)
					continue
				}
				for _, ph := range placeholders(v) {
					if !strings.Contains(got, ph) {
						t.Errorf("%s.%s.json %q lacks %s", area, lang, k, ph)
					}
				}
			}
			for k := range tr {
				if _, ok := en[k]; !ok {
					t.Errorf("%s.%s.json has %q, which English does not", area, lang, k)
				}
			}
		}
	}
}

func placeholders(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return out
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return out
		}
		out = append(out, s[i:i+j+2])
		s = s[i+j+2:]
	}
}

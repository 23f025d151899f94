package knowledge

import (
	"strings"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// The limits note (LimitsNote) is one sentence around a list: Key
// "note.limits" with Args "Parts" (the limit names present, comma-joined, in
// order) and "List" (those limits, each said with its own key
// "note.limit.<name>", joined by "; "). List is text in one language, so
// saying the note in another language renders it again; this file is the
// one place that knows that.
const (
	limitsKey       = "note.limits"
	limitPartPrefix = "note.limit."
)

// limitList says the limits named in args["Parts"] in lang, joined.
func limitList(lang string, args map[string]string) string {
	var rendered []string
	for _, p := range strings.Split(args["Parts"], ",") {
		if p != "" {
			rendered = append(rendered, i18n.T(lang, limitPartPrefix+p, args))
		}
	}
	return strings.Join(rendered, "; ")
}

// NoteText says a note in lang: its key's translation with its args (the
// limits note's list said again in lang), else, when the catalogs lack the
// key, its English Text. The window and the command line both use it.
func NoteText(lang string, n profiles.Note) string {
	cat := i18n.Default()
	if n.Key == "" || !(cat.Has(lang, n.Key) || cat.Has(i18n.Fallback, n.Key)) {
		return n.Text
	}
	args := make(map[string]string, len(n.Args)+1)
	for k, v := range n.Args {
		args[k] = v
	}
	// The provider in the form its users know it (Яндекс Почта, Почта
	// Mail.ru), from providers.<lang>.json; its own name where there is none.
	if id := args["ProviderID"]; id != "" {
		args["Provider"] = cat.TOr(lang, "provider."+id, args["Provider"], nil)
	}
	if n.Key == limitsKey {
		args["List"] = limitList(lang, args)
	}
	return cat.T(lang, n.Key, args)
}

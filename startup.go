package main

import (
	"os"
	"strings"

	"mailsetup/assets/i18n"
)

// startupLang is the language of a startup error: --lang when it names a
// language we speak, else MAILSETUP_LANG, the environment's locale, and on
// Windows the user's locale, which Windows keeps out of the environment.
func startupLang(args []string, getenv func(string) string) string {
	for i, a := range args {
		v := ""
		switch {
		case (a == "--lang" || a == "-lang") && i+1 < len(args):
			v = args[i+1]
		case strings.HasPrefix(a, "--lang="), strings.HasPrefix(a, "-lang="):
			v = a[strings.IndexByte(a, '=')+1:]
		}
		if i18n.Supported(v) {
			return v
		}
	}
	for _, k := range []string{"MAILSETUP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		for _, v := range strings.Split(getenv(k), ":") {
			if v == "" || v == "C" || strings.HasPrefix(v, "C.") || v == "POSIX" {
				continue
			}
			if l := i18n.Match(v); l != i18n.Fallback || strings.HasPrefix(strings.ToLower(v), "en") {
				return l
			}
		}
	}
	if loc := systemLocale(); loc != "" {
		return i18n.Match(loc)
	}
	return i18n.Fallback
}

// startupMessage is what a person sees when the window cannot start: a
// sentence in their language saying what happened and what to do, then the
// exact reason (the file and the field), which IT needs to fix it.
func startupMessage(lang string, err error) (title, text, ok string) {
	title = i18n.T(lang, "startup.title", nil)
	text = i18n.T(lang, "startup.intro", nil) + "\n\n" + err.Error() + "\n\n" + i18n.T(lang, "startup.what-to-do", nil)
	return title, text, i18n.T(lang, "startup.ok", nil)
}

// reportStartupError writes the error to standard error (for a terminal or
// a log) and shows it in a window (for the person who double-clicked).
func reportStartupError(args []string, err error) {
	lang := startupLang(args, os.Getenv)
	title, text, ok := startupMessage(lang, err)
	os.Stderr.WriteString("mailsetup: " + err.Error() + "\n")
	showStartupError(lang, title, text, ok)
}

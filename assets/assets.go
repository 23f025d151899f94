// Package assets holds everything mailsetup embeds in its executable: the
// icon, the translation catalogs (translations/<area>.<lang>.json, go-i18n
// flat JSON, one file per area and language) and fonts.
package assets

import "embed"

// Translations holds translations/<area>.<lang>.json: flat JSON objects from
// a message key to a text/template string ("Hello {{.Name}}").
//
//go:embed translations
var Translations embed.FS

// TranslationsDir is the directory inside Translations.
const TranslationsDir = "translations"

// Icon is the application icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

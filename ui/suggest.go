package ui

import (
	"strings"
)

// commonDomains are the mail domains whose typos are worth catching: the
// largest providers of the languages the window speaks.
var commonDomains = []string{
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "aol.com",
	"proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "t-online.de",
	"mail.ru", "bk.ru", "inbox.ru", "list.ru", "yandex.ru", "ya.ru", "yandex.com", "rambler.ru",
	"yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp",
	"yahoo.com.tr", "yandex.com.tr", "yahoo.ro", "gmx.at", "bih.net.ba",
}

// suggestAddress returns s with the domain a person most likely meant when
// the domain typed is one slip away from a common one: a swapped, missing,
// extra or wrong letter ("gmial.com", "yandex.ry") or a comma for the dot
// ("mail,ru").
func suggestAddress(s string) (string, bool) {
	s = cleanAddress(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", false
	}
	local, dom := s[:at], strings.ToLower(s[at+1:])
	fixed := strings.ReplaceAll(dom, ",", ".")
	best, bestD := "", 2
	for _, c := range commonDomains {
		if c == dom {
			return "", false
		}
		if d := editDistance(fixed, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || best == dom {
		return "", false
	}
	return local + "@" + best, true
}

// editDistance is the optimal string alignment distance (Damerau–
// Levenshtein, each transposition of neighbours one edit).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

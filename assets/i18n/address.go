package i18n

import (
	"errors"
	"strings"

	"mailsetup/profiles"
)

// addressFieldIDs names the fields of an AddressError in translation keys.
var addressFieldIDs = map[profiles.AddressField]string{
	profiles.FieldAddress: "address",
	profiles.FieldLocal:   "local",
	profiles.FieldDomain:  "domain",
}

// AddressProblem says in lang, in plain words, what is wrong with a typed
// address: the key "address.err.<reason>.<field>" (or "address.err.<reason>")
// of the translations. Errors that are not a *profiles.AddressError are
// returned as their English text without the package prefix.
func AddressProblem(lang string, err error) string {
	var ae *profiles.AddressError
	if !errors.As(err, &ae) {
		return strings.TrimPrefix(err.Error(), "address: ")
	}
	c := Default()
	for _, key := range []string{
		"address.err." + string(ae.Reason) + "." + addressFieldIDs[ae.Field],
		"address.err." + string(ae.Reason),
	} {
		if _, ok := c.Raw(lang, key); ok {
			return c.T(lang, key, nil)
		}
	}
	return strings.TrimPrefix(ae.Error(), "address: ")
}

package profiles

import "errors"

// Sentence is err as a person reads it: the Sentence of the first error in
// its chain that has one (AddressError, HostError, export.SignerError,
// preset.LoadError…, which say the problem without their package's
// "address: " prefix), else err's own text. Callers use it instead of
// trimming prefixes off err.Error().
func Sentence(err error) string {
	if err == nil {
		return ""
	}
	var s interface{ Sentence() string }
	if errors.As(err, &s) {
		return s.Sentence()
	}
	return err.Error()
}

package knowledge

import (
	"fmt"
	"strings"
	"time"

	"mailsetup/profiles"
)

// References are the public provider lists a provider file can be checked
// against (see crosscheck_test.go for how each is read):
//   - "ispdb": Thunderbird's ISP database (the sample in shared/data/ispdb and,
//     where a mirror is on the machine, the whole of thunderbird/autoconfig);
//   - "fairemail": FairEmail's app/src/main/res/xml/providers.xml;
//   - "k9": K-9 Mail's last bundled providers.xml (thunderbird/thunderbird-android).
var References = []string{"ispdb", "fairemail", "k9"}

// Checked records when a provider file was last compared with public
// references and where it knowingly differs from them.
type Checked struct {
	// Date is the day of the last check, YYYY-MM-DD.
	Date string `json:"date"`
	// Against lists what the file was compared with: reference names from
	// References (only those that know one of the provider's domains) and
	// https:// pages of the provider read on that day.
	Against []string `json:"against"`
	// Exceptions are the recorded disagreements with a reference.
	Exceptions []Exception `json:"exceptions,omitempty"`
}

// Exception records one place where a reference recommends something else
// than the provider file, why the file is right, and the provider's own page
// that decides.
type Exception struct {
	// Reference is one of References.
	Reference string `json:"reference"`
	// Protocol is the protocol whose recommended server differs.
	Protocol profiles.Protocol `json:"protocol"`
	// Domains limits the exception to these of the provider's domains;
	// empty means every domain the reference knows.
	Domains []string `json:"domains,omitempty"`
	// Theirs is what the reference recommends, as "host:port security
	// login" (login "address" or "local"), so a reference that changes makes
	// the exception stale instead of hiding a new disagreement.
	Theirs string `json:"theirs"`
	// Reason says why the provider file differs.
	Reason string `json:"reason"`
	// Source is the provider's own help page that decides.
	Source string `json:"source"`
}

func isReference(name string) bool {
	for _, r := range References {
		if r == name {
			return true
		}
	}
	return false
}

// validate checks a checked record; a nil record is valid (not yet checked).
func (c *Checked) validate(id string) error {
	if c == nil {
		return nil
	}
	if _, err := time.Parse("2006-01-02", c.Date); err != nil {
		return fmt.Errorf("provider %q: checked date %q is not YYYY-MM-DD", id, c.Date)
	}
	if len(c.Against) == 0 {
		return fmt.Errorf("provider %q: checked against nothing", id)
	}
	for _, a := range c.Against {
		if !isReference(a) && !strings.HasPrefix(a, "https://") {
			return fmt.Errorf("provider %q: checked against %q, neither a reference (%s) nor an https:// page", id, a, strings.Join(References, ", "))
		}
	}
	for _, e := range c.Exceptions {
		if !isReference(e.Reference) {
			return fmt.Errorf("provider %q: exception for unknown reference %q", id, e.Reference)
		}
		if !e.Protocol.Valid() {
			return fmt.Errorf("provider %q: exception for unknown protocol %q", id, e.Protocol)
		}
		if strings.TrimSpace(e.Reason) == "" || strings.TrimSpace(e.Theirs) == "" {
			return fmt.Errorf("provider %q: exception for %s %s needs what the reference says and a reason", id, e.Reference, e.Protocol)
		}
		if !strings.HasPrefix(e.Source, "https://") {
			return fmt.Errorf("provider %q: exception for %s %s: deciding source %q is not an https:// page", id, e.Reference, e.Protocol, e.Source)
		}
	}
	return nil
}

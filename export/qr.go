package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"rsc.io/qr"

	"mailsetup/profiles"
)

func qrAuth(s profiles.Server) int {
	switch primaryAuth(s) {
	case profiles.AuthNone:
		return 0
	case profiles.AuthPasswordEncrypted:
		if !hasAuth(s, profiles.AuthPassword) {
			return 2
		}
	case profiles.AuthNTLM:
		return 4
	case profiles.AuthClientCert:
		return 5
	case profiles.AuthOAuth2:
		return 6
	}
	return 1
}

// QRPayload returns the JSON text that Thunderbird for Android's "Scan QR
// code" import reads (Thunderbird desktop's QRExport format, one account,
// part 1 of 1). The password is included only with opts.IncludePassword.
func QRPayload(cfg *profiles.Config, acct Account, opts Options) (string, error) {
	r, err := resolve(cfg, acct, opts)
	if err != nil {
		return "", err
	}
	if strings.ContainsFunc(r.Email, func(c rune) bool { return c > 0x7f }) {
		return "", fmt.Errorf("export: qr: Thunderbird for Android imports only ASCII addresses, not %s", r.Email)
	}
	proto := 0
	if r.In.Protocol == profiles.POP3 {
		proto = 1
	}
	in := []any{proto, r.In.Host, r.In.Port, tbSocket(r.In.Security), qrAuth(r.In), r.InUser, r.Email}
	out := []any{0, r.Out.Host, r.Out.Port, tbSocket(r.Out.Security), qrAuth(r.Out), r.OutUser}
	if r.Password != "" {
		in = append(in, r.Password)
		out = append(out, r.Password)
	}
	payload := []any{1, []int{1, 1}, in, []any{[]any{out, []any{r.Email, r.Name}}}}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(payload); err != nil {
		return "", fmt.Errorf("export: qr: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// WriteQR writes the QR code of QRPayload as a PNG image (error correction
// level M, about 8 pixels per module).
func WriteQR(w io.Writer, cfg *profiles.Config, acct Account, opts Options) error {
	payload, err := QRPayload(cfg, acct, opts)
	if err != nil {
		return err
	}
	code, err := qr.Encode(payload, qr.M)
	if err != nil {
		return fmt.Errorf("export: qr: %w", err)
	}
	code.Scale = 8
	_, err = w.Write(code.PNG())
	return err
}

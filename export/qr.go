package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"rsc.io/qr"

	"mailsetup/profiles"
)

// qrAuth maps the first method Thunderbird for Android's QR reader takes
// (IntValueMapper.kt:41-52: 0 none, 1 password, 2 encrypted password,
// 5 client certificate, 6 OAuth2; 3 GSSAPI and 4 NTLM throw, and
// QrCodePayloadValidator then rejects the whole code).
func qrAuth(s profiles.Server) (int, bool) {
	a, ok := pickAuth(s, withoutOAuthUnless(s, androidKnowsOAuth, k9Methods)...)
	switch a {
	case profiles.AuthNone:
		return 0, ok
	case profiles.AuthPasswordEncrypted:
		return 2, ok
	case profiles.AuthClientCert:
		return 5, ok
	case profiles.AuthOAuth2:
		return 6, ok
	}
	return 1, ok
}

// QRPayload returns the JSON text that Thunderbird for Android's "Scan QR
// code" import reads (Thunderbird desktop's QRExport format, one account,
// part 1 of 1). The password is included only with opts.IncludePassword.
func QRPayload(cfg *profiles.Config, acct Account, opts Options) (string, error) {
	r, err := resolve(cfg, acct, opts)
	if err != nil {
		return "", err
	}
	if !k9AddressRE.MatchString(r.Email) {
		return "", cannotSignIn("qr", "Thunderbird for Android imports only addresses with a plain Latin (ASCII) part before the @, not "+r.Email+"; add the account in the app by hand")
	}
	inAuth, ok := qrAuth(r.In)
	outAuth, ok2 := qrAuth(r.Out)
	if !ok || !ok2 {
		return "", cannotSignIn("qr", "Thunderbird for Android cannot sign in with "+authNames(r.In)+" / "+authNames(r.Out)+" (its QR reader rejects the whole code for NTLM and Kerberos, and it has OAuth2 only for the providers it knows); ask the mail administrator for password login or add the account in the app")
	}
	proto := 0
	if r.In.Protocol == profiles.POP3 {
		proto = 1
	}
	in := []any{proto, r.In.Host, r.In.Port, tbSocket(r.In.Security), inAuth, r.InUser, r.Email}
	out := []any{0, r.Out.Host, r.Out.Port, tbSocket(r.Out.Security), outAuth, r.OutUser}
	// The password goes only with password methods (1, 2); for none,
	// client certificate and OAuth2 it would be a secret in a picture for
	// nothing.
	if r.Password != "" && (inAuth == 1 || inAuth == 2) {
		in = append(in, r.Password)
	}
	if r.Password != "" && (outAuth == 1 || outAuth == 2) {
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

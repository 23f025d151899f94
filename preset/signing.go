package preset

import (
	"errors"
	"fmt"
	"strings"

	"mailsetup/export"
)

// signing reads the signing certificate and key with export's one loader
// (export.SignerOptions: encrypted keys, damaged PEM, a key that is not the
// certificate's, a certificate not valid now are all refused there); on
// error it returns the preset field the problem is in.
func (l *loader) signing(s *signingJSON) (*export.Signer, string, error) {
	opts := export.SignerOptions{Now: l.now}
	switch {
	case s.P12 != "" && (s.Certificate != "" || s.Key != ""):
		return nil, "signing", fmt.Errorf("give either \"p12\" or \"certificate\" and \"key\", not both")
	case s.P12 != "":
		data, err := l.readFile(s.P12, MaxSigningBytes)
		if err != nil {
			return nil, "signing.p12", err
		}
		pass := s.Password
		if s.PasswordEnv != "" {
			if pass = l.getenv(s.PasswordEnv); pass == "" {
				return nil, "signing.password_env", fmt.Errorf("the environment variable %s is not set", s.PasswordEnv)
			}
		}
		signer, err := opts.PKCS12(data, pass)
		if err != nil {
			return nil, signerField(err, "signing.p12"), signerProblem(err, s.P12)
		}
		return signer, "", nil
	case s.Certificate == "" && s.Key == "":
		return nil, "signing", fmt.Errorf("give \"certificate\" and \"key\" (PEM) or \"p12\"")
	case s.Certificate == "":
		return nil, "signing.certificate", fmt.Errorf("is missing (the key alone cannot sign)")
	case s.Key == "":
		return nil, "signing.key", fmt.Errorf("is missing (the certificate alone cannot sign)")
	case s.Password != "" || s.PasswordEnv != "":
		return nil, "signing.password", fmt.Errorf("only a p12 file takes a password; PEM keys must be unencrypted")
	}
	certPEM, err := l.pemOrFile(s.Certificate)
	if err != nil {
		return nil, "signing.certificate", err
	}
	keyPEM, err := l.pemOrFile(s.Key)
	if err != nil {
		return nil, "signing.key", err
	}
	signer, err := opts.PEM(certPEM, keyPEM)
	if err != nil {
		return nil, signerField(err, "signing.key"), signerProblem(err, "")
	}
	return signer, "", nil
}

// pemOrFile returns inline PEM as is, or the named file's bytes.
func (l *loader) pemOrFile(ref string) ([]byte, error) {
	if strings.Contains(ref, "-----BEGIN ") {
		return []byte(ref), nil
	}
	return l.readFile(ref, MaxSigningBytes)
}

// signerField maps the part an export.SignerError names to the preset's
// field; def is for errors that name no part.
func signerField(err error, def string) string {
	var se *export.SignerError
	if !errors.As(err, &se) {
		return def
	}
	switch se.Part {
	case export.PartCertificate:
		return "signing.certificate"
	case export.PartKey:
		return "signing.key"
	case export.PartP12:
		return "signing.p12"
	case export.PartPassword:
		return "signing.password"
	}
	return def
}

// signerProblem is the sentence of a signing error, naming the PKCS#12
// file when there is one.
func signerProblem(err error, p12 string) error {
	var se *export.SignerError
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case p12 != "" && se.Part == export.PartPassword:
		return fmt.Errorf("the password does not open %q", p12)
	case p12 != "":
		return fmt.Errorf("%q: %s", p12, se.Sentence())
	}
	return errors.New(se.Sentence())
}

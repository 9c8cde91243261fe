package mail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"

	"github.com/emersion/go-smtp"
)

// Permanent reports whether a delivery error is one a retry would repeat:
// an SMTP 5xx reply (550 unknown user, 535 bad credentials, 552 too large),
// a certificate that does not verify, a domain that does not exist, a
// server that does not offer STARTTLS when it is required, an envelope or a
// message that cannot be made.
//
// It is false for every other error: an SMTP 4xx reply (421 closing, 451
// greylisted, 452 full), a connection refused, reset, closed or timed out, a
// TLS handshake cut short, a context that ended, and any error it does not
// know. How a failure is handled is delivery's to decide (delivery.Classify):
// this only says which of mail's errors are known to be permanent.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code >= 500 && se.Code < 600
	}
	var pe *permanentError
	if errors.As(err, &pe) || isCertError(err) {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

// permanentError marks a failure that retrying cannot mend, such as a server
// that does not offer STARTTLS when the URL requires it.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

func isCertError(err error) bool {
	var (
		cv *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		hn x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/emersion/go-smtp"
)

// Temporary reports whether a delivery error is worth retrying later: an
// SMTP 4xx reply (421 closing, 451 greylisted, 452 full), a connection that is
// refused, reset, closed or timed out, a TLS handshake cut short, or a context
// that ended (the process is stopping; the message was not given up on).
//
// It is false for a permanent failure that a retry would repeat: an SMTP 5xx
// reply (550 unknown user, 535 bad credentials, 552 too large), a certificate
// that does not verify, a server that does not offer STARTTLS when it is
// required, a message that cannot be composed, and any error it does not know.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code >= 400 && se.Code < 500
	}
	var pe *permanentError
	if errors.As(err, &pe) {
		return false
	}
	if isCertError(err) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsNotFound
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
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

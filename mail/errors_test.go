package mail

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/emersion/go-smtp"
)

func TestPermanent(t *testing.T) {
	// A real refused connection: listen, note the port, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, refused := net.Dial("tcp", addr)
	if refused == nil {
		t.Skip("port reused: cannot make a refused connection")
	}

	for _, tc := range []struct {
		name string
		err  error
		want bool // a retry would repeat it
	}{
		{"nil", nil, false},
		{"421 closing", &smtp.SMTPError{Code: 421, Message: "closing"}, false},
		{"451 greylisted", fmt.Errorf("rcpt: %w", &smtp.SMTPError{Code: 451}), false},
		{"452 mailbox full", &smtp.SMTPError{Code: 452}, false},
		{"550 unknown user", fmt.Errorf("send: %w", &smtp.SMTPError{Code: 550}), true},
		{"535 bad credentials", smtp.ErrAuthFailed, true},
		{"552 too large", smtp.ErrDataTooLarge, true},
		{"connection refused", fmt.Errorf("send: %w", refused), false},
		{"connection reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, false},
		{"broken pipe", &net.OpError{Op: "write", Err: syscall.EPIPE}, false},
		{"server hung up", fmt.Errorf("mail from: %w", io.EOF), false},
		{"cut mid-reply", io.ErrUnexpectedEOF, false},
		{"closed connection", net.ErrClosed, false},
		{"timeout", &net.OpError{Op: "read", Err: timeoutError{}}, false},
		{"context deadline", fmt.Errorf("send: %w", context.DeadlineExceeded), false},
		{"context canceled", context.Canceled, false},
		{"dns: no such host", &net.DNSError{Err: "no such host", Name: "mail.invalid", IsNotFound: true}, true},
		{"dns: server failure", &net.DNSError{Err: "server misbehaving", Name: "mail.example.org", IsTemporary: true}, false},
		{"certificate", fmt.Errorf("ehlo: %w", x509.UnknownAuthorityError{}), true},
		{"starttls required", permanent(errors.New("no STARTTLS")), true},
		{"unknown: not known to be permanent", errors.New("something else"), false},
	} {
		if got := Permanent(tc.err); got != tc.want {
			t.Errorf("%s: Permanent(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

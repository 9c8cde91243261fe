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

func TestTemporary(t *testing.T) {
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
		want bool
	}{
		{"nil", nil, false},
		{"421 closing", &smtp.SMTPError{Code: 421, Message: "closing"}, true},
		{"451 greylisted", fmt.Errorf("rcpt: %w", &smtp.SMTPError{Code: 451}), true},
		{"452 mailbox full", &smtp.SMTPError{Code: 452}, true},
		{"550 unknown user", fmt.Errorf("send: %w", &smtp.SMTPError{Code: 550}), false},
		{"535 bad credentials", smtp.ErrAuthFailed, false},
		{"552 too large", smtp.ErrDataTooLarge, false},
		{"connection refused", fmt.Errorf("send: %w", refused), true},
		{"connection reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true},
		{"broken pipe", &net.OpError{Op: "write", Err: syscall.EPIPE}, true},
		{"server hung up", fmt.Errorf("mail from: %w", io.EOF), true},
		{"cut mid-reply", io.ErrUnexpectedEOF, true},
		{"closed connection", net.ErrClosed, true},
		{"timeout", &net.OpError{Op: "read", Err: timeoutError{}}, true},
		{"context deadline", fmt.Errorf("send: %w", context.DeadlineExceeded), true},
		{"context canceled", context.Canceled, true},
		{"dns: no such host", &net.DNSError{Err: "no such host", Name: "mail.invalid", IsNotFound: true}, false},
		{"dns: server failure", &net.DNSError{Err: "server misbehaving", Name: "mail.example.org", IsTemporary: true}, true},
		{"certificate", fmt.Errorf("ehlo: %w", x509.UnknownAuthorityError{}), false},
		{"starttls required", permanent(errors.New("no STARTTLS")), false},
		{"unknown", errors.New("something else"), false},
	} {
		if got := Temporary(tc.err); got != tc.want {
			t.Errorf("%s: Temporary(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/smtptest"
	"focalbot/mail"
	"focalbot/model"
)

// TestClassifyEmail sends a notice by e-mail against real servers, and
// hands Email a few errors no server makes here, and checks the class of
// each failure: what a retry would repeat is permanent, everything else,
// an error no one knows included, temporary.
func TestClassifyEmail(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{RcptError: smtptest.RcptErrors})
	tlsCfg, _ := smtptest.SelfSigned(t)
	selfSigned := smtptest.Start(t, smtptest.Config{TLS: tlsCfg})
	plain := smtptest.Start(t, smtptest.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	type fail struct{ err error }
	for _, tc := range []struct {
		name string
		url  string // the server to send through; or
		err  fail   // what the sender returns
		to   string
		want delivery.Failure
	}{
		{"SMTP 550 unknown user: permanent", "smtp://" + srv.Addr, fail{}, "unknown@example.org", delivery.FailPermanent},
		{"SMTP 451 greylisted: temporary", "smtp://" + srv.Addr, fail{}, "greylist@example.org", delivery.FailTemporary},
		{"connection refused: temporary", "smtp://" + closed, fail{}, "ama@example.gh", delivery.FailTemporary},
		{"certificate that does not verify: permanent", "smtp://" + selfSigned.Addr, fail{}, "ama@example.gh", delivery.FailPermanent},
		{"TLS handshake with a server that speaks none: temporary", "smtps://" + plain.Addr, fail{}, "ama@example.gh", delivery.FailTemporary},
		{"SMTP 421 closing: temporary", "", fail{&smtp.SMTPError{Code: 421, Message: "closing"}}, "ama@example.gh", delivery.FailTemporary},
		{"SMTP 552 too large: permanent", "", fail{fmt.Errorf("data: %w", smtp.ErrDataTooLarge)}, "ama@example.gh", delivery.FailPermanent},
		{"an error no one knows: temporary, the default", "", fail{errors.New("something else")}, "ama@example.gh", delivery.FailTemporary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sender mail.Sender = senderFunc(func(context.Context, string, []string, []byte) error { return tc.err.err })
			if tc.url != "" {
				s, err := mail.NewSMTP(tc.url, mail.WithTimeout(5*time.Second))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				sender = s
			}
			e := &delivery.Email{Mail: sender, Clock: clock.Fixed(t0)}
			it := model.OutboxItem{ID: 1, Key: "k", Channel: model.ChannelEmail, Kind: model.KindNotice, Recipient: tc.to}
			err := e.Send(context.Background(), it, delivery.Payload{Kind: model.KindNotice, Text: "Hello",
				Organiser: delivery.Organiser{Name: "Secretariat", Email: "secretariat@example.org"}})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := delivery.Classify(err); got != tc.want {
				t.Errorf("Classify(%v) = %s, want %s", err, got, tc.want)
			}
		})
	}
}

type senderFunc func(ctx context.Context, from string, to []string, msg []byte) error

func (f senderFunc) Send(ctx context.Context, from string, to []string, msg []byte) error {
	return f(ctx, from, to, msg)
}

// TestClassifySlack checks the class of Slack's answers as the Slack
// sender hands them over: its code, and the wait it asked for.
func TestClassifySlack(t *testing.T) {
	for _, tc := range []struct {
		name string
		code string
		wait time.Duration
		want delivery.Failure
	}{
		{"429 rate limited: temporary, after the wait", "", 7 * time.Second, delivery.FailTemporary},
		{"HTTP 5xx: temporary", "", 0, delivery.FailTemporary},
		{"invalid_blocks: permanent", "invalid_blocks", 0, delivery.FailPermanent},
		{"channel_not_found: permanent", "channel_not_found", 0, delivery.FailPermanent},
		{"user_not_found: permanent", "user_not_found", 0, delivery.FailPermanent},
		{"an answer no one knows: temporary, the default", "fatal_error_of_a_new_kind", 0, delivery.FailTemporary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := delivery.SlackFailure(errors.New("slack: "+tc.code), tc.code, tc.wait)
			if got := delivery.Classify(err); got != tc.want {
				t.Errorf("Classify(%v) = %s, want %s", err, got, tc.want)
			}
			var ra delivery.RetryAfter
			if got := errors.As(err, &ra); got != (tc.wait > 0) || got && ra.RetryAfter() != tc.wait {
				t.Errorf("RetryAfter of %v: %v, want a wait of %v", err, got, tc.wait)
			}
		})
	}
	if err := delivery.SlackFailure(nil, "", 0); err != nil {
		t.Errorf("SlackFailure(nil) = %v", err)
	}
}

// TestClassifyDefault states the default: an error not marked permanent,
// whatever it is, is temporary.
func TestClassifyDefault(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want delivery.Failure
	}{
		{"an unknown Go error: temporary", errors.New("boom"), delivery.FailTemporary},
		{"a context that ended: temporary", context.Canceled, delivery.FailTemporary},
		{"marked permanent: permanent", delivery.Permanent(errors.New("no such user")), delivery.FailPermanent},
		{"marked permanent, then wrapped: permanent", fmt.Errorf("send: %w", delivery.Permanent(errors.New("x"))), delivery.FailPermanent},
	} {
		if got := delivery.Classify(tc.err); got != tc.want {
			t.Errorf("%s: Classify(%v) = %s, want %s", tc.name, tc.err, got, tc.want)
		}
	}
}

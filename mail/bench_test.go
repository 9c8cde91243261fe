package mail

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"focalbot/internal/cputime"
	"focalbot/internal/smtptest"
)

// The product target: inviting by e-mail through *SMTP is at least as fast as
// a plain go-smtp client sending the same messages over one connection,
// within 1.2×. Each iteration sends benchMessages invitations of ~6 KiB to a
// go-smtp server on 127.0.0.1; both report messages/s and the CPU time the
// process (client and server) spent per message, which stays comparable on a
// busy machine where wall time does not.
//
//	go test -run '^$' -bench 'SMTPSend|PlainSMTPClient' -benchtime 5x -count 5 ./mail/

const benchMessages = 1000

func benchInvitations(b *testing.B) (rcpts []string, msgs [][]byte) {
	b.Helper()
	for i := range benchMessages {
		m := invitation(b)
		m.To = Address{Name: fmt.Sprintf("Focal Point %d", i), Email: fmt.Sprintf("fp%d@example.org", i)}
		m.MessageID = fmt.Sprintf("outbox-%d.meeting-2.seq-1@focalbot.example.org", i)
		raw, err := Compose(m)
		if err != nil {
			b.Fatal(err)
		}
		rcpts = append(rcpts, m.To.Email)
		msgs = append(msgs, raw)
	}
	return rcpts, msgs
}

func BenchmarkSMTPSend(b *testing.B) {
	ts := smtptest.Start(b, smtptest.Config{})
	rcpts, msgs := benchInvitations(b)
	s, err := NewSMTP("smtp://" + ts.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b.SetBytes(int64(len(msgs[0])) * benchMessages)
	b.ResetTimer()
	cpu := cputime.Self()
	for range b.N {
		for i, msg := range msgs {
			if err := s.Send(ctx, organizer, rcpts[i:i+1], msg); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRates(b, cputime.Self()-cpu)
}

func BenchmarkPlainSMTPClient(b *testing.B) {
	ts := smtptest.Start(b, smtptest.Config{})
	rcpts, msgs := benchInvitations(b)
	c, err := smtp.Dial(ts.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(msgs[0])) * benchMessages)
	b.ResetTimer()
	cpu := cputime.Self()
	for range b.N {
		for i, msg := range msgs {
			if err := c.SendMail(organizer, rcpts[i:i+1], bytes.NewReader(msg)); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRates(b, cputime.Self()-cpu)
}

func reportRates(b *testing.B, cpu time.Duration) {
	n := float64(b.N * benchMessages)
	b.ReportMetric(n/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/msg")
}

// BenchmarkCompose measures building one invitation-sized iMIP message.
func BenchmarkCompose(b *testing.B) {
	m := invitation(b)
	for b.Loop() {
		if _, err := Compose(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeReminder composes a reminder as delivery sends it: text
// and HTML of some kilobytes, no calendar, a reader with an accented name.
func BenchmarkComposeReminder(b *testing.B) {
	m := invitation(b)
	m.Calendar, m.Method = nil, ""
	m.Text = "Dear José Ñúñez,\n\n" + strings.Repeat("The Second Meeting of the Global Network of R2P Focal Points starts in 2 days, on 28 September.\n", 20)
	m.HTML = "<html><body><p>Dear José Ñúñez,</p>\n" + strings.Repeat(`<p style="margin:0 0 1em 0">The <b>Second Meeting</b> of the Global Network starts in 2 days.</p>`+"\n", 40) + "</body></html>"
	m.ListUnsubscribe = "https://focal.example.org/a/tok42EN_-/mute"
	for b.Loop() {
		if _, err := Compose(m); err != nil {
			b.Fatal(err)
		}
	}
}

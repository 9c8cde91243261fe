//go:build unix

package delivery_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/cputime"
	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
)

// BenchmarkDispatchVsPlain is issue 12's target 2: dispatching 10,000 due
// e-mail reminders runs at least 0.8× as fast as a plain SMTP client sending
// the same messages. Each iteration runs both, one right after the other,
// against one go-smtp server on 127.0.0.1, so that the load of a shared
// machine falls on both alike: the Dispatcher (default settings: 8 workers,
// batches of 100, mail.SMTP on its 3 connections) sends every reminder from
// the outbox, then a bare go-smtp client sends the same 10,000 messages,
// composed beforehand from the same outbox items, on one connection (the
// reference of issue 5) and then on 3 connections at once (the connections
// mail.SMTP keeps). It reports each one's messages a second and CPU time
// per message (this process: client, SMTP server and, on SQLite, the
// database), and the ratios dispatch ÷ plain.
//
//	FOCALBOT_TEST_REQUIRE_POSTGRES=1 go test ./delivery -run '^$' -bench DispatchVsPlain -benchtime 4x
func BenchmarkDispatchVsPlain(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) {
			clk := clock.Fixed(benchT0)
			s := storetest.Open(b, backend.DSN(b), clk)
			queueReminders(b, s)
			msgs := composeOutbox(b, s, clk)
			srv := smtptest.Start(b, smtptest.Config{})
			sender, err := mail.NewSMTP("smtp://" + srv.Addr)
			if err != nil {
				b.Fatal(err)
			}
			defer sender.Close()
			d := &delivery.Dispatcher{Store: s, Clock: clk, Planner: benchPlanner,
				Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
				Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: &delivery.Email{Mail: sender, Clock: clk}}}
			var dispatchT, plain1T, plain3T, dispatchCPU, plain1CPU, plain3CPU time.Duration
			for b.Loop() {
				b.StopTimer()
				resetReminders(b, s)
				b.StartTimer()
				start, cpu := time.Now(), cputime.Self()
				n, err := d.Dispatch(ctx)
				dispatchT, dispatchCPU = dispatchT+time.Since(start), dispatchCPU+cputime.Self()-cpu
				if err != nil || n != benchReminders {
					b.Fatalf("dispatched %d of %d: %v", n, benchReminders, err)
				}
				b.StopTimer()
				cpu = cputime.Self()
				plain1T += smtptest.SendPlain(b, srv.Addr, 1, msgs)
				plain1CPU += cputime.Self() - cpu
				cpu = cputime.Self()
				plain3T += smtptest.SendPlain(b, srv.Addr, 3, msgs)
				plain3CPU += cputime.Self() - cpu
				b.StartTimer()
			}
			if got, want := len(srv.Received()), 3*b.N*benchReminders; got != want {
				b.Fatalf("the server received %d messages, want %d", got, want)
			}
			n := float64(b.N * benchReminders)
			rate := func(d time.Duration) float64 { return n / d.Seconds() }
			perMsg := func(d time.Duration) float64 { return float64(d.Microseconds()) / n }
			b.ReportMetric(rate(dispatchT), "msgs/s")
			b.ReportMetric(rate(plain1T), "plain1-msgs/s")
			b.ReportMetric(rate(plain3T), "plain3-msgs/s")
			b.ReportMetric(plain1T.Seconds()/dispatchT.Seconds(), "ratio1")
			b.ReportMetric(plain3T.Seconds()/dispatchT.Seconds(), "ratio3")
			b.ReportMetric(perMsg(dispatchCPU), "cpu-µs/msg")
			b.ReportMetric(perMsg(plain1CPU), "plain1-cpu-µs/msg")
			b.ReportMetric(perMsg(plain3CPU), "plain3-cpu-µs/msg")
		})
	}
}

// composeOutbox renders the e-mail outbox items of s as delivery.Email
// does, capturing the messages instead of sending them.
func composeOutbox(b *testing.B, s interface {
	Outbox(context.Context, model.OutboxFilter) ([]model.OutboxItem, error)
}, clk clock.Clock) (msgs []smtptest.Outgoing) {
	b.Helper()
	items, err := s.Outbox(ctx, model.OutboxFilter{Channel: model.ChannelEmail})
	if err != nil {
		b.Fatal(err)
	}
	capture := capturer(func(_ context.Context, from string, to []string, msg []byte) error {
		msgs = append(msgs, smtptest.Outgoing{From: from, To: to, Data: msg})
		return nil
	})
	email := &delivery.Email{Mail: capture, Clock: clk}
	for _, it := range items {
		p, err := delivery.Decode(it)
		if err != nil {
			b.Fatal(err)
		}
		if err := email.Send(ctx, it, p); err != nil {
			b.Fatal(err)
		}
	}
	return msgs
}

//go:build unix

package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/cputime"
	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/storage"
)

// The target: dispatching 10,000 due e-mail reminders to a local
// SMTP server runs at least half as fast as a plain SMTP client sending the
// same messages. BenchmarkDispatchDueReminders sends them through the whole
// path — claim from the outbox, render, compose, send over mail.SMTP's one
// kept connection, mark sent — to a go-smtp server on 127.0.0.1;
// BenchmarkPlainSMTP10k sends the same 10,000 messages, composed beforehand,
// with a bare go-smtp client over one connection to the same kind of server.
// Both report messages a second and the CPU time this process (client, SMTP
// server and, on SQLite, the database) spends per message: on a busy machine
// it moves far less than wall time. On PostgreSQL the server's own CPU time
// is not in it.
//
//	FOCALBOT_TEST_REQUIRE_POSTGRES=1 go test ./delivery -run '^$' -bench 'DispatchDueReminders|PlainSMTP10k' -benchtime 3x -count 3
const benchReminders = 10_000

// dispatchConfigs are the Dispatcher settings measured, the defaults first.
var dispatchConfigs = []struct{ workers, batch int }{
	{8, 100},
	{1, 100},
	{16, 500},
}

func BenchmarkDispatchDueReminders(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) {
			// The database belongs to this level, so that it is filled once
			// for every configuration and -count; each iteration sets the
			// reminders back to pending, outside the timer.
			clk := clock.Fixed(benchT0)
			s := storetest.Open(b, backend.DSN(b), clk)
			filled := false
			for _, cfg := range dispatchConfigs {
				name := fmt.Sprintf("workers=%d,batch=%d", cfg.workers, cfg.batch)
				b.Run(name, func(b *testing.B) {
					if !filled {
						queueReminders(b, s)
						filled = true
					}
					srv := smtptest.Start(b, smtptest.Config{})
					sender, err := mail.NewSMTP("smtp://" + srv.Addr)
					if err != nil {
						b.Fatal(err)
					}
					defer sender.Close()
					d := &delivery.Dispatcher{Store: s, Clock: clk, Planner: benchPlanner, Workers: cfg.workers, Batch: cfg.batch,
						Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
						Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: &delivery.Email{Mail: sender, Clock: clk}}}
					var cpu time.Duration
					for b.Loop() {
						b.StopTimer()
						resetReminders(b, s)
						b.StartTimer()
						start := cputime.Self()
						n, err := d.Dispatch(ctx)
						cpu += cputime.Self() - start
						if err != nil || n != benchReminders {
							b.Fatalf("dispatched %d of %d: %v", n, benchReminders, err)
						}
					}
					if got := len(srv.Received()); got != b.N*benchReminders {
						b.Fatalf("the server received %d messages, want %d", got, b.N*benchReminders)
					}
					reportRates(b, cpu)
				})
			}
		})
	}
}

func BenchmarkPlainSMTP10k(b *testing.B) {
	rcpts, msgs := composedReminders(b)
	srv := smtptest.Start(b, smtptest.Config{})
	c, err := smtp.Dial(srv.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var cpu time.Duration
	for b.Loop() {
		start := cputime.Self()
		for i, msg := range msgs {
			if err := c.SendMail(benchPlanner.Organiser.Email, rcpts[i:i+1], bytes.NewReader(msg)); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cputime.Self() - start
	}
	if got := len(srv.Received()); got != b.N*benchReminders {
		b.Fatalf("the server received %d messages, want %d", got, b.N*benchReminders)
	}
	reportRates(b, cpu)
}

var (
	benchT0      = time.Date(2013, 9, 26, 10, 0, 0, 0, time.UTC) // two days before the meeting
	benchPlanner = delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre for the Responsibility to Protect",
		Email: "secretariat@globalcentre.example.org"}, Channels: []model.Channel{model.ChannelEmail}}
)

// queueReminders adds a meeting with benchReminders guests to an empty
// store and queues a 2-day reminder to each, due now.
func queueReminders(b testing.TB, s *storage.Store) {
	b.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{Title: "Third Meeting of the Global Network of R2P Focal Points",
		Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "United Nations Headquarters", Address: "405 East 42nd Street, New York",
		Hosts: []string{"AU", "CR", "DK", "GH"}, Organiser: benchPlanner.Organiser.Name, Status: model.MeetingScheduled,
		Agenda: "1. Opening\n2. The responsibility to protect: the year in review\n3. Regional perspectives\n4. Next steps"}
	if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
		b.Fatal(err)
	}
	guests := make([]model.Invitation, benchReminders)
	for i := range guests {
		guests[i] = model.Invitation{Name: fmt.Sprintf("Focal Point %d", i), Email: fmt.Sprintf("fp%d@example.org", i)}
	}
	invs, err := s.Invite(ctx, model.System, m.ID, guests, func(model.Meeting, model.Invitation) []model.OutboxItem { return nil })
	if err != nil {
		b.Fatal(err)
	}
	var items []model.OutboxItem
	for _, inv := range invs {
		items = append(items, benchPlanner.Reminder(model.KindReminder, 48*time.Hour, m, inv, nil)...)
	}
	written, err := s.Enqueue(ctx, items)
	if err != nil || len(written) != benchReminders {
		b.Fatalf("queued %d reminders: %v", len(written), err)
	}
}

// resetReminders makes every reminder pending again, as if never sent.
func resetReminders(b *testing.B, s *storage.Store) {
	b.Helper()
	db := s.DB().WithContext(ctx)
	err := db.Exec("UPDATE outbox SET status = ?, sent_at = NULL, attempts = 0, last_error = '', claimed_by = '', claimed_until = NULL WHERE kind = ?",
		model.OutboxPending, model.KindReminder).Error
	if err != nil {
		b.Fatal(err)
	}
	maintenance := "PRAGMA wal_checkpoint(TRUNCATE)"
	if s.Dialect() == storage.DialectPostgres {
		maintenance = "VACUUM ANALYZE outbox"
	}
	if err := db.Exec(maintenance).Error; err != nil {
		b.Fatal(err)
	}
}

// composedReminders are the messages the dispatch benchmark sends, made the
// same way (queued in an SQLite store, rendered by delivery.Email) but
// captured instead of sent.
func composedReminders(b *testing.B) (rcpts []string, msgs [][]byte) {
	b.Helper()
	clk := clock.Fixed(benchT0)
	s := storetest.Open(b, storetest.Backends[0].DSN(b), clk)
	queueReminders(b, s)
	items, err := s.Outbox(ctx, model.OutboxFilter{})
	if err != nil {
		b.Fatal(err)
	}
	capture := capturer(func(_ context.Context, _ string, to []string, msg []byte) error {
		rcpts, msgs = append(rcpts, to[0]), append(msgs, msg)
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
	return rcpts, msgs
}

// capturer is a mail.Sender that hands each message to a function.
type capturer func(ctx context.Context, from string, to []string, msg []byte) error

func (f capturer) Send(ctx context.Context, from string, to []string, msg []byte) error {
	return f(ctx, from, to, msg)
}

// reportRates reports messages a second and the process's CPU time per message.
func reportRates(b *testing.B, cpu time.Duration) {
	n := float64(b.N * benchReminders)
	b.ReportMetric(n/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/msg")
}

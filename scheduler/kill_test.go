package scheduler_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/storage"
)

// killAt is the moment the killed processes live in: a day before the
// meeting of newWorld, when the 2-day reminders and nudges are due.
var killAt = time.Date(2013, 9, 27, 9, 0, 0, 0, ny)

// The killed dispatcher's workers and recording groups: small, so that a
// run of 63 messages takes many groups and a kill lands in the middle.
const killWorkers, killRecordEvery = 2, 2

// TestKillHelper is the process that TestKillAndRestart kills: it ticks the
// scheduler and dispatches over SMTP until nothing is left to send.
func TestKillHelper(t *testing.T) {
	dsn, addr := os.Getenv("FOCALBOT_KILL_DSN"), os.Getenv("FOCALBOT_KILL_SMTP")
	if dsn == "" {
		t.Skip("run by TestKillAndRestart")
	}
	clk := clock.StartingAt(killAt) // real pace, so that claims of a killed process expire
	s, err := storage.Open(ctx, dsn, storage.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSMTP("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	sc := newScheduler(s, clk)
	d := &delivery.Dispatcher{Store: s, Clock: clk, Log: quiet, Planner: pl, Batch: 5, Workers: killWorkers, RecordEvery: killRecordEvery, Lease: time.Second,
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: &delivery.Email{Mail: sender, Clock: clk}}}
	for {
		if err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
		left, err := s.Outbox(ctx, model.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxPending}})
		if err != nil {
			t.Fatal(err)
		}
		if len(left) == 0 && s.Close() == nil {
			return
		}
		time.Sleep(100 * time.Millisecond) // wait for claims of a killed process to expire
	}
}

// TestKillAndRestart kills the process with SIGKILL at random moments of a
// reminder run, again and again, and restarts it. Nothing is lost: every
// reminder due is sent. Nothing is queued twice. A message that the SMTP
// server accepted just before a kill, before the process could record it,
// goes again with the same Message-ID, which receivers use to discard the
// copy: that is the duplicate SMTP allows, and at most about two groups of
// recorded sends and the sends under way per kill.
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	storetest.ForEachBackend(t, clock.Fixed(killAt), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, killAt)
		var guests []model.Invitation
		for i := range 60 {
			guests = append(guests, model.Invitation{Name: fmt.Sprintf("Guest %d", i), Email: fmt.Sprintf("guest%d@example.org", i)})
		}
		if _, err := s.Invite(ctx, model.System, w.meeting.ID, guests, func(model.Meeting, model.Invitation) []model.OutboxItem { return nil }); err != nil {
			t.Fatal(err)
		}
		dsn := storetest.DSNOf(t, s)
		// A server that takes 20 ms over each message makes a run last
		// long enough for a kill to land in it.
		srv := smtptest.Start(t, smtptest.Config{Delay: 20 * time.Millisecond})
		// run starts the process and, unless kill is 0, kills it that long
		// after the server has had a new message from it.
		run := func(kill time.Duration) bool {
			before := len(srv.Received())
			cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), "FOCALBOT_KILL_DSN="+dsn, "FOCALBOT_KILL_SMTP="+srv.Addr)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			if kill == 0 {
				if err := <-done; err != nil {
					t.Fatalf("the last run failed: %v\n%s", err, out.String())
				}
				return false
			}
			sending := time.NewTicker(time.Millisecond)
			defer sending.Stop()
			var deadline <-chan time.Time
			for {
				select {
				case err := <-done:
					if err != nil {
						t.Fatalf("a run failed before it was killed: %v\n%s", err, out.String())
					}
					return false // it finished before the kill
				case <-sending.C:
					if deadline == nil && len(srv.Received()) > before {
						deadline = time.After(kill)
					}
				case <-deadline:
					cmd.Process.Kill()
					<-done
					return true
				}
			}
		}
		kills := 0
		for range 8 {
			if run(time.Duration(1+rand.IntN(100)) * time.Millisecond) {
				kills++
			}
		}
		run(0)
		if kills < 2 {
			t.Errorf("only %d runs were killed while sending: the test shows little", kills)
		}

		items, err := s.Outbox(ctx, model.OutboxFilter{MeetingID: w.meeting.ID})
		if err != nil {
			t.Fatal(err)
		}
		due := 0
		for _, it := range items {
			if it.Status == model.OutboxSkipped {
				continue
			}
			due++
			if it.Status != model.OutboxSent {
				t.Errorf("%s is %s", it.Key, it.Status)
			}
		}
		// 60 guests and one who has not answered get a nudge; two a reminder.
		if due != 63 {
			t.Errorf("%d reminders due, want 63", due)
		}
		ids := map[string]int{}
		for _, m := range srv.Received() {
			r, err := gomail.CreateReader(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			ids[r.Header.Get("Message-Id")]++
		}
		copies := 0
		for _, n := range ids {
			copies += n - 1
		}
		// The dispatcher records sends in groups, so a kill can lose the
		// record of the group being written, the one gathering and the
		// sends under way (see Dispatcher.RecordEvery).
		if limit := kills * (2*killRecordEvery + killWorkers); len(ids) != due || copies > limit {
			t.Errorf("the server received %d distinct messages (%d copies after %d kills), want %d and at most %d copies",
				len(ids), copies, kills, due, limit)
		}
		t.Logf("%d kills, %d messages, %d copies resent after a kill", kills, len(ids), copies)
	})
}

package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestOutboxRetry: a message that failed goes again with outbox retry, as
// the same item (same key), once; the ones already sent are never sent
// twice; one that no longer matters stays failed; a bad argument is
// refused and changes nothing.
func TestOutboxRetry(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		if r := w.as("sec@example.org", `meeting create title="Network meeting" start="2012-09-29 10:00" end=17:00 venue="New York"`); r.Code != "" {
			t.Fatal(r.Text())
		}
		if r := w.as("sec@example.org", "invite 1 Ghana, Denmark"); r.Code != "" {
			t.Fatal(r.Text())
		}
		// A reminder of a meeting already begun, failed.
		past := model.Meeting{ID: 7, Title: "Last year's meeting", Start: start.Add(-time.Hour), End: start}
		pl := delivery.Planner{Channels: []model.Channel{model.ChannelEmail}}
		old, err := s.Enqueue(ctx, pl.Reminder(model.KindReminder, time.Hour, past, model.Invitation{ID: 99, Email: "fp@example.org"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Fail(ctx, old[0].ID, "550 no such user"); err != nil {
			t.Fatal(err)
		}

		var mu sync.Mutex
		sent, down := map[string]int{}, true
		d := &delivery.Dispatcher{Store: s, Clock: clock.Fixed(start), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: delivery.SenderFunc(func(_ context.Context, it model.OutboxItem, _ delivery.Payload) error {
				mu.Lock()
				defer mu.Unlock()
				if down && it.Recipient == "fp@example.org" {
					return delivery.Permanent(errors.New("550 mailbox unavailable"))
				}
				sent[it.Key]++
				return nil
			})}}
		if n, err := d.Dispatch(ctx); err != nil || n != 1 {
			t.Fatalf("Dispatch = %d, %v; want Anders's invitation sent", n, err)
		}

		w.refuses(t, "sec", "outbox retry soon", model.EINVALID, "not a meeting number")
		down = false
		r := w.as("sec@example.org", "outbox retry all")
		if r.Code != "" || !strings.Contains(r.Text(), "queued again: 1") || !strings.Contains(r.Text(), "no longer matter") {
			t.Fatalf("outbox retry all: %s", r.Text())
		}
		if n, err := d.Dispatch(ctx); err != nil || n != 1 {
			t.Fatalf("after the retry: Dispatch = %d, %v; want Kwame's invitation", n, err)
		}
		for k, n := range sent {
			if n != 1 {
				t.Errorf("%s sent %d times", k, n)
			}
		}
		if len(sent) != 2 {
			t.Errorf("sent %v, want the two invitations", sent)
		}
		if r := w.as("sec@example.org", "outbox retry 1"); !strings.Contains(r.Text(), "No failed messages") {
			t.Errorf("outbox retry 1 with nothing failed: %s", r.Text())
		}
		failed, _ := s.Outbox(ctx, storage.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxFailed}})
		if len(failed) != 1 || failed[0].ID != old[0].ID {
			t.Errorf("failed after the retries: %+v, want the old reminder", failed)
		}
	})
}

// TestOutboxInTheReadersLanguage: outbox names each message's status in
// the reader's language.
func TestOutboxInTheReadersLanguage(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, line := range []string{`meeting create title="Network meeting" start="2012-09-29 10:00" end=17:00 venue="New York"`,
			"invite 1 Ghana"} {
			if r := w.as("sec@example.org", line); r.Code != "" {
				t.Fatal(r.Text())
			}
		}
		if out := w.as("sec@example.org", "outbox").Text(); !strings.Contains(out, "  waiting  meeting:1/") {
			t.Fatalf("outbox in English:\n%s", out)
		}
		w.as("sec@example.org", "me set language fr")
		if out := w.as("sec@example.org", "outbox").Text(); !strings.Contains(out, "  en attente  meeting:1/") || strings.Contains(out, "pending") {
			t.Fatalf("outbox in French:\n%s", out)
		}
	})
}

package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	ctx = context.Background()
	t0  = time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC)
)

// recorder is a sender that records what it sent and fails as told.
type recorder struct {
	mu   sync.Mutex
	sent map[string]int
	fail func(it model.OutboxItem) error
}

func (r *recorder) Send(_ context.Context, it model.OutboxItem, p delivery.Payload) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(it); err != nil {
			return err
		}
	}
	r.sent[it.Key]++
	return nil
}

// waitSent waits until the recorder has sent n items, or fails saying what
// it was waiting for.
func (r *recorder) waitSent(t *testing.T, n int, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		r.mu.Lock()
		got := len(r.sent)
		r.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d %s", got, n, what)
		}
	}
}

// heldSlack is a Slack sender held back, as by Slack's rate limits, until
// released; started hears of each send it begins.
type heldSlack struct {
	released chan struct{}
	once     sync.Once
	started  chan struct{}
}

func newHeldSlack(t *testing.T) *heldSlack {
	h := &heldSlack{released: make(chan struct{}), started: make(chan struct{}, 100)}
	t.Cleanup(h.release) // also when the test fails while Slack is held back
	return h
}

func (h *heldSlack) release() { h.once.Do(func() { close(h.released) }) }

func (h *heldSlack) Send(context.Context, model.OutboxItem, delivery.Payload) error {
	h.started <- struct{}{}
	<-h.released
	return nil
}

// guestMeeting schedules the second meeting of the network and returns it,
// with a planner of e-mail invitations and n guests to invite.
func guestMeeting(t *testing.T, s *storage.Store, n int) (model.Meeting, delivery.Planner, []model.Invitation) {
	t.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{Title: "Second Meeting", Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
	if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "ruth@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
	var invitees []model.Invitation
	for i := range n {
		invitees = append(invitees, model.Invitation{Name: fmt.Sprintf("Guest %d", i), Email: fmt.Sprintf("g%d@example.org", i)})
	}
	return m, pl, invitees
}

func setup(t *testing.T, s *storage.Store, clk *clock.Offset, rec *recorder) (*delivery.Dispatcher, model.Meeting) {
	t.Helper()
	sec := model.Person{Name: "Ruth", Email: "ruth@example.org", Role: model.RoleSecretariat, Status: model.StatusActive}
	if err := s.CreatePerson(ctx, model.System, &sec); err != nil {
		t.Fatal(err)
	}
	m, pl, invitees := guestMeeting(t, s, 20)
	_, err := s.Invite(ctx, model.System, m.ID, invitees, func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		return pl.Invitation(model.KindRequest, m, inv, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	d := &delivery.Dispatcher{Store: s, Clock: clk, Planner: pl, Batch: 7, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: rec}}
	return d, m
}

func TestDispatchSendsEachOnceAndRetries(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(t0)
		down := true
		rec := &recorder{sent: map[string]int{}, fail: func(it model.OutboxItem) error {
			switch {
			case it.Recipient == "g3@example.org":
				return delivery.Permanent(errors.New("550 no such user"))
			case down && it.Recipient == "g5@example.org":
				return errors.New("421 service not available")
			}
			return nil
		}}
		d, _ := setup(t, s, clk, rec)
		n, err := d.Dispatch(ctx)
		if err != nil || n != 19 { // 18 invitations and the failure notice to the secretariat
			t.Fatalf("Dispatch = %d, %v; want 19 sent", n, err)
		}
		// Nothing is due again until the retry's time.
		if n, _ := d.Dispatch(ctx); n != 0 {
			t.Fatalf("sent %d more at once", n)
		}
		down = false
		clk.Advance(delivery.Backoff(0))
		n, err = d.Dispatch(ctx)
		if err != nil || n != 1 {
			t.Fatalf("after the backoff: Dispatch = %d, %v; want the retry", n, err)
		}
		for k, c := range rec.sent {
			if c != 1 {
				t.Errorf("%s sent %d times", k, c)
			}
		}
		failed, _ := s.Outbox(ctx, storage.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxFailed}})
		if len(failed) != 1 || failed[0].Recipient != "g3@example.org" {
			t.Errorf("failed = %+v", failed)
		}
		notices := 0
		for k := range rec.sent {
			if strings.HasPrefix(k, "failures:") {
				notices++
			}
		}
		if notices != 1 {
			t.Errorf("%d failure notices to the secretariat, want 1", notices)
		}
	})
}

// TestTwoDispatchersSendEachOnce: two dispatchers on one database, as two
// replicas would run, send every item exactly once between them.
func TestTwoDispatchersSendEachOnce(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(t0)
		rec := &recorder{sent: map[string]int{}}
		d1, _ := setup(t, s, clk, rec)
		d2 := &delivery.Dispatcher{Store: s, Clock: clk, Planner: d1.Planner, Batch: 3, Log: d1.Log, Senders: d1.Senders}
		var wg sync.WaitGroup
		for _, d := range []*delivery.Dispatcher{d1, d2} {
			wg.Add(1)
			go func() { defer wg.Done(); d.Dispatch(ctx) }()
		}
		wg.Wait()
		if len(rec.sent) != 20 {
			t.Errorf("%d items sent, want 20", len(rec.sent))
		}
		for k, c := range rec.sent {
			if c != 1 {
				t.Errorf("%s sent %d times", k, c)
			}
		}
	})
}

// TestRunStopsWithNothingLeftClaimed: a dispatcher told to stop in the
// middle of its work finishes the items it has claimed (the next batch is
// claimed while the last items of one are still sending) and records every
// send, so that nothing waits for a lease to run out and nothing goes twice.
func TestRunStopsWithNothingLeftClaimed(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(t0)
		run, stop := context.WithCancel(ctx)
		defer stop()
		rec := &recorder{sent: map[string]int{}}
		rec.fail = func(model.OutboxItem) error {
			if len(rec.sent) == 9 { // in the third batch of 3
				stop()
			}
			return nil
		}
		d, _ := setup(t, s, clk, rec)
		// Batches of 3 and 2 workers: when it stops, at most the 2 sending,
		// the 2 waiting for a worker and a batch of 3 are claimed.
		d.Batch, d.Workers = 3, 2
		if err := d.Run(run, time.Hour); err != nil {
			t.Fatal(err)
		}
		all, err := s.Outbox(ctx, storage.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, it := range all {
			switch {
			case it.Status == model.OutboxSent && rec.sent[it.Key] == 1:
				sent++
			case it.Status == model.OutboxPending && rec.sent[it.Key] == 0:
			default:
				t.Errorf("%s: %s, sent %d times", it.Key, it.Status, rec.sent[it.Key])
			}
		}
		if sent != len(rec.sent) || sent < 9 || sent == len(all) {
			t.Errorf("%d of %d items sent and recorded, %d sent; want the batches under way, not all", sent, len(all), len(rec.sent))
		}
		// What was left goes out on the next run, at the same moment: none
		// of it is held by a claim.
		if n, err := d.Dispatch(ctx); err != nil || sent+n != len(all) {
			t.Errorf("the next run sent %d, %v; want the %d left", n, err, len(all)-sent)
		}
	})
}

// TestEmailDoesNotWaitForSlack: while Slack's pacing holds its messages
// back, e-mail goes out at once: each channel has its own lane.
func TestEmailDoesNotWaitForSlack(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		var items []model.OutboxItem
		for i := range 30 {
			ch, to := model.ChannelSlack, fmt.Sprintf("U%d", i)
			if i%3 == 0 {
				ch, to = model.ChannelEmail, fmt.Sprintf("fp%d@example.org", i)
			}
			items = append(items, model.OutboxItem{Key: fmt.Sprintf("k%d", i), Channel: ch, Kind: model.KindNotice, Recipient: to,
				Payload: `{"Kind":"notice","Text":"Hello"}`})
		}
		if _, err := s.Enqueue(ctx, items); err != nil {
			t.Fatal(err)
		}
		mails, slack := &recorder{sent: map[string]int{}}, newHeldSlack(t)
		d := &delivery.Dispatcher{Store: s, Clock: clock.Fixed(t0), Batch: 4, Workers: 2, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: mails, model.ChannelSlack: slack}}
		done := make(chan int)
		go func() {
			n, err := d.Dispatch(ctx)
			if err != nil {
				t.Error(err)
			}
			done <- n
		}()
		mails.waitSent(t, 10, "e-mails sent while Slack was held back")
		slack.release()
		if n := <-done; n != 30 {
			t.Errorf("Dispatch sent %d, want 30", n)
		}
	})
}

// TestClaimsOutlastingTheirLeaseAreRenewed: a dispatcher whose sends take
// longer than the lease (as Slack's pacing can) renews its claims, so that a
// second dispatcher never takes and sends the items it still holds.
func TestClaimsOutlastingTheirLeaseAreRenewed(t *testing.T) {
	storetest.ForEachBackend(t, clock.System{}, func(t *testing.T, s *storage.Store) {
		var items []model.OutboxItem
		for i := range 12 {
			items = append(items, model.OutboxItem{Key: fmt.Sprintf("k%d", i), Channel: model.ChannelSlack, Kind: model.KindNotice,
				Recipient: fmt.Sprintf("U%d", i), Payload: `{"Kind":"notice","Text":"Hello"}`})
		}
		if _, err := s.Enqueue(ctx, items); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		sent := map[string]int{}
		slow := delivery.SenderFunc(func(_ context.Context, it model.OutboxItem, _ delivery.Payload) error {
			time.Sleep(60 * time.Millisecond) // 12 sends one at a time: 720 ms, the lease is 150 ms
			mu.Lock()
			defer mu.Unlock()
			sent[it.Key]++
			return nil
		})
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		first := &delivery.Dispatcher{Store: s, Clock: clock.System{}, Batch: 12, Workers: 1, Lease: 150 * time.Millisecond, Log: quiet,
			Senders: map[model.Channel]delivery.Sender{model.ChannelSlack: slow}}
		second := &delivery.Dispatcher{Store: s, Clock: clock.System{}, Batch: 12, Workers: 4, Lease: 150 * time.Millisecond, Log: quiet,
			Senders: map[model.Channel]delivery.Sender{model.ChannelSlack: slow}}
		done := make(chan error)
		go func() { _, err := first.Dispatch(ctx); done <- err }()
		time.Sleep(30 * time.Millisecond) // the first has claimed all 12
		for range 10 {                    // the second keeps looking, well past the lease
			if _, err := second.Dispatch(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, it := range items {
			if sent[it.Key] != 1 {
				t.Errorf("%s sent %d times", it.Key, sent[it.Key])
			}
		}
	})
}

// TestRunSendsNewEmailWhileSlackWaits: in a running dispatcher, an e-mail
// queued while Slack messages are held back by Slack's pacing goes out at
// once, not after them.
func TestRunSendsNewEmailWhileSlackWaits(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		queue := func(ch model.Channel, keys ...string) {
			t.Helper()
			var items []model.OutboxItem
			for _, k := range keys {
				items = append(items, model.OutboxItem{Key: k, Channel: ch, Kind: model.KindNotice, Recipient: k,
					Payload: `{"Kind":"notice","Text":"Hello"}`})
			}
			if _, err := s.Enqueue(ctx, items); err != nil {
				t.Fatal(err)
			}
		}
		mails, slack := &recorder{sent: map[string]int{}}, newHeldSlack(t)
		d := &delivery.Dispatcher{Store: s, Clock: clock.Fixed(t0), Workers: 1, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: mails, model.ChannelSlack: slack}}
		run, stop := context.WithCancel(ctx)
		stopped := make(chan error)
		go func() { stopped <- d.Run(run, time.Hour) }()
		queue(model.ChannelSlack, "U1", "U2", "U3")
		d.Kick()
		<-slack.started // Slack's lane is now held back
		queue(model.ChannelEmail, "a@example.org", "b@example.org")
		d.Kick()
		mails.waitSent(t, 2, "e-mails sent while Slack was held back")
		slack.release()
		stop()
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
	})
}

package delivery_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// countingStore is the store, counting the items its claims return.
type countingStore struct {
	*storage.Store
	claimed atomic.Int64
}

func (c *countingStore) Claim(ctx context.Context, now time.Time, ch model.Channel, limit int, lease time.Duration) ([]model.OutboxItem, error) {
	items, err := c.Store.Claim(ctx, now, ch, limit, lease)
	c.claimed.Add(int64(len(items)))
	return items, err
}

// inviteClaimed invites n guests to a new meeting in batches, their
// invitations written claimed with reserve's claim, and calls committed
// with what each batch queued.
func inviteClaimed(t *testing.T, s *storage.Store, n int, reserve func(model.Channel) (string, time.Time, bool),
	committed func([]model.OutboxItem)) {
	t.Helper()
	m, pl, invitees := guestMeeting(t, s, n)
	plan := func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		items := pl.Invitation(model.KindRequest, m, inv, nil)
		for i := range items {
			token, until, ok := reserve(items[i].Channel)
			if !ok {
				t.Errorf("no claim for %s", items[i].Channel)
			}
			items[i].ClaimedBy, items[i].ClaimedUntil = token, until
		}
		return items
	}
	_, err := s.InviteInBatches(ctx, model.System, m.ID, invitees, plan, func(_ []model.Invitation, queued []model.OutboxItem) {
		committed(queued)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOfferedItemsAreSentOnceWithoutClaimingThem(t *testing.T) {
	clk := clock.Fixed(t0)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		rec := &recorder{sent: map[string]int{}}
		cs := &countingStore{Store: s}
		d := &delivery.Dispatcher{Store: cs, Clock: clk, Batch: 7, Log: quiet,
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: rec}}
		if _, _, ok := d.Reserve(model.ChannelEmail); ok {
			t.Fatal("a dispatcher not running reserved a claim")
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- d.Run(runCtx, time.Hour) }()
		defer func() { stop(); <-done }()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			if _, _, ok := d.Reserve(model.ChannelEmail); ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("a running dispatcher reserved no claim")
			}
		}
		if _, _, ok := d.Reserve(model.ChannelSlack); ok {
			t.Error("a claim was reserved on Slack, which the dispatcher does not send on")
		}

		// Another dispatcher on the same store finds nothing to claim: the
		// items are written claimed for d.
		other := &recorder{sent: map[string]int{}}
		d2 := &delivery.Dispatcher{Store: s, Clock: clk, Log: quiet, Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: other}}
		const n = 120 // three batches: 50, then 70
		inviteClaimed(t, s, n, d.Reserve, func(queued []model.OutboxItem) {
			if got, err := d2.Dispatch(ctx); err != nil || got != 0 {
				t.Errorf("another dispatcher sent %d (%v) of the items claimed for this one", got, err)
			}
			d.Offer(queued)
		})
		rec.waitSent(t, n, "invitations sent")
		for key, times := range rec.sent {
			if times != 1 {
				t.Errorf("%s sent %d times", key, times)
			}
		}
		if c := cs.claimed.Load(); c != 0 {
			t.Errorf("the dispatcher claimed %d items from the store, want none: all were handed to it", c)
		}
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			n, err := s.OutboxCounts(ctx, model.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxPending}})
			if err != nil {
				t.Fatal(err)
			}
			if n[model.OutboxPending] == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d items sent but still pending in the outbox", n[model.OutboxPending])
			}
		}
	})
}

func TestOfferedItemsTakenLateAreLeftToTheirClaim(t *testing.T) {
	clk := clock.Fixed(t0)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		rec := &recorder{sent: map[string]int{}}
		const lease = 10 * time.Minute
		d := &delivery.Dispatcher{Store: s, Clock: clk, Lease: lease, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: rec}}
		// Claimed for d as a running d would have (Reserve), and offered,
		// but no lane ran until more than half the lease had gone by.
		claim := func(model.Channel) (string, time.Time, bool) { return "claim-of-d", clk.Now().Add(lease), true }
		const n = 30
		inviteClaimed(t, s, n, claim, d.Offer)
		clk.Advance(lease/2 + time.Second)
		if got, err := d.Dispatch(ctx); err != nil || got != 0 {
			t.Fatalf("sent %d (%v) under a claim more than half spent, or claimed from the store while it held: want none", got, err)
		}
		clk.Advance(lease / 2) // the claim has ended: anyone may claim them now
		if got, err := d.Dispatch(ctx); err != nil || got != n {
			t.Fatalf("sent %d (%v) once their claim ended, want %d", got, err, n)
		}
		for key, times := range rec.sent {
			if times != 1 {
				t.Errorf("%s sent %d times", key, times)
			}
		}
	})
}

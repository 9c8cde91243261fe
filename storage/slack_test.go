package storage_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
)

// TestFirstDelivery proves that a delivery key counts once: on a retry, among
// concurrent callers, and after the store is closed and opened again.
func TestFirstDelivery(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) { testFirstDelivery(t, b.DSN(t)) })
	}
}

func testFirstDelivery(t *testing.T, dsn string) {
	s, _ := open(t, dsn, clock.Fixed(t0))
	first, err := s.FirstDelivery(ctx, "event:Ev1")
	if err != nil || !first {
		t.Fatalf("first delivery = %v, %v; want true", first, err)
	}
	if again, err := s.FirstDelivery(ctx, "event:Ev1"); err != nil || again {
		t.Fatalf("retry = %v, %v; want false", again, err)
	}

	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			ok, err := s.FirstDelivery(ctx, "event:Ev2")
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d concurrent callers saw Ev2 first; want 1", wins.Load())
	}
	s.Close()

	s, clk := open(t, dsn, clock.Fixed(t0))
	if again, err := s.FirstDelivery(ctx, "event:Ev1"); err != nil || again {
		t.Fatalf("retry after reopening = %v, %v; want false", again, err)
	}
	clk.Advance(2 * time.Hour)
	if _, err := s.FirstDelivery(ctx, "event:Ev3"); err != nil {
		t.Fatal(err)
	}
	n, err := s.ForgetDeliveries(ctx, t0.Add(time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("ForgetDeliveries = %d, %v; want 2", n, err)
	}
	for key, want := range map[string]bool{"event:Ev1": true, "event:Ev3": false} {
		if got, err := s.FirstDelivery(ctx, key); err != nil || got != want {
			t.Errorf("%s after forgetting = %v, %v; want %v", key, got, err, want)
		}
	}
}

// TestInbox proves the Slack inbox: an accepted delivery is one row with its
// dedupe record; while its claim holds no other process takes it; once the
// claim runs out (the process died) exactly one of several claimers does;
// a released item is taken at once; a done one never again.
func TestInbox(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) { testInbox(t, b.DSN(t)) })
	}
}

func testInbox(t *testing.T, dsn string) {
	s, _ := open(t, dsn, clock.Fixed(t0))
	lease := 2 * time.Minute
	it := model.InboxItem{Key: "event:Ev1", Kind: "event", Payload: `{"event_id":"Ev1"}`}
	other := model.InboxItem{Key: "event:Ev0", Kind: "event"}
	if fresh, err := s.AcceptDeliveries(ctx, []model.InboxItem{it, other, it}, "a", t0.Add(lease)); err != nil || !slices.Equal(fresh, []bool{true, true, false}) {
		t.Fatalf("AcceptDeliveries = %v, %v; want new, new, seen", fresh, err)
	}
	if err := s.DeliveriesDone(ctx, t0, other.Key); err != nil {
		t.Fatal(err)
	}
	if again, err := s.AcceptDeliveries(ctx, []model.InboxItem{it}, "b", t0.Add(lease)); err != nil || again[0] {
		t.Fatalf("accepting again = %v, %v; want false", again, err)
	}
	if again, err := s.FirstDelivery(ctx, it.Key); err != nil || again {
		t.Fatalf("the inbox item is no dedupe record: FirstDelivery = %v, %v", again, err)
	}
	claim := func(owner string, now time.Time) []model.InboxItem {
		t.Helper()
		items, err := s.ClaimDeliveries(ctx, owner, now, now.Add(lease), 5, 10)
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	if got := claim("b", t0.Add(time.Minute)); len(got) != 0 {
		t.Fatalf("another process claimed an item in flight: %+v", got)
	}
	if n, err := s.RenewDeliveries(ctx, "a", t0.Add(3*time.Minute)); err != nil || n != 1 {
		t.Fatalf("RenewDeliveries = %d, %v; want 1", n, err)
	}
	if got := claim("b", t0.Add(150*time.Second)); len(got) != 0 {
		t.Fatalf("a renewed claim was taken: %+v", got)
	}

	// "a" dies: once its claim has run out, one of several takes the item.
	later := t0.Add(4 * time.Minute)
	var mu sync.Mutex
	var taken []model.InboxItem
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			got := claim(fmt.Sprintf("c%d", i), later)
			mu.Lock()
			taken = append(taken, got...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(taken) != 1 || taken[0].Key != it.Key || taken[0].Payload != it.Payload || taken[0].Kind != "event" || taken[0].Attempts != 2 {
		t.Fatalf("after the claim ran out, claimed %+v; want Ev1 once, on its second attempt", taken)
	}

	if _, err := s.AcceptDeliveries(ctx, []model.InboxItem{{Key: "event:Ev2", Kind: "event"}}, "d", later.Add(lease)); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseDeliveries(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	if got := claim("e", later); len(got) != 1 || got[0].Key != "event:Ev2" || got[0].Attempts != 1 {
		t.Fatalf("a released item was not claimed at once, as its first attempt: %+v", got)
	}
	if err := s.DeliveriesDone(ctx, later, "event:Ev1", "event:Ev2"); err != nil {
		t.Fatal(err)
	}
	if got := claim("f", later.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("done items were claimed again: %+v", got)
	}
}

// Work accepted for no one waits in the inbox for the next claim, which
// takes it at once, oldest first, as its first attempt.
func TestInboxUnclaimed(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			s, c := open(t, b.DSN(t), clock.Fixed(t0))
			first := model.InboxItem{Key: "event:Ev1", Kind: "event", Payload: "1"}
			if fresh, err := s.AcceptDeliveries(ctx, []model.InboxItem{first}, "", t0.Add(time.Minute)); err != nil || !fresh[0] {
				t.Fatalf("AcceptDeliveries = %v, %v", fresh, err)
			}
			c.Advance(time.Second)
			second := model.InboxItem{Key: "event:Ev2", Kind: "event", Payload: "2"}
			if fresh, err := s.AcceptDeliveries(ctx, []model.InboxItem{second, first}, "", t0.Add(time.Minute)); err != nil || !fresh[0] || fresh[1] {
				t.Fatalf("AcceptDeliveries = %v, %v; want new, seen", fresh, err)
			}
			items, err := s.ClaimDeliveries(ctx, "a", t0, t0.Add(time.Minute), 5, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 2 || items[0].Key != first.Key || items[1].Key != second.Key || items[0].Attempts != 1 || items[0].Payload != "1" {
				t.Fatalf("claimed %+v; want Ev1 then Ev2, first attempts", items)
			}
			if again, err := s.ClaimDeliveries(ctx, "b", t0, t0.Add(time.Minute), 5, 10); err != nil || len(again) != 0 {
				t.Fatalf("claimed twice: %+v, %v", again, err)
			}
		})
	}
}

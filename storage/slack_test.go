package storage_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
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

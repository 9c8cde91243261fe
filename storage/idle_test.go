package storage

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
)

// TestIdleConnectionsAreClosed: the connections concurrent work opened are
// closed once they have been idle for connMaxIdle.
func TestIdleConnectionsAreClosed(t *testing.T) {
	defer func(d time.Duration) { connMaxIdle = d }(connMaxIdle)
	connMaxIdle = 100 * time.Millisecond
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "f.db"), Options{Clock: clock.System{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	// Hold four connections at once.
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			tx := s.db.Begin()
			<-start
			tx.Exec("SELECT 1")
			time.Sleep(50 * time.Millisecond)
			tx.Rollback()
		})
	}
	close(start)
	wg.Wait()
	if n := sqlDB.Stats().OpenConnections; n < 2 {
		t.Fatalf("%d connections open after concurrent work; want several", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for sqlDB.Stats().OpenConnections > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if st := sqlDB.Stats(); st.OpenConnections > 0 || st.MaxIdleTimeClosed == 0 {
		t.Errorf("idle for %v: %d connections still open, %d closed as idle", 5*time.Second, st.OpenConnections, st.MaxIdleTimeClosed)
	}
}

package metrics_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/metrics"
)

// TestIMAPConnected: the gauge follows the watcher's readiness at each scrape.
func TestIMAPConnected(t *testing.T) {
	m := metrics.New(outbox{}, func() time.Time { return time.Time{} })
	var down atomic.Bool
	m.WatchIMAP(func() error {
		if down.Load() {
			return errors.New("imap: not connected")
		}
		return nil
	})
	if s := scrape(t, m); !strings.Contains(s, "focalbot_imap_connected 1") {
		t.Errorf("connected, the scrape says:\n%s", s)
	}
	down.Store(true)
	if s := scrape(t, m); !strings.Contains(s, "focalbot_imap_connected 0") {
		t.Errorf("disconnected, the scrape says:\n%s", s)
	}
}

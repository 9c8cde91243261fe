package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"focalbot/internal/imaptest"
	"focalbot/internal/syncbuf"
)

// recorder is an Ingester that records every message it is given, by
// Message-ID, and fails those fail says to.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int // Ingest calls that returned nil
	tries map[string]int // every call
	order []string
	fail  func(id string, try int) bool
}

func newRecorder() *recorder {
	return &recorder{calls: map[string]int{}, tries: map[string]int{}}
}

func (r *recorder) Ingest(ctx context.Context, raw []byte, via string) error {
	id := imaptest.MessageID(raw)
	if via != Via || id == "" {
		return fmt.Errorf("bad call: via %q, id %q", via, id)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries[id]++
	if r.fail != nil && r.fail(id, r.tries[id]) {
		return errors.New("database is down")
	}
	r.calls[id]++
	r.order = append(r.order, id)
	return nil
}

func (r *recorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.order)
}

func (r *recorder) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps(r.calls)
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// running is a Watcher running in the background.
type running struct {
	w    *Watcher
	stop context.CancelFunc
	done chan error
	log  *syncbuf.Buffer
	once sync.Once
}

func start(t testing.TB, w *Watcher, log *syncbuf.Buffer) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{w: w, stop: cancel, done: make(chan error, 1), log: log}
	go func() { r.done <- w.Run(ctx) }()
	t.Cleanup(func() { r.halt(t) })
	return r
}

// halt stops the watcher and waits for Run to return.
func (r *running) halt(t testing.TB) {
	t.Helper()
	r.once.Do(func() {
		r.stop()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return 10 s after its context was cancelled")
		}
	})
}

func newWatcher(t testing.TB, cfg Config, ing Ingester) (*Watcher, *syncbuf.Buffer) {
	t.Helper()
	buf := &syncbuf.Buffer{}
	if cfg.Backoff == 0 {
		cfg.Backoff = 20 * time.Millisecond
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 200 * time.Millisecond
	}
	w, err := New(cfg, ing, slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	return w, buf
}

// eventually waits up to 10 s for cond, failing with what() if it never holds.
func eventually(t testing.TB, what func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package slack

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/bot"
)

// gate is a handler that holds every message until it is opened, and
// records the order they came in.
type gate struct {
	open chan struct{}
	mu   sync.Mutex
	got  []string
}

func (g *gate) Handle(ctx context.Context, c bot.Caller, text string) *bot.Reply {
	<-g.open
	g.mu.Lock()
	g.got = append(g.got, text)
	g.mu.Unlock()
	return bot.TextReply("got " + text)
}

func (g *gate) seen() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.got...)
}

// TestBurstWaitsInTheInbox proves that a burst larger than the work queue
// is acked, not refused: what does not fit waits in the inbox, is all done
// in the order it came once the worker is free, and the episode logs one
// warning, not one per event.
func TestBurstWaitsInTheInbox(t *testing.T) {
	fs := newFakeSlack(t)
	g := &gate{open: make(chan struct{})}
	for _, u := range []string{"U00", "U01", "U02"} {
		fs.addUser(u, u+"@example.org", "Person "+u, "Africa/Accra")
	}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), handler: g, queue: 2, setup: func(tr *Transport) {
		// Slack's pacing lifted: this is about the queue, not the limits.
		tr.throttle.budgets, tr.throttle.perChannel = map[string]budget{}, budget{burst: 1}
	}})
	const n = 20
	var want []string
	for i := range n {
		text := fmt.Sprintf("message %02d", i)
		want = append(want, text)
		user := fmt.Sprintf("U%02d", i%3)
		b.event(dm(fmt.Sprintf("EvBurst%02d", i), user, text)) // fails the test unless acked with 200
	}
	close(g.open)
	start := time.Now()
	deadline := start.Add(10 * time.Second)
	for len(g.seen()) < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("all handled in %v", time.Since(start))
	if got := g.seen(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("handled %d messages:\n%v\nwant, in order:\n%v\n%s", len(got), got, want, b.logs.String())
	}
	// A retry of one of them, now, has no second effect.
	b.event(dm("EvBurst03", "U00", "message 03"), "X-Slack-Retry-Num", "1")
	time.Sleep(100 * time.Millisecond)
	if got := len(g.seen()); got != n {
		t.Errorf("a retry was handled again: %d messages", got)
	}
	for time.Now().Before(deadline) && !strings.Contains(b.logs.String(), "all taken up") {
		time.Sleep(20 * time.Millisecond)
	}
	logs := b.logs.String()
	if c := strings.Count(logs, "faster than the workers"); c != 1 {
		t.Errorf("%d overload warnings; want 1 for the episode:\n%s", c, logs)
	}
	if c := strings.Count(logs, "all taken up"); c != 1 {
		t.Errorf("%d notes that the backlog was taken up; want 1:\n%s", c, logs)
	}
	if strings.Contains(logs, "resuming slack work left unfinished") {
		t.Errorf("work that merely waited was logged as left unfinished, one line each:\n%s", logs)
	}
}

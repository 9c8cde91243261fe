package slack

import (
	"sync"
	"testing"
	"time"
)

// acks records the acks a transport reports.
type acks struct {
	mu    sync.Mutex
	modes []string
}

func (a *acks) add(mode string, took time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if took >= 0 {
		a.modes = append(a.modes, mode)
	}
}

// waitFor waits until n acks were reported, or a few seconds have passed:
// a Socket Mode ack is reported just after it is written, so it may come
// after Slack (the fake) has it, and after the answer.
func (a *acks) waitFor(n int) []string {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if l := a.list(); len(l) >= n {
			return l
		}
	}
	return a.list()
}

func (a *acks) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.modes...)
}

// TestReadyAndAcksInSocketMode: the transport is ready once its socket is
// connected, and reports each ack.
func TestReadyAndAcksInSocketMode(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	got := &acks{}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true, acks: got.add})
	b.addPerson(ama())
	sc := next(t, fs.sockets, "a socket mode connection")
	sc.send(t, envelope("env-1", "events_api", dm("Ev1", "U1", "network"), 0))
	sc.ack(t, "env-1")
	next(t, fs.posts, "the answer")
	if err := b.tr.Ready(); err != nil {
		t.Errorf("Ready while connected: %v", err)
	}
	if l := got.waitFor(1); len(l) != 1 || l[0] != "socket" {
		t.Errorf("acks reported: %v, want one in socket mode", l)
	}
	b.stop()
	if err := b.tr.Ready(); err == nil {
		t.Error("Ready after the socket closed: no error")
	}
}

// TestReadyAndAcksOverHTTP: over the HTTP Events API the transport is
// ready once auth.test passed, and reports each request acked.
func TestReadyAndAcksOverHTTP(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	got := &acks{}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), acks: got.add})
	b.event(dm("Ev1", "U1", "network"))
	if err := b.tr.Ready(); err != nil {
		t.Errorf("Ready after auth.test: %v", err)
	}
	if l := got.list(); len(l) != 1 || l[0] != "http" {
		t.Errorf("acks reported: %v, want one over http", l)
	}
}

package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"focalbot/internal/imaptest"
	"focalbot/internal/syncbuf"
	"focalbot/mailbox"
)

// imapEnv is a test's own environment for a Main reading s's INBOX, with
// health and metrics on a free port, whose base URL it returns.
func imapEnv(t *testing.T, s *imaptest.Server) (map[string]string, string) {
	env := environment(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env["FOCALBOT_HTTP_ADDR"] = addr
	env["FOCALBOT_IMAP_URL"] = s.URL("INBOX")
	env["FOCALBOT_IMAP_PASSWORD"] = imaptest.Password
	env["FOCALBOT_IMAP_CA_FILE"] = s.Cert.CAFile
	env["FOCALBOT_IMAP_POLL"] = "1s"
	env["FOCALBOT_LOG_LEVEL"] = "info"
	return env, "http://" + addr
}

// serving is a Main serving the console, its standard input kept open.
type serving struct {
	in   io.WriteCloser
	out  *syncbuf.Buffer
	errs *syncbuf.Buffer
	done chan error
}

func serveIn(t *testing.T, env map[string]string) *serving {
	t.Helper()
	in, w := io.Pipe()
	s := &serving{in: w, out: &syncbuf.Buffer{}, errs: &syncbuf.Buffer{}, done: make(chan error, 1)}
	m := &Main{Args: []string{"--as", "ruth.adler@globalcentre.example.org"}, Getenv: getenv(env), Stdin: in, Stdout: s.out, Stderr: s.errs}
	go func() {
		err := m.Run(context.Background())
		if cerr := m.Close(); err == nil {
			err = cerr
		}
		s.done <- err
	}()
	return s
}

// stop ends the console and waits for the program to leave.
func (s *serving) stop(t *testing.T) {
	t.Helper()
	s.in.Close()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, s.errs)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop:\n%s", s.errs)
	}
}

func imapWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func metricsText(base string) string {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// TestIMAPWatcherInServe: with FOCALBOT_IMAP_URL set, serve watches the
// mailbox (focalbot_imap_connected says so) and stops with the program; a
// message this build cannot handle stays unflagged in the mailbox.
func TestIMAPWatcherInServe(t *testing.T) {
	t.Parallel()
	srv := imaptest.Start(t, imaptest.Options{})
	env, base := imapEnv(t, srv)
	s := serveIn(t, env)
	imapWait(t, "focalbot_imap_connected 1", func() bool { return strings.Contains(metricsText(base), "focalbot_imap_connected 1") })
	srv.Backend().Deliver(t, "INBOX", nil, imaptest.Reply("e2e-1"))
	imapWait(t, "the message tried", func() bool { return strings.Contains(s.errs.String(), "not handled by this build yet") })
	if f := srv.Backend().Flags(t, "INBOX")["e2e-1"]; slices.ContainsFunc(f, func(f imap.Flag) bool { return strings.EqualFold(string(f), string(mailbox.Keyword)) }) {
		t.Errorf("a message nothing stored is flagged %v", f)
	}
	if strings.Contains(s.errs.String(), imaptest.Password) {
		t.Errorf("the password is in the log:\n%s", s.errs)
	}
	s.stop(t)
}

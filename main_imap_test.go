package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"focalbot/internal/imaptest"
	"focalbot/internal/syncbuf"
	"focalbot/mail"
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
// message without a calendar is recorded, counted and flagged, and the
// password is not logged.
func TestIMAPWatcherInServe(t *testing.T) {
	t.Parallel()
	srv := imaptest.Start(t, imaptest.Options{})
	env, base := imapEnv(t, srv)
	s := serveIn(t, env)
	imapWait(t, "focalbot_imap_connected 1", func() bool { return strings.Contains(metricsText(base), "focalbot_imap_connected 1") })
	srv.Backend().Deliver(t, "INBOX", nil, imaptest.Reply("e2e-1"))
	imapWait(t, "the message counted", func() bool {
		return regexp.MustCompile(`focalbot_mail_incoming_total\{outcome="(ignored|refused)"\} 1`).MatchString(metricsText(base))
	})
	imapWait(t, "the message flagged", func() bool { return handledFlags(srv.Backend().Flags(t, "INBOX")["e2e-1"]) })
	s.stop(t)
	if strings.Contains(s.errs.String(), imaptest.Password) {
		t.Errorf("the password is in the log:\n%s", s.errs)
	}
}

// TestIMAPReplyAnswersOnceAcrossRestart: a calendar REPLY delivered into
// the IMAP mailbox changes status exactly as rsvp does, once: delivered
// again and read after a restart, it changes nothing more.
func TestIMAPReplyAnswersOnceAcrossRestart(t *testing.T) {
	t.Parallel()
	srv := imaptest.Start(t, imaptest.Options{})
	env, base := imapEnv(t, srv)
	plain := map[string]string{}
	for k, v := range env {
		if !strings.HasPrefix(k, "FOCALBOT_IMAP_") && k != "FOCALBOT_HTTP_ADDR" {
			plain[k] = v
		}
	}
	runOnce(t, plain, "", "import", "examples/r2p-2012.csv")
	const kwame = "kwame.boateng@gh.example.org"

	// Meeting 1: Kwame answers from his calendar, by e-mail.
	s := serveIn(t, env)
	fmt.Fprintln(s.in, `meeting create title="Annual Meeting" start="2030-09-29 10:00" end=17:00 venue="New York"`)
	fmt.Fprintln(s.in, "invite 1 "+kwame)
	var uid string
	imapWait(t, "the invitation in the outbox", func() bool {
		uid = outboxUID(filepath.Join(env["FOCALBOT_DATA_DIR"], "outbox"), kwame)
		return uid != ""
	})
	answer := calendarReply(kwame, uid, "ACCEPTED", "reply-1@gh.example.org")
	srv.Backend().Deliver(t, "INBOX", nil, answer)
	imapWait(t, "the reply handled", func() bool {
		return strings.Contains(metricsText(base), `focalbot_mail_incoming_total{outcome="handled"} 1`)
	})
	imapWait(t, "the reply flagged", func() bool { return handledFlags(srv.Backend().Flags(t, "INBOX")["reply-1@gh.example.org"]) })
	// Meeting 2, the same: Kwame answers it in chat.
	fmt.Fprintln(s.in, `meeting create title="Annual Meeting" start="2030-09-29 10:00" end=17:00 venue="New York"`)
	fmt.Fprintln(s.in, "invite 2 "+kwame)
	s.stop(t)
	runOnce(t, plain, "rsvp yes 2\n", "--as", kwame)

	// The mail server delivers the reply again; focalbot restarts and
	// reads it: nothing changes.
	srv.Backend().Deliver(t, "INBOX", nil, answer)
	s = serveIn(t, env)
	imapWait(t, "the repeat read", func() bool {
		return strings.Contains(metricsText(base), `focalbot_mail_incoming_total{outcome="repeat"} 1`)
	})
	for id, f := range srv.Backend().Flags(t, "INBOX") {
		if !handledFlags(f) {
			t.Errorf("%s left unflagged: %v", id, f)
		}
	}
	fmt.Fprintln(s.in, "status 1")
	fmt.Fprintln(s.in, "status 2")
	fmt.Fprintln(s.in, "audit")
	s.stop(t)
	out := s.out.String()
	blocks := statusBlocks(out)
	if len(blocks) != 2 || blocks[0] != blocks[1] || !strings.Contains(blocks[0], "coming: Kwame Boateng (Ghana)") {
		t.Errorf("status by e-mail and by rsvp differ, or show no answer:\n%q\nconsole:\n%s", blocks, out)
	}
	if n := strings.Count(out, "answer recorded meeting 1"); n != 1 {
		t.Errorf("meeting 1 has %d answers in the audit log, want 1:\n%s", n, out)
	}
}

// runOnce runs a command of the program with env and stdin, and fails the
// test on an error.
func runOnce(t testing.TB, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	var out, errs bytes.Buffer
	m := &Main{Args: args, Getenv: getenv(env), Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errs}
	err := m.Run(context.Background())
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errs.String())
	}
	return out.String()
}

// outboxUID is the calendar UID of the invitation to to in the outbox
// folder dir, or "" while there is none.
func outboxUID(dir, to string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(b, []byte(to)) {
			continue
		}
		_, ics, _, err := mail.ExtractCalendar(bytes.NewReader(b))
		if err != nil {
			continue
		}
		if m := regexp.MustCompile(`(?m)^UID:(\S+)`).FindSubmatch(ics); m != nil {
			return string(m[1])
		}
	}
	return ""
}

// calendarReply is an iMIP REPLY from attendee to the meeting uid.
func calendarReply(attendee, uid, partstat, msgID string) []byte {
	return replyAt(attendee, uid, partstat, msgID, time.Now().UTC())
}

// replyAt is an iMIP REPLY from attendee to the meeting uid, stamped at stamp.
func replyAt(attendee, uid, partstat, msgID string, stamp time.Time) []byte {
	cal := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//focalbot tests//EN", "METHOD:REPLY", "BEGIN:VEVENT",
		"UID:" + uid, "SEQUENCE:0", "DTSTAMP:" + stamp.Format("20060102T150405Z"),
		"ATTENDEE;PARTSTAT=" + partstat + ":mailto:" + attendee, "END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	return []byte(strings.Join([]string{
		"From: <" + attendee + ">", "To: <ruth.adler@globalcentre.example.org>", "Subject: Accepted: Annual Meeting",
		"Message-ID: <" + msgID + ">", "Date: " + stamp.Format(time.RFC1123Z), "MIME-Version: 1.0",
		"Content-Type: text/calendar; charset=UTF-8; method=REPLY", "", cal}, "\r\n"))
}

func handledFlags(f []imap.Flag) bool {
	has := func(want imap.Flag) bool {
		return slices.ContainsFunc(f, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(want)) })
	}
	return has(mailbox.Keyword) && has(imap.FlagSeen)
}

// statusBlocks are the answer lines of each status in out, from
// "Invited:" to the blank line after.
func statusBlocks(out string) []string {
	var blocks []string
	for _, part := range strings.Split(out, "Invited: ")[1:] {
		block, _, _ := strings.Cut(part, "\n\n")
		blocks = append(blocks, block)
	}
	return blocks
}

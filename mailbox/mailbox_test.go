package mailbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"focalbot/internal/imaptest"
)

// scenario is what every server must pass: messages waiting at start and
// arriving later are each ingested once and flagged; one whose Ingest
// fails is left unflagged and retried; a restart skips none, repeats none,
// and a message a person has already read is not skipped.
func scenario(t *testing.T, b imaptest.Backend, mbox string) {
	rec := newRecorder()
	var down atomic.Bool
	rec.fail = func(id string, _ int) bool { return id == "m3" && down.Load() }
	cfg := Config{URL: b.URL(mbox), Password: b.Password, TLS: b.TLS, Poll: 200 * time.Millisecond}

	b.Deliver(t, mbox, nil, imaptest.Reply("m1"), imaptest.Reply("m2"))
	w, log := newWatcher(t, cfg, rec)
	r := start(t, w, log)
	eventually(t, func() string { return fmt.Sprintf("ingested %v; log:\n%s", rec.snapshot(), log) },
		func() bool { return rec.count("m1") == 1 && rec.count("m2") == 1 })
	eventually(t, func() string { return "m1 and m2 flagged" }, func() bool {
		f := b.Flags(t, mbox)
		return handled(f["m1"]) && handled(f["m2"])
	})
	if err := w.Ready(); err != nil {
		t.Errorf("Ready while connected: %v", err)
	}

	// The database is down: m3 stays unflagged, and is tried again.
	down.Store(true)
	b.Deliver(t, mbox, nil, imaptest.Reply("m3"))
	eventually(t, func() string { return fmt.Sprintf("m3 tried twice; log:\n%s", log) }, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.tries["m3"] >= 2
	})
	if f := b.Flags(t, mbox)["m3"]; hasFlag(f, Keyword) || hasFlag(f, imap.FlagSeen) {
		t.Errorf("m3 failed to ingest but is flagged %v", f)
	}
	if !strings.Contains(log.String(), "left unflagged") {
		t.Errorf("the failure is not logged:\n%s", log)
	}
	down.Store(false)
	eventually(t, func() string { return "m3 ingested after the database came back" }, func() bool { return rec.count("m3") == 1 })
	eventually(t, func() string { return "m3 flagged" }, func() bool { return handled(b.Flags(t, mbox)["m3"]) })

	// Stopped; two replies arrive, and a person reads one of them.
	r.halt(t)
	b.Deliver(t, mbox, nil, imaptest.Reply("m4"), imaptest.Reply("m5"))
	b.MarkSeen(t, mbox, "m4")
	w2, log2 := newWatcher(t, cfg, rec)
	start(t, w2, log2)
	eventually(t, func() string { return fmt.Sprintf("m4 and m5 after the restart: %v; log:\n%s", rec.snapshot(), log2) },
		func() bool { return rec.count("m4") == 1 && rec.count("m5") == 1 })
	time.Sleep(3 * cfg.Poll) // a few more scans: nothing may come twice
	want := map[string]int{"m1": 1, "m2": 1, "m3": 1, "m4": 1, "m5": 1}
	if got := rec.snapshot(); !equal(got, want) {
		t.Errorf("ingested %v, want each once: %v", got, want)
	}
	for _, l := range []string{log.String(), log2.String()} {
		if strings.Contains(l, b.Password) {
			t.Errorf("the password is in the log:\n%s", l)
		}
	}
}

func handled(f []imap.Flag) bool {
	return hasFlag(f, Keyword) && hasFlag(f, imap.FlagSeen)
}

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMemServerScenario(t *testing.T) {
	t.Run("imaps without IDLE", func(t *testing.T) {
		s := imaptest.Start(t, imaptest.Options{NoIdle: true})
		scenario(t, s.Backend(), "INBOX")
		if s.SawIdle() {
			t.Error("the client sent IDLE to a server that does not offer it")
		}
	})
	t.Run("STARTTLS with IDLE", func(t *testing.T) {
		s := imaptest.Start(t, imaptest.Options{StartTLS: true})
		scenario(t, s.Backend(), "INBOX")
	})
}

// TestIdleWakesAtOnce: with IDLE a new message is ingested at once, long
// before the poll interval.
func TestIdleWakesAtOnce(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{})
	rec := newRecorder()
	w, log := newWatcher(t, Config{URL: s.URL("INBOX"), Password: imaptest.Password, TLS: s.Cert.Client, Poll: time.Hour}, rec)
	start(t, w, log)
	eventually(t, func() string { return "connected: " + log.String() }, func() bool { return w.Ready() == nil })
	eventually(t, func() string { return "IDLE sent" }, s.SawIdle)
	s.Backend().Deliver(t, "INBOX", nil, imaptest.Reply("idle-1"))
	eventually(t, func() string { return "ingested through IDLE: " + log.String() }, func() bool { return rec.count("idle-1") == 1 })
}

// TestPollWithoutIdle: a server without IDLE is polled at the interval,
// and never sent IDLE.
func TestPollWithoutIdle(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{NoIdle: true})
	rec := newRecorder()
	// The server's certificate trusted from a file, as FOCALBOT_IMAP_CA_FILE does.
	w, log := newWatcher(t, Config{URL: s.URL("INBOX"), Password: imaptest.Password, CAFile: s.Cert.CAFile, Poll: 50 * time.Millisecond}, rec)
	start(t, w, log)
	eventually(t, func() string { return "connected: " + log.String() }, func() bool { return w.Ready() == nil })
	s.Backend().Deliver(t, "INBOX", nil, imaptest.Reply("poll-1"))
	eventually(t, func() string { return "ingested by polling: " + log.String() }, func() bool { return rec.count("poll-1") == 1 })
	if s.SawIdle() {
		t.Error("IDLE sent to a server without it")
	}
	if !strings.Contains(log.String(), "idle=false") {
		t.Errorf("the log does not say it polls:\n%s", log)
	}
}

func TestWrongPasswordIsReportedAndRetried(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{})
	s.Backend().Deliver(t, "INBOX", nil, imaptest.Reply("pw-1"))
	rec := newRecorder()
	w, log := newWatcher(t, Config{URL: s.URL("INBOX"), Password: "wrong horse", TLS: s.Cert.Client}, rec)
	start(t, w, log)
	eventually(t, func() string { return "two failed logins: " + log.String() }, func() bool {
		return strings.Count(log.String(), "with the password") >= 2
	})
	if err := w.Ready(); err == nil || !strings.Contains(err.Error(), "log in as secretariat@example.org") {
		t.Errorf("Ready = %v, want the failed login", err)
	}
	if rec.total() != 0 || strings.Contains(log.String(), "wrong horse") {
		t.Errorf("ingested %v; log:\n%s", rec.snapshot(), log)
	}
}

// TestBearerToken logs in with OAuth2: XOAUTH2 where it is all the server
// offers, OAUTHBEARER where it offers both, and the token file is read
// again at every login, so a rotated token is used after a reconnect.
func TestBearerToken(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mechs []string
		want  string
	}{
		{"XOAUTH2 only", []string{"XOAUTH2"}, "XOAUTH2"},
		{"OAUTHBEARER preferred", []string{"XOAUTH2", "OAUTHBEARER"}, "OAUTHBEARER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := imaptest.Start(t, imaptest.Options{Mechs: tc.mechs, Token: "ya29.first"})
			tokenFile := filepath.Join(t.TempDir(), "token")
			writeFile(t, tokenFile, "ya29.first\n")
			rec := newRecorder()
			w, log := newWatcher(t, Config{URL: s.URL("INBOX"), TokenFile: tokenFile, TLS: s.Cert.Client, Poll: 100 * time.Millisecond}, rec)
			start(t, w, log)
			s.Backend().Deliver(t, "INBOX", nil, imaptest.Reply("tok-1"))
			eventually(t, func() string { return "ingested with the first token: " + log.String() }, func() bool { return rec.count("tok-1") == 1 })

			// The server takes only a new token now, and drops us; the
			// file still has the old one: logins fail until it is rotated.
			s.SetToken("ya29.second")
			s.DropAll()
			eventually(t, func() string { return "a refused token: " + log.String() }, func() bool {
				err := w.Ready()
				return err != nil && strings.Contains(err.Error(), "with "+tc.want)
			})
			writeFile(t, tokenFile, "ya29.second\n")
			s.Backend().Deliver(t, "INBOX", nil, imaptest.Reply("tok-2"))
			eventually(t, func() string { return "ingested with the rotated token: " + log.String() }, func() bool { return rec.count("tok-2") == 1 })
			m := slices.DeleteFunc(s.Mechanisms(), func(m string) bool { return m == "LOGIN" }) // the mail server's deliveries
			if len(m) < 2 || m[0] != tc.want || m[len(m)-1] != tc.want {
				t.Errorf("logged in with %v, want %s", m, tc.want)
			}
			if l := log.String(); strings.Contains(l, "ya29.") {
				t.Errorf("a token is in the log:\n%s", l)
			}
		})
	}
}

func TestTokenWithoutOAuthMechanism(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{})
	tokenFile := filepath.Join(t.TempDir(), "token")
	writeFile(t, tokenFile, "ya29.first")
	w, log := newWatcher(t, Config{URL: s.URL("INBOX"), TokenFile: tokenFile, TLS: s.Cert.Client}, newRecorder())
	start(t, w, log)
	eventually(t, func() string { return "refused: " + log.String() }, func() bool {
		err := w.Ready()
		return err != nil && strings.Contains(err.Error(), "neither OAUTHBEARER nor XOAUTH2")
	})
}

// TestUIDValidityChange: the mailbox is rebuilt (deleted and created again,
// its messages put back with their flags) while the bot is stopped; the
// new UIDVALIDITY is logged, the one new message is ingested, and those
// handled before are not ingested again.
func TestUIDValidityChange(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{})
	uidValidity(t, s.Backend(), "Replies")
}

func uidValidity(t *testing.T, b imaptest.Backend, mbox string) {
	rec := newRecorder()
	cfg := Config{URL: b.URL(mbox), Password: b.Password, TLS: b.TLS, Poll: 100 * time.Millisecond}
	c := b.Client(t)
	if err := c.Create(mbox, nil).Wait(); err != nil && !strings.Contains(err.Error(), "exists") {
		t.Fatal(err)
	}
	c.Close()
	b.Deliver(t, mbox, nil, imaptest.Reply("u1"), imaptest.Reply("u2"))
	w, log := newWatcher(t, cfg, rec)
	r := start(t, w, log)
	eventually(t, func() string { return "u1, u2: " + log.String() }, func() bool { return rec.count("u1") == 1 && rec.count("u2") == 1 })
	eventually(t, func() string { return "u1, u2 flagged" }, func() bool {
		f := b.Flags(t, mbox)
		return handled(f["u1"]) && handled(f["u2"])
	})
	r.halt(t)

	flags := b.Flags(t, mbox)
	c = b.Client(t)
	if err := c.Delete(mbox).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(mbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, id := range []string{"u1", "u2"} {
		b.Deliver(t, mbox, flags[id], imaptest.Reply(id))
	}
	b.Deliver(t, mbox, nil, imaptest.Reply("u3"))

	r = start(t, w, log) // the same watcher, as after a reconnect
	eventually(t, func() string { return "u3: " + log.String() }, func() bool { return rec.count("u3") == 1 })
	time.Sleep(3 * cfg.Poll)
	if got := rec.snapshot(); !equal(got, map[string]int{"u1": 1, "u2": 1, "u3": 1}) {
		t.Errorf("ingested %v, want u1, u2, u3 once each", got)
	}
	if !strings.Contains(log.String(), "UIDVALIDITY changed") {
		t.Errorf("the new UIDVALIDITY is not logged:\n%s", log)
	}
	r.halt(t)
}

// TestDoneFolder: with a done folder, handled messages are flagged and
// moved there; one flagged already (its move failed last time) is moved
// without being ingested again.
func TestDoneFolder(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{})
	doneFolder(t, s.Backend(), "INBOX", "Handled")
}

func doneFolder(t *testing.T, b imaptest.Backend, mbox, done string) {
	c := b.Client(t)
	for _, name := range []string{mbox, done} {
		if name != "INBOX" {
			if err := c.Create(name, nil).Wait(); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.Close()
	b.Deliver(t, mbox, nil, imaptest.Reply("d1"))
	b.Deliver(t, mbox, []imap.Flag{imap.FlagSeen, Keyword}, imaptest.Reply("d0"))
	rec := newRecorder()
	w, log := newWatcher(t, Config{URL: b.URL(mbox), Password: b.Password, TLS: b.TLS, Poll: 100 * time.Millisecond, Done: done}, rec)
	start(t, w, log)
	eventually(t, func() string { return "moved: " + log.String() }, func() bool {
		return len(b.Flags(t, mbox)) == 0 && len(b.Flags(t, done)) == 2
	})
	if got := rec.snapshot(); !equal(got, map[string]int{"d1": 1}) {
		t.Errorf("ingested %v, want d1 once", got)
	}
	if f := b.Flags(t, done)["d1"]; !handled(f) {
		t.Errorf("d1 in %s has flags %v", done, f)
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url, want, err string
	}{
		{"imaps://secretariat%40example.org@mail.example.org/INBOX", "mail.example.org:993 secretariat@example.org INBOX true", ""},
		{"imap://secretariat@mail.example.org", "mail.example.org:143 secretariat INBOX false", ""},
		{"imaps://s@[::1]:1993/Calendar%20replies", "[::1]:1993 s Calendar replies true", ""},
		{"https://mail.example.org/INBOX", "", "not an IMAP URL"},
		{"imaps://mail.example.org/INBOX", "", "no user"},
		{"imaps://s:secret@mail.example.org/INBOX", "", "a password in the URL"},
		{"imaps://s@mail.example.org/INBOX?x=1", "", "no ?query"},
		{"imaps://s@mail.example.org:0/INBOX", "", "not a port"},
	} {
		got, err := ParseURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.url, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), tc.url) {
				t.Errorf("%s: the error repeats the URL, password and all", tc.url)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if s := fmt.Sprintf("%s %s %s %v", got.Addr, got.User, got.Mailbox, got.Implicit); s != tc.want {
			t.Errorf("%s: %s, want %s", tc.url, s, tc.want)
		}
	}
}

func writeFile(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestStopMidBatchFlagsWhatWasIngested: stopped while it ingests a batch,
// the watcher flags the messages already ingested before it leaves, so
// that the next start hands over only the rest.
func TestStopMidBatchFlagsWhatWasIngested(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{})
	b := s.Backend()
	b.Deliver(t, "INBOX", nil, imaptest.Reply("s1"), imaptest.Reply("s2"), imaptest.Reply("s3"), imaptest.Reply("s4"), imaptest.Reply("s5"))
	rec := newRecorder()
	atS3, resume := make(chan struct{}), make(chan struct{})
	ing := IngestFunc(func(ctx context.Context, raw []byte, via string) error {
		if err := rec.Ingest(ctx, raw, via); err != nil {
			return err
		}
		if imaptest.MessageID(raw) == "s3" {
			close(atS3)
			<-resume
		}
		return nil
	})
	w, log := newWatcher(t, Config{URL: s.URL("INBOX"), Password: imaptest.Password, TLS: s.Cert.Client}, ing)
	r := start(t, w, log)
	<-atS3
	r.stop() // as SIGTERM does, while s3's effect is being committed
	time.Sleep(50 * time.Millisecond)
	close(resume)
	r.halt(t)
	f := b.Flags(t, "INBOX")
	for id, want := range map[string]bool{"s1": true, "s2": true, "s3": true, "s4": false, "s5": false} {
		if handled(f[id]) != want {
			t.Errorf("%s flagged %v, want handled %v", id, f[id], want)
		}
	}
	w2, log2 := newWatcher(t, Config{URL: s.URL("INBOX"), Password: imaptest.Password, TLS: s.Cert.Client}, rec)
	start(t, w2, log2)
	eventually(t, func() string { return fmt.Sprint(rec.snapshot()) }, func() bool { return rec.count("s4") == 1 && rec.count("s5") == 1 })
	if got := rec.snapshot(); !equal(got, map[string]int{"s1": 1, "s2": 1, "s3": 1, "s4": 1, "s5": 1}) {
		t.Errorf("ingested %v, want each once", got)
	}
}

// TestServerWithoutKeywords: a server that keeps no keywords of its own
// is not read without a done folder (Ready says what to set), and with one
// its messages are moved there.
func TestServerWithoutKeywords(t *testing.T) {
	s := imaptest.Start(t, imaptest.Options{NoKeywords: true})
	b := s.Backend()
	b.Deliver(t, "INBOX", nil, imaptest.Reply("k1"))
	rec := newRecorder()
	w, log := newWatcher(t, Config{URL: s.URL("INBOX"), Password: imaptest.Password, TLS: s.Cert.Client}, rec)
	r := start(t, w, log)
	eventually(t, func() string { return "refused: " + log.String() }, func() bool {
		err := w.Ready()
		return err != nil && strings.Contains(err.Error(), "set FOCALBOT_IMAP_DONE")
	})
	r.halt(t)
	if rec.total() != 0 {
		t.Errorf("ingested %v without a way to mark them", rec.snapshot())
	}
	c := b.Client(t)
	if err := c.Create("Done", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	w, log = newWatcher(t, Config{URL: s.URL("INBOX"), Password: imaptest.Password, TLS: s.Cert.Client, Done: "Done"}, rec)
	start(t, w, log)
	eventually(t, func() string { return "moved: " + log.String() }, func() bool {
		return len(b.Flags(t, "INBOX")) == 0 && len(b.Flags(t, "Done")) == 1
	})
	if got := rec.snapshot(); !equal(got, map[string]int{"k1": 1}) {
		t.Errorf("ingested %v, want k1 once", got)
	}
}

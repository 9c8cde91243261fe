package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"focalbot/internal/smtptest"
)

const organizer = "secretariat@focalbot.example.org"

func newTestSMTP(t testing.TB, rawURL string, opts ...SMTPOption) *SMTP {
	t.Helper()
	s, err := NewSMTP(rawURL, append([]SMTPOption{WithTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func composeTo(t testing.TB, email string) []byte {
	t.Helper()
	m := invitation(t)
	m.To.Email = email
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestSMTPRoundTrip(t *testing.T) {
	ts := smtptest.Start(t, smtptest.Config{})
	s := newTestSMTP(t, "smtp://"+ts.Addr)
	m := invitation(t)
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), m.From.Email, []string{m.To.Email}, raw); err != nil {
		t.Fatal(err)
	}
	got := ts.Received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if got[0].From != m.From.Email || len(got[0].To) != 1 || got[0].To[0] != m.To.Email {
		t.Errorf("envelope = %s → %v, want %s → [%s]", got[0].From, got[0].To, m.From.Email, m.To.Email)
	}
	checkInvitationLayout(t, got[0].Data, m, "invite.ics")
}

func TestSMTPReusesOneConnection(t *testing.T) {
	ts := smtptest.Start(t, smtptest.Config{})
	s := newTestSMTP(t, "smtp://"+ts.Addr)
	raw := composeTo(t, "ama.mensah@example.gh")
	const n = 25
	for range n {
		if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(ts.Received()); got != n {
		t.Errorf("server received %d messages, want %d", got, n)
	}
	if c := ts.Conns(); c != 1 {
		t.Errorf("%d messages took %d connections, want 1", n, c)
	}
}

// TestSMTPConcurrentSendsShareTheConnections: 80 sends from 8 goroutines
// go over at most the URL's number of connections, each message whole.
func TestSMTPConcurrentSendsShareTheConnections(t *testing.T) {
	for _, tc := range []struct {
		query string
		max   int
	}{{"", DefaultConnections}, {"?connections=1", 1}, {"?connections=5", 5}} {
		t.Run("max="+strconv.Itoa(tc.max), func(t *testing.T) {
			ts := smtptest.Start(t, smtptest.Config{})
			s := newTestSMTP(t, "smtp://"+ts.Addr+tc.query)
			var wg sync.WaitGroup
			errs := make(chan error, 80)
			for g := range 8 {
				msgs := map[string][]byte{}
				for i := range 10 {
					to := fmt.Sprintf("fp%d-%d@example.org", g, i)
					msgs[to] = composeTo(t, to)
				}
				wg.Go(func() {
					for to, msg := range msgs {
						errs <- s.Send(context.Background(), organizer, []string{to}, msg)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			got := ts.Received()
			if len(got) != 80 || ts.Conns() > tc.max || ts.Conns() < 1 {
				t.Errorf("server received %d messages over %d connections, want 80 over 1 to %d", len(got), ts.Conns(), tc.max)
			}
			for _, m := range got {
				if !bytes.Contains(m.Data, []byte(m.To[0])) {
					t.Errorf("message for %s carries another's body", m.To[0])
				}
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

func TestSMTPServerGoesDownAndComesBack(t *testing.T) {
	ts := smtptest.Start(t, smtptest.Config{})
	addr := ts.Addr
	s := newTestSMTP(t, "smtp://"+addr)
	raw := composeTo(t, "ama.mensah@example.gh")
	send := func() error {
		return s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw)
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}

	ts.Close() // drops the kept connection and refuses new ones
	for range 2 {
		err := send()
		if err == nil {
			t.Fatal("Send succeeded while the server was down")
		}
		if Permanent(err) {
			t.Errorf("Permanent(%v) = true while the server is down", err)
		}
	}

	back := smtptest.Start(t, smtptest.Config{Addr: addr})
	for range 3 {
		if err := send(); err != nil {
			t.Fatalf("Send after the server came back: %v", err)
		}
	}
	if got, c := len(back.Received()), back.Conns(); got != 3 || c != 1 {
		t.Errorf("restarted server received %d messages over %d connections, want 3 over 1", got, c)
	}
}

func TestSMTPStaleConnectionIsReplacedTransparently(t *testing.T) {
	ts := smtptest.Start(t, smtptest.Config{})
	s := newTestSMTP(t, "smtp://"+ts.Addr)
	raw := composeTo(t, "ama.mensah@example.gh")
	if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw); err != nil {
		t.Fatal(err)
	}
	sc := <-s.idle
	sc.raw.Close() // as when a server drops an idle connection
	s.idle <- sc
	if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw); err != nil {
		t.Fatalf("Send on a dropped connection: %v", err)
	}
	if got, c := len(ts.Received()), ts.Conns(); got != 2 || c != 2 {
		t.Errorf("server received %d messages over %d connections, want 2 over 2", got, c)
	}
}

func TestSMTPRejections(t *testing.T) {
	ts := smtptest.Start(t, smtptest.Config{RcptError: smtptest.RcptErrors})
	s := newTestSMTP(t, "smtp://"+ts.Addr)
	for _, tc := range []struct {
		name, to  string
		code      int
		temporary bool
	}{
		{"550 unknown user is permanent", "unknown@example.org", 550, false},
		{"451 greylisting is temporary", "greylist@example.org", 451, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Send(context.Background(), organizer, []string{tc.to}, composeTo(t, tc.to))
			var se *smtp.SMTPError
			if !errors.As(err, &se) || se.Code != tc.code {
				t.Fatalf("Send = %v, want SMTP %d", err, tc.code)
			}
			if Permanent(err) == tc.temporary {
				t.Errorf("Permanent(%v) = %v, want %v", err, tc.temporary, !tc.temporary)
			}
			// The session is reset and the same connection delivers the next message.
			if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, composeTo(t, "ama.mensah@example.gh")); err != nil {
				t.Fatalf("Send after a rejection: %v", err)
			}
		})
	}
	got := ts.Received()
	if len(got) != 2 || got[0].To[0] != "ama.mensah@example.gh" {
		t.Errorf("server received %v, want only the two good messages", got)
	}
	if c := ts.Conns(); c != 1 {
		t.Errorf("rejections took %d connections, want 1", c)
	}
}

func TestSMTPStartTLS(t *testing.T) {
	serverTLS, pool := smtptest.SelfSigned(t)
	ts := smtptest.Start(t, smtptest.Config{TLS: serverTLS})
	raw := composeTo(t, "ama.mensah@example.gh")
	send := func(s *SMTP) error {
		return s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw)
	}

	t.Run("trusted certificate", func(t *testing.T) {
		s := newTestSMTP(t, "smtp://"+ts.Addr+"?starttls=required", WithTLSConfig(&tls.Config{RootCAs: pool}))
		for range 3 {
			if err := send(s); err != nil {
				t.Fatal(err)
			}
		}
		got := ts.Received()
		if len(got) != 3 || !got[0].TLS || !got[2].TLS {
			t.Errorf("received %d messages, TLS = %v", len(got), len(got) > 0 && got[0].TLS)
		}
	})
	t.Run("self-signed certificate is refused by default", func(t *testing.T) {
		s := newTestSMTP(t, "smtp://"+ts.Addr)
		err := send(s)
		if err == nil {
			t.Fatal("Send trusted a self-signed certificate")
		}
		if !Permanent(err) {
			t.Errorf("Permanent(%v) = false for a certificate that does not verify", err)
		}
	})
	t.Run("required but not offered", func(t *testing.T) {
		plain := smtptest.Start(t, smtptest.Config{})
		s := newTestSMTP(t, "smtp://"+plain.Addr+"?starttls=required")
		err := send(s)
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("Send = %v, want a refusal naming STARTTLS", err)
		}
		if !Permanent(err) {
			t.Errorf("Permanent(%v) = false", err)
		}
		if n := len(plain.Received()); n != 0 {
			t.Errorf("server received %d messages in clear", n)
		}
	})
}

func TestSMTPImplicitTLS(t *testing.T) {
	serverTLS, pool := smtptest.SelfSigned(t)
	ts := smtptest.Start(t, smtptest.Config{TLS: serverTLS, Implicit: true, User: "focalbot", Pass: "s3cret-pw"})
	s := newTestSMTP(t, "smtps://focalbot:s3cret-pw@"+ts.Addr, WithTLSConfig(&tls.Config{RootCAs: pool}))
	if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, composeTo(t, "ama.mensah@example.gh")); err != nil {
		t.Fatal(err)
	}
	got := ts.Received()
	if len(got) != 1 || !got[0].TLS || got[0].User != "focalbot" {
		t.Errorf("received %+v, want one message over TLS from user focalbot", got)
	}
}

func TestSMTPAuthPlain(t *testing.T) {
	serverTLS, pool := smtptest.SelfSigned(t)
	const pass = "s3cret-pw"
	raw := composeTo(t, "ama.mensah@example.gh")
	send := func(s *SMTP) error {
		return s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw)
	}

	t.Run("over STARTTLS", func(t *testing.T) {
		ts := smtptest.Start(t, smtptest.Config{TLS: serverTLS, User: "focalbot", Pass: pass})
		s := newTestSMTP(t, "smtp://focalbot:"+pass+"@"+ts.Addr, WithTLSConfig(&tls.Config{RootCAs: pool}))
		if err := send(s); err != nil {
			t.Fatal(err)
		}
		if got := ts.Received(); len(got) != 1 || got[0].User != "focalbot" || !got[0].TLS {
			t.Errorf("received %+v, want one message over TLS from user focalbot", got)
		}
	})
	t.Run("in clear to a loopback server", func(t *testing.T) {
		ts := smtptest.Start(t, smtptest.Config{User: "focalbot", Pass: pass})
		s := newTestSMTP(t, "smtp://focalbot:"+pass+"@"+ts.Addr)
		if err := send(s); err != nil {
			t.Fatal(err)
		}
		if got := ts.Received(); len(got) != 1 || got[0].User != "focalbot" {
			t.Errorf("received %+v, want one message from user focalbot", got)
		}
	})
	t.Run("wrong password is permanent and never shown", func(t *testing.T) {
		ts := smtptest.Start(t, smtptest.Config{User: "focalbot", Pass: pass})
		s := newTestSMTP(t, "smtp://focalbot:wrong-pw@"+ts.Addr)
		err := send(s)
		if err == nil {
			t.Fatal("Send succeeded with a wrong password")
		}
		if !Permanent(err) {
			t.Errorf("Permanent(%v) = false for bad credentials", err)
		}
		if strings.Contains(err.Error(), "wrong-pw") {
			t.Errorf("error shows the password: %v", err)
		}
		if s.String() != "smtp://focalbot:xxxxx@"+ts.Addr {
			t.Errorf("String() = %q", s.String())
		}
	})
	t.Run("no password in clear to a remote host", func(t *testing.T) {
		ts := smtptest.Start(t, smtptest.Config{User: "focalbot", Pass: pass})
		s := newTestSMTP(t, "smtp://focalbot:"+pass+"@mail.example.org")
		s.addr = ts.Addr // a remote name, reached here on loopback
		err := send(s)
		if err == nil || !strings.Contains(err.Error(), "refusing to send the password") {
			t.Fatalf("Send = %v, want a refusal to send the password in clear", err)
		}
		if !Permanent(err) {
			t.Errorf("Permanent(%v) = false", err)
		}
	})
}

func TestSMTPContextEnds(t *testing.T) {
	ts := smtptest.Start(t, smtptest.Config{})
	s := newTestSMTP(t, "smtp://"+ts.Addr)
	raw := composeTo(t, "ama.mensah@example.gh")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Send(ctx, organizer, []string{"ama.mensah@example.gh"}, raw)
	if !errors.Is(err, context.Canceled) || Permanent(err) {
		t.Fatalf("Send with an ended context = %v (permanent %v), want a temporary context.Canceled", err, Permanent(err))
	}
	if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw); err != nil {
		t.Fatalf("Send after an ended context: %v", err)
	}
}

func TestSMTPRefusesBadEnvelopes(t *testing.T) {
	s := newTestSMTP(t, "smtp://127.0.0.1:1") // never reached
	for name, env := range map[string][]string{
		"no recipients":          {organizer},
		"CRLF in the sender":     {organizer + "\r\nRCPT TO:<evil@example.org>", "a@example.org"},
		"CRLF in a recipient":    {organizer, "a@example.org>\r\nRCPT TO:<evil@example.org"},
		"brackets in the sender": {"<a@example.org>", "a@example.org"},
	} {
		err := s.Send(context.Background(), env[0], env[1:], []byte("x"))
		if err == nil || !Permanent(err) {
			t.Errorf("%s: Send = %v, want a permanent error", name, err)
		}
	}
}

func TestNewSMTP(t *testing.T) {
	for _, tc := range []struct {
		url       string
		addr      string
		implicit  bool
		requireTL bool
		user      string
	}{
		{"smtp://mail.example.org", "mail.example.org:587", false, false, ""},
		{"smtp://mail.example.org:25", "mail.example.org:25", false, false, ""},
		{"SMTP://mail.example.org:2525/", "mail.example.org:2525", false, false, ""},
		{"smtp://bot%40example.org:p%40ss@mail.example.org?starttls=required", "mail.example.org:587", false, true, "bot@example.org"},
		{"smtp://mail.example.org?starttls=opportunistic", "mail.example.org:587", false, false, ""},
		{"smtps://bot:pw@mail.example.org", "mail.example.org:465", true, false, "bot"},
		{"smtp://[::1]:1025", "[::1]:1025", false, false, ""},
		{"smtp://mail.example.org?connections=16", "mail.example.org:587", false, false, ""},
	} {
		s, err := NewSMTP(tc.url)
		if err != nil {
			t.Errorf("NewSMTP(%q): %v", tc.url, err)
			continue
		}
		if s.addr != tc.addr || s.implicitTLS != tc.implicit || s.requireTLS != tc.requireTL || s.user != tc.user {
			t.Errorf("NewSMTP(%q) = addr %s implicit %v required %v user %q", tc.url, s.addr, s.implicitTLS, s.requireTLS, s.user)
		}
	}

	for _, tc := range []struct{ url, want string }{
		{"http://u:hunter2@mail.example.org", "scheme must be smtp or smtps"},
		{"mail.example.org:25", "scheme must be smtp or smtps"},
		{"smtp://u:hunter2@", "no host"},
		{"smtp:mail.example.org", "no host"},
		{"smtp://u:hunter2@mail.example.org:99999", "port"},
		{"smtp://u:hunter2@mail.example.org:smtp", "port"},
		{"smtp://u:hunter2@mail.example.org/inbox", "unexpected path"},
		{"smtp://u:hunter2@mail.example.org?starttls=yes", "starttls must be required or opportunistic"},
		{"smtp://u:hunter2@mail.example.org?tls=on", "unknown parameter"},
		{"smtp://u:hunter2@mail.example.org?connections=0", "connections must be a number from 1 to 16"},
		{"smtp://u:hunter2@mail.example.org?connections=17", "connections must be a number from 1 to 16"},
		{"smtp://u:hunter2@mail.example.org?connections=many", "connections must be a number from 1 to 16"},
		{"smtps://u:hunter2@mail.example.org?starttls=required", "starttls does not apply to smtps"},
		{"smtp://u:hunter2@mail example.org", "invalid character"},
		{"smtp://u:hunter2%zz@mail.example.org", "invalid"},
	} {
		s, err := NewSMTP(tc.url)
		if err == nil {
			t.Errorf("NewSMTP(%q) = %v, want an error", tc.url, s)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewSMTP(%q) = %v, want an error containing %q", tc.url, err, tc.want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NewSMTP(%q) error shows the password: %v", tc.url, err)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.0.0.2": true, "::1": true,
		"mail.example.org": false, "10.0.0.1": false, "192.0.2.1": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// rawListener accepts connections on 127.0.0.1 and hands each to handle,
// for servers that misbehave below SMTP.
func rawListener(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return ln.Addr().String()
}

func TestSMTPContextDeadlineAbortsASilentServer(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	addr := rawListener(t, func(c net.Conn) { // accepts, never greets
		<-release
		c.Close()
	})
	s := newTestSMTP(t, "smtp://"+addr)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, organizer, []string{"ama.mensah@example.gh"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if !errors.Is(err, context.DeadlineExceeded) || Permanent(err) {
		t.Fatalf("Send = %v, want a temporary context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send took %v to give up", d)
	}
}

func TestSMTPTLSHandshakeInterruptedIsTemporary(t *testing.T) {
	addr := rawListener(t, func(c net.Conn) { c.Close() }) // hangs up mid-handshake
	s := newTestSMTP(t, "smtps://"+addr)
	err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || Permanent(err) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
}

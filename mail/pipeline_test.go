package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"focalbot/internal/smtptest"
)

// kept returns the connection s keeps idle, and puts it back.
func kept(t *testing.T, s *SMTP) *smtpConn {
	t.Helper()
	select {
	case sc := <-s.idle:
		s.idle <- sc
		return sc
	default:
		t.Fatal("no connection kept")
		return nil
	}
}

// TestSMTPPipelinesWhenOffered: against go-smtp's server, which offers
// PIPELINING and CHUNKING, a message goes as one pipelined BDAT
// transaction and arrives exactly as the DATA path (a bare go-smtp client)
// delivers it, also when it is not CRLF throughout; a server that offers
// neither gets DATA.
func TestSMTPPipelinesWhenOffered(t *testing.T) {
	odd := [][]byte{
		composeTo(t, "ama.mensah@example.gh"),
		[]byte("Subject: bare LF\n\nline one\nline two"),
		[]byte("Subject: dots\r\n\r\n.\r\n..\r\n.line\r\nend\r"),
		[]byte("Subject: mixed\r\n\r\na\r\rb\n\r\nc\r\n"),
	}
	ts := smtptest.Start(t, smtptest.Config{})
	s := newTestSMTP(t, "smtp://"+ts.Addr)
	for _, msg := range odd {
		if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, msg); err != nil {
			t.Fatal(err)
		}
	}
	if kept(t, s).pipe == nil {
		t.Fatal("the session does not pipeline although the server offers PIPELINING and CHUNKING")
	}
	c, err := smtp.Dial(ts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range odd {
		if err := c.SendMail(organizer, []string{"ama.mensah@example.gh"}, bytes.NewReader(msg)); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	got := ts.Received()
	if len(got) != 2*len(odd) {
		t.Fatalf("server received %d messages, want %d", len(got), 2*len(odd))
	}
	for i := range odd {
		if !bytes.Equal(got[i].Data, got[len(odd)+i].Data) {
			t.Errorf("message %d arrived as %q pipelined, %q through DATA", i, got[i].Data, got[len(odd)+i].Data)
		}
	}
	if !bytes.Equal(got[0].Data, odd[0]) {
		t.Error("a composed message did not arrive byte for byte")
	}

	// After STARTTLS too, and with AUTH.
	serverTLS, pool := smtptest.SelfSigned(t)
	sec := smtptest.Start(t, smtptest.Config{TLS: serverTLS, User: "secretariat", Pass: "p@ss"})
	s = newTestSMTP(t, "smtp://secretariat:p%40ss@"+sec.Addr+"?starttls=required", WithTLSConfig(&tls.Config{RootCAs: pool}))
	for range 2 {
		if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, odd[0]); err != nil {
			t.Fatal(err)
		}
	}
	if kept(t, s).pipe == nil {
		t.Error("the session does not pipeline after STARTTLS")
	}
	if got := sec.Received(); len(got) != 2 {
		t.Errorf("after STARTTLS the server received %d messages, want 2", len(got))
	} else if !got[1].TLS || got[1].User != "secretariat" || !bytes.Equal(got[1].Data, odd[0]) {
		t.Errorf("after STARTTLS the server received a message with TLS %v, user %q, intact %v", got[1].TLS, got[1].User, bytes.Equal(got[1].Data, odd[0]))
	}

	old := smtptest.Start(t, smtptest.Config{NoPipelining: true})
	s = newTestSMTP(t, "smtp://"+old.Addr)
	if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, odd[0]); err != nil {
		t.Fatal(err)
	}
	if kept(t, s).pipe != nil {
		t.Error("the session pipelines although the server offers neither PIPELINING nor CHUNKING")
	}
	if got := old.Received(); len(got) != 1 || !bytes.Equal(got[0].Data, odd[0]) {
		t.Errorf("a server without CHUNKING received %d messages", len(got))
	}
}

// TestSMTPRefusalsOnBothPaths: a recipient refused, alone or among
// others, stops the message for everyone, with the refusing reply as the
// error; the next message goes on the same connection. Pipelined and
// through DATA alike.
func TestSMTPRefusalsOnBothPaths(t *testing.T) {
	for _, cfg := range []smtptest.Config{{RcptError: smtptest.RcptErrors}, {RcptError: smtptest.RcptErrors, NoPipelining: true}} {
		name := "pipelined"
		if cfg.NoPipelining {
			name = "data"
		}
		t.Run(name, func(t *testing.T) {
			ts := smtptest.Start(t, cfg)
			s := newTestSMTP(t, "smtp://"+ts.Addr)
			raw := composeTo(t, "ama.mensah@example.gh")
			for _, tc := range []struct {
				to   []string
				code int
			}{
				{[]string{"unknown@example.org"}, 550},
				{[]string{"ama.mensah@example.gh", "greylist@example.org"}, 451},
				{[]string{"unknown@example.org", "ama.mensah@example.gh"}, 550},
			} {
				err := s.Send(context.Background(), organizer, tc.to, raw)
				var se *smtp.SMTPError
				if !errors.As(err, &se) || se.Code != tc.code || se.EnhancedCode[0] != tc.code/100 {
					t.Fatalf("Send to %v = %v, want SMTP %d with its enhanced code", tc.to, err, tc.code)
				}
				if Permanent(err) != (tc.code >= 500) {
					t.Errorf("Permanent(%v) = %v", err, Permanent(err))
				}
				if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh", "kofi@example.gh"}, raw); err != nil {
					t.Fatalf("Send after a refusal: %v", err)
				}
			}
			got := ts.Received()
			if len(got) != 3 || ts.Conns() != 1 {
				t.Fatalf("server received %d messages over %d connections, want the 3 good ones over 1", len(got), ts.Conns())
			}
			for _, m := range got {
				if len(m.To) != 2 || m.To[0] != "ama.mensah@example.gh" || m.To[1] != "kofi@example.gh" {
					t.Errorf("server received a message for %v", m.To)
				}
			}
		})
	}
}

// TestSMTPNeverSendsTwiceWhenTheLastReplyIsLost: the server takes the
// message, then the connection drops before its final reply. Send fails,
// temporarily, and does not send the message again on a new connection:
// the server might have it (here it does).
func TestSMTPNeverSendsTwiceWhenTheLastReplyIsLost(t *testing.T) {
	for _, cfg := range []smtptest.Config{{Delay: 300 * time.Millisecond}, {Delay: 300 * time.Millisecond, NoPipelining: true}} {
		ts := smtptest.Start(t, cfg)
		s := newTestSMTP(t, "smtp://"+ts.Addr)
		raw := composeTo(t, "ama.mensah@example.gh")
		done := make(chan error, 1)
		go func() { done <- s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw) }()
		time.Sleep(100 * time.Millisecond) // the message is with the server, its reply 200 ms away
		ts.Close()
		back := smtptest.Start(t, smtptest.Config{Addr: ts.Addr})
		err := <-done
		if err == nil || Permanent(err) {
			t.Fatalf("Send = %v, want a temporary error", err)
		}
		time.Sleep(300 * time.Millisecond)
		if got, again := ts.Count(), back.Count(); got != 1 || again != 0 {
			t.Errorf("NoPipelining %v: the first server took %d messages and the second %d, want 1 and 0", cfg.NoPipelining, got, again)
		}
	}
}

// TestSMTPServerRestartBetweenMessages: a server that closed the kept
// connection is found out, before a pipelined message is written when the
// connection has been idle (peekIdle), else by the clean end before any
// reply; either way the message goes on a new connection, once.
func TestSMTPServerRestartBetweenMessages(t *testing.T) {
	for _, idle := range []bool{true, false} {
		ts := smtptest.Start(t, smtptest.Config{})
		s := newTestSMTP(t, "smtp://"+ts.Addr)
		raw := composeTo(t, "ama.mensah@example.gh")
		if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw); err != nil {
			t.Fatal(err)
		}
		ts.Close()
		back := smtptest.Start(t, smtptest.Config{Addr: ts.Addr})
		time.Sleep(20 * time.Millisecond)
		sc := kept(t, s)
		if stillOpen(sc.raw) {
			t.Error("stillOpen = true on a connection the server has closed")
		}
		if idle {
			sc.used = sc.used.Add(-peekIdle)
		}
		if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw); err != nil {
			t.Fatalf("idle %v: Send after a restart: %v", idle, err)
		}
		if got, c := back.Count(), back.Conns(); got != 1 || c != 1 {
			t.Errorf("idle %v: restarted server received %d messages over %d connections, want 1 over 1", idle, got, c)
		}
		if !stillOpen(kept(t, s).raw) {
			t.Error("stillOpen = false on an open idle connection")
		}
	}
}

// TestStillOpen: a connection with a reply nobody asked for (a 421 before
// closing) is not one to write a message to.
func TestStillOpen(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !stillOpen(c) {
		t.Fatal("stillOpen = false on an open, quiet connection")
	}
	if _, err := srv.Write([]byte("421 4.4.2 idle too long\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if stillOpen(c) {
		t.Error("stillOpen = true with a 421 waiting")
	}
	buf := make([]byte, 64)
	if n, _ := c.Read(buf); n != len("421 4.4.2 idle too long\r\n") {
		t.Errorf("stillOpen took bytes from the connection: %d left", n)
	}
}

// TestSMTPExtraReplyKeepsTheMessageSent: a server that says more than it
// was asked (here a line after its final 250) has still taken the
// message: Send succeeds, and the connection, out of step, is not used
// again.
func TestSMTPExtraReplyKeepsTheMessageSent(t *testing.T) {
	var mu sync.Mutex
	conns, taken := 0, 0
	addr := rawListener(t, func(c net.Conn) {
		defer c.Close()
		mu.Lock()
		conns++
		mu.Unlock()
		r := textproto.NewReader(bufio.NewReader(c))
		say := func(s string) { _, _ = io.WriteString(c, s) }
		say("220 misbehaving ESMTP\r\n")
		for {
			line, err := r.ReadLine()
			if err != nil {
				return
			}
			verb, arg, _ := strings.Cut(line, " ")
			switch strings.ToUpper(verb) {
			case "EHLO":
				say("250-misbehaving\r\n250-PIPELINING\r\n250 CHUNKING\r\n")
			case "MAIL", "RCPT":
				say("250 2.0.0 ok\r\n")
			case "BDAT":
				size, _, _ := strings.Cut(arg, " ")
				n, _ := strconv.Atoi(size)
				if _, err := io.CopyN(io.Discard, r.R, int64(n)); err != nil {
					return
				}
				mu.Lock()
				taken++
				mu.Unlock()
				say("250 2.0.0 queued\r\n250 2.0.0 and something nobody asked for\r\n")
			case "QUIT":
				say("221 bye\r\n")
				return
			default:
				say("502 5.5.1 no\r\n")
			}
		}
	})
	s := newTestSMTP(t, "smtp://"+addr)
	raw := composeTo(t, "ama.mensah@example.gh")
	for range 2 {
		if err := s.Send(context.Background(), organizer, []string{"ama.mensah@example.gh"}, raw); err != nil {
			t.Fatalf("Send = %v, want the message sent", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if taken != 2 || conns != 2 {
		t.Errorf("the server took %d messages over %d connections, want 2 over 2", taken, conns)
	}
}

// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 for tests: it records what it receives, counts connections, can
// refuse recipients, offer STARTTLS or implicit TLS with a self-signed
// certificate, require AUTH PLAIN, and be stopped and started again on the
// same port to play an outage.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a real go-smtp server on 127.0.0.1 that records what it
// receives and counts the connections it accepts.
type Server struct {
	Addr string

	srv *smtp.Server
	cfg Config

	mu       sync.Mutex
	conns    int
	received []Message
}

// Config says how the server behaves.
type Config struct {
	Addr      string      // listen address; 127.0.0.1:0 when empty
	TLS       *tls.Config // offers STARTTLS (or implicit TLS with implicit)
	Implicit  bool
	User      string // requires AUTH PLAIN with user and pass when set
	Pass      string
	RcptError func(to string) error // refuses a recipient when it returns an error
	Delay     time.Duration         // how long the server takes over each message it accepts
	// NoPipelining hides PIPELINING and CHUNKING from EHLO, as an older
	// server would (on connections that are not TLS from the start).
	NoPipelining bool
}

// Message is one message received: envelope, data and session facts.
type Message struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

// Start starts a server, stopped when the test ends.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	ts := &Server{cfg: cfg}
	ts.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{ts: ts, tls: isTLS}, nil
	}))
	ts.srv.Domain = "localhost"
	ts.srv.TLSConfig = cfg.TLS
	ts.srv.AllowInsecureAuth = true // loopback: the client decides when it may send a password
	ts.srv.ReadTimeout = 10 * time.Second
	ts.srv.WriteTimeout = 10 * time.Second
	ts.srv.MaxMessageBytes = 10 << 20
	ts.srv.ErrorLog = log.New(io.Discard, "", 0)

	var ln net.Listener
	var err error
	for range 50 { // the same port may need a moment to be free again after a restart
		if ln, err = net.Listen("tcp", cfg.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if cfg.Implicit {
		ln = tls.NewListener(ln, cfg.TLS)
	}
	ts.Addr = ln.Addr().String()
	go ts.srv.Serve(&countingListener{Listener: ln, ts: ts})
	t.Cleanup(ts.Close)
	return ts
}

// Close stops the server and drops every connection it holds.
func (ts *Server) Close() { ts.srv.Close() }

// Conns counts the connections the server has accepted.
func (ts *Server) Conns() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.conns
}

// Count is how many messages have been received so far; unlike Received,
// it copies nothing, for a loop that waits for them.
func (ts *Server) Count() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.received)
}

// Received lists the messages received so far.
func (ts *Server) Received() []Message {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]Message(nil), ts.received...)
}

type countingListener struct {
	net.Listener
	ts *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.ts.mu.Lock()
		l.ts.conns++
		l.ts.mu.Unlock()
		if l.ts.cfg.NoPipelining && !l.ts.cfg.Implicit {
			c = &hidingConn{Conn: c}
		}
	}
	return c, err
}

// hidingConn drops the EHLO lines of PIPELINING and CHUNKING, which
// go-smtp's server writes one line to a write.
type hidingConn struct{ net.Conn }

func (c *hidingConn) Write(b []byte) (int, error) {
	if s := string(b); s == "250-PIPELINING\r\n" || s == "250-CHUNKING\r\n" {
		return len(b), nil
	}
	return c.Conn.Write(b)
}

type session struct {
	ts   *Server
	tls  bool
	user string
	cur  Message
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.ts.cfg.User || pass != s.ts.cfg.Pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.cfg.User != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = Message{From: from, TLS: s.tls, User: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := s.ts.cfg.RcptError; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	time.Sleep(s.ts.cfg.Delay)
	s.ts.mu.Lock()
	s.ts.received = append(s.ts.received, s.cur)
	s.ts.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = Message{} }
func (s *session) Logout() error { return nil }

// RcptErrors refuses recipients by their local part: "unknown" with 550,
// "greylist" with 451.
func RcptErrors(to string) error {
	switch {
	case strings.HasPrefix(to, "unknown@"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	case strings.HasPrefix(to, "greylist@"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "greylisted, try again later"}
	}
	return nil
}

// SelfSigned makes a certificate for 127.0.0.1 and localhost, returning the
// server's TLS config and a pool that trusts it.
func SelfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "focalbot test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

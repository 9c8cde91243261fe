package mail

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

// testServer is a real go-smtp server on 127.0.0.1 that records what it
// receives and counts the connections it accepts.
type testServer struct {
	Addr string

	srv *smtp.Server
	cfg serverConfig

	mu       sync.Mutex
	conns    int
	received []received
}

type serverConfig struct {
	addr      string      // listen address; 127.0.0.1:0 when empty
	tls       *tls.Config // offers STARTTLS (or implicit TLS with implicit)
	implicit  bool
	user      string // requires AUTH PLAIN with user and pass when set
	pass      string
	rcptError func(to string) error // refuses a recipient when it returns an error
}

type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

func startServer(t testing.TB, cfg serverConfig) *testServer {
	t.Helper()
	if cfg.addr == "" {
		cfg.addr = "127.0.0.1:0"
	}
	ts := &testServer{cfg: cfg}
	ts.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &testSession{ts: ts, tls: isTLS}, nil
	}))
	ts.srv.Domain = "localhost"
	ts.srv.TLSConfig = cfg.tls
	ts.srv.AllowInsecureAuth = true // loopback: the client decides when it may send a password
	ts.srv.ReadTimeout = 10 * time.Second
	ts.srv.WriteTimeout = 10 * time.Second
	ts.srv.MaxMessageBytes = 10 << 20
	ts.srv.ErrorLog = log.New(io.Discard, "", 0)

	var ln net.Listener
	var err error
	for range 50 { // the same port may need a moment to be free again after a restart
		if ln, err = net.Listen("tcp", cfg.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if cfg.implicit {
		ln = tls.NewListener(ln, cfg.tls)
	}
	ts.Addr = ln.Addr().String()
	go ts.srv.Serve(&countingListener{Listener: ln, ts: ts})
	t.Cleanup(ts.Close)
	return ts
}

// Close stops the server and drops every connection it holds.
func (ts *testServer) Close() { ts.srv.Close() }

func (ts *testServer) Conns() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.conns
}

func (ts *testServer) Received() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.received...)
}

type countingListener struct {
	net.Listener
	ts *testServer
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.ts.mu.Lock()
		l.ts.conns++
		l.ts.mu.Unlock()
	}
	return c, err
}

type testSession struct {
	ts   *testServer
	tls  bool
	user string
	cur  received
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.ts.cfg.user || pass != s.ts.cfg.pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.cfg.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = received{From: from, TLS: s.tls, User: s.user}
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := s.ts.cfg.rcptError; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.ts.mu.Lock()
	s.ts.received = append(s.ts.received, s.cur)
	s.ts.mu.Unlock()
	return nil
}

func (s *testSession) Reset()        { s.cur = received{} }
func (s *testSession) Logout() error { return nil }

// rcptErrors refuses recipients by their local part: "unknown" with 550,
// "greylist" with 451.
func rcptErrors(to string) error {
	switch {
	case strings.HasPrefix(to, "unknown@"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	case strings.HasPrefix(to, "greylist@"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "greylisted, try again later"}
	}
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, returning the
// server's TLS config and a pool that trusts it.
func selfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
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

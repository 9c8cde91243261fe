package mailbox

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"focalbot/internal/syncbuf"
)

const (
	testUser     = "secretariat@example.org"
	testPassword = "correct horse"
)

// testCert is a self-signed certificate for 127.0.0.1 and localhost, and
// a client TLS configuration that trusts only it.
type testCert struct {
	server   *tls.Config
	client   *tls.Config
	certPEM  []byte
	keyPEM   []byte
	certFile string
	keyFile  string
}

func newTestCert(t testing.TB) *testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c := &testCert{
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	}
	pair, err := tls.X509KeyPair(c.certPEM, c.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	c.server = &tls.Config{Certificates: []tls.Certificate{pair}}
	c.client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	dir := t.TempDir()
	c.certFile, c.keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(c.certFile, c.certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.keyFile, c.keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// memServer is go-imap's own server with its in-memory backend, listening
// on a loopback port, over TLS (imaps) or with STARTTLS (imap).
type memServer struct {
	t        testing.TB
	cert     *testCert
	mem      *imapmemserver.Server
	user     *imapmemserver.User
	srv      *imapserver.Server
	addr     string
	implicit bool

	noIdle bool     // hide IDLE from CAPABILITY, as a server without it
	mechs  []string // SASL mechanisms offered besides LOGIN; nil: PLAIN

	sawIdle atomic.Bool // a client sent IDLE
	mu      sync.Mutex
	token   string   // the bearer token accepted now
	used    []string // mechanisms logged in with, in order
	conns   []net.Conn
}

type memOptions struct {
	starttls bool
	noIdle   bool
	mechs    []string
	token    string
}

func newMemServer(t testing.TB, o memOptions) *memServer {
	t.Helper()
	if o.starttls && o.noIdle {
		t.Fatal("noIdle needs imaps: with STARTTLS the wrapper cannot read the capabilities")
	}
	s := &memServer{t: t, cert: newTestCert(t), mem: imapmemserver.New(), noIdle: o.noIdle, mechs: o.mechs, token: o.token, implicit: !o.starttls}
	s.user = imapmemserver.NewUser(testUser, testPassword)
	if err := s.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.user.Create("Replies", nil); err != nil {
		t.Fatal(err)
	}
	s.mem.AddUser(s.user)
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &memSession{s: s}, nil, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}, imap.CapNamespace: {}},
		Logger: discardLogger{},
	}
	if o.starttls {
		opts.TLSConfig = s.cert.server
	} else {
		// The connection is TLS, under the wrapper the server cannot see
		// through.
		opts.InsecureAuth = true
	}
	s.srv = imapserver.New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	if s.implicit {
		ln = tls.NewListener(ln, s.cert.server)
	}
	// Above TLS when implicit; with STARTTLS the wrapper sees the
	// encrypted bytes, so noIdle and sawIdle need imaps.
	go s.srv.Serve(&wrapListener{Listener: ln, s: s})
	t.Cleanup(func() { s.srv.Close() })
	return s
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// url is the FOCALBOT_IMAP_URL of mailbox mbox.
func (s *memServer) url(mbox string) string {
	scheme := "imap"
	if s.implicit {
		scheme = "imaps"
	}
	return fmt.Sprintf("%s://secretariat%%40example.org@%s/%s", scheme, s.addr, mbox)
}

func (s *memServer) backend() backend {
	return backend{url: s.url, tls: s.cert.client, password: testPassword, implicit: s.implicit, addr: s.addr}
}

func (s *memServer) setToken(tok string) {
	s.mu.Lock()
	s.token = tok
	s.mu.Unlock()
}

func (s *memServer) mechanisms() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.used)
}

// dropAll closes every connection, as a server restart would.
func (s *memServer) dropAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// wrapListener wraps each accepted connection: it removes IDLE from what
// the server says when noIdle, notes a client's IDLE, and keeps the
// connection for dropAll.
type wrapListener struct {
	net.Listener
	s *memServer
}

func (l *wrapListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	wc := &wrapConn{Conn: c, s: l.s}
	l.s.mu.Lock()
	l.s.conns = append(l.s.conns, wc)
	l.s.mu.Unlock()
	return wc, nil
}

type wrapConn struct {
	net.Conn
	s *memServer
}

func (c *wrapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if bytes.Contains(p[:n], []byte(" IDLE\r\n")) {
		c.s.sawIdle.Store(true)
	}
	return n, err
}

func (c *wrapConn) Write(p []byte) (int, error) {
	if c.s.noIdle && bytes.Contains(p, []byte("CAPABILITY")) {
		q := bytes.ReplaceAll(p, []byte(" IDLE"), nil)
		if _, err := c.Conn.Write(q); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// memSession is a memory-server session that logs in by password, PLAIN,
// OAUTHBEARER or XOAUTH2.
type memSession struct {
	*imapmemserver.UserSession
	s *memServer
}

func (m *memSession) Login(user, password string) error {
	if user != testUser || password != testPassword {
		return imapserver.ErrAuthFailed
	}
	m.loggedIn("LOGIN")
	return nil
}

func (m *memSession) loggedIn(mech string) {
	m.UserSession = imapmemserver.NewUserSession(m.s.user)
	m.s.mu.Lock()
	m.s.used = append(m.s.used, mech)
	m.s.mu.Unlock()
}

func (m *memSession) AuthenticateMechanisms() []string {
	if m.s.mechs == nil {
		return []string{"PLAIN"}
	}
	return m.s.mechs
}

func (m *memSession) bearer(user, token string) bool {
	m.s.mu.Lock()
	ok := user == testUser && m.s.token != "" && token == m.s.token
	m.s.mu.Unlock()
	return ok
}

func (m *memSession) Authenticate(mech string) (sasl.Server, error) {
	if !slices.Contains(m.AuthenticateMechanisms(), mech) {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
	}
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(identity, user, password string) error {
			if err := m.Login(user, password); err != nil {
				return err
			}
			m.s.used[len(m.s.used)-1] = "PLAIN"
			return nil
		}), nil
	case "OAUTHBEARER":
		return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if !m.bearer(o.Username, o.Token) {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			}
			m.loggedIn("OAUTHBEARER")
			return nil
		}), nil
	case "XOAUTH2":
		return &xoauth2Server{m: m}, nil
	}
	return nil, errors.New("unknown mechanism")
}

// xoauth2Server checks an XOAUTH2 initial response; on failure it sends
// the JSON challenge Google sends, then refuses.
type xoauth2Server struct {
	m      *memSession
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, imapserver.ErrAuthFailed
	}
	parts := strings.Split(string(resp), "\x01")
	var user, token string
	for _, p := range parts {
		if v, ok := strings.CutPrefix(p, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(p, "auth=Bearer "); ok {
			token = v
		}
	}
	if len(parts) != 4 || !x.m.bearer(user, token) {
		x.failed = true
		return []byte(`{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	x.m.loggedIn("XOAUTH2")
	return nil, true, nil
}

// backend is an IMAP server under test as the scenarios see it: where it
// is, and how a mail server (or a person) puts messages in and reads flags.
type backend struct {
	url      func(mbox string) string
	addr     string
	implicit bool
	tls      *tls.Config
	password string
}

// client is another client of the mailbox: the mail server delivering, or
// a person reading.
func (b backend) client(t testing.TB) *imapclient.Client {
	t.Helper()
	opts := &imapclient.Options{TLSConfig: b.tls}
	var (
		c   *imapclient.Client
		err error
	)
	if b.implicit {
		c, err = imapclient.DialTLS(b.addr, opts)
	} else {
		c, err = imapclient.DialStartTLS(b.addr, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(testUser, b.password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// deliver appends messages to mbox, as the mail server does.
func (b backend) deliver(t testing.TB, mbox string, flags []imap.Flag, msgs ...[]byte) {
	t.Helper()
	c := b.client(t)
	defer c.Close()
	for _, m := range msgs {
		cmd := c.Append(mbox, int64(len(m)), &imap.AppendOptions{Flags: flags})
		if _, err := cmd.Write(m); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	c.Logout().Wait()
}

// flags are the flags of every message of mbox, by Message-ID.
func (b backend) flags(t testing.TB, mbox string) map[string][]imap.Flag {
	t.Helper()
	c := b.client(t)
	defer c.Close()
	sel, err := c.Select(mbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]imap.Flag{}
	if sel.NumMessages == 0 {
		return out
	}
	sect := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	msgs, err := c.Fetch(imap.SeqSetNum(seqRange(sel.NumMessages)...), &imap.FetchOptions{Flags: true, BodySection: []*imap.FetchItemBodySection{sect}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		out[messageID(m.FindBodySection(sect))] = m.Flags
	}
	c.Logout().Wait()
	return out
}

func seqRange(n uint32) []uint32 {
	s := make([]uint32, n)
	for i := range s {
		s[i] = uint32(i) + 1
	}
	return s
}

// markSeen sets \Seen on the message id, as a person reading it does.
func (b backend) markSeen(t testing.TB, mbox, id string) {
	t.Helper()
	c := b.client(t)
	defer c.Close()
	if _, err := c.Select(mbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}, nil).Wait()
	if err != nil || len(found.AllUIDs()) != 1 {
		t.Fatalf("search %s: %v %v", id, found, err)
	}
	if err := c.Store(imap.UIDSetNum(found.AllUIDs()...), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	c.Logout().Wait()
}

func messageID(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(append(raw, '\r', '\n')))
	if err != nil {
		return ""
	}
	return strings.Trim(m.Header.Get("Message-ID"), "<>")
}

// reply is a small test message with that Message-ID.
func reply(id string) []byte {
	return []byte("From: Ama Kouassi <ama@example.gh>\r\n" +
		"To: secretariat@example.org\r\n" +
		"Subject: Accepted: Annual Meeting\r\n" +
		"Message-ID: <" + id + ">\r\n" +
		"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Accepted " + id + "\r\n")
}

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
	id := messageID(raw)
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

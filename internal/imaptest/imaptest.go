// Package imaptest runs real IMAP servers for tests: go-imap's own server
// (imapserver with its in-memory backend) in the test process, over
// implicit TLS or STARTTLS with a self-signed certificate, able to hide
// IDLE, offer XOAUTH2 and OAUTHBEARER, rotate the accepted token and drop
// every connection; and a throwaway Dovecot (dovecot.go). A Backend is
// either one as a mail server and a person see it: deliver, read flags,
// mark read.
package imaptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
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
)

const (
	User     = "secretariat@example.org"
	Password = "correct horse"
)

// Cert is a self-signed certificate for 127.0.0.1 and localhost, and
// a client TLS configuration that trusts only it.
type Cert struct {
	Server  *tls.Config // the server's: the certificate and its key
	Client  *tls.Config // a client's: trusts only that certificate
	CertPEM []byte
	KeyPEM  []byte
	CAFile  string // the certificate in a PEM file, to trust
}

// NewCert makes a certificate valid for a day, for 127.0.0.1 and
// localhost, and writes it to CAFile.
func NewCert(t testing.TB) *Cert {
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
	c := &Cert{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	}
	pair, err := tls.X509KeyPair(c.CertPEM, c.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	c.Server = &tls.Config{Certificates: []tls.Certificate{pair}}
	c.Client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	c.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(c.CAFile, c.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// Server is go-imap's own server with its in-memory backend, listening
// on a loopback port, over TLS (imaps) or with STARTTLS (imap).
type Server struct {
	t        testing.TB
	Cert     *Cert
	mem      *imapmemserver.Server
	user     *imapmemserver.User
	srv      *imapserver.Server
	Addr     string
	implicit bool

	noIdle bool     // hide IDLE from CAPABILITY, as a server without it
	noKeys bool     // hide \* from PERMANENTFLAGS
	mechs  []string // SASL mechanisms offered besides LOGIN; nil: PLAIN

	sawIdle atomic.Bool // a client sent IDLE (see SawIdle)
	mu      sync.Mutex
	token   string   // the bearer token accepted now
	used    []string // mechanisms logged in with, in order
	conns   []net.Conn
}

// Options says how a Server differs from the default: implicit TLS,
// IDLE offered, LOGIN and AUTHENTICATE PLAIN.
type Options struct {
	StartTLS bool // STARTTLS on a plain connection instead of implicit TLS
	NoIdle   bool // hide IDLE, as a server without it (implicit TLS only)
	// NoKeywords hides \* from PERMANENTFLAGS, as a server that keeps no
	// keywords of its own (implicit TLS only).
	NoKeywords bool
	Mechs      []string // the SASL mechanisms offered: PLAIN, XOAUTH2, OAUTHBEARER
	Token      string   // the bearer token accepted at first
}

// Start starts a server with the mailboxes INBOX and Replies of User,
// stopped when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	if o.StartTLS && (o.NoIdle || o.NoKeywords) {
		t.Fatal("noIdle needs imaps: with STARTTLS the wrapper cannot read the capabilities")
	}
	s := &Server{t: t, Cert: NewCert(t), mem: imapmemserver.New(), noIdle: o.NoIdle, noKeys: o.NoKeywords, mechs: o.Mechs, token: o.Token, implicit: !o.StartTLS}
	s.user = imapmemserver.NewUser(User, Password)
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
	if o.StartTLS {
		opts.TLSConfig = s.Cert.Server
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
	s.Addr = ln.Addr().String()
	if s.implicit {
		ln = tls.NewListener(ln, s.Cert.Server)
	}
	// Above TLS when implicit; with STARTTLS the wrapper sees the
	// encrypted bytes, so noIdle and sawIdle need imaps.
	go s.srv.Serve(&wrapListener{Listener: ln, s: s})
	t.Cleanup(func() { s.srv.Close() })
	return s
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// URL is the FOCALBOT_IMAP_URL of mailbox mbox.
func (s *Server) URL(mbox string) string {
	scheme := "imap"
	if s.implicit {
		scheme = "imaps"
	}
	return fmt.Sprintf("%s://secretariat%%40example.org@%s/%s", scheme, s.Addr, mbox)
}

// Backend is the server as a mail server and a person see it.
func (s *Server) Backend() Backend {
	return Backend{URL: s.URL, TLS: s.Cert.Client, Password: Password, Implicit: s.implicit, Addr: s.Addr}
}

// SetToken makes tok the one bearer token the server accepts.
func (s *Server) SetToken(tok string) {
	s.mu.Lock()
	s.token = tok
	s.mu.Unlock()
}

// Mechanisms are the ways clients logged in, in order: LOGIN, PLAIN,
// OAUTHBEARER or XOAUTH2.
func (s *Server) Mechanisms() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.used)
}

// DropAll closes every connection, as a server restart would.
func (s *Server) DropAll() {
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
	s *Server
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
	s *Server
}

func (c *wrapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if bytes.Contains(p[:n], []byte(" IDLE\r\n")) {
		c.s.sawIdle.Store(true)
	}
	return n, err
}

func (c *wrapConn) Write(p []byte) (int, error) {
	q := p
	if c.s.noIdle && bytes.Contains(q, []byte("CAPABILITY")) {
		q = bytes.ReplaceAll(q, []byte(" IDLE"), nil)
	}
	if c.s.noKeys && bytes.Contains(q, []byte("PERMANENTFLAGS")) {
		q = bytes.ReplaceAll(bytes.ReplaceAll(q, []byte(` \*)`), []byte(")")), []byte(`(\*)`), []byte("()"))
	}
	if _, err := c.Conn.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// memSession is a memory-server session that logs in by password, PLAIN,
// OAUTHBEARER or XOAUTH2.
type memSession struct {
	*imapmemserver.UserSession
	s *Server
}

func (m *memSession) Login(user, password string) error {
	if user != User || password != Password {
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
	ok := user == User && m.s.token != "" && token == m.s.token
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
type Backend struct {
	URL      func(mbox string) string // FOCALBOT_IMAP_URL of a mailbox
	Addr     string
	Implicit bool // imaps, else STARTTLS
	TLS      *tls.Config
	Password string
}

// Client is another client of the mailbox: the mail server delivering, or
// a person reading.
func (b Backend) Client(t testing.TB) *imapclient.Client {
	t.Helper()
	opts := &imapclient.Options{TLSConfig: b.TLS}
	var (
		c   *imapclient.Client
		err error
	)
	if b.Implicit {
		c, err = imapclient.DialTLS(b.Addr, opts)
	} else {
		c, err = imapclient.DialStartTLS(b.Addr, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(User, b.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// Deliver appends messages to mbox, as the mail server does.
func (b Backend) Deliver(t testing.TB, mbox string, flags []imap.Flag, msgs ...[]byte) {
	t.Helper()
	c := b.Client(t)
	defer c.Close()
	// Pipelined, 64 at a time (both servers offer LITERAL+).
	for len(msgs) > 0 {
		n := min(len(msgs), 64)
		var cmds []*imapclient.AppendCommand
		for _, m := range msgs[:n] {
			cmd := c.Append(mbox, int64(len(m)), &imap.AppendOptions{Flags: flags})
			if _, err := cmd.Write(m); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Close(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if _, err := cmd.Wait(); err != nil {
				t.Fatal(err)
			}
		}
		msgs = msgs[n:]
	}
	c.Logout().Wait()
}

// Flags are the flags of every message of mbox, by Message-ID.
func (b Backend) Flags(t testing.TB, mbox string) map[string][]imap.Flag {
	t.Helper()
	c := b.Client(t)
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
		out[MessageID(m.FindBodySection(sect))] = m.Flags
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

// MarkSeen sets \Seen on the message id, as a person reading it does.
func (b Backend) MarkSeen(t testing.TB, mbox, id string) {
	t.Helper()
	c := b.Client(t)
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

// Expunge deletes every message of mbox, for a benchmark's next run.
func (b Backend) Expunge(t testing.TB, mbox string) {
	t.Helper()
	c := b.Client(t)
	defer c.Close()
	if _, err := c.Select(mbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	all := imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}} // 1:*
	if err := c.Store(all, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
}

// MessageID is the Message-ID of a raw message, without its angle brackets.
func MessageID(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(append(raw, '\r', '\n')))
	if err != nil {
		return ""
	}
	return strings.Trim(m.Header.Get("Message-ID"), "<>")
}

// SawIdle reports whether a client sent IDLE (implicit TLS only).
func (s *Server) SawIdle() bool { return s.sawIdle.Load() }

// Reply is a small message with that Message-ID, as a calendar reply
// would come, without its calendar.
func Reply(id string) []byte {
	return []byte("From: Ama Kouassi <ama@example.gh>\r\n" +
		"To: secretariat@example.org\r\n" +
		"Subject: Accepted: Annual Meeting\r\n" +
		"Message-ID: <" + id + ">\r\n" +
		"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Accepted " + id + "\r\n")
}

package mail

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sender delivers composed messages: from is the envelope sender, to the
// envelope recipients, msg the RFC 5322 bytes made by Compose.
type Sender interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

var (
	_ Sender = (*SMTP)(nil)
	_ Sender = (*Dir)(nil)
)

// SMTP delivers messages to one SMTP server. It keeps its connections open
// and reuses them across sends, reconnecting when the server has dropped one,
// and is safe for concurrent use: up to a few sends (three unless the URL
// says ?connections=N) run at once, each on a connection of its own, so that
// one message's round trips overlap another's. A
// transaction the server refused half-way (a 550 for one recipient) is
// followed by RSET before the next; a completed one needs none, since the
// end of DATA already clears the server's state (RFC 5321 4.1.1.4), and
// go-smtp follows each RSET with a new EHLO, two round trips per message.
//
// When the server offers PIPELINING and CHUNKING (RFC 2920, RFC 3030), as
// Postfix, Exchange and go-smtp's server do, a message goes as one write
// (MAIL FROM, RCPT TO, BDAT with the message) and one round trip
// (pipeline.go); else through go-smtp's DATA, a round trip per command.
type SMTP struct {
	addr        string // host:port
	host        string
	implicitTLS bool
	requireTLS  bool
	user, pass  string
	tlsConfig   *tls.Config
	localName   string
	timeout     time.Duration // 0: go-smtp's RFC 5321 command timeouts
	redacted    string

	slots chan struct{}  // one per connection in use: at most cap(slots) sends at once
	idle  chan *smtpConn // open connections not in use
}

// DefaultConnections is how many connections an SMTP sender opens at most,
// unless its URL says otherwise: enough to overlap the round trips of one
// message with the work on the next, and no more than submission servers
// allow (Exchange Online takes three per mailbox and answers a fourth with
// "432 4.3.2 concurrent connection limit exceeded", a temporary error).
const DefaultConnections = 3

// maxConnections bounds ?connections=N.
const maxConnections = 16

// smtpConn is an open, greeted (and, where possible, encrypted and
// authenticated) session.
type smtpConn struct {
	c     *smtp.Client
	raw   net.Conn
	pipe  *pipeline // sends the transactions when the server pipelines (pipeline.go), else nil
	dirty bool      // the last transaction failed half-way: RSET before the next
	used  time.Time // when the last transaction ended
}

// peekIdle is how long a pipelining connection may have been idle before
// it is looked at (stillOpen) ahead of the next message.
const peekIdle = time.Second

// SMTPOption changes how an SMTP sender connects.
type SMTPOption func(*SMTP)

// WithTLSConfig sets the TLS configuration, for example RootCAs holding a
// private or test CA. Its ServerName defaults to the URL's host. Verification
// stays on unless cfg turns it off.
func WithTLSConfig(cfg *tls.Config) SMTPOption {
	return func(s *SMTP) { s.tlsConfig = cfg.Clone() }
}

// WithLocalName sets the name sent in EHLO (default "localhost").
func WithLocalName(name string) SMTPOption {
	return func(s *SMTP) { s.localName = name }
}

// WithTimeout bounds connecting and each SMTP command, the final reply to
// DATA included (default: 30 s to connect, go-smtp's RFC 5321 timeouts for
// commands). A context deadline given to Send applies as well.
func WithTimeout(d time.Duration) SMTPOption {
	return func(s *SMTP) { s.timeout = d }
}

// NewSMTP returns a sender for a URL of the form
//
//	smtp://[user:password@]host[:port][?starttls=required]   (port 587 by default)
//	smtps://[user:password@]host[:port]                       (implicit TLS, port 465 by default)
//
// and ?connections=N (1 to 16, default 3) sets how many connections carry
// messages at once.
//
// Over smtp:// the connection is upgraded with STARTTLS whenever the server
// offers it, and ?starttls=required refuses to send when it does not. With a
// user (user and password percent-encoded), AUTH PLAIN is used, only over
// TLS unless the host is loopback. Certificates are verified unless a
// WithTLSConfig option says otherwise.
// NewSMTP does not connect; a malformed URL is an error that names the
// problem and never shows the password.
func NewSMTP(rawURL string, opts ...SMTPOption) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole URL, password included
		}
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	redacted := u.Redacted()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("smtp url %s: %s", redacted, fmt.Sprintf(format, args...))
	}

	s := &SMTP{localName: "localhost", redacted: redacted}
	conns := DefaultConnections
	port := ""
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		port = "587"
	case "smtps":
		port, s.implicitTLS = "465", true
	default:
		return nil, bad("scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, bad("no host (write smtp://host:port)")
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, bad("no host (write smtp://host:port)")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, bad("port %q is not a number from 1 to 65535", p)
		}
		port = p
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.Path != "" && u.Path != "/" {
		return nil, bad("unexpected path %q", u.Path)
	}
	for k, v := range u.Query() {
		switch {
		case k == "starttls" && s.implicitTLS:
			return nil, bad("starttls does not apply to smtps, which is TLS from the start")
		case k == "starttls" && len(v) == 1 && v[0] == "required":
			s.requireTLS = true
		case k == "starttls" && len(v) == 1 && v[0] == "opportunistic":
		case k == "starttls":
			return nil, bad("starttls must be required or opportunistic, not %q", strings.Join(v, ","))
		case k == "connections":
			n, err := strconv.Atoi(strings.Join(v, ","))
			if err != nil || n < 1 || n > maxConnections {
				return nil, bad("connections must be a number from 1 to %d, not %q", maxConnections, strings.Join(v, ","))
			}
			conns = n
		default:
			return nil, bad("unknown parameter %q (only starttls and connections)", k)
		}
	}
	s.slots, s.idle = make(chan struct{}, conns), make(chan *smtpConn, conns)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}

	for _, o := range opts {
		o(s)
	}
	if s.tlsConfig == nil {
		s.tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.tlsConfig.ServerName == "" {
		s.tlsConfig.ServerName = s.host
	}
	return s, nil
}

// String returns the server's URL with the password replaced by "xxxxx".
func (s *SMTP) String() string { return s.redacted }

// Send delivers msg to the recipients in to. It reuses an open connection;
// when the server has dropped it, Send connects again and retries once, but
// only when the server cannot have taken the message. Permanent tells the
// errors a retry would repeat, such as a 5xx reply (550 for an unknown
// recipient), from the others, such as a 4xx reply or a connection failure.
func (s *SMTP) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if len(to) == 0 {
		return permanent(fmt.Errorf("send via %s: no recipients", s.redacted))
	}
	for _, a := range append([]string{from}, to...) {
		if strings.ContainsAny(a, "\r\n<>") {
			return permanent(fmt.Errorf("send via %s: malformed envelope address %q", s.redacted, a))
		}
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("send via %s: %w", s.redacted, ctx.Err())
	}
	defer func() { <-s.slots }()
	var sc *smtpConn
	select {
	case sc = <-s.idle:
	default:
	}
	sc, err := s.send(ctx, sc, from, to, msg)
	if sc != nil {
		s.idle <- sc // never blocks: every open connection holds a slot while in use
	}
	if err != nil {
		return fmt.Errorf("send via %s: %w", s.redacted, err)
	}
	return nil
}

// send runs one transaction on sc, or on a new connection when sc is nil,
// and returns the connection to keep (nil when it was closed).
func (s *SMTP) send(ctx context.Context, sc *smtpConn, from string, to []string, msg []byte) (*smtpConn, error) {
	reused := sc != nil
	if reused && sc.pipe != nil && (sc.pipe.r.R.Buffered() > 0 || time.Since(sc.used) >= peekIdle && !stillOpen(sc.raw)) {
		// Closed by the server while idle (a timeout, a restart): found
		// before the whole message is written. A connection used less
		// than peekIdle ago is not looked at: if the server has closed it
		// since, the transaction meets the clean end before any reply
		// and goes on a new connection all the same (pipeline.go).
		sc.c.Close()
		sc, reused = nil, false
	}
	if !reused {
		var err error
		if sc, err = s.connect(ctx); err != nil {
			return nil, err
		}
	}
	sc, started, err := s.transact(ctx, sc, from, to, msg)
	if sc != nil {
		sc.used = time.Now()
	}
	if err != nil && reused && !started && sc == nil && ctx.Err() == nil {
		// The kept connection had gone stale before the server took anything.
		if sc, err = s.connect(ctx); err != nil {
			return nil, err
		}
		sc, _, err = s.transact(ctx, sc, from, to, msg)
		if sc != nil {
			sc.used = time.Now()
		}
	}
	return sc, err
}

// transact runs one mail transaction on sc and returns the connection to
// keep. started tells whether the server accepted MAIL FROM, after which a
// retry could deliver twice. A failure that leaves the connection unusable
// closes it, and keep is nil.
func (s *SMTP) transact(ctx context.Context, sc *smtpConn, from string, to []string, msg []byte) (keep *smtpConn, started bool, err error) {
	keep = sc
	broken := false // the pipelined session is out of step or gone
	stop := context.AfterFunc(ctx, func() { sc.raw.Close() })
	defer func() {
		if !stop() { // ctx ended and closed the connection under us
			keep = nil
			if err != nil {
				err = fmt.Errorf("%w (%v)", ctx.Err(), err)
			}
			return
		}
		if err == nil {
			return
		}
		var se *smtp.SMTPError
		if !broken && errors.As(err, &se) && se.Code != 421 {
			sc.dirty = true
			return
		}
		sc.c.Close()
		keep = nil
	}()

	if sc.pipe != nil {
		if sc.dirty {
			if err := sc.pipe.reset(); err != nil {
				return keep, false, fmt.Errorf("rset: %w", err)
			}
			sc.dirty = false
		}
		r := sc.pipe.transact(from, to, msg)
		broken = r.broken
		if r.broken && r.err == nil {
			sc.c.Close()
			keep = nil
		}
		return keep, r.started, r.err
	}

	if sc.dirty {
		if err := sc.c.Reset(); err != nil {
			return keep, false, fmt.Errorf("rset: %w", err)
		}
		sc.dirty = false
	}
	var opts *smtp.MailOptions
	if !isASCII(from) || !isASCII(strings.Join(to, "")) {
		opts = &smtp.MailOptions{UTF8: true}
	}
	if err := sc.c.Mail(from, opts); err != nil {
		return keep, false, fmt.Errorf("mail from: %w", err)
	}
	for _, rcpt := range to {
		if err := sc.c.Rcpt(rcpt, nil); err != nil {
			return keep, true, fmt.Errorf("rcpt to %s: %w", rcpt, err)
		}
	}
	w, err := sc.c.Data()
	if err != nil {
		return keep, true, fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return keep, true, fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return keep, true, fmt.Errorf("data: %w", err)
	}
	return keep, true, nil
}

// connect opens a session: TCP (or TLS for smtps), EHLO, STARTTLS when the
// server offers it, and AUTH PLAIN when the URL has a user.
//
// go-smtp cannot upgrade a session it has greeted without asking for
// STARTTLS, so when a server offers STARTTLS the first connection only
// learns that, and a second one is opened with it: one extra connection per
// reconnect, not per message.
func (s *SMTP) connect(ctx context.Context) (*smtpConn, error) {
	sc, offered, err := s.open(ctx, false)
	if err == nil && offered {
		_ = sc.c.Quit()
		sc, _, err = s.open(ctx, true)
	}
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// open dials, greets, upgrades with STARTTLS when startTLS is set and
// authenticates, unless the server offers STARTTLS that was not asked for:
// then it returns the greeted session with offered set and does not
// authenticate, so no password goes out before TLS.
func (s *SMTP) open(ctx context.Context, startTLS bool) (sc *smtpConn, offered bool, err error) {
	raw, err := s.dial(ctx)
	if err != nil {
		return nil, false, err
	}
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer func() {
		if !stop() { // ctx ended and closed the connection
			if err != nil {
				err = fmt.Errorf("connect: %w (%v)", ctx.Err(), err)
			} else {
				err = fmt.Errorf("connect: %w", ctx.Err())
			}
		}
		if err != nil {
			raw.Close()
			sc = nil
		}
	}()

	var c *smtp.Client
	conn := raw // what go-smtp writes to, and pipelined transactions too
	if startTLS {
		if conn, err = s.startTLS(ctx, raw); err != nil {
			return nil, false, err
		}
	}
	c = smtp.NewClient(conn)
	if s.timeout > 0 {
		c.CommandTimeout, c.SubmissionTimeout = s.timeout, s.timeout
	}
	if err := c.Hello(s.localName); err != nil {
		return nil, false, fmt.Errorf("ehlo: %w", err)
	}
	sc = &smtpConn{c: c, raw: raw, pipe: newPipeline(c, conn)}
	if !s.implicitTLS && !startTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			return sc, true, nil
		}
		if s.requireTLS {
			return nil, false, permanent(errors.New("server does not offer STARTTLS, which starttls=required insists on"))
		}
		if s.user != "" && !isLoopback(s.host) {
			return nil, false, permanent(errors.New("server offers no TLS; refusing to send the password in clear"))
		}
	}
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.pass)); err != nil {
			return nil, false, fmt.Errorf("auth plain as %s: %w", s.user, err)
		}
	}
	return sc, false, nil
}

// startTLS greets the server on raw, asks for STARTTLS and does the TLS
// handshake, and returns the TLS connection for go-smtp to carry on: EHLO
// again (RFC 3207 §4.2), AUTH, the transactions, QUIT.
//
// go-smtp's own STARTTLS (NewClientStartTLS) keeps the TLS connection to
// itself, and pipelined transactions must write to it: so the three
// commands before TLS are sent here, and go-smtp's client, which starts by
// reading the greeting, is handed the server's greeting again in front of
// the TLS connection.
func (s *SMTP) startTLS(ctx context.Context, raw net.Conn) (net.Conn, error) {
	if strings.ContainsAny(s.localName, "\r\n") {
		return nil, errors.New("ehlo: smtp: a line must not contain CR or LF") // as go-smtp's Hello says
	}
	timeout := s.timeout
	if timeout == 0 {
		timeout = 5 * time.Minute // go-smtp's CommandTimeout
	}
	_ = raw.SetDeadline(time.Now().Add(timeout))
	defer func() { _ = raw.SetDeadline(time.Time{}) }()
	r := textproto.NewReader(bufio.NewReaderSize(&limitReader{r: raw, n: maxReplies}, 1024))
	reply := func(what string, expect int) (string, error) {
		_, msg, err := r.ReadResponse(expect)
		var pe *textproto.Error
		if errors.As(err, &pe) {
			err = smtpError(pe)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		return msg, nil
	}
	greeting, err := reply("greeting", 220)
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintf(raw, "EHLO %s\r\n", s.localName); err != nil {
		return nil, fmt.Errorf("ehlo: %w", err)
	}
	ehlo, err := reply("ehlo", 250)
	if err != nil {
		return nil, err
	}
	offered := false
	for _, line := range strings.Split(ehlo, "\n")[1:] {
		if kw, _, _ := strings.Cut(line, " "); strings.EqualFold(kw, "STARTTLS") {
			offered = true
		}
	}
	if !offered {
		return nil, errors.New("starttls: smtp: server doesn't support STARTTLS")
	}
	if _, err := io.WriteString(raw, "STARTTLS\r\n"); err != nil {
		return nil, fmt.Errorf("starttls: %w", err)
	}
	if _, err := reply("starttls", 220); err != nil {
		return nil, err
	}
	if r.R.Buffered() > 0 {
		return nil, errors.New("starttls: smtp: the server spoke before the TLS handshake")
	}
	tc := tls.Client(raw, s.tlsConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("starttls: %w", err)
	}
	greeting, _, _ = strings.Cut(greeting, "\n")
	return &greetedConn{Conn: tc, greeting: []byte("220 " + greeting + "\r\n")}, nil
}

// greetedConn is a TLS connection that reads first the greeting its server
// sent before TLS, for go-smtp's client to start from.
type greetedConn struct {
	*tls.Conn
	greeting []byte
}

func (c *greetedConn) Read(b []byte) (int, error) {
	if len(c.greeting) > 0 {
		n := copy(b, c.greeting)
		c.greeting = c.greeting[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}

func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{Timeout: 30 * time.Second}
	if s.timeout > 0 {
		d.Timeout = s.timeout
	}
	var (
		raw net.Conn
		err error
	)
	if s.implicitTLS {
		raw, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig}).DialContext(ctx, "tcp", s.addr)
	} else {
		raw, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return nil, err // "dial tcp host:port: connect: connection refused"
	}
	return raw, nil
}

// Close waits for the sends under way and ends the open connections with
// QUIT. A later Send connects again.
func (s *SMTP) Close() error {
	for range cap(s.slots) {
		s.slots <- struct{}{}
	}
	defer func() {
		for range cap(s.slots) {
			<-s.slots
		}
	}()
	var errs []error
	for {
		select {
		case sc := <-s.idle:
			if err := sc.c.Quit(); err != nil {
				sc.c.Close()
				errs = append(errs, fmt.Errorf("quit %s: %w", s.redacted, err))
			}
		default:
			return errors.Join(errs...)
		}
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

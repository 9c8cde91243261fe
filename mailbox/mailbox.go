// Package mailbox receives mail from an IMAP mailbox and hands each message
// to an Ingester: it logs in (a password, or an OAuth2 bearer token by
// XOAUTH2 or OAUTHBEARER), waits for new mail with IDLE where the server
// offers it and polls otherwise, and reconnects with backoff.
//
// The state of what was handled lives on the server, never here: a message
// is flagged \Seen and $Focalbot (or moved to a done folder) only after
// Ingest returned nil, that is after its effect was committed. Every scan
// asks the server for the messages without the keyword, so a restart skips
// none, a human reading the mailbox (which sets \Seen) hides none, and a
// new UIDVALIDITY loses nothing. A message whose effect was committed but
// whose flag was lost (a crash between the two, a mailbox rebuilt without
// its keywords) is handed over again: the Ingester must give a repeat no
// second effect.
//
// The package knows IMAP and nothing of what a message means.
package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// Keyword marks a message whose effect was committed.
const Keyword imap.Flag = "$Focalbot"

// Via is what the Ingester is told about where a message came from.
const Via = "imap"

// Ingester takes one raw RFC 5322 message. It returns an error only when
// the message could not be stored (it is then left unflagged and tried
// again); a message it handled or deliberately ignored returns nil. A
// message given twice must have no second effect.
type Ingester interface {
	Ingest(ctx context.Context, raw []byte, via string) error
}

// IngestFunc makes a function an Ingester.
type IngestFunc func(ctx context.Context, raw []byte, via string) error

// Ingest calls f.
func (f IngestFunc) Ingest(ctx context.Context, raw []byte, via string) error {
	return f(ctx, raw, via)
}

// Config says which mailbox to watch and how to log in.
type Config struct {
	// URL is imaps://user@host[:port]/Mailbox (TLS from the start, port
	// 993 by default) or imap://user@host[:port]/Mailbox (STARTTLS,
	// required; port 143). The user may be percent-encoded
	// (secretariat%40example.org); the mailbox defaults to INBOX.
	URL string
	// Password logs in with LOGIN (or AUTHENTICATE PLAIN).
	Password string
	// TokenFile holds an OAuth2 access token, read again at every login so
	// that a refresher can replace it; used with OAUTHBEARER or XOAUTH2,
	// whichever the server offers.
	TokenFile string
	// Poll is how often to look for new mail when the server has no IDLE,
	// and how soon a message whose Ingest failed is tried again. Default 1m.
	Poll time.Duration
	// Done, when set, is the folder handled messages are moved to.
	Done string
	// CAFile is a PEM file of the certificates to trust instead of the
	// system's roots (a private CA).
	CAFile string
	// TLS is the TLS configuration; nil uses the system's roots (or
	// CAFile's).
	TLS *tls.Config
	// Backoff is the first wait before reconnecting (default 1s); it
	// doubles up to MaxBackoff (default 2m).
	Backoff, MaxBackoff time.Duration
	// Batch is how many messages are fetched at once (default 32).
	Batch int
}

// Target is a parsed Config.URL.
type Target struct {
	Addr     string // host:port
	Host     string
	Port     int
	User     string
	Mailbox  string
	Implicit bool // imaps: TLS from the start; else STARTTLS
}

// ParseURL reads an IMAP URL as Config.URL describes it. Its error says
// what to write instead.
func ParseURL(s string) (Target, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Hostname() == "" {
		return Target{}, errors.New("not an IMAP URL (write imaps://user@mail.example.org/INBOX, or imap://… for STARTTLS)")
	}
	if u.User == nil || u.User.Username() == "" {
		return Target{}, errors.New("no user: write it before the host, imaps://secretariat%40example.org@mail.example.org/INBOX")
	}
	if _, ok := u.User.Password(); ok {
		return Target{}, errors.New("a password in the URL: take it out and set FOCALBOT_IMAP_PASSWORD_FILE (or FOCALBOT_IMAP_PASSWORD) instead")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return Target{}, errors.New("the URL takes no ?query or #fragment")
	}
	t := Target{Host: u.Hostname(), User: u.User.Username(), Implicit: u.Scheme == "imaps"}
	t.Port = 143
	if t.Implicit {
		t.Port = 993
	}
	if p := u.Port(); p != "" {
		if _, err := fmt.Sscan(p, &t.Port); err != nil || t.Port <= 0 || t.Port > 65535 {
			return Target{}, fmt.Errorf("port %q is not a port number", p)
		}
	}
	t.Addr = net.JoinHostPort(t.Host, fmt.Sprint(t.Port))
	t.Mailbox = strings.Trim(u.Path, "/")
	if t.Mailbox == "" {
		t.Mailbox = "INBOX"
	}
	return t, nil
}

// Watcher watches one mailbox. Run it once; Ready may be called from any
// goroutine.
type Watcher struct {
	cfg    Config
	target Target
	ing    Ingester
	log    *slog.Logger

	scans atomic.Int64 // scans completed, every message of each handed over

	mu          sync.Mutex
	state       error  // nil when connected and watching
	uidValidity uint32 // of the last session, to log a change
}

// New checks cfg and makes a Watcher; it does not connect yet.
func New(cfg Config, ing Ingester, log *slog.Logger) (*Watcher, error) {
	t, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if (cfg.Password == "") == (cfg.TokenFile == "") {
		return nil, errors.New("give either a password or a token file")
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Minute
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 2 * time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 32
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.CAFile != "" && cfg.TLS == nil {
		b, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read the certificates to trust: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%s holds no PEM certificate", cfg.CAFile)
		}
		cfg.TLS = &tls.Config{RootCAs: pool}
	}
	return &Watcher{cfg: cfg, target: t, ing: ing, log: log, state: errNotConnected}, nil
}

var errNotConnected = errors.New("imap: not connected yet")

// shutdownGrace is how long a stopped watcher may take to flag the
// messages of the batch it was ingesting.
const shutdownGrace = 2 * time.Second

// Ready is nil while the watcher is connected to its mailbox, else why not.
func (w *Watcher) Ready() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

func (w *Watcher) setState(err error) {
	w.mu.Lock()
	w.state = err
	w.mu.Unlock()
}

// Run watches the mailbox until ctx is done, reconnecting after every
// failure: after a wait that doubles from Config.Backoff up to
// MaxBackoff, reset by a session that lasted a minute. It returns nil when
// ctx is done.
func (w *Watcher) Run(ctx context.Context) error {
	wait := w.cfg.Backoff
	w.log.Info("imap: watching", "host", w.target.Addr, "user", w.target.User, "mailbox", w.target.Mailbox)
	for {
		start := time.Now()
		err := w.session(ctx)
		if ctx.Err() != nil {
			w.setState(errors.New("imap: stopped"))
			return nil
		}
		w.setState(fmt.Errorf("imap: %w", err))
		if time.Since(start) > time.Minute {
			wait = w.cfg.Backoff
		}
		w.log.Warn("imap: disconnected; connecting again", "err", err, "in", wait.String())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			w.setState(errors.New("imap: stopped"))
			return nil
		case <-t.C:
		}
		wait = min(2*wait, w.cfg.MaxBackoff)
	}
}

// session is one connection: log in, select, then scan and wait until
// something fails or ctx is done.
func (w *Watcher) session(ctx context.Context) error {
	newMail := make(chan struct{}, 1)
	opts := &imapclient.Options{
		TLSConfig: w.tlsConfig(),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	c, err := w.dial(ctx, opts)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", w.target.Addr, err)
	}
	defer c.Close()
	// Stopped, the session leaves at once while it waits; in a batch it
	// first flags what was ingested, which it has shutdownGrace for
	// before the connection is cut under it.
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(shutdownGrace, func() { c.Close() }) })
	defer stop()

	if err := w.login(c); err != nil {
		return err
	}
	sel, err := c.Select(w.target.Mailbox, nil).Wait()
	if err != nil {
		return fmt.Errorf("select %s: %w", w.target.Mailbox, err)
	}
	w.mu.Lock()
	prev := w.uidValidity
	w.uidValidity = sel.UIDValidity
	w.mu.Unlock()
	if prev != 0 && prev != sel.UIDValidity {
		w.log.Warn("imap: the mailbox's UIDVALIDITY changed; every message without the keyword is read again",
			"mailbox", w.target.Mailbox, "was", prev, "now", sel.UIDValidity)
	}
	keyword := hasFlag(sel.PermanentFlags, imap.FlagWildcard) || hasFlag(sel.PermanentFlags, Keyword)
	if !keyword && w.cfg.Done == "" {
		return fmt.Errorf("the server does not keep the keyword %s in %s: set FOCALBOT_IMAP_DONE to a folder to move handled messages to", Keyword, w.target.Mailbox)
	}
	caps := c.Caps()
	idle := caps.Has(imap.CapIdle) || caps.Has(imap.CapIMAP4rev2)
	w.setState(nil)
	w.log.Info("imap: connected", "mailbox", w.target.Mailbox, "messages", sel.NumMessages, "idle", idle)

	for {
		if err := w.scan(ctx, c, keyword); err != nil {
			return err
		}
		if err := w.wait(ctx, c, idle, newMail); err != nil {
			return err
		}
	}
}

// dial connects, with TLS from the start (imaps) or by STARTTLS, giving
// up when ctx is done.
func (w *Watcher) dial(ctx context.Context, opts *imapclient.Options) (*imapclient.Client, error) {
	conn, err := (&net.Dialer{Timeout: 30 * time.Second}).DialContext(ctx, "tcp", w.target.Addr)
	if err != nil {
		return nil, err
	}
	if !w.target.Implicit {
		c, err := imapclient.NewStartTLS(conn, opts)
		if err != nil {
			conn.Close()
		}
		return c, err
	}
	cfg := opts.TLSConfig.Clone()
	cfg.NextProtos = []string{"imap"}
	tc := tls.Client(conn, cfg)
	hctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, err
	}
	return imapclient.New(tc, opts), nil
}

// hasFlag reports whether flags has f; flags and keywords are
// case-insensitive (RFC 9051, 2.3.2), and servers change their case.
func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	return slices.ContainsFunc(flags, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(f)) })
}

func (w *Watcher) tlsConfig() *tls.Config {
	cfg := &tls.Config{}
	if w.cfg.TLS != nil {
		cfg = w.cfg.TLS.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = w.target.Host
	}
	return cfg
}

// login authenticates with the password, or with the bearer token read
// from its file now, by OAUTHBEARER or else XOAUTH2, as the server offers.
func (w *Watcher) login(c *imapclient.Client) error {
	if w.cfg.TokenFile == "" {
		if err := c.Login(w.target.User, w.cfg.Password).Wait(); err != nil {
			return fmt.Errorf("log in as %s with the password: %w", w.target.User, err)
		}
		return nil
	}
	b, err := os.ReadFile(w.cfg.TokenFile)
	if err != nil {
		return fmt.Errorf("read the token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return fmt.Errorf("the token file %s is empty", w.cfg.TokenFile)
	}
	caps := c.Caps()
	var client sasl.Client
	switch {
	case caps.Has("AUTH=OAUTHBEARER"):
		client = sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: w.target.User, Token: token, Host: w.target.Host, Port: w.target.Port})
	case caps.Has("AUTH=XOAUTH2"):
		client = xoauth2{user: w.target.User, token: token}
	default:
		return errors.New("the server offers neither OAUTHBEARER nor XOAUTH2: log in with a password instead")
	}
	mech, _, _ := client.Start()
	if err := c.Authenticate(client); err != nil {
		return fmt.Errorf("log in as %s with %s: %w", w.target.User, mech, err)
	}
	return nil
}

// xoauth2 is Google's and Microsoft's SASL XOAUTH2: the user and the
// bearer token in the initial response; on failure the server sends a JSON
// challenge, answered empty so that it ends the exchange with NO.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (x xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

// wait waits for new mail (IDLE) or the poll interval, or ctx.
func (w *Watcher) wait(ctx context.Context, c *imapclient.Client, idle bool, newMail <-chan struct{}) error {
	t := time.NewTimer(w.cfg.Poll)
	defer t.Stop()
	if !idle {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.Closed():
			return errors.New("the server closed the connection")
		case <-t.C:
		}
		if err := c.Noop().Wait(); err != nil {
			return fmt.Errorf("noop: %w", err)
		}
		return nil
	}
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-c.Closed():
	case <-newMail:
	case <-t.C:
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	return nil
}

// scan hands over every message not yet handled, oldest first, and flags
// (or moves) each one whose Ingest returned nil.
func (w *Watcher) scan(ctx context.Context, c *imapclient.Client, keyword bool) error {
	criteria := &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}
	if keyword && w.cfg.Done == "" { // with a done folder, what is left here is still to move
		criteria.NotFlag = append(criteria.NotFlag, Keyword)
	}
	found, err := c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	uids := found.AllUIDs()
	slices.Sort(uids)
	for len(uids) > 0 {
		n := min(len(uids), w.cfg.Batch)
		if err := w.batch(ctx, c, uids[:n], keyword); err != nil {
			return err
		}
		uids = uids[n:]
	}
	w.scans.Add(1)
	return nil
}

var whole = &imap.FetchItemBodySection{Peek: true}

func (w *Watcher) batch(ctx context.Context, c *imapclient.Client, uids []imap.UID, keyword bool) error {
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{whole},
	}).Collect()
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	flags := []imap.Flag{imap.FlagSeen}
	if keyword {
		flags = append(flags, Keyword)
	}
	var done imap.UIDSet
	for _, m := range msgs {
		if ctx.Err() != nil {
			break
		}
		if !hasFlag(m.Flags, Keyword) { // else handled, its move failed
			raw := m.FindBodySection(whole)
			if raw == nil {
				w.log.Warn("imap: the server sent no body; trying again later", "uid", m.UID)
				continue
			}
			if err := w.ing.Ingest(ctx, raw, Via); err != nil {
				if ctx.Err() != nil {
					break
				}
				w.log.Error("imap: message not stored; left unflagged, tried again later", "uid", m.UID, "err", err)
				continue
			}
		}
		done.AddNum(m.UID) // its effect is committed
	}
	// One STORE for the batch: a STORE for each message made the transport
	// three times slower (BENCHMARKS.md), and a crash before this line
	// hands at most one batch over again, each without a second effect.
	if len(done) > 0 {
		if err := c.Store(done, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close(); err != nil {
			return fmt.Errorf("flag: %w", err)
		}
	}
	if w.cfg.Done != "" && len(done) > 0 {
		if _, err := c.Move(done, w.cfg.Done).Wait(); err != nil {
			return fmt.Errorf("move to %s: %w", w.cfg.Done, err)
		}
	}
	return ctx.Err()
}

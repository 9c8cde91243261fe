// Command focalbot runs the day-to-day of a network of national focal points:
// a chat bot over a roster, with the console as its default transport.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"focalbot/bot"
	"focalbot/bot/console"
	"focalbot/bot/slack"
	"focalbot/clock"
	"focalbot/config"
	"focalbot/delivery"
	"focalbot/feed"
	"focalbot/mail"
	"focalbot/metrics"
	"focalbot/model"
	"focalbot/roster"
	"focalbot/scheduler"
	"focalbot/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{Args: os.Args[1:], Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	err := m.Run(ctx)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, new(usageError)):
		fmt.Fprintln(os.Stderr, "focalbot:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "focalbot:", err)
		os.Exit(1)
	}
}

// Main is the program, with everything it takes from the process passed
// in: main fills it from the command line, the environment and the standard
// streams, and the end-to-end tests fill it themselves, each test with its
// own environment. Nothing below Main reads the process's environment.
type Main struct {
	Args   []string            // the command line after the program's name
	Getenv func(string) string // the environment (os.Getenv in main); nil is an empty one
	Stdin  io.Reader           // nil reads nothing
	Stdout io.Writer           // nil discards
	Stderr io.Writer           // nil discards

	app *app // what the command opened; Close releases it
}

// Run runs the command that m.Args name until it is done or ctx is
// cancelled. What it opened (the database) stays open until Close, so that
// a test can look at it. A Main runs once.
func (m *Main) Run(ctx context.Context) error {
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Stderr == nil {
		m.Stderr = io.Discard
	}
	args := m.Args
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return m.serve(ctx, args)
	case "import":
		return m.importCSV(ctx, args)
	case "export":
		return m.export(ctx, args)
	case "version":
		if err := parse(flags("version", "focalbot version", m.Stderr), args); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "focalbot %s (%s)\n", version, runtime.Version())
		return nil
	case "help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q; run focalbot --help", cmd)}
}

// Close releases what Run opened. Call it once Run has returned.
func (m *Main) Close() error {
	if m.app == nil {
		return nil
	}
	a := m.app
	m.app = nil
	return a.store.Close()
}

// config reads the settings from m's environment.
func (m *Main) config() (config.Config, error) {
	getenv := m.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return config.Load(getenv)
}

// usageError is a mistake on the command line; it exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `focalbot runs the day-to-day of a network of national focal points.

Usage:
  focalbot [--as e-mail] [--now time]     chat with the bot (the console when no Slack credentials are set)
  focalbot import [--dry-run] file.csv    add or update people from a CSV file, all or nothing
  focalbot export                         write the roster as CSV to standard output
  focalbot version                        print the version
  focalbot <command> --help               explain one command

Settings come from the environment (see README.md), e.g. FOCALBOT_DB, FOCALBOT_DATA_DIR.
`

// flags returns a flag set that prints its own help to w.
func flags(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning mistakes into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// app is what every command opens: configuration, logger, clock and store.
type app struct {
	cfg   config.Config
	log   *slog.Logger
	clock clock.Clock
	zone  *time.Location
	store *storage.Store
}

// open opens the app with the settings cfg, logging to m.Stderr, and keeps
// it for Close. A command-line command (cli) and the console log only
// warnings and errors unless FOCALBOT_LOG_LEVEL asks for more: the terminal
// is for their answers. A nil clk is the system clock.
func (m *Main) open(ctx context.Context, cfg config.Config, clk clock.Clock, cli bool) (*app, error) {
	level := cfg.LogLevel
	if (cli || cfg.Mode() == config.ModeConsole) && !cfg.LogLevelSet && level < slog.LevelWarn {
		level = slog.LevelWarn // FOCALBOT_LOG_LEVEL=info or debug shows more
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(m.Stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(m.Stderr, opts)
	}
	log := slog.New(h)
	zone, _ := model.LoadZone(cfg.TimeZone) // validated by config.Load
	if clk == nil {
		clk = clock.System{}
	}
	store, err := storage.Open(ctx, cfg.DB, storage.Options{Clock: clk, Logger: log.With("component", "storage")})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := store.EnsureSecretariat(ctx, cfg.Secretariat); err != nil {
		store.Close()
		return nil, fmt.Errorf("bootstrap the secretariat: %w", err)
	}
	m.app = &app{cfg: cfg, log: log, clock: clk, zone: zone, store: store}
	return m.app, nil
}

// serve chats with the bot: on Slack when its settings are given, else in
// the console on m.Stdin and m.Stdout.
func (m *Main) serve(ctx context.Context, args []string) error {
	fs := flags("serve", "focalbot [--as e-mail] [--now time]", m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "%s\nFlags of the chat:\n", usage)
		fs.PrintDefaults()
	}
	as := fs.String("as", "", "in the console, who you are (an e-mail address; default: the first of FOCALBOT_SECRETARIAT)")
	now := fs.String("now", "", "start the bot's clock at this time (RFC 3339, e.g. 2012-08-01T09:00:00-04:00; without an offset, in FOCALBOT_TZ)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q; run focalbot --help", fs.Arg(0))}
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	var (
		clk clock.Clock
		sim *clock.Offset
	)
	if *now != "" {
		t, err := parseTime(*now, cfg.TimeZone)
		if err != nil {
			return usageError{err.Error()}
		}
		sim = clock.StartingAt(t)
		clk = sim
	}
	a, err := m.open(ctx, cfg, clk, false)
	if err != nil {
		return err
	}
	planner, disp, err := a.delivery(ctx)
	if err != nil {
		return err
	}
	met := metrics.New(a.store, nil)
	disp.Observer = met
	sched := &scheduler.Scheduler{Store: a.store, Clock: a.clock, Log: a.log.With("component", "scheduler"),
		Planner: planner, Zone: a.zone, Kick: disp.Kick, Observe: met.Tick}
	opts := []bot.Option{bot.WithDelivery(planner, disp.Kick), bot.WithFeeds(a.cfg.PublicURL)}
	if sim != nil && a.cfg.Mode() == config.ModeConsole {
		opts = append(opts, bot.WithSimulatedClock(sim, func(ctx context.Context, clk *clock.Offset, d time.Duration) (int, error) {
			return sched.Advance(ctx, clk, d, func(ctx context.Context) error {
				_, err := disp.Dispatch(ctx)
				return err
			})
		}))
	}
	engine := bot.New(a.store, a.clock, a.log, a.zone, opts...)
	var slackBot *slack.Transport
	ready := func(ctx context.Context) error {
		if err := a.store.Ready(ctx); err != nil {
			return err
		}
		if slackBot != nil {
			return slackBot.Ready()
		}
		return nil
	}
	site := a.site(planner.Organiser, met, ready)
	if a.cfg.Mode() != config.ModeConsole {
		if slackBot, err = newSlack(a, engine, site, met); err != nil {
			return err
		}
		disp.Senders[model.ChannelSlack] = slackBot // before the dispatcher runs
	}
	if a.serves() {
		stop, err := serveHTTP(ctx, a, site)
		if err != nil {
			return err
		}
		defer stop()
	}
	// Catch up on what fell due while the bot was not running, before serving.
	if err := sched.Tick(ctx); err != nil {
		a.log.Error("scheduler tick at start", "err", err)
	}
	dctx, stop := context.WithCancel(ctx)
	done := make(chan error, 2)
	go func() { done <- disp.Run(dctx, dispatchInterval) }()
	go func() { done <- sched.Run(dctx) }()
	defer func() {
		stop()
		<-done
		<-done
		// Send what the last commands queued before leaving, so that a
		// scripted console session leaves its messages in the outbox folder.
		if _, err := disp.Dispatch(context.WithoutCancel(ctx)); err != nil {
			a.log.Error("dispatch before exit", "err", err)
		}
	}()
	if slackBot != nil {
		return runSlack(ctx, a, slackBot)
	}

	email := model.NormalizeEmail(*as)
	if email == "" {
		email = a.cfg.ConsoleUser()
	}
	if email == "" {
		return usageError{"say who you are with --as you@example.org (or set FOCALBOT_SECRETARIAT)"}
	}
	if err := model.ValidateEmail(email); err != nil {
		return usageError{"--as: " + model.ErrorMessage(err)}
	}
	c := &console.Console{
		Handler:     engine,
		Caller:      bot.Caller{Email: email},
		In:          m.Stdin,
		Out:         m.Stdout,
		Interactive: isTerminal(m.Stdin),
	}
	return c.Run(ctx)
}

// dispatchInterval is how often the dispatcher looks for due messages when
// nothing kicks it: retries and messages due later.
const dispatchInterval = 15 * time.Second

// delivery sets up sending: e-mail over SMTP, or into <data dir>/outbox.
func (a *app) delivery(ctx context.Context) (delivery.Planner, *delivery.Dispatcher, error) {
	var (
		sender mail.Sender
		err    error
	)
	if u := a.cfg.SMTPURL.Value(); u != "" {
		sender, err = mail.NewSMTP(u)
	} else {
		sender, err = mail.NewDir(filepath.Join(a.cfg.DataDir, "outbox"))
	}
	if err != nil {
		return delivery.Planner{}, nil, fmt.Errorf("mail: %w", err)
	}
	if a.cfg.MailFrom == "" {
		return delivery.Planner{}, nil, errors.New("FOCALBOT_MAIL_FROM: set the organiser's e-mail address (FOCALBOT_SECRETARIAT has none)")
	}
	n, err := a.store.Network(ctx)
	if err != nil {
		return delivery.Planner{}, nil, err
	}
	name := a.cfg.MailFromName
	if name == "" {
		name = n.Secretariat
	}
	planner := delivery.Planner{
		Organiser: delivery.Organiser{Name: name, Email: a.cfg.MailFrom},
		Channels:  []model.Channel{model.ChannelEmail},
	}
	if a.cfg.Mode() != config.ModeConsole {
		planner.Channels = append(planner.Channels, model.ChannelSlack)
	}
	disp := &delivery.Dispatcher{
		Store:   a.store,
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: &delivery.Email{Mail: sender, Clock: a.clock}},
		Clock:   a.clock,
		Log:     a.log.With("component", "delivery"),
		Planner: planner,
		Zone:    a.zone,
	}
	return planner, disp, nil
}

// site is what focalbot's HTTP server serves besides Slack's requests:
// /healthz, /readyz and /metrics, and the calendar feeds when
// FOCALBOT_PUBLIC_URL is set.
func (a *app) site(org delivery.Organiser, met *metrics.Metrics, ready func(context.Context) error) http.Handler {
	mux := http.NewServeMux()
	if a.cfg.PublicURL != "" {
		mux.Handle("GET "+feed.Prefix, &feed.Handler{Store: a.store, Organiser: org, Clock: a.clock, Log: a.log.With("component", "feed")})
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", met.Handler())
	return mux
}

// serves reports whether focalbot runs an HTTP server of its own on
// FOCALBOT_HTTP_ADDR (over the HTTP Events API, the Slack transport serves
// the site there): in Socket Mode always, in the console when
// FOCALBOT_HTTP_ADDR is set or feeds are served.
func (a *app) serves() bool {
	switch a.cfg.Mode() {
	case config.ModeHTTP:
		return false
	case config.ModeSocket:
		return true
	}
	return a.cfg.HTTPAddrSet || a.cfg.PublicURL != ""
}

// serveHTTP serves the site on FOCALBOT_HTTP_ADDR until the returned
// function is called.
func serveHTTP(ctx context.Context, a *app, site http.Handler) (func(), error) {
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("FOCALBOT_HTTP_ADDR: cannot listen on %s: %w", a.cfg.HTTPAddr, err)
	}
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go srv.Serve(ln)
	a.log.Info("serving health and metrics", "addr", ln.Addr().String())
	if a.cfg.PublicURL != "" {
		a.log.Info("serving calendar feeds", "addr", ln.Addr().String(), "url", a.cfg.PublicURL+feed.Prefix)
	}
	return func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}, nil
}

// newSlack makes the Slack transport; it does not contact Slack yet. Over
// the HTTP Events API it also serves the site (health, metrics, feeds) on
// the same address. Its calls to Slack are counted by met.
func newSlack(a *app, engine *bot.Engine, site http.Handler, met *metrics.Metrics) (*slack.Transport, error) {
	var also http.Handler
	if a.cfg.Mode() == config.ModeHTTP {
		also = site
	}
	const workers = 16 // slack.Options' default: a kept connection to Slack for each
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = workers
	return slack.New(slack.Options{
		Also:          also,
		Workers:       workers,
		HTTPClient:    &http.Client{Timeout: 30 * time.Second, Transport: met.SlackTransport(tr)},
		Acks:          met.Acked,
		Handler:       engine,
		Deliveries:    a.store,
		Clock:         a.clock,
		Log:           a.log,
		BotToken:      a.cfg.SlackBotToken.Value(),
		AppToken:      a.cfg.SlackAppToken.Value(),
		SigningSecret: a.cfg.SlackSigningSecret.Value(),
		APIURL:        a.cfg.SlackAPIURL,
	})
}

// runSlack runs the transport in Socket Mode or over the HTTP Events API.
func runSlack(ctx context.Context, a *app, t *slack.Transport) error {
	if a.cfg.Mode() == config.ModeSocket {
		a.log.Info("starting on slack, socket mode")
		return t.RunSocketMode(ctx)
	}
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("FOCALBOT_HTTP_ADDR: cannot listen on %s: %w", a.cfg.HTTPAddr, err)
	}
	a.log.Info("starting on slack, http events api", "addr", ln.Addr().String())
	return t.Serve(ctx, ln)
}

// parseTime reads --now: RFC 3339 or a date-time with its offset, or a
// local date-time in the given zone, refused when that zone's clocks skip
// it or show it twice.
func parseTime(s, zone string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, model.WallOffsetLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	loc, err := model.LoadZone(zone)
	if err != nil {
		return time.Time{}, err
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if w, err := time.Parse(layout, s); err == nil {
			t, err := model.WallTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), loc)
			if err != nil {
				return time.Time{}, fmt.Errorf("--now: %s", model.ErrorMessage(err))
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--now: %q is not a time: use RFC 3339, e.g. 2012-08-01T09:00:00-04:00", s)
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// importCSV adds or updates the people of a CSV file, all or nothing.
func (m *Main) importCSV(ctx context.Context, args []string) error {
	stdout, stderr := m.Stdout, m.Stderr
	fs := flags("import", "focalbot import [--dry-run] file.csv", stderr)
	dry := fs.Bool("dry-run", false, "check the file and report what would change, without writing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"import takes one CSV file: focalbot import [--dry-run] file.csv"}
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, err)
	}
	defer f.Close()
	entries, err := roster.Read(f)
	var bad roster.Errors
	if errors.As(err, &bad) {
		for _, le := range bad {
			fmt.Fprintf(stderr, "%s:%d: %s\n", name, le.Line, model.ErrorMessage(le.Err))
		}
		return errors.New(bad.Summary(name))
	} else if err != nil {
		return err
	}

	cfg, err := m.config()
	if err != nil {
		return err
	}
	a, err := m.open(ctx, cfg, nil, true)
	if err != nil {
		return err
	}
	rows := make([]storage.ImportRow, len(entries))
	for i, e := range entries {
		rows[i] = storage.ImportRow{Line: e.Line, Person: e.Person, Merge: e.Merge}
	}
	res, err := a.store.ImportPeople(ctx, model.Actor{Label: "import of " + name}, rows, *dry)
	if err != nil {
		if code := model.ErrorCode(err); code != model.EINTERNAL {
			// One line on stderr for each mistake of each row.
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			for _, e := range errs {
				fmt.Fprintf(stderr, "%s: %s\n", name, model.ErrorMessage(e))
			}
			return errors.New(roster.NothingImported(name, len(errs)))
		}
		return err
	}
	if *dry {
		fmt.Fprintf(stdout, "Dry run of %s, nothing written: it would create %d, update %d and leave %d unchanged.\n", name, res.Created, res.Updated, res.Unchanged)
	} else {
		fmt.Fprintf(stdout, "Imported %s: %d created, %d updated, %d unchanged.\n", name, res.Created, res.Updated, res.Unchanged)
	}
	return nil
}

// export writes the roster as CSV to m.Stdout.
func (m *Main) export(ctx context.Context, args []string) error {
	fs := flags("export", "focalbot export > roster.csv", m.Stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	a, err := m.open(ctx, cfg, nil, true)
	if err != nil {
		return err
	}
	people, err := a.store.People(ctx, model.PeopleFilter{})
	if err != nil {
		return err
	}
	return roster.Write(m.Stdout, people)
}

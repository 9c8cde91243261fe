package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"focalbot/bot"
	"focalbot/bot/console"
	"focalbot/bot/slack"
	"focalbot/clock"
	"focalbot/config"
	"focalbot/feed"
	"focalbot/metrics"
	"focalbot/model"
	"focalbot/network"
	"focalbot/scheduler"
	"focalbot/web"
)

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
		Planner: planner, Zone: a.zone, Kick: disp.Kick, Observe: met.Tick,
		Polls: network.New(a.store, a.clock, a.zone, planner, disp.Kick)}
	opts := []bot.Option{bot.WithDelivery(planner, disp.Kick), bot.WithHandoff(disp), bot.WithFeeds(a.cfg.PublicURL)}
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
	imap, err := a.imapWatcher(planner, disp.Kick, met)
	if err != nil {
		return fmt.Errorf("FOCALBOT_IMAP_URL: %w", err)
	}
	dctx, stop := context.WithCancel(ctx)
	done := make(chan error, 3)
	go func() { done <- disp.Run(dctx, dispatchInterval) }()
	go func() { done <- sched.Run(dctx) }()
	go func() {
		if imap != nil {
			done <- imap.Run(dctx) // replies by IMAP, until stopped
			return
		}
		done <- nil
	}()
	defer func() {
		stop()
		<-done
		<-done
		<-done
		// Send what the last commands queued before leaving, so that a
		// scripted console session leaves its messages in the outbox folder.
		if _, err := disp.Dispatch(context.WithoutCancel(ctx)); err != nil {
			a.log.Error("dispatch before exit", "err", err)
		}
	}()
	// Start-up is done: the migrations, the catch-up tick and the roster
	// they read left garbage that the heap would otherwise keep until the
	// next collections; give it back to the system now.
	debug.FreeOSMemory()
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
		a.log.Info("serving the signed links' pages", "addr", ln.Addr().String(), "url", a.cfg.PublicURL+web.Prefix)
	}
	return func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}, nil
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

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"focalbot/bot"
	"focalbot/bot/slack"
	"focalbot/clock"
	"focalbot/config"
	"focalbot/delivery"
	"focalbot/feed"
	"focalbot/i18n"
	"focalbot/mail"
	"focalbot/metrics"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
	"focalbot/web"
)

// app is what a command that needs the database opens: configuration,
// logger, clock and store.
type app struct {
	cfg   config.Config
	log   *slog.Logger
	clock clock.Clock
	zone  *time.Location
	store *storage.Store

	// svc and webSecret serve the signed links' pages; set by delivery
	// when FOCALBOT_PUBLIC_URL is set.
	svc       *network.Service
	webSecret []byte
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
	i18n.SetDefault(i18n.Match(cfg.Language))
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
	planner, err := a.planner(ctx)
	if err != nil {
		return delivery.Planner{}, nil, err
	}
	email := &delivery.Email{Mail: sender, Clock: a.clock}
	disp := &delivery.Dispatcher{
		Store:   a.store,
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: email},
		Clock:   a.clock,
		Log:     a.log.With("component", "delivery"),
		Planner: planner,
		Zone:    a.zone,
	}
	if a.cfg.PublicURL != "" {
		// Every mail that asks something carries a signed link to its page.
		if a.webSecret, err = a.store.Secret(ctx, webSecretName); err != nil {
			return delivery.Planner{}, nil, err
		}
		a.svc = network.New(a.store, a.clock, a.zone, planner, disp.Kick)
		email.Links = web.Links{Service: a.svc, BaseURL: a.cfg.PublicURL}
	}
	return planner, disp, nil
}

// webSecretName names the stored secret that signs the web page's forms.
const webSecretName = "web-forms"

// planner is who sends focalbot's messages and through which channels:
// e-mail always, Slack too outside the console.
func (a *app) planner(ctx context.Context) (delivery.Planner, error) {
	if a.cfg.MailFrom == "" {
		return delivery.Planner{}, errors.New("FOCALBOT_MAIL_FROM: set the organiser's e-mail address (FOCALBOT_SECRETARIAT has none)")
	}
	n, err := a.store.Network(ctx)
	if err != nil {
		return delivery.Planner{}, err
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
	return planner, nil
}

// site is what focalbot's HTTP server serves besides Slack's requests:
// /healthz, /readyz and /metrics, and the calendar feeds and the signed
// links' pages (package web) when FOCALBOT_PUBLIC_URL is set.
func (a *app) site(org delivery.Organiser, met *metrics.Metrics, ready func(context.Context) error) http.Handler {
	mux := http.NewServeMux()
	if a.cfg.PublicURL != "" {
		mux.Handle("GET "+feed.Prefix, &feed.Handler{Store: a.store, Organiser: org, Clock: a.clock, Log: a.log.With("component", "feed")})
	}
	if a.svc != nil {
		(&web.Handler{Service: a.svc, Secret: a.webSecret, Log: a.log.With("component", "web")}).Register(mux)
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
		Unpaced:       a.cfg.SlackUnpaced,
	})
}

package main

import (
	"context"

	"focalbot/delivery"
	"focalbot/inmail"
	"focalbot/mailbox"
	"focalbot/metrics"
	"focalbot/model"
	"focalbot/network"
)

// imapIngester hands each message read by IMAP to inmail, the one way
// incoming mail enters focalbot, which counts what became of it in
// focalbot_mail_incoming_total; a message that could not be stored counts
// as "error", and its error leaves it unflagged, to be read again.
type imapIngester struct {
	in  *inmail.Ingester
	met *metrics.Metrics
}

func (g imapIngester) Ingest(ctx context.Context, raw []byte, _ string) error {
	if _, err := g.in.Ingest(ctx, raw, model.ViaIMAP); err != nil {
		g.met.MailIn("error")
		return err
	}
	return nil
}

// imapIngester is inmail over the app's store and services.
func (a *app) imapIngester(planner delivery.Planner, kick func(), met *metrics.Metrics) imapIngester {
	return imapIngester{met: met, in: &inmail.Ingester{
		Store:    a.store,
		Services: network.New(a.store, a.clock, a.zone, planner, kick),
		Clock:    a.clock,
		Log:      a.log.With("component", "inmail"),
		Counted:  met.MailIn,
	}}
}

// imapWatcher makes the watcher of FOCALBOT_IMAP_URL (nil when it is not
// set), its readiness shown by focalbot_imap_connected. What it reads goes
// through the same services as every other way in, with kick waking the
// dispatcher for the messages an answer causes.
func (a *app) imapWatcher(planner delivery.Planner, kick func(), met *metrics.Metrics) (*mailbox.Watcher, error) {
	c := a.cfg.IMAP
	if c.URL == "" {
		return nil, nil
	}
	w, err := mailbox.New(mailbox.Config{
		URL:       c.URL,
		Password:  c.Password.Value(),
		TokenFile: c.TokenFile,
		Poll:      c.Poll,
		Done:      c.Done,
		CAFile:    c.CAFile,
	}, a.imapIngester(planner, kick, met), a.log.With("component", "imap"))
	if err != nil {
		return nil, err
	}
	met.WatchIMAP(w.Ready)
	return w, nil
}

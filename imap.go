package main

import (
	"context"
	"errors"

	"focalbot/mailbox"
	"focalbot/metrics"
)

// errNoIngester is what the placeholder ingester answers: this build does
// not yet handle incoming mail, so every message stays unflagged in the
// mailbox for a build that does.
var errNoIngester = errors.New("incoming mail is not handled by this build yet; the message stays unread in the mailbox")

// ingester hands each message read from the mailbox to the incoming-mail
// handler; until that is built in, it stores nothing and flags nothing.
func (a *app) ingester() mailbox.Ingester {
	return mailbox.IngestFunc(func(context.Context, []byte, string) error { return errNoIngester })
}

// imapWatcher makes the watcher of FOCALBOT_IMAP_URL (nil when it is not
// set), its readiness shown by focalbot_imap_connected.
func (a *app) imapWatcher(met *metrics.Metrics) (*mailbox.Watcher, error) {
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
	}, a.ingester(), a.log.With("component", "imap"))
	if err != nil {
		return nil, err
	}
	met.WatchIMAP(w.Ready)
	return w, nil
}

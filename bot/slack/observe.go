package slack

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack/socketmode"
)

// Ready reports whether the transport is connected to Slack, for /readyz:
// in Socket Mode (with an app-level token), while a connection is up; over
// the HTTP Events API, once auth.test has accepted the bot token.
func (t *Transport) Ready() error {
	switch {
	case t.opt.AppToken != "" && !t.socketUp.Load():
		return errors.New("slack: socket mode is not connected")
	case t.opt.AppToken == "" && !t.authed.Load():
		return errors.New("slack: the bot token is not checked yet (auth.test)")
	}
	return nil
}

// noteSocket follows the Socket Mode connection's state for Ready.
func (t *Transport) noteSocket(typ socketmode.EventType) {
	switch typ {
	case socketmode.EventTypeConnected:
		t.socketUp.Store(true)
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		t.socketUp.Store(false)
	}
}

// receivedKey carries when a Socket Mode request came in, for the ack latency.
type receivedKey struct{}

// received marks ctx with the time a request came in.
func received(ctx context.Context) context.Context {
	return context.WithValue(ctx, receivedKey{}, time.Now())
}

// acked tells Options.Acks of a Socket Mode ack, timed from when its
// request came in.
func (t *Transport) acked(ctx context.Context) {
	if at, ok := ctx.Value(receivedKey{}).(time.Time); ok && t.opt.Acks != nil {
		t.opt.Acks("socket", time.Since(at))
	}
}

// timeAcks times the HTTP Events API's answers to Slack (its acks) for
// Options.Acks: each request to a Slack path answered with a 2xx.
func (t *Transport) timeAcks(h http.Handler) http.Handler {
	if t.opt.Acks == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		if strings.HasPrefix(r.URL.Path, "/slack/") && sw.status < 300 {
			t.opt.Acks("http", time.Since(start))
		}
	})
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

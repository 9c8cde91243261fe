package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"focalbot/model"
)

// Paths of the HTTP Events API, as set in the app's settings (and manifest).
const (
	PathEvents      = "/slack/events"
	PathCommands    = "/slack/commands"
	PathInteractive = "/slack/interactive"
)

// maxBody bounds a request from Slack; real ones are a few kilobytes.
const maxBody = 1 << 20

// Serve runs the HTTP Events API on ln until ctx is done: events, slash
// commands and interactivity, every request verified with the signing
// secret. It returns an error if the bot token is refused or the server
// fails.
func (t *Transport) Serve(ctx context.Context, ln net.Listener) error {
	if t.opt.SigningSecret == "" {
		return errors.New("slack: the HTTP Events API needs the signing secret")
	}
	if err := t.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	srv := &http.Server{
		Handler:           t.timeAcks(t.httpHandler()),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	defer func() {
		if ctx.Err() == nil { // the server failed: stop the work too
			t.drain()
		}
	}()
	t.log.Info("serving the slack events api", "addr", ln.Addr().String(),
		"paths", []string{PathEvents, PathCommands, PathInteractive})
	select {
	case err := <-errc:
		return fmt.Errorf("slack: http server: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		t.log.Warn("slack http server did not stop in time; closing its connections", "err", err)
		_ = srv.Close()
	}
	t.drain()
	return nil
}

// httpHandler routes Slack's three kinds of request, each verified first.
func (t *Transport) httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+PathEvents, t.verified(t.serveEvent))
	mux.Handle("POST "+PathCommands, t.verified(t.serveCommand))
	mux.Handle("POST "+PathInteractive, t.verified(t.serveInteraction))
	if t.opt.Also != nil {
		mux.Handle("/", t.opt.Also)
	}
	return mux
}

// verified passes on only requests signed with the signing secret within
// the last five minutes, with their raw body; anything else gets 401 and
// has no effect.
func (t *Transport) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "cannot read the request", http.StatusBadRequest)
			return
		}
		sv, err := slackapi.NewSecretsVerifier(r.Header, t.opt.SigningSecret)
		if err == nil {
			_, _ = sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			t.log.Warn("refused an unverified request", "path", r.URL.Path, "remote", r.RemoteAddr, "why", err)
			http.Error(w, "unverified request", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	})
}

// refuseReplay answers a signed request that was taken before: Slack does
// not send a slash command or an interaction twice, so this is a replay.
func (t *Transport) refuseReplay(w http.ResponseWriter, r *http.Request) {
	t.log.Warn("refused a replayed request", "path", r.URL.Path, "remote", r.RemoteAddr)
	http.Error(w, "this request was taken already; a request is taken once", http.StatusConflict)
}

// tryLater asks Slack to send an event again later.
func tryLater(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "10")
	http.Error(w, "busy", http.StatusServiceUnavailable)
}

// serveEvent writes an Events API event to the inbox, acks it and queues
// its work (or leaves it waiting in the inbox when the queue is full). When
// the inbox cannot be written it answers 503, so that Slack tries again
// later.
func (t *Transport) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.log.Warn("cannot parse a slack event", "err", err)
		w.WriteHeader(http.StatusOK) // a retry would not parse either
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, v.Challenge)
			return
		}
	case slackevents.CallbackEvent:
		cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if cb == nil {
			break
		}
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			t.log.Info("slack retried an event", "event_id", cb.EventID, "attempt", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		if j, ok := t.eventJob(cb.EventID, ev.InnerEvent); ok {
			it := model.InboxItem{Key: eventKey(cb.EventID), Kind: kindEvent, Payload: string(body)}
			if a := t.accept(r.Context(), it, j); a == acceptedFail {
				tryLater(w)
				return
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

// serveCommand writes a slash command to the inbox and acks it with an
// empty 200 (Slack then shows nothing); it answers later through its
// response_url. The same signed request sent again is refused.
func (t *Transport) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slackapi.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("ssl_check") == "1" || cmd.UserID == "" {
		w.WriteHeader(http.StatusOK) // Slack checking the certificate: nothing to do
		return
	}
	payload, _ := json.Marshal(cmd)
	it := model.InboxItem{Key: replayKey(r.Header.Get("X-Slack-Signature")), Kind: kindCommand, Payload: string(payload)}
	switch t.accept(r.Context(), it, t.commandJob(cmd)) {
	case acceptedSeen:
		t.refuseReplay(w, r)
	case acceptedFail:
		writeJSON(w, slackapi.WebhookMessage{ResponseType: slackapi.ResponseTypeEphemeral, Text: say(msgBusy)})
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// serveInteraction acks a button click or a modal submission, refusing the
// same signed request sent again.
func (t *Transport) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	var cb slackapi.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if err := checkInteraction(cb); err != nil {
		t.log.Warn("refused an interaction", "type", cb.Type, "why", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp, a := t.interact(r.Context(), replayKey(r.Header.Get("X-Slack-Signature")), form.Get("payload"), cb)
	switch {
	case a == acceptedSeen:
		t.refuseReplay(w, r)
	case a == acceptedFail:
		tryLater(w)
	case resp != nil:
		writeJSON(w, resp)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

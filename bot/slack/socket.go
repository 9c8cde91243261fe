package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"focalbot/model"
)

// Reconnecting after Socket Mode gives up, or after a connection that
// dropped soon after Slack's hello, waits from minBackoff, doubling, to
// maxBackoff; after a connection that stayed up for socketStable the next
// one is opened at once, and the wait starts again from minBackoff.
const (
	socketMinBackoff = time.Second
	socketMaxBackoff = 2 * time.Minute
	socketStable     = 30 * time.Second
)

// RunSocketMode connects to Slack over Socket Mode and handles what comes in
// until ctx is done. It supervises slack-go's client: whenever the client
// gives up (a refused reconnect, a panic) or its connection drops soon
// after Slack's hello, it logs why and starts a new one after a capped
// backoff. When Slack refuses a token for good (token_revoked,
// invalid_auth, account_inactive, or the app uninstalled) it says so once,
// as an alert, and stops trying until ctx is done. It returns an error only
// if the bot token is refused at the start.
func (t *Transport) RunSocketMode(ctx context.Context) error {
	if t.opt.AppToken == "" {
		return errors.New("slack: Socket Mode needs the app-level token")
	}
	if err := t.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	first := socketMinBackoff
	if t.socketMinBackoff > 0 {
		first = t.socketMinBackoff
	}
	defer t.drain()
	backoff := first
	for {
		stable, err := t.socketSession(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if code := refusedToken(err); code != "" {
			t.stopUsingTokens("app", code)
		}
		if t.stop.isStopped() {
			<-ctx.Done() // the alert is logged; nothing to try until restarted
			return nil
		}
		if stable {
			backoff = first
			t.log.Info("slack socket mode connection ended; reconnecting", "why", err)
			continue
		}
		t.log.Warn("slack socket mode stopped; reconnecting", "why", err, "in", backoff)
		if t.socketWait(ctx, backoff) != nil {
			return nil
		}
		backoff = min(2*backoff, socketMaxBackoff)
	}
}

// socketSession runs one slack-go Socket Mode client for one connection:
// until the client returns, or its connection ends (slack-go would
// reconnect at once, again and again if the connection keeps dropping), and
// reports whether the connection stayed up for socketStable, and why it
// stopped. The client may dial Slack once: a reconnect of its own is
// refused, so that RunSocketMode decides when to connect again.
func (t *Transport) socketSession(ctx context.Context) (stable bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer t.socketUp.Store(false)
	opts := []slackapi.Option{slackapi.OptionAppLevelToken(t.opt.AppToken), slackapi.OptionHTTPClient(t.opt.HTTPClient)}
	if t.opt.APIURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(t.opt.APIURL))
	}
	// slack-go handles Slack's disconnect message itself and tells only its
	// debug log; disconnects reads the reason from there, and drops the rest.
	// dialed says that the session has a connection, or one under way: a
	// dial that failed to become a connection clears it (ConnectionError).
	var dialed atomic.Bool
	netDialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	dialer := &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 45 * time.Second, WriteBufferSize: 32 * 1024,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dialed.Swap(true) {
				return nil, errors.New("socket mode: one connection per session")
			}
			return netDialer.DialContext(ctx, network, addr)
		}}
	client := socketmode.New(slackapi.New(t.opt.BotToken, opts...), socketmode.OptionPingInterval(t.pingInterval()),
		socketmode.OptionDialer(dialer), socketmode.OptionDebug(true), socketmode.OptionLog(disconnects{t}))

	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- fmt.Errorf("socket mode client panicked: %v", v)
				t.log.Error("slack socket mode client panicked", "panic", v, "stack", string(debug.Stack()))
			}
		}()
		done <- client.RunContext(ctx)
	}()
	var (
		up   bool      // the connection is open
		upAt time.Time // since when
	)
	for {
		select {
		case err := <-done:
			return stable, err
		case <-t.stop.done:
			return false, errStopped
		case ev := <-client.Events:
			switch ev.Type {
			case socketmode.EventTypeConnected:
				up, upAt = true, t.clock.Now()
			case socketmode.EventTypeConnectionError:
				if !up {
					dialed.Store(false) // slack-go tries again, after a wait of its own
				}
			case socketmode.EventTypeConnecting:
				if !up {
					break // a first attempt, or slack-go trying again
				}
				// The connection is gone and slack-go is reconnecting.
				lasted := t.clock.Now().Sub(upAt)
				return lasted >= socketStable, fmt.Errorf("the connection ended %v after it opened", lasted)
			}
			t.noteSocket(ev.Type)
			t.onSocketEvent(received(ctx), client, ev)
		}
	}
}

// pingInterval is how long Socket Mode waits for Slack's ping before it
// takes the connection for dead.
func (t *Transport) pingInterval() time.Duration {
	if t.socketPing > 0 {
		return t.socketPing
	}
	return 30 * time.Second
}

// onSocketEvent acks a request from Slack at once and queues its work.
func (t *Transport) onSocketEvent(ctx context.Context, client *socketmode.Client, ev socketmode.Event) {
	defer func() {
		if v := recover(); v != nil {
			t.log.Error("slack socket mode event panicked", "type", ev.Type, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		t.log.Debug("slack socket mode connecting")
	case socketmode.EventTypeConnected:
		t.log.Info("slack socket mode connected")
	case socketmode.EventTypeConnectionError:
		if e, ok := ev.Data.(*slackapi.ConnectionErrorEvent); ok {
			t.log.Warn("slack socket mode cannot connect; slack-go retries", "why", e.ErrorObj, "attempt", e.Attempt, "in", e.Backoff)
		}
	case socketmode.EventTypeInvalidAuth:
		t.log.Error("slack refused the app-level token (SLACK_APP_TOKEN)")
	case socketmode.EventTypeDisconnect: // slack-go keeps these to itself; see disconnects
		if ev.Request != nil {
			t.logDisconnect(ev.Request.Reason)
		}
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		// Only the cause: the message itself may hold what people wrote.
		t.log.Warn("slack socket mode trouble", "type", ev.Type, "why", socketTrouble(ev.Data))
	case socketmode.EventTypeEventsAPI:
		e, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Request == nil {
			return
		}
		if ev.Request.RetryAttempt > 0 {
			t.log.Info("slack retried an event", "envelope_id", ev.Request.EnvelopeID, "attempt", ev.Request.RetryAttempt, "reason", ev.Request.RetryReason)
		}
		if cb, _ := e.Data.(*slackevents.EventsAPICallbackEvent); cb != nil {
			if j, ok := t.eventJob(cb.EventID, e.InnerEvent); ok {
				it := model.InboxItem{Key: eventKey(cb.EventID), Kind: kindEvent, Payload: string(ev.Request.Payload)}
				if a := t.accept(ctx, it, j); a == acceptedFail {
					return // no ack: Slack will deliver it again later
				}
			}
		}
		t.ack(ctx, client, ev.Request, nil)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slackapi.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		payload, _ := json.Marshal(cmd)
		it := model.InboxItem{Key: envelopeKey(ev.Request), Kind: kindCommand, Payload: string(payload)}
		if a := t.accept(ctx, it, t.commandJob(cmd)); a == acceptedFail {
			t.ack(ctx, client, ev.Request, slackapi.WebhookMessage{ResponseType: slackapi.ResponseTypeEphemeral, Text: say(msgBusy)})
			return
		}
		t.ack(ctx, client, ev.Request, nil)
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slackapi.InteractionCallback)
		if !ok || ev.Request == nil {
			return
		}
		if err := checkInteraction(cb); err != nil {
			t.log.Warn("refused an interaction", "type", cb.Type, "why", err)
			t.ack(ctx, client, ev.Request, nil)
			return
		}
		// A modal submission runs the engine before the ack: not in the
		// loop that reads from Slack.
		go func() {
			defer func() {
				if v := recover(); v != nil {
					t.log.Error("slack interaction panicked", "panic", v, "stack", string(debug.Stack()))
				}
			}()
			resp, _ := t.interact(ctx, envelopeKey(ev.Request), string(ev.Request.Payload), cb)
			t.ack(ctx, client, ev.Request, resp)
		}()
	}
}

// envelopeKey is the dedupe key of a Socket Mode envelope.
func envelopeKey(req *socketmode.Request) string { return "envelope:" + req.EnvelopeID }

// logDisconnect logs why Slack closes a Socket Mode connection:
// refresh_requested, a routine new connection; warning, this one will be
// closed soon; link_disabled, Socket Mode was turned off for the app.
func (t *Transport) logDisconnect(reason string) {
	switch reason {
	case "refresh_requested":
		t.log.Info("slack asked socket mode to reconnect", "reason", reason)
	case "link_disabled":
		t.log.Error("slack closed socket mode: it is turned off in the app's settings", "reason", reason)
	default:
		t.log.Warn("slack is closing the socket mode connection", "reason", reason)
	}
}

// disconnects is slack-go's Socket Mode debug log: of all it says, it
// passes on only the reason of Slack's disconnect messages, which slack-go
// tells nowhere else.
type disconnects struct{ t *Transport }

const receivedPrefix = "Received WebSocket message: "

func (d disconnects) Output(_ int, s string) error {
	raw, ok := strings.CutPrefix(s, receivedPrefix)
	if !ok || !strings.Contains(raw, `"disconnect"`) {
		return nil
	}
	var m struct{ Type, Reason string }
	if json.Unmarshal([]byte(strings.TrimSpace(raw)), &m) == nil && m.Type == "disconnect" {
		d.t.logDisconnect(m.Reason)
	}
	return nil
}

// ack acknowledges an envelope, with a payload or none.
func (t *Transport) ack(ctx context.Context, client *socketmode.Client, req *socketmode.Request, payload any) {
	if err := client.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		t.log.Warn("cannot ack a slack envelope", "envelope_id", req.EnvelopeID, "err", err)
		return
	}
	t.acked(ctx)
}

// socketTrouble is the cause of a Socket Mode error event.
func socketTrouble(data any) string {
	switch e := data.(type) {
	case *slackapi.IncomingEventError:
		return e.Error()
	case *socketmode.ErrorBadMessage:
		return e.Cause.Error()
	case *socketmode.ErrorWriteFailed:
		return e.Cause.Error()
	}
	return fmt.Sprintf("%T", data)
}

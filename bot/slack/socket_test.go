package slack

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
)

// envelope wraps a payload as Socket Mode delivers it.
func envelope(id, typ string, payload any, retry int) map[string]any {
	if s, ok := payload.(string); ok {
		payload = json.RawMessage(s)
	}
	return map[string]any{"envelope_id": id, "type": typ, "payload": payload,
		"accepts_response_payload": typ != "events_api", "retry_attempt": retry}
}

// TestSocketMode proves that over Socket Mode every envelope is acked, an
// event retried in a new envelope has no second effect, slash commands are
// answered through their response_url, and a disconnect asked for by Slack
// is followed by a new connection that works.
func TestSocketMode(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true})
	b.addPerson(ama())
	sc := next(t, fs.sockets, "a socket mode connection")

	sc.send(t, envelope("env-1", "events_api", dm("Ev1", "U1", "me set title Ambassador"), 0))
	sc.ack(t, "env-1")
	if got := next(t, fs.posts, "the answer"); got.Channel != "DU1" || !strings.Contains(got.Text, "updated") {
		t.Errorf("answer %+v", got)
	}

	sc.send(t, envelope("env-2", "events_api", dm("Ev1", "U1", "me set title Ambassador"), 1))
	sc.ack(t, "env-2")

	sc.send(t, envelope("env-3", "slash_commands", map[string]any{"command": "/focal", "text": "coverage",
		"user_id": "U1", "channel_id": "C1", "response_url": fs.responseURL("r3")}, 0))
	sc.ack(t, "env-3")
	if got := next(t, fs.responses, "the slash command's answer"); got.Channel != "r3" || got.ResponseType != "in_channel" || !strings.Contains(got.Text, "of 193") {
		t.Errorf("answer %+v", got)
	}
	// One worker, in order: the retry was handled before the slash command.
	none(t, fs.posts, "answer to the retry")

	sc.send(t, map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	sc = next(t, fs.sockets, "the connection after the disconnect")
	if !strings.Contains(b.logs.String(), "reason=refresh_requested") {
		t.Errorf("the disconnect's reason is not logged:\n%s", b.logs)
	}
	sc.send(t, envelope("env-4", "events_api", dm("Ev2", "U1", "network"), 0))
	sc.ack(t, "env-4")
	if got := next(t, fs.posts, "the answer on the new connection"); !strings.Contains(got.Text, "R2P") {
		t.Errorf("answer %+v", got)
	}

	// A connection that drops without a word is replaced too.
	sc.conn.Close()
	sc = next(t, fs.sockets, "the connection after the drop")
	sc.send(t, envelope("env-5", "events_api", dm("Ev3", "U1", "network"), 0))
	sc.ack(t, "env-5")
	next(t, fs.posts, "the answer after the drop")
}

// TestSocketModeSupervised proves that when slack-go's client gives up (here
// apps.connections.open answers 404, twice), the transport logs why and
// connects again.
func TestSocketModeSupervised(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	fs.openFails = []string{"http404", "http404"}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true})
	sc := next(t, fs.sockets, "a connection after the refusals")
	sc.send(t, envelope("env-1", "events_api", dm("Ev1", "U1", "network"), 0))
	sc.ack(t, "env-1")
	next(t, fs.posts, "the answer")
	logs := b.logs.String()
	if strings.Count(logs, "slack socket mode stopped; reconnecting") != 2 || !strings.Contains(logs, "404") {
		t.Errorf("the reconnects are not logged with their reason:\n%s", logs)
	}
	if n := fs.count("apps.connections.open"); n != 3 {
		t.Errorf("apps.connections.open called %d times; want 3", n)
	}
}

// TestSocketModeInteractions proves that over Socket Mode a modal's field
// errors come back in the envelope's ack, and a button click is acked and
// done.
func TestSocketModeInteractions(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true})
	roster(b)
	sc := next(t, fs.sockets, "a socket mode connection")

	sc.send(t, envelope("env-1", "interactive", submission("U2", modalAdd,
		map[string]string{"email": "not an address", "name": "Kofi"}, map[string]string{"country": "GH", "role": "focal-point"}), 0))
	ack := sc.ack(t, "env-1")
	payload, _ := ack["payload"].(map[string]any)
	errs, _ := payload["errors"].(map[string]any)
	if payload["response_action"] != "errors" || errs[fieldEmail] != msgErrorBadEmail {
		t.Errorf("ack %v; want the e-mail field's error", ack)
	}

	sc.send(t, envelope("env-2", "interactive", click("U2", actionApprove, "#3"), 0))
	if ack := sc.ack(t, "env-2"); ack["payload"] != nil {
		t.Errorf("a click's ack has a payload: %v", ack)
	}
	if got := next(t, fs.posts, "the approval"); got.Channel != "DU2" || !strings.Contains(got.Text, "Mette Holm") {
		t.Errorf("approval %+v", got)
	}
}

// TestSocketModeBacksOff proves that connections that Slack drops right
// after hello are retried after a doubling wait, not at once, and that the
// bot connects in the end; the waits move the clock instead of sleeping.
func TestSocketModeBacksOff(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	fs.drops = 4
	waits := make(chan time.Duration, 100)
	startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true, setup: func(tr *Transport) {
		clk := tr.clock.(*clock.Offset)
		tr.socketWait = func(ctx context.Context, d time.Duration) error {
			waits <- d
			clk.Advance(d)
			return ctx.Err()
		}
	}})
	sc := next(t, fs.sockets, "a connection that stays")
	sc.send(t, envelope("env-1", "events_api", dm("Ev1", "U1", "network"), 0))
	sc.ack(t, "env-1")
	next(t, fs.posts, "the answer")
	var got []time.Duration
	for len(waits) > 0 {
		got = append(got, <-waits)
	}
	want := []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond, 8 * time.Millisecond}
	if !slices.Equal(got, want) {
		t.Errorf("waited %v between the %d dropped connections; want %v", got, fs.count("dropped"), want)
	}
}

// TestSocketModeHandshakeRefused proves that a Socket Mode handshake that
// fails is tried again, and the bot connects in the end.
func TestSocketModeHandshakeRefused(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	fs.refusals = 2
	startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true})
	sc := next(t, fs.sockets, "a connection after the refusals")
	sc.send(t, envelope("env-1", "events_api", dm("Ev1", "U1", "network"), 0))
	sc.ack(t, "env-1")
	next(t, fs.posts, "the answer")
}

// TestSocketModeDisconnectReasons proves that the reason of each disconnect
// Slack announces is logged.
func TestSocketModeDisconnectReasons(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true})
	sc := next(t, fs.sockets, "a socket mode connection")
	for _, reason := range []string{"warning", "link_disabled"} {
		sc.send(t, map[string]any{"type": "disconnect", "reason": reason})
		sc = next(t, fs.sockets, "the connection after the disconnect")
		if !strings.Contains(b.logs.String(), "reason="+reason) {
			t.Errorf("the disconnect's reason %s is not logged:\n%s", reason, b.logs)
		}
	}
}

// TestSocketModeRefusedToken proves that a token Slack refuses for good
// (token_revoked, invalid_auth, account_inactive) is an alert logged once,
// after which the bot neither reconnects nor calls Slack.
func TestSocketModeRefusedToken(t *testing.T) {
	for _, code := range refusedTokenCodes {
		t.Run(code, func(t *testing.T) {
			fs := newFakeSlack(t)
			fs.openFails = []string{code, code, code}
			b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true, setup: func(tr *Transport) {
				tr.socketWait = func(ctx context.Context, d time.Duration) error {
					t.Errorf("waited %v to reconnect after %s", d, code)
					return ctx.Err()
				}
			}})
			next(t, b.tr.stop.done, "the bot to stop using the token")
			err := b.tr.DirectMessage(context.Background(), "U1", "hello")
			b.stop()
			if !errors.Is(err, errStopped) {
				t.Errorf("a direct message after the alert: %v; want %v", err, errStopped)
			}
			if n := fs.count("apps.connections.open"); n != 1 {
				t.Errorf("apps.connections.open called %d times; want 1", n)
			}
			if n := fs.count("conversations.open"); n != 0 {
				t.Errorf("conversations.open called %d times after the alert", n)
			}
			if logs := b.logs.String(); strings.Count(logs, "ALERT") != 1 || !strings.Contains(logs, "why="+code) {
				t.Errorf("want one alert naming %s:\n%s", code, logs)
			}
		})
	}
}

// TestTokensRevoked proves that the events tokens_revoked (for the bot's
// token) and app_uninstalled are an alert, logged once, and stop the bot's
// calls to Slack; a revocation of users' tokens alone changes nothing.
func TestTokensRevoked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		event map[string]any
		stops bool
	}{
		{"users' tokens revoked", map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": []string{"U1"}}}, false},
		{"the bot's token revoked", map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"bot": []string{"UBOT"}}}, true},
		{"the app uninstalled", map[string]any{"type": "app_uninstalled"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakeSlack(t)
			b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
			b.event(callback("Ev1", tc.event))
			b.event(callback("Ev2", tc.event))
			b.event(homeOpened("Ev3", "U1"))
			if !tc.stops {
				next(t, fs.homes, "the home after the event")
				if b.tr.stop.isStopped() {
					t.Error("the bot stopped")
				}
				return
			}
			next(t, b.tr.stop.done, "the bot to stop using the token")
			b.stop()
			none(t, fs.homes, "a home published after the alert")
			if logs := b.logs.String(); strings.Count(logs, "ALERT") != 1 {
				t.Errorf("want one alert:\n%s", logs)
			}
		})
	}
}

package slack

import (
	"encoding/json"
	"strings"
	"testing"
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
// Slack refuses the app token once), the transport logs why and connects
// again.
func TestSocketModeSupervised(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	fs.openFails = []string{"invalid_auth", "invalid_auth"}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), socket: true})
	sc := next(t, fs.sockets, "a connection after the refusals")
	sc.send(t, envelope("env-1", "events_api", dm("Ev1", "U1", "network"), 0))
	sc.ack(t, "env-1")
	next(t, fs.posts, "the answer")
	logs := b.logs.String()
	if strings.Count(logs, "slack socket mode stopped; reconnecting") != 2 || !strings.Contains(logs, "invalid_auth") {
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

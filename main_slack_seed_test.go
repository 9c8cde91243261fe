package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"focalbot/clock"
)

// slackUser is a Slack user the fake Web API knows.
type slackUser struct{ id, name, email, tz string }

// fakeWebAPI is slacktest's server answering what focalbot calls, and
// recording every message posted as "channel: text | blocks".
func fakeWebAPI(t *testing.T, users ...slackUser) (*slacktest.Server, *postbox) {
	posts := make(chan string, 100)
	fake := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/users.info", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			for _, u := range users {
				if u.id == r.Form.Get("user") {
					fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"real_name":%q,"tz":%q,"profile":{"email":%q}}}`, u.id, u.name, u.tz, u.email)
					return
				}
			}
			fmt.Fprint(w, `{"ok":false,"error":"user_not_found"}`)
		})
		c.Handle("/conversations.open", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, r.Form.Get("users"))
		})
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			posts <- r.Form.Get("channel") + ": " + r.Form.Get("text") + " | " + r.Form.Get("blocks")
			fmt.Fprint(w, `{"ok":true,"ts":"1.2"}`)
		})
		c.Handle("/files.getUploadURLExternal", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"ok":true,"upload_url":"http://`+r.Host+`/upload","file_id":"F1"}`)
		})
		c.Handle("/upload", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "OK") })
		c.Handle("/files.completeUploadExternal", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"ok":true,"files":[{"id":"F1"}]}`)
		})
		c.Handle("/response/", func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			posts <- "response: " + string(b)
		})
	})
	fake.Start()
	t.Cleanup(fake.Stop)
	return fake, &postbox{posts: posts}
}

// slackPost sends body to focalbot's HTTP Events API, signed as Slack signs.
func slackPost(t *testing.T, addr, secret, path, contentType, body string) {
	t.Helper()
	ts := strconv.FormatInt(clock.System{}.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s answered %s", path, resp.Status)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("focalbot never listened on %s: %v", addr, err)
		}
	}
}

// postbox holds what was posted to the fake Slack, in order.
type postbox struct {
	posts  chan string
	passed []string // posted, and not yet asked for
}

// waitFor returns the first post not returned before that contains want,
// failing after a while. Posts passed on the way are kept for later
// calls: the dispatcher's DMs and the bot's replies come in no set order.
func (b *postbox) waitFor(t *testing.T, want string) string {
	t.Helper()
	for i, p := range b.passed {
		if strings.Contains(p, want) {
			b.passed = append(b.passed[:i], b.passed[i+1:]...)
			return p
		}
	}
	timeout := time.After(15 * time.Second)
	for {
		select {
		case p := <-b.posts:
			if strings.Contains(p, want) {
				return p
			}
			b.passed = append(b.passed, p)
		case <-timeout:
			t.Fatalf("no message says %q; posted meanwhile:\n%s", want, strings.Join(b.passed, "\n"))
		}
	}
}

// TestSeedScenarioThroughSlack: the secretariat schedules the network
// meeting in a DM to the bot, invites Ghana and moves the meeting; Ghana's
// focal point gets the invitation and the update on Slack with buttons,
// answers with Accept, and the secretariat sees it in the status.
func TestSeedScenarioThroughSlack(t *testing.T) {
	fake, posts := fakeWebAPI(t,
		slackUser{"U0RUTH001", "Ruth Adler", "ruth.adler@globalcentre.example.org", "America/New_York"},
		slackUser{"U0KWAME01", "Kwame Boateng", "kwame.boateng@gh.example.org", "Africa/Accra"})
	env(t, filepath.Join(t.TempDir(), "focalbot.db"))
	mustRun(t, "", "import", "examples/r2p-2012.csv")
	mustRun(t, "update kwame.boateng@gh.example.org slack=U0KWAME01\n", "--as", "ruth.adler@globalcentre.example.org")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const secret = "seed-signing-secret"
	setenv(t, "SLACK_BOT_TOKEN", "xoxb-seed")
	setenv(t, "SLACK_APP_TOKEN", "")
	setenv(t, "SLACK_SIGNING_SECRET", secret)
	setenv(t, "SLACK_API_URL", fake.GetAPIURL())
	setenv(t, "FOCALBOT_HTTP_ADDR", addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runIn(t, ctx, nil, strings.NewReader(""), &bytes.Buffer{}, io.Discard) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	say := func(n int, user, text string) {
		ev, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": fmt.Sprintf("EvSeed%d", n),
			"event": map[string]any{"type": "message", "channel_type": "im", "channel": "D" + user, "user": user, "text": text, "ts": "1.1"}})
		slackPost(t, addr, secret, "/slack/events", "application/json", string(ev))
	}
	say(1, "U0RUTH001", `meeting create title="Second Meeting of the Global Network of R2P Focal Points" start="2027-09-25 10:00" end=17:00 tz=America/New_York venue="New York"`)
	posts.waitFor(t, "Meeting 1 created")
	say(2, "U0RUTH001", "invite 1 Ghana")
	posts.waitFor(t, "Meeting 1: 2 newly invited")
	invitation := posts.waitFor(t, "DU0KWAME01: You are invited")
	if !strings.Contains(invitation, `"action_id":"rsvp_yes"`) || !strings.Contains(invitation, "\\u003c!date^") {
		t.Errorf("the invitation on Slack: %s", invitation)
	}
	say(3, "U0RUTH001", `meeting change 1 start="2027-09-25 11:00"`)
	posts.waitFor(t, "version 1")
	update := posts.waitFor(t, "DU0KWAME01: You are invited")
	if !strings.Contains(update, "The meeting has changed") {
		t.Errorf("the update on Slack: %s", update)
	}

	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U0KWAME01"},
		"response_url": fake.GetAPIURL() + "response/1", "message": map[string]any{"text": "You are invited", "blocks": []any{}},
		"actions": []map[string]any{{"type": "button", "action_id": "rsvp_yes", "block_id": "rsvp", "value": "1"}}})
	slackPost(t, addr, secret, "/slack/interactive", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode())
	posts.waitFor(t, "your answer is coming")
	say(4, "U0KWAME01", "next")
	if next := posts.waitFor(t, "DU0KWAME01: 1. Second Meeting"); !strings.Contains(next, "<!date^1821884400^{date_long_pretty} at {time}|Saturday 25 September 2027, 11:00 EDT (America/New_York)>") {
		t.Errorf("next on Slack does not give the time as a date token: %s", next)
	}
	say(5, "U0RUTH001", "status 1")
	if status := posts.waitFor(t, "Invited: 2"); !strings.Contains(status, "coming: 1") || !strings.Contains(status, "African: 1 of 54") {
		t.Errorf("status: %s", status)
	}
}

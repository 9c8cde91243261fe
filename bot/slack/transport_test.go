package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/internal/syncbuf"
	"focalbot/model"
	"focalbot/storage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// t0 is when the tests happen: the second network meeting.
var t0 = time.Date(2012, 9, 29, 14, 0, 0, 0, time.UTC)

// bot is a running transport over a store, against a fake Slack.
type testBot struct {
	t     testing.TB
	tr    *Transport
	slack *fakeSlack
	store *storage.Store
	clock *clock.Offset
	logs  *syncbuf.Buffer
	url   string // the HTTP Events API's base URL, in HTTP mode
	stop  func()
}

type botOptions struct {
	dsn     string
	handler Handler // default: the real engine
	socket  bool
	workers int          // default 1
	queue   int          // default: the transport's
	also    http.Handler // other routes in HTTP mode
	acks    func(mode string, took time.Duration)
	setup   func(*Transport) // changes the transport before it starts
}

// startBot runs a transport in HTTP mode (or Socket Mode) until the test ends
// or stop is called. It has one worker, so work is done in the order it came.
func startBot(t testing.TB, fs *fakeSlack, o botOptions) *testBot {
	t.Helper()
	b := &testBot{t: t, slack: fs, clock: clock.Fixed(t0), logs: &syncbuf.Buffer{}}
	b.store = storetest.Open(t, o.dsn, b.clock)
	log := slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := o.handler
	if h == nil {
		h = bot.New(b.store, b.clock, log, time.UTC)
	}
	opt := Options{Handler: h, Deliveries: b.store, Clock: b.clock, Log: log,
		BotToken: "xoxb-test", SigningSecret: secret, APIURL: fs.GetAPIURL(), Workers: max(o.workers, 1), Queue: o.queue, Also: o.also, Acks: o.acks}
	if o.socket {
		opt.AppToken = "xapp-test"
	}
	tr, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	b.tr = tr
	tr.socketPing = time.Minute
	tr.socketMinBackoff = time.Millisecond
	if o.setup != nil {
		o.setup(tr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	if o.socket {
		go func() { done <- tr.RunSocketMode(ctx) }()
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b.url = "http://" + ln.Addr().String()
		go func() { done <- tr.Serve(ctx, ln) }()
	}
	var once sync.Once
	b.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("transport stopped with %v", err)
			}
		})
	}
	t.Cleanup(b.stop)
	return b
}

// addPerson puts someone on the roster.
func (b *testBot) addPerson(p model.Person) model.Person {
	b.t.Helper()
	if err := b.store.CreatePerson(context.Background(), model.System, &p); err != nil {
		b.t.Fatal(err)
	}
	return p
}

// signature signs body as Slack does, at the given time.
func signature(secret string, at time.Time, body string) (ts, sig string) {
	ts = strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return ts, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// request sends body to path; sign changes the headers Slack would set.
func (b *testBot) request(path, contentType, body string, sign func(h http.Header)) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.url+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	ts, sig := signature(secret, clock.System{}.Now(), body)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	if sign != nil {
		sign(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return resp, string(got)
}

// event sends a signed Events API request and checks it is acked with 200.
func (b *testBot) event(body string, headers ...string) {
	b.t.Helper()
	resp, got := b.request(PathEvents, "application/json", body, func(h http.Header) {
		for i := 0; i+1 < len(headers); i += 2 {
			h.Set(headers[i], headers[i+1])
		}
	})
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("event answered %s: %s", resp.Status, got)
	}
}

// callback wraps an inner event as the Events API delivers it.
func callback(eventID string, inner map[string]any) string {
	b, _ := json.Marshal(map[string]any{
		"token": "ignored", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1348927200, "event": inner,
	})
	return string(b)
}

// dm is a direct message to the bot.
func dm(eventID, user, text string) string {
	return callback(eventID, map[string]any{"type": "message", "channel_type": "im", "channel": "D" + user,
		"user": user, "text": text, "ts": "1348927200.000001"})
}

// mention is an @mention of the bot in a channel.
func mention(eventID, user, channel, ts, text string) string {
	return callback(eventID, map[string]any{"type": "app_mention", "channel": channel,
		"user": user, "text": text, "ts": ts})
}

// slashCommand is the form Slack posts for /focal.
func slashCommand(fs *fakeSlack, user, text, name string) string {
	return url.Values{"command": {"/focal"}, "text": {text}, "user_id": {user}, "channel_id": {"C1"},
		"team_id": {"T1"}, "response_url": {fs.responseURL(name)}, "trigger_id": {"1.2.3"}}.Encode()
}

func ama() model.Person {
	return model.Person{Name: "Ama Owusu", Country: "GH", Email: "ama@mfa.gov.gh",
		Role: model.RoleFocalPoint, Status: model.StatusActive, Phone: "+233 30 000 0000"}
}

func sqliteDSN(t testing.TB) string { return storetest.Backends[0].DSN(t) }

// TestHTTPRequestsMustBeSigned proves that forged, stale, unsigned and
// tampered requests get 401 and do nothing, and a signed one works.
func TestHTTPRequestsMustBeSigned(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	body := dm("Ev1", "U1", "network")
	now := clock.System{}.Now()
	for _, tc := range []struct {
		name string
		sign func(h http.Header)
	}{
		{"unsigned", func(h http.Header) { h.Del("X-Slack-Signature"); h.Del("X-Slack-Request-Timestamp") }},
		{"signed with another secret", func(h http.Header) {
			ts, sig := signature("not the secret", now, body)
			h.Set("X-Slack-Request-Timestamp", ts)
			h.Set("X-Slack-Signature", sig)
		}},
		{"signed six minutes ago", func(h http.Header) {
			ts, sig := signature(secret, now.Add(-6*time.Minute), body)
			h.Set("X-Slack-Request-Timestamp", ts)
			h.Set("X-Slack-Signature", sig)
		}},
		{"signature for another body", func(h http.Header) {
			ts, sig := signature(secret, now, dm("Ev1", "U1", "coverage"))
			h.Set("X-Slack-Request-Timestamp", ts)
			h.Set("X-Slack-Signature", sig)
		}},
		{"garbled signature", func(h http.Header) { h.Set("X-Slack-Signature", "v0=zz") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{PathEvents, PathCommands, PathInteractive} {
				resp, _ := b.request(path, "application/json", body, tc.sign)
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s: %s; want 401", path, resp.Status)
				}
			}
		})
	}
	// The signed request is the first to have any effect: with one worker,
	// its reply is the first post, and its event ID was never recorded.
	b.event(body)
	p := next(t, fs.posts, "the reply")
	if p.Channel != "DU1" || !strings.Contains(p.Text, "Global Network of R2P Focal Points") {
		t.Errorf("reply %+v", p)
	}
	none(t, fs.posts, "post")
}

// TestOtherRoutes proves that other routes (the calendar feeds) share the
// address in HTTP mode, while Slack's paths stay verified.
func TestOtherRoutes(t *testing.T) {
	fs := newFakeSlack(t)
	feeds := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "BEGIN:VCALENDAR") })
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), also: feeds})
	resp, err := http.Get(b.url + "/feeds/abc.ics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "BEGIN:VCALENDAR" {
		t.Errorf("feed answered %s %q", resp.Status, body)
	}
	if resp, _ := b.request(PathEvents, "application/json", "{}", func(h http.Header) { h.Del("X-Slack-Signature") }); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned event answered %s", resp.Status)
	}
}

func TestURLVerification(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	resp, got := b.request(PathEvents, "application/json",
		`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`, nil)
	if resp.StatusCode != http.StatusOK || got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification answered %s %q", resp.Status, got)
	}
}

// TestDirectMessages proves that a DM is answered in the DM, that the
// caller is found by the e-mail users.info gives (and linked by Slack ID),
// that Slack's markup is undone, and that the engine's text is escaped.
func TestDirectMessages(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "Ama@MFA.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	p := b.addPerson(ama())

	b.event(dm("Ev1", "U1", "me"))
	got := next(t, fs.posts, "the profile")
	if got.Channel != "DU1" || got.ThreadTS != "" || !strings.Contains(got.Text, "Ama Owusu") || !strings.Contains(got.Text, "ama@mfa.gov.gh") {
		t.Errorf("profile reply %+v", got)
	}
	linked, err := b.store.Person(context.Background(), p.ID)
	if err != nil || linked.SlackID != "U1" {
		t.Errorf("Ama is not linked to her Slack ID: %+v, %v", linked, err)
	}

	b.event(dm("Ev2", "U1", "help register"))
	if got := next(t, fs.posts, "help"); !strings.Contains(got.Text, "register &lt;country&gt;") {
		t.Errorf("help on register is not escaped for Slack: %q", got.Text)
	}

	// The bot's own messages, edits and other bots are not answered.
	b.event(callback("Ev3", map[string]any{"type": "message", "channel_type": "im", "channel": "DU1", "user": "UBOT", "text": "hi"}))
	b.event(callback("Ev4", map[string]any{"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "DU1"}))
	b.event(callback("Ev5", map[string]any{"type": "message", "channel_type": "im", "channel": "DU1", "user": "U9", "bot_id": "B9", "text": "hi"}))
	b.event(dm("Ev6", "U1", "network"))
	if got := next(t, fs.posts, "the network"); !strings.Contains(got.Text, "R2P") {
		t.Errorf("network reply %+v", got)
	}
	none(t, fs.posts, "post")
	if n := fs.count("users.info"); n != 1 {
		t.Errorf("users.info called %d times; want 1 (cached)", n)
	}
}

// TestMentions proves that an @mention is answered in its thread when the
// answer is for everyone, and in a DM (with a pointer in the thread) when
// it is private.
func TestMentions(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	b.addPerson(ama())

	b.event(mention("Ev1", "U1", "C1", "1348927200.000200", "<@UBOT> country <mailto:x@y.org|Ghana>"))
	got := next(t, fs.posts, "the public answer")
	if got.Channel != "C1" || got.ThreadTS != "1348927200.000200" || !strings.Contains(got.Text, "Ghana") {
		t.Errorf("public answer %+v", got)
	}

	b.event(mention("Ev2", "U1", "C1", "1348927200.000300", "<@UBOT> me"))
	private := next(t, fs.posts, "the private answer")
	pointer := next(t, fs.posts, "the pointer")
	if private.Channel != "DU1" || !strings.Contains(private.Text, "ama@mfa.gov.gh") {
		t.Errorf("private answer %+v", private)
	}
	if pointer.Channel != "C1" || pointer.ThreadTS != "1348927200.000300" || pointer.Text != msgAnsweredInDM {
		t.Errorf("pointer %+v", pointer)
	}
}

// TestSlashCommands proves that /focal is acked at once with an empty body
// and answered through the response_url: privately, or in the channel for
// public commands.
func TestSlashCommands(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	b.addPerson(ama())

	for _, tc := range []struct{ text, responseType, want string }{
		{"me", "ephemeral", "ama@mfa.gov.gh"},
		{"coverage", "in_channel", "of 193"},
		{"", "ephemeral", "Here is what you can ask me"},
		{"approve #1", "ephemeral", "Only the secretariat can do that."},
	} {
		t.Run(tc.text, func(t *testing.T) {
			resp, body := b.request(PathCommands, "application/x-www-form-urlencoded", slashCommand(fs, "U1", tc.text, "r1"), nil)
			if resp.StatusCode != http.StatusOK || body != "" {
				t.Fatalf("ack %s %q; want 200 and nothing", resp.Status, body)
			}
			got := next(t, fs.responses, "the answer")
			if got.ResponseType != tc.responseType || !strings.Contains(got.Text, tc.want) {
				t.Errorf("answer %+v; want %s with %q", got, tc.responseType, tc.want)
			}
		})
	}
}

// TestSSLCheck proves Slack's periodic certificate check of the slash
// command URL is answered and does nothing.
func TestSSLCheck(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	resp, body := b.request(PathCommands, "application/x-www-form-urlencoded", "ssl_check=1&token=x", nil)
	if resp.StatusCode != http.StatusOK || body != "" {
		t.Errorf("ssl_check answered %s %q", resp.Status, body)
	}
	b.request(PathCommands, "application/x-www-form-urlencoded", slashCommand(fs, "U1", "network", "r1"), nil)
	if got := next(t, fs.responses, "the next answer"); got.Channel != "r1" {
		t.Errorf("answer %+v", got)
	}
	if n := fs.count("users.info"); n != 1 {
		t.Errorf("users.info called %d times; want 1, for the command only", n)
	}
}

// TestRetriesHaveOneEffect proves that an event delivered again — a retry,
// and a retry after a restart — is acked and has no second effect, on
// SQLite and PostgreSQL.
func TestRetriesHaveOneEffect(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend.Name, func(t *testing.T) {
			fs := newFakeSlack(t)
			fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
			dsn := backend.DSN(t)
			b := startBot(t, fs, botOptions{dsn: dsn})
			b.addPerson(ama())

			b.event(dm("Ev1", "U1", "me set title Ambassador"))
			if got := next(t, fs.posts, "the answer"); !strings.Contains(got.Text, "updated") {
				t.Fatalf("answer %+v", got)
			}
			b.event(dm("Ev1", "U1", "me set title Ambassador"), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
			b.event(dm("Ev2", "U1", "network"))
			if got := next(t, fs.posts, "the next answer"); !strings.Contains(got.Text, "R2P") {
				t.Fatalf("the retry was answered: %+v", got)
			}

			b.stop()
			b.store.Close()
			b = startBot(t, fs, botOptions{dsn: dsn})
			b.event(dm("Ev1", "U1", "me set title Ambassador"), "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout")
			b.event(dm("Ev3", "U1", "network"))
			if got := next(t, fs.posts, "the answer after the restart"); !strings.Contains(got.Text, "R2P") {
				t.Fatalf("the retry after the restart was answered: %+v", got)
			}
			none(t, fs.posts, "post")
			if n := b.audited(t, "Ambassador"); n != 1 {
				t.Errorf("%d audited title changes; want 1", n)
			}
		})
	}
}

// TestStopFinishesAckedWork proves that stopping the bot first does the
// work it has acked: Slack will not deliver those events again.
func TestStopFinishesAckedWork(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	for i := range 5 {
		b.event(dm(fmt.Sprintf("Ev%d", i), "U1", "network"))
	}
	b.stop()
	for i := range 5 {
		select {
		case <-fs.posts:
		default:
			t.Fatalf("stopped with %d of 5 acked events unanswered", 5-i)
		}
	}
}

// panicky panics on "boom" and passes anything else to the engine.
type panicky struct{ next Handler }

func (p *panicky) Handle(ctx context.Context, c bot.Caller, text string) *bot.Reply {
	if text == "boom" {
		panic("boom")
	}
	return p.next.Handle(ctx, c, text)
}

// TestPanicDoesNotStopTheBot proves a panic in handling leaves the bot
// answering.
func TestPanicDoesNotStopTheBot(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	h := &panicky{}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), handler: h})
	h.next = bot.New(b.store, b.clock, slog.New(slog.DiscardHandler), time.UTC)
	b.event(dm("Ev1", "U1", "boom"))
	b.event(dm("Ev2", "U1", "network"))
	if got := next(t, fs.posts, "the answer after the panic"); !strings.Contains(got.Text, "R2P") {
		t.Errorf("answer %+v", got)
	}
	if !strings.Contains(b.logs.String(), "panicked") {
		t.Errorf("the panic was not logged:\n%s", b.logs)
	}
}

// audited counts the audit entries whose after-state mentions what.
func (b *testBot) audited(t *testing.T, what string) int {
	t.Helper()
	entries, err := b.store.Audit(context.Background(), model.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.Contains(e.After, what) {
			n++
		}
	}
	return n
}

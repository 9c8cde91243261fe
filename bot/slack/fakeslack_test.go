package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/slacktest"
)

// waitFor is how long a test waits for something that should happen at once.
const waitFor = 10 * time.Second

// post is a message the bot posted, or an answer through a response_url.
type post struct {
	Channel, ThreadTS, Text string
	Blocks                  string // Block Kit JSON, when the message has blocks
	ResponseType            string // response_url answers only
	ReplaceOriginal         bool   // response_url answers only
}

// fakeSlack is slacktest's server with the endpoints focalbot uses that it
// lacks or fakes too little (users.info with e-mail and time zone,
// conversations.open, views.*, response_url, Socket Mode), recording what
// the bot sends.
type fakeSlack struct {
	*slacktest.Server
	t testing.TB

	posts     chan post            // chat.postMessage
	responses chan post            // response_url
	homes     chan json.RawMessage // views.publish
	modals    chan json.RawMessage // views.open
	sockets   chan *socketConn     // Socket Mode connections, after hello
	files     chan post            // files shared: Channel, Text = the file's content

	mu        sync.Mutex
	users     map[string]map[string]any
	failPosts []int                       // statuses for the next chat.postMessage calls: 429 or 5xx
	lostPosts int                         // the next chat.postMessage calls are posted, but their connection breaks before the answer
	history   map[string][]map[string]any // messages posted, by channel, newest first (conversations.history)
	calls     map[string]int
	openFails []string // errors for the next apps.connections.open calls; "http404" answers 404
	drops     int      // the next Socket Mode connections are closed right after hello
	refusals  int      // the next Socket Mode handshakes are answered 503
	uploaded  string   // the last file uploaded
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{
		t:         t,
		posts:     make(chan post, 100),
		responses: make(chan post, 100),
		homes:     make(chan json.RawMessage, 100),
		modals:    make(chan json.RawMessage, 100),
		sockets:   make(chan *socketConn, 10),
		files:     make(chan post, 100),
		users:     map[string]map[string]any{},
		calls:     map[string]int{},
		history:   map[string][]map[string]any{},
	}
	f.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/auth.test", f.api("auth.test", func(url.Values) any {
			return map[string]any{"user_id": "UBOT", "user": "focalbot", "team_id": "T1"}
		}))
		c.Handle("/users.info", f.api("users.info", func(v url.Values) any {
			f.mu.Lock()
			defer f.mu.Unlock()
			u, ok := f.users[v.Get("user")]
			if !ok {
				return map[string]any{"ok": false, "error": "user_not_found"}
			}
			if v.Get("include_locale") != "true" { // Slack gives the locale only when asked
				u = maps.Clone(u)
				delete(u, "locale")
			}
			return map[string]any{"user": u}
		}))
		c.Handle("/conversations.open", f.api("conversations.open", func(v url.Values) any {
			return map[string]any{"channel": map[string]any{"id": "D" + v.Get("users")}}
		}))
		c.Handle("/chat.postMessage", f.postMessage)
		c.Handle("/conversations.history", f.api("conversations.history", f.conversationsHistory))
		c.Handle("/files.getUploadURLExternal", f.api("files.getUploadURLExternal", func(v url.Values) any {
			return map[string]any{"upload_url": "http://" + f.ServerAddr + "/upload/" + v.Get("filename"), "file_id": "F1"}
		}))
		c.Handle("/upload/", f.upload)
		c.Handle("/files.completeUploadExternal", f.api("files.completeUploadExternal", func(v url.Values) any {
			f.mu.Lock()
			content := f.uploaded
			f.mu.Unlock()
			f.files <- post{Channel: v.Get("channel_id"), Text: content}
			return map[string]any{"files": []map[string]any{{"id": "F1", "title": "invite.ics"}}}
		}))
		c.Handle("/views.publish", f.view("views.publish", f.homes))
		c.Handle("/views.open", f.view("views.open", f.modals))
		c.Handle("/response/", f.response)
		c.Handle("/apps.connections.open", f.connectionsOpen)
		ws := slacktest.Websocket(f.socket)
		c.Handle("/socket", func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			refuse := f.refusals > 0
			if refuse {
				f.refusals--
			}
			f.mu.Unlock()
			if refuse {
				http.Error(w, "try later", http.StatusServiceUnavailable)
				return
			}
			ws(w, r)
		})
	})
	f.Start()
	t.Cleanup(f.Stop)
	return f
}

// addUser makes a Slack user that users.info knows.
func (f *fakeSlack) addUser(id, email, name, tz string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = map[string]any{"id": id, "name": strings.ToLower(strings.Fields(name)[0]), "real_name": name, "tz": tz,
		"profile": map[string]any{"email": email, "real_name": name}}
}

// setLocale gives a Slack user made by addUser a locale ("fr-FR"), which
// users.info returns with include_locale.
func (f *fakeSlack) setLocale(id, locale string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id]["locale"] = locale
}

func (f *fakeSlack) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeSlack) called(method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[method]++
}

// responseURL is where the bot answers a slash command.
func (f *fakeSlack) responseURL(name string) string {
	return "http://" + f.ServerAddr + "/response/" + name
}

// api serves a Web API method with fn's answer, "ok": true unless it says.
func (f *fakeSlack) api(method string, fn func(url.Values) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.called(method)
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp := fn(r.Form).(map[string]any)
		if _, ok := resp["ok"]; !ok {
			resp["ok"] = true
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	}
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	f.called("chat.postMessage")
	f.mu.Lock()
	var status int
	if len(f.failPosts) > 0 {
		status, f.failPosts = f.failPosts[0], f.failPosts[1:]
	}
	f.mu.Unlock()
	switch {
	case status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "7")
		http.Error(w, "slow down", status)
		return
	case status != 0:
		http.Error(w, "<html>oops</html>", status)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !f.withinLimits(w, surfaceMessage, r.Form.Get("blocks")) {
		return
	}
	if !deliver(r, f.posts, post{Channel: r.Form.Get("channel"), ThreadTS: r.Form.Get("thread_ts"), Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks")}) {
		return
	}
	msg := map[string]any{"type": "message", "user": "UBOT", "text": r.Form.Get("text"), "ts": "1348927200.000100"}
	if meta := r.Form.Get("metadata"); meta != "" {
		msg["metadata"] = json.RawMessage(meta)
	}
	f.mu.Lock()
	ch := r.Form.Get("channel")
	f.history[ch] = append([]map[string]any{msg}, f.history[ch]...)
	lost := f.lostPosts > 0
	if lost {
		f.lostPosts--
	}
	f.mu.Unlock()
	if lost { // posted, but the bot never hears so
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1348927200.000100"}`, r.Form.Get("channel"))
}

// conversationsHistory answers with a channel's latest messages since
// oldest, with their metadata only when include_all_metadata is set.
func (f *fakeSlack) conversationsHistory(v url.Values) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	limit, _ := strconv.Atoi(v.Get("limit"))
	oldest, _ := strconv.ParseFloat(v.Get("oldest"), 64)
	messages := []map[string]any{}
	for _, m := range f.history[v.Get("channel")] {
		if ts, _ := strconv.ParseFloat(m["ts"].(string), 64); ts < oldest || (limit > 0 && len(messages) == limit) {
			break
		}
		m = maps.Clone(m)
		if v.Get("include_all_metadata") != "1" {
			delete(m, "metadata")
		}
		messages = append(messages, m)
	}
	return map[string]any{"messages": messages, "has_more": false}
}

// upload receives a file's content, as Slack's upload URL does.
func (f *fakeSlack) upload(w http.ResponseWriter, r *http.Request) {
	file, _, err := r.FormFile("file")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b, _ := io.ReadAll(file)
	f.mu.Lock()
	f.uploaded = string(b)
	f.mu.Unlock()
	_, _ = io.WriteString(w, "OK")
}

func (f *fakeSlack) view(method string, into chan json.RawMessage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.called(method)
		body, _ := io.ReadAll(r.Body)
		if !f.withinLimits(w, viewSurface(method), string(body)) {
			return
		}
		if !deliver(r, into, json.RawMessage(body)) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true,"view":{"id":"V1"}}`)
	}
}

func (f *fakeSlack) response(w http.ResponseWriter, r *http.Request) {
	var m struct {
		Text            string          `json:"text"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		Blocks          json.RawMessage `json:"blocks"`
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !f.withinLimits(w, surfaceMessage, string(m.Blocks)) {
		return
	}
	deliver(r, f.responses, post{Channel: strings.TrimPrefix(r.URL.Path, "/response/"), Text: m.Text, ResponseType: m.ResponseType,
		ReplaceOriginal: m.ReplaceOriginal, Blocks: string(m.Blocks)})
}

// deliver hands v to the test, unless the bot gave up on the request.
func deliver[T any](r *http.Request, ch chan T, v T) bool {
	select {
	case ch <- v:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (f *fakeSlack) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	f.called("apps.connections.open")
	f.mu.Lock()
	var fail string
	if len(f.openFails) > 0 {
		fail, f.openFails = f.openFails[0], f.openFails[1:]
	}
	f.mu.Unlock()
	if fail == "http404" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if fail != "" {
		fmt.Fprintf(w, `{"ok":false,"error":%q}`, fail)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"url":"ws://%s/socket"}`, f.ServerAddr)
}

// socketConn is the server's end of one Socket Mode connection.
type socketConn struct {
	conn *websocket.Conn
	acks chan map[string]any
	done chan struct{}
}

// socket plays Slack's side of Socket Mode: hello, then whatever the test
// sends, collecting the acks.
func (f *fakeSlack) socket(c *websocket.Conn) {
	sc := &socketConn{conn: c, acks: make(chan map[string]any, 100), done: make(chan struct{})}
	defer close(sc.done)
	if err := c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
		return
	}
	f.mu.Lock()
	drop := f.drops > 0
	if drop {
		f.drops--
	}
	f.mu.Unlock()
	if drop {
		f.called("dropped")
		c.Close()
		return
	}
	f.sockets <- sc
	for {
		var m map[string]any
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		sc.acks <- m
	}
}

// send sends an envelope to the bot.
func (sc *socketConn) send(t *testing.T, v any) {
	t.Helper()
	if err := sc.conn.WriteJSON(v); err != nil {
		t.Fatalf("send on the socket: %v", err)
	}
}

// ack waits for the bot's ack of an envelope.
func (sc *socketConn) ack(t *testing.T, envelopeID string) map[string]any {
	t.Helper()
	timeout := time.After(waitFor)
	for {
		select {
		case m := <-sc.acks:
			if m["envelope_id"] == envelopeID {
				return m
			}
		case <-timeout:
			t.Fatalf("no ack for envelope %s", envelopeID)
			return nil
		}
	}
}

// next waits for a value on ch.
func next[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitFor):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// none checks that nothing is waiting on ch.
func none[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %s: %+v", what, v)
	default:
	}
}

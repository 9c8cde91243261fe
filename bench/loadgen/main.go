// Command loadgen is the load generator of focalbot's Slack benchmarks, the
// same for focalbot and for its peer, a minimal Bolt-JS app (bench/bolt):
// it plays Slack. It serves a stand-in for the Slack Web API (auth.test,
// users.info, conversations.open, chat.postMessage, counting the replies
// posted), waits until the bot under test answers a signed url_verification,
// then sends -n correctly signed message.im events from -users users with
// -c requests in flight, each sent as soon as a sender is free, and prints
// acks a second, the ack latency (p50, p99), the refusals (503) and how many
// replies were posted, and when. With -pid it also prints the bot's resident
// memory and CPU time before and after the burst.
//
//	go run ./bench/loadgen -api 127.0.0.1:9901 -url http://127.0.0.1:8080/slack/events -secret s3cr3t
//
// bench/slackpeer.sh runs focalbot and the Bolt app against it in turn.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	var (
		apiAddr = flag.String("api", "127.0.0.1:9901", "address of the stand-in Slack Web API (the bot's SLACK_API_URL is http://<this>/api/)")
		target  = flag.String("url", "http://127.0.0.1:8080/slack/events", "the bot's Events API URL")
		secret  = flag.String("secret", "", "the signing secret the bot was given")
		n       = flag.Int("n", 4000, "events to send")
		conc    = flag.Int("c", 32, "requests in flight at most")
		users   = flag.Int("users", 64, "distinct users sending them")
		text    = flag.String("text", "network", "what each message says")
		wait    = flag.Duration("wait", 60*time.Second, "how long to wait for the bot to come up")
		settle  = flag.Duration("settle", 20*time.Second, "how long to wait after the last ack for the replies")
		pid     = flag.Int("pid", 0, "the bot's process ID, to report its memory and CPU time")
		label   = flag.String("label", "bot", "the name printed with the results")
	)
	flag.Parse()
	if *secret == "" {
		fmt.Fprintln(os.Stderr, "loadgen: -secret is required: the signing secret the bot checks")
		os.Exit(2)
	}
	api := newFakeAPI()
	ln, err := net.Listen("tcp", *apiAddr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	go func() { _ = http.Serve(ln, api) }()

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}}
	if err := waitUp(client, *target, *secret, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	time.Sleep(2 * time.Second) // let start-up work settle before measuring idle memory
	before := usage(*pid)
	res := burst(client, *target, *secret, *n, *conc, *users, *text, api)
	deadline := time.Now().Add(*settle)
	for api.posts.Load() < int64(*n) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	after := usage(*pid)
	res.print(*label, api, before, after)
}

// result is what a burst measured.
type result struct {
	n          int
	start      time.Time
	acked      time.Duration // from the first send to the last ack
	latencies  []time.Duration
	ok, busy   int
	other      map[int]int
	transportE int
}

func burst(client *http.Client, target, secret string, n, conc, users int, text string, api *fakeAPI) *result {
	r := &result{n: n, latencies: make([]time.Duration, n), other: map[int]int{}}
	codes := make([]int, n)
	work := make(chan int, conc)
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for i := range work {
				user := fmt.Sprintf("U%04d", i%users)
				body := message(fmt.Sprintf("EvLoad%07d", i), user, text)
				t0 := time.Now()
				code, err := post(client, target, secret, body)
				r.latencies[i] = time.Since(t0)
				if err != nil {
					code = -1
				}
				codes[i] = code
			}
		})
	}
	r.start = time.Now()
	api.since(r.start)
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	r.acked = time.Since(r.start)
	for _, c := range codes {
		switch c {
		case http.StatusOK:
			r.ok++
		case http.StatusServiceUnavailable:
			r.busy++
		case -1:
			r.transportE++
		default:
			r.other[c]++
		}
	}
	slices.Sort(r.latencies)
	return r
}

func (r *result) print(label string, api *fakeAPI, before, after procUsage) {
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
	}
	fmt.Printf("%s: %d events, %d acked 200, %d refused 503, %d failed, other %v\n", label, r.n, r.ok, r.busy, r.transportE, r.other)
	fmt.Printf("%s: acks/s %.0f  ack p50 %s ms  p99 %s ms\n", label, float64(r.n)/r.acked.Seconds(), ms(r.latencies[r.n/2]), ms(r.latencies[r.n*99/100]))
	posts, last := api.posted()
	if posts > 0 {
		fmt.Printf("%s: replies posted %d, the last %s ms after the first send: %.0f round trips/s\n",
			label, posts, ms(last), float64(posts)/last.Seconds())
	} else {
		fmt.Printf("%s: replies posted 0\n", label)
	}
	if before.ok {
		fmt.Printf("%s: RSS idle %.1f MiB, after the burst %.1f MiB; CPU during the burst %.2f s (%.0f µs an event)\n",
			label, before.rssMiB, after.rssMiB, after.cpu-before.cpu, (after.cpu-before.cpu)*1e6/float64(r.n))
	}
}

// waitUp sends a signed url_verification until the bot answers it.
func waitUp(client *http.Client, target, secret string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	body := `{"token":"x","challenge":"loadgen","type":"url_verification"}`
	for {
		code, err := post(client, target, secret, body)
		if err == nil && code == http.StatusOK {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the bot at %s did not answer within %v (last: %d %v)", target, wait, code, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// post sends body to target signed as Slack signs it, and returns the status.
func post(client *http.Client, target, secret, body string) (int, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var sink [512]byte
	for {
		if _, err := resp.Body.Read(sink[:]); err != nil {
			break
		}
	}
	return resp.StatusCode, nil
}

// message is a message.im event_callback as the Events API sends it.
func message(eventID, user, text string) string {
	b, _ := json.Marshal(map[string]any{
		"token": "ignored", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "message", "channel_type": "im", "channel": "D" + user,
			"user": user, "text": text, "ts": fmt.Sprintf("%d.000100", time.Now().Unix())},
	})
	return string(b)
}

// fakeAPI answers the Web API methods a bot calls to reply to a message.
type fakeAPI struct {
	posts atomic.Int64
	mu    sync.Mutex
	start time.Time
	last  time.Time
}

func newFakeAPI() *fakeAPI { return &fakeAPI{} }

func (f *fakeAPI) since(t time.Time) {
	f.mu.Lock()
	f.start, f.last = t, time.Time{}
	f.mu.Unlock()
	f.posts.Store(0)
}

func (f *fakeAPI) posted() (int64, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last.IsZero() {
		return 0, 0
	}
	return f.posts.Load(), f.last.Sub(f.start)
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	var v any
	switch method {
	case "auth.test":
		v = map[string]any{"ok": true, "user_id": "UBOT", "user": "bot", "team_id": "T1", "bot_id": "BBOT"}
	case "users.info":
		id := r.Form.Get("user")
		v = map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(id),
			"real_name": "User " + id, "tz": "Europe/Copenhagen",
			"profile": map[string]any{"email": strings.ToLower(id) + "@example.org", "real_name": "User " + id}}}
	case "conversations.open":
		v = map[string]any{"ok": true, "channel": map[string]any{"id": "D" + r.Form.Get("users")}}
	case "chat.postMessage":
		f.mu.Lock()
		f.last = time.Now()
		f.mu.Unlock()
		f.posts.Add(1)
		v = map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": strconv.FormatInt(time.Now().UnixNano(), 10)}
	default:
		v = map[string]any{"ok": true}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// procUsage is a process's resident memory and CPU time.
type procUsage struct {
	ok     bool
	rssMiB float64
	cpu    float64 // seconds, user and system
}

// usage reads pid's memory and CPU time from /proc (Linux).
func usage(pid int) procUsage {
	if pid <= 0 {
		return procUsage{}
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procUsage{}
	}
	var u procUsage
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			u.rssMiB = kb / 1024
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procUsage{}
	}
	// Fields after the command (which may hold spaces) in parentheses.
	_, after, ok := strings.Cut(string(stat), ") ")
	if !ok {
		return procUsage{}
	}
	f := strings.Fields(after)
	if len(f) < 13 {
		return procUsage{}
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err := errors.Join(err1, err2); err != nil {
		return procUsage{}
	}
	u.cpu = (utime + stime) / 100 // clock ticks; 100 a second on Linux
	u.ok = true
	return u
}

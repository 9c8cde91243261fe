package slack

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/storetest"
)

// testThrottle is a throttle over the real Web API client against the fake
// Slack, on a fixed clock that its waits move on instead of sleeping; it
// records each wait.
func testThrottle(t *testing.T, apiURL string) (*throttle, *[]time.Duration) {
	clk := clock.Fixed(t0)
	th := newThrottle(newWebAPI("xoxb-test", apiURL, http.DefaultClient), clk, slog.New(slog.DiscardHandler))
	var waits []time.Duration
	th.wait = func(ctx context.Context, d time.Duration) error {
		if d > 0 {
			waits = append(waits, d)
			clk.Advance(d)
		}
		return ctx.Err()
	}
	return th, &waits
}

func TestThrottle(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		failures  []int
		wantErr   bool
		wantCalls int
		wantWaits []time.Duration
	}{
		{"a 429 waits its Retry-After, then the call goes through", []int{429}, false, 2, []time.Duration{7 * time.Second}},
		{"server errors back off, doubling", []int{503, 500}, false, 3, []time.Duration{time.Second, 2 * time.Second}},
		{"after five tries the error is returned", []int{502, 502, 502, 502, 502}, true, 5,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}},
		{"a client error is not retried", []int{400}, true, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakeSlack(t)
			fs.failPosts = tc.failures
			th, waits := testThrottle(t, fs.GetAPIURL())
			err := th.postMessage(ctx, "C1", "", "hello")
			if (err != nil) != tc.wantErr {
				t.Errorf("postMessage error = %v; want error %v", err, tc.wantErr)
			}
			if n := fs.count("chat.postMessage"); n != tc.wantCalls {
				t.Errorf("%d calls; want %d", n, tc.wantCalls)
			}
			if !slices.Equal(*waits, tc.wantWaits) {
				t.Errorf("waits %v; want %v", *waits, tc.wantWaits)
			}
			if !tc.wantErr {
				if p := next(t, fs.posts, "the post"); p.Text != "hello" {
					t.Errorf("posted %+v", p)
				}
			}
		})
	}
}

// TestThrottleHoldsTheMethod proves that after a 429 nothing is sent on that
// method, in any channel, before Retry-After has passed; other methods go on.
func TestThrottleHoldsTheMethod(t *testing.T) {
	th, _ := testThrottle(t, "http://127.0.0.1:1/")
	th.hold("chat.postMessage", 7*time.Second)
	if d := th.admit("chat.postMessage", "C2"); d != 7*time.Second {
		t.Errorf("chat.postMessage in another channel may go in %v; want 7s", d)
	}
	if d := th.admit("users.info", ""); d != 0 {
		t.Errorf("users.info must wait %v; want 0", d)
	}
}

// TestThrottlePaces proves the pacing before Slack has to refuse: about one
// message a second in a channel after a short burst, each channel on its
// own, and a method's tier budget.
func TestThrottlePaces(t *testing.T) {
	th, _ := testThrottle(t, "http://127.0.0.1:1/")
	var got []time.Duration
	for _, ch := range []string{"C1", "C1", "C1", "C2", "C1"} {
		got = append(got, th.admit("chat.postMessage", ch))
	}
	want := []time.Duration{0, 0, time.Second, 0, 2 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("chat.postMessage waits %v; want %v", got, want)
	}

	got = nil
	for range 12 { // Tier 4: 100 a minute, bursts of 10
		got = append(got, th.admit("users.info", ""))
	}
	if got[9] != 0 || got[10] != 600*time.Millisecond || got[11] != 1200*time.Millisecond {
		t.Errorf("users.info waits %v; want ten at once, then one every 600ms", got)
	}
}

// TestThrottleRetriesBrokenConnections proves a connection that fails is
// retried with backoff.
func TestThrottleRetriesBrokenConnections(t *testing.T) {
	th, waits := testThrottle(t, "http://127.0.0.1:1/")
	if err := th.postMessage(context.Background(), "C1", "", "hello"); err == nil {
		t.Fatal("posting to a closed port succeeded")
	}
	if len(*waits) != 4 {
		t.Errorf("waits %v; want four backoffs between five tries", *waits)
	}
}

// timedDMs is an api whose conversations.open records when, on the
// throttle's clock, each call reached Slack.
type timedDMs struct {
	api
	clk *clock.Offset
	at  []time.Time
}

func (d *timedDMs) openDM(ctx context.Context, userID string) (string, error) {
	d.at = append(d.at, d.clk.Now())
	return "D" + userID, nil
}

// TestThrottleRetryAfterHoldsQueuedCalls proves that a call already waiting
// for its pacing slot when a 429 arrives does not leave before the 429's
// Retry-After has passed.
func TestThrottleRetryAfterHoldsQueuedCalls(t *testing.T) {
	clk := clock.Fixed(t0)
	api := &timedDMs{clk: clk}
	th := newThrottle(api, clk, slog.New(slog.DiscardHandler))
	for range 5 { // conversations.open's burst, used up
		th.admit("conversations.open", "")
	}
	var limited time.Time
	th.wait = func(ctx context.Context, d time.Duration) error {
		if limited.IsZero() {
			// While the call waits for its slot (1.2 s), another gets a
			// 429 that says 7 s.
			limited = clk.Now()
			th.hold("conversations.open", 7*time.Second)
		}
		clk.Advance(d)
		return ctx.Err()
	}
	if _, err := th.openDM(context.Background(), "U1"); err != nil {
		t.Fatal(err)
	}
	if len(api.at) != 1 {
		t.Fatalf("%d calls; want 1", len(api.at))
	}
	if early := limited.Add(7 * time.Second).Sub(api.at[0]); early > 0 {
		t.Errorf("the queued call went out %v before Retry-After had passed", early)
	}
}

// TestUnpacedLiftsThePacing: Options.Unpaced, for benchmarks against a
// stand-in for Slack, makes no call wait for a budget; without it the same
// calls are paced.
func TestUnpacedLiftsThePacing(t *testing.T) {
	for _, unpaced := range []bool{false, true} {
		store := storetest.Open(t, storetest.Backends[0].DSN(t), clock.Fixed(t0))
		tr, err := New(Options{Handler: bot.New(store, clock.Fixed(t0), slog.New(slog.DiscardHandler), time.UTC), Deliveries: store,
			Clock: clock.Fixed(t0), BotToken: "xoxb-1", APIURL: "http://127.0.0.1:1/", Unpaced: unpaced})
		if err != nil {
			t.Fatal(err)
		}
		var waited time.Duration
		for range 30 {
			waited += tr.throttle.admit("chat.postMessage", "D1") + tr.throttle.admit("users.info", "")
		}
		if unpaced && waited != 0 {
			t.Errorf("unpaced, 30 replies in one channel waited %v", waited)
		}
		if !unpaced && waited < 10*time.Second {
			t.Errorf("paced, 30 replies in one channel waited only %v", waited)
		}
	}
}

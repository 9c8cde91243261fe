package slack

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"focalbot/clock"
)

// A budget is a rate with a burst: at most burst calls at once, then one
// every interval.
type budget struct {
	interval time.Duration
	burst    int
}

func perMinute(n, burst int) budget {
	return budget{interval: time.Minute / time.Duration(n), burst: burst}
}

// Slack's published limits, per method and workspace, by tier; and for
// chat.postMessage about one message per second in each channel. The
// throttle keeps a little under them.
var (
	tier3 = perMinute(50, 5)
	tier4 = perMinute(100, 10)

	methodBudgets = map[string]budget{
		"auth.test":             tier4,
		"users.info":            tier4,
		"conversations.open":    tier3,
		"conversations.history": tier3,
		"chat.postMessage":      perMinute(600, 20), // "several hundred a minute" across the workspace
		"views.publish":         tier4,
		"views.open":            tier4,
		"response_url":          tier4,
		// An upload is files.getUploadURLExternal then files.completeUploadExternal, both tier 4.
		"files.completeUploadExternal": perMinute(50, 5),
	}
	channelBudget = budget{interval: time.Second, burst: 2}
)

// bucket is a GCRA rate limiter on the injected clock: tat is the
// theoretical arrival time of the next call.
type bucket struct {
	budget
	tat time.Time
}

// reserve books a call at now and returns how long it must wait.
func (b *bucket) reserve(now time.Time) time.Duration {
	if b.tat.Before(now) {
		b.tat = now
	}
	wait := b.tat.Sub(now) - time.Duration(b.burst-1)*b.interval
	b.tat = b.tat.Add(b.interval)
	return max(wait, 0)
}

// throttle wraps an api: it paces calls within Slack's budgets before Slack
// has to refuse them, holds a method back for as long as a 429 says, and
// retries 429s, server errors and broken connections with capped backoff.
type throttle struct {
	next  api
	clock clock.Clock
	log   *slog.Logger
	wait  func(ctx context.Context, d time.Duration) error

	budgets    map[string]budget // by method; see methodBudgets
	perChannel budget            // chat.postMessage in one channel

	attempts   int           // tries per call, the first included
	backoff    time.Duration // the first wait after a server or connection error
	maxBackoff time.Duration

	// stopped, if set, says that Slack refused the token for good: no
	// call is made. refused is told when Slack answers so.
	stopped func() bool
	refused func(code string)

	mu       sync.Mutex
	methods  map[string]*bucket
	channels map[string]*bucket
	until    map[string]time.Time // a method may not be called before this (Retry-After)
}

func newThrottle(next api, clk clock.Clock, log *slog.Logger) *throttle {
	return &throttle{
		next: next, clock: clk, log: log, wait: sleep,
		budgets: methodBudgets, perChannel: channelBudget,
		attempts: 5, backoff: time.Second, maxBackoff: 30 * time.Second,
		methods: map[string]*bucket{}, channels: map[string]*bucket{}, until: map[string]time.Time{},
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// admit books one call of method (in channel, for chat.postMessage) and
// returns how long to wait before making it.
func (t *throttle) admit(method, channel string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	d := t.until[method].Sub(now)
	if b, ok := t.budgets[method]; ok {
		if t.methods[method] == nil {
			t.methods[method] = &bucket{budget: b}
		}
		d = max(d, t.methods[method].reserve(now))
	}
	if channel != "" {
		if len(t.channels) > 10000 {
			t.forgetIdleChannels(now)
		}
		if t.channels[channel] == nil {
			t.channels[channel] = &bucket{budget: t.perChannel}
		}
		d = max(d, t.channels[channel].reserve(now))
	}
	return d
}

// forgetIdleChannels drops the pacing of channels that have been quiet.
func (t *throttle) forgetIdleChannels(now time.Time) {
	for id, b := range t.channels {
		if b.tat.Before(now) {
			delete(t.channels, id)
		}
	}
}

// hold keeps method back until d from now, as a 429's Retry-After asks.
func (t *throttle) hold(method string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if until := t.clock.Now().Add(d); until.After(t.until[method]) {
		t.until[method] = until
	}
}

// held is how long method is still held back by a Retry-After.
func (t *throttle) held(method string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.until[method].Sub(t.clock.Now())
}

// do makes one call within the budgets, retrying what can be retried.
func (t *throttle) do(ctx context.Context, method, channel string, call func(ctx context.Context) error) error {
	backoff := t.backoff
	for attempt := 1; ; attempt++ {
		if t.stopped != nil && t.stopped() {
			return errStopped
		}
		if err := t.wait(ctx, t.admit(method, channel)); err != nil {
			return err
		}
		// A 429 that came while this call waited for its slot holds it
		// too: nothing leaves before Retry-After has passed.
		for d := t.held(method); d > 0; d = t.held(method) {
			if err := t.wait(ctx, d); err != nil {
				return err
			}
		}
		err := call(ctx)
		if code := refusedToken(err); code != "" && t.refused != nil {
			t.refused(code)
			return err
		}
		if err == nil || attempt >= t.attempts || ctx.Err() != nil {
			return err
		}
		var limited *slackapi.RateLimitedError
		switch {
		case errors.As(err, &limited):
			d := max(limited.RetryAfter, time.Second)
			t.log.Warn("slack rate limit hit; waiting as asked", "method", method, "retry_after", d, "attempt", attempt)
			t.hold(method, d)
		case transient(err):
			t.log.Warn("slack call failed; retrying", "method", method, "err", err, "in", backoff, "attempt", attempt)
			if err := t.wait(ctx, backoff); err != nil {
				return err
			}
			backoff = min(2*backoff, t.maxBackoff)
		default:
			return err
		}
	}
}

// transient reports whether err is worth retrying: a server error or a
// connection that failed.
func transient(err error) bool {
	var status slackapi.StatusCodeError
	if errors.As(err, &status) {
		return status.Retryable()
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

func (t *throttle) authTest(ctx context.Context) (id string, err error) {
	err = t.do(ctx, "auth.test", "", func(ctx context.Context) error {
		id, err = t.next.authTest(ctx)
		return err
	})
	return id, err
}

func (t *throttle) userInfo(ctx context.Context, userID string) (u *slackapi.User, err error) {
	err = t.do(ctx, "users.info", "", func(ctx context.Context) error {
		u, err = t.next.userInfo(ctx, userID)
		return err
	})
	return u, err
}

func (t *throttle) openDM(ctx context.Context, userID string) (id string, err error) {
	err = t.do(ctx, "conversations.open", "", func(ctx context.Context) error {
		id, err = t.next.openDM(ctx, userID)
		return err
	})
	return id, err
}

func (t *throttle) postMessage(ctx context.Context, channelID, threadTS, text string) error {
	return t.do(ctx, "chat.postMessage", channelID, func(ctx context.Context) error {
		return t.next.postMessage(ctx, channelID, threadTS, text)
	})
}

func (t *throttle) postBlocks(ctx context.Context, channelID, text string, blocks []slackapi.Block) error {
	return t.do(ctx, "chat.postMessage", channelID, func(ctx context.Context) error {
		return t.next.postBlocks(ctx, channelID, text, blocks)
	})
}

// postTagged posts a tagged message. A retry after a broken connection or a
// server error, when Slack may have posted the message all the same, first
// looks for it in the channel, and posts only if it is not there.
func (t *throttle) postTagged(ctx context.Context, channelID, text string, blocks []slackapi.Block, tag string) error {
	since := t.clock.Now().Add(-time.Minute)
	var last error
	return t.do(ctx, "chat.postMessage", channelID, func(ctx context.Context) error {
		if last != nil && transient(last) {
			found, err := t.findTagged(ctx, channelID, tag, since)
			if err != nil {
				return err
			}
			if found {
				t.log.Info("slack had the message before the connection failed; not posting it again", "channel", channelID, "tag", tag)
				return nil
			}
		}
		last = t.next.postTagged(ctx, channelID, text, blocks, tag)
		return last
	})
}

func (t *throttle) findTagged(ctx context.Context, channelID, tag string, since time.Time) (found bool, err error) {
	err = t.do(ctx, "conversations.history", "", func(ctx context.Context) error {
		found, err = t.next.findTagged(ctx, channelID, tag, since)
		return err
	})
	return found, err
}

func (t *throttle) uploadFile(ctx context.Context, channelID, name, title string, content []byte) error {
	return t.do(ctx, "files.completeUploadExternal", channelID, func(ctx context.Context) error {
		return t.next.uploadFile(ctx, channelID, name, title, content)
	})
}

// errNoResponseURL is the answer to an interaction or command that came
// without a usable response_url: there is nothing to call, or to retry.
var errNoResponseURL = errors.New("no usable response_url")

func (t *throttle) respond(ctx context.Context, responseURL string, msg *slackapi.WebhookMessage) error {
	if u, err := url.Parse(responseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errNoResponseURL
	}
	return t.do(ctx, "response_url", "", func(ctx context.Context) error {
		return t.next.respond(ctx, responseURL, msg)
	})
}

func (t *throttle) publishHome(ctx context.Context, userID string, view slackapi.HomeTabViewRequest) error {
	return t.do(ctx, "views.publish", "", func(ctx context.Context) error {
		return t.next.publishHome(ctx, userID, view)
	})
}

func (t *throttle) openModal(ctx context.Context, triggerID string, view slackapi.ModalViewRequest) error {
	return t.do(ctx, "views.open", "", func(ctx context.Context) error {
		return t.next.openModal(ctx, triggerID, view)
	})
}

// Package slack is focalbot's Slack transport. It takes what people write to
// the bot — direct messages, @mentions in channels, the /focal slash command,
// button clicks — over Socket Mode or the HTTP Events API, acknowledges it at
// once, and hands the text to the command engine on a bounded pool of
// workers; it posts the engine's reply back where it belongs. Every delivery
// from Slack is written to an inbox in the database before it is
// acknowledged, so that a retry, even after a restart, has no second effect,
// and what was acknowledged is handled even if the process dies first; every
// call to Slack's Web API is paced within Slack's rate limits.
//
// It knows Slack and the engine's Handle method, and nothing of commands,
// roles or storage beyond recording deliveries: who may do what is decided
// by the engine.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/model"
)

// Handler answers one line of text from a caller; *bot.Engine is one.
type Handler interface {
	Handle(ctx context.Context, c bot.Caller, text string) *bot.Reply
}

// Deliveries remembers which deliveries from Slack have been seen, and is
// the inbox where what was accepted waits until it is handled;
// *storage.Store is one.
type Deliveries interface {
	// FirstDelivery records key as seen and done, and reports whether it is new.
	FirstDelivery(ctx context.Context, key string) (bool, error)
	// AcceptDeliveries puts items in the inbox, claimed by owner until
	// until, and reports for each whether its key is new.
	AcceptDeliveries(ctx context.Context, items []model.InboxItem, owner string, until time.Time) ([]bool, error)
	// ClaimDeliveries claims for owner up to limit items nobody holds.
	ClaimDeliveries(ctx context.Context, owner string, now, until time.Time, maxAttempts, limit int) ([]model.InboxItem, error)
	// RenewDeliveries extends owner's claims on what it has not done.
	RenewDeliveries(ctx context.Context, owner string, until time.Time) (int64, error)
	// DeliveriesDone records that keys were handled.
	DeliveriesDone(ctx context.Context, at time.Time, keys ...string) error
	// ReleaseDeliveries gives up owner's claims on keys (all, if none).
	ReleaseDeliveries(ctx context.Context, owner string, keys ...string) error
}

// Options configures a Transport.
type Options struct {
	Handler    Handler     // required: the engine
	Deliveries Deliveries  // required: durable dedupe of Slack's retries
	Clock      clock.Clock // required
	Log        *slog.Logger

	BotToken      string // xoxb-…, required
	AppToken      string // xapp-…, for Socket Mode
	SigningSecret string // for the HTTP Events API
	APIURL        string // the Web API's base URL; empty for Slack's own

	// Unpaced lifts the pacing of Web API calls to Slack's limits (calls
	// are still retried, and a 429 still holds a method back): for
	// benchmarks against a stand-in for Slack only, so that they measure
	// the bot rather than the limits. Against Slack it would earn 429s.
	Unpaced bool

	Also       http.Handler // HTTP mode: served for every path that is not Slack's (calendar feeds)
	HTTPClient *http.Client // for calls to Slack; default: a 30-second timeout, a kept connection per worker
	Workers    int          // goroutines doing the work after the ack; default 16
	Queue      int          // work waiting for a worker in memory; more waits in the inbox, in the database; default 1024

	Acks func(mode string, took time.Duration) // hears of each ack ("socket" or "http") and its latency, for metrics; may be nil
}

// Transport connects the engine to Slack. Create it with New, then run it
// with RunSocketMode or Serve.
type Transport struct {
	handler    Handler
	deliveries Deliveries
	clock      clock.Clock
	log        *slog.Logger
	opt        Options

	api      api
	throttle *throttle
	users    *users
	stop     *stop           // closed when Slack refuses a token for good
	owner    string          // names this process's claims on the inbox
	inbox    chan inboxWrite // to writeInbox
	backlog  backlog         // work acked and waiting in the inbox for a worker
	kick     chan struct{}   // has tendInbox claim waiting work now

	mu       sync.Mutex
	jobs     chan job // closed by drain
	closed   bool
	workers  sync.WaitGroup
	stopWork context.CancelFunc // cancels the workers' context; set by start

	botUserID  string        // set by start, before any work
	socketPing time.Duration // tests shorten Socket Mode's wait for a ping

	socketMinBackoff time.Duration                                    // tests shorten the wait before reconnecting
	socketWait       func(ctx context.Context, d time.Duration) error // waits before reconnecting; tests move a clock instead

	authed   atomic.Bool // auth.test passed; see Ready
	socketUp atomic.Bool // a Socket Mode connection is up; see Ready
}

// New checks opt and returns a transport; it does not contact Slack yet.
func New(opt Options) (*Transport, error) {
	switch {
	case opt.Handler == nil || opt.Deliveries == nil || opt.Clock == nil:
		return nil, errors.New("slack transport: a handler, deliveries and a clock are required")
	case opt.BotToken == "":
		return nil, errors.New("slack transport: no bot token")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	if opt.HTTPClient == nil {
		// Keep a connection to Slack open for each worker.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = opt.Workers
		opt.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	if opt.Queue <= 0 {
		opt.Queue = 1024
	}
	log := opt.Log.With("component", "slack")
	t := &Transport{
		handler: opt.Handler, deliveries: opt.Deliveries, clock: opt.Clock, log: log, opt: opt,
		jobs: make(chan job, opt.Queue), owner: newOwner(), inbox: make(chan inboxWrite, opt.Queue),
		kick: make(chan struct{}, 1),
		stop: newStop(), socketWait: sleep,
	}
	go t.writeInbox()
	t.throttle = newThrottle(newWebAPI(opt.BotToken, opt.APIURL, opt.HTTPClient), opt.Clock, log)
	t.throttle.stopped = t.stop.isStopped
	if opt.Unpaced {
		t.throttle.budgets, t.throttle.perChannel = map[string]budget{}, budget{burst: 1}
		log.Warn("Slack's rate limits are not kept: FOCALBOT_BENCHMARK_UNPACED is for benchmarks against a stand-in for Slack")
	}
	t.throttle.refused = func(code string) { t.stopUsingTokens("bot", code) }
	t.api = newDMs(t.throttle)
	t.users = newUsers(t.api, opt.Clock, log)
	return t, nil
}

// start checks the bot token and learns the bot's user ID, then starts the
// workers, which stop when ctx is done.
func (t *Transport) start(ctx context.Context) error {
	id, err := t.api.authTest(ctx)
	if err != nil {
		return fmt.Errorf("slack: check the bot token (auth.test): %w", err)
	}
	t.botUserID = id
	t.authed.Store(true)
	// The workers outlive ctx: on the way out, drain lets them finish
	// what was acked, for a while.
	work, stop := context.WithCancel(context.WithoutCancel(ctx))
	t.stopWork = stop
	for range t.opt.Workers {
		t.workers.Go(func() { t.work(work) })
	}
	go t.tendInbox(ctx)
	if f, ok := t.deliveries.(forgetter); ok {
		go t.forgetOldDeliveries(ctx, f)
	}
	return nil
}

// forgetter is the optional ability to forget old deliveries; *storage.Store has it.
type forgetter interface {
	ForgetDeliveries(ctx context.Context, before time.Time) (int64, error)
}

// keepDeliveries is how long a delivery is remembered: Slack gives up
// retrying an event within the hour.
const keepDeliveries = 24 * time.Hour

// forgetOldDeliveries prunes the record of deliveries every hour.
func (t *Transport) forgetOldDeliveries(ctx context.Context, f forgetter) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := f.ForgetDeliveries(ctx, t.clock.Now().Add(-keepDeliveries)); err != nil {
			if ctx.Err() != nil {
				return
			}
			t.log.Warn("cannot forget old slack deliveries", "err", err)
		} else if n > 0 {
			t.log.Debug("forgot old slack deliveries", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// job is work to do after the ack. A job with a key is an inbox item's:
// it is recorded as done once it has run.
type job struct {
	key  string // "event:<event_id>", "envelope:<envelope_id>", "request:<hash>"; empty: not in the inbox
	what string // for the logs
	run  func(ctx context.Context)
}

// submit queues j without ever blocking, and reports whether it was taken.
func (t *Transport) submit(j job) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	select {
	case t.jobs <- j:
		return true
	default:
		return false // the caller leaves it in the inbox, and says so once (see backlog)
	}
}

func (t *Transport) work(ctx context.Context) {
	for j := range t.jobs {
		t.runJob(ctx, j)
		if len(t.jobs) <= cap(t.jobs)/2 && t.backlog.waiting() {
			t.takeUp()
		}
	}
}

// drainTimeout bounds how long stopping waits for acked work to be done.
const drainTimeout = 10 * time.Second

// drain takes no more work and waits for the workers to finish what was
// acked, for up to drainTimeout; then it cancels what is left.
func (t *Transport) drain() {
	t.mu.Lock()
	if !t.closed {
		t.closed = true
		close(t.jobs)
	}
	t.mu.Unlock()
	done := make(chan struct{})
	go func() {
		t.workers.Wait()
		close(done)
	}()
	timer := time.NewTimer(drainTimeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.log.Warn("slack work still running when stopping; cancelling it", "left", len(t.jobs))
		t.stopWork()
		<-done
	}
	t.stopWork()
	t.release() // what was not done is the next process's, at once
}

// runJob runs j and records its inbox item as done. Work cut short by
// stopping is left to the next process (see drain). A panic is logged, the
// item counts as done (it would panic again), and the worker goes on.
func (t *Transport) runJob(ctx context.Context, j job) {
	if ctx.Err() != nil {
		return // stopping: drain releases it
	}
	defer func() {
		if v := recover(); v != nil {
			t.log.Error("slack work panicked", "what", j.what, "panic", v, "stack", string(debug.Stack()))
		}
		if j.key != "" && ctx.Err() == nil {
			t.done(ctx, j.key)
		}
	}()
	j.run(ctx)
}

// eventJob turns an Events API event into work, or reports that there is
// nothing to do (the bot's own messages, edits, other event types).
func (t *Transport) eventJob(eventID string, ev slackevents.EventsAPIInnerEvent) (job, bool) {
	key := eventKey(eventID)
	switch e := ev.Data.(type) {
	case *slackevents.MessageEvent:
		if !e.IsIM() || e.User == "" || e.BotID != "" || e.SubType != "" || e.User == t.botUserID {
			return job{}, false
		}
		return job{key: key, what: "message.im", run: func(ctx context.Context) {
			t.converse(ctx, e.User, e.Channel, e.ThreadTimeStamp, e.Text, false)
		}}, true
	case *slackevents.AppMentionEvent:
		if e.User == "" || e.BotID != "" || e.User == t.botUserID {
			return job{}, false
		}
		thread := e.ThreadTimeStamp
		if thread == "" {
			thread = e.TimeStamp
		}
		return job{key: key, what: "app_mention", run: func(ctx context.Context) {
			t.converse(ctx, e.User, e.Channel, thread, e.Text, true)
		}}, true
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "home" || e.User == "" {
			return job{}, false
		}
		return t.homeJob(key, e.User), true
	case *slackevents.TokensRevokedEvent:
		if len(e.Tokens.Bot) == 0 {
			return job{}, false // only users' tokens, which the bot does not use
		}
		return job{key: key, what: "tokens_revoked", run: func(context.Context) { t.stopUsingTokens("bot", "tokens_revoked") }}, true
	case *slackevents.AppUninstalledEvent:
		return job{key: key, what: "app_uninstalled", run: func(context.Context) { t.stopUsingTokens("bot", "app_uninstalled") }}, true
	}
	return job{}, false
}

// eventKey is the dedupe key of an event: Slack retries it with the same ID.
func eventKey(eventID string) string { return "event:" + eventID }

// commandJob turns a /focal slash command into work; its reply goes to the
// command's response_url.
func (t *Transport) commandJob(cmd slackapi.SlashCommand) job {
	return job{what: "slash command", run: func(ctx context.Context) {
		reply := t.handleIn(ctx, cmd.UserID, cmd.Text, true) // an answer for everyone goes in_channel
		t.respond(ctx, cmd.UserID, cmd.ResponseURL, reply)
	}}
}

// converse answers a message. In a channel, a reply not meant for everyone
// goes to the caller's direct messages, with a pointer to it in the thread.
func (t *Transport) converse(ctx context.Context, userID, channel, threadTS, text string, inChannel bool) {
	reply := t.handleIn(ctx, userID, text, inChannel)
	if !inChannel || reply.Public {
		t.post(ctx, channel, threadTS, reply.Text())
		return
	}
	dm, err := t.api.openDM(ctx, userID)
	if err != nil {
		t.log.Error("cannot open a direct message", "user", userID, "err", err)
		return
	}
	t.post(ctx, dm, "", reply.Text())
	t.post(ctx, channel, threadTS, sayTo(reply, msgAnsweredInDM))
}

// post posts text, logging a failure: the work is after the ack, so there
// is no one else to tell.
func (t *Transport) post(ctx context.Context, channel, threadTS, text string) {
	for _, part := range split(escape(text), maxMessage) {
		if err := t.api.postMessage(ctx, channel, threadTS, part); err != nil {
			t.log.Error("cannot post to slack", "channel", channel, "err", err)
			return
		}
	}
}

// respond answers userID through a response_url: privately unless public.
// A response_url takes five answers: an answer in more parts than that
// goes there up to the fourth, then a fifth says that the rest is in the
// caller's direct messages, and the rest goes there. What the response_url
// does not take (it has expired, say, for a command resumed after a
// restart) goes there too. What the bot adds is in the reply's language.
func (t *Transport) respond(ctx context.Context, userID, responseURL string, reply *bot.Reply) {
	text := reply.Text()
	typ := slackapi.ResponseTypeEphemeral
	if reply.Public {
		typ = slackapi.ResponseTypeInChannel
	}
	parts := split(escape(text), maxMessage)
	viaURL := parts
	if len(parts) > maxResponses {
		viaURL = parts[:maxResponses-1]
	}
	sent := 0
	for _, part := range viaURL {
		if err := t.api.respond(ctx, responseURL, &slackapi.WebhookMessage{ResponseType: typ, Text: part}); err != nil {
			t.log.Warn("cannot answer through response_url; answering by direct message", "err", err)
			break
		}
		sent++
	}
	rest := parts[sent:]
	if len(rest) == 0 {
		return
	}
	if sent == len(viaURL) {
		if err := t.api.respond(ctx, responseURL, &slackapi.WebhookMessage{ResponseType: typ, Text: sayTo(reply, msgRestInDM)}); err != nil {
			t.log.Warn("cannot say where the rest of an answer is", "err", err)
		}
	}
	ch, err := t.api.openDM(ctx, userID)
	if err != nil {
		t.log.Error("cannot open a direct message for an answer", "user", userID, "err", err)
		return
	}
	for _, part := range rest {
		if err := t.api.postMessage(ctx, ch, "", part); err != nil {
			t.log.Error("cannot post an answer by direct message", "user", userID, "err", err)
			return
		}
	}
}

// maxResponses is how many times Slack lets a response_url be used.
const maxResponses = 5

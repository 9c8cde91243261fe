package delivery

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"focalbot/clock"
	"focalbot/i18n"
	"focalbot/model"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Store is what the dispatcher needs from storage.
type Store interface {
	Claim(ctx context.Context, now time.Time, channel model.Channel, limit int, lease time.Duration) ([]model.OutboxItem, error)
	MarkSent(ctx context.Context, at time.Time, ids ...int64) error
	Renew(ctx context.Context, claim string, until time.Time, ids ...int64) (int64, error)
	Retry(ctx context.Context, id int64, next time.Time, reason string) error
	Fail(ctx context.Context, id int64, reason string) error
	Enqueue(ctx context.Context, items []model.OutboxItem) ([]model.OutboxItem, error)
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
	NoteFailure(ctx context.Context, ch model.Channel, at time.Time, reason string) (model.Outage, error)
	MarkOutageNotified(ctx context.Context, ch model.Channel, at time.Time) (bool, error)
	EndOutage(ctx context.Context, ch model.Channel) (model.Outage, bool, error)
	Hasten(ctx context.Context, ch model.Channel, now time.Time) (int64, error)
}

// Sender sends one outbox item through its channel. An error it returns is
// temporary (the item is tried again later) unless it is Permanent: see
// Classify.
type Sender interface {
	Send(ctx context.Context, it model.OutboxItem, p Payload) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, it model.OutboxItem, p Payload) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, it model.OutboxItem, p Payload) error {
	return f(ctx, it, p)
}

// Observer hears of each send and failed attempt, for metrics. reason is
// "temporary" (tried again), "permanent" (refused) or "expired" (given up:
// no longer matters). waited is from when the item was due to its send.
type Observer interface {
	Sent(ch model.Channel, waited time.Duration)
	Failed(ch model.Channel, reason string)
}

// Dispatcher sends due outbox items, each channel's apart from the others'.
// Several may run against one PostgreSQL database: claims never overlap, so
// each item is sent by one of them.
type Dispatcher struct {
	Store   Store
	Senders map[model.Channel]Sender
	Clock   clock.Clock
	Log     *slog.Logger
	Planner Planner
	Batch   int           // items claimed at a time; default 100
	Lease   time.Duration // how long a claim holds; default 5 minutes
	Workers int           // items sent at once on each channel; default 8
	// RecordEvery is how many sends are recorded in one statement; default
	// 16. Recording each send on its own was most of the dispatcher's cost;
	// larger groups cost less, but a crash loses the record of up to about
	// twice this many sends (and Workers more under way), which go again,
	// with the same Message-ID, on restart.
	RecordEvery int
	// MaxAge is how long temporary failures keep an item queued, from the
	// first; default MaxAge (5 days). An item whose Deadline passes is given
	// up on sooner.
	MaxAge time.Duration
	// OutageAfter is how long every attempt on a channel must have failed
	// before the secretariat is told, once for the outage; default 30
	// minutes. They are told again, once, when a send gets through.
	OutageAfter time.Duration
	Zone        *time.Location // the zone of the times in notices; default UTC
	Observer    Observer       // hears of every outcome, for metrics; may be nil
	startOnce   sync.Once
	runs        atomic.Int32 // Runs under way; see Reserve
	kick        map[model.Channel]chan struct{}
	running     map[model.Channel]*sync.Mutex // held by the one run of a lane at a time

	mu        sync.Mutex
	sent      []int64                              // sent but not yet recorded; see record
	held      map[int64]claim                      // claimed and not yet recorded; see renew
	recording sync.Mutex                           // held while recording
	troubled  map[model.Channel]bool               // channels with an outage under way, as far as known in this run; absent: not known yet
	failed    map[model.Channel][]failure          // given up on in a lane's run, to report at its end
	offered   map[model.Channel][]model.OutboxItem // written claimed for this dispatcher, not yet taken; see Offer
	decoder   decoder                              // reads payloads, each meeting snapshot once
}

// failure is an item given up on, and why.
type failure struct {
	item    model.OutboxItem
	payload Payload
	reason  string
}

// claim is what holds an item: the claim's token, on the item's channel.
type claim struct {
	token   string
	channel model.Channel
}

func (d *Dispatcher) defaults() {
	d.startOnce.Do(func() {
		d.kick, d.running, d.held = map[model.Channel]chan struct{}{}, map[model.Channel]*sync.Mutex{}, map[int64]claim{}
		d.troubled, d.failed, d.offered = map[model.Channel]bool{}, map[model.Channel][]failure{}, map[model.Channel][]model.OutboxItem{}
		for _, ch := range channels {
			d.kick[ch], d.running[ch] = make(chan struct{}, 1), new(sync.Mutex)
		}
		if d.Batch == 0 {
			d.Batch = 100
		}
		if d.Lease == 0 {
			d.Lease = 5 * time.Minute
		}
		if d.Workers == 0 {
			d.Workers = 8
		}
		if d.MaxAge == 0 {
			d.MaxAge = MaxAge
		}
		if d.OutageAfter == 0 {
			d.OutageAfter = 30 * time.Minute
		}
		if d.Zone == nil {
			d.Zone = time.UTC
		}
		if d.RecordEvery == 0 {
			d.RecordEvery = 16
		}
	})
}

// Kick asks a running dispatcher to look at the outbox now.
func (d *Dispatcher) Kick() {
	d.defaults()
	for _, k := range d.kick {
		select {
		case k <- struct{}{}:
		default:
		}
	}
}

// Run dispatches whenever kicked and every interval, until ctx ends, each
// channel on its own: e-mail queued while Slack messages wait on Slack's
// pacing goes out at once. A batch under way when ctx ends is finished, not
// cut off: a send cut off half-way would be recorded as failed and wait for
// its retry.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) error {
	d.defaults()
	d.runs.Add(1)
	defer d.runs.Add(-1)
	var wg sync.WaitGroup
	for _, ch := range channels {
		wg.Go(func() {
			t := time.NewTicker(interval)
			defer t.Stop()
			for {
				if _, _, err := d.runLane(context.WithoutCancel(ctx), ctx.Done(), ch); err != nil {
					d.Log.Error("dispatch", "channel", ch, "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				case <-d.kick[ch]:
				}
			}
		})
	}
	wg.Wait()
	return nil
}

// Dispatch sends every item due now, batch by batch, until none is left
// (sending may queue more, such as a failure notice), and returns how many
// went out.
func (d *Dispatcher) Dispatch(ctx context.Context) (int, error) {
	return d.dispatch(ctx, nil)
}

// channels are the outbox's channels. Each is dispatched in a lane of its
// own, so that e-mail never waits behind Slack's pacing.
var channels = []model.Channel{model.ChannelEmail, model.ChannelSlack}

// dispatch is Dispatch that stops between batches once stop is closed. It
// runs the lanes of all channels at once, and again while they found
// something to send: sending may queue more, such as a failure notice on
// another channel.
func (d *Dispatcher) dispatch(ctx context.Context, stop <-chan struct{}) (int, error) {
	d.defaults()
	sent := 0
	for {
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			handed int
			errs   []error
		)
		for _, ch := range channels {
			wg.Go(func() {
				n, h, err := d.runLane(ctx, stop, ch)
				mu.Lock()
				defer mu.Unlock()
				sent, handed, errs = sent+n, handed+h, append(errs, err)
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil || handed == 0 {
			return sent, err
		}
		select {
		case <-stop:
			return sent, nil
		default:
		}
	}
}

// runLane runs a channel's lane, renewing its claims while it runs, and
// records what it sent; then it tells the secretariat, in one notice, of
// the items it gave up on. One run of a lane at a time: Run's and a Dispatch
// called meanwhile (the console's clock advance) take turns, so that a
// clock moved on in between cannot make one take what the other claimed.
func (d *Dispatcher) runLane(ctx context.Context, stop <-chan struct{}, ch model.Channel) (sent, handed int, err error) {
	d.running[ch].Lock()
	defer d.running[ch].Unlock()
	// Whether an outage is under way (perhaps noted by another dispatcher,
	// or before a restart) is asked of the store only once a send gets
	// through, so that a run with nothing due reads nothing for it.
	d.mu.Lock()
	delete(d.troubled, ch)
	d.mu.Unlock()
	renewing, renewed := make(chan struct{}), make(chan struct{})
	go func() { defer close(renewed); d.renew(ctx, ch, renewing) }()
	sent, handed, err = d.lane(ctx, stop, ch)
	close(renewing)
	<-renewed
	return sent, handed, errors.Join(err, d.record(ctx, true), d.report(ctx, ch))
}

// lane sends the due items of one channel and returns how many went out and
// how many it tried. It is a pipeline: Workers goroutines render and send
// while the next batch is claimed, as soon as the current one is queued for
// them (the queue holds a whole batch), so that neither the claim nor the
// recording of sends leaves the workers idle.
func (d *Dispatcher) lane(ctx context.Context, stop <-chan struct{}, ch model.Channel) (sent, handed int, err error) {
	var (
		mu      sync.Mutex
		errs    []error
		work    = make(chan model.OutboxItem, max(d.Workers, d.Batch)) // a whole batch waits while the next is claimed
		workers sync.WaitGroup
	)
	for range d.Workers {
		workers.Go(func() {
			for it := range work {
				ok, err := d.deliver(ctx, it)
				mu.Lock()
				if ok {
					sent++
				}
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(errs) > 0
	}
	handed, claimErr := d.feed(ctx, stop, ch, work, failed)
	close(work)
	workers.Wait()
	return sent, handed, errors.Join(append(errs, claimErr)...)
}

// Reserve gives a claim for messages of channel ch about to be written,
// for this dispatcher: the token to write as their ClaimedBy and the end
// of the lease as their ClaimedUntil. Written so and handed to Offer once
// committed, they are sent without being claimed from the store. ok is
// false when the dispatcher is not running (Run) or has no sender for ch,
// and for Slack: the messages are then written unclaimed, as others.
// Slack's messages wait for their turn under its pacing, a batch at a
// time; handed over, all of them would wait in memory, where a change
// that supersedes them in the store (a meeting moved) would not reach
// them.
func (d *Dispatcher) Reserve(ch model.Channel) (token string, until time.Time, ok bool) {
	d.defaults()
	if d.runs.Load() == 0 || d.Senders[ch] == nil || ch != model.ChannelEmail {
		return "", time.Time{}, false
	}
	return newClaimToken(), d.Clock.Now().Add(d.Lease), true
}

// Offer hands the dispatcher outbox items written, and committed, with a
// claim that Reserve gave; it ignores those without one. They are held as
// claimed items are, their claims renewed while they wait, and a lane takes
// them before it claims more from the store.
func (d *Dispatcher) Offer(items []model.OutboxItem) {
	d.defaults()
	d.mu.Lock()
	n := 0
	for _, it := range items {
		if it.ClaimedBy == "" || it.ClaimedUntil.IsZero() {
			continue
		}
		d.held[it.ID] = claim{it.ClaimedBy, it.Channel}
		d.offered[it.Channel] = append(d.offered[it.Channel], it)
		n++
	}
	d.mu.Unlock()
	if n > 0 {
		d.Kick()
	}
}

// takeOffered takes the items of channel ch offered and not yet taken,
// those that may be sent now. An item whose claim has lived more than half
// its lease (the lane did not run for that long, the clock was moved on)
// is not sent from here: it is let go, left to be claimed from the store
// once its claim ends, so that it is never sent under a claim that ran out.
func (d *Dispatcher) takeOffered(ch model.Channel, now time.Time) []model.OutboxItem {
	d.mu.Lock()
	defer d.mu.Unlock()
	items := d.offered[ch]
	delete(d.offered, ch)
	take := items[:0]
	for _, it := range items {
		if it.ClaimedUntil.Sub(now) < d.Lease/2 || it.NextAttemptAt.After(now) {
			delete(d.held, it.ID)
			continue
		}
		take = append(take, it)
	}
	return take
}

// hold notes items just claimed, until they are recorded.
func (d *Dispatcher) hold(items []model.OutboxItem) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, it := range items {
		d.held[it.ID] = claim{it.ClaimedBy, it.Channel}
	}
}

// release forgets items recorded as sent, failed or to retry.
func (d *Dispatcher) release(ids ...int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range ids {
		delete(d.held, id)
	}
}

// renew extends the claims on a channel's items held (claimed, not yet
// recorded) every third of the lease, until done is closed, so that items
// waiting on Slack's pacing, or sent and waiting to be recorded, are never
// claimed again by another dispatcher. A renewal that fails is logged: the
// next one may work, within the lease.
func (d *Dispatcher) renew(ctx context.Context, ch model.Channel, done <-chan struct{}) {
	t := time.NewTicker(max(d.Lease/3, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		claims := map[string][]int64{}
		d.mu.Lock()
		for id, c := range d.held {
			if c.channel == ch {
				claims[c.token] = append(claims[c.token], id)
			}
		}
		d.mu.Unlock()
		for token, ids := range claims {
			n, err := d.Store.Renew(ctx, token, d.Clock.Now().Add(d.Lease), ids...)
			switch {
			case err != nil:
				d.Log.Warn("cannot renew the outbox claim", "items", len(ids), "err", err)
			case n < int64(len(ids)):
				d.Log.Warn("outbox items were claimed by another dispatcher: their lease ran out", "items", int64(len(ids))-n)
			}
		}
	}
}

// feed claims batch after batch of a channel's items and hands them to the
// workers, until nothing is due, stop is closed, or a worker failed to
// record an outcome; items offered (Offer) go first, unclaimed again. It
// returns how many items it handed.
func (d *Dispatcher) feed(ctx context.Context, stop <-chan struct{}, ch model.Channel, work chan<- model.OutboxItem, failed func() bool) (int, error) {
	handed := 0
	for !failed() {
		select {
		case <-stop:
			return handed, nil
		default:
		}
		items := d.takeOffered(ch, d.Clock.Now())
		if len(items) == 0 {
			var err error
			items, err = d.Store.Claim(ctx, d.Clock.Now(), ch, d.Batch, d.Lease)
			if err != nil || len(items) == 0 {
				return handed, err
			}
			d.hold(items)
		}
		for _, it := range items {
			handed++
			work <- it
		}
	}
	return handed, nil
}

// deliver sends one item and records the outcome; its error is a failure
// to record, never a failure to send.
func (d *Dispatcher) deliver(ctx context.Context, it model.OutboxItem) (bool, error) {
	// slog.With formats the item's attributes at once: only when something
	// is logged, not on every send.
	log := func() *slog.Logger { return d.Log.With("item", it.ID, "key", it.Key, "channel", it.Channel) }
	p, err := d.decoder.decode(it)
	var sendErr error
	if err != nil {
		sendErr = Permanent(err)
	} else if why := d.late(it, p); why != "" {
		// It failed before and its moment has passed: not sent late.
		d.observeFailure(it.Channel, "expired")
		return false, d.giveUp(ctx, it, p, notices().Sprintf(msgGaveUp, why, it.LastError))
	} else if s, ok := d.Senders[it.Channel]; !ok {
		sendErr = Permanent(fmt.Errorf("no sender for channel %q", it.Channel))
	} else {
		sendErr = safeSend(ctx, s, it, p)
	}
	now := d.Clock.Now()
	switch {
	case sendErr == nil:
		if d.Log.Enabled(ctx, slog.LevelDebug) {
			log().Debug("sent")
		}
		d.mu.Lock()
		d.sent = append(d.sent, it.ID)
		troubled, known := d.troubled[it.Channel]
		d.troubled[it.Channel] = false
		d.mu.Unlock()
		var err error
		if troubled || !known {
			err = d.recovered(ctx, it.Channel, now)
		}
		if d.Observer != nil {
			d.Observer.Sent(it.Channel, now.Sub(it.DueAt))
		}
		return true, errors.Join(err, d.record(ctx, false))
	case Classify(sendErr) == FailPermanent:
		d.observeFailure(it.Channel, FailPermanent.String())
		return false, d.giveUp(ctx, it, p, sendErr.Error())
	}
	d.observeFailure(it.Channel, FailTemporary.String())
	if why := expired(it, p, now, d.MaxAge); why != "" {
		d.observeFailure(it.Channel, "expired")
		return false, errors.Join(d.giveUp(ctx, it, p, notices().Sprintf(msgGaveUp, why, sendErr)), d.trouble(ctx, it.Channel, now, sendErr))
	}
	next := now.Add(Backoff(it.Attempts))
	var ra RetryAfter
	if errors.As(sendErr, &ra) && now.Add(ra.RetryAfter()).After(next) {
		next = now.Add(ra.RetryAfter())
	}
	log().Info("delivery failed, will retry", "err", sendErr, "attempts", it.Attempts+1, "next", next)
	defer d.release(it.ID)
	return false, errors.Join(d.Store.Retry(ctx, it.ID, next, sendErr.Error()), d.trouble(ctx, it.Channel, now, sendErr))
}

// late says why an item that failed before is no longer worth sending, or
// "" when it is (or never failed: the scheduler decides about those).
func (d *Dispatcher) late(it model.OutboxItem, p Payload) string {
	if it.Attempts == 0 {
		return ""
	}
	return expired(it, p, d.Clock.Now(), d.MaxAge)
}

// observeFailure tells the Observer, if any, of a failure.
func (d *Dispatcher) observeFailure(ch model.Channel, reason string) {
	if d.Observer != nil {
		d.Observer.Failed(ch, reason)
	}
}

// giveUp records that an item is not sent, for reason, and keeps it for
// the lane's report to the secretariat. A notice given up on is only
// logged, so that failures never cascade.
func (d *Dispatcher) giveUp(ctx context.Context, it model.OutboxItem, p Payload, reason string) error {
	d.Log.Warn("delivery failed for good", "item", it.ID, "key", it.Key, "channel", it.Channel, "err", reason, "attempts", it.Attempts+1)
	defer d.release(it.ID)
	if err := d.Store.Fail(ctx, it.ID, reason); err != nil {
		return err
	}
	if it.Kind != model.KindNotice {
		d.mu.Lock()
		d.failed[it.Channel] = append(d.failed[it.Channel], failure{it, p, reason})
		d.mu.Unlock()
	}
	return nil
}

// trouble notes a temporary failure on a channel. When every attempt on
// it has failed for OutageAfter, the secretariat is told, once per outage,
// by another channel: a notice by the channel that is down would arrive
// only with the one that says it works again.
func (d *Dispatcher) trouble(ctx context.Context, ch model.Channel, now time.Time, cause error) error {
	d.mu.Lock()
	d.troubled[ch] = true
	d.mu.Unlock()
	o, err := d.Store.NoteFailure(ctx, ch, now, cause.Error())
	if err != nil || !o.NotifiedAt.IsZero() || now.Sub(o.Since) < d.OutageAfter {
		return err
	}
	if ok, err := d.Store.MarkOutageNotified(ctx, ch, now); err != nil || !ok {
		return err
	}
	d.Log.Error("every delivery has failed for a while; messages stay queued", "channel", ch, "since", o.Since, "failures", o.Failures, "err", cause)
	pl := d.Planner
	pl.Channels = slices.DeleteFunc(slices.Clone(pl.Channels), func(c model.Channel) bool { return c == ch })
	return d.notify(ctx, pl, fmt.Sprintf("outage:%s:%d", ch, o.Since.Unix()), func(lang language.Tag) string {
		return i18n.Printer(lang).Sprintf(msgOutage, channelWord(lang, ch), d.when(lang, o.Since), o.Failures, cause, roundDuration(d.MaxAge))
	})
}

// recovered ends a channel's outage after a send got through. When it was
// long enough for the secretariat to be told (OutageAfter), the retries
// waiting on it become due at once and the secretariat is told it is over;
// a shorter run of failures (one greylisted recipient, say) leaves the
// retries to their backoff.
func (d *Dispatcher) recovered(ctx context.Context, ch model.Channel, now time.Time) error {
	o, ok, err := d.Store.EndOutage(ctx, ch)
	if err != nil || !ok || o.NotifiedAt.IsZero() {
		return err
	}
	n, err := d.Store.Hasten(ctx, ch, now)
	if err != nil {
		return err
	}
	d.Log.Info("deliveries work again", "channel", ch, "since", o.Since, "failures", o.Failures, "retries", n)
	return d.notify(ctx, d.Planner, fmt.Sprintf("outage:%s:%d/over", ch, o.Since.Unix()), func(lang language.Tag) string {
		return i18n.Printer(lang).Sprintf(msgOutageOver, channelWord(lang, ch), d.when(lang, o.Since), d.when(lang, now), roundDuration(now.Sub(o.Since)), o.Failures, o.LastError)
	})
}

// when writes a time for the secretariat, in its zone and as CLDR writes
// it in lang ("Wed 1 Aug 2012, 13:00 UTC", "mercredi 1 août 2012, 13:00 UTC").
func (d *Dispatcher) when(lang language.Tag, t time.Time) string {
	t = t.In(d.Zone)
	return i18n.DateTime(lang, t) + " " + t.Format("MST")
}

// record writes down the items sent, RecordEvery or more in one statement,
// one statement at a time: a worker that finds enough sends waiting records
// them while the others go on sending, unless another is already recording
// (whose next round takes them). At the end of every run all are recorded
// (all).
func (d *Dispatcher) record(ctx context.Context, all bool) error {
	if all {
		d.recording.Lock()
	} else if !d.recording.TryLock() {
		return nil
	}
	defer d.recording.Unlock()
	for {
		d.mu.Lock()
		if len(d.sent) == 0 || !all && len(d.sent) < d.RecordEvery {
			d.mu.Unlock()
			return nil
		}
		ids := d.sent
		d.sent = nil
		d.mu.Unlock()
		err := d.Store.MarkSent(ctx, d.Clock.Now(), ids...)
		d.release(ids...) // recorded, or left for their lease to run out
		if err != nil {
			return err
		}
	}
}

// safeSend turns a sender's panic into a temporary error.
func safeSend(ctx context.Context, s Sender, it model.OutboxItem, p Payload) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("sender panicked: %v", v)
		}
	}()
	return s.Send(ctx, it, p)
}

// Backoff is the wait before attempt n+1: 30 s doubling to at most 1 hour.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for range attempts {
		d *= 2
		if d >= time.Hour {
			return time.Hour
		}
	}
	return d
}

// report tells the secretariat, in one notice, of the items of a channel
// given up on since the last report: one notice per run of a lane, not one
// per message.
func (d *Dispatcher) report(ctx context.Context, ch model.Channel) error {
	d.mu.Lock()
	failed := d.failed[ch]
	delete(d.failed, ch)
	d.mu.Unlock()
	if len(failed) == 0 {
		return nil
	}
	return d.notify(ctx, d.Planner, fmt.Sprintf("failures:%s:%d+%d", ch, failed[0].item.ID, len(failed)), func(lang language.Tag) string {
		pr := i18n.Printer(lang)
		var b strings.Builder
		pr.Fprintf(&b, msgDeliveryFailed, len(failed))
		for i, f := range failed {
			if i == maxReported {
				pr.Fprintf(&b, msgDeliveryFailedMore, len(failed)-i)
				break
			}
			pr.Fprintf(&b, msgDeliveryFailedLine, kindWord(lang, f.item.Kind), f.payload.Meeting.TitleIn(lang.String()), f.payload.Invitee.Name, f.item.Recipient, channelWord(lang, f.item.Channel), f.reason)
		}
		b.WriteString(pr.Sprintf(msgDeliveryFailedHint))
		return b.String()
	})
}

// maxReported is how many failures a notice lists; the outbox has the rest.
const maxReported = 20

// notify queues a notice to every active member of the secretariat, by
// the channels pl allows, and kicks the dispatcher: the notice may go by
// another channel, whose lane may be waiting. Each member gets text in
// their profile's language, else (on Slack) their Slack locale's, else the
// network's (Planner.NoticeFor), written once per language; the key is the
// same in every language, so that a notice is sent once however often it
// is planned.
func (d *Dispatcher) notify(ctx context.Context, pl Planner, key string, text func(lang language.Tag) string) error {
	sec, err := d.Store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}, Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return err
	}
	var items []model.OutboxItem
	texts := map[language.Tag]string{}
	written := func(reader model.Person) string {
		lang := i18n.Reader(reader.Language)
		t, ok := texts[lang]
		if !ok {
			t = text(lang)
			texts[lang] = t
		}
		return t
	}
	for _, s := range sec {
		items = append(items, pl.NoticeFor(key, s, written)...)
	}
	if len(items) == 0 {
		return nil
	}
	if _, err = d.Store.Enqueue(ctx, items); err != nil {
		return err
	}
	d.Kick()
	return nil
}

// notices is the printer of why an item was given up on, which the outbox
// keeps as its error and every reader of it sees: the network's language
// (FOCALBOT_LANGUAGE).
func notices() *message.Printer { return i18n.Printer(i18n.Default()) }

// The dispatcher's catalog: what it tells the secretariat.
const (
	msgDeliveryFailed     = "Messages not delivered: %d.\n"
	msgDeliveryFailedLine = "• the %s for %q to %s (%s, by %s): %s\n"
	msgDeliveryFailedMore = "• and %d more: see outbox.\n"
	msgDeliveryFailedHint = "Check the addresses on the roster; outbox retry sends failed messages again."
	msgOutage             = "Sending by %s has failed since %s (%d attempts; last error: %v). Messages stay queued and are tried again until they no longer matter, for %s at most. You will hear when it works again."
	msgOutageOver         = "Sending by %s works again. It failed from %s to %s (%s, %d attempts; last error: %s); the messages held back are going out now."
	msgGaveUp             = "not sent: %s (last error: %v)"
	msgExpiredBegun       = "its meeting has begun"
	msgExpiredEnded       = "its meeting is over"
	msgExpiredPollClosed  = "the poll has closed"
	msgExpiredDay         = "its day is over"
	msgExpiredWeek        = "its week is over"
	msgExpiredAge         = "it failed for %s"

	// What a message was, and by which channel it went, in a sentence of
	// the secretariat's.
	msgKindRequest      = "invitation"
	msgKindCancel       = "cancellation"
	msgKindReminder     = "reminder"
	msgKindNudge        = "reminder to answer"
	msgKindNotice       = "notice"
	msgKindPoll         = "poll question"
	msgKindEmailConfirm = "confirmation code"
	msgChannelEmail     = "e-mail"
)

var kindWords = map[model.OutboxKind]string{model.KindRequest: msgKindRequest, model.KindCancel: msgKindCancel,
	model.KindReminder: msgKindReminder, model.KindNudge: msgKindNudge, model.KindNotice: msgKindNotice,
	model.KindPoll: msgKindPoll, model.KindEmailConfirm: msgKindEmailConfirm}

// kindWord names a kind of message in lang; a kind it does not know by
// its own name.
func kindWord(lang language.Tag, k model.OutboxKind) string {
	if m, ok := kindWords[k]; ok {
		return i18n.Printer(lang).Sprintf(m)
	}
	return string(k)
}

// channelWord names a channel in lang: "courrier électronique"; Slack is
// Slack in every language.
func channelWord(lang language.Tag, ch model.Channel) string {
	switch ch {
	case model.ChannelEmail:
		return i18n.Printer(lang).Sprintf(msgChannelEmail)
	case model.ChannelSlack:
		return "Slack"
	}
	return string(ch)
}

// newClaimToken is a claim's token for Reserve: random, as the store's own
// claims' are, so that no two claims share one.
func newClaimToken() string { return rand.Text() }

package slack

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"focalbot/model"
)

// What an inbox item holds: the kinds of model.InboxItem the transport writes.
const (
	kindEvent       = "event"       // an Events API event_callback, as JSON
	kindCommand     = "command"     // a slash command, as slack-go's SlashCommand in JSON
	kindInteraction = "interaction" // a button click's payload, as JSON
)

// The inbox's claims: a process holds what it accepted for inboxLease,
// renewed every inboxRenew while it runs; what a dead process held is taken
// by another once its claim runs out. An item is tried at most
// inboxAttempts times (a request that kills the process each time stops
// there).
const (
	inboxLease    = 2 * time.Minute
	inboxRenew    = 30 * time.Second
	inboxAttempts = 5
	inboxBatch    = 100
)

// accepted is what became of a request offered to the inbox.
type accepted int

const (
	acceptedNew  accepted = iota // recorded and queued (or left in the inbox for a free worker): ack it
	acceptedSeen                 // seen before: a retry or a replay, with no second effect
	acceptedFail                 // the database failed: not recorded, Slack should try again later
)

// newOwner is a random name for this process's claims.
func newOwner() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// replayKey is the dedupe key of a signed HTTP request that has no ID of its
// own (slash commands, interactions): its signature, which covers its
// timestamp and body, so that the same request sent again within the five
// minutes the signature is good for is recognised.
func replayKey(signature string) string {
	sum := sha256.Sum256([]byte(signature))
	return "request:" + hex.EncodeToString(sum[:])
}

// accept writes a request to the inbox, claimed by this process, before it
// is acked, and queues j to handle it. A request whose key was seen before
// is not queued again. When the work queue is full (or work is already
// waiting in the inbox) the request is written unclaimed instead: it is
// acked all the same, and taken up in order as workers get free (see
// backlog). Only a request the database cannot take is refused.
func (t *Transport) accept(ctx context.Context, it model.InboxItem, j job) accepted {
	wait := t.full() || t.backlog.waiting()
	first, err := t.write(ctx, inboxWrite{accept: &it, unclaimed: wait})
	switch {
	case err != nil:
		t.log.Error("cannot record a slack delivery", "key", it.Key, "err", err)
		return acceptedFail
	case !first:
		t.log.Debug("slack delivery seen before; ignored", "what", j.what, "key", it.Key)
		return acceptedSeen
	}
	if wait {
		t.backlogged()
		return acceptedNew
	}
	j.key = it.Key
	if !t.submit(j) {
		// Recorded: the next claim, here or in another process, takes it.
		t.release(it.Key)
		t.backlogged()
	}
	return acceptedNew
}

// full reports whether the work queue has no room.
func (t *Transport) full() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.closed && len(t.jobs) >= cap(t.jobs)
}

// backlog is the work accepted into the inbox while the work queue was
// full: it is acked, and waits in the database, unclaimed, until a worker
// is free. One overload episode, from the first item left waiting until
// the inbox has none left, logs one line when it begins and one when it
// ends, however many requests it takes.
type backlog struct {
	mu    sync.Mutex
	on    bool
	gen   uint64    // counts items left waiting, so that a claim racing one does not end the episode
	since time.Time // when the episode began
	count int       // items left waiting in it
}

func (b *backlog) waiting() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.on
}

// backlogged notes that an item was left waiting in the inbox, and has a
// worker's turn come for it soon.
func (t *Transport) backlogged() {
	b := &t.backlog
	b.mu.Lock()
	b.gen++
	b.count++
	if !b.on {
		b.on, b.since, b.count = true, t.clock.Now(), 1
		t.log.Warn("slack work arrives faster than the workers do it; acking it and keeping it in the inbox until a worker is free",
			"queue", cap(t.jobs), "workers", t.opt.Workers)
	}
	b.mu.Unlock()
	t.takeUp()
}

// takeUp has tendInbox claim waiting work now, rather than at its next round.
func (t *Transport) takeUp() {
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// caughtUp ends the overload episode, unless an item was left waiting
// since gen.
func (t *Transport) caughtUp(gen uint64) {
	b := &t.backlog
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.on || b.gen != gen {
		return
	}
	b.on = false
	t.log.Info("slack work that waited in the inbox is all taken up", "waited", b.count, "for", t.clock.Now().Sub(b.since).Round(time.Millisecond))
}

// release gives up this process's claim on keys (on all it holds when
// none are named), so that the next claim takes them at once.
func (t *Transport) release(keys ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.deliveries.ReleaseDeliveries(ctx, t.owner, keys...); err != nil {
		t.log.Warn("cannot release slack work; it is taken again once its claim runs out", "err", err)
	}
}

// done records that the work of key is done.
func (t *Transport) done(ctx context.Context, key string) {
	if _, err := t.write(context.WithoutCancel(ctx), inboxWrite{done: key}); err != nil {
		t.log.Error("cannot record slack work as done", "key", key, "err", err)
	}
}

// inboxWrite is a write to the inbox for writeInbox: an item to accept, or
// the key of one done. The result comes back on result.
type inboxWrite struct {
	accept    *model.InboxItem
	unclaimed bool // accept it for whoever claims it next: the work queue is full
	done      string
	result    chan inboxResult
}

type inboxResult struct {
	first bool
	err   error
}

// write has writeInbox make w, and waits for its result. Once w is handed
// over it waits whatever ctx says: an item accepted must be queued by the
// one who asked, or it would stay claimed by this process, undone.
func (t *Transport) write(ctx context.Context, w inboxWrite) (bool, error) {
	w.result = make(chan inboxResult, 1)
	select {
	case t.inbox <- w:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	r := <-w.result
	return r.first, r.err
}

// writeInbox makes the inbox's writes in groups, for as long as the
// process lives: whatever is waiting when it is free goes in one INSERT of
// the items accepted and one UPDATE of those done. A database takes one
// write at a time (SQLite) or a round trip for each (PostgreSQL); grouped,
// the acks that wait for them stay quick under load.
func (t *Transport) writeInbox() {
	for w := range t.inbox {
		group := []inboxWrite{w}
	more:
		for len(group) < inboxBatch {
			select {
			case w := <-t.inbox:
				group = append(group, w)
			default:
				break more
			}
		}
		t.writeGroup(group)
	}
}

func (t *Transport) writeGroup(group []inboxWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var (
		claimed, unclaimed []inboxWrite
		keys               []string
		finished           []inboxWrite
	)
	for _, w := range group {
		switch {
		case w.accept == nil:
			keys, finished = append(keys, w.done), append(finished, w)
		case w.unclaimed:
			unclaimed = append(unclaimed, w)
		default:
			claimed = append(claimed, w)
		}
	}
	t.acceptGroup(ctx, claimed, t.owner)
	t.acceptGroup(ctx, unclaimed, "")
	if len(keys) > 0 {
		err := t.deliveries.DeliveriesDone(ctx, t.clock.Now(), keys...)
		for _, w := range finished {
			w.result <- inboxResult{err: err}
		}
	}
}

// acceptGroup writes the items of accepts in one statement, claimed by
// owner, or by no one when owner is empty, and answers each.
func (t *Transport) acceptGroup(ctx context.Context, accepts []inboxWrite, owner string) {
	if len(accepts) == 0 {
		return
	}
	items := make([]model.InboxItem, len(accepts))
	for i, w := range accepts {
		items[i] = *w.accept
	}
	fresh, err := t.deliveries.AcceptDeliveries(ctx, items, owner, t.clock.Now().Add(inboxLease))
	for i, w := range accepts {
		r := inboxResult{err: err}
		if err == nil {
			r.first = fresh[i]
		}
		w.result <- r
	}
}

// tendInbox keeps this process's claims alive and takes up what was left
// unfinished (by a process that died, or released when the queue was full),
// at the start and then every inboxRenew, until ctx is done.
func (t *Transport) tendInbox(ctx context.Context) {
	tick := time.NewTicker(inboxRenew)
	defer tick.Stop()
	for {
		t.resume(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.kick:
			continue
		case <-tick.C:
		}
		if _, err := t.deliveries.RenewDeliveries(ctx, t.owner, t.clock.Now().Add(inboxLease)); err != nil && ctx.Err() == nil {
			t.log.Warn("cannot renew the claim on slack work", "err", err)
		}
	}
}

// resume claims unfinished inbox items, as many as the queue has room for,
// and queues their work: work left waiting when the queue was full, and
// work a process that died (or stopped) left undone. When it finds fewer
// than it had room for, nothing is waiting any more.
func (t *Transport) resume(ctx context.Context) {
	t.mu.Lock()
	room := cap(t.jobs) - len(t.jobs)
	if t.closed {
		room = 0
	}
	t.mu.Unlock()
	if room <= 0 {
		return
	}
	t.backlog.mu.Lock()
	gen := t.backlog.gen
	t.backlog.mu.Unlock()
	limit := min(room, inboxBatch)
	now := t.clock.Now()
	items, err := t.deliveries.ClaimDeliveries(ctx, t.owner, now, now.Add(inboxLease), inboxAttempts, limit)
	if err != nil {
		if ctx.Err() == nil {
			t.log.Warn("cannot claim unfinished slack work", "err", err)
		}
		return
	}
	for _, it := range items {
		if it.Attempts > 1 { // not merely left waiting for a worker: tried before
			t.log.Info("resuming slack work left unfinished", "key", it.Key, "kind", it.Kind, "received", it.ReceivedAt, "attempt", it.Attempts)
		}
		j, ok := t.inboxJob(it)
		if !ok {
			t.log.Warn("unreadable slack work in the inbox; dropped", "key", it.Key, "kind", it.Kind)
			t.done(ctx, it.Key)
			continue
		}
		j.key = it.Key
		if !t.submit(j) {
			t.release(it.Key)
		}
	}
	if len(items) < limit {
		t.caughtUp(gen)
	} else {
		t.takeUp() // more may be waiting: go on once workers make room
	}
}

// inboxJob turns an inbox item back into its work.
func (t *Transport) inboxJob(it model.InboxItem) (job, bool) {
	switch it.Kind {
	case kindEvent:
		ev, err := slackevents.ParseEvent(json.RawMessage(it.Payload), slackevents.OptionNoVerifyToken())
		if err != nil {
			return job{}, false
		}
		if cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent); cb != nil {
			return t.eventJob(cb.EventID, ev.InnerEvent)
		}
	case kindCommand:
		var cmd slackapi.SlashCommand
		if json.Unmarshal([]byte(it.Payload), &cmd) == nil {
			return t.commandJob(cmd), true
		}
	case kindInteraction:
		var cb slackapi.InteractionCallback
		if json.Unmarshal([]byte(it.Payload), &cb) == nil {
			return t.clickJob(cb)
		}
	}
	return job{}, false
}

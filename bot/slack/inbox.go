package slack

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
	acceptedNew  accepted = iota // recorded and queued (or left for the next claim): ack it
	acceptedSeen                 // seen before: a retry or a replay, with no second effect
	acceptedBusy                 // the queue is full: not recorded, Slack should try again later
	acceptedFail                 // the database failed: not recorded
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
// is not queued again.
func (t *Transport) accept(ctx context.Context, it model.InboxItem, j job) accepted {
	if t.full() {
		t.log.Warn("too busy: work queue full", "what", j.what, "key", it.Key)
		return acceptedBusy
	}
	first, err := t.write(ctx, inboxWrite{accept: &it})
	switch {
	case err != nil:
		t.log.Error("cannot record a slack delivery", "key", it.Key, "err", err)
		return acceptedFail
	case !first:
		t.log.Debug("slack delivery seen before; ignored", "what", j.what, "key", it.Key)
		return acceptedSeen
	}
	j.key = it.Key
	if !t.submit(j) {
		// Recorded: the next claim, here or in another process, takes it.
		t.release(it.Key)
	}
	return acceptedNew
}

// full reports whether the work queue has no room.
func (t *Transport) full() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.closed && len(t.jobs) >= cap(t.jobs)
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
	accept *model.InboxItem
	done   string
	result chan inboxResult
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
		items    []model.InboxItem
		accepts  []inboxWrite
		keys     []string
		finished []inboxWrite
	)
	for _, w := range group {
		if w.accept != nil {
			items, accepts = append(items, *w.accept), append(accepts, w)
		} else {
			keys, finished = append(keys, w.done), append(finished, w)
		}
	}
	if len(items) > 0 {
		fresh, err := t.deliveries.AcceptDeliveries(ctx, items, t.owner, t.clock.Now().Add(inboxLease))
		for i, w := range accepts {
			r := inboxResult{err: err}
			if err == nil {
				r.first = fresh[i]
			}
			w.result <- r
		}
	}
	if len(keys) > 0 {
		err := t.deliveries.DeliveriesDone(ctx, t.clock.Now(), keys...)
		for _, w := range finished {
			w.result <- inboxResult{err: err}
		}
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
		case <-tick.C:
		}
		if _, err := t.deliveries.RenewDeliveries(ctx, t.owner, t.clock.Now().Add(inboxLease)); err != nil && ctx.Err() == nil {
			t.log.Warn("cannot renew the claim on slack work", "err", err)
		}
	}
}

// resume claims unfinished inbox items, as many as the queue has room for,
// and queues their work.
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
	now := t.clock.Now()
	items, err := t.deliveries.ClaimDeliveries(ctx, t.owner, now, now.Add(inboxLease), inboxAttempts, min(room, inboxBatch))
	if err != nil {
		if ctx.Err() == nil {
			t.log.Warn("cannot claim unfinished slack work", "err", err)
		}
		return
	}
	for _, it := range items {
		t.log.Info("resuming slack work left unfinished", "key", it.Key, "kind", it.Kind, "received", it.ReceivedAt, "attempt", it.Attempts)
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

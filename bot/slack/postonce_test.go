package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// invitationItem is an outbox item that invites U1 to a meeting by Slack.
func invitationItem(attempts int) (model.OutboxItem, delivery.Payload) {
	m := model.Meeting{ID: 1, Title: "Third Meeting", Start: t0.Add(48 * time.Hour), End: t0.Add(55 * time.Hour), TimeZone: "UTC",
		Venue: "New York", Status: model.MeetingScheduled}
	it := model.OutboxItem{ID: 1, Key: "meeting:1/invitation:1/slack/request/seq:0", Channel: model.ChannelSlack, Kind: model.KindRequest,
		Recipient: "U1", CreatedAt: t0, Attempts: attempts}
	return it, delivery.Payload{Kind: model.KindRequest, Meeting: m}
}

// TestInvitationPostedOnce proves that an invitation whose post Slack took
// although the connection broke before its answer is not posted again:
// neither by the throttle's retry, nor by the dispatcher's next try; the
// copy is found by its metadata.
func TestInvitationPostedOnce(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), setup: func(tr *Transport) {
		tr.throttle.wait = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	}})
	ctx := context.Background()

	fs.lostPosts = 1
	it, p := invitationItem(0)
	if err := b.tr.Send(ctx, it, p); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := next(t, fs.posts, "the invitation"); got.Channel != "DU1" || !strings.Contains(got.Blocks, "Third Meeting") {
		t.Errorf("posted %+v", got)
	}
	none(t, fs.posts, "a second invitation")
	if n := fs.count("chat.postMessage"); n != 1 {
		t.Errorf("chat.postMessage called %d times; want 1", n)
	}
	if n := fs.count("conversations.history"); n != 1 {
		t.Errorf("conversations.history called %d times; want 1, before the retry", n)
	}

	// The dispatcher tries again (its first try failed, as far as it knows).
	it.Attempts = 1
	if err := b.tr.Send(ctx, it, p); err != nil {
		t.Fatalf("Send again: %v", err)
	}
	none(t, fs.posts, "a second invitation")

	// Another item is posted after a look that finds nothing.
	other, p := invitationItem(1)
	other.Key = "meeting:1/invitation:2/slack/request/seq:0"
	if err := b.tr.Send(ctx, other, p); err != nil {
		t.Fatal(err)
	}
	next(t, fs.posts, "the other invitation")
	if n := fs.count("chat.postMessage"); n != 2 {
		t.Errorf("chat.postMessage called %d times; want 2", n)
	}
}

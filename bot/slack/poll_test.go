package slack

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/model"
)

// noCommands is the engine, refusing every line of text: what reaches it
// must come through its typed operations.
type noCommands struct {
	*bot.Engine
	mu    sync.Mutex
	lines []string
}

func (n *noCommands) Handle(ctx context.Context, c bot.Caller, text string) *bot.Reply {
	n.mu.Lock()
	n.lines = append(n.lines, text)
	n.mu.Unlock()
	return bot.TextReply("no command text, please")
}

// TestPollAnswerIsTyped: ticking slots and pressing a poll's button answers
// through the engine's AnswerPoll, with no command line, in the reader's
// words; a slot the poll lacks is answered with what to fix.
func TestPollAnswerIsTyped(t *testing.T) {
	fs := newFakeSlack(t)
	var h *noCommands
	b := startBot(t, fs, botOptions{dsn: filepath.Join(t.TempDir(), "f.db"), setup: func(tr *Transport) {
		h = &noCommands{Engine: tr.handler.(*bot.Engine)}
		tr.handler = h
	}})
	roster(b)
	ctx := context.Background()
	ama, _ := b.store.PersonByEmail(ctx, "ama@mfa.gov.gh")
	slot := func(day int) model.Slot {
		return model.Slot{Start: time.Date(2013, 9, day, 14, 0, 0, 0, time.UTC), End: time.Date(2013, 9, day, 21, 0, 0, 0, time.UTC), TimeZone: "America/New_York"}
	}
	poll := model.Poll{Title: "the 2013 meeting", Deadline: t0.Add(30 * 24 * time.Hour), Slots: []model.Slot{slot(21), slot(28)}}
	if err := b.store.CreatePoll(ctx, model.System, &poll, nil); err != nil {
		t.Fatal(err)
	}
	press := func(values ...string) string {
		p := click("U1", actionPollAnswer, "1")
		p["response_url"] = fs.responseURL("poll")
		p["message"] = map[string]any{"text": "a poll", "blocks": []any{}}
		var opts []map[string]any
		for _, v := range values {
			opts = append(opts, map[string]any{"value": v, "text": map[string]any{"type": "mrkdwn", "text": v}})
		}
		p["state"] = map[string]any{"values": map[string]any{blockPoll: map[string]any{actionPollSlots: map[string]any{
			"type": "checkboxes", "selected_options": opts}}}}
		b.interaction(p)
		return next(t, fs.responses, "the answer under the poll").Blocks
	}
	if got := press("1", "2"); !strings.Contains(got, "the slots you can attend are now: 1, 2.") {
		t.Errorf("answer: %s", got)
	}
	if got := press(); !strings.Contains(got, "you can attend none of the slots") {
		t.Errorf("no slot ticked: %s", got)
	}
	if got := press("3"); !strings.Contains(got, `is not a slot of poll 1: give numbers from 1 to 2`) {
		t.Errorf("a slot the poll lacks: %s", got)
	}
	votes, _ := b.store.Votes(ctx, poll.ID)
	if len(votes) != 1 || votes[0].PersonID != ama.ID || len(votes[0].SlotIDs) != 0 {
		t.Errorf("votes = %+v, want Ama's latest valid answer: none", votes)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.lines) != 0 {
		t.Errorf("the engine was sent command text: %q", h.lines)
	}
}

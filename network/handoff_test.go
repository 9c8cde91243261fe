package network_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// claimCounter is the store, counting by channel the items its claims
// return.
type claimCounter struct {
	*storage.Store
	mu      sync.Mutex
	claimed map[model.Channel]int
}

func (c *claimCounter) Claim(ctx context.Context, now time.Time, ch model.Channel, limit int, lease time.Duration) ([]model.OutboxItem, error) {
	items, err := c.Store.Claim(ctx, now, ch, limit, lease)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.claimed[ch] += len(items)
	return items, err
}

// sends counts the sends of each outbox key.
type sends struct {
	mu  sync.Mutex
	n   map[string]int
	all int
}

func (s *sends) Send(_ context.Context, it model.OutboxItem, _ delivery.Payload) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n[it.Key]++
	s.all++
	return nil
}

func (s *sends) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.all
}

// handoffWorld is a store with a member of the secretariat and people
// focal points (the first onSlack of them on Slack too), a dispatcher
// running on it with a sender counting each channel's sends, and the
// services handing messages over to it.
type handoffWorld struct {
	store       *storage.Store
	claims      *claimCounter
	mail, slack *sends
	svc         *network.Service
	sec         network.Caller
}

func newHandoffWorld(t *testing.T, s *storage.Store, clk clock.Clock, people, onSlack int) *handoffWorld {
	t.Helper()
	ctx := context.Background()
	if err := s.SetNetwork(ctx, model.System, model.DefaultNetwork()); err != nil {
		t.Fatal(err)
	}
	sec := model.Person{Name: "Sam Secretariat", Email: "sam@gcr2p.example.org", Role: model.RoleSecretariat, Status: model.StatusActive}
	if err := s.CreatePerson(ctx, model.System, &sec); err != nil {
		t.Fatal(err)
	}
	countries := model.MemberStates()
	for i := range people {
		p := model.Person{Name: fmt.Sprintf("Focal Point %02d", i), Email: fmt.Sprintf("fp%02d@example.org", i),
			Country: countries[i].Alpha2, Role: model.RoleFocalPoint, Status: model.StatusActive}
		if i < onSlack {
			p.SlackID = fmt.Sprintf("U%08d", i)
		}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			t.Fatal(err)
		}
	}
	w := &handoffWorld{store: s, claims: &claimCounter{Store: s, claimed: map[model.Channel]int{}},
		mail: &sends{n: map[string]int{}}, slack: &sends{n: map[string]int{}}, sec: network.As(sec)}
	planner := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sam@gcr2p.example.org"},
		Channels: []model.Channel{model.ChannelEmail, model.ChannelSlack}}
	d := &delivery.Dispatcher{Store: w.claims, Clock: clk, Planner: planner, Log: slog.New(slog.DiscardHandler),
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: w.mail, model.ChannelSlack: w.slack}}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx, time.Hour) }()
	t.Cleanup(func() { stop(); <-done })
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, _, ok := d.Reserve(model.ChannelEmail); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the dispatcher did not start")
		}
	}
	w.svc = network.New(s, clk, time.UTC, planner, d.Kick).WithHandoff(d)
	return w
}

// sent waits until mail and Slack messages have been sent, and checks
// that none was sent twice.
func (w *handoffWorld) sent(t *testing.T, mail, slack int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); w.mail.count() < mail || w.slack.count() < slack; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("sent %d e-mails and %d Slack messages, want %d and %d", w.mail.count(), w.slack.count(), mail, slack)
		}
	}
	for _, got := range []*sends{w.mail, w.slack} {
		got.mu.Lock()
		for key, n := range got.n {
			if n != 1 {
				t.Errorf("%s sent %d times", key, n)
			}
		}
		got.mu.Unlock()
	}
}

// claimed is how many e-mails and Slack messages were claimed from the
// store so far.
func (w *handoffWorld) claimed() (mail, slack int) {
	w.claims.mu.Lock()
	defer w.claims.mu.Unlock()
	return w.claims.claimed[model.ChannelEmail], w.claims.claimed[model.ChannelSlack]
}

// meeting creates a meeting and invites everyone to it.
func (w *handoffWorld) meeting(t *testing.T, people int) model.Meeting {
	t.Helper()
	ctx := context.Background()
	start := meetingsNow.Add(30 * 24 * time.Hour)
	m, err := w.svc.CreateMeeting(ctx, w.sec, network.MeetingChange{Title: ptr("Network meeting"), Start: &start,
		Zone: time.UTC, Venue: ptr("New York")}, false)
	if err != nil {
		t.Fatal(err)
	}
	invited, err := w.svc.Invite(ctx, w.sec, m.ID, network.Selection{All: true})
	if err != nil || len(invited.Added) != people {
		t.Fatalf("invited %d (%v), want %d", len(invited.Added), err, people)
	}
	return m
}

// TestInviteHandsItsEmailsToTheDispatcher: with the process's dispatcher
// running, an invitation's e-mails are written claimed for it, a claim for
// each batch, and sent once each without being claimed from the store;
// its Slack messages are claimed from the store as before.
func TestInviteHandsItsEmailsToTheDispatcher(t *testing.T) {
	clk := clock.Fixed(meetingsNow)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		const people, onSlack = 60, 10 // two batches: 50, then 10
		w := newHandoffWorld(t, s, clk, people, onSlack)
		m := w.meeting(t, people)
		w.sent(t, people, onSlack)
		if mail, slack := w.claimed(); mail != 0 || slack != onSlack {
			t.Errorf("claimed from the store: %d e-mails and %d Slack messages, want none and %d", mail, slack, onSlack)
		}
		tokens := map[string]bool{}
		items, err := s.Outbox(context.Background(), model.OutboxFilter{MeetingID: m.ID, Channel: model.ChannelEmail})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			tokens[it.ClaimedBy] = true
		}
		if len(items) != people || len(tokens) != 2 || tokens[""] {
			t.Errorf("%d e-mails written under the claims %v, want %d under one claim for each of the 2 batches", len(items), tokens, people)
		}
	})
}

// TestMeetingChangeHandsItsEmailsToTheDispatcher: a meeting changed, then
// cancelled, writes its updates claimed for the process's dispatcher, one
// claim for each, and they are sent once each without being claimed from
// the store; their Slack messages are claimed from the store as before.
func TestMeetingChangeHandsItsEmailsToTheDispatcher(t *testing.T) {
	clk := clock.Fixed(meetingsNow)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		const people, onSlack = 30, 5
		w := newHandoffWorld(t, s, clk, people, onSlack)
		m := w.meeting(t, people)
		w.sent(t, people, onSlack)

		// newMail checks the e-mails written since the last call: want of
		// them, sent (once each send is recorded), all under one claim.
		seen := map[int64]bool{}
		newMail := func(what string, want int) {
			t.Helper()
			var items []model.OutboxItem
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				all, err := s.Outbox(ctx, model.OutboxFilter{MeetingID: m.ID, Channel: model.ChannelEmail})
				if err != nil {
					t.Fatal(err)
				}
				items = slices.DeleteFunc(all, func(it model.OutboxItem) bool { return seen[it.ID] })
				if !slices.ContainsFunc(items, func(it model.OutboxItem) bool { return it.Status == model.OutboxPending }) || time.Now().After(deadline) {
					break
				}
			}
			claims := map[string]int{}
			for _, it := range items {
				seen[it.ID] = true
				if it.Status != model.OutboxSent {
					t.Errorf("%s: %s is %s, want sent", what, it.Key, it.Status)
				}
				claims[it.ClaimedBy]++
			}
			if len(claims) != 1 || claims[""] != 0 {
				t.Errorf("%s: e-mails written under the claims %v, want %d under one", what, claims, want)
			}
			for _, n := range claims {
				if n != want {
					t.Errorf("%s: %d e-mails under one claim, want %d", what, n, want)
				}
			}
		}
		newMail("invite", people)

		changed, err := w.svc.ChangeMeeting(ctx, w.sec, m.ID, network.MeetingChange{Venue: ptr("Geneva")})
		if err != nil || !changed.Announced() {
			t.Fatalf("change: %+v, %v", changed, err)
		}
		w.sent(t, 2*people, 2*onSlack)
		newMail("change", people)
		if _, _, err := w.svc.CancelMeeting(ctx, w.sec, m.ID); err != nil {
			t.Fatal(err)
		}
		w.sent(t, 3*people, 3*onSlack)
		newMail("cancel", people)
		if mail, slack := w.claimed(); mail != 0 || slack != 3*onSlack {
			t.Errorf("claimed from the store: %d e-mails and %d Slack messages, want none and %d", mail, slack, 3*onSlack)
		}
	})
}

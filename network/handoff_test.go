package network_test

import (
	"context"
	"fmt"
	"log/slog"
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

// TestInviteHandsItsEmailsToTheDispatcher: with the process's dispatcher
// running, an invitation's e-mails are written claimed for it, a claim for
// each batch, and sent once each without being claimed from the store;
// its Slack messages are claimed from the store as before.
func TestInviteHandsItsEmailsToTheDispatcher(t *testing.T) {
	clk := clock.Fixed(meetingsNow)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.SetNetwork(ctx, model.System, model.DefaultNetwork()); err != nil {
			t.Fatal(err)
		}
		sec := model.Person{Name: "Sam Secretariat", Email: "sam@gcr2p.example.org", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &sec); err != nil {
			t.Fatal(err)
		}
		countries := model.MemberStates()
		const people, onSlack = 60, 10 // two batches: 50, then 10
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
		store := &claimCounter{Store: s, claimed: map[model.Channel]int{}}
		mail, slack := &sends{n: map[string]int{}}, &sends{n: map[string]int{}}
		planner := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sam@gcr2p.example.org"},
			Channels: []model.Channel{model.ChannelEmail, model.ChannelSlack}}
		d := &delivery.Dispatcher{Store: store, Clock: clk, Planner: planner, Log: slog.New(slog.DiscardHandler),
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: mail, model.ChannelSlack: slack}}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- d.Run(runCtx, time.Hour) }()
		defer func() { stop(); <-done }()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			if _, _, ok := d.Reserve(model.ChannelEmail); ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the dispatcher did not start")
			}
		}

		svc := network.New(s, clk, time.UTC, planner, d.Kick).WithHandoff(d)
		start := meetingsNow.Add(30 * 24 * time.Hour)
		m, err := svc.CreateMeeting(ctx, network.As(sec), network.MeetingChange{Title: ptr("Network meeting"), Start: &start,
			Zone: time.UTC, Venue: ptr("New York")}, false)
		if err != nil {
			t.Fatal(err)
		}
		invited, err := svc.Invite(ctx, network.As(sec), m.ID, network.Selection{All: true})
		if err != nil || len(invited.Added) != people {
			t.Fatalf("invited %d (%v), want %d", len(invited.Added), err, people)
		}
		for deadline := time.Now().Add(10 * time.Second); mail.count() < people || slack.count() < onSlack; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("sent %d e-mails and %d Slack messages, want %d and %d", mail.count(), slack.count(), people, onSlack)
			}
		}
		for _, got := range []*sends{mail, slack} {
			for key, n := range got.n {
				if n != 1 {
					t.Errorf("%s sent %d times", key, n)
				}
			}
		}
		store.mu.Lock()
		claimedMail, claimedSlack := store.claimed[model.ChannelEmail], store.claimed[model.ChannelSlack]
		store.mu.Unlock()
		if claimedMail != 0 || claimedSlack != onSlack {
			t.Errorf("claimed from the store: %d e-mails and %d Slack messages, want none and %d", claimedMail, claimedSlack, onSlack)
		}
		tokens := map[string]bool{}
		items, err := s.Outbox(ctx, model.OutboxFilter{MeetingID: m.ID, Channel: model.ChannelEmail})
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

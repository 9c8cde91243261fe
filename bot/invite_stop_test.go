package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestInviteStoppedHalfWay: "invite <meeting> all" for more people than
// one batch, stopped after its first batch (the request's context ends as
// the dispatcher is kicked), answers what it did and why it stopped; the
// first batch's invitations stay, each with its audit entry and its
// e-mail; the same invite run again invites exactly the others; and the
// dispatcher sends every invitation once.
func TestInviteStoppedHalfWay(t *testing.T) {
	const people = 130 // a first batch of 50, then the other 80
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		sec := model.Person{Name: "Ruth Adler", Email: "sec@example.org", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &sec); err != nil {
			t.Fatal(err)
		}
		countries := model.MemberStates()
		for i := range people {
			p := model.Person{Name: fmt.Sprintf("Focal Point %d", i), Email: fmt.Sprintf("fp%d@example.org", i),
				Country: countries[i%len(countries)].Alpha2, Role: model.RoleFocalPoint, Status: model.StatusActive}
			if err := s.CreatePerson(ctx, model.System, &p); err != nil {
				t.Fatal(err)
			}
		}
		var (
			mu     sync.Mutex
			kicks  int
			cancel context.CancelFunc
		)
		kick := func() {
			mu.Lock()
			defer mu.Unlock()
			kicks++
			if cancel != nil {
				cancel()
			}
		}
		pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Secretariat", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
		eng := bot.New(s, clock.Fixed(start), slog.New(slog.NewTextHandler(io.Discard, nil)), time.UTC, bot.WithDelivery(pl, kick))
		caller := bot.Caller{Email: sec.Email}
		if r := eng.Handle(ctx, caller, `meeting create title="Network meeting" start="2012-09-29 10:00" end=17:00 venue="New York"`); r.Code != "" {
			t.Fatal(r.Text())
		}

		stop, stopNow := context.WithCancel(ctx)
		mu.Lock()
		cancel = stopNow
		mu.Unlock()
		r := eng.Handle(stop, caller, "invite 1 all")
		want := fmt.Sprintf("Meeting 1: the invite stopped part-way, after 50 newly invited (their invitations are on their way) of the %d selected.", people)
		if r.Code == "" || !strings.Contains(r.Text(), want) || !strings.Contains(r.Text(), "Run the same invite again") {
			t.Fatalf("stopped invite answered %s: %s\nwant %q and why it stopped", r.Code, r.Text(), want)
		}
		mu.Lock()
		cancel = nil
		if kicks != 1 {
			t.Errorf("the dispatcher was kicked %d times, want once, for the first batch", kicks)
		}
		mu.Unlock()
		checkInvited(t, s, 50)

		r = eng.Handle(ctx, caller, "invite 1 all")
		if want := fmt.Sprintf("Meeting 1: %d newly invited, 50 invited already.", people-50); r.Code != "" || !strings.Contains(r.Text(), want) {
			t.Fatalf("invite run again answered %s: %s\nwant %q", r.Code, r.Text(), want)
		}
		checkInvited(t, s, people)

		sent := map[string]int{}
		d := &delivery.Dispatcher{Store: s, Clock: clock.Fixed(start), Log: slog.New(slog.DiscardHandler), Planner: pl,
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: delivery.SenderFunc(func(_ context.Context, it model.OutboxItem, _ delivery.Payload) error {
				mu.Lock()
				defer mu.Unlock()
				sent[it.Recipient]++
				return nil
			})}}
		if n, err := d.Dispatch(ctx); err != nil || n != people {
			t.Fatalf("Dispatch = %d, %v; want %d", n, err, people)
		}
		for to, n := range sent {
			if n != 1 {
				t.Errorf("%s was sent %d invitations", to, n)
			}
		}
	})
}

// checkInvited checks that meeting 1 has n invitations, each with one
// "invitation.create" audit entry and one invitation e-mail queued.
func checkInvited(t *testing.T, s *storage.Store, n int) {
	t.Helper()
	ctx := context.Background()
	invs, err := s.Invitations(ctx, 1)
	if err != nil || len(invs) != n {
		t.Fatalf("%d invitations, want %d: %v", len(invs), n, err)
	}
	audit, err := s.Audit(ctx, storage.AuditFilter{Subject: "meeting:1", Limit: storage.MaxAuditLimit})
	if err != nil {
		t.Fatal(err)
	}
	created := 0
	for _, e := range audit {
		if e.Action == "invitation.create" {
			created++
		}
	}
	items, err := s.Outbox(ctx, storage.OutboxFilter{MeetingID: 1})
	if err != nil {
		t.Fatal(err)
	}
	byInvitation := map[int64]int{}
	for _, it := range items {
		byInvitation[it.InvitationID]++
	}
	for _, inv := range invs {
		if byInvitation[inv.ID] != 1 {
			t.Fatalf("%s has %d invitation e-mails queued, want 1", inv.Email, byInvitation[inv.ID])
		}
	}
	if created != n || len(items) != n {
		t.Fatalf("%d invitations, %d audited, %d e-mails queued", n, created, len(items))
	}
}

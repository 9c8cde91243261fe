package delivery_test

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/storage"
)

// outboxByStatus counts the items of one kind by status.
func outboxByStatus(t *testing.T, s *storage.Store, kind model.OutboxKind) map[model.OutboxStatus]int {
	t.Helper()
	all, err := s.Outbox(ctx, storage.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := map[model.OutboxStatus]int{}
	for _, it := range all {
		if it.Kind == kind {
			n[it.Status]++
		}
	}
	return n
}

// TestLongSMTPOutageLosesNothing: the SMTP server is down for eight hours
// (more than the twelve attempts that once made every message fail for
// good); when it comes back, all 20 invitations go out, and the
// secretariat, reachable only by the e-mail that was down, gets one notice
// that says what happened.
func TestLongSMTPOutageLosesNothing(t *testing.T) {
	clk := clock.Fixed(t0) // the store's and the dispatcher's
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		clk.Set(t0)
		ln, err := net.Listen("tcp", "127.0.0.1:0") // a port with no server, until it comes back
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		sender, err := mail.NewSMTP("smtp://" + addr)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := setup(t, s, clk, &recorder{sent: map[string]int{}})
		d.Senders[model.ChannelEmail] = &delivery.Email{Mail: sender, Clock: clk}
		for range 8 * 6 { // every ten minutes for eight hours
			if n, err := d.Dispatch(ctx); n != 0 || err != nil {
				t.Fatalf("at %s, while the server was down: Dispatch = %d, %v", clk.Now(), n, err)
			}
			clk.Advance(10 * time.Minute)
		}
		pending, _ := s.Outbox(ctx, storage.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxPending}})
		if len(pending) != 20 || pending[0].Attempts < 12 {
			t.Fatalf("after eight hours down: %d pending (want 20), the first tried %d times", len(pending), pending[0].Attempts)
		}

		srv := smtptest.Start(t, smtptest.Config{Addr: addr})
		// A new message goes first; the 20 retries, due later by their
		// backoff, follow at once: the outage is over.
		if _, err := s.Enqueue(ctx, d.Planner.Notice("hello", model.Person{ID: 99, Name: "New", Email: "new@example.org"}, "Hello")); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
		got := srv.Received()
		var notices []string
		guests := 0
		for _, m := range got {
			if m.To[0] == "ruth@example.org" {
				notices = append(notices, string(m.Data))
			} else if m.To[0] != "new@example.org" {
				guests++
			}
		}
		if guests != 20 || len(notices) != 1 {
			t.Fatalf("after the outage: %d invitations (want 20) and %d notices to the secretariat (want 1)", guests, len(notices))
		}
		if !strings.Contains(notices[0], "Sending by e-mail works again") || !strings.Contains(notices[0], "Wed 1 Aug 2012, 13:00 UTC") {
			t.Errorf("the notice does not say the outage is over, and since when:\n%s", notices[0])
		}
		if n := outboxByStatus(t, s, model.KindRequest); n[model.OutboxSent] != 20 {
			t.Errorf("invitations by status: %v", n)
		}
		// Nothing more to say: no notice per message, none left waiting.
		if n, err := d.Dispatch(ctx); n != 0 || err != nil {
			t.Errorf("a second Dispatch sent %d, %v", n, err)
		}
	})
}

// TestOutageNoticeByAnotherChannel: while e-mail is down, the secretariat
// hears of it once on Slack after half an hour, not before and not again,
// and once more when e-mail works again.
func TestOutageNoticeByAnotherChannel(t *testing.T) {
	clk := clock.Fixed(t0)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		clk.Set(t0)
		down := true
		mails := &recorder{sent: map[string]int{}, fail: func(model.OutboxItem) error {
			if down {
				return errors.New("dial tcp: connection refused")
			}
			return nil
		}}
		slack := &recorder{sent: map[string]int{}}
		d, _ := setup(t, s, clk, mails)
		d.Senders[model.ChannelSlack] = slack
		d.Planner.Channels = []model.Channel{model.ChannelEmail, model.ChannelSlack}
		sec, _ := s.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}})
		if _, err := s.UpdatePerson(ctx, model.System, sec[0].ID, func(p *model.Person) error { p.SlackID = "U0SECRET1"; return nil }); err != nil {
			t.Fatal(err)
		}
		notices := func() []string {
			var keys []string
			for k := range slack.sent {
				keys = append(keys, k)
			}
			return keys
		}
		for step := range 12 { // two hours
			if _, err := d.Dispatch(ctx); err != nil {
				t.Fatal(err)
			}
			want := 0
			if clk.Now().Sub(t0) >= 30*time.Minute {
				want = 1
			}
			if got := notices(); len(got) != want {
				t.Fatalf("step %d, %s down: notices on Slack %v, want %d", step, clk.Now().Sub(t0), got, want)
			}
			clk.Advance(10 * time.Minute)
		}
		down = false
		clk.Advance(time.Hour) // every retry is due
		if n, err := d.Dispatch(ctx); n != 21 || err != nil {
			t.Fatalf("after the outage: Dispatch = %d, %v; want the 20 invitations and the notice", n, err)
		}
		got := notices()
		if len(got) != 2 || !strings.HasSuffix(strings.Split(got[0]+" "+got[1], " ")[0], "/slack") {
			t.Errorf("notices on Slack: %v", got)
		}
		over := 0
		for _, k := range got {
			if strings.Contains(k, "/over/") {
				over++
			}
		}
		if over != 1 {
			t.Errorf("notices on Slack: %v; want one saying the outage is over", got)
		}
	})
}

// TestGivenUpWhenNoLongerMatters: a message kept through an outage is given
// up on when it no longer matters — reminders once their meeting has
// begun, anything after five days of failures — and the secretariat is told
// in one notice per dispatch run, not one per message.
func TestGivenUpWhenNoLongerMatters(t *testing.T) {
	clk := clock.Fixed(t0)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		clk.Set(t0)
		mails := &recorder{sent: map[string]int{}, fail: func(it model.OutboxItem) error {
			if it.Recipient != "ruth@example.org" {
				return errors.New("421 service not available")
			}
			return nil
		}}
		d, m := setup(t, s, clk, mails)
		soon := m
		soon.Title, soon.Start, soon.End = "Briefing", t0.Add(2*time.Hour), t0.Add(3*time.Hour)
		var items []model.OutboxItem
		for i := range 3 {
			inv := model.Invitation{ID: int64(100 + i), Name: fmt.Sprintf("Guest %d", i), Email: fmt.Sprintf("g%d@example.org", i)}
			items = append(items, d.Planner.Reminder(model.KindReminder, 2*time.Hour, soon, inv, nil)...)
		}
		if _, err := s.Enqueue(ctx, items); err != nil {
			t.Fatal(err)
		}
		notices := func() int {
			n := 0
			for k := range mails.sent {
				if strings.HasPrefix(k, "failures:") {
					n++
				}
			}
			return n
		}
		for clk.Now().Before(t0.Add(3 * time.Hour)) {
			if _, err := d.Dispatch(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Advance(10 * time.Minute)
		}
		if n := outboxByStatus(t, s, model.KindReminder); n[model.OutboxFailed] != 3 {
			t.Errorf("reminders after their meeting began: %v, want 3 failed", n)
		}
		if n := outboxByStatus(t, s, model.KindRequest); n[model.OutboxPending] != 20 {
			t.Errorf("invitations to a meeting still to come: %v, want 20 pending", n)
		}
		if n := notices(); n != 1 {
			t.Errorf("%d failure notices for the three reminders, want 1", n)
		}
		failed, _ := s.Outbox(ctx, storage.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxFailed}})
		if len(failed) == 0 || !strings.Contains(failed[0].LastError, "its meeting has begun") {
			t.Errorf("failed: %+v", failed)
		}

		for clk.Now().Before(t0.Add(delivery.MaxAge + 2*time.Hour)) {
			if _, err := d.Dispatch(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Hour)
		}
		if n := outboxByStatus(t, s, model.KindRequest); n[model.OutboxFailed] != 20 {
			t.Errorf("invitations after five days of failures: %v, want 20 failed", n)
		}
		if n := notices(); n != 2 {
			t.Errorf("%d failure notices in all, want 2", n)
		}
	})
}

// TestDeadline states when each kind of message stops mattering.
func TestDeadline(t *testing.T) {
	m := model.Meeting{Start: t0.Add(48 * time.Hour), End: t0.Add(55 * time.Hour)}
	poll := &model.Poll{Deadline: t0.Add(24 * time.Hour)}
	accra := time.Date(2012, 8, 2, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		key  string
		p    delivery.Payload
		want time.Time
	}{
		{"a reminder, when its meeting begins", "meeting:1/invitation:1/email/reminder/48h0m0s/seq:0", delivery.Payload{Kind: model.KindReminder, Meeting: m}, m.Start},
		{"a nudge, when its meeting begins", "k", delivery.Payload{Kind: model.KindNudge, Meeting: m}, m.Start},
		{"an invitation, when its meeting ends", "k", delivery.Payload{Kind: model.KindRequest, Meeting: m}, m.End},
		{"a cancellation, when its meeting ends", "k", delivery.Payload{Kind: model.KindCancel, Meeting: m}, m.End},
		{"a poll's question, at its deadline", "poll:1/ask/to:3/email", delivery.Payload{Kind: model.KindPoll, Poll: poll}, poll.Deadline},
		{"follow-ups, at the end of their day", "followups:2012-08-01/to:3/email", delivery.Payload{Kind: model.KindNotice, Invitee: delivery.Invitee{TimeZone: "Africa/Accra"}}, accra},
		{"the digest, at the end of its week", "digest:2012-07-30/to:3/email", delivery.Payload{Kind: model.KindNotice}, time.Date(2012, 8, 6, 0, 0, 0, 0, time.UTC)},
		{"another notice, never", "meeting:1/planned/to:3/email", delivery.Payload{Kind: model.KindNotice}, time.Time{}},
	} {
		got, why := delivery.Deadline(model.OutboxItem{Key: c.key, Kind: c.p.Kind}, c.p)
		if !got.Equal(c.want) || (why == "") != c.want.IsZero() {
			t.Errorf("%s: Deadline = %s (%q), want %s", c.name, got, why, c.want)
		}
	}
}

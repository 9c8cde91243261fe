package slack

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/storage"
)

var inviteSpeedup = flag.Float64("invite-speedup", 1,
	"BenchmarkInvite2000 divides the intervals of the Slack budgets by this (1: the configured limits, about 20 minutes an iteration)")

// inviteEach is how many invitees each channel has in BenchmarkInvite2000.
const inviteEach = 1000

// BenchmarkInvite2000 is issue 4's speed target: inviting 2,000 people
// (1,000 who have only an e-mail address, 1,000 who have only a Slack ID)
// finishes within 1.2× the slowest of (a) a plain SMTP client sending the
// same 1,000 messages to the same server and (b) the least time the
// configured Slack limits allow for the 1,000 direct messages.
//
// The timed part is the whole path: the engine's "invite <meeting> all",
// run as a member of the secretariat (it plans an outbox item per invitee
// and channel and kicks the dispatcher), then a running delivery.Dispatcher
// sending every item — e-mail through delivery.Email and mail.SMTP to a
// go-smtp server on 127.0.0.1, Slack through the Transport (conversations.open,
// then chat.postMessage and the calendar file, paced by its throttle) to the
// fake Web API — until the SMTP server holds 1,000 messages, the fake Slack
// 1,000 posts and 1,000 files, and the meeting has no pending outbox item.
//
// Reported beside s/op: plain-smtp-s, reference (a): the same 1,000 e-mails,
// composed beforehand from this iteration's outbox items, sent by a bare
// go-smtp client on one connection to the same server; slack-min-s,
// reference (b): when the throttle's budgets in force let the last of 1,000
// invitations (conversations.open, chat.postMessage, the calendar file, to
// 1,000 different DM channels) go at the earliest, with every call instant; ratio: s/op ÷
// max(a, b), against the target of 1.2. Also when the invite command
// answered, and when the last e-mail and the last Slack post arrived.
//
// With the configured limits, conversations.open (tier 3: 50 a minute,
// burst 5) alone needs (1000−5) × 1.2 s ≈ 20 minutes. -invite-speedup N
// divides every budget's interval (per method and per channel) by N, so
// that a run takes minutes; reference (b) is computed from the budgets in
// force, so the ratio still compares like with like, but the bot's own
// costs weigh N times more in it than under the real limits.
//
//	go test ./bot/slack -run '^$' -bench Invite2000 -benchtime 1x -count 3 -invite-speedup 20
func BenchmarkInvite2000(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) { benchInvite(b, backend.DSN(b)) })
	}
}

func benchInvite(b *testing.B, dsn string) {
	ctx := context.Background()
	discard := slog.New(slog.DiscardHandler)
	fs := newFakeSlack(b)
	bt := startBot(b, fs, botOptions{dsn: dsn})

	// The store's clock stands still at t0; the throttle's pacing needs a
	// clock that moves, or it would book every call from the same instant.
	th := bt.tr.throttle
	th.mu.Lock()
	th.clock = clock.System{}
	speedup := max(*inviteSpeedup, 1)
	scale := func(bu budget) budget {
		bu.interval = time.Duration(float64(bu.interval) / speedup)
		return bu
	}
	budgets := maps.Clone(th.budgets)
	for m, bu := range budgets {
		budgets[m] = scale(bu)
	}
	th.budgets, th.perChannel = budgets, scale(th.perChannel)
	perChannel := th.perChannel
	th.mu.Unlock()
	slackMin := slackMinimum(budgets, perChannel, inviteEach)

	// The roster: the secretariat, 1,000 focal points by e-mail only and
	// 1,000 by Slack only, spread over the member states.
	countries := model.MemberStates()
	sec := bt.addPerson(model.Person{Name: "Secretariat", Email: "sec@globalcentre.example.org",
		Role: model.RoleSecretariat, Status: model.StatusActive})
	for i := range inviteEach {
		c := countries[i%len(countries)].Alpha2
		bt.addPerson(model.Person{Name: fmt.Sprintf("E-mail Person %04d", i), Country: c,
			Email: fmt.Sprintf("fp%04d@example.org", i), Role: model.RoleFocalPoint, Status: model.StatusActive})
		id := fmt.Sprintf("U%05d", i)
		fs.addUser(id, fmt.Sprintf("slack%04d@example.org", i), fmt.Sprintf("Slack Person %04d", i), "Europe/Copenhagen")
		bt.addPerson(model.Person{Name: fmt.Sprintf("Slack Person %04d", i), Country: c, SlackID: id,
			TimeZone: "Europe/Copenhagen", Role: model.RoleFocalPoint, Status: model.StatusActive})
	}

	srv := smtptest.Start(b, smtptest.Config{})
	sender, err := mail.NewSMTP("smtp://" + srv.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer sender.Close()
	planner := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre for the Responsibility to Protect",
		Email: "secretariat@globalcentre.example.org"}, Channels: []model.Channel{model.ChannelEmail, model.ChannelSlack}}
	d := &delivery.Dispatcher{Store: bt.store, Clock: bt.clock, Planner: planner, Log: discard,
		Senders: map[model.Channel]delivery.Sender{
			model.ChannelEmail: &delivery.Email{Mail: sender, Clock: bt.clock},
			model.ChannelSlack: bt.tr,
		}}
	eng := bot.New(bt.store, bt.clock, discard, time.UTC, bot.WithDelivery(planner, d.Kick), bot.WithHandoff(d))
	runCtx, stopRun := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { defer close(stopped); _ = d.Run(runCtx, time.Second) }()
	defer func() { stopRun(); <-stopped }()

	var posts, files atomic.Int64
	stopDrain := make(chan struct{})
	defer close(stopDrain)
	go func() {
		for {
			select {
			case <-fs.posts:
				posts.Add(1)
			case <-fs.files:
				files.Add(1)
			case <-stopDrain:
				return
			}
		}
	}()

	timeout := max(10*time.Minute, 3*slackMin)
	var total, plain, answered, emailsDone, slackDone time.Duration
	iter := 0
	for b.Loop() {
		b.StopTimer()
		m := inviteMeeting(b, bt.store, iter)
		wantMail, wantPosts := (iter+1)*inviteEach, int64((iter+1)*inviteEach)
		b.StartTimer()

		start := time.Now()
		reply := eng.Handle(ctx, bot.Caller{Email: sec.Email}, fmt.Sprintf("invite %d all", m.ID))
		answered += time.Since(start)
		if reply.Code != "" || !strings.Contains(strings.ReplaceAll(reply.Text(), ",", ""), ": 2000 newly invited") {
			b.Fatalf("invite answered %s: %s", reply.Code, reply.Text())
		}
		var mailAt, postsAt time.Duration
		for mailAt == 0 || postsAt == 0 {
			if time.Since(start) > timeout {
				b.Fatalf("after %s: %d of %d e-mails, %d of %d Slack posts, %d of %d calendar files", timeout,
					len(srv.Received()), wantMail, posts.Load(), wantPosts, files.Load(), wantPosts)
			}
			if mailAt == 0 && len(srv.Received()) >= wantMail {
				mailAt = time.Since(start)
			}
			if postsAt == 0 && posts.Load() >= wantPosts && files.Load() >= wantPosts {
				postsAt = time.Since(start)
			}
			time.Sleep(2 * time.Millisecond)
		}
		for pending(b, bt.store, m.ID) > 0 { // the last sends are recorded
			time.Sleep(2 * time.Millisecond)
		}
		total += time.Since(start)
		emailsDone += mailAt
		slackDone += postsAt
		b.StopTimer()

		if got := len(srv.Received()); got != wantMail {
			b.Fatalf("the SMTP server received %d messages, want %d", got, wantMail)
		}
		if got := posts.Load(); got != wantPosts {
			b.Fatalf("the fake Slack received %d posts, want %d", got, wantPosts)
		}
		if got := files.Load(); got != wantPosts {
			b.Fatalf("the fake Slack received %d calendar files, want %d", got, wantPosts)
		}
		plain += smtptest.SendPlain(b, srv.Addr, 1, composeInvitations(b, bt.store, m.ID, bt.clock))
		iter++
		b.StartTimer()
	}

	n := float64(b.N)
	secs := func(d time.Duration) float64 { return d.Seconds() / n }
	ref := max(secs(plain), slackMin.Seconds())
	b.ReportMetric(secs(total), "s/op")
	b.ReportMetric(secs(plain), "plain-smtp-s")
	b.ReportMetric(slackMin.Seconds(), "slack-min-s")
	b.ReportMetric(secs(total)/ref, "ratio")
	b.ReportMetric(secs(answered), "invite-cmd-s")
	b.ReportMetric(secs(emailsDone), "emails-done-s")
	b.ReportMetric(secs(slackDone), "slack-done-s")
}

// inviteMeeting schedules a new meeting to invite everyone to.
func inviteMeeting(b *testing.B, s *storage.Store, i int) model.Meeting {
	b.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{Title: fmt.Sprintf("Meeting %d of the Global Network of R2P Focal Points", i+3),
		Start: time.Date(2012, 10, 15+i%10, 10, 0, 0, 0, ny), End: time.Date(2012, 10, 15+i%10, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "United Nations Headquarters", Address: "405 East 42nd Street, New York",
		Hosts: []string{"AU", "CR", "DK", "GH"}, Organiser: "Global Centre for the Responsibility to Protect",
		Status: model.MeetingScheduled,
		Agenda: "1. Opening\n2. The responsibility to protect: the year in review\n3. Regional perspectives\n4. Next steps"}
	if err := s.CreateMeeting(context.Background(), model.System, &m); err != nil {
		b.Fatal(err)
	}
	return m
}

// pending counts a meeting's outbox items not yet sent.
func pending(b *testing.B, s *storage.Store, meetingID int64) int {
	b.Helper()
	items, err := s.Outbox(context.Background(), storage.OutboxFilter{MeetingID: meetingID, Statuses: []model.OutboxStatus{model.OutboxPending}})
	if err != nil {
		b.Fatal(err)
	}
	return len(items)
}

// composeInvitations renders a meeting's e-mail outbox items as
// delivery.Email does, capturing the messages instead of sending them.
func composeInvitations(b *testing.B, s *storage.Store, meetingID int64, clk clock.Clock) []smtptest.Outgoing {
	b.Helper()
	items, err := s.Outbox(context.Background(), storage.OutboxFilter{MeetingID: meetingID})
	if err != nil {
		b.Fatal(err)
	}
	var msgs []smtptest.Outgoing
	capture := &delivery.Email{Clock: clk, Mail: mailCapturer(func(from string, to []string, msg []byte) {
		msgs = append(msgs, smtptest.Outgoing{From: from, To: to, Data: msg})
	})}
	for _, it := range items {
		if it.Channel != model.ChannelEmail {
			continue
		}
		p, err := delivery.Decode(it)
		if err != nil {
			b.Fatal(err)
		}
		if err := capture.Send(context.Background(), it, p); err != nil {
			b.Fatal(err)
		}
	}
	if len(msgs) != inviteEach {
		b.Fatalf("composed %d e-mails, want %d", len(msgs), inviteEach)
	}
	return msgs
}

// mailCapturer is a mail.Sender that hands each message to a function.
type mailCapturer func(from string, to []string, msg []byte)

func (f mailCapturer) Send(_ context.Context, from string, to []string, msg []byte) error {
	f(from, to, msg)
	return nil
}

// slackMinimum is when the last of n invitations can reach Slack at the
// earliest under the budgets: each is a conversations.open, then a
// chat.postMessage and a calendar file (files.completeUploadExternal) to a
// channel of its own, every call asked for as soon as allowed and taking no
// time. It books the calls on the throttle's own buckets, on a virtual
// clock.
func slackMinimum(budgets map[string]budget, perChannel budget, n int) time.Duration {
	var t0 time.Time
	bucketOf := func(method string) *bucket {
		if bu, ok := budgets[method]; ok {
			return &bucket{budget: bu}
		}
		return &bucket{budget: budget{burst: 1}} // no budget: no wait
	}
	open, post, upload := bucketOf("conversations.open"), bucketOf("chat.postMessage"), bucketOf("files.completeUploadExternal")
	var last time.Time
	for range n {
		opened := t0.Add(open.reserve(t0)) // every open asked for at once
		channel := &bucket{budget: perChannel}
		posted := opened.Add(max(post.reserve(opened), channel.reserve(opened)))
		shared := posted.Add(max(upload.reserve(posted), channel.reserve(posted)))
		if shared.After(last) {
			last = shared
		}
	}
	return last.Sub(t0)
}

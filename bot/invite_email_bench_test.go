package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/cputime"
	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/storage"
)

// inviteByEmail is how many people BenchmarkInviteEmail2000 invites.
const inviteByEmail = 2000

// BenchmarkInviteEmail2000 is issue 12's target 1: "invite <meeting> all"
// for 2,000 people who have only an e-mail address, from the command to the
// last e-mail accepted by a local SMTP server, takes at most 1.5× as long as
// a plain go-smtp client sending the same messages over the same
// connections.
//
// The timed part is the whole path: a member of the secretariat runs the
// command through the engine (it writes the invitations, their audit
// entries and their outbox items in batches, a transaction each, and
// kicks the dispatcher after each, so that the first e-mails go out while
// the rest are written), and a running delivery.Dispatcher with the default settings
// renders and sends each e-mail through mail.SMTP (3 connections) to a
// go-smtp server on 127.0.0.1, until the server holds the 2,000 messages.
// Then, in the same iteration, the same 2,000 messages (composed beforehand
// from this iteration's outbox items) are sent by bare go-smtp clients on 3
// connections at once (plain3-s) and on one (plain1-s), each dialled before
// its clock starts, as mail.SMTP's connections are open by then. ratio3 is
// s/op ÷ plain3-s, the target's; ratio1 is against one connection.
//
//	FOCALBOT_TEST_REQUIRE_POSTGRES=1 go test ./bot -run '^$' -bench InviteEmail2000 -benchtime 5x
func BenchmarkInviteEmail2000(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) { benchInviteEmail(b, backend.DSN(b)) })
	}
}

// emailBench is the world of the e-mail benchmarks: a store with a member
// of the secretariat and inviteByEmail focal points who have only an e-mail
// address, a local SMTP server, and an engine whose delivery.Dispatcher
// (the default settings, mail.SMTP on 3 connections) runs until the
// benchmark ends.
type emailBench struct {
	store *storage.Store
	clock clock.Clock
	srv   *smtptest.Server
	eng   *bot.Engine
	sec   bot.Caller
}

func newEmailBench(b *testing.B, dsn string) *emailBench {
	b.Helper()
	ctx := context.Background()
	clk := clock.Fixed(time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC))
	s := storetest.Open(b, dsn, clk)
	discard := slog.New(slog.DiscardHandler)
	sec := model.Person{Name: "Secretariat", Email: "sec@globalcentre.example.org", Role: model.RoleSecretariat, Status: model.StatusActive}
	if err := s.CreatePerson(ctx, model.System, &sec); err != nil {
		b.Fatal(err)
	}
	countries := model.MemberStates()
	for i := range inviteByEmail {
		p := model.Person{Name: fmt.Sprintf("Focal Point %04d", i), Email: fmt.Sprintf("fp%04d@example.org", i),
			Country: countries[i%len(countries)].Alpha2, Role: model.RoleFocalPoint, Status: model.StatusActive}
		if i%3 == 0 {
			p.TimeZone = "Europe/Copenhagen"
		}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			b.Fatal(err)
		}
	}

	srv := smtptest.Start(b, smtptest.Config{})
	sender, err := mail.NewSMTP("smtp://" + srv.Addr)
	if err != nil {
		b.Fatal(err)
	}
	planner := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre for the Responsibility to Protect",
		Email: "secretariat@globalcentre.example.org"}, Channels: []model.Channel{model.ChannelEmail}}
	d := &delivery.Dispatcher{Store: s, Clock: clk, Planner: planner, Log: discard,
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: &delivery.Email{Mail: sender, Clock: clk}}}
	eng := bot.New(s, clk, discard, time.UTC, bot.WithDelivery(planner, d.Kick), bot.WithHandoff(d))
	runCtx, stopRun := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { defer close(stopped); _ = d.Run(runCtx, time.Second) }()
	b.Cleanup(func() { stopRun(); <-stopped; sender.Close() })
	return &emailBench{store: s, clock: clk, srv: srv, eng: eng, sec: bot.Caller{Email: sec.Email}}
}

func benchInviteEmail(b *testing.B, dsn string) {
	ctx := context.Background()
	w := newEmailBench(b, dsn)
	s, clk, srv, eng := w.store, w.clock, w.srv, w.eng

	var total, answered, plain3, plain1, cpu, cpu3, first, srvCPU time.Duration
	sentDuring, srvKnown := 0, true
	iter := 0
	for b.Loop() {
		b.StopTimer()
		m := emailMeeting(b, s, iter)
		want := srv.Count() + inviteByEmail
		b.StartTimer()

		cpuStart, srvStart := cputime.Self(), storetest.ServerCPU(b, s)
		start := time.Now()
		firstMail := make(chan time.Duration, 1)
		go func() { // when the first e-mail is accepted
			for srv.Count() == want-inviteByEmail && time.Since(start) < 5*time.Minute {
				time.Sleep(100 * time.Microsecond)
			}
			firstMail <- time.Since(start)
		}()
		reply := eng.Handle(ctx, w.sec, fmt.Sprintf("invite %d all", m.ID))
		answered += time.Since(start)
		sentDuring += srv.Count() - (want - inviteByEmail)
		if reply.Code != "" || !strings.Contains(strings.ReplaceAll(reply.Text(), ",", ""), fmt.Sprintf(": %d newly invited", inviteByEmail)) {
			b.Fatalf("invite answered %s: %s", reply.Code, reply.Text())
		}
		for srv.Count() < want {
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("after 5 minutes: %d of %d e-mails", srv.Count(), want)
			}
			time.Sleep(time.Millisecond)
		}
		total += time.Since(start)
		cpu += cputime.Self() - cpuStart
		if srvEnd := storetest.ServerCPU(b, s); srvStart >= 0 && srvEnd >= 0 {
			srvCPU += srvEnd - srvStart
		} else {
			srvKnown = false
		}
		first += <-firstMail
		b.StopTimer()

		for pendingOf(b, s, m.ID) > 0 { // the last sends are recorded
			time.Sleep(2 * time.Millisecond)
		}
		if got := srv.Count(); got != want {
			b.Fatalf("the SMTP server received %d messages, want %d", got, want)
		}
		msgs := composeOutbox(b, s, m.ID, clk, 0)
		cpuStart = cputime.Self()
		plain3 += smtptest.SendPlain(b, srv.Addr, 3, msgs)
		cpu3 += cputime.Self() - cpuStart
		plain1 += smtptest.SendPlain(b, srv.Addr, 1, msgs)
		iter++
		b.StartTimer()
	}
	n := float64(b.N)
	secs := func(d time.Duration) float64 { return d.Seconds() / n }
	b.ReportMetric(secs(total), "s/op")
	b.ReportMetric(secs(answered), "invite-cmd-s")
	b.ReportMetric(secs(first), "first-mail-s")
	b.ReportMetric(float64(sentDuring)/n, "sent-during-cmd")
	b.ReportMetric(secs(plain3), "plain3-s")
	b.ReportMetric(secs(plain1), "plain1-s")
	b.ReportMetric(total.Seconds()/plain3.Seconds(), "ratio3")
	b.ReportMetric(total.Seconds()/plain1.Seconds(), "ratio1")
	b.ReportMetric(float64(cpu.Microseconds())/n/inviteByEmail, "cpu-us/msg")
	b.ReportMetric(float64(cpu3.Microseconds())/n/inviteByEmail, "plain3-cpu-us/msg")
	if srvKnown {
		// PostgreSQL's server, for the same messages: the backends' CPU,
		// which this process's does not include.
		b.ReportMetric(float64(srvCPU.Microseconds())/n/inviteByEmail, "pg-cpu-us/msg")
	}
}

// emailMeeting schedules a new meeting to invite everyone to.
func emailMeeting(b *testing.B, s *storage.Store, i int) model.Meeting {
	b.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{Title: fmt.Sprintf("Meeting %d of the Global Network of R2P Focal Points", i+3),
		Start: time.Date(2012, 10, 15, 10, 0, 0, 0, ny), End: time.Date(2012, 10, 15, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "United Nations Headquarters", Address: "405 East 42nd Street, New York",
		Hosts: []string{"AU", "CR", "DK", "GH"}, Organiser: "Global Centre for the Responsibility to Protect",
		Status: model.MeetingScheduled,
		Agenda: "1. Opening\n2. The responsibility to protect: the year in review\n3. Regional perspectives\n4. Next steps"}
	if err := s.CreateMeeting(context.Background(), model.System, &m); err != nil {
		b.Fatal(err)
	}
	return m
}

// pendingOf counts a meeting's outbox items not yet sent.
func pendingOf(b *testing.B, s *storage.Store, meetingID int64) int {
	b.Helper()
	counts, err := s.OutboxCounts(context.Background(), storage.OutboxFilter{MeetingID: meetingID})
	if err != nil {
		b.Fatal(err)
	}
	return counts[model.OutboxPending]
}

// composeOutbox renders a meeting's e-mail outbox items (the latest so
// many, or all for 0) as delivery.Email does, capturing the messages
// instead of sending them.
func composeOutbox(b *testing.B, s *storage.Store, meetingID int64, clk clock.Clock, latest int) []smtptest.Outgoing {
	b.Helper()
	items, err := s.Outbox(context.Background(), storage.OutboxFilter{MeetingID: meetingID, Channel: model.ChannelEmail, Latest: latest})
	if err != nil {
		b.Fatal(err)
	}
	var msgs []smtptest.Outgoing
	capture := &delivery.Email{Clock: clk, Mail: captureMail(func(from string, to []string, msg []byte) {
		msgs = append(msgs, smtptest.Outgoing{From: from, To: to, Data: msg})
	})}
	for _, it := range items {
		p, err := delivery.Decode(it)
		if err != nil {
			b.Fatal(err)
		}
		if err := capture.Send(context.Background(), it, p); err != nil {
			b.Fatal(err)
		}
	}
	if len(msgs) != inviteByEmail {
		b.Fatalf("composed %d e-mails, want %d", len(msgs), inviteByEmail)
	}
	return msgs
}

// captureMail is a mail.Sender that hands each message to a function.
type captureMail func(from string, to []string, msg []byte)

func (f captureMail) Send(_ context.Context, from string, to []string, msg []byte) error {
	f(from, to, msg)
	return nil
}

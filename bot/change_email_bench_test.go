package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
)

// BenchmarkChangeEmail2000 is a meeting changed for 2,000 invitees who have
// only an e-mail address, measured as BenchmarkInviteEmail2000 measures
// the invitation: from "meeting change <meeting> venue=…" to the last
// update accepted by a local SMTP server, against a plain go-smtp client
// sending the same 2,000 updates over 3 connections (ratio3). Each
// iteration first invites everyone to a new meeting and waits until all
// the invitations are sent, untimed. The change is one transaction (the
// meeting, its audit entry and every invitee's update), and the
// dispatcher claims the updates from the outbox: unlike invite's e-mails,
// they are not handed over.
//
//	FOCALBOT_TEST_REQUIRE_POSTGRES=1 go test ./bot -run '^$' -bench ChangeEmail2000 -benchtime 3x
func BenchmarkChangeEmail2000(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) { benchChangeEmail(b, backend.DSN(b)) })
	}
}

func benchChangeEmail(b *testing.B, dsn string) {
	ctx := context.Background()
	w := newEmailBench(b, dsn)
	// sent waits until the server holds want messages and the meeting's
	// sends are recorded.
	sent := func(meetingID int64, want int) {
		deadline := time.Now().Add(5 * time.Minute)
		for w.srv.Count() < want || pendingOf(b, w.store, meetingID) > 0 {
			if time.Now().After(deadline) {
				b.Fatalf("after 5 minutes: %d of %d e-mails", w.srv.Count(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	var total, answered, plain3 time.Duration
	iter := 0
	for b.Loop() {
		b.StopTimer()
		m := emailMeeting(b, w.store, iter)
		want := w.srv.Count() + inviteByEmail
		if reply := w.eng.Handle(ctx, w.sec, fmt.Sprintf("invite %d all", m.ID)); reply.Code != "" {
			b.Fatalf("invite answered %s: %s", reply.Code, reply.Text())
		}
		sent(m.ID, want)
		want += inviteByEmail
		venue := fmt.Sprintf("Conference Room %d", iter+1)
		b.StartTimer()

		start := time.Now()
		reply := w.eng.Handle(ctx, w.sec, fmt.Sprintf("meeting change %d venue=%q", m.ID, venue))
		answered += time.Since(start)
		if reply.Code != "" || !strings.Contains(reply.Text(), venue) {
			b.Fatalf("meeting change answered %s: %s", reply.Code, reply.Text())
		}
		for w.srv.Count() < want {
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("after 5 minutes: %d of %d e-mails", w.srv.Count(), want)
			}
			time.Sleep(time.Millisecond)
		}
		total += time.Since(start)
		b.StopTimer()

		sent(m.ID, want)
		if got := w.srv.Count(); got != want {
			b.Fatalf("the SMTP server received %d messages, want %d", got, want)
		}
		msgs := composeOutbox(b, w.store, m.ID, w.clock, inviteByEmail)
		if !strings.Contains(string(msgs[0].Data), venue) {
			b.Fatalf("the latest e-mails are not the updates:\n%s", msgs[0].Data)
		}
		plain3 += smtptest.SendPlain(b, w.srv.Addr, 3, msgs)
		iter++
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(total.Seconds()/n, "s/op")
	b.ReportMetric(answered.Seconds()/n, "change-cmd-s")
	b.ReportMetric(plain3.Seconds()/n, "plain3-s")
	b.ReportMetric(total.Seconds()/plain3.Seconds(), "ratio3")
}

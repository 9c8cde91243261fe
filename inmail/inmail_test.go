package inmail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestReplyAnswersOnceAsRsvpWould: a REPLY records the attendee's answer,
// audited as by e-mail; the same message again does nothing twice.
func TestReplyAnswersOnceAsRsvpWould(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		raw := reply("Mette.Jensen@UM.example.dk", "mette.jensen@um.example.dk", "ACCEPTED", 0, now.Add(-time.Hour), "r1@um.example.dk")
		out := f.ingest(t, raw)
		if out.Mail.Status != model.MailHandled || out.Repeat || out.Mail.MeetingID != f.meeting.ID {
			t.Fatalf("outcome %+v", out)
		}
		if inv := f.answerOf(t, "mette.jensen@um.example.dk"); inv.Response != model.ResponseYes {
			t.Fatalf("answer %q", inv.Response)
		}
		entries, err := s.Audit(context.Background(), model.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var audited int
		for _, e := range entries {
			if e.Action == "invitation.respond" {
				audited++
				if !strings.Contains(e.Actor, "by e-mail") {
					t.Errorf("audit actor %q does not say by e-mail", e.Actor)
				}
			}
		}
		if audited != 1 {
			t.Fatalf("%d answers audited, want 1", audited)
		}
		again := f.ingest(t, raw)
		if !again.Repeat || again.Mail.ID != out.Mail.ID {
			t.Fatalf("the same message again: %+v", again)
		}
		entries, _ = s.Audit(context.Background(), model.AuditFilter{})
		var n int
		for _, e := range entries {
			if e.Action == "invitation.respond" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("after a repeat, %d answers audited, want 1", n)
		}
	})
}

package network_test

import (
	"context"
	"testing"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// TestRecordsAreTheSecretariats: the audit log, the outbox (which names
// every recipient) and the retry of failed messages are read and done
// through the services, which refuse a focal point and someone off the
// roster, and serve the secretariat; a feed token is a member's own.
func TestRecordsAreTheSecretariats(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH", "DK"}}); err != nil {
			t.Fatal(err)
		}
		items := f.outbox(t, m.ID)
		if len(items) != 2 {
			t.Fatalf("outbox: %d items, want 2", len(items))
		}
		if err := s.Fail(ctx, items[0].ID, "550 no such user"); err != nil {
			t.Fatal(err)
		}
		stranger := network.Caller{Label: "someone@example.org"}
		for name, c := range map[string]network.Caller{"a focal point": f.gh, "someone off the roster": stranger} {
			if _, err := f.svc.Audit(ctx, c, model.AuditFilter{}); model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("Audit by %s: %v, want EFORBIDDEN", name, err)
			}
			if _, err := f.svc.Outbox(ctx, c, m.ID, 20); model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("Outbox by %s: %v, want EFORBIDDEN", name, err)
			}
			if _, _, err := f.svc.RetryFailed(ctx, c, 0, meetingsNow); model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("RetryFailed by %s: %v, want EFORBIDDEN", name, err)
			}
			if _, err := f.svc.Drafts(ctx, c); model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("Drafts by %s: %v, want EFORBIDDEN", name, err)
			}
			if _, err := f.svc.NotInvitedTo(ctx, c, *f.gh.Person); model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("NotInvitedTo by %s: %v, want EFORBIDDEN", name, err)
			}
		}
		if _, err := f.svc.FeedToken(ctx, stranger, false); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("FeedToken off the roster: %v, want EFORBIDDEN", err)
		}

		log, err := f.svc.Audit(ctx, f.sec, model.AuditFilter{})
		if err != nil || len(log.Entries) == 0 {
			t.Fatalf("Audit: %d entries, %v", len(log.Entries), err)
		}
		if log.Names[f.gh.Person.ID] != "Kofi Mensah" {
			t.Errorf("Audit names the subjects' people: %v", log.Names)
		}
		out, err := f.svc.Outbox(ctx, f.sec, m.ID, 1)
		if err != nil || out.Counts[model.OutboxFailed] != 1 || out.Counts[model.OutboxPending] != 1 || len(out.Latest) != 1 {
			t.Fatalf("Outbox: %+v, %v", out, err)
		}
		if _, err := f.svc.Outbox(ctx, f.sec, m.ID+1, 20); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("Outbox of no meeting: %v, want ENOTFOUND", err)
		}
		kicks := f.kicks
		queued, stale, err := f.svc.RetryFailed(ctx, f.sec, m.ID, meetingsNow)
		if err != nil || queued != 1 || stale != 0 || f.kicks != kicks+1 {
			t.Fatalf("RetryFailed: %d queued, %d stale, %v; kicks %d → %d", queued, stale, err, kicks, f.kicks)
		}
		if out, _ := f.svc.Outbox(ctx, f.sec, m.ID, 0); out.Counts[model.OutboxFailed] != 0 || out.Counts[model.OutboxPending] != 2 {
			t.Errorf("after the retry: %v", out.Counts)
		}

		one, err := f.svc.FeedToken(ctx, f.gh, false)
		if err != nil || one == "" {
			t.Fatalf("FeedToken: %q, %v", one, err)
		}
		if again, _ := f.svc.FeedToken(ctx, f.gh, false); again != one {
			t.Errorf("FeedToken twice: %q, then %q", one, again)
		}
		if other, _ := f.svc.FeedToken(ctx, f.dk, false); other == one {
			t.Error("two members have one feed token")
		}
		if renewed, _ := f.svc.FeedToken(ctx, f.gh, true); renewed == one || renewed == "" {
			t.Errorf("FeedToken reset: %q", renewed)
		}
	})
}

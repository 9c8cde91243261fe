package storage_test

import (
	"fmt"
	"testing"
	"time"

	"focalbot/model"
	"focalbot/storage"
)

// TestPruneLinksDeletesOnlyLinksThatStoppedWorkingBeforeTheCutoff: a link
// of a meeting that ended before the cutoff and one of a poll whose
// deadline passed before it go, limit at a time; a link of a meeting that
// ended since, and one of a meeting to come, stay.
func TestPruneLinksDeletesOnlyLinksThatStoppedWorkingBeforeTheCutoff(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		day := 24 * time.Hour
		link := func(endsAfterT0 time.Duration, guest string) string {
			t.Helper()
			m := seedMeeting()
			m.Start, m.End = t0.Add(endsAfterT0-2*time.Hour), t0.Add(endsAfterT0)
			if err := s.CreateMeeting(ctx, admin, &m); err != nil {
				t.Fatal(err)
			}
			invs, err := s.Invite(ctx, admin, m.ID, []model.Invitation{{Name: guest, Email: guest + "@example.org"}},
				func(model.Meeting, model.Invitation) []model.OutboxItem { return nil })
			if err != nil || len(invs) != 1 {
				t.Fatalf("invite %s: %v", guest, err)
			}
			hash := fmt.Sprintf("%064x", len(guest)*1000+int(endsAfterT0/time.Hour))
			if _, err := s.CreateLink(ctx, model.Link{InvitationID: invs[0].ID}, hash); err != nil {
				t.Fatal(err)
			}
			return hash
		}
		// Seen from 60 days after t0, the links stopped working more than
		// 30 days before are pruned.
		ended := link(day, "ended")       // ended 59 days before
		recent := link(50*day, "recent")  // ended 10 days before
		coming := link(100*day, "coming") // still to come
		p := createPoll(t, s, newPoll(0)) // its deadline is a day after t0
		gh := create(t, s, ghana())
		pollHash := fmt.Sprintf("%064x", 7)
		if _, err := s.CreateLink(ctx, model.Link{PollID: p.ID, PersonID: gh.ID}, pollHash); err != nil {
			t.Fatal(err)
		}

		now := t0.Add(60 * day)
		cutoff := now.Add(-30 * day)
		var total int64
		for range 3 {
			n, err := s.PruneLinks(ctx, cutoff, 1)
			if err != nil {
				t.Fatal(err)
			}
			if n > 1 {
				t.Fatalf("pruned %d links at once, limit 1", n)
			}
			total += n
		}
		if total != 2 {
			t.Errorf("pruned %d links, want 2 (the ended meeting's and the closed poll's)", total)
		}
		for hash, want := range map[string]bool{ended: false, pollHash: false, recent: true, coming: true} {
			_, err := s.LinkByHash(ctx, hash)
			if got := err == nil; got != want {
				t.Errorf("link %s…: kept %v, want %v (%v)", hash[56:], got, want, err)
			}
			if !want && model.ErrorCode(err) != model.ENOTFOUND {
				t.Errorf("a pruned link is not simply unknown: %v", err)
			}
		}
	})
}

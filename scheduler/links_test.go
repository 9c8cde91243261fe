package scheduler_test

import (
	"fmt"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/scheduler"
	"focalbot/storage"
)

// TestTickPrunesLinksThatStoppedWorkingLongAgo: the first tick deletes the
// link of a meeting that ended more than scheduler.LinksKept before and
// keeps that of one that ended since; ticks within the hour after do not
// prune again, and the first an hour later does.
func TestTickPrunesLinksThatStoppedWorkingLongAgo(t *testing.T) {
	t0 := time.Date(2030, 3, 2, 9, 0, 0, 0, time.UTC)
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		person(t, s, "Ruth", "ruth@example.org", "", model.RoleSecretariat)
		n := 0
		link := func(end time.Time) string {
			t.Helper()
			n++
			m := model.Meeting{Title: fmt.Sprintf("Meeting %d", n), Start: end.Add(-3 * time.Hour), End: end, TimeZone: "America/New_York",
				Venue: "New York", Status: model.MeetingScheduled}
			if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
				t.Fatal(err)
			}
			invs, err := s.Invite(ctx, model.System, m.ID, []model.Invitation{{Name: "Guest", Email: fmt.Sprintf("g%d@example.org", n)}},
				func(model.Meeting, model.Invitation) []model.OutboxItem { return nil })
			if err != nil {
				t.Fatal(err)
			}
			hash := fmt.Sprintf("%064x", n)
			if _, err := s.CreateLink(ctx, model.Link{InvitationID: invs[0].ID}, hash); err != nil {
				t.Fatal(err)
			}
			return hash
		}
		kept := func(hash string) bool {
			t.Helper()
			_, err := s.LinkByHash(ctx, hash)
			if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
				t.Fatal(err)
			}
			return err == nil
		}
		// Seen from t1, old stopped working 39 days before; recent stops
		// being kept 10 minutes after t1.
		t1 := t0.Add(40 * 24 * time.Hour)
		old, recent := link(t0.Add(24*time.Hour)), link(t1.Add(-scheduler.LinksKept+10*time.Minute))
		clk := clock.Fixed(t1)
		sched := newScheduler(s, clk)
		tick := func() {
			t.Helper()
			if err := sched.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		tick()
		if kept(old) || !kept(recent) {
			t.Fatalf("after the first tick: old kept %v, recent kept %v; want only recent", kept(old), kept(recent))
		}
		clk.Advance(30 * time.Minute) // recent may go now, but the last pruning was half an hour ago
		tick()
		if !kept(recent) {
			t.Fatal("pruned again within the hour")
		}
		clk.Advance(31 * time.Minute)
		tick()
		if kept(recent) {
			t.Error("the first tick an hour after the last pruning did not prune")
		}
	})
}

package storage_test

import (
	"testing"
	"time"

	"focalbot/model"
	"focalbot/storage"
)

// TestItemsWrittenClaimedOnlyWhenPendingAndDue: an item handed over with
// a claim is written claimed when it is pending and due; one due later,
// or written skipped, is written unclaimed, for whoever claims it then.
func TestItemsWrittenClaimedOnlyWhenPendingAndDue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		until := t0.Add(5 * time.Minute)
		item := func(key string, due time.Time, status model.OutboxStatus) model.OutboxItem {
			return model.OutboxItem{Key: key, Channel: model.ChannelEmail, Kind: model.KindNotice, Recipient: "sam@example.org",
				Payload: "{}", DueAt: due, Status: status, ClaimedBy: "claim", ClaimedUntil: until}
		}
		written, err := s.Enqueue(ctx, []model.OutboxItem{
			item("now", t0, ""), item("later", t0.Add(time.Hour), ""), item("skipped", t0, model.OutboxSkipped)})
		if err != nil || len(written) != 3 {
			t.Fatalf("enqueued %d: %v", len(written), err)
		}
		want := map[string]bool{"now": true, "later": false, "skipped": false}
		for _, it := range written {
			if claimed := it.ClaimedBy == "claim" && it.ClaimedUntil.Equal(until); claimed != want[it.Key] {
				t.Errorf("%s: written claimed %v (%q until %v), want %v", it.Key, claimed, it.ClaimedBy, it.ClaimedUntil, want[it.Key])
			}
		}
		// And the store says the same: the one claimed is not claimable.
		got, err := s.Claim(ctx, t0, model.ChannelEmail, 10, time.Minute)
		if err != nil || len(got) != 0 {
			t.Errorf("claimed %d items at t0, want none (the due one is held): %v", len(got), err)
		}
	})
}

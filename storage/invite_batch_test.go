package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"focalbot/model"
	"focalbot/storage"
)

// TestInviteManyInBatches invites more people than one statement writes
// (the invitations, their audit entries and their messages go in groups of
// a few hundred) and proves that nothing is lost or doubled across the
// groups: every invitation has its audit entry, its message and its
// payload; inviting them again with one more adds that one only; an
// enqueue that repeats keys, across groups and within one, writes each key
// once and returns only what it wrote; and a later change supersedes every
// first invitation, in one group as in the next.
func TestInviteManyInBatches(t *testing.T) {
	const n = 620
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		m := seedMeeting()
		if err := s.CreateMeeting(ctx, admin, &m); err != nil {
			t.Fatal(err)
		}
		guests := make([]model.Invitation, n)
		for i := range guests {
			guests[i] = model.Invitation{Name: fmt.Sprintf("Guest %d", i), Email: fmt.Sprintf("guest%d@example.org", i)}
		}
		withPayload := func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
			items := plan("request")(m, inv)
			items[0].Payload = fmt.Sprintf(`{"to":%q}`, inv.Email)
			return items
		}
		added, err := s.Invite(ctx, admin, m.ID, guests, withPayload)
		if err != nil || len(added) != n {
			t.Fatalf("Invite added %d of %d: %v", len(added), n, err)
		}
		for i, inv := range added {
			if inv.ID == 0 || inv.Email != guests[i].Email {
				t.Fatalf("invitation %d = %+v, want the guest %s with an ID", i, inv, guests[i].Email)
			}
		}
		audit, err := s.Audit(ctx, storage.AuditFilter{Subject: fmt.Sprintf("meeting:%d", m.ID), Limit: storage.MaxAuditLimit})
		if err != nil {
			t.Fatal(err)
		}
		created := map[string]bool{}
		for _, e := range audit {
			if e.Action == "invitation.create" {
				created[e.After] = true
			}
		}
		if len(created) != n {
			t.Fatalf("%d invitation.create audit entries, want %d", len(created), n)
		}
		items, err := s.Outbox(ctx, storage.OutboxFilter{MeetingID: m.ID})
		if err != nil || len(items) != n {
			t.Fatalf("outbox holds %d items, want %d: %v", len(items), n, err)
		}
		byInvitation := map[int64]model.OutboxItem{}
		for _, it := range items {
			byInvitation[it.InvitationID] = it
		}
		for _, inv := range added {
			it, ok := byInvitation[inv.ID]
			if !ok || it.Recipient != inv.Email || it.Payload != fmt.Sprintf(`{"to":%q}`, inv.Email) || it.Status != model.OutboxPending {
				t.Fatalf("the message of %s = %+v", inv.Email, it)
			}
		}

		more := append(guests, model.Invitation{Name: "Late", Email: "late@example.org"})
		again, err := s.Invite(ctx, admin, m.ID, more, withPayload)
		if err != nil || len(again) != 1 || again[0].Email != "late@example.org" {
			t.Fatalf("second Invite = %d added, %v", len(again), err)
		}

		// Keys queued before, and one key twice, among new ones.
		var batch []model.OutboxItem
		for i := range 600 {
			batch = append(batch, model.OutboxItem{Key: fmt.Sprintf("notice:%d", i%400), Channel: model.ChannelEmail,
				Kind: model.KindNotice, Recipient: "sec@example.org", Payload: fmt.Sprintf("%d", i)})
		}
		batch = append(batch, items[0], items[n-1])
		twice := model.OutboxItem{Key: "notice:twice", Channel: model.ChannelEmail, Kind: model.KindNotice, Recipient: "sec@example.org", Payload: "first"}
		batch = slices.Insert(batch, 10, twice, model.OutboxItem{Key: twice.Key, Channel: model.ChannelEmail,
			Kind: model.KindNotice, Recipient: "sec@example.org", Payload: "second"}) // in one statement
		written, err := s.Enqueue(ctx, batch)
		if err != nil || len(written) != 401 {
			t.Fatalf("Enqueue wrote %d, want 401: %v", len(written), err)
		}
		if w := written[10]; w.Key != twice.Key || w.Payload != "first" {
			t.Fatalf("the key given twice was written as %+v, want the first", w)
		}
		written = slices.Delete(written, 10, 11)
		for i, it := range written {
			if it.Key != fmt.Sprintf("notice:%d", i) || it.Payload != fmt.Sprintf("%d", i) || it.ID == 0 {
				t.Fatalf("written %d = %+v", i, it)
			}
		}

		// A change supersedes every first invitation.
		if _, err := s.UpdateMeeting(ctx, admin, m.ID, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
			m.Sequence++
			var out []model.OutboxItem
			for _, inv := range invs {
				out = append(out, plan("request")(*m, inv)...)
			}
			return out, nil
		}); err != nil {
			t.Fatal(err)
		}
		counts, err := s.OutboxCounts(ctx, storage.OutboxFilter{MeetingID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if counts[model.OutboxSuperseded] != n+1 || counts[model.OutboxPending] != n+1 {
			t.Fatalf("counts = %v, want %d superseded and %d pending", counts, n+1, n+1)
		}
	})
}

// inviteState is what a meeting's invitations left: how many invitations,
// "invitation.create" audit entries (one per invitation, each naming
// its own) and outbox items (one per invitation, each with its payload).
func inviteState(t *testing.T, s *storage.Store, meetingID int64) (invitations int) {
	t.Helper()
	invs, err := s.Invitations(ctx, meetingID)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]model.Invitation{}
	seen := map[string]bool{}
	for _, inv := range invs {
		byID[inv.ID] = inv
		if seen[inv.Email] {
			t.Fatalf("%s is invited twice", inv.Email)
		}
		seen[inv.Email] = true
	}
	audit, err := s.Audit(ctx, storage.AuditFilter{Subject: fmt.Sprintf("meeting:%d", meetingID), Limit: storage.MaxAuditLimit})
	if err != nil {
		t.Fatal(err)
	}
	audited := map[int64]bool{}
	for _, e := range audit {
		if e.Action != "invitation.create" {
			continue
		}
		var inv model.Invitation
		if err := json.Unmarshal([]byte(e.After), &inv); err != nil || byID[inv.ID].Email != inv.Email || audited[inv.ID] {
			t.Fatalf("audit entry %s: not of one invitation, once (%v)", e.After, err)
		}
		audited[inv.ID] = true
	}
	items, err := s.Outbox(ctx, storage.OutboxFilter{MeetingID: meetingID})
	if err != nil {
		t.Fatal(err)
	}
	queued := map[int64]bool{}
	for _, it := range items {
		if inv, ok := byID[it.InvitationID]; !ok || it.Recipient != inv.Email || it.Payload != fmt.Sprintf(`{"to":%q}`, inv.Email) || queued[it.InvitationID] {
			t.Fatalf("outbox item %+v: not the one message of an invitation", it)
		}
		queued[it.InvitationID] = true
	}
	if len(audited) != len(invs) || len(queued) != len(invs) {
		t.Fatalf("%d invitations, %d audited, %d with their message", len(invs), len(audited), len(queued))
	}
	return len(invs)
}

// TestInviteStopsBetweenBatches proves that an invite is written in
// batches that are each whole: stopped after its second batch (its
// context ends), it leaves the invitations of the first two, each with its
// audit entry and message, and nothing of the third; run again, it
// invites exactly the others. A meeting cancelled between two batches
// stops the invite with ECONFLICT, keeping what was written. Two invites
// of overlapping people at once invite each person once.
func TestInviteStopsBetweenBatches(t *testing.T) {
	guests := func(from, to int) []model.Invitation {
		var out []model.Invitation
		for i := from; i < to; i++ {
			out = append(out, model.Invitation{Name: fmt.Sprintf("Guest %d", i), Email: fmt.Sprintf("guest%d@example.org", i)})
		}
		return out
	}
	withPayload := func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		items := plan("request")(m, inv)
		items[0].Payload = fmt.Sprintf(`{"to":%q}`, inv.Email)
		return items
	}
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		m := seedMeeting()
		if err := s.CreateMeeting(ctx, admin, &m); err != nil {
			t.Fatal(err)
		}
		all := guests(0, 320)
		stop, cancel := context.WithCancel(ctx)
		var batches []int
		added, err := s.InviteInBatches(stop, admin, m.ID, all, withPayload, func(added []model.Invitation, _ []model.OutboxItem) {
			batches = append(batches, len(added))
			if len(batches) == 2 {
				cancel()
			}
		})
		if err == nil || len(added) != 300 || !slices.Equal(batches, []int{50, 250}) {
			t.Fatalf("stopped invite: %d added in batches %v, error %v; want 300 in 50 and 250, and an error", len(added), batches, err)
		}
		if n := inviteState(t, s, m.ID); n != 300 {
			t.Fatalf("%d invitations after the stop, want 300", n)
		}
		again, err := s.InviteInBatches(ctx, admin, m.ID, all, withPayload, nil)
		if err != nil || len(again) != 20 || again[0].Email != all[300].Email || again[19].Email != all[319].Email {
			t.Fatalf("invite run again: %d added, %v; want the last 20", len(again), err)
		}
		if n := inviteState(t, s, m.ID); n != 320 {
			t.Fatalf("%d invitations, want 320", n)
		}

		// Two at once, of overlapping people.
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			got  int
			errs []error
		)
		for _, part := range [][]model.Invitation{guests(320, 720), guests(520, 920), guests(0, 920)} {
			wg.Go(func() {
				added, err := s.InviteInBatches(ctx, admin, m.ID, part, withPayload, nil)
				mu.Lock()
				defer mu.Unlock()
				got, errs = got+len(added), append(errs, err)
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil || got != 600 {
			t.Fatalf("three invites at once added %d, want 600: %v", got, err)
		}
		if n := inviteState(t, s, m.ID); n != 920 {
			t.Fatalf("%d invitations, want 920", n)
		}

		// Cancelled between two batches.
		c := seedMeeting()
		if err := s.CreateMeeting(ctx, admin, &c); err != nil {
			t.Fatal(err)
		}
		added, err = s.InviteInBatches(ctx, admin, c.ID, all, withPayload, func([]model.Invitation, []model.OutboxItem) {
			if _, err := s.UpdateMeeting(ctx, admin, c.ID, func(m *model.Meeting, _ []model.Invitation) ([]model.OutboxItem, error) {
				_, err := m.Cancel()
				return nil, err
			}); err != nil {
				t.Error(err)
			}
		})
		if model.ErrorCode(err) != model.ECONFLICT || len(added) != 50 {
			t.Fatalf("invite to a meeting cancelled after its first batch: %d added, %v; want 50 and ECONFLICT", len(added), err)
		}
		if n := inviteState(t, s, c.ID); n != 50 {
			t.Fatalf("%d invitations, want 50", n)
		}
	})
}

package storage_test

import (
	"fmt"
	"slices"
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

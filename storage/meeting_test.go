package storage_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"focalbot/model"
	"focalbot/storage"
)

func seedMeeting() model.Meeting {
	ny, _ := time.LoadLocation("America/New_York")
	return model.Meeting{
		Title:    "Second Meeting of the Global Network of R2P Focal Points",
		Start:    time.Date(2012, 9, 29, 10, 0, 0, 0, ny),
		End:      time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"AU", "CR", "DK", "GH"},
		Organiser: "Global Centre for the Responsibility to Protect", Status: model.MeetingScheduled,
	}
}

// plan is a stand-in for the delivery planner: one e-mail per invitation.
func plan(kind model.OutboxKind) func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
	return func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		return []model.OutboxItem{{
			Key:     fmt.Sprintf("meeting:%d/invitation:%d/email/%s/seq:%d", m.ID, inv.ID, kind, m.Sequence),
			Channel: model.ChannelEmail, Kind: kind, MeetingID: m.ID, InvitationID: inv.ID, Recipient: inv.Email,
		}}
	}
}

func TestMeetingInvitationsAndOutbox(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		m := seedMeeting()
		if err := s.CreateMeeting(ctx, admin, &m); err != nil {
			t.Fatal(err)
		}
		if m.UID == "" || m.Sequence != 0 || !m.Start.Equal(seedMeeting().Start) || m.Start.Location() != time.UTC {
			t.Fatalf("created %+v", m)
		}
		fp := create(t, s, ghana())
		invitees := []model.Invitation{
			{PersonID: fp.ID, Name: fp.Name, Email: fp.Email, Country: fp.Country},
			{Name: "Guest", Email: "Guest@Example.org"},
		}
		added, err := s.Invite(ctx, admin, m.ID, invitees, plan("request"))
		if err != nil || len(added) != 2 {
			t.Fatalf("Invite = %v, %v", added, err)
		}
		// Inviting the same people again adds nobody and queues nothing new.
		again, err := s.Invite(ctx, admin, m.ID, append(invitees, model.Invitation{Email: "guest@example.org"}), plan("request"))
		if err != nil || len(again) != 0 {
			t.Fatalf("second Invite = %v, %v", again, err)
		}
		items, _ := s.Outbox(ctx, storage.OutboxFilter{MeetingID: m.ID})
		if len(items) != 2 {
			t.Fatalf("outbox = %+v, want 2 requests", items)
		}

		// A change: a new sequence, updates for everyone, the old unsent
		// requests superseded.
		m2, err := s.UpdateMeeting(ctx, admin, m.ID, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
			m.Start, m.End = m.Start.Add(time.Hour), m.End.Add(time.Hour)
			m.Sequence++
			var out []model.OutboxItem
			for _, inv := range invs {
				out = append(out, plan("request")(*m, inv)...)
			}
			return out, nil
		})
		if err != nil || m2.Sequence != 1 {
			t.Fatalf("UpdateMeeting = %+v, %v", m2, err)
		}
		pending, _ := s.Outbox(ctx, storage.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxPending}})
		superseded, _ := s.Outbox(ctx, storage.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxSuperseded}})
		if len(pending) != 2 || len(superseded) != 2 {
			t.Fatalf("pending %d, superseded %d; want 2 and 2", len(pending), len(superseded))
		}

		// Claim, send, retry, fail.
		now := t0
		claimed, err := s.Claim(ctx, now, model.ChannelEmail, 10, time.Minute)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("Claim = %v, %v", claimed, err)
		}
		if again, _ := s.Claim(ctx, now, model.ChannelEmail, 10, time.Minute); len(again) != 0 {
			t.Fatalf("claimed twice: %v", again)
		}
		if err := s.MarkSent(ctx, now, claimed[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Retry(ctx, claimed[1].ID, now.Add(time.Minute), "451 try later"); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.Claim(ctx, now.Add(30*time.Second), model.ChannelEmail, 10, time.Minute); len(due) != 0 {
			t.Fatalf("a retry was claimed before its time: %v", due)
		}
		due, _ := s.Claim(ctx, now.Add(2*time.Minute), model.ChannelEmail, 10, time.Minute)
		if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "451 try later" {
			t.Fatalf("retry = %+v", due)
		}
		if err := s.Fail(ctx, due[0].ID, "550 no such user"); err != nil {
			t.Fatal(err)
		}
		if left, _ := s.Claim(ctx, now.Add(time.Hour), model.ChannelEmail, 10, time.Minute); len(left) != 0 {
			t.Fatalf("sent or failed items were claimed: %v", left)
		}
		// A queued key is never queued twice.
		if written, err := s.Enqueue(ctx, []model.OutboxItem{{Key: claimed[0].Key, Channel: model.ChannelEmail, Kind: "request"}}); err != nil || len(written) != 0 {
			t.Fatal(err)
		}
		if all, _ := s.Outbox(ctx, storage.OutboxFilter{}); len(all) != 4 {
			t.Fatalf("outbox has %d items, want 4", len(all))
		}
	})
}

func TestRespondLatestWinsButNotStale(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		m := seedMeeting()
		if err := s.CreateMeeting(ctx, admin, &m); err != nil {
			t.Fatal(err)
		}
		added, err := s.Invite(ctx, admin, m.ID, []model.Invitation{{Name: "G", Email: "g@example.org"}}, plan("request"))
		if err != nil {
			t.Fatal(err)
		}
		id := added[0].ID
		if inv, err := s.Respond(ctx, admin, id, model.ResponseYes, 1, time.Time{}); err != nil || inv.Response != model.ResponseYes {
			t.Fatalf("Respond = %+v, %v", inv, err)
		}
		if inv, err := s.Respond(ctx, admin, id, model.ResponseNo, 1, time.Time{}); err != nil || inv.Response != model.ResponseNo {
			t.Fatalf("the latest answer did not win: %+v, %v", inv, err)
		}
		if inv, err := s.Respond(ctx, admin, id, model.ResponseYes, 0, time.Time{}); err != model.ErrStaleResponse || inv.Response != model.ResponseNo {
			t.Fatalf("a reply to an old sequence overwrote a newer one: %+v, %v", inv, err)
		}
	})
}

// TestClaimReadsTheIndexInOrder: a claim takes the first due items from
// idx_outbox_due as they come, without reading and sorting every pending
// item, so its cost follows the batch, not the backlog.
func TestClaimReadsTheIndexInOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		if _, err := s.Enqueue(ctx, []model.OutboxItem{{Key: "k", Channel: model.ChannelEmail, Kind: "notice"}}); err != nil {
			t.Fatal(err)
		}
		plan := planOf(t, s, func(db *gorm.DB) bool {
			return strings.Contains(db.Statement.SQL.String(), "UPDATE outbox SET claimed_by")
		},
			func() error {
				_, err := s.Claim(ctx, t0.Add(time.Hour), model.ChannelEmail, 100, time.Minute)
				return err
			})
		if !strings.Contains(plan, "idx_outbox_due") || strings.Contains(plan, "Sort") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("the claim does not read idx_outbox_due in order:\n%s", plan)
		}
	})
}

// TestClaimsAreByChannel: a claim takes the items of one channel, however
// many of another wait before them.
func TestClaimsAreByChannel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		var items []model.OutboxItem
		for i := range 30 {
			ch := model.ChannelSlack
			if i >= 25 {
				ch = model.ChannelEmail
			}
			items = append(items, model.OutboxItem{Key: fmt.Sprintf("k%d", i), Channel: ch, Kind: "notice"})
		}
		if _, err := s.Enqueue(ctx, items); err != nil {
			t.Fatal(err)
		}
		got, err := s.Claim(ctx, t0.Add(time.Hour), model.ChannelEmail, 10, time.Minute)
		if err != nil || len(got) != 5 {
			t.Fatalf("e-mail claim = %d items, %v; want the 5 e-mails", len(got), err)
		}
		for _, it := range got {
			if it.Channel != model.ChannelEmail {
				t.Errorf("an e-mail claim took %s", it.Key)
			}
		}
		if got, _ := s.Claim(ctx, t0.Add(time.Hour), model.ChannelSlack, 100, time.Minute); len(got) != 25 {
			t.Errorf("Slack claim = %d items, want 25", len(got))
		}
	})
}

// TestOutboxCountsAndLatest: the outbox counted by status, and its latest
// items, oldest of them first.
func TestOutboxCountsAndLatest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		var items []model.OutboxItem
		for i := range 7 {
			items = append(items, model.OutboxItem{Key: fmt.Sprintf("k%d", i), Channel: model.ChannelEmail, Kind: "notice", Payload: fmt.Sprint(i)})
		}
		items[6].Status = model.OutboxSkipped
		if _, err := s.Enqueue(ctx, items); err != nil {
			t.Fatal(err)
		}
		claimed, _ := s.Claim(ctx, t0.Add(time.Hour), model.ChannelEmail, 2, time.Minute)
		if err := s.MarkSent(ctx, t0, claimed[0].ID, claimed[1].ID); err != nil {
			t.Fatal(err)
		}
		counts, err := s.OutboxCounts(ctx, storage.OutboxFilter{})
		if err != nil || counts[model.OutboxSent] != 2 || counts[model.OutboxPending] != 4 || counts[model.OutboxSkipped] != 1 || len(counts) != 3 {
			t.Errorf("OutboxCounts = %v, %v; want 2 sent, 4 pending, 1 skipped", counts, err)
		}
		latest, err := s.Outbox(ctx, storage.OutboxFilter{Latest: 3})
		if err != nil || len(latest) != 3 || latest[0].Key != "k4" || latest[2].Key != "k6" || latest[2].Payload != "6" {
			t.Errorf("latest 3 = %+v, %v; want k4, k5, k6 with their payloads", latest, err)
		}
	})
}

// TestClaimsNeverOverlap: dispatchers claiming at once never get the same item.
func TestClaimsNeverOverlap(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		var items []model.OutboxItem
		for i := range 200 {
			items = append(items, model.OutboxItem{Key: fmt.Sprintf("k%d", i), Channel: model.ChannelEmail, Kind: "notice"})
		}
		if _, err := s.Enqueue(ctx, items); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.Claim(ctx, t0.Add(time.Hour), model.ChannelEmail, 7, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, it := range got {
						seen[it.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 200 {
			t.Errorf("%d items claimed, want 200", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("item %d claimed %d times", id, n)
			}
		}
	})
}

// TestMeetingsEndingAfterReadOnlyRecentStarts: the meetings still going on
// at a moment include one of the longest allowed length that began almost
// that long before, and the index on start_at is read from that far back
// only, not over every meeting of the past.
func TestMeetingsEndingAfterReadOnlyRecentStarts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		at := time.Date(2013, 3, 1, 12, 0, 0, 0, time.UTC)
		mk := func(title string, start time.Time, d time.Duration) model.Meeting {
			m := seedMeeting()
			m.Title, m.Start, m.End, m.TimeZone = title, start, start.Add(d), "UTC"
			if err := s.CreateMeeting(ctx, admin, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		longest := mk("Longest", at.Add(-model.MaxMeetingLen+time.Second), model.MaxMeetingLen)
		mk("Ended", at.Add(-model.MaxMeetingLen), model.MaxMeetingLen) // ends at the moment: over
		mk("Past", at.AddDate(-1, 0, 0), 7*time.Hour)
		next := mk("Next", at.Add(time.Hour), 7*time.Hour)
		got, err := s.Meetings(ctx, storage.MeetingFilter{EndsAfter: at})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, m := range got {
			titles = append(titles, m.Title)
		}
		if len(got) != 2 || got[0].ID != longest.ID || got[1].ID != next.ID {
			t.Errorf("meetings ending after %s: %q, want Longest and Next", at, titles)
		}

		plan := planOf(t, s, func(db *gorm.DB) bool { return strings.Contains(db.Statement.SQL.String(), "end_at > ") },
			func() error {
				_, err := s.Meetings(ctx, storage.MeetingFilter{EndsAfter: at, StartsBefore: at.Add(60 * 24 * time.Hour),
					Statuses: []model.MeetingStatus{model.MeetingScheduled}})
				return err
			})
		bounded := strings.Contains(plan, "start_at>? AND start_at<?") || // SQLite
			strings.Contains(plan, "start_at > ") && strings.Contains(plan, "start_at < ") && strings.Contains(plan, "Index Cond") // PostgreSQL
		if !bounded {
			t.Errorf("the meetings going on are not read over a range of start_at bounded on both sides:\n%s", plan)
		}
	})
}

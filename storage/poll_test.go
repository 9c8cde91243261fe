package storage_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"focalbot/model"
	"focalbot/storage"
)

// newPoll is a poll for meetingID with slots on 2, 3 and 1 October 2012
// (given out of order), 14:00–17:00 UTC, closing a day after t0.
func newPoll(meetingID int64) model.Poll {
	slot := func(day int) model.Slot {
		start := time.Date(2012, 10, day, 14, 0, 0, 0, time.UTC)
		return model.Slot{Start: start, End: start.Add(3 * time.Hour), TimeZone: "America/New_York"}
	}
	return model.Poll{MeetingID: meetingID, Title: "Third meeting", Deadline: t0.Add(24 * time.Hour),
		Hosts: []string{"gh", "DNK"}, Slots: []model.Slot{slot(2), slot(3), slot(1)}}
}

func createPoll(t *testing.T, s *storage.Store, p model.Poll) model.Poll {
	t.Helper()
	if err := s.CreatePoll(ctx, admin, &p, nil); err != nil {
		t.Fatalf("CreatePoll: %v", err)
	}
	return p
}

func TestPollLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		m := seedMeeting()
		m.Status = model.MeetingDraft
		if err := s.CreateMeeting(ctx, admin, &m); err != nil {
			t.Fatal(err)
		}
		gh := create(t, s, ghana())
		dk := create(t, s, person("Anders Holm", "DK", "anders@um.dk", model.RoleAlternate, model.StatusActive))

		p := createPoll(t, s, newPoll(m.ID))
		if p.ID == 0 || p.Status != model.PollOpen || fmt.Sprint(p.Hosts) != "[GH DK]" {
			t.Fatalf("created %+v", p)
		}
		for i, sl := range p.Slots {
			if sl.ID == 0 || sl.Start.Day() != i+1 {
				t.Fatalf("slots not stored by start with IDs: %+v", p.Slots)
			}
		}
		if got, err := s.Poll(ctx, p.ID); err != nil || toJSON(t, got) != toJSON(t, p) {
			t.Fatalf("Poll = %+v, %v; want %+v", got, err, p)
		}
		if open, err := s.Polls(ctx, true); err != nil || len(open) != 1 || toJSON(t, open[0]) != toJSON(t, p) {
			t.Fatalf("Polls(open) = %+v, %v", open, err)
		}
		s1, s2, s3 := p.Slots[0].ID, p.Slots[1].ID, p.Slots[2].ID

		// Slots are kept in the poll's order, each once; the same answer
		// again writes nothing; a new one replaces it.
		v, err := s.Vote(ctx, admin, p.ID, gh.ID, "gh", []int64{s3, s1, s3})
		if err != nil || !slices.Equal(v.SlotIDs, []int64{s1, s3}) || v.Country != "GH" {
			t.Fatalf("Vote = %+v, %v", v, err)
		}
		if _, err := s.Vote(ctx, admin, p.ID, gh.ID, "GH", []int64{s1, s3}); err != nil {
			t.Fatal(err)
		}
		if n := len(audit(t, s, storage.AuditFilter{Subject: fmt.Sprintf("poll:%d", p.ID)})); n != 2 {
			t.Errorf("%d audit entries after an unchanged vote, want 2 (create, vote)", n)
		}
		if _, err := s.Vote(ctx, admin, p.ID, gh.ID, "GH", []int64{s2}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Vote(ctx, admin, p.ID, dk.ID, "DK", nil); err != nil {
			t.Fatal(err)
		}
		votes, err := s.Votes(ctx, p.ID)
		want := []model.Vote{
			{PollID: p.ID, PersonID: dk.ID, Country: "DK"},
			{PollID: p.ID, PersonID: gh.ID, Country: "GH", SlotIDs: []int64{s2}},
		}
		if err != nil || toJSON(t, votes) != toJSON(t, want) {
			t.Fatalf("Votes = %+v, %v; want %+v", votes, err, want)
		}

		// A slot of another poll is refused and changes nothing.
		other := createPoll(t, s, newPoll(0))
		_, err = s.Vote(ctx, admin, p.ID, gh.ID, "GH", []int64{other.Slots[0].ID})
		wantCode(t, err, model.EINVALID)
		if again, _ := s.Votes(ctx, p.ID); toJSON(t, again) != toJSON(t, want) {
			t.Errorf("a refused vote changed the votes: %+v", again)
		}

		closed, err := s.ClosePoll(ctx, admin, p.ID, nil)
		if err != nil || closed.Status != model.PollClosed || len(closed.Slots) != 3 {
			t.Fatalf("ClosePoll = %+v, %v", closed, err)
		}
		_, err = s.ClosePoll(ctx, admin, p.ID, nil)
		wantCode(t, err, model.ECONFLICT)
		_, err = s.Vote(ctx, admin, p.ID, gh.ID, "GH", []int64{s1})
		wantCode(t, err, model.ECONFLICT)
		if open, _ := s.Polls(ctx, true); len(open) != 1 || open[0].ID != other.ID {
			t.Errorf("open polls after closing: %+v", open)
		}
		if all, _ := s.Polls(ctx, false); len(all) != 2 {
			t.Errorf("all polls: %+v", all)
		}
		var actions []string
		for _, e := range audit(t, s, storage.AuditFilter{Subject: fmt.Sprintf("poll:%d", p.ID)}) {
			actions = append(actions, e.Action+" "+e.Country)
		}
		if got := fmt.Sprint(actions); got != "[poll.close  poll.vote DK poll.vote GH poll.vote GH poll.create ]" {
			t.Errorf("audit, newest first: %s", got)
		}
		_, err = s.Poll(ctx, 99)
		wantCode(t, err, model.ENOTFOUND)
		_, err = s.Vote(ctx, admin, 99, gh.ID, "GH", nil)
		wantCode(t, err, model.ENOTFOUND)
	})
}

func TestCreatePollRefusesBadPolls(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		m := seedMeeting()
		if err := s.CreateMeeting(ctx, admin, &m); err != nil {
			t.Fatal(err)
		}
		cancelled := seedMeeting()
		cancelled.UID, cancelled.Status = "cancelled@example.org", model.MeetingCancelled
		if err := s.CreateMeeting(ctx, admin, &cancelled); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			change func(p *model.Poll)
			code   string
		}{
			{"a deadline in the past", func(p *model.Poll) { p.Deadline = t0.Add(-time.Minute) }, model.EINVALID},
			{"a deadline now", func(p *model.Poll) { p.Deadline = t0 }, model.EINVALID},
			{"one slot", func(p *model.Poll) { p.Slots = p.Slots[:1] }, model.EINVALID},
			{"seven slots", func(p *model.Poll) {
				for i := range 4 {
					p.Slots = append(p.Slots, model.Slot{Start: t0.Add(time.Duration(100+i) * time.Hour),
						End: t0.Add(time.Duration(101+i) * time.Hour), TimeZone: "UTC"})
				}
			}, model.EINVALID},
			{"a slot ending before it starts", func(p *model.Poll) { p.Slots[0].End = p.Slots[0].Start.Add(-time.Hour) }, model.EINVALID},
			{"an unknown meeting", func(p *model.Poll) { p.MeetingID = 99 }, model.ENOTFOUND},
			{"a cancelled meeting", func(p *model.Poll) { p.MeetingID = cancelled.ID }, model.ECONFLICT},
		}
		before := len(audit(t, s, storage.AuditFilter{}))
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := newPoll(m.ID)
				c.change(&p)
				wantCode(t, s.CreatePoll(ctx, admin, &p, nil), c.code)
			})
		}
		if all, err := s.Polls(ctx, false); err != nil || len(all) != 0 {
			t.Errorf("refused polls were stored: %+v, %v", all, err)
		}
		if after := len(audit(t, s, storage.AuditFilter{})); after != before {
			t.Errorf("refused polls were audited: %d entries, want %d", after, before)
		}
	})
}

func TestPollsDue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		var ids []int64
		for h := 1; h <= 3; h++ {
			p := newPoll(0)
			p.Deadline = t0.Add(time.Duration(h) * time.Hour)
			ids = append(ids, createPoll(t, s, p).ID)
		}
		if _, err := s.ClosePoll(ctx, admin, ids[0], nil); err != nil {
			t.Fatal(err)
		}
		gh := create(t, s, ghana())
		for _, c := range []struct {
			at   time.Time
			want []int64
		}{
			{t0, nil},
			{t0.Add(2*time.Hour - time.Second), nil},
			{t0.Add(2 * time.Hour), ids[1:2]}, // the deadline itself is due
			{t0.Add(5 * time.Hour), ids[1:]},
		} {
			due, err := s.PollsDue(ctx, c.at)
			var got []int64
			for _, p := range due {
				got = append(got, p.ID)
				if len(p.Slots) != 3 {
					t.Errorf("due poll %d without its slots", p.ID)
				}
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("PollsDue(%s) = %v, %v; want %v", c.at.Format(time.Kitchen), got, err, c.want)
			}
		}
		// Once the deadline has passed, a poll the scheduler has not closed
		// yet takes no more answers.
		clockOf(s).Advance(2 * time.Hour)
		p, _ := s.Poll(ctx, ids[1])
		_, err := s.Vote(ctx, admin, p.ID, gh.ID, "GH", []int64{p.Slots[0].ID})
		wantCode(t, err, model.ECONFLICT)
		if m := s.DB().Migrator(); !m.HasIndex("polls", "idx_polls_due") || !m.HasIndex("poll_votes", "idx_poll_votes_person") {
			t.Error("the polls' indexes are missing")
		}
	})
}

package network_test

import (
	"context"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

var meetingsNow = time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)

// meetingsFixture is a store with the default network, a secretariat
// member, a focal point of Ghana and one of Denmark, and the services over it.
type meetingsFixture struct {
	store       *storage.Store
	svc         *network.Service
	sec, gh, dk network.Caller
	kicks       int
}

func newMeetingsFixture(t *testing.T, s *storage.Store) *meetingsFixture {
	t.Helper()
	ctx := context.Background()
	if err := s.SetNetwork(ctx, model.System, model.DefaultNetwork()); err != nil {
		t.Fatal(err)
	}
	f := &meetingsFixture{store: s}
	add := func(name, email, country string, role model.Role) network.Caller {
		p := model.Person{Name: name, Email: email, Country: country, Role: role, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return network.As(p)
	}
	f.sec = add("Sam Secretariat", "sam@gcr2p.example.org", "", model.RoleSecretariat)
	f.gh = add("Kofi Mensah", "kofi@mfa.gh.example.org", "GH", model.RoleFocalPoint)
	f.dk = add("Mette Jensen", "mette@um.dk.example.org", "DK", model.RoleFocalPoint)
	f.svc = network.New(s, clock.Fixed(meetingsNow), time.UTC,
		delivery.Planner{Channels: []model.Channel{model.ChannelEmail}}, func() { f.kicks++ })
	return f
}

func ptr[T any](v T) *T { return &v }

func (f *meetingsFixture) create(t *testing.T, draft bool) model.Meeting {
	t.Helper()
	start := meetingsNow.Add(30 * 24 * time.Hour)
	m, err := f.svc.CreateMeeting(context.Background(), f.sec, network.MeetingChange{
		Title: ptr("Network meeting"), Start: &start, Zone: time.UTC, Venue: ptr("New York")}, draft)
	if err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	return m
}

func (f *meetingsFixture) outbox(t *testing.T, id int64) []model.OutboxItem {
	t.Helper()
	items, err := f.store.Outbox(context.Background(), model.OutboxFilter{MeetingID: id})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func TestCreateMeetingDefaultsAndRefusals(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		m := f.create(t, false)
		if m.Status != model.MeetingScheduled || m.Sequence != 0 || !m.End.Equal(m.Start.Add(network.DefaultMeetingLength)) ||
			len(m.Hosts) != 4 || m.Organiser == "" {
			t.Fatalf("created %+v", m)
		}
		past := meetingsNow.Add(-48 * time.Hour)
		_, err := f.svc.CreateMeeting(ctx, f.sec, network.MeetingChange{Title: ptr("Old"), Start: &past, Venue: ptr("Here")}, false)
		if model.ErrorCode(err) != model.EINVALID || model.ErrorField(err) != "start" {
			t.Fatalf("a meeting in the past: %v (field %q)", err, model.ErrorField(err))
		}
		if _, err := f.svc.CreateMeeting(ctx, f.gh, network.MeetingChange{Title: ptr("Mine")}, false); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("a focal point created a meeting: %v", err)
		}
	})
}

func TestChangeMeetingRaisesSequenceOnlyForChangesInviteesSee(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH"}}); err != nil {
			t.Fatal(err)
		}
		sent := len(f.outbox(t, m.ID))
		ch, err := f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Reminders: &[]time.Duration{time.Hour}})
		if err != nil || ch.Announced() || ch.After.Sequence != 0 || len(f.outbox(t, m.ID)) != sent {
			t.Fatalf("changing reminders: %v, announced %v, seq %d, %d messages (were %d)", err, ch.Announced(), ch.After.Sequence, len(f.outbox(t, m.ID)), sent)
		}
		ch, err = f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Title: ptr("Renamed")})
		if err != nil || !ch.Announced() || ch.After.Sequence != 1 || len(f.outbox(t, m.ID)) != sent+1 {
			t.Fatalf("renaming: %v, announced %v, seq %d, %d messages (were %d)", err, ch.Announced(), ch.After.Sequence, len(f.outbox(t, m.ID)), sent)
		}
		// Moving the start keeps the length; a new zone keeps the wall clock.
		start := m.Start.Add(time.Hour)
		ch, err = f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Start: &start})
		if err != nil || !ch.After.End.Equal(start.Add(network.DefaultMeetingLength)) {
			t.Fatalf("moving: %v, end %v", err, ch.After.End)
		}
		ny, _ := time.LoadLocation("America/New_York")
		ch, err = f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Zone: ny})
		if err != nil || ch.After.Start.In(ny).Hour() != start.Hour() || ch.After.TimeZone != "America/New_York" {
			t.Fatalf("new zone: %v, start %v", err, ch.After.Start.In(ny))
		}
		if _, _, err := f.svc.CancelMeeting(ctx, f.sec, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Title: ptr("Again")}); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("changing a cancelled meeting: %v", err)
		}
	})
}

func TestScheduleAndCancel(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		d := f.create(t, true)
		inv, err := f.svc.Invite(ctx, f.sec, d.ID, network.Selection{All: true})
		if err != nil || len(inv.Added) != 2 || len(f.outbox(t, d.ID)) != 0 {
			t.Fatalf("inviting to a draft: %v, %d added, %d messages", err, len(inv.Added), len(f.outbox(t, d.ID)))
		}
		sch, err := f.svc.ScheduleMeeting(ctx, f.sec, d.ID)
		if err != nil || sch.Invited != 2 || sch.SeriesInvited != -1 || sch.Meeting.Status != model.MeetingScheduled || len(f.outbox(t, d.ID)) != 2 {
			t.Fatalf("scheduling: %v, %+v, %d messages", err, sch, len(f.outbox(t, d.ID)))
		}
		if _, err := f.svc.ScheduleMeeting(ctx, f.sec, d.ID); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("scheduling twice: %v", err)
		}
		m, _, err := f.svc.CancelMeeting(ctx, f.sec, d.ID)
		if err != nil || m.Sequence != 1 || len(f.outbox(t, d.ID)) != 4 {
			t.Fatalf("cancelling: %v, seq %d, %d messages", err, m.Sequence, len(f.outbox(t, d.ID)))
		}
		// A draft's cancellation tells nobody.
		d2 := f.create(t, true)
		if _, err := f.svc.Invite(ctx, f.sec, d2.ID, network.Selection{All: true}); err != nil {
			t.Fatal(err)
		}
		m, _, err = f.svc.CancelMeeting(ctx, f.sec, d2.ID)
		if err != nil || m.Sequence != 0 || len(f.outbox(t, d2.ID)) != 0 {
			t.Fatalf("cancelling a draft: %v, seq %d, %d messages", err, m.Sequence, len(f.outbox(t, d2.ID)))
		}
		if _, _, err := f.svc.CancelMeeting(ctx, f.gh, d.ID); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("a focal point cancelled: %v", err)
		}
	})
}

func TestScheduleDraftOfSeriesInvitesItsInvitees(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		sr := model.Series{Name: "Annual", Rule: "FREQ=YEARLY", Start: meetingsNow, TimeZone: "UTC", Duration: time.Hour,
			Venue: "New York", PlanAhead: 120 * 24 * time.Hour, Active: true, Invitees: model.Invitees{Countries: []string{"DK"}}}
		if err := s.CreateSeries(ctx, model.System, &sr); err != nil {
			t.Fatal(err)
		}
		d := f.create(t, true)
		if _, err := s.UpdateMeeting(ctx, model.System, d.ID, func(m *model.Meeting, _ []model.Invitation) ([]model.OutboxItem, error) {
			m.SeriesID, m.Occurrence = sr.ID, m.Start
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		sch, err := f.svc.ScheduleMeeting(ctx, f.sec, d.ID)
		if err != nil || sch.SeriesInvited != 1 || sch.Invited != 1 {
			t.Fatalf("scheduling a series draft: %v, %+v", err, sch)
		}
		invs, err := s.Invitations(ctx, d.ID)
		if err != nil || len(invs) != 1 || invs[0].Country != "DK" {
			t.Fatalf("invitations %+v, %v", invs, err)
		}
	})
}

func TestInviteSelections(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"FR"}}); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("a country with no focal point: %v", err)
		}
		_, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Guest: &model.Invitation{Name: "Amb. Doe", Email: "not an address"}})
		if model.ErrorCode(err) != model.EINVALID || model.ErrorField(err) != "email" {
			t.Fatalf("a bad guest address: %v (field %q)", err, model.ErrorField(err))
		}
		inv, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Group: model.GroupWestern, People: []int64{f.gh.Person.ID}})
		if err != nil || len(inv.Added) != 2 || inv.Asked != 2 {
			t.Fatalf("a group and a person: %v, %+v", err, inv)
		}
		inv, err = f.svc.Invite(ctx, f.sec, m.ID, network.Selection{All: true, Guest: &model.Invitation{Name: "Amb. Doe", Email: "doe@mission.example.org"}})
		if err != nil || len(inv.Added) != 1 || inv.Asked != 3 || inv.Added[0].PersonID != 0 || f.kicks == 0 {
			t.Fatalf("all and a guest: %v, %+v", err, inv)
		}
		if _, err := f.svc.Invite(ctx, f.dk, m.ID, network.Selection{All: true}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("a focal point invited: %v", err)
		}
	})
}

func TestRespondPrecedence(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Title: ptr("Renamed")}); err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.Respond(ctx, f.gh, 0, model.ResponseYes) // the next meeting, at sequence 1
		if err != nil || a.Stale || a.Invitation.Response != model.ResponseYes || a.Invitation.ResponseSequence != 1 {
			t.Fatalf("answering: %v, %+v", err, a)
		}
		a, err = f.svc.RespondTo(ctx, f.gh, m.ID, model.ResponseNo, 0, time.Time{}) // a late reply to the first version
		if err != nil || !a.Stale || a.Invitation.Response != model.ResponseYes {
			t.Fatalf("a stale answer: %v, %+v", err, a)
		}
		a, err = f.svc.Respond(ctx, f.gh, m.ID, model.ResponseMaybe) // a later answer to the same version
		if err != nil || a.Stale || a.Invitation.Response != model.ResponseMaybe {
			t.Fatalf("a later answer: %v, %+v", err, a)
		}
		if _, err := f.svc.Respond(ctx, f.dk, m.ID, model.ResponseYes); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("someone not invited answered: %v", err)
		}
		if _, _, err := f.svc.CancelMeeting(ctx, f.sec, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Respond(ctx, f.gh, m.ID, model.ResponseYes); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("answering a cancelled meeting: %v", err)
		}
	})
}

func TestWhoSeesMeetings(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		draft, open, other := f.create(t, true), f.create(t, false), f.create(t, false)
		for _, id := range []int64{draft.ID, open.ID} {
			if _, err := f.svc.Invite(ctx, f.sec, id, network.Selection{Countries: []string{"GH"}}); err != nil {
				t.Fatal(err)
			}
		}
		seen, err := f.svc.Meetings(ctx, f.gh)
		if err != nil || len(seen) != 1 || seen[0].ID != open.ID {
			t.Fatalf("an invitee sees %+v, %v; want only meeting %d", seen, err, open.ID)
		}
		if all, err := f.svc.Meetings(ctx, f.sec); err != nil || len(all) != 3 {
			t.Fatalf("the secretariat sees %d meetings, %v", len(all), err)
		}
		for _, id := range []int64{draft.ID, other.ID} {
			if _, err := f.svc.Meeting(ctx, f.gh, id); model.ErrorCode(err) != model.ENOTFOUND {
				t.Fatalf("an invitee sees meeting %d: %v", id, err)
			}
		}
		if _, err := f.svc.MeetingStatus(ctx, f.gh, open.ID, 0); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("an invitee read the status: %v", err)
		}
		next, err := f.svc.NextMeeting(ctx, f.sec)
		if err != nil || !next.Organised || next.Meeting.ID != draft.ID {
			t.Fatalf("the secretariat's next: %+v, %v", next, err)
		}
		if _, err := f.svc.NextMeeting(ctx, f.dk); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("someone invited to nothing has a next meeting: %v", err)
		}
	})
}

func TestAttendanceAndMute(t *testing.T) {
	clk := clock.Fixed(meetingsNow)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.RecordAttendance(ctx, f.sec, m.ID, []string{"GH"}); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("attendance before the start: %v", err)
		}
		if err := f.svc.Mute(ctx, f.gh, m.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Mute(ctx, f.gh, m.ID+100, true); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("muting no meeting: %v", err)
		}
		if err := f.svc.Mute(ctx, network.Caller{Label: "x@example.org"}, 0, true); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("someone not on the roster muted: %v", err)
		}
		muted, err := s.Muted(ctx, m.ID)
		if err != nil || !muted[f.gh.Person.ID] {
			t.Fatalf("muted %v, %v", muted, err)
		}
		clk.Set(m.End.Add(time.Hour))
		defer clk.Set(meetingsNow)
		a, err := f.svc.RecordAttendance(ctx, f.sec, m.ID, []string{"GH", "DK", "GH"})
		if err != nil || a.Meeting.Status != model.MeetingHeld || len(a.Countries) != 2 {
			t.Fatalf("attendance: %v, %+v", err, a)
		}
		if _, err := f.svc.RecordAttendance(ctx, f.sec, m.ID, []string{"ZZ"}); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("an unknown country: %v", err)
		}
		if _, err := f.svc.Attendance(ctx, f.gh, m.ID); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("a focal point read attendance: %v", err)
		}
	})
}

// TestMeetingStatusReadsTheLatestFailed proves that MeetingStatus reads only
// as many failed messages as asked, the latest, and counts the rest.
func TestMeetingStatusReadsTheLatestFailed(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH", "DK"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Exec("UPDATE outbox SET status = 'failed', last_error = '550 no such user'").Error; err != nil {
			t.Fatal(err)
		}
		items := f.outbox(t, m.ID)
		st, err := f.svc.MeetingStatus(ctx, f.sec, m.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || st.FailedCount != 2 || len(st.Failed) != 1 || st.Failed[0].ID != items[1].ID {
			t.Fatalf("status of 2 failed messages, asked for 1: %d read (%+v), %d counted", len(st.Failed), st.Failed, st.FailedCount)
		}
		if st, err = f.svc.MeetingStatus(ctx, f.sec, m.ID, 0); err != nil || len(st.Failed) != 0 || st.FailedCount != 2 {
			t.Fatalf("asked for none: %d read, %d counted, %v", len(st.Failed), st.FailedCount, err)
		}
	})
}

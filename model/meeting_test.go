package model

import (
	"errors"
	"testing"
	"time"
)

func sampleMeeting() Meeting {
	start := time.Date(2030, 9, 29, 14, 0, 0, 0, time.UTC)
	return Meeting{ID: 1, Title: "Network meeting", Start: start, End: start.Add(2 * time.Hour),
		TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"GH"}, Status: MeetingScheduled, Sequence: 2}
}

func TestReviseRaisesSequenceOnlyForAChangeInviteesSee(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(m *Meeting)
		raise bool
	}{
		{"a new title is seen", func(m *Meeting) { m.Title = "Other" }, true},
		{"a new start is seen", func(m *Meeting) { m.Start = m.Start.Add(time.Hour) }, true},
		{"new hosts are seen", func(m *Meeting) { m.Hosts = []string{"DK"} }, true},
		{"the same instant in another zone's clock is not a change", func(m *Meeting) { m.Start = m.Start.In(time.Local) }, false},
		{"reminders are not seen", func(m *Meeting) { m.Reminders = []time.Duration{time.Hour} }, false},
		{"the public flag is not seen", func(m *Meeting) { m.Public = true }, false},
		{"a draft's change is seen by nobody", func(m *Meeting) { m.Status = MeetingDraft; m.Title = "Other" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := sampleMeeting()
			m := sampleMeeting()
			tc.edit(&m)
			if got := m.Revise(old); got != tc.raise {
				t.Fatalf("Revise = %v, want %v", got, tc.raise)
			}
			if want := old.Sequence + map[bool]int{true: 1}[tc.raise]; m.Sequence != want {
				t.Fatalf("sequence %d, want %d", m.Sequence, want)
			}
		})
	}
}

func TestDiffersCountsSettingsButNotTheSaveTime(t *testing.T) {
	a, b := sampleMeeting(), sampleMeeting()
	b.UpdatedAt = time.Now()
	if a.Differs(b) {
		t.Fatal("only UpdatedAt differs, yet Differs is true")
	}
	b.Public = true
	if !a.Differs(b) || a.SeenChange(b) {
		t.Fatal("a change of the public flag: Differs should be true, SeenChange false")
	}
}

func TestTransitions(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	m := sampleMeeting()
	m.Status = MeetingDraft
	if err := m.Schedule(now); err != nil || m.Status != MeetingScheduled || m.Sequence != 2 {
		t.Fatalf("schedule a draft: %v, %s seq %d", err, m.Status, m.Sequence)
	}
	if err := m.Schedule(now); ErrorCode(err) != ECONFLICT {
		t.Fatalf("schedule twice: %v", err)
	}
	if tell, err := m.Cancel(); err != nil || !tell || m.Sequence != 3 {
		t.Fatalf("cancel a scheduled meeting: tell %v, %v, seq %d", tell, err, m.Sequence)
	}
	if _, err := m.Cancel(); ErrorCode(err) != ECONFLICT {
		t.Fatalf("cancel twice: %v", err)
	}
	if err := m.CheckOpen(); ErrorCode(err) != ECONFLICT {
		t.Fatalf("a cancelled meeting is open: %v", err)
	}
	d := sampleMeeting()
	d.Status = MeetingDraft
	if tell, err := d.Cancel(); err != nil || tell || d.Sequence != 2 {
		t.Fatalf("cancel a draft: tell %v, %v, seq %d", tell, err, d.Sequence)
	}
	past := sampleMeeting()
	past.Status = MeetingDraft
	if err := past.Schedule(past.End); ErrorCode(err) != ECONFLICT {
		t.Fatalf("schedule an ended draft: %v", err)
	}
}

func TestAnswerPrecedence(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	inv := Invitation{Response: ResponseNone}
	if ok, err := inv.Answer(ResponseYes, 3, now); !ok || err != nil {
		t.Fatalf("first answer: %v %v", ok, err)
	}
	if ok, err := inv.Answer(ResponseNo, 2, now); ok || !errors.Is(err, ErrStaleResponse) || inv.Response != ResponseYes {
		t.Fatalf("an answer to an older sequence overwrote: %v %v %s", ok, err, inv.Response)
	}
	if ok, err := inv.Answer(ResponseMaybe, 3, now); !ok || err != nil || inv.Response != ResponseMaybe {
		t.Fatalf("a later answer to the same sequence should win: %v %v %s", ok, err, inv.Response)
	}
	if ok, err := inv.Answer(ResponseMaybe, 3, now); ok || err != nil {
		t.Fatalf("the same answer again changed something: %v %v", ok, err)
	}
}

func TestAnswerStampedPrecedence(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	t1, t2, t3 := now.Add(-3*time.Hour), now.Add(-2*time.Hour), now.Add(-time.Hour)
	inv := Invitation{Response: ResponseNone}
	for _, step := range []struct {
		name    string
		r       Response
		seq     int
		stamp   time.Time
		changed bool
		stale   bool
		want    Response
	}{
		{"a first reply", ResponseNo, 0, t2, true, false, ResponseNo},
		{"an earlier DTSTAMP arriving late loses", ResponseYes, 0, t1, false, true, ResponseNo},
		{"a later DTSTAMP wins", ResponseMaybe, 0, t3, true, false, ResponseMaybe},
		{"the same reply again changes nothing", ResponseMaybe, 0, t3, false, false, ResponseMaybe},
		{"a newer SEQUENCE wins whatever its DTSTAMP", ResponseYes, 1, t1, true, false, ResponseYes},
		{"an older SEQUENCE never overwrites, however late", ResponseNo, 0, now, false, true, ResponseYes},
		{"a chat answer, unstamped, is made now and wins", ResponseNo, 1, time.Time{}, true, false, ResponseNo},
		{"a DTSTAMP from the future counts as now", ResponseYes, 1, now.Add(48 * time.Hour), true, false, ResponseYes},
		{"so a chat answer after it still wins", ResponseMaybe, 1, time.Time{}, true, false, ResponseMaybe},
	} {
		changed, err := inv.AnswerStamped(step.r, step.seq, step.stamp, now)
		if changed != step.changed || errors.Is(err, ErrStaleResponse) != step.stale || inv.Response != step.want {
			t.Fatalf("%s: changed %v, err %v, answer %s; want changed %v, stale %v, answer %s",
				step.name, changed, err, inv.Response, step.changed, step.stale, step.want)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(m *Meeting)
	}{
		{"title", func(m *Meeting) { m.Title = " " }},
		{"end", func(m *Meeting) { m.End = m.Start }},
		{"venue", func(m *Meeting) { m.Venue = "" }},
		{"address", func(m *Meeting) { m.Address = "a\nb" }},
		{"tz", func(m *Meeting) { m.TimeZone = "Mars/Olympus" }},
		{"hosts", func(m *Meeting) { m.Hosts = []string{"ZZ"} }},
		{"start", func(m *Meeting) { m.Start, m.End = m.Start.AddDate(-1000, 0, 0), m.End.AddDate(-1000, 0, 0) }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			m := sampleMeeting()
			tc.edit(&m)
			if err := m.Validate(); ErrorField(err) != tc.field {
				t.Fatalf("Validate() = %v, field %q; want field %q", err, ErrorField(err), tc.field)
			}
		})
	}
}

func TestHoldAndInvitable(t *testing.T) {
	m := sampleMeeting()
	if err := m.Hold(m.Start.Add(-time.Minute)); ErrorCode(err) != ECONFLICT || m.Status != MeetingScheduled {
		t.Fatalf("held before the start: %v, %s", err, m.Status)
	}
	if err := m.CheckInvitable(m.Start); err != nil {
		t.Fatalf("a scheduled meeting is not invitable: %v", err)
	}
	if err := m.CheckInvitable(m.End); ErrorCode(err) != ECONFLICT {
		t.Fatalf("an ended meeting is invitable: %v", err)
	}
	if err := m.Hold(m.End); err != nil || m.Status != MeetingHeld {
		t.Fatalf("holding: %v, %s", err, m.Status)
	}
	if err := m.CheckInvitable(m.Start); ErrorCode(err) != ECONFLICT {
		t.Fatalf("a held meeting is invitable: %v", err)
	}
	d := sampleMeeting()
	d.Status = MeetingDraft
	if err := d.Hold(d.End); ErrorCode(err) != ECONFLICT {
		t.Fatalf("a draft was held: %v", err)
	}
}

package calendar

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"focalbot/model"
)

// TestMeetingEventGolden maps the golden calendars' meetings, as the
// domain holds them, through MeetingEvent and checks that they encode to
// the very bytes of testdata (which scripts/check-ics has real calendars
// read): e-mail, Slack and the feeds write what the golden files show.
func TestMeetingEventGolden(t *testing.T) {
	seed := model.Meeting{
		ID: 2, UID: "meeting-2-2012@focalbot.globalr2p.example.org", Status: model.MeetingScheduled,
		Title: "Second Meeting of the Global Network of R2P Focal Points",
		Agenda: "Hosted by Australia, Costa Rica, Denmark and Ghana with the Global Centre " +
			"for the Responsibility to Protect.\nAgenda: national experiences; the network's work plan; the 2013 meeting.",
		Venue: "New York", OnlineURL: "https://focalbot.globalr2p.example.org/meetings/2", TimeZone: "America/New_York",
		Start: time.Date(2012, 9, 29, 14, 0, 0, 0, time.UTC), End: time.Date(2012, 9, 29, 17, 0, 0, 0, time.UTC),
	}
	focalPoints := []Person{
		{Name: "Denmark focal point", Email: "fp@um.example.dk"},
		{Name: "Ghana focal point", Email: "fp@mfa.example.gh"},
		{Name: "Costa Rica, focal point", Email: "fp@rree.example.cr"},
	}
	moved := seed
	moved.Sequence = 1
	moved.Start, moved.End = seed.Start.Add(4*time.Hour), seed.End.Add(4*time.Hour)
	cancelled := moved
	cancelled.Sequence, cancelled.Status = 2, model.MeetingCancelled

	acrossDST := model.Meeting{
		ID: 3, UID: "meeting-3-2013@focalbot.globalr2p.example.org", Status: model.MeetingScheduled,
		Title: "Third Meeting of the Global Network of R2P Focal Points",
		Venue: "Eigtveds Pakhus", Address: "Asiatisk Plads 2, 1448 København K", TimeZone: "Europe/Copenhagen",
		Start: time.Date(2013, 10, 26, 7, 0, 0, 0, time.UTC), End: time.Date(2013, 10, 27, 12, 0, 0, 0, time.UTC),
	}
	dstNow := time.Date(2013, 6, 3, 9, 30, 0, 0, time.UTC)
	mette := Person{Name: "Mette Sørensen", Email: "mette.sorensen@um.example.dk"}
	names := acrossDST
	names.UID = "names@focalbot.globalr2p.example.org"
	names.Title = "Réunion des points focaux : « responsabilité de protéger »"

	for _, tc := range []struct {
		golden string
		method Method
		m      model.Meeting
		org    Person
		now    time.Time
		to     []Person
	}{
		{"request", MethodRequest, seed, centre, seedNow, focalPoints},
		{"update", MethodRequest, moved, centre, seedNow.Add(14 * 24 * time.Hour), focalPoints},
		{"cancel", MethodCancel, cancelled, centre, seedNow.Add(21 * 24 * time.Hour), focalPoints},
		{"dst", MethodRequest, acrossDST, centre, dstNow, []Person{mette}},
		{"names", MethodRequest, names, Person{Name: "Centre mondial; \"R2P\", New York", Email: "info@globalr2p.example.org"}, dstNow, []Person{
			mette,
			{Name: "Nataša Kovač", Email: "natasa.kovac@mvep.example.hr"},
			{Name: "김지원", Email: "jiwon.kim@mofa.example.kr"},
			{Name: "Арсений Иванов", Email: "a.ivanov@mid.example.ru"},
			{Name: "عبد الله الأحمد", Email: "abdullah@mofa.example.qa"},
			{Name: "José María Pérez-Ñúñez, Embajador: Misión \"Permanente\"", Email: "JM.Perez@Example.ORG"},
		}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got := encode(t, tc.method, MeetingEvent(tc.method, tc.m, tc.org, tc.now, tc.to...))
			want, err := os.ReadFile(filepath.Join("testdata", tc.golden+".ics"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the meeting does not encode to testdata/%s.ics:\n%s", tc.golden, got)
			}
		})
	}
}

// TestMeetingEventRules: when an event is cancelled, by method and status,
// and where a meeting is.
func TestMeetingEventRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method Method
		status model.MeetingStatus
		want   bool
	}{
		{"an invitation says the meeting is on", MethodRequest, model.MeetingScheduled, false},
		{"a cancellation says it is off", MethodCancel, model.MeetingCancelled, true},
		{"a feed shows a scheduled meeting", MethodPublish, model.MeetingScheduled, false},
		{"a feed shows a held meeting", MethodPublish, model.MeetingHeld, false},
		{"a feed shows a cancelled meeting cancelled", MethodPublish, model.MeetingCancelled, true},
	} {
		ev := MeetingEvent(tc.method, model.Meeting{Status: tc.status}, centre, seedNow)
		if ev.Cancelled != tc.want {
			t.Errorf("%s: Cancelled = %v", tc.name, ev.Cancelled)
		}
	}
	if ev := MeetingEvent(MethodPublish, model.Meeting{}, centre, seedNow); ev.Attendees != nil {
		t.Errorf("a feed's event has attendees: %v", ev.Attendees)
	}
	for _, tc := range []struct {
		m    model.Meeting
		want string
	}{
		{model.Meeting{Venue: "UN HQ", Address: "405 E 42nd St", OnlineURL: "https://meet.example.org/x"}, "UN HQ, 405 E 42nd St"},
		{model.Meeting{Address: "405 E 42nd St"}, "405 E 42nd St"},
		{model.Meeting{OnlineURL: "https://meet.example.org/x"}, "https://meet.example.org/x"},
		{model.Meeting{}, ""},
	} {
		if got := Location(tc.m); got != tc.want {
			t.Errorf("Location(%+v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}

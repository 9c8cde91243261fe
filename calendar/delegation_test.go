package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"focalbot/model"
)

// TestDelegationAndKeptAnswers reads back the delegated invitation and the
// update that keeps answers, as go-ical parses them: the focal point who
// delegated is PARTSTAT=DELEGATED;DELEGATED-TO, never asked (RSVP=FALSE);
// the delegate is asked, DELEGATED-FROM the focal point; an update that
// keeps answers carries each attendee's, and one that does not asks
// everyone again — but the one who delegated.
func TestDelegationAndKeptAnswers(t *testing.T) {
	byName := map[string]goldenCase{}
	for _, c := range goldenCases(t) {
		byName[c.name] = c
	}
	params := func(c goldenCase) map[string]ical.Params {
		t.Helper()
		cal, err := ical.NewDecoder(bytes.NewReader(encode(t, c.method, c.events...))).Decode()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]ical.Params{}
		for _, comp := range cal.Children {
			for _, a := range comp.Props.Values(ical.PropAttendee) {
				out[strings.ToLower(strings.TrimPrefix(a.Value, "mailto:"))] = a.Params
			}
		}
		return out
	}
	for _, tc := range []struct {
		calendar, attendee string
		want               map[string]string
	}{
		{"delegated", "fp@um.example.dk", map[string]string{"PARTSTAT": "DELEGATED", "RSVP": "FALSE", "DELEGATED-TO": "mailto:lars.nielsen@um.example.dk", "DELEGATED-FROM": ""}},
		{"delegated", "lars.nielsen@um.example.dk", map[string]string{"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE", "DELEGATED-FROM": "mailto:fp@um.example.dk", "DELEGATED-TO": ""}},
		{"kept", "fp@um.example.dk", map[string]string{"PARTSTAT": "ACCEPTED", "RSVP": "TRUE"}},
		{"kept", "fp@mfa.example.gh", map[string]string{"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}},
		{"kept", "fp@rree.example.cr", map[string]string{"PARTSTAT": "DECLINED"}},
		{"kept", "fp@mvep.example.hr", map[string]string{"PARTSTAT": "TENTATIVE"}},
		{"update", "fp@um.example.dk", map[string]string{"PARTSTAT": "NEEDS-ACTION"}}, // moved: asked again, although Accepted
	} {
		got, ok := params(byName[tc.calendar])[tc.attendee]
		if !ok {
			t.Errorf("%s: no ATTENDEE %s", tc.calendar, tc.attendee)
			continue
		}
		for k, v := range tc.want {
			if got.Get(k) != v {
				t.Errorf("%s: %s has %s=%q, want %q", tc.calendar, tc.attendee, k, got.Get(k), v)
			}
		}
	}

	// A moved meeting asks again; the one who delegated stays delegated.
	moved := byName["delegated"].events[0]
	moved.Sequence, moved.Start, moved.End = 1, moved.Start.Add(time.Hour), moved.End.Add(time.Hour)
	p := params(goldenCase{"moved", MethodRequest, []Event{moved}})
	if p["fp@um.example.dk"].Get("PARTSTAT") != "DELEGATED" || p["lars.nielsen@um.example.dk"].Get("PARTSTAT") != "NEEDS-ACTION" {
		t.Errorf("a moved delegated invitation: %v", p)
	}

	// A delegation to something that is not an address is refused.
	bad := byName["delegated"].events[0]
	bad.Attendees = []Attendee{{Person: Person{Email: "fp@um.example.dk"}, DelegatedTo: "Lars <lars@um.example.dk>"}}
	if err := Encode(&bytes.Buffer{}, MethodRequest, bad); err == nil {
		t.Error("a DELEGATED-TO that is not a bare address was written")
	}
}

// TestMeetingEventForCarriesAnswers: the mapping from a meeting writes the
// answers given as calendars name them.
func TestMeetingEventForCarriesAnswers(t *testing.T) {
	for r, want := range map[model.Response]PartStat{model.ResponseYes: Accepted, model.ResponseNo: Declined,
		model.ResponseMaybe: Tentative, model.ResponseDelegate: Delegated, model.ResponseNone: NeedsAction, "": NeedsAction} {
		if got := PartStatOf(r); got != want {
			t.Errorf("PartStatOf(%q) = %s, want %s", r, got, want)
		}
	}
	m := model.Meeting{UID: "u@focalbot", Title: "T", Start: seedNow, End: seedNow.Add(time.Hour), TimeZone: "UTC"}
	ev := MeetingEventFor(MethodRequest, m, centre, seedNow, true, Attendee{Person: Person{Email: "a@b.example"}, PartStat: Accepted})
	if !ev.KeepAnswers || len(ev.Attendees) != 1 || ev.Attendees[0].PartStat != Accepted {
		t.Errorf("MeetingEventFor: %+v", ev)
	}
}

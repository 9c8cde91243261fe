package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

// outlookEastern is the VTIMEZONE Outlook sends for its "Eastern Standard
// Time": rules from 1601, a Windows name for TZID.
const outlookEastern = "BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\n" +
	"BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n" +
	"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n" +
	"END:VTIMEZONE\r\n"

func counter(zones, start, end string) string {
	return "BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nPRODID:test\r\nVERSION:2.0\r\n" + zones +
		"BEGIN:VEVENT\r\nATTENDEE;PARTSTAT=TENTATIVE;CN=Mette Jensen:MAILTO:mette.jensen@um.example.dk\r\n" +
		"SUMMARY:New Time Proposed: Network meeting\r\n" + start + "\r\n" + end + "\r\n" +
		"UID:meeting-1@example.org\r\nSEQUENCE:0\r\nDTSTAMP:20300601T083500Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// TestCounterProposedTimes: a COUNTER's proposed times are read as instants
// when the calendar says their zone (UTC, an IANA TZID, a VTIMEZONE under a
// Windows name, in summer and in winter), and left zero when it does not.
func TestCounterProposedTimes(t *testing.T) {
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	generated, err := VTimezone(mustLoad(t, "Europe/Copenhagen"), utc(2030, 1, 1, 0), utc(2031, 1, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	copenhagen := encodeComponent(t, generated)
	for _, tt := range []struct {
		name, zones, start, end string
		from, to                time.Time
	}{
		{"Outlook in summer", outlookEastern, "DTSTART;TZID=Eastern Standard Time:20300701T060000", "DTEND;TZID=Eastern Standard Time:20300701T080000",
			utc(2030, 7, 1, 10), utc(2030, 7, 1, 12)},
		{"Outlook in winter", outlookEastern, "DTSTART;TZID=Eastern Standard Time:20300115T060000", "DTEND;TZID=\"Eastern Standard Time\":20300115T080000",
			utc(2030, 1, 15, 11), utc(2030, 1, 15, 13)},
		{"an IANA zone", "", "DTSTART;TZID=Europe/Copenhagen:20300701T120000", "DTEND;TZID=Europe/Copenhagen:20300701T140000",
			utc(2030, 7, 1, 10), utc(2030, 7, 1, 12)},
		{"a VTIMEZONE as focalbot writes it", copenhagen, "DTSTART;TZID=Europe/Copenhagen:20301215T120000", "DTEND;TZID=Europe/Copenhagen:20301215T140000",
			utc(2030, 12, 15, 11), utc(2030, 12, 15, 13)},
		{"UTC", "", "DTSTART:20300701T100000Z", "DTEND:20300701T120000Z", utc(2030, 7, 1, 10), utc(2030, 7, 1, 12)},
		{"a Windows name without its VTIMEZONE", "", "DTSTART;TZID=Eastern Standard Time:20300701T060000", "DTEND;TZID=Eastern Standard Time:20300701T080000",
			time.Time{}, time.Time{}},
		{"floating", "", "DTSTART:20300701T060000", "DTEND:20300701T080000", time.Time{}, time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseFromAttendee(strings.NewReader(counter(tt.zones, tt.start, tt.end)), "mette.jensen@um.example.dk")
			if err != nil {
				t.Fatal(err)
			}
			if !r.ProposedFrom.Equal(tt.from) || !r.ProposedTo.Equal(tt.to) || r.ProposedFrom.IsZero() != tt.from.IsZero() {
				t.Errorf("proposed %v – %v, want %v – %v", r.ProposedFrom, r.ProposedTo, tt.from, tt.to)
			}
			if r.ProposedStart == "" || r.ProposedEnd == "" {
				t.Errorf("the times as written are lost: %q, %q", r.ProposedStart, r.ProposedEnd)
			}
		})
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// encodeComponent writes a VTIMEZONE as the lines of a calendar.
func encodeComponent(t *testing.T, c *ical.Component) string {
	t.Helper()
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "test")
	cal.Children = append(cal.Children, c)
	var b strings.Builder
	if err := ical.NewEncoder(&b).Encode(cal); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	i, j := strings.Index(s, "BEGIN:VTIMEZONE"), strings.Index(s, "END:VTIMEZONE\r\n")
	if i < 0 || j < 0 {
		t.Fatalf("no VTIMEZONE in %q", s)
	}
	return s[i : j+len("END:VTIMEZONE\r\n")]
}

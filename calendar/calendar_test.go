package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

var (
	centre = Person{Name: "Global Centre for the Responsibility to Protect", Email: "info@globalr2p.example.org"}
	// The --now of the seed scenario: 2012-08-01T09:00:00-04:00.
	seedNow = time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC)
)

// seedMeeting is the seed scenario's meeting, as first announced.
func seedMeeting(t testing.TB) Event {
	ny := zone(t, "America/New_York")
	return Event{
		UID:      "meeting-2-2012@focalbot.globalr2p.example.org",
		Sequence: 0,
		Stamp:    seedNow,
		Summary:  "Second Meeting of the Global Network of R2P Focal Points",
		Description: "Hosted by Australia, Costa Rica, Denmark and Ghana with the Global Centre " +
			"for the Responsibility to Protect.\nAgenda: national experiences; the network's work plan; the 2013 meeting.",
		Location:  "New York",
		URL:       "https://focalbot.globalr2p.example.org/meetings/2",
		Start:     time.Date(2012, 9, 29, 10, 0, 0, 0, ny),
		End:       time.Date(2012, 9, 29, 13, 0, 0, 0, ny),
		Zone:      ny,
		Organizer: centre,
		Attendees: []Attendee{
			{Person: Person{Name: "Denmark focal point", Email: "fp@um.example.dk"}, PartStat: Accepted},
			{Person: Person{Name: "Ghana focal point", Email: "fp@mfa.example.gh"}},
			{Person: Person{Name: "Costa Rica, focal point", Email: "fp@rree.example.cr"}},
		},
	}
}

// goldenCase is one calendar in testdata, with the events it holds.
type goldenCase struct {
	name   string
	method Method
	events []Event
}

func goldenCases(t testing.TB) []goldenCase {
	seed := seedMeeting(t)

	moved := seed
	moved.Sequence = 1
	moved.Stamp = seedNow.Add(14 * 24 * time.Hour)
	moved.Start = moved.Start.Add(4 * time.Hour)
	moved.End = moved.End.Add(4 * time.Hour)

	cancelled := moved
	cancelled.Sequence = 2
	cancelled.Stamp = seedNow.Add(21 * 24 * time.Hour)
	cancelled.Cancelled = true

	cph := zone(t, "Europe/Copenhagen")
	acrossDST := Event{
		UID:       "meeting-3-2013@focalbot.globalr2p.example.org",
		Stamp:     time.Date(2013, 6, 3, 9, 30, 0, 0, time.UTC),
		Summary:   "Third Meeting of the Global Network of R2P Focal Points",
		Location:  "Eigtveds Pakhus, Asiatisk Plads 2, 1448 København K",
		Start:     time.Date(2013, 10, 26, 9, 0, 0, 0, cph),  // CEST, +02:00
		End:       time.Date(2013, 10, 27, 13, 0, 0, 0, cph), // CET, +01:00
		Zone:      cph,
		Organizer: centre,
		Attendees: []Attendee{{Person: Person{Name: "Mette Sørensen", Email: "mette.sorensen@um.example.dk"}}},
	}

	names := acrossDST
	names.UID = "names@focalbot.globalr2p.example.org"
	names.Summary = "Réunion des points focaux : « responsabilité de protéger »"
	names.Organizer = Person{Name: "Centre mondial; \"R2P\", New York", Email: "info@globalr2p.example.org"}
	names.Attendees = []Attendee{
		{Person: Person{Name: "Mette Sørensen", Email: "mette.sorensen@um.example.dk"}},
		{Person: Person{Name: "Nataša Kovač", Email: "natasa.kovac@mvep.example.hr"}},
		{Person: Person{Name: "김지원", Email: "jiwon.kim@mofa.example.kr"}},
		{Person: Person{Name: "Арсений Иванов", Email: "a.ivanov@mid.example.ru"}},
		{Person: Person{Name: "عبد الله الأحمد", Email: "abdullah@mofa.example.qa"}},
		{Person: Person{Name: "José María Pérez-Ñúñez, Embajador: Misión \"Permanente\"", Email: "JM.Perez@Example.ORG"}},
	}

	agenda := seed
	agenda.UID = "agenda@focalbot.globalr2p.example.org"
	agenda.Description = longAgenda

	tokyo := zone(t, "Asia/Tokyo")
	accra := zone(t, "Africa/Accra")
	sydney := zone(t, "Australia/Sydney")
	feed := []Event{
		seed,
		{
			UID: "webinar-2012@focalbot.globalr2p.example.org", Stamp: seedNow,
			Summary: "Focal points' webinar: early warning", URL: "https://meet.example.org/r2p",
			Start: time.Date(2012, 11, 15, 14, 0, 0, 0, time.UTC), End: time.Date(2012, 11, 15, 15, 30, 0, 0, time.UTC),
			Organizer: centre,
		},
		{
			UID: "accra-2013@focalbot.globalr2p.example.org", Stamp: seedNow,
			Summary: "Regional meeting, West Africa", Location: "Accra",
			Start: time.Date(2013, 2, 12, 9, 0, 0, 0, accra), End: time.Date(2013, 2, 12, 17, 0, 0, 0, accra), Zone: accra,
			Organizer: centre,
		},
		{
			UID: "tokyo-2013@focalbot.globalr2p.example.org", Stamp: seedNow,
			Summary: "Regional meeting, Asia-Pacific", Location: "Tokyo",
			Start: time.Date(2013, 3, 5, 10, 0, 0, 0, tokyo), End: time.Date(2013, 3, 5, 16, 0, 0, 0, tokyo), Zone: tokyo,
			Organizer: centre,
			Cancelled: true,
		},
		{
			// Southern hemisphere: DST ends in April, over this meeting.
			UID: "sydney-2013@focalbot.globalr2p.example.org", Stamp: seedNow,
			Summary: "Workshop, Pacific", Location: "Sydney",
			Start: time.Date(2013, 4, 6, 9, 0, 0, 0, sydney), End: time.Date(2013, 4, 7, 12, 0, 0, 0, sydney), Zone: sydney,
			Organizer: centre,
		},
		acrossDST,
	}

	answer := seed
	answer.Attendees = []Attendee{{Person: Person{Name: "Nataša Kovač", Email: "natasa.kovac@mvep.example.hr"}, PartStat: Tentative}}
	answer.Stamp = seedNow.Add(48 * time.Hour)

	// Denmark's focal point sends Lars Nielsen: his invitation names both.
	delegated := seed
	delegated.Stamp = seedNow.Add(72 * time.Hour)
	delegated.Attendees = []Attendee{
		{Person: Person{Name: "Denmark focal point", Email: "fp@um.example.dk"}, PartStat: Delegated, DelegatedTo: "lars.nielsen@um.example.dk"},
		{Person: Person{Name: "Lars Nielsen", Email: "lars.nielsen@um.example.dk"}, PartStat: NeedsAction, RSVP: true, DelegatedFrom: "fp@um.example.dk"},
	}

	// A new agenda keeps every answer: each ATTENDEE carries its own.
	kept := seed
	kept.Sequence = 1
	kept.Stamp = seedNow.Add(96 * time.Hour)
	kept.Description = "Agenda: national experiences; the network's work plan; the 2013 meeting; any other business."
	kept.KeepAnswers = true
	kept.Attendees = []Attendee{
		{Person: Person{Name: "Denmark focal point", Email: "fp@um.example.dk"}, PartStat: Accepted},
		{Person: Person{Name: "Ghana focal point", Email: "fp@mfa.example.gh"}},
		{Person: Person{Name: "Costa Rica, focal point", Email: "fp@rree.example.cr"}, PartStat: Declined},
		{Person: Person{Name: "Croatia focal point", Email: "fp@mvep.example.hr"}, PartStat: Tentative},
	}

	return []goldenCase{
		{"request", MethodRequest, []Event{seed}},
		{"update", MethodRequest, []Event{moved}},
		{"cancel", MethodCancel, []Event{cancelled}},
		{"dst", MethodRequest, []Event{acrossDST}},
		{"names", MethodRequest, []Event{names}},
		{"agenda", MethodRequest, []Event{agenda}},
		{"feed", MethodPublish, feed},
		{"feed-empty", MethodPublish, nil},
		{"reply", MethodReply, []Event{answer}},
		{"delegated", MethodRequest, []Event{delegated}},
		{"kept", MethodRequest, []Event{kept}},
	}
}

// longAgenda is longer than many lines, with text that puts two-, three- and
// four-octet characters across the 75-octet fold ("DESCRIPTION:" is 12
// octets, so the first fold falls after 63 octets of text, the next ones
// every 74).
var longAgenda = strings.Repeat("a", 62) + "ø" + // ø is octets 75–76 of the first line
	strings.Repeat("b", 72) + "김" + // 김 is octets 74–76 of the second
	strings.Repeat("c", 71) + "𝄞" + // 𝄞 is octets 73–76 of the third
	"\n\n1. Opening — Ms. Nataša Kovač; welcome by Denmark, Ghana, Australia and Costa Rica.\n" +
	"2. Национальный опыт: 김지원 (Republic of Korea), عبد الله (Qatar), Mette Sørensen (Denmark).\n" +
	"3. Work plan 2013–2014: \"early warning\", prevention; atrocity-risk assessment, \\ training \\.\n" +
	"4. Any other business.\r\nClosing remarks at 13:00."

func encode(t testing.TB, method Method, events ...Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, method, events...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares each calendar with testdata/<name>.ics; go test
// -update rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got := encode(t, c.method, c.events...)
			checkStructure(t, got, c.method, c.events)
			path := filepath.Join("testdata", c.name+".ics")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to make it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what Encode writes now (go test -update rewrites it):\n%s", path, got)
			}
		})
	}
}

// checkStructure checks what every calendar must be: CRLF lines of valid
// UTF-8 at most 75 octets long, a VTIMEZONE before the events for every
// TZID, one UID, DTSTAMP (in UTC), DTSTART and SUMMARY per event, and the
// times, UIDs and method that were encoded.
func checkStructure(t *testing.T, data []byte, method Method, events []Event) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatal("the calendar does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		switch {
		case strings.ContainsAny(line, "\r\n"):
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		case len(line) > maxLine:
			t.Errorf("line %d is %d octets long: %q", i+1, len(line), line)
		case !utf8.ValidString(line):
			t.Errorf("line %d is not valid UTF-8 (a character split by folding?): %q", i+1, line)
		case line == "" || line == " ":
			t.Errorf("line %d is empty", i+1)
		}
	}

	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read it back: %v", err)
	}
	if got := cal.Props.Get(ical.PropMethod).Value; got != string(method) {
		t.Errorf("METHOD is %s, want %s", got, method)
	}
	zones := map[string]bool{}
	var vevents []*ical.Component
	for _, c := range cal.Children {
		switch c.Name {
		case ical.CompTimezone:
			if len(vevents) > 0 {
				t.Errorf("VTIMEZONE %s comes after a VEVENT", c.Props.Get(ical.PropTimezoneID).Value)
			}
			zones[c.Props.Get(ical.PropTimezoneID).Value] = true
		case ical.CompEvent:
			vevents = append(vevents, c)
		default:
			t.Errorf("unexpected component %s", c.Name)
		}
	}
	if len(vevents) != len(events) {
		t.Fatalf("%d VEVENTs, want %d", len(vevents), len(events))
	}
	for i, ve := range vevents {
		ev := events[i]
		for _, name := range []string{ical.PropUID, ical.PropDateTimeStamp, ical.PropDateTimeStart, ical.PropSummary, ical.PropSequence, ical.PropStatus} {
			if n := len(ve.Props[name]); n != 1 {
				t.Errorf("%s: %d %s, want one", ev.UID, n, name)
			}
		}
		for _, props := range ve.Props {
			for _, p := range props {
				if tzid := p.Params.Get(ical.ParamTimezoneID); tzid != "" && !zones[tzid] {
					t.Errorf("%s: %s has TZID=%s without a VTIMEZONE", ev.UID, p.Name, tzid)
				}
			}
		}
		if uid, _ := ve.Props.Text(ical.PropUID); uid != ev.UID {
			t.Errorf("UID %q, want %q", uid, ev.UID)
		}
		if v := ve.Props.Get(ical.PropDateTimeStamp).Value; !strings.HasSuffix(v, "Z") {
			t.Errorf("%s: DTSTAMP %s is not UTC", ev.UID, v)
		}
		e := ical.Event{Component: ve}
		start, err := e.DateTimeStart(nil)
		if err != nil || !start.Equal(ev.Start) {
			t.Errorf("%s: DTSTART reads back as %v (%v), want %v", ev.UID, start, err, ev.Start)
		}
		end, err := e.DateTimeEnd(nil)
		if err != nil || !end.Equal(ev.End) {
			t.Errorf("%s: DTEND reads back as %v (%v), want %v", ev.UID, end, err, ev.End)
		}
		status, _ := e.Status()
		if wantCancel := method == MethodCancel || ev.Cancelled; (status == ical.EventCancelled) != wantCancel {
			t.Errorf("%s: STATUS:%s with METHOD:%s", ev.UID, status, method)
		}
		attendees := ve.Props.Values(ical.PropAttendee)
		switch method {
		case MethodPublish:
			if len(attendees) > 0 {
				t.Errorf("%s: a feed lists %d attendees", ev.UID, len(attendees))
			}
		default:
			if len(attendees) != len(ev.Attendees) {
				t.Errorf("%s: %d ATTENDEEs, want %d", ev.UID, len(attendees), len(ev.Attendees))
			}
		}
		if len(ve.Props.Values(ical.PropOrganizer)) != 1 {
			t.Errorf("%s: no ORGANIZER", ev.UID)
		}
		for j, a := range attendees {
			if method != MethodRequest || j >= len(ev.Attendees) {
				continue
			}
			// A REQUEST asks everyone, but for one who delegated, and but
			// when it keeps the answers (TestDelegationAndKeptAnswers).
			if want := ev.Attendees[j]; want.DelegatedTo == "" && !ev.KeepAnswers &&
				(a.Params.Get(ical.ParamParticipationStatus) != "NEEDS-ACTION" || a.Params.Get(ical.ParamRSVP) != "TRUE") {
				t.Errorf("%s: a REQUEST with %s;%v", ev.UID, a.Value, a.Params)
			}
		}
	}
}

// TestTextAndNames checks that TEXT and names come back as they went in,
// but for what parameters cannot hold.
func TestTextAndNames(t *testing.T) {
	for _, c := range goldenCases(t) {
		cal, err := ical.NewDecoder(bytes.NewReader(encode(t, c.method, c.events...))).Decode()
		if err != nil {
			t.Fatal(err)
		}
		for i, ve := range cal.Events() {
			ev := c.events[i]
			for name, want := range map[string]string{
				ical.PropSummary: ev.Summary, ical.PropDescription: ev.Description, ical.PropLocation: ev.Location,
			} {
				got, err := ve.Props.Text(name)
				want = strings.ReplaceAll(want, "\r\n", "\n")
				if err != nil || got != want {
					t.Errorf("%s %s: %q (%v), want %q", c.name, name, got, err, want)
				}
			}
			if c.method == MethodPublish {
				continue
			}
			org := ve.Props.Get(ical.PropOrganizer)
			if want := strings.ReplaceAll(ev.Organizer.Name, `"`, "'"); org.Params.Get(ical.ParamCommonName) != want {
				t.Errorf("%s: ORGANIZER CN=%q, want %q", c.name, org.Params.Get(ical.ParamCommonName), want)
			}
			for j, a := range ve.Props.Values(ical.PropAttendee) {
				want := ev.Attendees[j]
				if cn := a.Params.Get(ical.ParamCommonName); cn != strings.ReplaceAll(want.Name, `"`, "'") {
					t.Errorf("%s: ATTENDEE CN=%q, want %q", c.name, cn, want.Name)
				}
				if a.Value != "mailto:"+want.Email {
					t.Errorf("%s: ATTENDEE %q, want mailto:%s", c.name, a.Value, want.Email)
				}
			}
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"short", "SUMMARY:x", []string{"SUMMARY:x"}},
		{"exactly 75", strings.Repeat("x", 75), []string{strings.Repeat("x", 75)}},
		{"76", strings.Repeat("x", 76), []string{strings.Repeat("x", 75), " x"}},
		{"continuations hold 74", strings.Repeat("x", 75+74+1), []string{strings.Repeat("x", 75), " " + strings.Repeat("x", 74), " x"}},
		{"two octets across the fold", strings.Repeat("x", 74) + "ø", []string{strings.Repeat("x", 74), " ø"}},
		{"four octets across the fold", strings.Repeat("x", 73) + "𝄞y", []string{strings.Repeat("x", 73), " 𝄞y"}},
		{"only multibyte", strings.Repeat("김", 30), []string{strings.Repeat("김", 25), " " + strings.Repeat("김", 5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := fold(&buf, []byte(tt.line+"\r\n")); err != nil {
				t.Fatal(err)
			}
			if want := strings.Join(tt.want, "\r\n") + "\r\n"; buf.String() != want {
				t.Errorf("got %q, want %q", buf.String(), want)
			}
		})
	}
}

// TestEncodeErrors checks that what calendars would get wrong is refused
// with a message that says what to fix.
func TestEncodeErrors(t *testing.T) {
	ok := seedMeeting(t)
	fixed := ok
	fixed.Zone = time.FixedZone("EDT", -4*3600)
	fixed.Start, fixed.End = fixed.Start.In(fixed.Zone), fixed.End.In(fixed.Zone)
	local := ok
	local.Zone = time.Local
	fake := ok
	fake.Zone = time.FixedZone("America/New_York", 0)

	tests := []struct {
		name   string
		method Method
		edit   func(*Event)
		want   string
	}{
		{"no UID", MethodRequest, func(e *Event) { e.UID = " " }, "no UID"},
		{"no DTSTAMP", MethodRequest, func(e *Event) { e.Stamp = time.Time{} }, "no DTSTAMP"},
		{"no summary", MethodRequest, func(e *Event) { e.Summary = "" }, "no SUMMARY"},
		{"ends before it starts", MethodRequest, func(e *Event) { e.End = e.Start.Add(-time.Hour) }, "ends before"},
		{"cancelled request", MethodRequest, func(e *Event) { e.Cancelled = true }, "METHOD CANCEL"},
		{"no organizer", MethodRequest, func(e *Event) { e.Organizer = Person{} }, "needs an ORGANIZER"},
		{"feed without organizer", MethodPublish, func(e *Event) { e.Organizer = Person{} }, "needs an ORGANIZER"},
		{"no attendee", MethodCancel, func(e *Event) { e.Attendees = nil }, "at least one ATTENDEE"},
		{"bad address", MethodRequest, func(e *Event) { e.Attendees[0].Email = "Ana <ana@example.org>" }, "not a bare e-mail address"},
		{"address with CRLF", MethodRequest, func(e *Event) { e.Organizer.Email = "a@b.org\r\nX: y" }, "not a bare e-mail address"},
		{"relative URL", MethodRequest, func(e *Event) { e.URL = "/meetings/2" }, "not an absolute URL"},
		{"fixed zone", MethodRequest, func(e *Event) { *e = fixed }, "not in the IANA time zone database"},
		{"Local", MethodRequest, func(e *Event) { *e = local }, `"Local" has no IANA name`},
		{"fixed zone under an IANA name", MethodRequest, func(e *Event) { *e = fake }, "does not match"},
		{"unknown method", "ADD", func(e *Event) {}, "unknown calendar method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := ok
			ev.Attendees = append([]Attendee(nil), ok.Attendees...)
			tt.edit(&ev)
			var buf bytes.Buffer
			err := Encode(&buf, tt.method, ev)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if buf.Len() > 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
	if err := Encode(new(bytes.Buffer), MethodRequest); err == nil {
		t.Error("an invitation without an event was accepted")
	}
}

// TestCancelKeepsUID checks the rules that make clients apply updates and
// cancellations to the same event: same UID, higher SEQUENCE, new DTSTAMP.
func TestCancelKeepsUID(t *testing.T) {
	cases := goldenCases(t)
	seq := -1
	var stamp time.Time
	for _, c := range cases[:3] {
		ev := c.events[0]
		if ev.UID != cases[0].events[0].UID {
			t.Errorf("%s has UID %s", c.name, ev.UID)
		}
		if ev.Sequence <= seq || !ev.Stamp.After(stamp) {
			t.Errorf("%s: SEQUENCE %d and DTSTAMP %v do not rise", c.name, ev.Sequence, ev.Stamp)
		}
		seq, stamp = ev.Sequence, ev.Stamp
	}
}

func BenchmarkInvitation(b *testing.B) {
	ev := seedMeeting(b)
	ev.Attendees = ev.Attendees[:1]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, MethodRequest, ev); err != nil {
			b.Fatal(err)
		}
	}
}

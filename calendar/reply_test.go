package calendar

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crlf turns a readable multi-line literal into CRLF content lines.
func crlf(s string) string {
	return strings.ReplaceAll(strings.TrimPrefix(s, "\n"), "\n", "\r\n")
}

const seedUID = "meeting-2-2012@focalbot.globalr2p.example.org"

// Replies in the shapes real clients send them.
var (
	outlookReply = crlf(`
BEGIN:VCALENDAR
METHOD:REPLY
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ATTENDEE;PARTSTAT=ACCEPTED;CN=Fp Denmark:MAILTO:FP@UM.example.DK
COMMENT;LANGUAGE=en-US:See you in New York.\n
SUMMARY;LANGUAGE=en-US:Accepted: Second Meeting of the Global Network of R2P
  Focal Points
DTSTART;TZID=Eastern Standard Time:20120929T100000
DTEND;TZID=Eastern Standard Time:20120929T130000
UID:meeting-2-2012@focalbot.globalr2p.example.org
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20120802T141516Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=en-US:New York
X-MICROSOFT-CDO-APPT-SEQUENCE:0
X-MICROSOFT-CDO-OWNERAPPTID:-1
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
END:VEVENT
END:VCALENDAR
`)

	gmailReply = crlf(`
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VEVENT
DTSTART:20120929T140000Z
DTEND:20120929T170000Z
DTSTAMP:20120803T093012Z
ORGANIZER;CN=Global Centre for the Responsibility to Protect:mailto:info@gl
 obalr2p.example.org
UID:meeting-2-2012@focalbot.globalr2p.example.org
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=Ghana F
 ocal Point;X-NUM-GUESTS=0:mailto:fp.ghana@gmail.com
CREATED:20120801T130000Z
LAST-MODIFIED:20120803T093012Z
LOCATION:New York
SEQUENCE:1
STATUS:CONFIRMED
SUMMARY:Second Meeting of the Global Network of R2P Focal Points
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR
`)

	appleReply = crlf(`
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//Mac OS X 10.8.1//EN
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
DTSTART:20070311T020000
TZNAME:EDT
TZOFFSETTO:-0400
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
DTSTART:20071104T020000
TZNAME:EST
TZOFFSETTO:-0500
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
CREATED:20120803T101010Z
UID:meeting-2-2012@focalbot.globalr2p.example.org
DTEND;TZID=America/New_York:20120929T130000
ATTENDEE;CN="Ana Ruiz, Costa Rica";CUTYPE=INDIVIDUAL;EMAIL="Ana.Ruiz@rree.ex
 ample.cr";PARTSTAT=TENTATIVE:mailto:Ana.Ruiz@rree.example.cr
TRANSP:OPAQUE
SUMMARY:Second Meeting of the Global Network of R2P Focal Points
DTSTART;TZID=America/New_York:20120929T100000
DTSTAMP:20120803T101015Z
ORGANIZER;CN="Global Centre for the Responsibility to Protect":mailto:info@
 globalr2p.example.org
SEQUENCE:1
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC
END:VEVENT
END:VCALENDAR
`)

	thunderbirdReply = crlf(`
BEGIN:VCALENDAR
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
VERSION:2.0
METHOD:REPLY
BEGIN:VEVENT
CREATED:20120804T080000Z
LAST-MODIFIED:20120804T080000Z
DTSTAMP:20120804T080000Z
UID:meeting-2-2012@focalbot.globalr2p.example.org
SUMMARY:Second Meeting of the Global Network of R2P Focal Points
ORGANIZER;CN=Global Centre for the Responsibility to Protect:mailto:info@gl
 obalr2p.example.org
ATTENDEE;RSVP=TRUE;CN=김지원;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:j
 iwon.kim@mofa.example.kr
DTSTART;TZID=America/New_York:20120929T100000
DTEND;TZID=America/New_York:20120929T130000
SEQUENCE:1
END:VEVENT
END:VCALENDAR
`)

	delegateReply = crlf(`
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 14.0 MIMEDIR//EN
VERSION:2.0
METHOD:REPLY
BEGIN:VEVENT
ATTENDEE;CN=Lars Nielsen;PARTSTAT=ACCEPTED;DELEGATED-FROM="MAILTO:FP@um.exam
 ple.dk":MAILTO:Lars.Nielsen@um.example.dk
DTSTAMP:20120805T120000Z
SEQUENCE:1
UID:meeting-2-2012@focalbot.globalr2p.example.org
END:VEVENT
END:VCALENDAR
`)

	severalReply = crlf(`
BEGIN:VCALENDAR
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
METHOD:REPLY
BEGIN:VEVENT
ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:lars.nielsen@um.example.dk"
 ;CN=Fp Denmark:mailto:fp@um.example.dk
ATTENDEE;PARTSTAT=TENTATIVE;DELEGATED-FROM="mailto:fp@um.example.dk";CN=Lars
  Nielsen:mailto:lars.nielsen@um.example.dk
DTSTAMP:20120805T120000Z
SEQUENCE:1
UID:meeting-2-2012@focalbot.globalr2p.example.org
END:VEVENT
END:VCALENDAR
`)
)

// withLine returns the Gmail reply with one line replaced.
func gmailWith(old, new string) string {
	if !strings.Contains(gmailReply, old) {
		panic("no " + old)
	}
	return strings.Replace(gmailReply, old, new, 1)
}

var replyTests = []struct {
	name   string
	input  string
	sender string
	want   Reply
	err    string // part of the error, when one is expected
}{
	{
		name:  "Outlook: no ORGANIZER, Windows TZID, MAILTO in capitals",
		input: outlookReply, sender: "fp@um.example.dk",
		want: Reply{UID: seedUID, Sequence: 0, Stamp: time.Date(2012, 8, 2, 14, 15, 16, 0, time.UTC),
			Attendee: Attendee{Person: Person{Name: "Fp Denmark", Email: "fp@um.example.dk"}, PartStat: Accepted}},
	},
	{
		name:  "Gmail: folded lines, sender's case ignored",
		input: gmailReply, sender: "FP.Ghana@Gmail.com",
		want: Reply{UID: seedUID, Sequence: 1, Stamp: time.Date(2012, 8, 3, 9, 30, 12, 0, time.UTC),
			Attendee: Attendee{Person: Person{Name: "Ghana Focal Point", Email: "fp.ghana@gmail.com"}, PartStat: Declined}},
	},
	{
		name:  "Apple: quoted CN with a comma, mixed-case address",
		input: appleReply, sender: "ana.ruiz@rree.example.cr",
		want: Reply{UID: seedUID, Sequence: 1, Stamp: time.Date(2012, 8, 3, 10, 10, 15, 0, time.UTC),
			Attendee: Attendee{Person: Person{Name: "Ana Ruiz, Costa Rica", Email: "ana.ruiz@rree.example.cr"}, PartStat: Tentative}},
	},
	{
		name:  "Thunderbird: non-Latin name, RSVP kept",
		input: thunderbirdReply, sender: "jiwon.kim@mofa.example.kr",
		want: Reply{UID: seedUID, Sequence: 1, Stamp: time.Date(2012, 8, 4, 8, 0, 0, 0, time.UTC),
			Attendee: Attendee{Person: Person{Name: "김지원", Email: "jiwon.kim@mofa.example.kr"}, PartStat: Accepted, RSVP: true}},
	},
	{
		name:  "a delegate answers",
		input: delegateReply, sender: "lars.nielsen@um.example.dk",
		want: Reply{UID: seedUID, Sequence: 1, Stamp: time.Date(2012, 8, 5, 12, 0, 0, 0, time.UTC), DelegatedFrom: "fp@um.example.dk",
			Attendee: Attendee{Person: Person{Name: "Lars Nielsen", Email: "lars.nielsen@um.example.dk"}, PartStat: Accepted}},
	},
	{
		name:  "several ATTENDEEs: the sender's is taken",
		input: severalReply, sender: "mailto:Lars.Nielsen@um.example.dk",
		want: Reply{UID: seedUID, Sequence: 1, Stamp: time.Date(2012, 8, 5, 12, 0, 0, 0, time.UTC), DelegatedFrom: "fp@um.example.dk",
			Attendee: Attendee{Person: Person{Name: "Lars Nielsen", Email: "lars.nielsen@um.example.dk"}, PartStat: Tentative}},
	},
	{
		name:  "several ATTENDEEs: the delegator's own line",
		input: severalReply, sender: "fp@um.example.dk",
		want: Reply{UID: seedUID, Sequence: 1, Stamp: time.Date(2012, 8, 5, 12, 0, 0, 0, time.UTC),
			Attendee: Attendee{Person: Person{Name: "Fp Denmark", Email: "fp@um.example.dk"}, PartStat: Delegated}},
	},
	{
		name:  "LF line endings, lower-case names and values",
		input: strings.ToLower(strings.ReplaceAll(delegateReply, "\r\n", "\n")), sender: "",
		want: Reply{UID: strings.ToLower(seedUID), Sequence: 1, Stamp: time.Date(2012, 8, 5, 12, 0, 0, 0, time.UTC), DelegatedFrom: "fp@um.example.dk",
			Attendee: Attendee{Person: Person{Name: "lars nielsen", Email: "lars.nielsen@um.example.dk"}, PartStat: Accepted}},
	},
	{
		name:  "no PARTSTAT is NEEDS-ACTION, no SEQUENCE is 0, no DTSTAMP is zero",
		input: crlf("BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:u1\nATTENDEE:mailto:a@b.example\nEND:VEVENT\nEND:VCALENDAR\n"),
		want:  Reply{UID: "u1", Attendee: Attendee{Person: Person{Email: "a@b.example"}, PartStat: NeedsAction}},
	},

	{name: "a request is not a reply", input: gmailWith("METHOD:REPLY", "METHOD:REQUEST"), err: "not a reply: METHOD is REQUEST"},
	{name: "no METHOD", input: gmailWith("METHOD:REPLY\r\n", ""), err: "not a reply: the calendar has no METHOD"},
	{name: "no UID", input: gmailWith("UID:meeting-2-2012@focalbot.globalr2p.example.org\r\n", ""), err: "the calendar has no UID"},
	{name: "no ATTENDEE", input: gmailWith("ATTENDEE;", "X-ATTENDEE;"), err: "the reply has no ATTENDEE"},
	{name: "no event", input: crlf("BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VTODO\nUID:x\nEND:VTODO\nEND:VCALENDAR\n"), err: "no event"},
	{name: "several ATTENDEEs, none the sender", input: severalReply, sender: "someone@else.example", err: `2 ATTENDEEs and none is the sender "someone@else.example"`},
	{name: "several ATTENDEEs, no sender", input: severalReply, err: "none is the sender"},
	{name: "unknown PARTSTAT", input: gmailWith("PARTSTAT=DECLINED", "PARTSTAT=MAYBE"), err: `PARTSTAT "MAYBE"`},
	{name: "SEQUENCE not a number", input: gmailWith("SEQUENCE:1", "SEQUENCE:one"), err: `SEQUENCE "one" is not a number`},
	{name: "ATTENDEE not an address", input: gmailWith(":mailto:fp.ghana@gmail.com", ":urn:uuid:1234"), err: "not an e-mail address"},
	{name: "empty", input: "", err: "the calendar is empty or cut short"},
	{name: "truncated", input: gmailReply[:len(gmailReply)/2], err: "the calendar is empty or cut short"},
	{name: "garbage", input: "hello, world\r\n", err: `the calendar data is malformed: line 1: "hello, world" has no colon between the property's name and its value`},
	{name: "not a VCALENDAR", input: crlf("BEGIN:VCARD\nFN:x\nEND:VCARD\n"), err: "the calendar data is malformed: line 1: the calendar begins with BEGIN:VCARD, not BEGIN:VCALENDAR"},
	{name: "END does not match BEGIN", input: gmailWith("END:VEVENT", "END:VTODO"), err: "the calendar data is malformed: line 22: END:VTODO closes BEGIN:VEVENT"},
	// go-ical panics on these: a character after a quoted parameter value,
	// and a parameter that runs to the end of the line.
	{name: "junk after a quoted parameter", input: gmailWith("CN=Ghana F\r\n ocal Point;", `CN="Ghana"x;`),
		err: `the calendar data is malformed: line 13: 'x' follows the quoted value of ATTENDEE's parameter CN, where ';', ',' or ':' belongs`},
	{name: "parameter without a value's end", input: crlf("BEGIN:VCALENDAR\nMETHOD:REPLY\nATTENDEE;CN=abc\nEND:VCALENDAR\n"),
		err: "the calendar data is malformed: line 3: ATTENDEE's parameter CN runs to the end of the line: the colon and the property's value are missing"},
	{name: "a folded parameter without a value's end", input: crlf("BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nATTENDEE;CN=\"Ana\",\n \"Bo\"\nEND:VEVENT\nEND:VCALENDAR\n"),
		err: "the calendar data is malformed: line 4: ATTENDEE's parameter CN runs to the end of the line"},
	// go-ical reads parameter values in quadratic time.
	{name: "parameters too long", input: gmailWith("CN=Ghana F\r\n ocal Point;", `CN="`+strings.Repeat("x", 9000)+`";`), err: "parameters are longer than 8192 octets"},
	{name: "larger than 1 MiB", input: gmailWith("LOCATION:New York", "LOCATION:"+strings.Repeat("x", 1<<20)), err: "larger than 1 MiB"},
	{name: "unterminated quote", input: gmailWith("CN=Ghana F\r\n ocal Point;", `CN="Ghana;`), err: "the calendar data is malformed: line 13: the quoted value of ATTENDEE's parameter CN has no closing quote"},
	{name: "a quote inside an unquoted parameter value", input: gmailWith("CN=Ghana F\r\n ocal Point;", `CN=Gh"ana;`), err: "the calendar data is malformed: line 13: the value of ATTENDEE's parameter CN has a quote inside it"},
	{name: "a parameter without '='", input: gmailWith("CN=Ghana F\r\n ocal Point;", `CN;`), err: "the calendar data is malformed: line 13: a parameter of ATTENDEE has no '=' and no value"},
	{name: "a line without a name", input: gmailWith("METHOD:REPLY", ":REPLY"), err: `the calendar data is malformed: line 5: ":REPLY" has no property name before the ':'`},
	{name: "a property before BEGIN:VCALENDAR", input: "METHOD:REPLY\r\n" + gmailReply, err: "the calendar data is malformed: line 1: the calendar begins with METHOD, not BEGIN:VCALENDAR"},
	{name: "what follows END:VCALENDAR is not read", input: gmailReply + "this is no calendar\r\n", sender: "fp.ghana@gmail.com",
		want: Reply{UID: seedUID, Sequence: 1, Stamp: time.Date(2012, 8, 3, 9, 30, 12, 0, time.UTC),
			Attendee: Attendee{Person: Person{Name: "Ghana Focal Point", Email: "fp.ghana@gmail.com"}, PartStat: Declined}}},
}

func TestParseReply(t *testing.T) {
	for _, tt := range replyTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReply(strings.NewReader(tt.input), tt.sender)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Method = MethodReply; got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestReplyRoundTrip encodes a reply as an attendee's calendar would and
// reads it back.
func TestReplyRoundTrip(t *testing.T) {
	ev := seedMeeting(t)
	ev.Sequence = 3
	ev.Attendees = []Attendee{{Person: Person{Name: "Nataša Kovač", Email: "Natasa.Kovac@mvep.example.hr"}, PartStat: Tentative}}
	data := encode(t, MethodReply, ev)
	got, err := ParseReply(bytes.NewReader(data), "natasa.kovac@mvep.example.hr")
	if err != nil {
		t.Fatal(err)
	}
	want := Reply{Method: MethodReply, UID: ev.UID, Sequence: 3, Stamp: ev.Stamp,
		Attendee: Attendee{Person: Person{Name: "Nataša Kovač", Email: "natasa.kovac@mvep.example.hr"}, PartStat: Tentative}}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func FuzzParseReply(f *testing.F) {
	for _, tt := range replyTests {
		if len(tt.input) < 10000 {
			f.Add([]byte(tt.input), tt.sender)
		}
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "*.ics"))
	for _, name := range golden {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data, "fp@um.example.dk")
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, sender string) {
		r, err := ParseReply(bytes.NewReader(data), sender)
		if err != nil {
			if r != (Reply{}) {
				t.Errorf("an error (%v) with a reply: %+v", err, r)
			}
			return
		}
		if r.UID == "" || !r.Attendee.PartStat.valid() || !strings.Contains(r.Attendee.Email, "@") ||
			r.Attendee.Email != strings.ToLower(r.Attendee.Email) || r.Sequence < 0 {
			t.Errorf("accepted an incomplete reply: %+v", r)
		}
	})
}

package bot_test

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// meetingNumbered stores a scheduled meeting with the given number, a month
// after the world's clock.
func meetingNumbered(t *testing.T, s *storage.Store, id int64) model.Meeting {
	t.Helper()
	m := model.Meeting{ID: id, Title: "Third Meeting", Start: start.AddDate(0, 1, 0), End: start.AddDate(0, 1, 0).Add(7 * time.Hour),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
	if err := s.CreateMeeting(context.Background(), model.System, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// expect runs each line and checks that its answer contains want and not
// unwanted (when set).
func (w *world) expect(t *testing.T, as, line, want, unwanted string) string {
	t.Helper()
	r := w.as(as+"@example.org", line)
	if !strings.Contains(r.Text(), want) {
		t.Errorf("%s: %q answered:\n%s\nwant it to contain %q", as, line, r.Text(), want)
	}
	if unwanted != "" && strings.Contains(r.Text(), unwanted) {
		t.Errorf("%s: %q answered:\n%s\nwant it not to contain %q", as, line, r.Text(), unwanted)
	}
	return r.Text()
}

// TestIdentifiersArePlainNumbers: a meeting number of four digits is written as it is typed, in answers and in hints, and the number
// shown is accepted back; quantities keep their digit grouping.
func TestIdentifiersArePlainNumbers(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		meetingNumbered(t, s, 1422)
		w.expect(t, "sec", "invite 1422 Ghana", "Meeting 1422: 1 newly invited", "1,422")
		w.expect(t, "fp", "next", "Answer with rsvp yes|no|maybe 1422.", "1,422")
		w.expect(t, "fp", "meetings", "1422. Third Meeting", "1,422")
		w.expect(t, "sec", "status 1422", "1422. Third Meeting", "1,422")
		w.expect(t, "sec", "meeting change 4711 venue=Geneva", "There is no meeting 4711", "4,711")

	})

	r := bot.TextReply("")
	r.Printf("Meeting %d: %d newly invited.", int64(1422), 1500)
	if got, want := r.Text(), "\nMeeting 1422: 1,500 newly invited."; got != want {
		t.Errorf("Printf = %q, want %q", got, want)
	}
}

// TestQuotationMarkInAValue: a backslash puts a quotation mark in a quoted
// value; a quotation mark left open is refused and changes nothing.
func TestQuotationMarkInAValue(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	w.expect(t, "sec", `update fp@example.org name="O'Brien; \"Jr\""`, `Updated: O'Brien; "Jr"`, "")
	w.refuses(t, "sec", `update fp@example.org name="O'Brien; \"Jr\"`, model.EINVALID, `write \"`)
}

// TestCountsAgreeWithTheirNouns: one of a thing is written in the singular,
// also for a reader whose language has no translation yet.
func TestCountsAgreeWithTheirNouns(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		w.expect(t, "fp", "roster Denmark", "Roster for Denmark: 1 person.", "1 people")
		w.expect(t, "fp", "me set language fr", "Langue : fr", "")
		w.expect(t, "fp", "roster Denmark", "Liste pour Danemark : 1 personne.", "1 personnes")
		w.expect(t, "fp", "roster WEOG", " : 1 personne.", "1 personnes")
		w.expect(t, "sec", "approve pending@example.org", "Approved", "")
		w.expect(t, "sec", "pending", "1 registration waiting for approval", "registrations")
		w.expect(t, "sec", "reject target@example.org", "Rejected", "")
		w.expect(t, "sec", "roster", "Roster: 5 people.", "")
		meetingNumbered(t, s, 1422)
		w.expect(t, "sec", "invite 1422 Ghana", "1 newly invited", "")
		w.expect(t, "sec", "status 1422", "1 message is waiting to be sent.", "messages are")
	})
}

// TestAttendanceNotYetRecorded: before attendance is recorded, it says so,
// with no list left dangling.
func TestAttendanceNotYetRecorded(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	meetingNumbered(t, s, 7)
	text := w.expect(t, "sec", "attendance 7", "7. Third Meeting (scheduled): no attendance recorded yet. Record it with: attendance 7 <country>", "")
	if strings.Contains(text, "—") {
		t.Errorf("a dangling dash: %s", text)
	}
}

// TestAttendanceSaysWhatAListDrops: a new list replaces the one before,
// and the answer names the countries it no longer counts, with how to add
// one instead; a list that drops none says nothing of it.
func TestAttendanceSaysWhatAListDrops(t *testing.T) {
	after := clock.Fixed(start.AddDate(0, 2, 0)) // meetingNumbered's meeting is a month after start
	s := storetest.Open(t, t.TempDir()+"/f.db", after)
	w := newWorld(t, s)
	meetingNumbered(t, s, 7)
	w.engine = bot.New(s, after, slog.New(slog.DiscardHandler), time.UTC)
	w.expect(t, "sec", "attendance 7 Ghana, Denmark, Peru", "3 countries came — Denmark, Ghana, Peru", "replaces")
	w.expect(t, "sec", "attendance 7 Ghana, Denmark, Peru, Chile", "4 countries came", "replaces")
	w.expect(t, "sec", "attendance 7 Chile",
		"1 country came — Chile\nThis list replaces the one recorded before: 3 countries are no longer recorded as having come (Denmark, Ghana, Peru). To add a country, give the whole list: attendance 7 <country>", "")
	w.expect(t, "sec", "attendance 7", "1 country came — Chile", "replaces")
	w.expect(t, "sec", "audit", `attendance recorded meeting 7  countries that came: "Chile, Denmark, Ghana, Peru" → "Chile"`, "")
}

// TestAnswersInWords: yes and no rather than true and false, and an audit
// log with field labels, countries by name and times in the secretariat's
// zone, never Go field names or raw timestamps.
func TestAnswersInWords(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	meetingNumbered(t, s, 3)
	w.expect(t, "sec", "meeting change 3 public=yes", "in the public feed: yes;", "true")
	w.expect(t, "sec", `series create name="Annual meeting" rule="FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA" start="2013-09-28 10:00" duration=7h tz=America/New_York venue="New York"`, "Series 1 created", "")
	w.expect(t, "sec", "series", "planning on: yes", "true")
	w.expect(t, "sec", "series stop 1", "planning on: no.", "false")
	w.expect(t, "sec", "update alt@example.org tz=Europe/Copenhagen appointed=2010-05-12 ministry=\"Ministry of Foreign Affairs\" country=Ghana", "Updated", "")
	w.expect(t, "sec", `meeting change 3 start="2012-09-02 10:00"`, "changed", "")

	nyc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	e := bot.New(s, clock.Fixed(start), slog.New(slog.DiscardHandler), nyc)
	audit := e.Handle(context.Background(), bot.Caller{Email: "sec@example.org"}, "audit").Text()
	for _, want := range []string{`time zone: "" → "Europe/Copenhagen"`, `appointed: "" → "12 May 2010"`,
		`ministry: "" → "Ministry of Foreign Affairs"`, `country: "Denmark" → "Ghana"`, `in the public feed: "no" → "yes"`,
		`start: "Sat 1 Sep 2012, 09:00 EDT" → "Sun 2 Sep 2012, 10:00 EDT"`, `planning on: "yes" → "no"`, `duration: "" → "7 hours"`,
		`planned ahead: "" → "120 days"`, `invitees: "" → "every active focal point and alternate"`,
		"Ruth Adler <sec@example.org>  meeting changed meeting 3", "system  person added Anders Holm (#3)", "series created series 1"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log does not say %q:\n%s", want, audit)
		}
	}
	if raw := regexp.MustCompile(`\d{4}-\d\d-\d\d|TimeZone|AppointedOn|Organisation|Public|PlanAhead|true|false|map\[|person:|meeting:|series:|\w\.(create|update)|\d+[dhm]\b`).FindString(audit); raw != "" {
		t.Errorf("the audit log shows %q:\n%s", raw, audit)
	}
}

// TestAuditVersions: a meeting moved says its version went from 0 to 1,
// and each invitation it asked to answer again says which version its
// answer is now for, rather than an empty "invitation updated".
func TestAuditVersions(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	meetingNumbered(t, s, 1)
	w.expect(t, "sec", "invite 1 all", "2 newly invited", "")
	w.expect(t, "fp", "rsvp yes 1", "your answer is coming", "")
	w.expect(t, "sec", `meeting change 1 start="2012-09-02 10:00"`, "changed", "")
	audit := w.expect(t, "sec", "audit", `meeting changed meeting 1  end:`, "")
	for _, want := range []string{`version: "0" → "1"`,
		`invitation updated meeting 1, invitee Kwame Boateng  answer: "coming" → "no answer yet"; answered: "Wed 1 Aug 2012, 09:00 EDT" → ""; version of the answer: "0" → "1"`,
		`invitation updated meeting 1, invitee Anders Holm  version of the answer: "0" → "1"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log does not say %q:\n%s", want, audit)
		}
	}
}

// TestStatusByShownNames: status lists invitees by the country names it
// shows, and a guest's country is not counted as a country coming.
func TestStatusByShownNames(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	swiss := model.Person{Name: "Beat Keller", Email: "ch@example.org", Country: "CH", Role: model.RoleFocalPoint, Status: model.StatusActive}
	if err := s.CreatePerson(context.Background(), model.System, &swiss); err != nil {
		t.Fatal(err)
	}
	meetingNumbered(t, s, 1)
	w.expect(t, "sec", "invite 1 all", "3 newly invited", "")
	w.expect(t, "sec", `invite 1 guest amb@br.example.org name="Amb. Maria Silva" country=Brazil`, "1 newly invited", "")
	if r := w.engine.Handle(context.Background(), bot.Caller{Email: "amb@br.example.org"}, "rsvp yes 1"); !strings.Contains(r.Text(), "your answer is coming") {
		t.Fatalf("the guest's answer: %s", r.Text())
	}
	w.expect(t, "sec", "status 1", "no answer yet: Anders Holm (Denmark), Kwame Boateng (Ghana), Beat Keller (Switzerland)", "")
	w.expect(t, "sec", "status 1", "Countries coming: 0", "Latin American")
	w.expect(t, "fp", "rsvp yes 1", "your answer is coming", "")
	w.expect(t, "sec", "status 1", "Countries coming: 1", "Latin American")
}

// TestHelpForACommandGroup: help on the first word of several commands lists
// them, and that word alone says which words may follow.
func TestHelpForACommandGroup(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	text := w.expect(t, "sec", "help meeting", "Commands that begin with meeting:", "Did you mean")
	for _, sub := range []string{"meeting create", "meeting change", "meeting schedule", "meeting cancel"} {
		if !strings.Contains(text, "• "+sub) {
			t.Errorf("help meeting does not list %s:\n%s", sub, text)
		}
	}
	w.expect(t, "sec", "help series", "series create", "")
	w.expect(t, "fp", "help meeting", "(This command is not open to you.)", "meeting create")
	w.refuses(t, "sec", "meeting", model.EINVALID, `"meeting" needs one more word: meeting create, meeting change`)
	w.refuses(t, "sec", "help meating", model.EINVALID, "Did you mean meeting?")
}

// TestInviteSuggestsACountry: a misspelt country in invite gets the same
// "Did you mean" as the country command, and nobody is invited.
func TestInviteSuggestsACountry(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	meetingNumbered(t, s, 1)
	w.expect(t, "sec", "country Gana", "Did you mean Ghana", "")
	w.refuses(t, "sec", "invite 1 Gana", model.ENOTFOUND, "Did you mean Ghana")
	w.refuses(t, "sec", "invite 1 Denmark, Gana", model.ENOTFOUND, "Did you mean Ghana")
	w.refuses(t, "sec", "invite 1 Narnia", model.ENOTFOUND, `"Narnia" is neither a country, a regional group nor someone on the roster.`)
}

// TestNextForTheSecretariat: the secretariat's next is the next meeting it
// organises, draft or scheduled; others still see the ones they are invited to.
func TestNextForTheSecretariat(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	w.refuses(t, "sec", "next", model.ENOTFOUND, "No meeting is coming")
	meetingNumbered(t, s, 1422)
	w.expect(t, "sec", "next", "1422. Third Meeting (scheduled)", "not invited")
	w.expect(t, "sec", "next", "You organise it: see who answered with status 1422.", "")
	w.refuses(t, "fp", "next", model.ENOTFOUND, "not invited to any coming meeting")
}

// TestAuditLineWithoutChanges: an entry with no field to show (a feed's
// address renewed) ends with its subject, with no gap after it.
func TestAuditLineWithoutChanges(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	fp, err := s.PersonByEmail(context.Background(), "fp@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FeedToken(context.Background(), model.System, fp.ID, true); err != nil {
		t.Fatal(err)
	}
	audit := w.expect(t, "sec", "audit", "calendar feed address renewed Kwame Boateng (#2)\n", "")
	for line := range strings.Lines(audit) {
		if strings.HasSuffix(strings.TrimSuffix(line, "\n"), " ") {
			t.Errorf("an audit line ends in a space: %q", line)
		}
	}
}

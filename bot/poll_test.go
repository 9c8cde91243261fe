package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// addFocalPoints puts an active focal point of each country on the roster,
// reachable as <code>@example.org, e.g. jp@example.org.
func addFocalPoints(t *testing.T, s *storage.Store, zones map[string]string) {
	t.Helper()
	for code, zone := range zones {
		c, _ := model.CountryByCode(code)
		p := model.Person{Name: "Focal Point of " + c.Name, Email: strings.ToLower(code) + "@example.org", Country: code,
			Role: model.RoleFocalPoint, Status: model.StatusActive, TimeZone: zone}
		if err := s.CreatePerson(context.Background(), model.System, &p); err != nil {
			t.Fatal(err)
		}
	}
}

const pollMeeting = `meeting create title="Third Meeting of the Global Network" start="2013-09-23 10:00" end=17:00 tz=America/New_York venue="New York" hosts="Ghana, Denmark"`

// TestPollWorkflow puts three slots to focal points of six countries,
// closes the poll, checks that the ranking follows the rule, and picks the
// winner: the meeting moves, with a new sequence and an update per invitee.
func TestPollWorkflow(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		addFocalPoints(t, s, map[string]string{"JP": "Asia/Tokyo", "PL": "", "BR": "", "AU": ""})
		steps := []struct{ as, line, want string }{
			{"sec", pollMeeting, "Meeting 1 created"},
			{"sec", "invite 1 all", "6 newly invited"},
			{"sec", `poll create 1 deadline="2013-06-14 17:00" slots="2013-09-27 10:00-17:00, 2013-09-23 10:00-17:00, 2013-09-24 10:00 - 17:00"`,
				"Poll 1 created: Third Meeting of the Global Network, 3 slots."},
			{"fp", "poll", "1. Third Meeting of the Global Network — answers until Fri 14 Jun 2013, 17:00 EDT (New York time)"},
			{"fp", "poll 1", "  1. Mon 23 Sep 2013, 10:00–17:00 EDT (New York time)\n  2. Tue 24 Sep 2013"},
			{"fp", "poll 1", "Host countries, whose presence is required: Denmark, Ghana"},
			{"fp", "poll 1", "You have not answered yet"},
			{"jp", "poll 1", "your time: Mon 23 Sep 2013, 23:00 JST – Tue 24 Sep 2013, 06:00 JST (Asia/Tokyo)"},
			{"fp", "poll answer 1 1,2", "the slots you can attend are now: 1, 2."},
			{"alt", "poll answer 1 none", "you can attend none of the slots."},
			{"alt", "poll answer 1 2", "are now: 2."}, // replaces "none"
			{"jp", "poll answer 1 1", "are now: 1."},
			{"pl", "poll answer 1 1", "are now: 1."},
			{"br", "poll answer 1 1 3", "are now: 1, 3."},
			{"au", "poll answer 1 3", "are now: 3."},
			{"fp", "poll 1", "Your answer — the slots you can attend: 1, 2.\nChange it with: poll answer 1"},
			{"alt", "poll 1", "Answers: 6 (countries: 6)."},
			{"sec", "poll close 1", "Poll 1 is closed. Answers: 6 (countries: 6)."},
			{"fp", "poll answer 1 3", "no longer takes answers"},
			{"fp", "poll", "No polls are open."},
			{"fp", "poll 1", "Your answer — the slots you can attend: 1, 2.\nAnswers"},
			{"obs", "poll 1", "Closed: it takes no more answers."},
			{"sec", "poll pick 1 2", "Poll 1: slot 2 picked for meeting 1.\nMeeting 1 changed (version 1); every invitee is sent an update."},
			{"fp", "next", "Tue 24 Sep 2013, 10:00–17:00 EDT (New York time)"},
		}
		var ranking string
		for _, st := range steps {
			r := w.as(st.as+"@example.org", st.line)
			if !strings.Contains(r.Text(), st.want) {
				t.Fatalf("%s: %q answered:\n%s\nwant it to contain %q", st.as, st.line, r.Text(), st.want)
			}
			if st.line == "poll close 1" {
				ranking = r.Text()
			}
		}

		// Slot 2 is the only one both hosts can attend; slot 1 has more
		// regional groups (African, Asia-Pacific, Eastern European, Latin
		// American) than slot 3 (Latin American, Western European).
		wantRanking := []string{
			"  1. Slot 2, Tue 24 Sep 2013, 10:00–17:00 EDT (New York time) — can attend: 2, countries: 2, regional groups: 2 of 5",
			"  2. Slot 1, Mon 23 Sep 2013, 10:00–17:00 EDT (New York time) — can attend: 4, countries: 4, regional groups: 4 of 5",
			"     Missing hosts: Denmark",
			"  3. Slot 3, Fri 27 Sep 2013, 10:00–17:00 EDT (New York time) — can attend: 2, countries: 2, regional groups: 2 of 5",
			"     Missing hosts: Denmark, Ghana",
			"Pick a slot with: poll pick 1 <slot number>.",
		}
		if !strings.Contains(ranking, strings.Join(wantRanking, "\n")) {
			t.Errorf("ranking:\n%s\nwant:\n%s", ranking, strings.Join(wantRanking, "\n"))
		}

		m, err := s.Meeting(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2013, 9, 24, 14, 0, 0, 0, time.UTC); !m.Start.Equal(want) || !m.End.Equal(want.Add(7*time.Hour)) || m.Sequence != 1 {
			t.Errorf("picked meeting: %s–%s, sequence %d; want %s, sequence 1", m.Start, m.End, m.Sequence, want)
		}
		items, err := s.Outbox(context.Background(), model.OutboxFilter{MeetingID: 1})
		if err != nil {
			t.Fatal(err)
		}
		updates := 0
		for _, it := range items {
			if strings.HasSuffix(it.Key, "seq:1") {
				updates++
			}
		}
		if updates != 6 {
			t.Errorf("%d updates queued for sequence 1, want one per invitee (6)", updates)
		}
	})
}

// TestPollBadInputChangesNothing sends mistakes and checks that the answer
// says what to fix and that nothing changed.
func TestPollBadInputChangesNothing(t *testing.T) {
	cases := []struct {
		name, as, line, code, says string
	}{
		{"one slot is too few", "sec", `poll create 1 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00"`, model.EINVALID, "2 to 6 slots, not 1"},
		{"seven slots are too many", "sec", `poll create 1 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00, ` +
			`2013-09-25 10:00-17:00, 2013-09-26 10:00-17:00, 2013-09-27 10:00-17:00, 2013-09-28 10:00-17:00, 2013-09-29 10:00-17:00"`,
			model.EINVALID, "2 to 6 slots, not 7"},
		{"a slot ending before it starts", "sec", `poll create 1 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-09:00, 2013-09-24 10:00-17:00"`,
			model.EINVALID, "must end after it starts"},
		{"a deadline in the past", "sec", `poll create 1 deadline="2012-07-31 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`,
			model.EINVALID, "deadline has passed"},
		{"a deadline after the first slot", "sec", `poll create 1 deadline="2013-09-23 12:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`,
			model.EINVALID, "before the first slot"},
		{"a slot that is not a time", "sec", `poll create 1 deadline="2013-06-14 17:00" slots="next Monday, 2013-09-24 10:00-17:00"`,
			model.EINVALID, "YYYY-MM-DD HH:MM-HH:MM"},
		{"slot= repeated keeps one value, so it is refused with the syntax", "sec",
			`poll create 1 deadline="2013-06-14 17:00" slot="2013-09-23 10:00-17:00" slot="2013-09-24 10:00-17:00"`, model.EINVALID, "Usage"},
		{"an unknown option", "sec", `poll create 1 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00" colour=blue`,
			model.EINVALID, "separated by commas"},
		{"an unknown meeting", "sec", `poll create 9 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`,
			model.ENOTFOUND, "no meeting 9"},
		{"an unknown slot number", "fp", "poll answer 1 4", model.EINVALID, "from 1 to 2"},
		{"a slot number that is not a number", "fp", "poll answer 1 Monday", model.EINVALID, "or none"},
		{"answering a closed poll", "fp", "poll answer 2 1", model.ECONFLICT, "no longer takes answers"},
		{"an observer does not answer", "obs", "poll answer 1 1", model.EFORBIDDEN, "focal points and alternates"},
		{"an unknown poll", "fp", "poll 9", model.ENOTFOUND, "no poll 9"},
		{"closing a closed poll", "sec", "poll close 2", model.ECONFLICT, "closed already"},
		{"picking from an open poll", "sec", "poll pick 1 1", model.ECONFLICT, "poll close 1"},
		{"picking a slot the poll does not have", "sec", "poll pick 2 3", model.EINVALID, "from 1 to 2"},
		{"picking for a poll without a meeting says to create one", "sec", "poll pick 2 1", model.ECONFLICT,
			`meeting create title="Global Network of R2P Focal Points" start="2013-09-23 10:00" end="2013-09-23 17:00" tz=UTC`},
	}
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, line := range []string{
			pollMeeting,
			`poll create 1 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`,
			`poll create 0 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`,
			"poll close 2",
		} {
			if r := w.as("sec@example.org", line); r.Code != "" {
				t.Fatalf("%q: %s", line, r.Text())
			}
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { w.refuses(t, c.as, c.line, c.code, c.says) })
		}
	})
}

// TestPollPickSaysWhoIsTold: picking a slot for a meeting nobody is
// invited to yet moves it as meeting change does, and says nobody is told.
func TestPollPickSaysWhoIsTold(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/p.db", clock.Fixed(start))
	w := newWorld(t, s)
	w.as("sec@example.org", pollMeeting)
	w.as("sec@example.org", `poll create 1 deadline="2013-06-14 17:00" slots="2013-09-27 10:00-17:00, 2013-09-23 10:00-17:00"`)
	w.as("sec@example.org", "poll close 1")
	got := w.as("sec@example.org", "poll pick 1 2").Text() // the slots are in time order: 2 is the 27th
	if want := "Poll 1: slot 2 picked for meeting 1.\nMeeting 1 changed (version 1); nobody has been sent an invitation to it yet, so nobody is told."; !strings.HasPrefix(got, want) {
		t.Errorf("poll pick:\n%s\nwant %q", got, want)
	}
}

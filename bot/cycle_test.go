package bot_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/scheduler"
	"focalbot/storage"
)

// TestAbsurdYearsAreRefused: a year before 1900 or after 2199 is a typing
// mistake. It gets an answer that says so — not a panic in the recurrence
// library — and changes nothing, for a series, a meeting and a poll alike.
func TestAbsurdYearsAreRefused(t *testing.T) {
	cases := []struct{ name, line string }{
		{"a series in year 0", `series create name="Annual" rule=unga start="0000-09-29 10:00" duration=7h venue="New York"`},
		{"a series in 1899", `series create name="Annual" rule=yearly start="1899-09-29 10:00" duration=7h venue="New York"`},
		{"a series in 9999", `series create name="Annual" rule=unga start="9999-09-29 10:00" duration=7h venue="New York"`},
		{"a meeting in year 12", `meeting create title="M" start="0012-09-29 10:00" venue=NY`},
		{"a meeting ending in 2200", `meeting create title="M" start="2199-12-31 23:00" end="2200-01-01 01:00" venue=NY`},
		{"a poll slot in year 0", `poll create 0 deadline="2012-09-01 17:00" slots="0000-09-23 10:00-17:00, 2012-09-24 10:00-17:00"`},
		{"a poll deadline in year 0", `poll create 0 deadline="0000-09-01 17:00" slots="2012-09-23 10:00-17:00, 2012-09-24 10:00-17:00"`},
	}
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w.refuses(t, "sec", c.line, model.EINVALID, "is out of range: give a date from 1900 to 2199")
			})
		}
		if strings.Contains(w.logs.String(), "panic") {
			t.Errorf("the engine recovered from a panic:\n%s", w.logs)
		}
	})
}

// TestNoInvitationsToThePast: by the bot's clock (1 August 2012, not the
// wall clock), a meeting that has ended cannot be created, scheduled or
// invited to; the answer says why, and nothing changes.
func TestNoInvitationsToThePast(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		w.refuses(t, "sec", `meeting create title="Second Meeting" start="2012-07-31 10:00" end=17:00 tz=America/New_York venue="New York"`,
			model.EINVALID, "That meeting would have ended on Tue 31 Jul 2012 17:00 EDT, which has passed")
		w.refuses(t, "sec", `meeting create title="Second Meeting" start="2012-07-31 10:00" venue="New York" draft=yes`,
			model.EINVALID, "which has passed")
		for _, st := range []model.MeetingStatus{model.MeetingScheduled, model.MeetingDraft} {
			m := model.Meeting{Title: "Past " + string(st), Start: start.Add(-48 * time.Hour), End: start.Add(-40 * time.Hour),
				TimeZone: "America/New_York", Venue: "New York", Status: st}
			if err := s.CreateMeeting(context.Background(), model.System, &m); err != nil {
				t.Fatal(err)
			}
			n := strconv.FormatInt(m.ID, 10)
			w.refuses(t, "sec", "invite "+n+" all", model.ECONFLICT, "ended on Mon 30 Jul 2012 17:00 EDT: nobody can be invited to it any more")
			w.refuses(t, "sec", "invite "+n+` guest amb@br.example.org name="Amb. Maria Silva"`, model.ECONFLICT, "nobody can be invited")
			if st == model.MeetingDraft {
				w.refuses(t, "sec", "meeting schedule "+n, model.ECONFLICT, "ended on Mon 30 Jul 2012 17:00 EDT: it can no longer be announced")
			}
			if items, _ := s.Outbox(context.Background(), model.OutboxFilter{MeetingID: m.ID}); len(items) != 0 {
				t.Errorf("meeting %s: %d messages queued", n, len(items))
			}
		}
		// A meeting under way still takes invitations.
		if r := w.as("sec@example.org", `meeting create title="Today" start="2012-08-01 08:00" end=18:00 tz=America/New_York venue="New York"`); r.Code != "" {
			t.Fatalf("a meeting under way was refused: %s", r.Text())
		}
	})
}

// TestConfirmingASeriesDraftInvitesItsInvitees: a series keeps its default
// invitees (everyone, a regional group or countries); confirming a draft it
// planned invites the active focal points and alternates they name, sends
// their invitations, and says how many.
func TestConfirmingASeriesDraftInvitesItsInvitees(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, c := range []struct{ invitees, says string }{
			{"", "invites every active focal point and alternate"},
			{" invitees=all", "invites every active focal point and alternate"},
			{" invitees=african", "invites the active focal points and alternates of the African group"},
			{` invitees="Denmark, Ghana"`, "invites the active focal points and alternates of Denmark, Ghana"},
		} {
			r := w.as("sec@example.org", `series create name="Annual meeting" rule=unga start="2012-09-29 10:00" duration=7h venue="New York"`+c.invitees)
			if r.Code != "" || !strings.Contains(r.Text(), c.says) {
				t.Fatalf("series create%s: %s", c.invitees, r.Text())
			}
		}
		w.refuses(t, "sec", `series create name="A" rule=unga start="2012-09-29 10:00" duration=7h venue="New York" invitees=Narnia`, model.ENOTFOUND, "Narnia")
		w.refuses(t, "sec", `series create name="A" rule=unga start="2012-09-29 10:00" duration=7h venue="New York" invitees=","`, model.EINVALID, "invitees=all")

		pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
		sc := &scheduler.Scheduler{Store: s, Clock: clock.Fixed(start), Log: slog.New(slog.DiscardHandler), Planner: pl, Zone: time.UTC}
		if err := sc.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		drafts, _ := s.Meetings(context.Background(), model.MeetingFilter{Statuses: []model.MeetingStatus{model.MeetingDraft}})
		if len(drafts) != 4 {
			t.Fatalf("%d drafts planned, want one per series", len(drafts))
		}
		// Active: Kwame (Ghana, focal point) and Anders (Denmark, alternate).
		for i, want := range []struct {
			invited   int
			countries string
		}{{2, "DK GH"}, {2, "DK GH"}, {1, "GH"}, {2, "DK GH"}} {
			m := drafts[i]
			n := strconv.FormatInt(m.ID, 10)
			r := w.as("sec@example.org", "meeting schedule "+n)
			if says := "Invitations on their way: " + strconv.Itoa(want.invited) + "."; r.Code != "" || !strings.Contains(r.Text(), says) ||
				!strings.Contains(r.Text(), "Invited as its series asks: "+strconv.Itoa(want.invited)+" new.") {
				t.Errorf("meeting schedule %s (series %d): %s; want it to say %q", n, m.SeriesID, r.Text(), says)
			}
			if r := w.as("sec@example.org", "status "+n); !strings.Contains(r.Text(), "Invited: "+strconv.Itoa(want.invited)+" ") {
				t.Errorf("status %s: %s", n, r.Text())
			}
			invs, _ := s.Invitations(context.Background(), m.ID)
			var countries []string
			for _, inv := range invs {
				countries = append(countries, inv.Country)
			}
			requests, _ := s.OutboxCounts(context.Background(), model.OutboxFilter{MeetingID: m.ID, Statuses: []model.OutboxStatus{model.OutboxPending}})
			if strings.Join(countries, " ") != want.countries || requests[model.OutboxPending] != want.invited {
				t.Errorf("meeting %s: invited %v with %d invitations queued, want %s", n, countries, requests[model.OutboxPending], want.countries)
			}
		}
	})
}

// TestSeriesStartTheRuleDoesNotTake: a series whose start= falls on a day
// its rule does not take says where its first meeting goes; one that falls
// on such a day says nothing of it.
func TestSeriesStartTheRuleDoesNotTake(t *testing.T) {
	w := newWorld(t, storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start)))
	moved := w.as("sec@example.org", `series create name="Annual" rule=unga start="2012-09-24 10:00" duration=7h venue="New York"`).Text()
	if !strings.Contains(moved, "The rule does not take 24 Sep 2012, the day start= gives: the first meeting of the series is on 29 Sep 2012.") {
		t.Errorf("a start on a Monday, rule=unga:\n%s", moved)
	}
	if kept := w.as("sec@example.org", `series create name="Annual" rule=unga start="2012-09-29 10:00" duration=7h venue="New York"`).Text(); strings.Contains(kept, "does not take") {
		t.Errorf("a start on the rule's day:\n%s", kept)
	}
}

package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"focalbot/bot"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestSeedMeeting schedules the second network meeting, invites focal points
// and a guest, moves it once, and follows the answers; the outbox holds one
// invitation and one update per invitee, and nothing twice.
func TestSeedMeeting(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		steps := []struct{ as, line, want string }{
			{"sec", `meeting create title="Second Meeting of the Global Network of R2P Focal Points" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York" hosts="Australia, Costa Rica, Denmark, Ghana"`,
				"Meeting 1 created"},
			{"sec", "invite 1 all", "Meeting 1: 2 newly invited, 0 invited already."},
			{"sec", "invite 1 all", "Meeting 1: 0 newly invited, 2 invited already."},
			{"sec", `invite 1 guest amb@br.example.org name="Amb. Maria Silva" country=Brazil`, "1 newly invited"},
			{"fp", "next", "Sat 29 Sep 2012, 10:00–17:00 EDT (New York time)"},
			{"sec", `meeting change 1 start="2012-09-29 11:00"`, "version 1"},
			{"fp", "next", "11:00–18:00 EDT"},
			{"fp", "rsvp yes", "your answer is coming"},
			{"alt", "rsvp maybe 1", "maybe"},
			{"sec", "status 1", "Invited: 3 — coming: 1, maybe: 1, not coming: 0, no answer yet: 1"},
			{"sec", "status 1", "African: 1 of 54 — Ghana"},
			{"sec", "status 1", "no answer yet: Amb. Maria Silva (Brazil)"},
			{"alt", "rsvp 1 maybe", "your answer is maybe, for Second Meeting"}, // the meeting first, as meant
			{"obs", "rsvp yes", "not invited to any coming meeting"},
			{"sec", "meeting change 1 venue=Geneva tz=Europe/Zurich", "version 2"},
			{"fp", "meetings", "Sat 29 Sep 2012, 11:00–18:00 CEST (Zurich time)"},
		}
		for _, st := range steps {
			r := w.as(st.as+"@example.org", st.line)
			if !strings.Contains(r.Text(), st.want) {
				t.Fatalf("%s: %q answered:\n%s\nwant it to contain %q", st.as, st.line, r.Text(), st.want)
			}
		}
		items, err := s.Outbox(context.Background(), model.OutboxFilter{MeetingID: 1})
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]int{}
		bySeq := map[string]int{}
		for _, it := range items {
			keys[it.Key]++
			bySeq[it.Key[strings.LastIndex(it.Key, "/")+1:]]++
		}
		for k, n := range keys {
			if n != 1 {
				t.Errorf("%s queued %d times", k, n)
			}
		}
		if want := map[string]int{"seq:0": 3, "seq:1": 3, "seq:2": 3}; fmt.Sprint(bySeq) != fmt.Sprint(want) {
			t.Errorf("outbox by sequence = %v, want %v", bySeq, want)
		}
		// Cancelling tells everyone; an answer to a cancelled meeting is refused.
		if r := w.as("sec@example.org", "meeting cancel 1"); r.Text() != "Meeting 1, Second Meeting of the Global Network of R2P Focal Points, is cancelled; every invitee is told." {
			t.Fatalf("cancel: %s", r.Text())
		}
		if r := w.as("fp@example.org", "rsvp no 1"); r.Code != model.ECONFLICT {
			t.Errorf("rsvp to a cancelled meeting: %s", r.Text())
		}
		cancels, _ := s.Outbox(context.Background(), model.OutboxFilter{MeetingID: 1})
		n := 0
		for _, it := range cancels {
			if it.Kind == "cancel" && strings.HasSuffix(it.Key, "seq:3") {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d cancellations queued, want 3", n)
		}
	})
}

func TestMeetingBadInput(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		w.as("sec@example.org", `meeting create title="M" start="2012-09-29 10:00" venue=NY`)
		for _, c := range []struct{ line, code, says string }{
			{`meeting create title="M" start="29/09/2012 10:00" venue=NY`, model.EINVALID, "YYYY-MM-DD HH:MM"},
			{`meeting create title="M" start="2012-09-29 10:00" end=09:00 venue=NY`, model.EINVALID, "end after it starts"},
			{`meeting create title="M" start="2012-09-29 10:00" tz=Mars/Base venue=NY`, model.EINVALID, "IANA"},
			{`meeting create title="M" start="2012-09-29 10:00"`, model.EINVALID, "venue="},
			{`meeting create title="M" start="2012-09-29 10:00" venue=NY hosts="Atlantis"`, model.ENOTFOUND, "Atlantis"},
			{`meeting change 9 venue=Geneva`, model.ENOTFOUND, "no meeting 9"},
			{`meeting change one venue=Geneva`, model.EINVALID, "not a meeting number"},
			{`meeting change 1 colour=blue`, model.EINVALID, "Unknown meeting field"},
			{`invite 1 Narnia`, model.ENOTFOUND, "Narnia"},
			{`invite 1 guest not-an-address name=X`, model.EINVALID, "e-mail address"},
			{`invite 1 Peru`, model.ENOTFOUND, "no active focal point"},
			{`meeting change 1 duration=2dx`, model.EINVALID, `"2dx" is not a duration`},
			{`meeting change 1 duration=0h`, model.EINVALID, `"0h" is not a duration`},
			{`meeting change 1 duration=15d`, model.EINVALID, "more than 14 days"},
		} {
			w.refuses(t, "sec", c.line, c.code, c.says)
		}
		if r := w.as("fp@example.org", "rsvp perhaps not"); r.Code != model.EINVALID {
			t.Errorf("rsvp perhaps not: %s", r.Text())
		}
	})
}

// A meeting's duration is written as a series' is, days included.
func TestMeetingDurationInDays(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/d.db", clock.Fixed(start))
	w := newWorld(t, s)
	r := w.as("sec@example.org", `meeting create title="Retreat" start="2012-09-29 10:00" duration=2d tz=America/New_York venue=NY`)
	if r.Code != "" || !strings.Contains(r.Text(), "Mon 1 Oct 2012, 10:00") {
		t.Fatalf("duration=2d: %s", r.Text())
	}
	if r := w.as("sec@example.org", "meeting change 1 duration=1d6h"); r.Code != "" || !strings.Contains(r.Text(), "Sun 30 Sep 2012, 16:00") {
		t.Errorf("duration=1d6h: %s", r.Text())
	}
}

func TestFeedLink(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	if r := w.as("fp@example.org", "feed"); r.Code != model.ECONFLICT || !strings.Contains(r.Text(), "FOCALBOT_PUBLIC_URL") {
		t.Errorf("feed without a public URL: %s", r.Text())
	}
	e := bot.New(s, clock.Fixed(start), slog.New(slog.DiscardHandler), time.UTC, bot.WithFeeds("https://focalbot.example.org/"))
	ask := func(line string) string {
		return e.Handle(context.Background(), bot.Caller{Email: "fp@example.org"}, line).Text()
	}
	first := ask("feed")
	if !strings.Contains(first, "https://focalbot.example.org/feeds/") || !strings.Contains(first, "/feeds/network.ics") {
		t.Fatalf("feed: %s", first)
	}
	if again := ask("feed"); again != first {
		t.Errorf("the link changed without reset:\n%s\n%s", first, again)
	}
	if reset := ask("feed reset"); reset == first || !strings.Contains(reset, "no longer works") {
		t.Errorf("feed reset: %s", reset)
	}
}

// TestStatusAloneIsTheNextMeeting: status without a meeting is the next
// one the secretariat organises, as next and rsvp take it; with none to
// come it says so.
func TestStatusAloneIsTheNextMeeting(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/s.db", clock.Fixed(start))
	w := newWorld(t, s)
	if r := w.as("sec@example.org", "status"); r.Code != model.ENOTFOUND || !strings.Contains(r.Text(), "meeting create") {
		t.Errorf("status with no meeting to come: %s %s", r.Code, r.Text())
	}
	w.as("sec@example.org", `meeting create title="Later" start="2012-10-29 10:00" venue=NY`)
	w.as("sec@example.org", `meeting create title="Sooner" start="2012-09-29 10:00" venue=NY`)
	w.as("sec@example.org", "invite 2 Ghana")
	alone, numbered := w.as("sec@example.org", "status").Text(), w.as("sec@example.org", "status 2").Text()
	if alone != numbered || !strings.Contains(alone, "2. Sooner") {
		t.Errorf("status:\n%s\nstatus 2:\n%s", alone, numbered)
	}
}

// TestCancelSaysWhoIsTold: a meeting nobody was sent an invitation to (a
// draft, or one with no invitee) is changed or cancelled without saying
// that invitees are told.
func TestCancelSaysWhoIsTold(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/c.db", clock.Fixed(start))
	w := newWorld(t, s)
	w.as("sec@example.org", `meeting create title="Alone" start="2012-09-29 10:00" venue=NY`)
	w.as("sec@example.org", `meeting create title="Draft" start="2012-10-29 10:00" venue=NY draft=yes`)
	w.as("sec@example.org", "invite 2 Ghana")
	w.as("sec@example.org", `meeting create title="Invited" start="2012-11-29 10:00" venue=NY`)
	w.as("sec@example.org", "invite 3 Ghana")
	for _, c := range []struct{ line, want string }{
		{"meeting change 1 venue=Geneva", "Meeting 1 changed (version 1); nobody has been sent an invitation to it yet, so nobody is told.\n"},
		{"meeting change 3 venue=Geneva", "Meeting 3 changed (version 1); every invitee is sent an update.\n"},
		{"meeting cancel 1", "Meeting 1, Alone, is cancelled; nobody had been sent an invitation to it, so nobody is told."},
		{"meeting cancel 2", "Meeting 2, Draft, is cancelled; nobody had been sent an invitation to it, so nobody is told."},
	} {
		if got := w.as("sec@example.org", c.line).Text(); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want %q", c.line, got, c.want)
		}
	}
}

package bot_test

import (
	"strings"
	"testing"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestDelegationAndAnswersForOthers: a focal point sends a colleague, whose
// answer counts for the country; the secretariat records an answer given by
// telephone; status counts countries first, then people; and every kind of
// bad input is refused and changes nothing.
func TestDelegationAndAnswersForOthers(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, st := range []struct{ as, line, want string }{
			{"sec", `meeting create title="Second Meeting" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"`, "Meeting 1 created"},
			{"sec", "invite 1 all", "2 newly invited"},
		} {
			if r := w.as(st.as+"@example.org", st.line); !strings.Contains(r.Text(), st.want) {
				t.Fatalf("%q answered %s", st.line, r.Text())
			}
		}
		w.refuses(t, "fp", "delegate 1 ama@mfa.gh.example.org", model.EINVALID, "name=")
		w.refuses(t, "fp", `delegate 1 not-an-address name="Ama Owusu"`, model.EINVALID, "")
		w.refuses(t, "fp", `delegate 1 fp@example.org name="Me"`, model.EINVALID, "yourself")
		w.refuses(t, "obs", `delegate 1 ama@mfa.gh.example.org name="Ama Owusu"`, model.ENOTFOUND, "not invited")
		w.refuses(t, "fp", `delegate 9 ama@mfa.gh.example.org name="Ama Owusu"`, model.ENOTFOUND, "no meeting 9")
		w.refuses(t, "fp", "rsvp yes 1 for alt@example.org", model.EFORBIDDEN, "Only the secretariat")
		w.refuses(t, "sec", "rsvp yes 1 for obs@example.org", model.ENOTFOUND, "Olga Observer is not invited to meeting 1")
		w.refuses(t, "sec", "rsvp yes 1 for nobody@example.org", model.ENOTFOUND, "")
		w.refuses(t, "sec", "rsvp yes for alt@example.org", model.EINVALID, "rsvp yes|no|maybe [meeting] [for <person>]")

		for _, st := range []struct{ as, line, want string }{
			{"sec", "status 1", "Countries invited: 2 — coming: 0, maybe: 0, declined: 0, silent: 2"},
			{"fp", `delegate 1 Ama@MFA.gh.example.org name="Ama Owusu" title="Director, UN Affairs"`, "Ama Owusu is invited to meeting 1 in your place"},
			{"fp", `delegate 1 kojo@mfa.gh.example.org name="Kojo"`, "sent a colleague to meeting 1 already"},
			{"ama@mfa.gh.example.org", "rsvp yes 1", "your answer is coming"},
			{"fp", "rsvp no 1", "You sent a colleague to meeting 1: they answer for you now."},
			{"sec", "rsvp maybe 1 for Anders Holm", "Recorded for Anders Holm: maybe, for Second Meeting."},
			{"sec", "status 1", "Countries invited: 2 — coming: 1, maybe: 1, declined: 0, silent: 0"},
			{"sec", "status 1", "Countries coming: 1\nAfrican: 1 of 54 — Ghana\nCountries maybe: 1\nWestern European and Others: 1 of 29 — Denmark\nPeople:"},
			{"sec", "status 1", "delegated: Kwame Boateng (Ghana) → Ama Owusu"},
			{"sec", "status 1", "coming: Ama Owusu (Ghana)"},
			{"sec", "audit", "answer recorded on the invitee's behalf meeting 1, invitee Anders Holm  answer:"},
		} {
			as := st.as
			if !strings.Contains(as, "@") {
				as += "@example.org"
			}
			if r := w.as(as, st.line); !strings.Contains(r.Text(), st.want) {
				t.Errorf("%s: %q answered:\n%s\nwant it to contain %q", st.as, st.line, r.Text(), st.want)
			}
		}
	})
}

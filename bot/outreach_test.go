package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// outreachSnapshot is the world's snapshot with every outreach record and
// note, to prove that a refused command changed nothing.
func outreachSnapshot(w *world) string {
	w.t.Helper()
	ctx := context.Background()
	all, err := w.store.Outreaches(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(w.snapshot())
	for _, o := range all {
		_, notes, err := w.store.Outreach(ctx, o.Country)
		if err != nil {
			w.t.Fatal(err)
		}
		fmt.Fprintf(&b, "%+v %+v\n", o, notes)
	}
	return b.String()
}

// TestOutreachWorkflow follows Kenya from not contacted to appointed. The
// world's clock reads 1 August 2012, 09:00 in New York, where the
// secretariat's Ruth Adler works; Ghana alone has an active focal point.
func TestOutreachWorkflow(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		steps := []struct {
			name, as, line string
			want           []string
		}{
			{"no record is not contacted", "sec", "outreach Kenya",
				[]string{"Kenya (African group): not contacted — no owner", "No notes yet: outreach log Kenya <note> adds one."}},
			{"the pipeline is the countries without an active focal point", "sec", "outreach",
				[]string{"Outreach: 192 countries without an active focal point.", "African group (53):",
					"  not contacted (53): outreach AG lists them", "Western European and Others group (29):"}},
			{"a first note marks the country contacted and sets the follow-up", "sec",
				"outreach log Kenya Met the deputy permanent representative; will write. Follow up 2012-08-15",
				[]string{"Noted for Kenya.", "Kenya (African group): contacted — no owner; follow up 2012-08-15",
					"No one owns the outreach to Kenya, so no one is reminded"}},
			{"a follow-up without an owner is not due", "sec", "outreach due", []string{"No follow-ups due by 2012-08-01."}},
			{"stage", "sec", "outreach stage kenya Interested", []string{"Kenya (African group): interested — no owner; follow up 2012-08-15"}},
			{"owner by name", "sec", "outreach owner Kenya Ruth Adler", []string{"interested — owner Ruth Adler; follow up 2012-08-15"}},
			{"follow-up today", "sec", "outreach follow-up Kenya 2012-08-01", []string{"interested — owner Ruth Adler; follow up 2012-08-01"}},
			{"due today", "sec", "outreach due",
				[]string{"Follow-ups due by 2012-08-01 (1):", "  • Kenya — interested; owner Ruth Adler; follow up 2012-08-01"}},
			{"the log, in the reader's time", "sec", "outreach KEN",
				[]string{"Log:", "  • 2012-08-01 09:00 EDT Ruth Adler <sec@example.org>: Met the deputy permanent representative; will write."}},
			{"a multi-word country and stage", "sec", "outreach stage Cote d’Ivoire not contacted",
				[]string{"Côte d'Ivoire (African group): not contacted — no owner"}},
			{"an owner without contact yet", "sec", "outreach owner Côte d'Ivoire sec@example.org",
				[]string{"Côte d'Ivoire (African group): not contacted — owner Ruth Adler"}},
			{"a group lists every country", "sec", "outreach Africa",
				[]string{"Outreach in the African group: 53 countries without an active focal point.",
					"  interested (1):\n    • Kenya — owner Ruth Adler; follow up 2012-08-01",
					"  not contacted (52):\n    • Côte d'Ivoire — owner Ruth Adler\n    Algeria, Angola, "}},
			{"the overview counts the rest", "sec", "outreach",
				[]string{"  not contacted (52): outreach AG lists them\n    • Côte d'Ivoire — owner Ruth Adler\n"}},
			{"a note can say follow up without a date", "sec", "outreach log Kenya We will follow up",
				[]string{"Noted for Kenya.", "follow up 2012-08-01"}},
			{"declined", "sec", "outreach stage Kenya declined", []string{"Kenya (African group): declined — owner Ruth Adler; follow up 2012-08-01"}},
			{"a declined country is not due", "sec", "outreach due", []string{"No follow-ups due by 2012-08-01."}},
			{"back to interested", "sec", "outreach stage Kenya interested", []string{"interested"}},
			{"the audit log has it", "sec", "audit Kenya", []string{"outreach updated Kenya", "outreach note added Kenya", `stage: "declined" → "interested"`}},

			// Today is where the caller is: already 2 August in Kiritimati.
			{"a colleague far east", "sec", "update alt@example.org tz=Pacific/Kiritimati role=secretariat", []string{"Updated"}},
			{"their today", "alt", "outreach due",
				[]string{"Follow-ups due by 2012-08-02 (1):", "Kenya — interested; owner Ruth Adler; follow up 2012-08-01 (overdue)"}},
			{"a new owner", "alt", "outreach owner Kenya alt@example.org", []string{"owner Anders Holm"}},

			// Kenya appoints a focal point: it is appointed, whatever was recorded.
			{"Kenya appoints", "sec", `add wanjiru@mfa.go.ke name="Wanjiru Kamau" country=Kenya status=active`, []string{"Added"}},
			{"appointed is derived", "sec", "outreach Kenya",
				[]string{"Kenya (African group): appointed — active focal point: Wanjiru Kamau", "Log:"}},
			{"off the pipeline", "sec", "outreach", []string{"Outreach: 191 countries", "African group (52):"}},
			{"no longer due", "sec", "outreach due", []string{"No follow-ups due by 2012-08-01."}},
			{"notes may still be kept", "sec", "outreach log Kenya Thanked the mission.",
				[]string{"Noted for Kenya.", "appointed — active focal point: Wanjiru Kamau"}},
		}
		for _, st := range steps {
			r := w.as(st.as+"@example.org", st.line)
			if r.Code != "" {
				t.Fatalf("%s: %q failed (%s): %s", st.name, st.line, r.Code, r.Text())
			}
			for _, want := range st.want {
				if !strings.Contains(r.Text(), want) {
					t.Fatalf("%s: %q answered:\n%s\nwant it to contain %q", st.name, st.line, r.Text(), want)
				}
			}
		}
	})
}

// TestOutreachBadInputChangesNothing sends outreach mistakes of every kind:
// each gets an answer that says what to fix, and nothing changes.
func TestOutreachBadInputChangesNothing(t *testing.T) {
	cases := []struct {
		name, as, line, code, says string
	}{
		{"not the secretariat", "fp", "outreach log Kenya Called.", model.EFORBIDDEN, "Only the secretariat"},
		{"unknown country gets suggestions", "sec", "outreach log Kenua Called the mission.", model.ENOTFOUND, "Did you mean Kenya"}, // ("Kenia" is Kenya in Spanish)
		{"unknown country or group", "sec", "outreach Narnia", model.ENOTFOUND, "Narnia"},
		{"log with nothing", "sec", "outreach log", model.EINVALID, "Usage: outreach log <country>"},
		{"log with no note", "sec", "outreach log Kenya", model.EINVALID, "Write the note after the country"},
		{"log with only a follow-up", "sec", "outreach log Kenya follow up 2012-09-01", model.EINVALID, "Write the note after the country"},
		{"log with a date in another format", "sec", "outreach log Kenya Called. Follow up 15/10/2012", model.EINVALID, "YYYY-MM-DD"},
		{"log with an impossible date", "sec", "outreach log Kenya Called. follow-up 2012-02-30", model.EINVALID, "YYYY-MM-DD"},
		{"log with a past date", "sec", "outreach log Kenya Called. follow up 2012-07-31", model.EINVALID, "in the past"},
		{"log with key=value", "sec", "outreach log Kenya Called, agreed=yes", model.EINVALID, "agreed: …"},
		{"log too long", "sec", "outreach log Kenya " + strings.Repeat("word ", model.MaxNoteLen/5+1), model.EINVALID, "too long"},
		{"unknown stage", "sec", "outreach stage Kenya maybe", model.EINVALID, "use not-contacted, contacted, interested, appointed or declined"},
		{"stage missing", "sec", "outreach stage Kenya", model.EINVALID, "Usage: outreach stage"},
		{"stage of an unknown country", "sec", "outreach stage Atlantis interested", model.ENOTFOUND, "Atlantis"},
		{"stage with an option", "sec", "outreach stage Kenya interested by=me", model.EINVALID, "Usage"},
		{"owner not of the secretariat", "sec", "outreach owner Kenya fp@example.org", model.EINVALID, "Kwame Boateng is not an active member of the secretariat"},
		{"owner not on the roster", "sec", "outreach owner Kenya nobody@example.org", model.ENOTFOUND, "nobody@example.org"},
		{"owner missing", "sec", "outreach owner Kenya", model.EINVALID, "Usage: outreach owner"},
		{"follow-up in the past", "sec", "outreach follow-up Kenya 2012-07-31", model.EINVALID, "2012-07-31 is in the past (today is 2012-08-01 where you are)"},
		{"follow-up past where the caller is", "alt", "outreach follow-up Kenya 2012-08-01", model.EINVALID, "2012-08-01 is in the past (today is 2012-08-02 where you are)"},
		{"follow-up not a date", "sec", "outreach follow-up Kenya tomorrow", model.EINVALID, "write it as YYYY-MM-DD"},
		{"follow-up missing", "sec", "outreach follow-up Kenya", model.EINVALID, "Usage: outreach follow-up"},
		{"a country with a focal point", "sec", "outreach stage Ghana interested", model.ECONFLICT, "Ghana has an active focal point (Kwame Boateng)"},
		{"a follow-up for a country with a focal point", "sec", "outreach follow-up GH 2012-09-01", model.ECONFLICT, "counts as appointed"},
	}
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		// Kenya has a record, Tanzania none; the mistakes touch neither. Anders
		// Holm joins the secretariat from Kiritimati, where it is 2 August.
		for _, line := range []string{"outreach log Kenya First call. follow up 2012-08-10",
			"update alt@example.org tz=Pacific/Kiritimati role=secretariat"} {
			if r := w.as("sec@example.org", line); r.Code != "" {
				t.Fatal(r.Text())
			}
		}
		for _, c := range cases {
			for _, line := range []string{c.line, strings.Replace(c.line, "Kenya", "Tanzania", 1)} {
				t.Run(c.name, func(t *testing.T) {
					before := outreachSnapshot(w)
					r := w.as(c.as+"@example.org", line)
					if r.Code != c.code {
						t.Errorf("%q: code = %q, want %q; reply: %s", line, r.Code, c.code, r.Text())
					}
					if !strings.Contains(r.Text(), c.says) {
						t.Errorf("%q: reply %q does not say %q", line, r.Text(), c.says)
					}
					if after := outreachSnapshot(w); after != before {
						t.Errorf("%q: a refused command changed the data:\n%s", line, diff(before, after))
					}
				})
			}
		}
	})
}

// A member of the secretariat made from FOCALBOT_SECRETARIAT is named by
// their address, so their notes read "boot@example.org", not the address
// twice.
func TestOutreachNoteByBootstrappedSecretariat(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/o.db", clock.Fixed(start))
	w := newWorld(t, s)
	if err := s.EnsureSecretariat(context.Background(), []string{"boot@example.org"}); err != nil {
		t.Fatal(err)
	}
	w.as("boot@example.org", "outreach log Kenya Called the mission")
	got := w.as("boot@example.org", "outreach Kenya").Text()
	if !strings.Contains(got, " boot@example.org: Called the mission") || strings.Contains(got, "<boot@example.org>") {
		t.Errorf("outreach Kenya:\n%s", got)
	}
}

package bot_test

import (
	"strings"
	"testing"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// The answers for 02:30 on 10 March 2013 and 01:30 on 4 November 2012 in New
// York: the first is skipped when the clocks go forward, the second shown twice.
const (
	saysSkipped  = `"2013-03-10 02:30" does not exist in America/New_York: the clocks go forward from 02:00 EST to 03:00 EDT`
	saysRepeated = `"2012-11-04 01:30" happens twice in America/New_York: the clocks go back from 02:00 EDT to 01:00 EST. ` +
		"Say which one with its offset: 2012-11-04 01:30 -04:00 for the first (EDT), or 2012-11-04 01:30 -05:00 for the second (EST)."
)

// TestWallTimesTheClocksSkipOrRepeat proves that every command that reads a
// wall time refuses one that the zone's clocks skip or show twice, names the
// clock change, and changes nothing; and that an offset chooses between the
// two instants of a repeated time.
func TestWallTimesTheClocksSkipOrRepeat(t *testing.T) {
	const meeting = `meeting create title="Autumn meeting" start="2012-11-03 10:00" end=17:00 tz=America/New_York venue="New York"`
	cases := []struct{ name, line, says string }{
		{"meeting create start= in the gap", `meeting create title=M start="2013-03-10 02:30" end="2013-03-10 05:00" tz=America/New_York venue=NY`, saysSkipped},
		{"meeting create end= in the gap", `meeting create title=M start="2013-03-10 00:30" end="2013-03-10 02:30" tz=America/New_York venue=NY`, saysSkipped},
		{"meeting create start= repeated", `meeting create title=M start="2012-11-04 01:30" end="2012-11-04 05:00" tz=America/New_York venue=NY`, saysRepeated},
		{"meeting create end= as a time alone, repeated", `meeting create title=M start="2012-11-04 00:00" end=01:30 tz=America/New_York venue=NY`, saysRepeated},
		{"meeting change start= in the gap", `meeting change 1 start="2013-03-10 02:30"`, saysSkipped},
		{"meeting change end= as a time alone, in the gap", `meeting change 1 start="2013-03-10 00:00" end=02:30`, saysSkipped},
		{"meeting change tz= keeps a wall time the new zone skips", `meeting change 2 tz=America/New_York`, saysSkipped},
		{"series create start= in the gap", `series create name="Spring" rule=unga start="2013-03-10 02:30" duration=2h venue="New York" tz=America/New_York`, saysSkipped},
		{"poll create deadline= repeated", `poll create 1 deadline="2012-11-04 01:30" tz=America/New_York slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`, saysRepeated},
		{"poll create slots= in the gap", `poll create 1 deadline="2012-10-01 17:00" tz=America/New_York slots="2013-03-10 02:30-05:00, 2013-09-24 10:00-17:00"`, saysSkipped},
		{"poll create slots= ending in the repeat", `poll create 1 deadline="2012-10-01 17:00" tz=America/New_York slots="2012-11-04 00:30-01:30, 2013-09-24 10:00-17:00"`, saysRepeated},
	}
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, line := range []string{
			meeting,
			// 02:30 on 10 March 2013 exists in Europe/Berlin (its clocks
			// change on 31 March), not in New York.
			`meeting create title="Berlin meeting" start="2013-03-10 02:30" end=05:00 tz=Europe/Berlin venue=Berlin draft=yes`,
		} {
			if r := w.as("sec@example.org", line); r.Code != "" {
				t.Fatalf("%q: %s", line, r.Text())
			}
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { w.refuses(t, "sec", c.line, model.EINVALID, c.says) })
		}

		// The offset says which 01:30 is meant, and the bot's own hints
		// write it so.
		steps := []struct{ line, want string }{
			{`poll create 0 deadline="2012-10-01 17:00" tz=America/New_York slots="2012-11-04 00:30-2012-11-04 01:30 -05:00, 2013-09-24 10:00-17:00"`, "Poll 1"},
			{"poll close 1", "closed"},
			{"poll pick 1 1", `start="2012-11-04 00:30" end="2012-11-04 01:30 -05:00" tz=America/New_York`},
			// A start given with tz= replaces the one the new zone skips.
			{`meeting change 2 tz=America/New_York start="2013-03-10 05:00"`, "Sun 10 Mar 2013, 05:00–07:30 EDT (New York time)"},
			{`meeting change 1 start="2012-11-04 01:30 -05:00" end="2012-11-04 03:00"`, "Sun 4 Nov 2012, 01:30–03:00 EST (New York time)"},
		}
		for _, st := range steps {
			if r := w.as("sec@example.org", st.line); !strings.Contains(r.Text(), st.want) {
				t.Errorf("%q answered:\n%s\nwant it to contain %q", st.line, r.Text(), st.want)
			}
		}
	})
}

// TestSpansAcrossAClockChange shows a meeting that begins in EDT and ends in
// EST with each end labelled, in the venue's zone and in the reader's, whose
// clocks stay at UTC−4 and so differ from New York's only at the end.
func TestSpansAcrossAClockChange(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		steps := []struct{ as, line, want string }{
			{"sec", `meeting create title="Night session" start="2012-11-04 00:30" end=03:30 tz=America/New_York venue="New York"`,
				"When: Sun 4 Nov 2012, 00:30 EDT–03:30 EST (New York time)"},
			{"sec", "invite 1 all", "Meeting 1: 2 newly invited"},
			{"fp", "me set tz America/Santo_Domingo", "updated"},
			{"fp", "meetings", "Sun 4 Nov 2012, 00:30 EDT–03:30 EST (New York time); your time: Sun 4 Nov 2012, 00:30–04:30 AST (America/Santo_Domingo)"},
			{"sec", `meeting change 1 start="2012-11-04 01:30 -04:00" end="2012-11-04 01:30 -05:00"`, "Sun 4 Nov 2012, 01:30 EDT–01:30 EST (New York time)"},
			{"sec", `meeting change 1 start="2012-11-03 10:00" end=17:00`, "Sat 3 Nov 2012, 10:00–17:00 EDT (New York time)"},
		}
		for _, st := range steps {
			if r := w.as(st.as+"@example.org", st.line); r.Code != "" || !strings.Contains(r.Text(), st.want) {
				t.Fatalf("%s: %q answered:\n%s\nwant it to contain %q", st.as, st.line, r.Text(), st.want)
			}
		}
	})
}

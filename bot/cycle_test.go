package bot_test

import (
	"strings"
	"testing"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
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

package model

import (
	"testing"
	"time"
)

func TestWallTime(t *testing.T) {
	tests := []struct {
		name       string
		zone       string
		wall       string // YYYY-MM-DD HH:MM
		want       string // the instant in RFC 3339, when accepted
		wantAnswer string // the answer, when refused
	}{
		{name: "an ordinary time is the instant the clocks show it", zone: "America/New_York",
			wall: "2012-09-29 10:00", want: "2012-09-29T10:00:00-04:00"},
		{name: "the last minute before spring forward exists", zone: "America/New_York",
			wall: "2013-03-10 01:59", want: "2013-03-10T01:59:00-05:00"},
		{name: "the first minute after spring forward exists", zone: "America/New_York",
			wall: "2013-03-10 03:00", want: "2013-03-10T03:00:00-04:00"},
		{name: "a time in the spring-forward gap is refused, naming the gap", zone: "America/New_York",
			wall: "2013-03-10 02:30", wantAnswer: "\"2013-03-10 02:30\" does not exist in America/New_York: the clocks go forward from 02:00 EST to 03:00 EDT, skipping the times between. Choose a time before or after that gap."},
		{name: "the start of the gap is refused too", zone: "America/New_York",
			wall: "2013-03-10 02:00", wantAnswer: "\"2013-03-10 02:00\" does not exist in America/New_York: the clocks go forward from 02:00 EST to 03:00 EDT, skipping the times between. Choose a time before or after that gap."},
		{name: "a time the clocks show twice is refused, with how to write each", zone: "America/New_York",
			wall: "2012-11-04 01:30", wantAnswer: "\"2012-11-04 01:30\" happens twice in America/New_York: the clocks go back from 02:00 EDT to 01:00 EST. Say which one with its offset: 2012-11-04 01:30 -04:00 for the first (EDT), or 2012-11-04 01:30 -05:00 for the second (EST)."},
		{name: "the first minute of the repeated hour is repeated", zone: "America/New_York",
			wall: "2012-11-04 01:00", wantAnswer: "\"2012-11-04 01:00\" happens twice in America/New_York: the clocks go back from 02:00 EDT to 01:00 EST. Say which one with its offset: 2012-11-04 01:00 -04:00 for the first (EDT), or 2012-11-04 01:00 -05:00 for the second (EST)."},
		{name: "the end of the repeated hour happens once", zone: "America/New_York",
			wall: "2012-11-04 02:00", want: "2012-11-04T02:00:00-05:00"},
		{name: "a southern gap of half an hour", zone: "Australia/Lord_Howe",
			wall: "2012-10-07 02:15", wantAnswer: "\"2012-10-07 02:15\" does not exist in Australia/Lord_Howe: the clocks go forward from 02:00 +1030 to 02:30 +11, skipping the times between. Choose a time before or after that gap."},
		{name: "a repeat that keeps the abbreviation is told apart by offset", zone: "Europe/Moscow",
			wall: "2014-10-26 01:30", wantAnswer: "\"2014-10-26 01:30\" happens twice in Europe/Moscow: the clocks go back from 02:00 MSK to 01:00 MSK. Say which one with its offset: 2014-10-26 01:30 +04:00 for the first (MSK), or 2014-10-26 01:30 +03:00 for the second (MSK)."},
		{name: "a skipped day names the dates", zone: "Pacific/Apia",
			wall: "2011-12-30 10:00", wantAnswer: "\"2011-12-30 10:00\" does not exist in Pacific/Apia: the clocks go forward from 2011-12-30 00:00 -10 to 2011-12-31 00:00 +14, skipping the times between. Choose a time before or after that gap."},
		{name: "a zone without changes takes every time", zone: "UTC",
			wall: "2013-03-10 02:30", want: "2013-03-10T02:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			w, err := time.Parse(WallLayout, tt.wall)
			if err != nil {
				t.Fatal(err)
			}
			got, err := WallTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, loc)
			if tt.wantAnswer != "" {
				if ErrorCode(err) != EINVALID || ErrorMessage(err) != tt.wantAnswer {
					t.Fatalf("WallTime(%s) = %v, %q;\nwant the answer %q", tt.wall, got, ErrorMessage(err), tt.wantAnswer)
				}
				return
			}
			if err != nil {
				t.Fatalf("WallTime(%s): %v", tt.wall, err)
			}
			if s := got.Format(time.RFC3339); s != tt.want {
				t.Errorf("WallTime(%s) = %s; want %s", tt.wall, s, tt.want)
			}
			if got.Location() != loc {
				t.Errorf("WallTime(%s) is in %v; want %v", tt.wall, got.Location(), loc)
			}
		})
	}
}

// TestWallTimeEveryQuarterHour reads every half hour of 2011 to 2014 in
// zones with odd clock changes, and checks that WallTime gives back each
// instant whose wall time happens once, and refuses exactly the wall times
// that are skipped or repeated.
func TestWallTimeEveryHalfHour(t *testing.T) {
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "Europe/Moscow", "Pacific/Apia", "Europe/Dublin", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[time.Time]int{} // wall time → instants showing it
		from, to := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
		for at := from; at.Before(to); at = at.Add(30 * time.Minute) {
			seen[wallClock(at.In(loc))]++
		}
		for w := from.Add(24 * time.Hour); w.Before(to.Add(-24 * time.Hour)); w = w.Add(30 * time.Minute) {
			got, err := WallTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, loc)
			switch n := seen[w]; {
			case n == 1 && (err != nil || !wallClock(got).Equal(w)):
				t.Fatalf("%s %s happens once; WallTime = %v, %v", name, w.Format(WallLayout), got, err)
			case n != 1 && err == nil:
				t.Fatalf("%s %s is shown %d times; WallTime took %v", name, w.Format(WallLayout), n, got)
			}
		}
	}
}

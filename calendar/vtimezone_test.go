package calendar

import (
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
)

// TestVTimezone checks the VTIMEZONE of zones with unusual rules against Go's
// zone database: every onset the blocks define (DTSTART, and its RRULE
// expanded) near the range is a real transition to that block's offset and
// name, and every real transition in the range is one of them.
func TestVTimezone(t *testing.T) {
	tests := []struct {
		zone     string
		from, to string // dates, in the zone
	}{
		{"America/New_York", "2012-09-29", "2012-09-29"},
		{"Europe/Copenhagen", "2013-10-26", "2013-10-27"},              // across the change
		{"Australia/Sydney", "2012-12-20", "2013-01-10"},               // DST across new year
		{"Australia/Lord_Howe", "2013-04-01", "2013-10-31"},            // 30-minute DST
		{"America/New_York", "2006-06-01", "2008-06-01"},               // the 2007 rule change
		{"America/Sao_Paulo", "2018-10-01", "2019-03-31"},              // DST's last year
		{"Africa/Casablanca", "2013-06-01", "2013-09-01"},              // DST suspended for Ramadan
		{"Europe/Moscow", "2010-01-01", "2015-01-01"},                  // permanent summer time, then back
		{"Pacific/Apia", "2011-12-25", "2012-01-05"},                   // skipped 30 December 2011
		{"Antarctica/Troll", "2013-03-01", "2013-04-30"},               // two-hour DST
		{"Asia/Kathmandu", "2012-09-29", "2012-09-29"},                 // +0545, no DST
		{"Etc/GMT+5", "2012-09-29", "2012-09-29"},                      // no transition ever
		{"Europe/Dublin", "2013-01-01", "2013-12-31"},                  // negative DST in the database
		{"America/St_Johns", "2012-01-01", "2012-12-31"},               // -0330
		{"Asia/Tehran", "2012-03-01", "2012-04-01"},                    // DST by the Persian calendar
		{"America/Santiago", "2012-01-01", "2012-12-31"},               // southern, irregular years
		{"Europe/London", "1990-01-01", "1999-12-31"},                  // EU rules from 1996
		{"America/Argentina/Buenos_Aires", "2008-01-01", "2010-01-01"}, // DST started and dropped
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.from, func(t *testing.T) {
			loc := zone(t, tt.zone)
			from, err1 := time.ParseInLocation("2006-01-02", tt.from, loc)
			to, err2 := time.ParseInLocation("2006-01-02", tt.to, loc)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			to = to.Add(24*time.Hour - time.Second)
			tz, err := VTimezone(loc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if got := tz.Props.Get(ical.PropTimezoneID).Value; got != tt.zone {
				t.Errorf("TZID %s", got)
			}
			onsets := map[time.Time]bool{}
			for _, block := range tz.Children {
				off := func(name string) int {
					d, err := time.Parse("-0700", block.Props.Get(name).Value)
					if err != nil {
						d, err = time.Parse("-070000", block.Props.Get(name).Value)
					}
					if err != nil {
						t.Fatal(err)
					}
					_, o := d.Zone()
					return o
				}
				before, after := off(ical.PropTimezoneOffsetFrom), off(ical.PropTimezoneOffsetTo)
				name, _ := block.Props.Text(ical.PropTimezoneName)
				// DTSTART and the RRULE are wall-clock times at the offset before.
				wall := time.FixedZone("", before)
				start, err := block.Props.DateTime(ical.PropDateTimeStart, wall)
				if err != nil {
					t.Fatal(err)
				}
				times := []time.Time{start}
				if set, err := block.RecurrenceSet(wall); err != nil {
					t.Fatal(err)
				} else if set != nil {
					times = set.Between(from.AddDate(-1, 0, 0), to.AddDate(1, 0, 0), true)
				}
				for _, at := range times {
					onsets[at.UTC()] = true
					if at.Year() < 1971 {
						continue // a zone's first block, from 1970
					}
					gotName, gotAfter := at.In(loc).Zone()
					_, gotBefore := at.Add(-time.Second).In(loc).Zone()
					// DAYLIGHT is summer time, even where the database says
					// winter is DST with a negative offset (Europe/Dublin).
					isDST, wasDST := at.In(loc).IsDST(), at.Add(-time.Second).In(loc).IsDST()
					summer := isDST && after > before || !isDST && wasDST && after > before || isDST && after == before
					if gotBefore != before || gotAfter != after || gotName != name || (block.Name == ical.CompTimezoneDaylight) != summer {
						t.Errorf("%s at %v: the zone goes from %d to %d (%s), not %d to %d (%s)", block.Name, at.UTC(), gotBefore, gotAfter, gotName, before, after, name)
					}
				}
			}
			for at := from; ; {
				_, end := at.ZoneBounds()
				if end.IsZero() || end.After(to) {
					break
				}
				if !onsets[end.UTC()] {
					t.Errorf("the transition at %v is not in the VTIMEZONE", end.UTC())
				}
				at = end
			}
			if t.Failed() {
				var b []byte
				for _, c := range tz.Children {
					b = append(b, c.Name...)
					for _, ps := range c.Props {
						for _, p := range ps {
							b = append(b, " "+p.Name+":"+p.Value...)
						}
					}
					b = append(b, '\n')
				}
				t.Logf("VTIMEZONE:\n%s", b)
			}
		})
	}
}

func TestVTimezoneRefuses(t *testing.T) {
	now := time.Date(2012, 9, 29, 10, 0, 0, 0, time.UTC)
	for _, loc := range []*time.Location{nil, time.Local, time.UTC, time.FixedZone("UTC-4", -4*3600), time.FixedZone("Europe/Paris", 3600*5)} {
		if _, err := VTimezone(loc, now, now); err == nil {
			t.Errorf("VTimezone(%v) made a VTIMEZONE", loc)
		}
	}
}

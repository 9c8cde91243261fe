package calendar

import (
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// proposedTime reads a COUNTER's DTSTART or DTEND as an instant: in UTC
// ("…Z"), in the IANA zone its TZID names (as Google, Apple Calendar and
// Thunderbird write it), or in the zone a VTIMEZONE of the calendar defines
// under that TZID (as Outlook sends it, with Windows names such as "Eastern
// Standard Time"). It is zero when the instant cannot be known: a floating
// time, a date without a time, or a TZID the calendar does not define.
func proposedTime(cal *ical.Calendar, p *ical.Prop) time.Time {
	if p == nil {
		return time.Time{}
	}
	v := strings.ToUpper(strings.TrimSpace(p.Value))
	if strings.HasSuffix(v, "Z") {
		t, err := time.Parse("20060102T150405Z", v)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	tzid := strings.TrimSpace(p.Params.Get(ical.ParamTimezoneID))
	if tzid == "" {
		return time.Time{}
	}
	wall, err := time.Parse("20060102T150405", v)
	if err != nil {
		return time.Time{}
	}
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone || !strings.EqualFold(strings.TrimSpace(propValue(c.Props.Get(ical.PropTimezoneID))), tzid) {
			continue
		}
		if offset, ok := vtimezoneOffset(c, wall); ok {
			return wall.Add(-time.Duration(offset) * time.Second).UTC()
		}
		return time.Time{}
	}
	if loc, err := time.LoadLocation(tzid); err == nil && tzid != "Local" {
		return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
	}
	return time.Time{}
}

// vtimezoneOffset is the offset from UTC, in seconds, that a VTIMEZONE
// gives the wall-clock time wall (read as UTC): the TZOFFSETTO of the
// STANDARD or DAYLIGHT part whose latest onset (DTSTART, repeated by its
// RRULE) is at or before wall; before every onset, the TZOFFSETFROM of the
// first.
func vtimezoneOffset(tz *ical.Component, wall time.Time) (int, bool) {
	var (
		best          time.Time
		bestOffset    int
		found         bool
		first         time.Time
		firstFrom     int
		haveFirstFrom bool
	)
	for _, part := range tz.Children {
		if part.Name != ical.CompTimezoneStandard && part.Name != ical.CompTimezoneDaylight {
			continue
		}
		start, err := time.Parse("20060102T150405", strings.TrimSpace(propValue(part.Props.Get(ical.PropDateTimeStart))))
		if err != nil {
			return 0, false
		}
		to, ok1 := parseUTCOffset(propValue(part.Props.Get(ical.PropTimezoneOffsetTo)))
		from, ok2 := parseUTCOffset(propValue(part.Props.Get(ical.PropTimezoneOffsetFrom)))
		if !ok1 || !ok2 {
			return 0, false
		}
		if !haveFirstFrom || start.Before(first) {
			first, firstFrom, haveFirstFrom = start, from, true
		}
		onset := time.Time{}
		if !start.After(wall) {
			onset = start
		}
		if rule := strings.TrimSpace(propValue(part.Props.Get(ical.PropRecurrenceRule))); rule != "" {
			opt, err := rrule.StrToROption(rule)
			if err != nil {
				return 0, false
			}
			opt.Dtstart = start
			// Outlook's rules start in 1601, further back than rrule-go
			// walks; a yearly rule repeats the same from a later year.
			if opt.Freq == rrule.YEARLY && opt.Interval <= 1 && opt.Count == 0 && start.Year() < wall.Year()-2 {
				opt.Dtstart = start.AddDate(wall.Year()-2-start.Year(), 0, 0)
			}
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				return 0, false
			}
			if t := r.Before(wall, true); !t.IsZero() {
				onset = t
			}
		}
		if !onset.IsZero() && (!found || onset.After(best)) {
			best, bestOffset, found = onset, to, true
		}
	}
	if found {
		return bestOffset, true
	}
	return firstFrom, haveFirstFrom
}

// parseUTCOffset reads a UTC offset of a VTIMEZONE ("-0500", "+0530",
// "+013000") in seconds.
func parseUTCOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 7 || s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	n := 0
	for i, unit := range []int{3600, 60, 1} {
		if 1+2*i >= len(s) {
			break
		}
		d, err := strconv.Atoi(s[1+2*i : 3+2*i])
		if err != nil || d < 0 {
			return 0, false
		}
		n += d * unit
	}
	if s[0] == '-' {
		n = -n
	}
	return n, true
}

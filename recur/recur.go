// Package recur is the recurrence math of a meeting series: the preset rules
// (unga, yearly, …), reading an iCalendar RRULE, and the next occurrence after
// a time, on rrule-go. It knows nothing of storage, cron or chat; the
// engine and the scheduler both use it.
package recur

import (
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"focalbot/model"
)

// What recur answers to a rule it cannot take; model.Errorf formats them
// through the message catalog where they are shown.
const (
	msgBadRule      = "%q is not a recurrence rule: use a preset (%s) or an iCalendar RRULE such as FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA."
	msgRuleTooOften = "A series may recur weekly at the most: use FREQ=WEEKLY, MONTHLY or YEARLY."
)

// Presets name common rules for a series.
var Presets = map[string]string{
	// The network's annual meeting during the General Assembly's high-level
	// week in New York: the last Saturday of September (29 September 2012).
	"unga":         "FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA",
	"yearly":       "FREQ=YEARLY",
	"twice-a-year": "FREQ=MONTHLY;INTERVAL=6",
	"quarterly":    "FREQ=MONTHLY;INTERVAL=3",
	"monthly":      "FREQ=MONTHLY",
}

// ParseRule reads a preset name or an iCalendar RRULE (with or without the
// "RRULE:" prefix) and returns the RRULE text. It refuses rules that could
// never end planning storms: more often than weekly.
func ParseRule(s string) (string, error) {
	s = strings.TrimSpace(s)
	if p, ok := Presets[strings.ToLower(s)]; ok {
		return p, nil
	}
	s = strings.TrimPrefix(strings.ToUpper(s), "RRULE:")
	opt, err := rrule.StrToROption(s)
	if err != nil {
		return "", model.Errorf(model.EINVALID, msgBadRule, s, strings.Join(presetNames(), ", "))
	}
	switch opt.Freq {
	case rrule.YEARLY, rrule.MONTHLY, rrule.WEEKLY:
	default:
		return "", model.Errorf(model.EINVALID, msgRuleTooOften)
	}
	return s, nil
}

func presetNames() []string {
	return []string{"unga", "yearly", "twice-a-year", "quarterly", "monthly"}
}

// Next returns the first occurrence of a series strictly after t, and
// false when the rule has ended. Occurrences keep the first meeting's time
// of day in the series' zone, across daylight-saving changes.
func Next(sr model.Series, t time.Time) (time.Time, bool, error) {
	if err := model.ValidateYear(sr.Start); err != nil {
		return time.Time{}, false, err // the recurrence library is not made for such years
	}
	loc, err := model.LoadZone(sr.TimeZone)
	if err != nil {
		return time.Time{}, false, err
	}
	opt, err := rrule.StrToROption(sr.Rule)
	if err != nil {
		return time.Time{}, false, model.Errorf(model.EINVALID, msgBadRule, sr.Rule, strings.Join(presetNames(), ", "))
	}
	opt.Dtstart = sr.Start.In(loc)
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return time.Time{}, false, model.Errorf(model.EINVALID, msgBadRule, sr.Rule, strings.Join(presetNames(), ", "))
	}
	next := r.After(t, false)
	if next.IsZero() {
		return time.Time{}, false, nil
	}
	return next.UTC(), true, nil
}

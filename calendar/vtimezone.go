package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	ical "github.com/emersion/go-ical"
)

// VTimezone builds the VTIMEZONE of loc (TZID = its IANA name) for events
// between from and to, from Go's time zone database.
//
// It walks the zone's transitions with time.ZoneBounds, from the one that
// started the period in force at from to the first one after to, and writes
// one STANDARD or DAYLIGHT block per rule in force: a transition that recurs
// yearly on the same weekday of the month at the same time (e.g. the last
// Sunday of October at 03:00) gets an RRULE, with UNTIL when another rule
// replaces it in the range; any other transition is a block of its own. A
// zone without transitions is one STANDARD block.
//
// loc must be a zone of the database: not time.Local, not time.UTC (write UTC
// times instead), not a fixed zone from time.FixedZone.
func VTimezone(loc *time.Location, from, to time.Time) (*ical.Component, error) {
	if err := checkZone(loc, from, to); err != nil {
		return nil, err
	}
	if to.Before(from) {
		from, to = to, from
	}

	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())

	start, end := from.In(loc).ZoneBounds()
	if start.IsZero() && end.IsZero() {
		// No transition ever: one STANDARD block from 1970.
		name, offset := from.In(loc).Zone()
		o := observance{
			onset: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(offset) * time.Second),
			from:  offset, to: offset, name: name,
		}
		tz.Children = append(tz.Children, o.component())
		return tz, nil
	}

	// The transitions that matter: the one that started the period in force
	// at from, those up to to, and the next one (so that a zone with DST
	// shows both its rules, as Outlook expects).
	var obs []*observance
	open := map[bool]*observance{} // the block of each kind still in force
	t := start
	if t.IsZero() {
		t = from // in force since the zone began
	}
	for !t.IsZero() {
		o := transition(t.In(loc))
		if prev := open[o.dst]; prev != nil && prev.follows(o) {
			prev.count++
			prev.last = o.onset
		} else {
			if prev != nil {
				prev.until = prev.last
			}
			obs = append(obs, o)
			open[o.dst] = o
		}
		if t.After(to) {
			break
		}
		_, t = t.In(loc).ZoneBounds()
	}
	// A block seen once gets an RRULE if its transition recurs a year later.
	for _, o := range obs {
		if o.count == 1 && o.until.IsZero() && o.recurs(loc) {
			o.count++
		}
	}
	for _, o := range obs {
		tz.Children = append(tz.Children, o.component())
	}
	return tz, nil
}

// observance is one STANDARD or DAYLIGHT block: the transitions that follow
// one yearly rule, or a single transition.
type observance struct {
	onset    time.Time // the first transition, in the zone
	from, to int       // UTC offsets in seconds before and after
	name     string
	dst      bool

	month time.Month
	week  int // 1…4 for the nth weekday of the month, -1 for the last
	count int // transitions seen that follow the rule
	last  time.Time
	until time.Time // the last transition when the rule stops in range
}

// transition describes the transition at t (the first instant of a period).
func transition(t time.Time) *observance {
	name, offset := t.Zone()
	_, before := t.Add(-time.Second).Zone()
	o := &observance{onset: t, from: before, to: offset, name: name, dst: daylight(t), count: 1, last: t}
	wall := o.wall()
	o.month = wall.Month()
	if wall.Day()+7 > daysIn(wall.Month(), wall.Year()) {
		o.week = -1
	} else {
		o.week = (wall.Day()-1)/7 + 1
	}
	return o
}

// daylight reports whether the period starting at t is summer time. The
// database gives Europe/Dublin a negative DST in winter; calendars (Outlook
// first) expect DAYLIGHT to be the later clock, so that is what it is here.
func daylight(t time.Time) bool {
	_, offset := t.Zone()
	_, before := t.Add(-time.Second).Zone()
	switch dst := t.IsDST(); {
	case dst && offset < before:
		return false // negative DST: winter
	case !dst && t.Add(-time.Second).IsDST() && offset > before:
		return true // the summer of a zone with negative DST
	default:
		return dst
	}
}

// recurs reports whether o's transition comes again under the same rule
// about a year later.
func (o *observance) recurs(loc *time.Location) bool {
	horizon := o.onset.AddDate(1, 0, 8)
	t := o.onset
	for range 8 {
		if _, t = t.In(loc).ZoneBounds(); t.IsZero() || t.After(horizon) {
			return false
		}
		if n := transition(t.In(loc)); n.onset.After(o.onset.AddDate(0, 11, 0)) && o.follows(n) {
			return true
		}
	}
	return false
}

// follows reports whether the transition n falls under o's yearly rule:
// same offsets and name, same month, weekday and wall-clock time, and the
// same week of the month (counted from its start or, for the last week,
// from its end), a year or more later.
func (o *observance) follows(n *observance) bool {
	if n.from != o.from || n.to != o.to || n.name != o.name || n.month != o.month {
		return false
	}
	a, b := o.wall(), n.wall()
	if a.Weekday() != b.Weekday() || a.Hour() != b.Hour() || a.Minute() != b.Minute() || a.Second() != b.Second() {
		return false
	}
	if o.week == -1 || n.week == -1 {
		return b.Day()+7 > daysIn(b.Month(), b.Year()) && a.Day()+7 > daysIn(a.Month(), a.Year())
	}
	return o.week == n.week
}

// wall is the onset as the clock showed it just before the change, which is
// how DTSTART of a STANDARD or DAYLIGHT block is written.
func (o *observance) wall() time.Time {
	return o.onset.UTC().Add(time.Duration(o.from) * time.Second)
}

func (o *observance) component() *ical.Component {
	kind := ical.CompTimezoneStandard
	if o.dst {
		kind = ical.CompTimezoneDaylight
	}
	c := ical.NewComponent(kind)
	start := ical.NewProp(ical.PropDateTimeStart)
	start.Value = o.wall().Format("20060102T150405")
	c.Props.Set(start)
	c.Props.Set(&ical.Prop{Name: ical.PropTimezoneOffsetFrom, Params: ical.Params{}, Value: utcOffset(o.from)})
	c.Props.Set(&ical.Prop{Name: ical.PropTimezoneOffsetTo, Params: ical.Params{}, Value: utcOffset(o.to)})
	if o.name != "" {
		c.Props.SetText(ical.PropTimezoneName, o.name)
	}
	if o.count > 1 {
		rule := "FREQ=YEARLY;BYMONTH=" + strconv.Itoa(int(o.month)) +
			";BYDAY=" + strconv.Itoa(o.week) + weekdays[o.wall().Weekday()]
		if !o.until.IsZero() {
			rule += ";UNTIL=" + o.until.UTC().Format("20060102T150405Z")
		}
		c.Props.Set(&ical.Prop{Name: ical.PropRecurrenceRule, Params: ical.Params{}, Value: rule})
	}
	return c
}

var weekdays = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// utcOffset formats seconds east of UTC as a UTC-OFFSET: +0200, -0430, +003412.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// checkZone makes sure loc is a zone of the time zone database under its own
// name, so that TZID=<name> means the same to every calendar, and that it
// gives the same offsets as the database at the given instants.
func checkZone(loc *time.Location, at ...time.Time) error {
	if loc == nil {
		return errors.New("no time zone")
	}
	name := loc.String()
	switch {
	case name == "Local":
		return errors.New(`time zone "Local" has no IANA name; load the venue's zone with time.LoadLocation`)
	case name == "UTC" && loc == time.UTC:
		return errors.New("UTC needs no VTIMEZONE: write UTC times")
	}
	db, err := loadZone(name)
	if err != nil {
		return fmt.Errorf("time zone %q is not in the IANA time zone database (a fixed offset?): use a zone name such as Europe/Copenhagen", name)
	}
	for _, t := range at {
		if t.IsZero() {
			continue
		}
		_, want := t.In(db).Zone()
		if _, got := t.In(loc).Zone(); got != want {
			return fmt.Errorf("time zone %q does not match the IANA zone of that name", name)
		}
	}
	return nil
}

// zones caches the zones time.LoadLocation found; it reads a file each time.
var zones sync.Map // name → *time.Location

func loadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("empty zone name")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

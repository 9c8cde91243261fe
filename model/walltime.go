package model

import "time"

// The answers for wall times that a zone's clocks skip or show twice.
const (
	msgWallSkipped  = "%q does not exist in %s: the clocks go forward from %s to %s, skipping the times between. Choose a time before or after that gap."
	msgWallRepeated = "%q happens twice in %s: the clocks go back from %s to %s. Say which one with its offset: %s for the first (%s), or %s for the second (%s)."
)

// WallLayout is how a wall time is named in WallTime's answers, and
// WallOffsetLayout how one is written with its offset to choose between the
// two instants of a repeated wall time.
const (
	WallLayout       = "2006-01-02 15:04"
	WallOffsetLayout = "2006-01-02 15:04 -07:00"
)

// WallTime is the instant at which the clocks in loc show the given date and
// time. time.Date silently moves a wall time that the clocks skip when they
// go forward, and silently picks one of the two instants of a wall time
// that they show twice when they go back; WallTime refuses both, with an
// EINVALID error that names the clock change and says what to write
// instead. It is the one place where a wall time read from a person
// becomes an instant.
func WallTime(year int, month time.Month, day, hour, min, sec int, loc *time.Location) (time.Time, error) {
	t := time.Date(year, month, day, hour, min, sec, 0, loc)
	want := time.Date(year, month, day, hour, min, sec, 0, time.UTC)
	name := want.Format(WallLayout)
	start, end := t.ZoneBounds()
	if got := wallClock(t); !got.Equal(want) {
		// t is on one side of the change: before it when its clocks show
		// less than asked, after it when they show more.
		change := start
		if got.Before(want) {
			change = end
		}
		before := fixedZoneOf(change.Add(-time.Nanosecond).In(loc))
		from, to := changeText(change.In(before), change.In(loc), want)
		return time.Time{}, Errorf(EINVALID, msgWallSkipped, name, loc.String(), from, to)
	}
	// The same clock time may also be read with the offset of the zone
	// before t's or after it.
	var first, second time.Time
	if !end.IsZero() {
		if c := instant(want, end); !c.Before(end) && wallClock(c.In(loc)).Equal(want) {
			first, second = t, c.In(loc)
		}
	}
	if !start.IsZero() && first.IsZero() {
		if c := instant(want, start.Add(-time.Nanosecond).In(loc)); c.Before(start) && wallClock(c.In(loc)).Equal(want) {
			first, second = c.In(loc), t
		}
	}
	if first.IsZero() {
		return t, nil
	}
	change := second
	if s, _ := second.ZoneBounds(); !s.IsZero() {
		change = s
	}
	from, to := changeText(change.In(fixedZoneOf(first)), change.In(loc), want)
	return time.Time{}, Errorf(EINVALID, msgWallRepeated, name, loc.String(), from, to,
		first.Format(WallOffsetLayout), first.Format("MST"), second.Format(WallOffsetLayout), second.Format("MST"))
}

// wallClock is what t's clocks show, as the same numbers in UTC.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// instant is the instant at which clocks with at's offset show wall, given
// as the same numbers in UTC.
func instant(wall, at time.Time) time.Time {
	_, offset := at.Zone()
	return wall.Add(-time.Duration(offset) * time.Second)
}

// fixedZoneOf is t's zone at t, fixed, to show an instant as the clocks
// before a change would have shown it.
func fixedZoneOf(t time.Time) *time.Location {
	name, offset := t.Zone()
	return time.FixedZone(name, offset)
}

// changeText is a clock change as the clocks show it before and after, with
// the dates when either is not the day of the wall time asked for.
func changeText(from, to, wall time.Time) (string, string) {
	day := wall.Format(time.DateOnly)
	layout := "15:04 MST"
	if from.Format(time.DateOnly) != day || to.Format(time.DateOnly) != day {
		layout = "2006-01-02 15:04 MST"
	}
	return from.Format(layout), to.Format(layout)
}

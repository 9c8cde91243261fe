package model

import (
	"slices"
	"strings"
	"time"
)

// DefaultReminders are the reminder offsets of a meeting that sets none.
var DefaultReminders = []time.Duration{14 * 24 * time.Hour, 2 * 24 * time.Hour, 2 * time.Hour}

// Series is a meeting that recurs, such as the network's annual meeting
// during the UN General Assembly's high-level week. Its Rule is an iCalendar
// RRULE (RFC 5545) evaluated from Start in the series' zone.
type Series struct {
	ID        int64
	Name      string
	Rule      string    // e.g. "FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA"
	Start     time.Time // the first occurrence, which also gives the time of day (UTC)
	TimeZone  string
	Duration  time.Duration
	Venue     string
	Address   string
	Hosts     []string
	PlanAhead time.Duration   // how long before an occurrence a draft is planned
	Reminders []time.Duration // offsets before the start; nil: DefaultReminders
	Invitees  Invitees        // whom confirming a draft of the series invites
	Active    bool
	CreatedAt time.Time
}

// Invitees are whom confirming a draft meeting of a series invites: the
// active focal points and alternates of every country (the zero value), of
// one regional group, or of some countries. They are looked up when the
// draft is confirmed, so the roster of that day counts.
type Invitees struct {
	Group     Group    // a regional group; empty for all or for Countries
	Countries []string // alpha-2 codes; empty for all or for Group
}

// All reports whether the invitees are every active focal point and alternate.
func (v Invitees) All() bool { return v.Group == "" && len(v.Countries) == 0 }

// Filter selects the invitees on the roster.
func (v Invitees) Filter() PeopleFilter {
	f := PeopleFilter{Roles: []Role{RoleFocalPoint, RoleAlternate}, Statuses: []Status{StatusActive}}
	if v.Group != "" {
		for _, c := range CountriesInGroup(v.Group) {
			f.Countries = append(f.Countries, c.Alpha2)
		}
	} else {
		f.Countries = slices.Clone(v.Countries)
	}
	return f
}

// Validate checks that the invitees name a known group or known countries,
// not both.
func (v Invitees) Validate() error {
	if v.Group != "" {
		if v.Group.Name() == "" || len(v.Countries) > 0 {
			return Errorf(EINVALID, "Invite all, a regional group or countries: invitees=all, invitees=African or invitees=\"Ghana, Denmark\".")
		}
		return nil
	}
	for _, c := range v.Countries {
		if _, ok := CountryByCode(c); !ok {
			return Errorf(EINVALID, "Unknown invitee country code %q.", c)
		}
	}
	return nil
}

// Validate checks everything but the rule, which needs a recurrence library
// (package scheduler checks it).
func (s *Series) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	switch {
	case s.Name == "":
		return Errorf(EINVALID, "A series needs a name: name=\"…\".")
	case strings.ContainsAny(s.Name+s.Venue+s.Address, "\r\n"):
		return Errorf(EINVALID, "The name, venue and address must each be on one line.")
	case s.Start.IsZero():
		return Errorf(EINVALID, "A series needs its first meeting: start=\"YYYY-MM-DD HH:MM\".")
	case s.Duration <= 0 || s.Duration > MaxMeetingLen:
		return Errorf(EINVALID, "A meeting of the series must last between a minute and 14 days: duration=7h.")
	case s.Venue == "":
		return Errorf(EINVALID, "Say where the series meets: venue=\"…\".")
	case s.PlanAhead < 24*time.Hour || s.PlanAhead > 730*24*time.Hour:
		return Errorf(EINVALID, "Plan between 1 and 730 days ahead: plan=120d.")
	}
	if err := ValidateYear(s.Start); err != nil {
		return err
	}
	if _, err := LoadZone(s.TimeZone); err != nil {
		return err
	}
	for _, h := range s.Hosts {
		if _, ok := CountryByCode(h); !ok {
			return Errorf(EINVALID, "Unknown host country code %q.", h)
		}
	}
	if err := s.Invitees.Validate(); err != nil {
		return err
	}
	return ValidateReminders(s.Reminders)
}

// ValidateReminders checks reminder offsets: up to 5, each between 5 minutes
// and 60 days before the start.
func ValidateReminders(offsets []time.Duration) error {
	if len(offsets) > 5 {
		return Errorf(EINVALID, "At most 5 reminders, e.g. reminders=14d,2d,2h.")
	}
	for _, o := range offsets {
		if o < 5*time.Minute || o > 60*24*time.Hour {
			return Errorf(EINVALID, "A reminder must come between 5 minutes and 60 days before the meeting.")
		}
	}
	return nil
}

// Attendance is who came to a meeting, by country (delegates count for theirs).
type Attendance struct {
	MeetingID int64
	Countries []string // alpha-2 codes
}

package model

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrStaleResponse is what recording an answer to an older sequence of a
// meeting than the answer already recorded returns: the newer answer stands.
var ErrStaleResponse = errors.New("an answer to a newer version of the invitation is recorded")

// MeetingStatus is where a meeting stands.
type MeetingStatus string

// The statuses of a meeting.
const (
	MeetingDraft     MeetingStatus = "draft"     // planned, not yet announced
	MeetingScheduled MeetingStatus = "scheduled" // announced; invitations may go out
	MeetingCancelled MeetingStatus = "cancelled"
	MeetingHeld      MeetingStatus = "held"
)

// Meeting is a network meeting. Its UID and Sequence are those of its
// calendar invitations: the UID never changes, and the Sequence rises with
// every change that invitees must see.
type Meeting struct {
	ID        int64
	UID       string
	Sequence  int
	Title     string
	Start     time.Time // UTC
	End       time.Time // UTC
	TimeZone  string    // the venue's IANA zone
	Venue     string    // e.g. "United Nations Headquarters, Conference Room 7"
	Address   string
	OnlineURL string
	Hosts     []string // alpha-2 codes of the host countries
	Organiser string   // the organising secretariat
	Agenda    string
	Status    MeetingStatus
	Public    bool // listed in the network's public calendar feed
	// SeriesID and Occurrence link a meeting planned from a series to the
	// occurrence it is for; there is at most one meeting per occurrence.
	SeriesID   int64
	Occurrence time.Time
	Reminders  []time.Duration // offsets before the start; nil: DefaultReminders
	// RemindedThrough is the moment up to which the reminders of sequence
	// RemindedSequence have been queued (the scheduler's durable mark).
	RemindedThrough  time.Time
	RemindedSequence int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Limits on a meeting's fields.
const (
	MaxTitleLen   = 200
	MaxAgendaLen  = 20000
	MaxMeetingLen = 14 * 24 * time.Hour
)

// The years a date may fall in. Others are typing mistakes ("0012-09-29"),
// and the recurrence and calendar code is not made for them: dates are
// checked before they reach it.
const (
	MinYear = 1900
	MaxYear = 2199
)

// ValidateYear checks that t falls between MinYear and MaxYear (EINVALID).
func ValidateYear(t time.Time) error {
	if y := t.Year(); y < MinYear || y > MaxYear {
		// Years as text, so that no printer groups their digits.
		return Errorf(EINVALID, "The year %s is out of range: give a date from %s to %s.",
			strconv.Itoa(y), strconv.Itoa(MinYear), strconv.Itoa(MaxYear))
	}
	return nil
}

// Ended reports whether the meeting is over at now: nobody can be invited
// to it any more.
func (m *Meeting) Ended(now time.Time) bool { return !m.End.After(now) }

// Location is the meeting's time zone; UTC if the zone is unknown.
func (m *Meeting) Location() *time.Location {
	loc, err := LoadZone(m.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Validate checks a meeting and says what to fix (EINVALID).
func (m *Meeting) Validate() error {
	m.Title = strings.TrimSpace(m.Title)
	switch {
	case m.Title == "":
		return Errorf(EINVALID, "A meeting needs a title: title=\"…\".")
	case len(m.Title) > MaxTitleLen:
		return Errorf(EINVALID, "The title is too long (at most %d characters).", MaxTitleLen)
	case strings.ContainsAny(m.Title+m.Venue+m.Address+m.OnlineURL, "\r\n\x00"):
		return Errorf(EINVALID, "The title, venue, address and link must each be on one line.")
	case len(m.Agenda) > MaxAgendaLen:
		return Errorf(EINVALID, "The agenda is too long (at most %d characters).", MaxAgendaLen)
	case m.Start.IsZero():
		return Errorf(EINVALID, "A meeting needs a start: start=\"2012-09-29 10:00\".")
	case !m.End.After(m.Start):
		return Errorf(EINVALID, "The meeting must end after it starts.")
	case m.End.Sub(m.Start) > MaxMeetingLen:
		return Errorf(EINVALID, "A meeting cannot last more than 14 days.")
	case m.Venue == "" && m.OnlineURL == "":
		return Errorf(EINVALID, "Say where the meeting is: venue=\"…\" or online=https://….")
	}
	if err := ValidateYear(m.Start); err != nil {
		return err
	}
	if err := ValidateYear(m.End); err != nil {
		return err
	}
	if _, err := LoadZone(m.TimeZone); err != nil {
		return err
	}
	if m.OnlineURL != "" && !strings.HasPrefix(m.OnlineURL, "https://") && !strings.HasPrefix(m.OnlineURL, "http://") {
		return Errorf(EINVALID, "%q is not a link: it should start with https://.", m.OnlineURL)
	}
	for _, h := range m.Hosts {
		if _, ok := CountryByCode(h); !ok {
			return Errorf(EINVALID, "Unknown host country code %q.", h)
		}
	}
	switch m.Status {
	case MeetingDraft, MeetingScheduled, MeetingCancelled, MeetingHeld:
	default:
		return Errorf(EINVALID, "Unknown meeting status %q.", m.Status)
	}
	return ValidateReminders(m.Reminders)
}

// ReminderOffsets are the meeting's reminder offsets, largest first.
func (m *Meeting) ReminderOffsets() []time.Duration {
	offsets := slices.Clone(m.Reminders)
	if offsets == nil {
		offsets = slices.Clone(DefaultReminders)
	}
	slices.SortFunc(offsets, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return offsets
}

// Response is an invitee's answer.
type Response string

// The answers an invitee can give; ResponseNone until they answer.
const (
	ResponseNone     Response = "needs-action"
	ResponseYes      Response = "accepted"
	ResponseNo       Response = "declined"
	ResponseMaybe    Response = "tentative"
	ResponseDelegate Response = "delegated"
)

// ParseResponse reads yes/no/maybe and their synonyms.
func ParseResponse(s string) (Response, error) {
	switch fold(s) {
	case "yes", "y", "accept", "accepted", "attending", "going":
		return ResponseYes, nil
	case "no", "n", "decline", "declined", "regrets":
		return ResponseNo, nil
	case "maybe", "tentative", "perhaps":
		return ResponseMaybe, nil
	}
	return "", Errorf(EINVALID, "Answer yes, no or maybe, e.g. rsvp yes.")
}

// Invitation is one invitee of one meeting: a person on the roster, or a
// guest known only by name and e-mail.
type Invitation struct {
	ID          int64
	MeetingID   int64
	PersonID    int64  // 0 for a guest
	Name        string // the guest's name, or the person's when invited
	Email       string
	Country     string // alpha-2, for status by country; may be empty for guests
	Response    Response
	RespondedAt time.Time
	// ResponseSequence is the meeting Sequence the answer was given to; an
	// answer to an older sequence never overwrites a newer one.
	ResponseSequence int
	CreatedAt        time.Time
}

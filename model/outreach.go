package model

import (
	"strings"
	"time"
)

// Stage is where a country without an active focal point stands in the
// secretariat's outreach to it.
type Stage string

// The stages of outreach, in pipeline order. A country with no outreach
// record is StageNotContacted; one with an active focal point counts as
// StageAppointed whatever is stored, which the store's readers derive.
const (
	StageNotContacted Stage = "not-contacted"
	StageContacted    Stage = "contacted"
	StageInterested   Stage = "interested"
	StageAppointed    Stage = "appointed"
	StageDeclined     Stage = "declined"
)

// Stages lists every stage, in pipeline order.
var Stages = []Stage{StageNotContacted, StageContacted, StageInterested, StageAppointed, StageDeclined}

// ParseStage reads a stage forgivingly: "not contacted", "Not-Contacted",
// "interested", "declined", "refused".
func ParseStage(s string) (Stage, error) {
	switch fold(s) {
	case "notcontacted", "uncontacted", "none", "new":
		return StageNotContacted, nil
	case "contacted", "contact", "approached":
		return StageContacted, nil
	case "interested", "interest":
		return StageInterested, nil
	case "appointed", "appoint", "nominated":
		return StageAppointed, nil
	case "declined", "decline", "refused", "notinterested":
		return StageDeclined, nil
	}
	return "", Errorf(EINVALID, "Unknown stage %q: use not-contacted, contacted, interested, appointed or declined.", s)
}

// Open reports whether outreach at this stage is still going on: neither
// appointed nor declined.
func (s Stage) Open() bool { return s != StageAppointed && s != StageDeclined }

// Outreach is the secretariat's outreach to one country.
type Outreach struct {
	Country   string // alpha-2 code
	Stage     Stage
	OwnerID   int64     // the member of the secretariat in charge; 0 for none
	FollowUp  time.Time // the day to follow up, as midnight UTC; zero for none
	UpdatedAt time.Time // zero when there is no record yet
}

// NewOutreach is a country's outreach before anything is recorded: not
// contacted, with no owner and no follow-up.
func NewOutreach(country string) Outreach {
	return Outreach{Country: strings.ToUpper(strings.TrimSpace(country)), Stage: StageNotContacted}
}

// Normalize upper-cases the country code and keeps only the calendar date
// of the follow-up (in the location it is given in), as midnight UTC.
func (o *Outreach) Normalize() {
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	o.FollowUp = calendarDay(o.FollowUp)
}

// Validate checks an outreach record after Normalize (EINVALID).
func (o *Outreach) Validate() error {
	if _, ok := CountryByCode(o.Country); !ok || len(o.Country) != 2 {
		return Errorf(EINVALID, "Unknown country code %q.", o.Country)
	}
	switch o.Stage {
	case StageNotContacted, StageContacted, StageInterested, StageAppointed, StageDeclined:
	default:
		return Errorf(EINVALID, "Unknown stage %q: use not-contacted, contacted, interested, appointed or declined.", o.Stage)
	}
	if o.OwnerID < 0 {
		return Errorf(EINVALID, "There is no person %d on the roster.", o.OwnerID)
	}
	return nil
}

// MaxNoteLen is the longest outreach note, in bytes.
const MaxNoteLen = 4000

// OutreachNote is one entry in the log of outreach to a country.
type OutreachNote struct {
	ID       int64
	Country  string // alpha-2 code
	AuthorID int64  // 0 for the system or the command line
	Author   string // the author's name and e-mail or Slack ID, kept if they leave
	At       time.Time
	Text     string
}

// Normalize upper-cases the country code and trims the text.
func (n *OutreachNote) Normalize() {
	n.Country = strings.ToUpper(strings.TrimSpace(n.Country))
	n.Text = strings.TrimSpace(n.Text)
}

// Validate checks a note after Normalize (EINVALID).
func (n *OutreachNote) Validate() error {
	switch _, ok := CountryByCode(n.Country); {
	case !ok || len(n.Country) != 2:
		return Errorf(EINVALID, "Unknown country code %q.", n.Country)
	case n.Text == "":
		return Errorf(EINVALID, "A note needs some text: say what happened, e.g. \"Met the deputy permanent representative\".")
	case len(n.Text) > MaxNoteLen:
		return Errorf(EINVALID, "The note is too long (at most %d characters).", MaxNoteLen)
	case strings.ContainsRune(n.Text, 0):
		return Errorf(EINVALID, "The note contains a NUL character: write plain text.")
	}
	return nil
}

// calendarDay is t's calendar date, in t's own location, as midnight UTC;
// the zero time stays zero.
func calendarDay(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

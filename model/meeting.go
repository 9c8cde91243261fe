package model

import (
	"cmp"
	"errors"
	"maps"
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
	// Titles and Agendas are the meeting's title and agenda in other
	// languages, as the secretariat wrote them (title.fr=…), keyed by
	// language tag ("fr", "zh-Hans"); a reader whose language has none gets
	// Title and Agenda. See TitleIn.
	Titles  map[string]string `json:",omitempty"`
	Agendas map[string]string `json:",omitempty"`
	Status  MeetingStatus
	Public  bool // listed in the network's public calendar feed
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
		return FieldErrorf("title", EINVALID, "A meeting needs a title: title=\"…\".")
	case len(m.Title) > MaxTitleLen:
		return FieldErrorf("title", EINVALID, "The title is too long (at most %d characters).", MaxTitleLen)
	case strings.ContainsAny(m.Title+m.Venue+m.Address+m.OnlineURL, "\r\n\x00"):
		field := "title"
		for _, f := range []struct{ name, v string }{{"venue", m.Venue}, {"address", m.Address}, {"online", m.OnlineURL}} {
			if strings.ContainsAny(f.v, "\r\n\x00") {
				field = f.name
			}
		}
		return FieldErrorf(field, EINVALID, "The title, venue, address and link must each be on one line.")
	case len(m.Agenda) > MaxAgendaLen:
		return FieldErrorf("agenda", EINVALID, "The agenda is too long (at most %d characters).", MaxAgendaLen)
	case m.translationError() != nil:
		return m.translationError()
	case m.Start.IsZero():
		return FieldErrorf("start", EINVALID, "A meeting needs a start: start=\"2012-09-29 10:00\".")
	case !m.End.After(m.Start):
		return FieldErrorf("end", EINVALID, "The meeting must end after it starts.")
	case m.End.Sub(m.Start) > MaxMeetingLen:
		return FieldErrorf("end", EINVALID, "A meeting cannot last more than 14 days.")
	case m.Venue == "" && m.OnlineURL == "":
		return FieldErrorf("venue", EINVALID, "Say where the meeting is: venue=\"…\" or online=https://….")
	}
	if err := ValidateYear(m.Start); err != nil {
		return inField(err, "start")
	}
	if err := ValidateYear(m.End); err != nil {
		return inField(err, "end")
	}
	if _, err := LoadZone(m.TimeZone); err != nil {
		return inField(err, "tz")
	}
	if m.OnlineURL != "" && !strings.HasPrefix(m.OnlineURL, "https://") && !strings.HasPrefix(m.OnlineURL, "http://") {
		return FieldErrorf("online", EINVALID, "%q is not a link: it should start with https://.", m.OnlineURL)
	}
	for _, h := range m.Hosts {
		if _, ok := CountryByCode(h); !ok {
			return FieldErrorf("hosts", EINVALID, "Unknown host country code %q.", h)
		}
	}
	switch m.Status {
	case MeetingDraft, MeetingScheduled, MeetingCancelled, MeetingHeld:
	default:
		return Errorf(EINVALID, "Unknown meeting status %q.", m.Status)
	}
	return inField(ValidateReminders(m.Reminders), "reminders")
}

// inField names the field of a domain error that names none; other errors,
// and nil, it returns as they are.
func inField(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		return e.InField(field)
	}
	return err
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
	Language    string // a guest's language ("fr"), given when invited; people have theirs in their profile
	Response    Response
	RespondedAt time.Time
	// ResponseSequence is the meeting Sequence the answer was given to; an
	// answer to an older sequence never overwrites a newer one.
	ResponseSequence int
	// ResponseStamp is when the answer says it was made: a calendar
	// reply's DTSTAMP, or the time of an answer given in focalbot. Between
	// answers to one sequence the later stamp wins.
	ResponseStamp time.Time
	CreatedAt     time.Time
	// Delegation (delegation.go): Title is a delegate's title, as the focal
	// point gave it; DelegatedTo is the invitation of the colleague this
	// invitee sent instead (their Response is then ResponseDelegate);
	// DelegatedFrom the invitation of the invitee this one stands in for.
	// 0 when none.
	Title         string `json:",omitempty"`
	DelegatedTo   int64  `json:",omitempty"`
	DelegatedFrom int64  `json:",omitempty"`
}

// SeenChange reports whether b differs from m in anything its invitees see
// in their calendars: title, time, zone, place, link, agenda or hosts. It is
// the one definition of such a change; Differs builds on it.
func (m *Meeting) SeenChange(b Meeting) bool {
	return m.Title != b.Title || !m.Start.Equal(b.Start) || !m.End.Equal(b.End) || m.TimeZone != b.TimeZone ||
		m.Venue != b.Venue || m.Address != b.Address || m.OnlineURL != b.OnlineURL || m.Agenda != b.Agenda ||
		!slices.Equal(m.Hosts, b.Hosts) || !maps.Equal(m.Titles, b.Titles) || !maps.Equal(m.Agendas, b.Agendas)
}

// TitleIn is the meeting's title in the language tag lang, or Title when
// the secretariat gave none in it.
func (m *Meeting) TitleIn(lang string) string {
	if t := m.Titles[lang]; t != "" {
		return t
	}
	return m.Title
}

// AgendaIn is the meeting's agenda in the language tag lang, or Agenda when
// the secretariat gave none in it.
func (m *Meeting) AgendaIn(lang string) string {
	if a := m.Agendas[lang]; a != "" {
		return a
	}
	return m.Agenda
}

// translationError checks the titles and agendas in other languages as
// Validate checks Title and Agenda.
func (m *Meeting) translationError() error {
	for lang, t := range m.Titles {
		field := "title." + lang
		switch {
		case strings.TrimSpace(t) == "":
			return FieldErrorf(field, EINVALID, "The title in %s is empty: give its text, as title.%s=\"…\".", lang, lang)
		case len(t) > MaxTitleLen:
			return FieldErrorf(field, EINVALID, "The title in %s is too long (at most %d characters).", lang, MaxTitleLen)
		case strings.ContainsAny(t, "\r\n\x00"):
			return FieldErrorf(field, EINVALID, "The title in %s must be on one line.", lang)
		}
	}
	for lang, a := range m.Agendas {
		if len(a) > MaxAgendaLen {
			return FieldErrorf("agenda."+lang, EINVALID, "The agenda in %s is too long (at most %d characters).", lang, MaxAgendaLen)
		}
	}
	return nil
}

// Differs reports whether b differs from m in anything but the time it
// was saved: a change invitees see, or one of the meeting's own settings.
func (m *Meeting) Differs(b Meeting) bool {
	return m.SeenChange(b) || m.ID != b.ID || m.UID != b.UID || m.Sequence != b.Sequence || m.Organiser != b.Organiser ||
		m.Status != b.Status || m.Public != b.Public || m.SeriesID != b.SeriesID || !m.Occurrence.Equal(b.Occurrence) ||
		!slices.Equal(m.Reminders, b.Reminders) || !m.RemindedThrough.Equal(b.RemindedThrough) ||
		m.RemindedSequence != b.RemindedSequence || !m.CreatedAt.Equal(b.CreatedAt)
}

// The refusals of a meeting's transitions.
const (
	msgMeetingClosed  = "Meeting %d is %s: it can no longer change."
	msgMeetingAlready = "Meeting %d is %s already."
	msgMeetingEnded   = "Meeting %d ended on %s: it can no longer be announced, and nobody can be invited to it."
)

// endText is how a refusal writes when a meeting ended.
func (m *Meeting) endText() Moment { return Moment{m.End.In(m.Location())} }

// Closed reports whether the meeting is cancelled or held: it can no
// longer change.
func (m *Meeting) Closed() bool { return m.Status == MeetingCancelled || m.Status == MeetingHeld }

// CheckOpen refuses a change to a closed meeting.
//
// Errors: ECONFLICT.
func (m *Meeting) CheckOpen() error {
	if m.Closed() {
		return Errorf(ECONFLICT, msgMeetingClosed, m.ID, m.Status)
	}
	return nil
}

// Revise applies the SEQUENCE rule after m was edited from old: a change
// its invitees see raises the sequence of a scheduled meeting, so that
// their calendars apply it (a draft's changes are seen by nobody yet). It
// reports whether the invitees are to be sent the new version.
func (m *Meeting) Revise(old Meeting) bool {
	if m.Status != MeetingScheduled || !m.SeenChange(old) {
		return false
	}
	m.Sequence++
	return true
}

// Schedule announces a draft at now: draft → scheduled. Its invitations
// then go out, at the same sequence.
//
// Errors: ECONFLICT for a meeting scheduled already, closed, or over.
func (m *Meeting) Schedule(now time.Time) error {
	switch {
	case m.Status == MeetingScheduled:
		return Errorf(ECONFLICT, msgMeetingAlready, m.ID, m.Status)
	case m.Closed():
		return Errorf(ECONFLICT, msgMeetingClosed, m.ID, m.Status)
	case m.Ended(now):
		return Errorf(ECONFLICT, msgMeetingEnded, m.ID, m.endText())
	}
	m.Status = MeetingScheduled
	return nil
}

// CheckSchedulable refuses early what Schedule would refuse for a meeting
// that is over.
//
// Errors: ECONFLICT.
func (m *Meeting) CheckSchedulable(now time.Time) error {
	if m.Ended(now) {
		return Errorf(ECONFLICT, msgMeetingEnded, m.ID, m.endText())
	}
	return nil
}

// Cancel cancels a draft or a scheduled meeting. A scheduled one's sequence
// rises, and it reports true: its invitees are to be told. A draft was
// seen by nobody.
//
// Errors: ECONFLICT for a meeting cancelled already or held.
func (m *Meeting) Cancel() (bool, error) {
	switch {
	case m.Status == MeetingCancelled:
		return false, Errorf(ECONFLICT, msgMeetingAlready, m.ID, m.Status)
	case m.Closed():
		return false, Errorf(ECONFLICT, msgMeetingClosed, m.ID, m.Status)
	}
	wasDraft := m.Status == MeetingDraft
	m.Status = MeetingCancelled
	if wasDraft {
		return false, nil
	}
	m.Sequence++
	return true, nil
}

// Hold marks the meeting held at now, once it has started: its attendance
// is being recorded. A meeting held already stays held.
//
// Errors: ECONFLICT for a draft, a cancelled meeting, or one not started.
func (m *Meeting) Hold(now time.Time) error {
	switch {
	case m.Status == MeetingCancelled || m.Status == MeetingDraft:
		return Errorf(ECONFLICT, "Meeting %d is %s: no attendance to record.", m.ID, m.Status)
	case m.Start.After(now):
		return Errorf(ECONFLICT, "Meeting %d has not started yet.", m.ID)
	}
	m.Status = MeetingHeld
	return nil
}

// CheckInvitable refuses invitations to a closed meeting, or to one that
// is over at now.
//
// Errors: ECONFLICT.
func (m *Meeting) CheckInvitable(now time.Time) error {
	switch {
	case m.Closed():
		return Errorf(ECONFLICT, "Meeting %d is %s: nobody can be invited to it.", m.ID, m.Status)
	case m.Ended(now):
		return Errorf(ECONFLICT, "Meeting %d ended on %s: nobody can be invited to it any more.", m.ID, m.endText())
	}
	return nil
}

// Answerable refuses an answer to a meeting that is not scheduled.
//
// Errors: ECONFLICT.
func (m *Meeting) Answerable() error {
	if m.Status != MeetingScheduled {
		return Errorf(ECONFLICT, msgMeetingClosed, m.ID, m.Status)
	}
	return nil
}

// Answer records on inv the answer r given to sequence seq of its meeting
// at now, with the precedence of answers: one to an older sequence than
// the answer recorded never overwrites it (a late calendar reply), and
// between answers to one sequence the later wins. It reports whether inv
// changed; for a stale answer it returns ErrStaleResponse and leaves inv.
func (inv *Invitation) Answer(r Response, seq int, now time.Time) (bool, error) {
	return inv.AnswerStamped(r, seq, time.Time{}, now)
}

// AnswerStamped is Answer for an answer that says when it was made (a
// calendar reply's DTSTAMP): between answers to one sequence, the one made
// later wins, whatever order they arrive in, so a reply delivered late
// never overwrites a later answer. An answer without a stamp (zero), or
// one that claims to be made after now (a sender's clock ahead), is made
// at now. The same answer to the same sequence again changes nothing. For
// an answer older than the one recorded it returns ErrStaleResponse and
// leaves inv.
func (inv *Invitation) AnswerStamped(r Response, seq int, stamp, now time.Time) (bool, error) {
	if stamp.IsZero() || stamp.After(now) {
		stamp = now
	}
	stamp = stamp.UTC()
	switch {
	case seq < inv.ResponseSequence:
		return false, ErrStaleResponse
	case inv.Response == r && inv.ResponseSequence == seq:
		return false, nil
	case seq == inv.ResponseSequence && inv.Response != ResponseNone && inv.Response != "":
		recorded := inv.ResponseStamp
		if recorded.IsZero() {
			recorded = inv.RespondedAt
		}
		if stamp.Before(recorded) {
			return false, ErrStaleResponse
		}
	}
	inv.Response, inv.RespondedAt, inv.ResponseSequence, inv.ResponseStamp = r, now, seq, stamp
	return true, nil
}

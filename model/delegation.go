package model

import (
	"strings"
	"time"
)

// Delegation, answers recorded for others, and the country as the unit of
// answers: the rules every way in shares.

// The refusals of a delegation.
const (
	msgDelegateName      = "Give your colleague's name: name=\"…\" (one line, at most %d characters)."
	msgDelegateTitle     = "The title must be on one line, at most %d characters."
	msgDelegateSelf      = "You cannot send yourself: give your colleague's e-mail address."
	msgDelegatedAlready  = "You have sent a colleague to meeting %d already: they answer for you now."
	msgDelegateAnswerNot = "Send a colleague with delegate, not rsvp."
	msgAnswerDelegated   = "You sent a colleague to meeting %d: they answer for you now."
)

// Limits on what a delegate is given.
const (
	MaxDelegateNameLen  = 200
	MaxDelegateTitleLen = 200
)

// Delegate is the colleague an invitee sends instead of themselves.
type Delegate struct {
	Email string
	Name  string
	Title string // optional
}

// Validate checks a delegate, normalising the address and trimming the
// name and title, and says what to fix.
//
// Errors: EINVALID, naming the field ("email", "name" or "title").
func (d *Delegate) Validate() error {
	d.Email = NormalizeEmail(d.Email)
	d.Name, d.Title = strings.TrimSpace(d.Name), strings.TrimSpace(d.Title)
	if err := ValidateEmail(d.Email); err != nil {
		return inField(err, "email")
	}
	if d.Name == "" || len(d.Name) > MaxDelegateNameLen || strings.ContainsAny(d.Name, "\r\n\x00") {
		return FieldErrorf("name", EINVALID, msgDelegateName, MaxDelegateNameLen)
	}
	if len(d.Title) > MaxDelegateTitleLen || strings.ContainsAny(d.Title, "\r\n\x00") {
		return FieldErrorf("title", EINVALID, msgDelegateTitle, MaxDelegateTitleLen)
	}
	return nil
}

// Delegated reports whether the invitee sent a colleague instead.
func (inv *Invitation) Delegated() bool { return inv.DelegatedTo != 0 }

// CheckDelegation refuses a delegation from inv to d: to oneself, or from
// someone who has sent a colleague already (the delegate answers now).
//
// Errors: EINVALID (field "email"); ECONFLICT.
func (inv *Invitation) CheckDelegation(d Delegate) error {
	if NormalizeEmail(inv.Email) == d.Email {
		return FieldErrorf("email", EINVALID, msgDelegateSelf)
	}
	if inv.Delegated() {
		return Errorf(ECONFLICT, msgDelegatedAlready, inv.MeetingID)
	}
	return nil
}

// CheckAnswerable refuses an answer from an invitee who sent a colleague:
// the colleague answers now, and the calendars say so.
//
// Errors: ECONFLICT.
func (inv *Invitation) CheckAnswerable() error {
	if inv.Delegated() {
		return Errorf(ECONFLICT, msgAnswerDelegated, inv.MeetingID)
	}
	return nil
}

// DelegateTo records on inv that it sent the invitee of invitation to
// instead, in answer to sequence seq at now: its answer becomes
// ResponseDelegate, with the precedence of Answer.
func (inv *Invitation) DelegateTo(to int64, seq int, now time.Time) error {
	if _, err := inv.Answer(ResponseDelegate, seq, now); err != nil {
		return err
	}
	inv.DelegatedTo = to
	return nil
}

// CheckAnswer refuses an answer that a transport may not set directly:
// ResponseDelegate, which only a delegation sets.
//
// Errors: EINVALID.
func CheckAnswer(r Response) error {
	switch r {
	case ResponseYes, ResponseNo, ResponseMaybe:
		return nil
	case ResponseDelegate:
		return Errorf(EINVALID, msgDelegateAnswerNot)
	}
	return Errorf(EINVALID, "Answer yes, no or maybe, e.g. rsvp yes.")
}

// AskAgain sends inv's answer back to ResponseNone for sequence seq, as
// calendars do when a meeting moves: the invitee is asked to answer again.
// A delegation stands (the delegate is asked instead). It reports whether
// inv changed.
func (inv *Invitation) AskAgain(seq int) bool {
	if inv.Delegated() || inv.Response == ResponseNone && inv.ResponseSequence == seq {
		return false
	}
	inv.Response, inv.RespondedAt, inv.ResponseSequence = ResponseNone, time.Time{}, seq
	return true
}

// MovesTime reports whether b is at another time than m: a change that
// asks every invitee to answer again (AskAgain), as Outlook does. A change
// of agenda, venue details or link keeps every answer.
func (m *Meeting) MovesTime(b Meeting) bool {
	return !m.Start.Equal(b.Start) || !m.End.Equal(b.End)
}

// ForCountry reports whether inv answers for its country: an invitee on
// the roster of that country, or a delegate sent by one. A guest invited
// by e-mail speaks for themselves, not for a government.
func (inv *Invitation) ForCountry() bool {
	return inv.Country != "" && (inv.PersonID != 0 || inv.DelegatedFrom != 0)
}

// countryRank orders answers for CountryAnswer: the strongest wins.
var countryRank = map[Response]int{ResponseYes: 4, ResponseMaybe: 3, ResponseNo: 2, ResponseNone: 1}

// CountryAnswer is a country's answer from its invitations (those that
// ForCountry), the one definition of it: the strongest answer of any of
// its invitees — focal point, alternate or delegate — in the order
//
//	accepted > tentative > declined > needs-action
//
// so a country is coming when anyone of it accepted; maybe when nobody
// accepted and someone said maybe; declined when nobody accepted or said
// maybe and someone declined; and silent (ResponseNone) when nobody has
// answered. An invitee who sent a colleague counts through that
// colleague's answer only. It returns ResponseNone for no invitations.
func CountryAnswer(invs []Invitation) Response {
	best := ResponseNone
	for _, inv := range invs {
		if countryRank[inv.Response] > countryRank[best] {
			best = inv.Response
		}
	}
	return best
}

// CountryAnswers are the answers of the countries invited, by alpha-2
// code (CountryAnswer).
func CountryAnswers(invs []Invitation) map[string]Response {
	by := map[string][]Invitation{}
	for _, inv := range invs {
		if inv.ForCountry() {
			by[inv.Country] = append(by[inv.Country], inv)
		}
	}
	out := make(map[string]Response, len(by))
	for c, list := range by {
		out[c] = CountryAnswer(list)
	}
	return out
}

// LastNudge reports whether offset is the last reminder of the meeting
// (its smallest offset): a country still silent then has its nudge sent to
// its active alternates too, in case the focal point is travelling.
func (m *Meeting) LastNudge(offset time.Duration) bool {
	offsets := m.ReminderOffsets()
	return len(offsets) > 0 && offsets[len(offsets)-1] == offset
}

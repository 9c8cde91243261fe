package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"
)

// Reply is an attendee's answer read from a METHOD:REPLY calendar, or
// another message an attendee sends the organiser (COUNTER, REFRESH).
type Reply struct {
	Method   Method // REPLY, COUNTER or REFRESH
	UID      string
	Sequence int       // the SEQUENCE of the invitation answered
	Stamp    time.Time // DTSTAMP, in UTC; zero when missing or unreadable
	// Attendee is the one who answered; Email is in lower case.
	Attendee Attendee
	// DelegatedFrom is the address, in lower case, of the attendee who
	// delegated to this one, when they answer as a delegate.
	DelegatedFrom string
	// For PARTSTAT=DELEGATED: the colleague sent instead (DELEGATED-TO), in
	// lower case, and their name when the reply lists them as an ATTENDEE
	// with a CN, as Outlook and Apple Calendar do.
	DelegatedTo, DelegateName string
	// For a COUNTER: the proposed start and end as written (with their
	// TZID, which may be a Windows zone name), and the attendee's COMMENT.
	ProposedStart, ProposedEnd, Comment string
	// For a COUNTER: the proposed start and end as instants, when the
	// calendar says in which zone they are (UTC, an IANA TZID, or a
	// VTIMEZONE it carries); zero when it does not.
	ProposedFrom, ProposedTo time.Time
}

// Bounds on what ParseReply reads: real replies are a few kilobytes, with
// parameters of a few hundred octets.
const (
	maxReply  = 1 << 20 // 1 MiB
	maxParams = 8 << 10
)

// ParseReply reads an attendee's answer from a METHOD:REPLY calendar, as
// sent back by Outlook, Gmail, Apple Calendar or Thunderbird. The input is
// untrusted: malformed or hostile input gives an error, never a panic.
//
// It accepts what real clients send: "MAILTO:" in any case and mixed-case
// addresses, a missing ORGANIZER, Windows time zone names in TZIDs (the
// event's times are not read), a delegate's DELEGATED-FROM. When the event
// has several ATTENDEE lines, the one whose address is sender (the e-mail's
// sender, compared without regard to case) is taken; with one ATTENDEE line
// that one is taken, and the caller decides whether a sender who differs may
// answer for it. Errors say in plain words what is wrong.
func ParseReply(r io.Reader, sender string) (Reply, error) {
	return parseFromAttendee(r, sender, MethodReply)
}

// ParseFromAttendee is ParseReply for any message an attendee sends the
// organiser: a REPLY, a COUNTER (a proposal of a new time, whose proposed
// times and comment it reads too) or a REFRESH (a request for the current
// version). Reply.Method says which.
func ParseFromAttendee(r io.Reader, sender string) (Reply, error) {
	return parseFromAttendee(r, sender, MethodReply, MethodCounter, MethodRefresh)
}

func parseFromAttendee(r io.Reader, sender string, methods ...Method) (reply Reply, err error) {
	defer func() {
		// checkSyntax refuses what go-ical is known to panic on; should it
		// panic on something else, the answer still shows no Go internals.
		if v := recover(); v != nil {
			reply, err = Reply{}, errors.New("the calendar data is malformed: it cannot be read as iCalendar (RFC 5545)")
		}
	}()
	data, err := io.ReadAll(io.LimitReader(r, maxReply+1))
	switch {
	case err != nil:
		return Reply{}, fmt.Errorf("read the calendar: %w", err)
	case len(data) > maxReply:
		return Reply{}, errors.New("the calendar is larger than 1 MiB")
	case paramsTooLong(data):
		return Reply{}, fmt.Errorf("the calendar has a property whose parameters are longer than %d octets", maxParams)
	}
	if err := checkSyntax(data); err != nil {
		return Reply{}, err
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Reply{}, errCutShort
		}
		return Reply{}, fmt.Errorf("the calendar cannot be read: %s", strings.TrimPrefix(err.Error(), "ical: "))
	}

	switch method := Method(strings.ToUpper(strings.TrimSpace(propValue(cal.Props.Get(ical.PropMethod))))); {
	case slices.Contains(methods, method):
		reply.Method = method
	case method == "":
		return Reply{}, errors.New("not a reply: the calendar has no METHOD")
	default:
		return Reply{}, fmt.Errorf("not a reply: METHOD is %s", method)
	}

	var ev *ical.Component
	for _, c := range cal.Children {
		if c.Name == ical.CompEvent {
			ev = c
			break
		}
	}
	if ev == nil {
		return Reply{}, errors.New("the calendar has no event (VEVENT)")
	}

	uid := strings.TrimSpace(propValue(ev.Props.Get(ical.PropUID)))
	if uid == "" {
		return Reply{}, errors.New("the calendar has no UID")
	}
	reply.UID = uid

	if p := ev.Props.Get(ical.PropSequence); p != nil {
		n, err := strconv.Atoi(strings.TrimSpace(p.Value))
		if err != nil || n < 0 {
			return Reply{}, fmt.Errorf("SEQUENCE %q is not a number", p.Value)
		}
		reply.Sequence = n
	}

	// DTSTAMP only orders replies: one that is not in UTC is read as UTC,
	// and one that cannot be read is left out rather than losing the answer.
	if p := ev.Props.Get(ical.PropDateTimeStamp); p != nil {
		v := strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(p.Value)), "Z")
		if t, err := time.Parse("20060102T150405", v); err == nil {
			reply.Stamp = t
		}
	}

	if reply.Method == MethodCounter {
		reply.ProposedStart = whenWritten(ev.Props.Get(ical.PropDateTimeStart))
		reply.ProposedEnd = whenWritten(ev.Props.Get(ical.PropDateTimeEnd))
		reply.ProposedFrom = proposedTime(cal, ev.Props.Get(ical.PropDateTimeStart))
		reply.ProposedTo = proposedTime(cal, ev.Props.Get(ical.PropDateTimeEnd))
		if p := ev.Props.Get(ical.PropComment); p != nil {
			reply.Comment, _ = p.Text()
		}
	}

	attendees := ev.Props.Values(ical.PropAttendee)
	var chosen *ical.Prop
	switch {
	case len(attendees) == 0:
		return Reply{}, errors.New("the reply has no ATTENDEE")
	case len(attendees) == 1:
		chosen = &attendees[0]
	default:
		want := mailbox(sender)
		for i := range attendees {
			if want != "" && mailbox(attendees[i].Value) == want {
				chosen = &attendees[i]
				break
			}
		}
		if chosen == nil {
			return Reply{}, fmt.Errorf("the reply has %d ATTENDEEs and none is the sender %q", len(attendees), sender)
		}
	}

	email := mailbox(chosen.Value)
	if !strings.Contains(email, "@") {
		return Reply{}, fmt.Errorf("the ATTENDEE %q is not an e-mail address", chosen.Value)
	}
	stat := NeedsAction // RFC 5545's default
	if s := chosen.Params.Get(ical.ParamParticipationStatus); s != "" {
		stat = PartStat(strings.ToUpper(strings.TrimSpace(s)))
		if !stat.valid() {
			return Reply{}, fmt.Errorf("the ATTENDEE's PARTSTAT %q is not one of ACCEPTED, DECLINED, TENTATIVE, DELEGATED, NEEDS-ACTION", s)
		}
	}
	reply.Attendee = Attendee{
		Person:   Person{Name: param(chosen.Params.Get(ical.ParamCommonName)), Email: email},
		PartStat: stat,
		RSVP:     strings.EqualFold(chosen.Params.Get(ical.ParamRSVP), "TRUE"),
	}
	if from := chosen.Params.Get(ical.ParamDelegatedFrom); from != "" {
		reply.DelegatedFrom = mailbox(from)
	}
	if to := chosen.Params.Get(ical.ParamDelegatedTo); to != "" {
		reply.DelegatedTo = mailbox(to)
		for i := range attendees {
			if mailbox(attendees[i].Value) == reply.DelegatedTo {
				reply.DelegateName = param(attendees[i].Params.Get(ical.ParamCommonName))
			}
		}
	}
	return reply, nil
}

// whenWritten is a date-time property as written, with its TZID:
// "20121002T100000 (Eastern Standard Time)"; "" when there is none.
func whenWritten(p *ical.Prop) string {
	if p == nil {
		return ""
	}
	v := strings.TrimSpace(p.Value)
	if tz := p.Params.Get(ical.ParamTimezoneID); tz != "" {
		return v + " (" + tz + ")"
	}
	return v
}

// propValue is p's value, or "" when there is no such property.
func propValue(p *ical.Prop) string {
	if p == nil {
		return ""
	}
	return p.Value
}

// mailbox is the address of a calendar user ("MAILTO:Ana@Example.org",
// "mailto:ana@example.org" or a bare address) in lower case.
func mailbox(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// paramsTooLong reports whether a content line of data has a name and
// parameters (everything before the colon that starts its value, outside
// quotes) longer than maxParams octets, folded lines joined. go-ical reads
// parameter values in quadratic time: 64 KiB of them take a second.
func paramsTooLong(data []byte) bool {
	n, quoted, inValue := 0, false, false
	for i, c := range data {
		switch {
		case c == '\r':
			continue
		case c == '\n':
			if i+1 < len(data) && (data[i+1] == ' ' || data[i+1] == '\t') {
				continue // folded: the line goes on
			}
			n, quoted, inValue = 0, false, false
		case inValue:
		case c == '"':
			quoted = !quoted
		case c == ':' && !quoted:
			inValue = true
		default:
			if n++; n > maxParams {
				return true
			}
		}
	}
	return false
}

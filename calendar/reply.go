package calendar

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"
)

// Reply is an attendee's answer read from a METHOD:REPLY calendar.
type Reply struct {
	UID      string
	Sequence int       // the SEQUENCE of the invitation answered
	Stamp    time.Time // DTSTAMP, in UTC; zero when missing or unreadable
	// Attendee is the one who answered; Email is in lower case.
	Attendee Attendee
	// DelegatedFrom is the address, in lower case, of the attendee who
	// delegated to this one, when they answer as a delegate.
	DelegatedFrom string
}

// maxReply bounds what ParseReply reads: real replies are a few kilobytes.
const maxReply = 1 << 20

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
func ParseReply(r io.Reader, sender string) (reply Reply, err error) {
	defer func() {
		if v := recover(); v != nil {
			reply, err = Reply{}, fmt.Errorf("the calendar is malformed: %v", v)
		}
	}()
	cal, err := ical.NewDecoder(io.LimitReader(r, maxReply)).Decode()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Reply{}, errors.New("the calendar is empty or cut short")
		}
		return Reply{}, fmt.Errorf("the calendar cannot be read: %s", strings.TrimPrefix(err.Error(), "ical: "))
	}

	switch method := strings.ToUpper(strings.TrimSpace(propValue(cal.Props.Get(ical.PropMethod)))); method {
	case string(MethodReply):
	case "":
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
		v := strings.TrimSuffix(strings.TrimSpace(p.Value), "Z")
		if t, err := time.Parse("20060102T150405", v); err == nil {
			reply.Stamp = t
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
	return reply, nil
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

// Package calendar holds focalbot's iCalendar (RFC 5545) objects: meeting
// invitations, updates and cancellations (iTIP, RFC 5546: METHOD REQUEST and
// CANCEL), calendar feeds (PUBLISH), the VTIMEZONE of a meeting's zone built
// from Go's time zone database, and replies (REPLY) read back from untrusted
// input. It builds on github.com/emersion/go-ical and adds what that package
// leaves out: line folding, VTIMEZONE, iTIP rules and a decoder that cannot
// panic.
//
// It knows nothing of storage, chat or e-mail: callers hand it plain values
// (UIDs and sequences they keep, a DTSTAMP from their clock) and carry the
// bytes it writes wherever they go. MeetingEvent is the one mapping from a
// domain meeting (model) to an event, shared by e-mail, Slack and the feeds.
package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
)

// ProductID is the PRODID of every calendar focalbot writes.
const ProductID = "-//focalbot//focalbot calendar//EN"

// Method is the iTIP method of a calendar (METHOD), which tells the
// receiving calendar what to do with it.
type Method string

// The methods focalbot writes (REQUEST, CANCEL, PUBLISH) and reads (REPLY,
// COUNTER, REFRESH).
const (
	MethodRequest Method = "REQUEST" // an invitation or an update; asks for an answer
	MethodCancel  Method = "CANCEL"  // removes the event from the attendees' calendars
	MethodPublish Method = "PUBLISH" // a feed: events to show, no answer expected
	MethodReply   Method = "REPLY"   // an attendee's answer to a REQUEST
	MethodCounter Method = "COUNTER" // an attendee proposes another time
	MethodRefresh Method = "REFRESH" // an attendee asks for the current version
)

// PartStat is an attendee's participation status (PARTSTAT).
type PartStat string

// The participation statuses of an attendee of an event.
const (
	NeedsAction PartStat = "NEEDS-ACTION"
	Accepted    PartStat = "ACCEPTED"
	Declined    PartStat = "DECLINED"
	Tentative   PartStat = "TENTATIVE"
	Delegated   PartStat = "DELEGATED"
)

func (p PartStat) valid() bool {
	switch p {
	case NeedsAction, Accepted, Declined, Tentative, Delegated:
		return true
	}
	return false
}

// Person is someone with a mailbox: an organizer or an attendee.
type Person struct {
	Name  string // shown by calendars (CN); may be empty
	Email string // a bare address, e.g. "secretariat@globalr2p.org"
}

// Attendee is a person invited to an event, with their answer so far.
type Attendee struct {
	Person
	PartStat PartStat
	RSVP     bool
	// DelegatedTo is the address of the colleague this attendee sent
	// instead (DELEGATED-TO, with PARTSTAT=DELEGATED); DelegatedFrom the
	// address of the attendee this one stands in for (DELEGATED-FROM).
	DelegatedTo, DelegatedFrom string
}

// Event is one meeting as calendars see it (a VEVENT).
type Event struct {
	UID      string    // globally unique, the same in every update and cancellation
	Sequence int       // 0 at first, raised on every significant change
	Stamp    time.Time // DTSTAMP: when this message was made; written in UTC

	Summary     string
	Description string
	// Language and DescriptionLanguage, when set, are the language tags of
	// Summary and Description, written as their LANGUAGE parameter (RFC
	// 5545 3.2.10); DescriptionLanguage defaults to Language.
	Language            string
	DescriptionLanguage string
	Location            string
	URL                 string

	Start, End time.Time // End may be zero (no DTEND)
	// Zone is the venue's IANA time zone: DTSTART and DTEND are written as
	// its local time with TZID=<zone name>, and the calendar carries its
	// VTIMEZONE. Nil or time.UTC writes UTC times (…Z) and no VTIMEZONE.
	Zone *time.Location

	Organizer Person
	Attendees []Attendee
	Cancelled bool // STATUS:CANCELLED; implied by METHOD:CANCEL
	// KeepAnswers says that a REQUEST keeps every attendee's answer (an
	// update that does not move the event): each ATTENDEE carries its
	// PartStat. Otherwise a REQUEST asks everyone (NEEDS-ACTION).
	KeepAnswers bool
}

// Encode writes one VCALENDAR with METHOD, PRODID and VERSION, one VTIMEZONE
// per distinct zone of the events (before the events), and the events, with
// content lines folded at 75 octets. Nothing is written when it fails.
//
// Per method:
//   - MethodRequest: every attendee gets ROLE=REQ-PARTICIPANT,
//     PARTSTAT=NEEDS-ACTION and RSVP=TRUE whatever they answered before,
//     unless the event KeepAnswers: then each carries its PartStat. An
//     attendee who delegated is PARTSTAT=DELEGATED;DELEGATED-TO=… (RSVP
//     FALSE) either way, and a delegate carries DELEGATED-FROM. The
//     events must not be Cancelled (a cancellation goes with MethodCancel).
//   - MethodCancel: STATUS:CANCELLED, with the organizer and the attendees.
//   - MethodPublish (feeds): attendees are left out, nothing asks for an answer.
//   - MethodReply: exactly one attendee, with their PartStat.
//
// Every event needs an organizer, and all but MethodPublish at least one
// attendee. A feed may have no events; the other methods need one. Errors
// say what is wrong with which event.
func Encode(w io.Writer, method Method, events ...Event) error {
	if len(events) == 0 && method == MethodPublish {
		// The feed of someone with no meetings. go-ical refuses a VCALENDAR
		// without components (RFC 5545 wants one), but calendar apps read
		// an empty feed, and Google Calendar serves them so.
		_, err := io.WriteString(w, "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nPRODID:"+ProductID+"\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
		return err
	}
	cal, err := build(method, events)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(4096)
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return fmt.Errorf("encode calendar: %w", err)
	}
	return fold(w, buf.Bytes())
}

// build makes the VCALENDAR component for Encode.
func build(method Method, events []Event) (*ical.Calendar, error) {
	switch method {
	case MethodRequest, MethodCancel, MethodPublish, MethodReply:
	default:
		return nil, fmt.Errorf("unknown calendar method %q", method)
	}
	if len(events) == 0 {
		return nil, errors.New("a calendar needs at least one event")
	}

	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropMethod, string(method))

	// One VTIMEZONE per zone, covering all the events in it.
	type span struct {
		loc      *time.Location
		from, to time.Time
	}
	var zones []*span
	byName := map[string]*span{}
	var vevents []*ical.Component
	for i := range events {
		ev := &events[i]
		comp, err := ev.component(method)
		if err != nil {
			if ev.UID != "" {
				return nil, fmt.Errorf("event %q: %w", ev.UID, err)
			}
			return nil, fmt.Errorf("event %d: %w", i+1, err)
		}
		vevents = append(vevents, comp)
		if !ev.zoned() {
			continue
		}
		end := ev.End
		if end.IsZero() {
			end = ev.Start
		}
		name := ev.Zone.String()
		z := byName[name]
		if z == nil {
			z = &span{ev.Zone, ev.Start, end}
			byName[name] = z
			zones = append(zones, z)
		}
		if ev.Start.Before(z.from) {
			z.from = ev.Start
		}
		if end.After(z.to) {
			z.to = end
		}
	}
	for _, z := range zones {
		tz, err := VTimezone(z.loc, z.from, z.to)
		if err != nil {
			return nil, err
		}
		cal.Children = append(cal.Children, tz)
	}
	cal.Children = append(cal.Children, vevents...)
	return cal, nil
}

// zoned reports whether the event's times are written in a local zone.
func (ev *Event) zoned() bool {
	return ev.Zone != nil && ev.Zone != time.UTC
}

// component checks the event and makes its VEVENT for the method.
func (ev *Event) component(method Method) (*ical.Component, error) {
	switch {
	case strings.TrimSpace(ev.UID) == "":
		return nil, errors.New("the event has no UID")
	case strings.ContainsFunc(ev.UID, unicode.IsControl) || !utf8.ValidString(ev.UID):
		return nil, errors.New("the UID contains control characters or is not UTF-8")
	case ev.Sequence < 0:
		return nil, fmt.Errorf("SEQUENCE %d is negative", ev.Sequence)
	case ev.Stamp.IsZero():
		return nil, errors.New("the event has no DTSTAMP (the time the message is made)")
	case strings.TrimSpace(ev.Summary) == "":
		return nil, errors.New("the event has no SUMMARY (title)")
	case ev.Start.IsZero():
		return nil, errors.New("the event has no start")
	case !ev.End.IsZero() && ev.End.Before(ev.Start):
		return nil, errors.New("the event ends before it starts")
	case method == MethodRequest && ev.Cancelled:
		return nil, errors.New("a cancelled event is sent with METHOD CANCEL, not REQUEST")
	}

	e := ical.NewEvent()
	e.Props.SetText(ical.PropUID, ev.UID)
	e.Props.SetDateTime(ical.PropDateTimeStamp, ev.Stamp.UTC())
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(ev.Sequence)
	e.Props.Set(seq)
	e.Props.SetText(ical.PropSummary, text(ev.Summary))
	if ev.Description != "" {
		e.Props.SetText(ical.PropDescription, text(ev.Description))
	}
	descLang := ev.DescriptionLanguage
	if descLang == "" {
		descLang = ev.Language
	}
	for name, lang := range map[string]string{ical.PropSummary: ev.Language, ical.PropDescription: descLang} {
		if p := e.Props.Get(name); p != nil && lang != "" {
			p.Params.Set(ical.ParamLanguage, lang)
		}
	}
	if ev.Location != "" {
		e.Props.SetText(ical.PropLocation, text(ev.Location))
	}
	if ev.URL != "" {
		u, err := url.Parse(ev.URL)
		if err != nil || !u.IsAbs() || strings.ContainsFunc(ev.URL, unicode.IsSpace) || !utf8.ValidString(ev.URL) {
			return nil, fmt.Errorf("URL %q is not an absolute URL", ev.URL)
		}
		e.Props.SetURI(ical.PropURL, u)
	}

	if err := ev.setTimes(e.Component); err != nil {
		return nil, err
	}

	if method == MethodCancel || ev.Cancelled {
		e.SetStatus(ical.EventCancelled)
	} else {
		e.SetStatus(ical.EventConfirmed)
	}

	// iTIP (RFC 5546) wants the ORGANIZER with every method, PUBLISH too.
	if ev.Organizer.Email == "" {
		return nil, errors.New("the event needs an ORGANIZER")
	}
	org, err := address(ical.PropOrganizer, ev.Organizer)
	if err != nil {
		return nil, fmt.Errorf("organizer: %w", err)
	}
	e.Props.Add(org)

	if method == MethodPublish {
		return e.Component, nil
	}
	if len(ev.Attendees) == 0 {
		return nil, fmt.Errorf("METHOD %s needs at least one ATTENDEE", method)
	}
	if method == MethodReply && len(ev.Attendees) != 1 {
		return nil, fmt.Errorf("a reply has one ATTENDEE, not %d", len(ev.Attendees))
	}
	for _, a := range ev.Attendees {
		p, err := attendeeProp(method, ev.KeepAnswers, a)
		if err != nil {
			return nil, err
		}
		e.Props.Add(p)
	}
	return e.Component, nil
}

// attendeeProp makes the ATTENDEE property of a for method; keepAnswers
// is the event's KeepAnswers.
func attendeeProp(method Method, keepAnswers bool, a Attendee) (*ical.Prop, error) {
	p, err := address(ical.PropAttendee, a.Person)
	if err != nil {
		return nil, fmt.Errorf("attendee: %w", err)
	}
	switch method {
	case MethodRequest:
		p.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
		stat := NeedsAction
		switch {
		case a.PartStat == Delegated || a.DelegatedTo != "":
			stat = Delegated
		case keepAnswers && a.PartStat != "":
			stat = a.PartStat
		}
		if !stat.valid() {
			return nil, fmt.Errorf("attendee %s: unknown PARTSTAT %q", a.Email, a.PartStat)
		}
		p.Params.Set(ical.ParamParticipationStatus, string(stat))
		if stat == Delegated {
			p.Params.Set(ical.ParamRSVP, "FALSE")
		} else {
			p.Params.Set(ical.ParamRSVP, "TRUE")
		}
		if err := delegation(p, a); err != nil {
			return nil, err
		}
	case MethodCancel:
		p.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
	case MethodReply:
		if !a.PartStat.valid() {
			return nil, fmt.Errorf("attendee %s: unknown PARTSTAT %q", a.Email, a.PartStat)
		}
		p.Params.Set(ical.ParamParticipationStatus, string(a.PartStat))
	}
	return p, nil
}

// delegation writes an attendee's DELEGATED-TO and DELEGATED-FROM, each a
// quoted mailto: of a bare address.
func delegation(p *ical.Prop, a Attendee) error {
	for _, d := range []struct{ param, email string }{{ical.ParamDelegatedTo, a.DelegatedTo}, {ical.ParamDelegatedFrom, a.DelegatedFrom}} {
		if d.email == "" {
			continue
		}
		if addr, err := mail.ParseAddress(d.email); err != nil || addr.Name != "" || !strings.EqualFold(addr.Address, d.email) {
			return fmt.Errorf("attendee %s: %q is not a bare e-mail address", a.Email, d.email)
		}
		p.Params.Set(d.param, "mailto:"+d.email)
	}
	return nil
}

// setTimes writes DTSTART and DTEND in the event's zone, or in UTC.
func (ev *Event) setTimes(e *ical.Component) error {
	loc := time.UTC
	if ev.zoned() {
		if err := checkZone(ev.Zone, ev.Start, ev.End); err != nil {
			return err
		}
		loc = ev.Zone
	}
	e.Props.SetDateTime(ical.PropDateTimeStart, ev.Start.In(loc))
	if !ev.End.IsZero() {
		e.Props.SetDateTime(ical.PropDateTimeEnd, ev.End.In(loc))
	}
	return nil
}

// address makes an ORGANIZER or ATTENDEE property: CN=name:mailto:email.
func address(name string, p Person) (*ical.Prop, error) {
	a, err := mail.ParseAddress(p.Email)
	if err != nil || a.Name != "" || !strings.EqualFold(a.Address, p.Email) {
		return nil, fmt.Errorf("%q is not a bare e-mail address", p.Email)
	}
	prop := ical.NewProp(name)
	prop.Value = "mailto:" + p.Email
	if cn := param(p.Name); cn != "" {
		prop.Params.Set(ical.ParamCommonName, cn)
	}
	return prop, nil
}

// param makes s safe as a parameter value: one line, no double quote (which
// cannot be escaped; it becomes an apostrophe), no control characters.
// go-ical quotes the value when it holds ':', ';' or ','.
func param(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// text makes s fit for SetText, which escapes TEXT but refuses CR: line
// breaks become LF, other control characters but tab are dropped.
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

package calendar

import (
	"bytes"
	"io"
	"sync"
	"time"

	ical "github.com/emersion/go-ical"
)

// Cache writes calendars of one event (METHOD REQUEST or CANCEL) exactly as
// Encode does, byte for byte, but builds only once what every message about
// the same event shares: the VCALENDAR lines, the VTIMEZONE and every
// property of the VEVENT but its ATTENDEEs and DTSTAMP, which differ with
// each message. An invitation to 2,000 people builds its VTIMEZONE and event
// once and writes two short lines (folded at 75 octets) for each. Anything
// it does not prepare (other methods, several events, an event or attendee
// Encode refuses) goes through Encode, so errors are Encode's.
//
// The zero Cache is ready; it is safe for concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[eventKey]*prepared
}

// maxPrepared is how many events a Cache keeps; when full it starts again.
const maxPrepared = 64

// eventKey is all that the shared part of an event's calendar depends on:
// the event without its Stamp, Attendees and KeepAnswers (which only the
// ATTENDEE lines show), its times as instants and its zone as written.
type eventKey struct {
	method                 Method
	uid                    string
	sequence               int
	summary, description   string
	language, descLanguage string
	location, url          string
	start, end             time.Time // in UTC
	zone                   *time.Location
	organizer              Person
	cancelled              bool
}

// prepared is an event's calendar, folded, cut where the per-message lines
// go: head ends with BEGIN:VEVENT (the ATTENDEE lines come first, as
// go-ical writes properties in the order of their names), mid runs from
// the property after them to DTSTAMP, tail from the property after DTSTAMP
// to the end.
type prepared struct {
	head, mid, tail []byte
}

// Encode writes a calendar of method with the one event ev, as Encode(w,
// method, ev) does.
func (c *Cache) Encode(w io.Writer, method Method, ev Event) error {
	if method != MethodRequest && method != MethodCancel || ev.Stamp.IsZero() || len(ev.Attendees) == 0 {
		return Encode(w, method, ev)
	}
	p := c.prepared(method, ev)
	if p == nil {
		return Encode(w, method, ev)
	}
	var out bytes.Buffer
	out.Grow(len(p.head) + len(p.mid) + len(p.tail) + 200*len(ev.Attendees) + 32)
	out.Write(p.head)
	for _, a := range ev.Attendees {
		prop, err := attendeeProp(method, ev.KeepAnswers, a)
		if err != nil || !writeProp(&out, prop) {
			return Encode(w, method, ev) // which says what is wrong
		}
	}
	out.Write(p.mid)
	stamp := ical.NewProp(ical.PropDateTimeStamp)
	stamp.SetDateTime(ev.Stamp.UTC())
	if !writeProp(&out, stamp) {
		return Encode(w, method, ev)
	}
	out.Write(p.tail)
	_, err := w.Write(out.Bytes())
	return err
}

// prepared returns the shared part of ev's calendar, building it on first
// use; nil when it cannot be prepared (Encode refuses the event).
func (c *Cache) prepared(method Method, ev Event) *prepared {
	k := eventKey{method: method, uid: ev.UID, sequence: ev.Sequence, summary: ev.Summary, description: ev.Description,
		language: ev.Language, descLanguage: ev.DescriptionLanguage, location: ev.Location, url: ev.URL,
		start: ev.Start.UTC(), end: ev.End.UTC(), organizer: ev.Organizer, cancelled: ev.Cancelled}
	if ev.zoned() {
		k.zone = ev.Zone
	}
	c.mu.Lock()
	p, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = prepare(method, ev)
	if p == nil {
		return nil // not kept: Encode says why, each time
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxPrepared {
		c.m = map[eventKey]*prepared{}
	}
	c.m[k] = p
	return p
}

// prepare encodes ev with a placeholder attendee and stamp and cuts out
// their lines; nil when Encode refuses ev or the result is not laid out as
// expected.
func prepare(method Method, ev Event) *prepared {
	ev.Attendees = []Attendee{{Person: Person{Email: "attendee@example.invalid"}}}
	ev.KeepAnswers = false
	cal, err := build(method, []Event{ev})
	if err != nil {
		return nil
	}
	var raw, out bytes.Buffer
	if err := ical.NewEncoder(&raw).Encode(cal); err != nil {
		return nil
	}
	foldTo(&out, raw.Bytes())
	b := out.Bytes()
	const begin = "\r\nBEGIN:VEVENT\r\n"
	i := bytes.Index(b, []byte(begin))
	if i < 0 || bytes.Count(b, []byte(begin)) != 1 {
		return nil
	}
	p := &prepared{head: b[:i+len(begin)]}
	lines := b[len(p.head):]
	// The placeholder ATTENDEE, with its continuation lines, then the
	// shared lines up to DTSTAMP, then DTSTAMP (never folded: 24 octets).
	rest := lines
	if !bytes.HasPrefix(rest, []byte(ical.PropAttendee+";")) && !bytes.HasPrefix(rest, []byte(ical.PropAttendee+":")) {
		return nil
	}
	for first := true; len(rest) > 0 && (first || rest[0] == ' '); first = false {
		n := bytes.Index(rest, []byte("\r\n")) + 2
		rest = rest[n:]
	}
	mid := 0
	for len(rest[mid:]) > 0 && !bytes.HasPrefix(rest[mid:], []byte(ical.PropDateTimeStamp+":")) {
		n := bytes.Index(rest[mid:], []byte("\r\n"))
		if n < 0 {
			return nil
		}
		mid += n + 2
	}
	stampEnd := bytes.Index(rest[mid:], []byte("\r\n"))
	if stampEnd < 0 {
		return nil
	}
	p.mid, p.tail = rest[:mid], rest[mid+stampEnd+2:]
	return p
}

// writeProp writes one property with go-ical's encoder, folded: it
// encodes a component of that property alone and keeps its line. False
// when go-ical refuses the property (a double quote in a parameter, a line
// break in the value).
func writeProp(out *bytes.Buffer, prop *ical.Prop) bool {
	const name = "X"
	var raw bytes.Buffer
	one := &ical.Component{Name: name, Props: ical.Props{prop.Name: {*prop}}}
	if err := ical.NewEncoder(&raw).Encode(&ical.Calendar{Component: one}); err != nil {
		return false
	}
	b := raw.Bytes()
	foldTo(out, b[len("BEGIN:"+name+"\r\n"):len(b)-len("END:"+name+"\r\n")])
	return true
}

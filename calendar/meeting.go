package calendar

import (
	"strings"
	"time"

	"focalbot/model"
)

// MeetingEvent is meeting m as an event of a calendar written with method,
// organised by org and stamped now: the one mapping from a meeting to a
// calendar event, which e-mail (REQUEST, CANCEL), the .ics file under a
// Slack invitation and the feeds (PUBLISH) share.
//
//   - UID and SEQUENCE are the meeting's; SUMMARY is its title, DESCRIPTION
//     its agenda, URL its online link, LOCATION as Location says;
//   - DTSTART and DTEND are written in the venue's zone (m.TimeZone);
//   - STATUS:CANCELLED with MethodCancel; never with MethodRequest, which
//     says the meeting is on; with MethodPublish when the meeting is
//     cancelled;
//   - the attendees are who the message goes to, each asked to answer
//     (PARTSTAT=NEEDS-ACTION, RSVP); a feed has none.
func MeetingEvent(method Method, m model.Meeting, org Person, now time.Time, attendees ...Person) Event {
	ev := Event{
		UID: m.UID, Sequence: m.Sequence, Stamp: now,
		Summary: m.Title, Description: m.Agenda, Location: Location(m), URL: m.OnlineURL,
		Start: m.Start, End: m.End, Zone: m.Location(),
		Organizer: org,
		Cancelled: method == MethodCancel || method == MethodPublish && m.Status == model.MeetingCancelled,
	}
	for _, a := range attendees {
		ev.Attendees = append(ev.Attendees, Attendee{Person: a, PartStat: NeedsAction, RSVP: true})
	}
	return ev
}

// MeetingEventFor is MeetingEvent with attendees who carry their answers
// and delegations: a REQUEST keeps the answers when keepAnswers (an update
// that does not move the meeting), and always shows who delegated to whom.
func MeetingEventFor(method Method, m model.Meeting, org Person, now time.Time, keepAnswers bool, attendees ...Attendee) Event {
	ev := MeetingEvent(method, m, org, now)
	ev.KeepAnswers = keepAnswers
	ev.Attendees = attendees
	return ev
}

// PartStatOf is an answer as calendars write it (PARTSTAT); NEEDS-ACTION
// for none.
func PartStatOf(r model.Response) PartStat {
	switch r {
	case model.ResponseYes:
		return Accepted
	case model.ResponseNo:
		return Declined
	case model.ResponseMaybe:
		return Tentative
	case model.ResponseDelegate:
		return Delegated
	}
	return NeedsAction
}

// Location is where a meeting is, as calendars show it (LOCATION) and the
// e-mail says it: its venue and address, or its online link when it has
// neither.
func Location(m model.Meeting) string {
	parts := []string{}
	for _, s := range []string{m.Venue, m.Address} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return m.OnlineURL
	}
	return strings.Join(parts, ", ")
}

// In returns the event with the meeting's title and agenda in the language
// tag lang where the secretariat gave them in it (m.Titles, m.Agendas), each
// with its LANGUAGE: lang for a text given in it, source for the meeting's
// own.
func (ev Event) In(m model.Meeting, lang, source string) Event {
	ev.Summary, ev.Language = m.TitleIn(lang), source
	if m.Titles[lang] != "" {
		ev.Language = lang
	}
	ev.Description, ev.DescriptionLanguage = m.AgendaIn(lang), source
	if m.Agendas[lang] != "" {
		ev.DescriptionLanguage = lang
	}
	return ev
}

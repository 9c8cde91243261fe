package delivery

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"time"

	"focalbot/calendar"
	"focalbot/clock"
	"focalbot/mail"
	"focalbot/model"
)

// Email sends outbox items as e-mail: invitations, updates and
// cancellations as iMIP messages carrying an iCalendar object, notices as
// plain mail.
type Email struct {
	Mail  mail.Sender
	Clock clock.Clock
}

// Send renders and sends one item. Failures that retrying cannot mend (SMTP
// 5xx, a message that cannot be made) are returned as Permanent; see
// Classify.
func (e *Email) Send(ctx context.Context, it model.OutboxItem, p Payload) error {
	msg, err := e.message(it, p)
	if err != nil {
		return Permanent(err)
	}
	raw, err := mail.Compose(msg)
	if err != nil {
		return mailFailure(err)
	}
	return mailFailure(e.Mail.Send(ctx, p.Organiser.Email, []string{it.Recipient}, raw))
}

// message builds the e-mail for an item.
func (e *Email) message(it model.OutboxItem, p Payload) (mail.Message, error) {
	now := e.Clock.Now()
	msg := mail.Message{
		From:      mail.Address{Name: p.Organiser.Name, Email: p.Organiser.Email},
		To:        mail.Address{Name: p.Invitee.Name, Email: it.Recipient},
		Date:      now,
		MessageID: messageID(it, p.Organiser.Email),
	}
	switch p.Kind {
	case model.KindNotice, model.KindPoll, model.KindEmailConfirm:
		msg.Subject, msg.Text = noticeSubject(p.Text), p.Text
		return msg, nil
	case model.KindReminder, model.KindNudge:
		v := newView(p)
		var text, html bytes.Buffer
		if err := textReminder.Execute(&text, v); err != nil {
			return mail.Message{}, fmt.Errorf("render text: %w", err)
		}
		if err := htmlReminder.Execute(&html, v); err != nil {
			return mail.Message{}, fmt.Errorf("render html: %w", err)
		}
		msg.Subject, msg.Text, msg.HTML = v.Subject, text.String(), html.String()
		return msg, nil
	}
	method := calendar.MethodRequest
	if p.Kind == model.KindCancel {
		method = calendar.MethodCancel
	}
	ev := calendar.MeetingEventFor(method, p.Meeting, p.Organiser.Person(), now, p.Previous != nil && !p.AskAgain, attendees(p, it.Recipient)...)
	var ics bytes.Buffer
	if err := calendar.Encode(&ics, method, ev); err != nil {
		return mail.Message{}, err
	}
	msg.Calendar, msg.Method = ics.Bytes(), string(method)
	v := newView(p)
	msg.Subject = v.Subject
	var text, html bytes.Buffer
	if err := textInvitation.Execute(&text, v); err != nil {
		return mail.Message{}, fmt.Errorf("render text: %w", err)
	}
	if err := htmlInvitation.Execute(&html, v); err != nil {
		return mail.Message{}, fmt.Errorf("render html: %w", err)
	}
	msg.Text, msg.HTML = text.String(), html.String()
	return msg, nil
}

// messageID is stable per outbox item, so that a message sent again after a
// crash is recognised as the same one.
func messageID(it model.OutboxItem, from string) string {
	domain := "focalbot.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	return fmt.Sprintf("%s@%s", model.MailRef(it.Key), domain)
}

// view is what the invitation templates show.
type view struct {
	Subject, Heading string
	Meeting          model.Meeting
	Invitee          Invitee
	VenueTime        string // the time in the venue's zone
	ReaderTime       string // the time in the reader's zone; empty when the same
	Where            string
	Hosts            string
	Cancelled        bool
	Update           bool
	Nudge            bool   // a reminder to someone who has not answered
	In               string // for reminders: "in 2 days"
	// For updates and delegations (delegation.go): what changed, old →
	// new; the sentence about the invitee's answer; who sent them.
	Changes []string
	Answer  string
	SentBy  string
}

func newView(p Payload) view {
	m := p.Meeting
	venue := m.Location()
	v := view{Meeting: m, Invitee: p.Invitee, Where: calendar.Location(m), Cancelled: p.Kind == model.KindCancel, Update: m.Sequence > 0}
	v.VenueTime = fmt.Sprintf("%s (%s)", Span(m.Start.In(venue), m.End.In(venue)), venue)
	if loc, err := model.LoadZone(p.Invitee.TimeZone); err == nil && !SameClocks(m.Start, m.End, venue, loc) {
		v.ReaderTime = fmt.Sprintf("%s (%s)", Span(m.Start.In(loc), m.End.In(loc)), loc)
	}
	var hosts []string
	for _, h := range m.Hosts {
		c, _ := model.CountryByCode(h)
		hosts = append(hosts, c.Name)
	}
	v.Hosts = strings.Join(hosts, ", ")
	day := m.Start.In(venue).Format("2 January 2006")
	switch {
	case p.Kind == model.KindReminder || p.Kind == model.KindNudge:
		v.Nudge, v.In = p.Kind == model.KindNudge, inWords(p.Offset)
		v.Subject, v.Heading = fmt.Sprintf(subjectReminder, m.Title, v.In), headingReminder
	case v.Cancelled:
		v.Subject, v.Heading = fmt.Sprintf(subjectCancelled, m.Title, day), headingCancelled
	case v.Update:
		v.Subject, v.Heading = fmt.Sprintf(subjectUpdated, m.Title, day), headingUpdated
	default:
		v.Subject, v.Heading = fmt.Sprintf(subjectInvitation, m.Title, day), headingInvitation
	}
	v.explain(p)
	return v
}

// Span writes "Sat 29 Sep 2012, 10:00–17:00 EDT", or with both dates when
// the meeting runs over several days. Each end is labelled with its own zone
// when the clocks change in between: "Sun 4 Nov 2012, 00:30 EDT–03:30 EST".
// It is how every span is written, in chat, mail and Slack's fallbacks.
func Span(s, e time.Time) string {
	from, to := SpanEnds(s, e)
	if s.Format(time.DateOnly) == e.Format(time.DateOnly) {
		return from + "–" + to
	}
	return from + " – " + to
}

// SpanEnds is Span's two ends apart: the start with its date, the end with
// its date only on another day; the zone at the end, and at the start too
// when the span runs over several days or the offsets differ. Two offsets
// under one abbreviation (Moscow's MSK in 2014) are told apart by the
// offset from UTC.
func SpanEnds(s, e time.Time) (from, to string) {
	sameDay := s.Format(time.DateOnly) == e.Format(time.DateOnly)
	sName, sOffset := s.Zone()
	eName, eOffset := e.Zone()
	zone := func(t time.Time) string {
		if sName == eName && sOffset != eOffset {
			return t.Format("MST (UTC-07:00)")
		}
		return t.Format("MST")
	}
	toLayout := "15:04 "
	if !sameDay {
		toLayout = "Mon 2 Jan 2006, 15:04 "
	}
	to = e.Format(toLayout) + zone(e)
	if sameDay && sOffset == eOffset && sName == eName {
		return s.Format("Mon 2 Jan 2006, 15:04"), to
	}
	return s.Format("Mon 2 Jan 2006, 15:04 ") + zone(s), to
}

// SameClocks reports whether clocks in a and b show the same times all
// through the span from s to e, judged at both ends: a reader in b then
// needs no second span in their own zone.
func SameClocks(s, e time.Time, a, b *time.Location) bool {
	return s.In(a).Format("-0700") == s.In(b).Format("-0700") && e.In(a).Format("-0700") == e.In(b).Format("-0700")
}

// noticeSubject is a notice's first line, cut at a word near 90 characters.
// It says what the notice is about; the sender is the organiser, so the
// subject does not name the bot.
func noticeSubject(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	if len(line) > 90 {
		if i := strings.LastIndexByte(line[:90], ' '); i > 40 {
			line = line[:i] + " …"
		}
	}
	return line
}

// inWords writes a reminder offset as people say it: "in 14 days", "in 2 hours".
func inWords(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return printer.Sprintf(inDays, int(d/(24*time.Hour)))
	case d >= 2*time.Hour && d%time.Hour == 0:
		return printer.Sprintf(inHours, int(d/time.Hour))
	}
	return printer.Sprintf(inMinutes, int(d/time.Minute))
}

// The e-mail catalog: subjects, headings and bodies of what focalbot mails.
const (
	subjectReminder   = "Reminder: %s, %s"
	headingReminder   = "A reminder"
	inDays            = "in %d days"
	inHours           = "in %d hours"
	inMinutes         = "in %d minutes"
	subjectInvitation = "Invitation: %s, %s"
	subjectUpdated    = "Updated invitation: %s, %s"
	subjectCancelled  = "Cancelled: %s, %s"
	headingInvitation = "You are invited"
	headingUpdated    = "The meeting has changed"
	headingCancelled  = "The meeting is cancelled"
)

var textInvitation = template.Must(template.New("text").Parse(`Dear {{.Invitee.Name}},

{{.Heading}}: {{.Meeting.Title}}

When:  {{.VenueTime}}{{if .ReaderTime}}
       your time: {{.ReaderTime}}{{end}}{{if .Where}}
Where: {{.Where}}{{end}}{{if .Meeting.OnlineURL}}
Online: {{.Meeting.OnlineURL}}{{end}}{{if .Hosts}}
Hosts: {{.Hosts}}, with {{.Meeting.Organiser}}{{end}}
{{range .Changes}}
{{.}}{{end}}{{if .SentBy}}
{{.SentBy}}{{end}}
{{if .Meeting.Agenda}}
Agenda:
{{.Meeting.Agenda}}
{{end}}{{if .Cancelled}}
Your calendar removes the meeting when you open this message.
{{else if .Answer}}
{{.Answer}}
{{else}}
Please answer with the Accept, Tentative or Decline buttons of your calendar.
{{end}}
{{.Meeting.Organiser}}
`))

var htmlInvitation = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html><body style="font-family: sans-serif">
<p>Dear {{.Invitee.Name}},</p>
<h2>{{.Heading}}: {{.Meeting.Title}}</h2>
<table>
<tr><th align="left">When</th><td>{{.VenueTime}}{{if .ReaderTime}}<br>your time: {{.ReaderTime}}{{end}}</td></tr>
{{if .Where}}<tr><th align="left">Where</th><td>{{.Where}}</td></tr>{{end}}
{{if .Meeting.OnlineURL}}<tr><th align="left">Online</th><td><a href="{{.Meeting.OnlineURL}}">{{.Meeting.OnlineURL}}</a></td></tr>{{end}}
{{if .Hosts}}<tr><th align="left">Hosts</th><td>{{.Hosts}}, with {{.Meeting.Organiser}}</td></tr>{{end}}
</table>
{{if .Changes}}<ul>{{range .Changes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .SentBy}}<p>{{.SentBy}}</p>{{end}}
{{if .Meeting.Agenda}}<h3>Agenda</h3><pre>{{.Meeting.Agenda}}</pre>{{end}}
{{if .Cancelled}}<p>Your calendar removes the meeting when you open this message.</p>
{{else if .Answer}}<p>{{.Answer}}</p>
{{else}}<p>Please answer with the Accept, Tentative or Decline buttons of your calendar.</p>{{end}}
<p>{{.Meeting.Organiser}}</p>
</body></html>
`))

var textReminder = template.Must(template.New("reminder").Parse(`Dear {{.Invitee.Name}},

{{.Meeting.Title}} begins {{.In}}.

When:  {{.VenueTime}}{{if .ReaderTime}}
       your time: {{.ReaderTime}}{{end}}{{if .Where}}
Where: {{.Where}}{{end}}{{if .Meeting.OnlineURL}}
Online: {{.Meeting.OnlineURL}}{{end}}
{{if .Nudge}}
We have not had your answer yet: please accept or decline the invitation in
your calendar, or tell the bot "rsvp yes", "rsvp maybe" or "rsvp no".
{{end}}
To stop these reminders, tell the bot "mute {{.Meeting.ID}}" (or "mute all").

{{.Meeting.Organiser}}
`))

var htmlReminder = htmltemplate.Must(htmltemplate.New("reminder").Parse(`<!DOCTYPE html>
<html><body style="font-family: sans-serif">
<p>Dear {{.Invitee.Name}},</p>
<p><strong>{{.Meeting.Title}}</strong> begins {{.In}}.</p>
<table>
<tr><th align="left">When</th><td>{{.VenueTime}}{{if .ReaderTime}}<br>your time: {{.ReaderTime}}{{end}}</td></tr>
{{if .Where}}<tr><th align="left">Where</th><td>{{.Where}}</td></tr>{{end}}
{{if .Meeting.OnlineURL}}<tr><th align="left">Online</th><td><a href="{{.Meeting.OnlineURL}}">{{.Meeting.OnlineURL}}</a></td></tr>{{end}}
</table>
{{if .Nudge}}<p>We have not had your answer yet: please accept or decline the invitation in your calendar, or tell the bot <code>rsvp yes</code>, <code>rsvp maybe</code> or <code>rsvp no</code>.</p>{{end}}
<p>To stop these reminders, tell the bot <code>mute {{.Meeting.ID}}</code> (or <code>mute all</code>).</p>
<p>{{.Meeting.Organiser}}</p>
</body></html>
`))

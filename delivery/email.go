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
	// Links makes the signed personal link each mail that asks something
	// carries (invitation, update, reminder, nudge, poll question); nil
	// when no page is served (FOCALBOT_PUBLIC_URL unset): the mail then
	// says how to answer without one.
	Links PersonalLinks
}

// PersonalLinks makes signed personal links: a new one for each mail, so
// that only its hash need be stored. Errors: ENOTFOUND when what it would
// answer is gone (the mail goes without a link); others are temporary.
type PersonalLinks interface {
	InvitationLink(ctx context.Context, invitationID int64) (Link, error)
	PollLink(ctx context.Context, pollID, personID int64) (Link, error)
}

// Link is one signed personal link: the page to answer on, and for an
// invitation the address that mutes its reminders (List-Unsubscribe, RFC
// 8058).
type Link struct {
	Page        string
	Unsubscribe string
}

// Send renders and sends one item. Failures that retrying cannot mend (SMTP
// 5xx, a message that cannot be made) are returned as Permanent; see
// Classify.
func (e *Email) Send(ctx context.Context, it model.OutboxItem, p Payload) error {
	link, err := e.link(ctx, it, p)
	if err != nil {
		return err
	}
	msg, err := e.message(it, p, link)
	if err != nil {
		return Permanent(err)
	}
	raw, err := mail.Compose(msg)
	if err != nil {
		return mailFailure(err)
	}
	return mailFailure(e.Mail.Send(ctx, p.Organiser.Email, []string{it.Recipient}, raw))
}

// link is the signed link the item's mail carries, if it asks something
// and links are made.
func (e *Email) link(ctx context.Context, it model.OutboxItem, p Payload) (Link, error) {
	if e.Links == nil {
		return Link{}, nil
	}
	var (
		l   Link
		err error
	)
	switch {
	case p.Kind == model.KindPoll && p.Poll != nil && p.Invitee.PersonID != 0:
		l, err = e.Links.PollLink(ctx, p.Poll.ID, p.Invitee.PersonID)
	case (p.Kind == model.KindRequest || p.Kind == model.KindReminder || p.Kind == model.KindNudge) && it.InvitationID != 0:
		l, err = e.Links.InvitationLink(ctx, it.InvitationID)
	default:
		return Link{}, nil
	}
	if model.ErrorCode(err) == model.ENOTFOUND {
		return Link{}, nil
	} else if err != nil {
		return Link{}, fmt.Errorf("make the signed link: %w", err)
	}
	return l, nil
}

// message builds the e-mail for an item, with its signed link when it has one.
func (e *Email) message(it model.OutboxItem, p Payload, link Link) (mail.Message, error) {
	now := e.Clock.Now()
	msg := mail.Message{
		From:      mail.Address{Name: p.Organiser.Name, Email: p.Organiser.Email},
		To:        mail.Address{Name: p.Invitee.Name, Email: it.Recipient},
		Date:      now,
		MessageID: messageID(it, p.Organiser.Email),
	}
	switch p.Kind {
	case model.KindPoll:
		msg.Subject, msg.Text = noticeSubject(p.Text), p.Text
		if link.Page != "" && p.Poll != nil {
			v := newPollView(p, link)
			var text, html bytes.Buffer
			if err := textPoll.Execute(&text, v); err != nil {
				return mail.Message{}, fmt.Errorf("render text: %w", err)
			}
			if err := htmlPoll.Execute(&html, v); err != nil {
				return mail.Message{}, fmt.Errorf("render html: %w", err)
			}
			msg.Subject, msg.Text, msg.HTML = v.Subject, text.String(), html.String()
		}
		return msg, nil
	case model.KindNotice, model.KindEmailConfirm:
		msg.Subject, msg.Text = noticeSubject(p.Text), p.Text
		return msg, nil
	case model.KindReminder, model.KindNudge:
		v := newView(p)
		v.Link = link
		msg.ListUnsubscribe = link.Unsubscribe
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
	v.Link = link
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
	Link             Link   // the reader's signed link; empty when none
	W                linkWords
	// For updates and delegations (delegation.go): what changed, old →
	// new; the sentence about the invitee's answer; who sent them.
	Changes      []string
	Answer       string
	SentBy       string
	CountryNudge string // a nudge to an alternate: their country has not answered
}

// pollView is what the poll question's templates show.
type pollView struct {
	Subject  string
	Poll     model.Poll
	Invitee  Invitee
	Slots    []string // each slot in its venue's time, and the reader's when it differs
	Deadline string
	Link     Link
	W        linkWords

	Question, OpenUntil string
}

func newPollView(p Payload, link Link) pollView {
	pl := *p.Poll
	v := pollView{Subject: printer.Sprintf(msgSubjectPoll, pl.Title), Poll: pl, Invitee: p.Invitee, Link: link}
	reader, _ := model.LoadZone(p.Invitee.TimeZone)
	for _, sl := range pl.Slots {
		venue := sl.Location()
		line := fmt.Sprintf("%s (%s)", Span(sl.Start.In(venue), sl.End.In(venue)), venue)
		if reader != nil && !SameClocks(sl.Start, sl.End, venue, reader) {
			line = printer.Sprintf(msgPollSlotYourTime, line, fmt.Sprintf("%s (%s)", Span(sl.Start.In(reader), sl.End.In(reader)), reader))
		}
		v.Slots = append(v.Slots, line)
	}
	zone := time.UTC
	if len(pl.Slots) > 0 {
		zone = pl.Slots[0].Location()
	}
	v.Deadline = fmt.Sprintf("%s (%s)", pl.Deadline.In(zone).Format("Mon 2 Jan 2006, 15:04 MST"), zone)
	if reader != nil && reader.String() != zone.String() {
		v.Deadline = printer.Sprintf(msgPollSlotYourTime, v.Deadline, fmt.Sprintf("%s (%s)", pl.Deadline.In(reader).Format("Mon 2 Jan 2006, 15:04 MST"), reader))
	}
	v.W, v.Question, v.OpenUntil = newLinkWords(), printer.Sprintf(msgMailPollQuestion, pl.Title), printer.Sprintf(msgMailPollOpenUntil, v.Deadline)
	return v
}

func newView(p Payload) view {
	m := p.Meeting
	venue := m.Location()
	v := view{Meeting: m, Invitee: p.Invitee, Where: calendar.Location(m), Cancelled: p.Kind == model.KindCancel, Update: m.Sequence > 0, W: newLinkWords()}
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
	subjectReminder     = "Reminder: %s, %s"
	headingReminder     = "A reminder"
	inDays              = "in %d days"
	inHours             = "in %d hours"
	inMinutes           = "in %d minutes"
	subjectInvitation   = "Invitation: %s, %s"
	subjectUpdated      = "Updated invitation: %s, %s"
	subjectCancelled    = "Cancelled: %s, %s"
	headingInvitation   = "You are invited"
	headingUpdated      = "The meeting has changed"
	headingCancelled    = "The meeting is cancelled"
	msgSubjectPoll      = "Which dates suit you? %s"
	msgPollSlotYourTime = "%s; your time: %s"
)

// The e-mail catalog's sentences about the signed personal link.
const (
	msgMailAnswerOnPage  = "Please answer with the Accept, Tentative or Decline buttons of your calendar, or on your personal page:"
	msgMailDoNotForward  = "The page answers only when you press one of its buttons. Please do not forward this link: it answers for you."
	msgMailNudgeOnPage   = "We have not had your answer yet: please accept or decline the invitation in your calendar, or answer on your personal page:"
	msgMailStopReminders = "To stop the reminders of this meeting, open:"
	msgMailTickOnPage    = "Tick the times you can attend on your personal page:"
	msgMailChangeOnPage  = "You can also answer, or change your answer, on your personal page:"
	msgMailPollQuestion  = "Which of these times can you attend for %s?"
	msgMailPollOpenUntil = "Open for answers until %s."
)

// linkWords are the sentences about the signed link, as the templates show them.
type linkWords struct {
	AnswerOnPage, DoNotForward, NudgeOnPage, StopReminders, TickOnPage, ChangeOnPage string
}

func newLinkWords() linkWords {
	return linkWords{AnswerOnPage: printer.Sprintf(msgMailAnswerOnPage), DoNotForward: printer.Sprintf(msgMailDoNotForward),
		NudgeOnPage: printer.Sprintf(msgMailNudgeOnPage), StopReminders: printer.Sprintf(msgMailStopReminders),
		TickOnPage: printer.Sprintf(msgMailTickOnPage), ChangeOnPage: printer.Sprintf(msgMailChangeOnPage)}
}

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
{{.Answer}}{{if .Link.Page}}
{{.W.ChangeOnPage}}
{{.Link.Page}}
{{.W.DoNotForward}}{{end}}
{{else if .Link.Page}}
{{.W.AnswerOnPage}}
{{.Link.Page}}
{{.W.DoNotForward}}
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
{{else if .Answer}}<p>{{.Answer}}</p>{{if .Link.Page}}
<p>{{.W.ChangeOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>
<p>{{.W.DoNotForward}}</p>{{end}}
{{else if .Link.Page}}<p>{{.W.AnswerOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>
<p>{{.W.DoNotForward}}</p>
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
{{if .CountryNudge}}
{{.CountryNudge}}
{{end}}{{if .Link.Page}}{{if and .Nudge (not .CountryNudge)}}
{{.W.NudgeOnPage}}
{{.Link.Page}}
{{end}}
{{.W.StopReminders}}
{{.Link.Unsubscribe}}
{{else}}{{if and .Nudge (not .CountryNudge)}}
We have not had your answer yet: please accept or decline the invitation in
your calendar, or tell the bot "rsvp yes", "rsvp maybe" or "rsvp no".
{{end}}
To stop these reminders, tell the bot "mute {{.Meeting.ID}}" (or "mute all").
{{end}}
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
{{if .CountryNudge}}<p>{{.CountryNudge}}</p>{{end}}
{{if .Link.Page}}{{if and .Nudge (not .CountryNudge)}}<p>{{.W.NudgeOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>{{end}}
<p>{{.W.StopReminders}} <a href="{{.Link.Unsubscribe}}">{{.Link.Unsubscribe}}</a></p>
{{else}}{{if and .Nudge (not .CountryNudge)}}<p>We have not had your answer yet: please accept or decline the invitation in your calendar, or tell the bot <code>rsvp yes</code>, <code>rsvp maybe</code> or <code>rsvp no</code>.</p>{{end}}
<p>To stop these reminders, tell the bot <code>mute {{.Meeting.ID}}</code> (or <code>mute all</code>).</p>{{end}}
<p>{{.Meeting.Organiser}}</p>
</body></html>
`))

var textPoll = template.Must(template.New("poll").Funcs(template.FuncMap{"inc": inc}).Parse(`Dear {{.Invitee.Name}},

{{.Question}}
{{range $i, $s := .Slots}}
  {{$i | inc}}. {{$s}}{{end}}

{{.OpenUntil}}

{{.W.TickOnPage}}
{{.Link.Page}}
{{.W.DoNotForward}}
`))

var htmlPoll = htmltemplate.Must(htmltemplate.New("poll").Funcs(htmltemplate.FuncMap{"inc": inc}).Parse(`<!DOCTYPE html>
<html><body style="font-family: sans-serif">
<p>Dear {{.Invitee.Name}},</p>
<p>{{.Question}}</p>
<ol>{{range .Slots}}<li>{{.}}</li>{{end}}</ol>
<p>{{.OpenUntil}}</p>
<p>{{.W.TickOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>
<p>{{.W.DoNotForward}}</p>
</body></html>
`))

func inc(i int) int { return i + 1 }

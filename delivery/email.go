package delivery

import (
	"bytes"
	"context"
	"fmt"
	"focalbot/i18n"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

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

	rendered  renderCache    // what is the same for every reader, rendered once
	calendars calendar.Cache // the iCalendar parts, built once per meeting version
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
		msg.ListUnsubscribe = link.Unsubscribe
		var err error
		msg.Subject, msg.Text, msg.HTML, err = e.rendered.render(p, link, textReminder, htmlReminder)
		return msg, err
	}
	method := calendar.MethodRequest
	if p.Kind == model.KindCancel {
		method = calendar.MethodCancel
	}
	ev := calendar.MeetingEventFor(method, p.Meeting, p.Organiser.Person(), now, p.Previous != nil && !p.AskAgain, attendees(p, it.Recipient)...).
		In(p.Meeting, i18n.Reader(p.Invitee.Language).String(), i18n.Default().String())
	var ics bytes.Buffer
	if err := e.calendars.Encode(&ics, method, ev); err != nil {
		return mail.Message{}, err
	}
	msg.Calendar, msg.Method = ics.Bytes(), string(method)
	var err error
	msg.Subject, msg.Text, msg.HTML, err = e.rendered.render(p, link, textInvitation, htmlInvitation)
	return msg, err
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

// view is what the invitation templates show, in the reader's language:
// the meeting's Summary, and the templates' words from the catalog through T.
type view struct {
	Summary
	Subject, Heading string
	Meeting          model.Meeting
	Invitee          Invitee
	VenueTime        string // the time in the venue's zone
	ReaderTime       string // the time in the reader's zone; empty when the same
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
	Dir          string // the HTML part's dir attribute; its lang is Summary.Lang

	p *message.Printer
}

// pollView is what the poll question's templates show, in the reader's
// language.
type pollView struct {
	Subject  string
	Poll     model.Poll
	Invitee  Invitee
	Slots    []string // each slot in its venue's time, and the reader's when it differs
	Deadline string
	Link     Link
	W        linkWords
	Lang     language.Tag
	Dir      string

	Question, OpenUntil string

	p *message.Printer
}

// T renders a message of the catalog in the reader's language.
func (v pollView) T(format string, args ...any) string {
	return v.p.Sprintf(format, model.Identifiers(args)...)
}

func newPollView(p Payload, link Link) pollView {
	pl := *p.Poll
	tag := i18n.Reader(p.Invitee.Language)
	v := pollView{Poll: pl, Invitee: p.Invitee, Link: link, Lang: tag, Dir: i18n.Dir(tag), p: i18n.Printer(tag)}
	v.Subject = v.T(msgSubjectPoll, pl.Title)
	reader, _ := model.LoadZone(p.Invitee.TimeZone)
	for _, sl := range pl.Slots {
		venue := sl.Location()
		line := v.T(msgSpanZone, SpanIn(tag, sl.Start.In(venue), sl.End.In(venue)), venue.String())
		if reader != nil && !SameClocks(sl.Start, sl.End, venue, reader) {
			line = v.T(msgPollSlotYourTime, line, v.T(msgSpanZone, SpanIn(tag, sl.Start.In(reader), sl.End.In(reader)), reader.String()))
		}
		v.Slots = append(v.Slots, line)
	}
	zone := time.UTC
	if len(pl.Slots) > 0 {
		zone = pl.Slots[0].Location()
	}
	v.Deadline = v.T(msgSpanZone, i18n.DateTime(tag, pl.Deadline.In(zone)), zone.String())
	if reader != nil && reader.String() != zone.String() {
		v.Deadline = v.T(msgPollSlotYourTime, v.Deadline, v.T(msgSpanZone, i18n.DateTime(tag, pl.Deadline.In(reader)), reader.String()))
	}
	v.W, v.Question, v.OpenUntil = newLinkWords(v.p), v.T(msgMailPollQuestion, pl.Title), v.T(msgMailPollOpenUntil, v.Deadline)
	return v
}

// T renders a message of the catalog in the reader's language; int64
// arguments are identifiers and stay plain digits (see model.Identifiers).
func (v view) T(format string, args ...any) string {
	return v.p.Sprintf(format, model.Identifiers(args)...)
}

func newView(p Payload) view {
	m := p.Meeting
	tag := i18n.Reader(p.Invitee.Language)
	reader, err := model.LoadZone(p.Invitee.TimeZone)
	if err != nil {
		reader = nil
	}
	v := view{Summary: Summarize(m, tag, reader), Meeting: m, Invitee: p.Invitee, Cancelled: p.Kind == model.KindCancel, Update: m.Sequence > 0,
		Dir: i18n.Dir(tag), p: i18n.Printer(tag)}
	v.W = newLinkWords(v.p)
	v.VenueTime = v.T(msgSpanZone, v.VenueSpan, v.VenueZone)
	if v.ReaderSpan != "" {
		v.ReaderTime = v.T(msgSpanZone, v.ReaderSpan, v.ReaderZone)
	}
	day := i18n.DateLong(tag, m.Start.In(m.Location()))
	switch {
	case p.Kind == model.KindReminder || p.Kind == model.KindNudge:
		v.Nudge, v.In = p.Kind == model.KindNudge, inWords(v.p, p.Offset)
		v.Subject = v.T(msgSubjectReminder, v.Title, v.In)
	case v.Cancelled:
		v.Subject, v.Heading = v.T(msgSubjectCancelled, v.Title, day), v.T(msgHeadingCancelled, v.Title)
	case v.Update:
		v.Subject, v.Heading = v.T(msgSubjectUpdated, v.Title, day), v.T(msgHeadingUpdated, v.Title)
	default:
		v.Subject, v.Heading = v.T(msgSubjectInvitation, v.Title, day), v.T(msgHeadingInvitation, v.Title)
	}
	v.explain(p)
	return v
}

// Span writes "Sat 29 Sep 2012, 10:00–17:00 EDT", or with both dates when
// the meeting runs over several days. Each end is labelled with its own zone
// when the clocks change in between: "Sun 4 Nov 2012, 00:30 EDT–03:30 EST".
// It is how every span is written in English, in chat, mail and Slack's
// fallbacks; SpanIn writes it in another language.
func Span(s, e time.Time) string { return SpanIn(i18n.English, s, e) }

// SpanIn is Span in the language lang, its dates and times as CLDR writes
// them there: "samedi 29 septembre 2012, 10:00–17:00 EDT".
func SpanIn(lang language.Tag, s, e time.Time) string {
	from, to := SpanEndsIn(lang, s, e)
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
func SpanEnds(s, e time.Time) (from, to string) { return SpanEndsIn(i18n.English, s, e) }

// SpanEndsIn is SpanEnds in the language lang.
func SpanEndsIn(lang language.Tag, s, e time.Time) (from, to string) {
	sameDay := s.Format(time.DateOnly) == e.Format(time.DateOnly)
	sName, sOffset := s.Zone()
	eName, eOffset := e.Zone()
	zone := func(t time.Time) string {
		if sName == eName && sOffset != eOffset {
			return t.Format("MST (UTC-07:00)")
		}
		return t.Format("MST")
	}
	if sameDay {
		to = i18n.Clock(lang, e) + " " + zone(e)
	} else {
		to = i18n.DateTime(lang, e) + " " + zone(e)
	}
	if sameDay && sOffset == eOffset && sName == eName {
		return i18n.DateTime(lang, s), to
	}
	return i18n.DateTime(lang, s) + " " + zone(s), to
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
func inWords(p *message.Printer, d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return p.Sprintf(inDays, int(d/(24*time.Hour)))
	case d >= 2*time.Hour && d%time.Hour == 0:
		return p.Sprintf(inHours, int(d/time.Hour))
	}
	return p.Sprintf(inMinutes, int(d/time.Minute))
}

// The e-mail catalog: subjects, headings and the words of the bodies are
// here; the templates' own words are the formats of their .T calls.
const (
	msgSubjectReminder   = "Reminder: %s, %s"
	inDays               = "in %d days"
	inHours              = "in %d hours"
	inMinutes            = "in %d minutes"
	msgSubjectInvitation = "Invitation: %s, %s"
	msgSubjectUpdated    = "Updated invitation: %s, %s"
	msgSubjectCancelled  = "Cancelled: %s, %s"
	msgHeadingInvitation = "You are invited: %s"
	msgHeadingUpdated    = "The meeting has changed: %s"
	msgHeadingCancelled  = "The meeting is cancelled: %s"
	msgSpanZone          = "%s (%s)"
	msgSubjectPoll       = "Which dates suit you? %s"
	msgPollSlotYourTime  = "%s; your time: %s"
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

// linkWords are the sentences about the signed link, as the templates show
// them, in the reader's language.
type linkWords struct {
	AnswerOnPage, DoNotForward, NudgeOnPage, StopReminders, TickOnPage, ChangeOnPage string
}

func newLinkWords(pr *message.Printer) linkWords {
	return linkWords{AnswerOnPage: pr.Sprintf(msgMailAnswerOnPage), DoNotForward: pr.Sprintf(msgMailDoNotForward),
		NudgeOnPage: pr.Sprintf(msgMailNudgeOnPage), StopReminders: pr.Sprintf(msgMailStopReminders),
		TickOnPage: pr.Sprintf(msgMailTickOnPage), ChangeOnPage: pr.Sprintf(msgMailChangeOnPage)}
}

var textInvitation = template.Must(template.New("text").Parse(`{{.T "Dear %s," .Invitee.Name}}

{{.Heading}}

{{.T "When:  %s" .VenueTime}}{{if .ReaderTime}}
{{.T "       your time: %s" .ReaderTime}}{{end}}{{if .Where}}
{{.T "Where: %s" .Where}}{{end}}{{if .Online}}
{{.T "Online: %s" .Online}}{{end}}{{if .Hosts}}
{{.T "Hosts: %s, with %s" .Hosts .Organiser}}{{end}}
{{range .Changes}}
{{.}}{{end}}{{if .SentBy}}
{{.SentBy}}{{end}}
{{if .Agenda}}
{{.T "Agenda:"}}
{{.Agenda}}
{{end}}{{if .Cancelled}}
{{.T "Your calendar removes the meeting when you open this message."}}
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
{{.T "Please answer with the Accept, Tentative or Decline buttons of your calendar."}}
{{end}}
{{.Organiser}}
`))

var htmlInvitation = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><body style="font-family: sans-serif">
<p>{{.T "Dear %s," .Invitee.Name}}</p>
<h2>{{.Heading}}</h2>
<table>
<tr><th style="text-align: start">{{.T "When"}}</th><td>{{.VenueTime}}{{if .ReaderTime}}<br>{{.T "your time: %s" .ReaderTime}}{{end}}</td></tr>
{{if .Where}}<tr><th style="text-align: start">{{.T "Where"}}</th><td>{{.Where}}</td></tr>{{end}}
{{if .Online}}<tr><th style="text-align: start">{{.T "Online"}}</th><td><a href="{{.Online}}">{{.Online}}</a></td></tr>{{end}}
{{if .Hosts}}<tr><th style="text-align: start">{{.T "Hosts"}}</th><td>{{.T "%s, with %s" .Hosts .Organiser}}</td></tr>{{end}}
</table>
{{if .Changes}}<ul>{{range .Changes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .SentBy}}<p>{{.SentBy}}</p>{{end}}
{{if .Agenda}}<h3>{{.T "Agenda"}}</h3><pre>{{.Agenda}}</pre>{{end}}
{{if .Cancelled}}<p>{{.T "Your calendar removes the meeting when you open this message."}}</p>
{{else if .Answer}}<p>{{.Answer}}</p>{{if .Link.Page}}
<p>{{.W.ChangeOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>
<p>{{.W.DoNotForward}}</p>{{end}}
{{else if .Link.Page}}<p>{{.W.AnswerOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>
<p>{{.W.DoNotForward}}</p>
{{else}}<p>{{.T "Please answer with the Accept, Tentative or Decline buttons of your calendar."}}</p>{{end}}
<p>{{.Organiser}}</p>
</body></html>
`))

var textReminder = template.Must(template.New("reminder").Parse(`{{.T "Dear %s," .Invitee.Name}}

{{.T "%s begins %s." .Title .In}}

{{.T "When:  %s" .VenueTime}}{{if .ReaderTime}}
{{.T "       your time: %s" .ReaderTime}}{{end}}{{if .Where}}
{{.T "Where: %s" .Where}}{{end}}{{if .Online}}
{{.T "Online: %s" .Online}}{{end}}
{{if .CountryNudge}}
{{.CountryNudge}}
{{end}}{{if .Link.Page}}{{if and .Nudge (not .CountryNudge)}}
{{.W.NudgeOnPage}}
{{.Link.Page}}
{{end}}
{{.W.StopReminders}}
{{.Link.Unsubscribe}}
{{else}}{{if and .Nudge (not .CountryNudge)}}
{{.T "We have not had your answer yet: please accept or decline the invitation in your calendar, or tell the bot \"rsvp yes\", \"rsvp maybe\" or \"rsvp no\"."}}
{{end}}
{{.T "To stop these reminders, tell the bot \"mute %d\" (or \"mute all\")." .Meeting.ID}}
{{end}}
{{.Organiser}}
`))

var htmlReminder = htmltemplate.Must(htmltemplate.New("reminder").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><body style="font-family: sans-serif">
<p>{{.T "Dear %s," .Invitee.Name}}</p>
<p>{{.T "%s begins %s." .Title .In}}</p>
<table>
<tr><th style="text-align: start">{{.T "When"}}</th><td>{{.VenueTime}}{{if .ReaderTime}}<br>{{.T "your time: %s" .ReaderTime}}{{end}}</td></tr>
{{if .Where}}<tr><th style="text-align: start">{{.T "Where"}}</th><td>{{.Where}}</td></tr>{{end}}
{{if .Online}}<tr><th style="text-align: start">{{.T "Online"}}</th><td><a href="{{.Online}}">{{.Online}}</a></td></tr>{{end}}
</table>
{{if .CountryNudge}}<p>{{.CountryNudge}}</p>{{end}}
{{if .Link.Page}}{{if and .Nudge (not .CountryNudge)}}<p>{{.W.NudgeOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>{{end}}
<p>{{.W.StopReminders}} <a href="{{.Link.Unsubscribe}}">{{.Link.Unsubscribe}}</a></p>
{{else}}{{if and .Nudge (not .CountryNudge)}}<p>{{.T "We have not had your answer yet: please accept or decline the invitation in your calendar, or tell the bot \"rsvp yes\", \"rsvp maybe\" or \"rsvp no\"."}}</p>{{end}}
<p>{{.T "To stop these reminders, tell the bot \"mute %d\" (or \"mute all\")." .Meeting.ID}}</p>{{end}}
<p>{{.Organiser}}</p>
</body></html>
`))

var textPoll = template.Must(template.New("poll").Funcs(template.FuncMap{"inc": inc}).Parse(`{{.T "Dear %s," .Invitee.Name}}

{{.Question}}
{{range $i, $s := .Slots}}
  {{$i | inc}}. {{$s}}{{end}}

{{.OpenUntil}}

{{.W.TickOnPage}}
{{.Link.Page}}
{{.W.DoNotForward}}
`))

var htmlPoll = htmltemplate.Must(htmltemplate.New("poll").Funcs(htmltemplate.FuncMap{"inc": inc}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><body style="font-family: sans-serif">
<p>{{.T "Dear %s," .Invitee.Name}}</p>
<p>{{.Question}}</p>
<ol>{{range .Slots}}<li>{{.}}</li>{{end}}</ol>
<p>{{.OpenUntil}}</p>
<p>{{.W.TickOnPage}} <a href="{{.Link.Page}}">{{.Link.Page}}</a></p>
<p>{{.W.DoNotForward}}</p>
</body></html>
`))

func inc(i int) int { return i + 1 }

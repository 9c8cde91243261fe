package delivery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	ev := calendar.MeetingEvent(method, p.Meeting, p.Organiser.Person(), now, calendar.Person{Name: p.Invitee.Name, Email: it.Recipient}).
		In(p.Meeting, i18n.Reader(p.Invitee.Language).String(), i18n.Default().String())
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
	sum := sha256.Sum256([]byte(it.Key))
	domain := "focalbot.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	return fmt.Sprintf("%s@%s", hex.EncodeToString(sum[:12]), domain)
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
	Dir              string // the HTML part's dir attribute; its lang is Summary.Lang

	p *message.Printer
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
)

var textInvitation = template.Must(template.New("text").Parse(`{{.T "Dear %s," .Invitee.Name}}

{{.Heading}}

{{.T "When:  %s" .VenueTime}}{{if .ReaderTime}}
{{.T "       your time: %s" .ReaderTime}}{{end}}{{if .Where}}
{{.T "Where: %s" .Where}}{{end}}{{if .Online}}
{{.T "Online: %s" .Online}}{{end}}{{if .Hosts}}
{{.T "Hosts: %s, with %s" .Hosts .Organiser}}{{end}}
{{if .Agenda}}
{{.T "Agenda:"}}
{{.Agenda}}
{{end}}{{if .Cancelled}}
{{.T "Your calendar removes the meeting when you open this message."}}
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
{{if .Agenda}}<h3>{{.T "Agenda"}}</h3><pre>{{.Agenda}}</pre>{{end}}
{{if .Cancelled}}<p>{{.T "Your calendar removes the meeting when you open this message."}}</p>
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
{{if .Nudge}}
{{.T "We have not had your answer yet: please accept or decline the invitation in your calendar, or tell the bot \"rsvp yes\", \"rsvp maybe\" or \"rsvp no\"."}}
{{end}}
{{.T "To stop these reminders, tell the bot \"mute %d\" (or \"mute all\")." .Meeting.ID}}

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
{{if .Nudge}}<p>{{.T "We have not had your answer yet: please accept or decline the invitation in your calendar, or tell the bot \"rsvp yes\", \"rsvp maybe\" or \"rsvp no\"."}}</p>{{end}}
<p>{{.T "To stop these reminders, tell the bot \"mute %d\" (or \"mute all\")." .Meeting.ID}}</p>
<p>{{.Organiser}}</p>
</body></html>
`))

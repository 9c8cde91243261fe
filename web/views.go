package web

import (
	"errors"
	"fmt"
	"html/template"
	"slices"
	"time"

	"focalbot/calendar"
	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"
	"focalbot/network"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// reader is the language a page is written in, and its printer.
type reader struct {
	tag language.Tag
	p   *message.Printer
}

// readerOf is the language of the link's owner: their profile's, or for a
// guest the one the invitation gives; else the network's (i18n.Default).
func readerOf(lk network.Linked) reader {
	lang := lk.Invitation.Language
	if lk.Person != nil {
		lang = lk.Person.Language
	}
	return readerIn(i18n.Reader(lang))
}

func readerIn(t language.Tag) reader { return reader{tag: t, p: i18n.Printer(t)} }

// frame is what every page's head needs: its title, language and
// direction.
type frame struct {
	Title, Lang, Dir string
}

func (rd reader) frame(title string) frame {
	return frame{Title: title, Lang: rd.tag.String(), Dir: i18n.Dir(rd.tag)}
}

// message is a domain error's message in the reader's language, its
// instants (time.Time arguments, model.Moment and model.Day) written as the
// reader's language does, and a domain error it quotes in that language too.
func (rd reader) message(err error) string {
	var e *model.Error
	if errors.As(err, &e) {
		return rd.sentence(e)
	}
	return rd.p.Sprintf(msgInternal)
}

// sentence is e in the reader's language.
func (rd reader) sentence(e *model.Error) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		switch a := a.(type) {
		case time.Time: // an instant, in its own zone
			args[i] = rd.at(a, a.Location())
		case *model.Error: // a mistake quoted by another
			args[i] = rd.sentence(a)
		default:
			args[i] = i18n.Argument(rd.tag, a)
		}
	}
	return rd.p.Sprintf(e.Format, model.Identifiers(args)...)
}

// at writes an instant in zone: "samedi 29 septembre 2012, 10:00 CEST".
func (rd reader) at(t time.Time, zone *time.Location) string {
	t = t.In(zone)
	return i18n.DateTime(rd.tag, t) + " " + t.Format("MST")
}

// The pages' sentences.
const (
	msgSpanZone         = "%s (%s)" // a time and its zone
	msgTitleProblem     = "Something is wrong"
	msgTitleUnknownLink = "This link is not known"
	msgTitleGone        = "This link no longer works"
	msgTitleRevoked     = "The link is revoked"
	msgRevoked          = "This link, and every other link to the same invitation, no longer works. The next e-mail about the meeting brings a new one."
	msgInternal         = "Something went wrong on our side, and nothing was changed. Please try again in a few minutes."
	msgBadForm          = "The form could not be read: open the link from your e-mail again."
	msgBadCSRF          = "This form did not come from this page, or the page is out of date, so nothing was changed: open the link from your e-mail again and press the button there."
	msgBadAnswer        = "Choose Accept, Maybe or Decline."
	msgNoReminders      = "This link is for a poll, which sends no reminders."
	msgNoDelegation     = "This link is for a poll: send a colleague from the link in your invitation."

	msgLabelWhen         = "When"
	msgLabelYourTime     = "Your time"
	msgLabelYourTimeIs   = "Your time: %s"
	msgLabelWhere        = "Where"
	msgLabelOnline       = "Online"
	msgLabelAgenda       = "Agenda"
	msgLabelInvitee      = "Invitation for %s"
	msgLabelYourAnswer   = "Your answer"
	msgLabelNotAnswered  = "You have not answered yet."
	msgLabelAnswered     = "Your answer: %s (recorded %s)."
	msgLabelAccept       = "Accept"
	msgLabelMaybe        = "Maybe"
	msgLabelDecline      = "Decline"
	msgLabelAnswerHint   = "Your answer goes to the organiser at once. You can change it here until the meeting ends."
	msgLabelStopReminder = "Stop the reminders of this meeting"
	msgLabelRevokeLegend = "Forwarded this e-mail by mistake?"
	msgLabelRevoke       = "Stop this link working"

	msgLabelPollQuestion = "Which of these times can you attend?"
	msgLabelPollSlot     = "Slot %d: %s"
	msgLabelPollOpen     = "Open for answers until %s."
	msgLabelPollSend     = "Send my answer"
	msgLabelPollHint     = "Tick every time you can attend; tick none if you can attend none of them. Your latest answer counts, for your country."
	msgLabelPollAnswered = "Your answer: you can attend slots %s."
	msgLabelPollNone     = "Your answer: you can attend none of the slots."
	msgLabelPollNot      = "You have not answered yet."

	msgLabelMuteQuestion = "Stop the reminders of %s?"
	msgLabelMuteButton   = "Stop the reminders"
	msgLabelMuted        = "You will get no more reminders of %s. Your answer to the invitation is unchanged."
	msgLabelBackToPage   = "Back to the invitation"

	msgLabelDelegateLegend = "Send a colleague instead"
	msgLabelDelegateHint   = "Your colleague gets the invitation in your place, and their answer counts for your country."
	msgLabelDelegateEmail  = "Their e-mail address"
	msgLabelDelegateName   = "Their name"
	msgLabelDelegateTitle  = "Their title (optional)"
	msgLabelDelegateSend   = "Send the invitation to my colleague"
	msgLabelDelegated      = "You sent %s in your place: their answer counts for your country."
	// The same, to an invitee who answers for no country (a guest).
	msgLabelDelegateHintOwn = "Your colleague gets the invitation in your place, and their answer counts as yours."
	msgLabelDelegatedOwn    = "You sent %s in your place: their answer counts as yours."
)

// The answers as the page shows them.
const (
	msgAnswerYes      = "accepted"
	msgAnswerNo       = "declined"
	msgAnswerMaybe    = "maybe"
	msgAnswerNone     = "not answered"
	msgAnswerDelegate = "delegated"
)

// responseNames are the answers as the page shows them.
var responseNames = map[model.Response]string{
	model.ResponseYes:      msgAnswerYes,
	model.ResponseNo:       msgAnswerNo,
	model.ResponseMaybe:    msgAnswerMaybe,
	model.ResponseNone:     msgAnswerNone,
	model.ResponseDelegate: msgAnswerDelegate,
}

type problemView struct {
	frame
	Message string
}

// meetingTimes are a meeting's (or slot's) times as the page shows them:
// in the venue's zone, and in the reader's when their clocks differ.
func (rd reader) times(s, e time.Time, venue *time.Location, readerZone string) (venueTime, readerTime string) {
	venueTime = rd.p.Sprintf(msgSpanZone, delivery.SpanIn(rd.tag, s.In(venue), e.In(venue)), venue.String())
	if loc, err := model.LoadZone(readerZone); err == nil && !delivery.SameClocks(s, e, venue, loc) {
		readerTime = rd.p.Sprintf(msgSpanZone, delivery.SpanIn(rd.tag, s.In(loc), e.In(loc)), loc.String())
	}
	return venueTime, readerTime
}

type answerButton struct {
	Value, Label string
	Current      bool
}

type invitationView struct {
	frame
	L                     map[string]string
	Invitee               string
	VenueTime, ReaderTime string
	Where, Online, Agenda string
	Answer                string // what is recorded, in words
	Buttons               []answerButton
	CSRF, Error           string
	MutePath, RevokePath  string
	DelegatePath          string
	Delegated             string // who was sent in the reader's place, in a sentence
	DelegateHint          string // what sending a colleague does
	Form                  delegateForm
}

// delegateForm is what was typed into "Send a colleague instead", and the
// mistake to fix (Error, next to Field).
type delegateForm struct {
	Email, Name, Title string
	Error, Field       string
}

func (rd reader) labels(keys ...string) map[string]string {
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		out[k] = rd.p.Sprintf(k)
	}
	return out
}

// L are the labels the templates show, by their constant's text.
var pageLabels = []string{msgLabelWhen, msgLabelYourTime, msgLabelWhere, msgLabelOnline, msgLabelAgenda, msgLabelYourAnswer,
	msgLabelAnswerHint, msgLabelStopReminder, msgLabelRevokeLegend, msgLabelRevoke, msgLabelPollQuestion, msgLabelPollSend,
	msgLabelPollHint, msgLabelMuteButton, msgLabelBackToPage, msgLabelDelegateLegend,
	msgLabelDelegateEmail, msgLabelDelegateName, msgLabelDelegateTitle, msgLabelDelegateSend}

func newInvitationView(lk network.Linked, page, csrf, problem string) invitationView {
	m, inv, rd := lk.Meeting, lk.Invitation, readerOf(lk)
	lang := rd.tag.String()
	v := invitationView{frame: rd.frame(m.TitleIn(lang)), L: rd.labels(pageLabels...), Invitee: rd.p.Sprintf(msgLabelInvitee, inv.Name),
		Where: calendar.Location(m), Online: m.OnlineURL, Agenda: m.AgendaIn(lang), CSRF: csrf, Error: problem,
		MutePath: page + "/mute", RevokePath: page + "/revoke", DelegatePath: page + "/delegate"}
	hint, delegated := msgLabelDelegateHint, msgLabelDelegated
	if inv.Country == "" {
		hint, delegated = msgLabelDelegateHintOwn, msgLabelDelegatedOwn
	}
	v.DelegateHint = rd.p.Sprintf(hint)
	if lk.Delegate != nil {
		v.Delegated = rd.p.Sprintf(delegated, lk.Delegate.Name)
	}
	v.VenueTime, v.ReaderTime = rd.times(m.Start, m.End, m.Location(), lk.Zone)
	if inv.Response == "" || inv.Response == model.ResponseNone {
		v.Answer = rd.p.Sprintf(msgLabelNotAnswered)
	} else {
		v.Answer = rd.p.Sprintf(msgLabelAnswered, rd.p.Sprintf(responseNames[inv.Response]), rd.at(inv.RespondedAt, m.Location()))
	}
	for _, b := range []struct {
		value, label string
		r            model.Response
	}{{"yes", msgLabelAccept, model.ResponseYes}, {"maybe", msgLabelMaybe, model.ResponseMaybe}, {"no", msgLabelDecline, model.ResponseNo}} {
		v.Buttons = append(v.Buttons, answerButton{Value: b.value, Label: rd.p.Sprintf(b.label), Current: inv.Response == b.r})
	}
	return v
}

type pollSlot struct {
	N                     int
	Label                 string
	VenueTime, ReaderTime string
	YourTime              string // "Your time: …", as the reader's language punctuates it
	Checked               bool
}

type pollView struct {
	frame
	L           map[string]string
	Slots       []pollSlot
	Deadline    string
	Answer      string
	CSRF, Error string
}

func newPollView(lk network.Linked, csrf, problem string) pollView {
	p, rd := lk.Poll, readerOf(lk)
	v := pollView{frame: rd.frame(p.Title), L: rd.labels(pageLabels...), CSRF: csrf, Error: problem}
	var ticked []int
	if lk.Vote != nil {
		ticked = network.SlotNumbers(p, lk.Vote.SlotIDs)
	}
	zone := time.UTC
	for i, sl := range p.Slots {
		venue, reader := rd.times(sl.Start, sl.End, sl.Location(), lk.Zone)
		v.Slots = append(v.Slots, pollSlot{N: i + 1, Label: rd.p.Sprintf(msgLabelPollSlot, i+1, venue), VenueTime: venue, ReaderTime: reader,
			Checked: slices.Contains(ticked, i+1)})
		if reader != "" {
			v.Slots[i].YourTime = rd.p.Sprintf(msgLabelYourTimeIs, reader)
		}
		if i == 0 {
			zone = sl.Location()
		}
	}
	v.Deadline = rd.p.Sprintf(msgLabelPollOpen, rd.p.Sprintf(msgSpanZone, rd.at(p.Deadline, zone), zone.String()))
	switch {
	case lk.Vote == nil:
		v.Answer = rd.p.Sprintf(msgLabelPollNot)
	case len(ticked) == 0:
		v.Answer = rd.p.Sprintf(msgLabelPollNone)
	default:
		var nums []string
		for _, n := range ticked {
			nums = append(nums, fmt.Sprint(n))
		}
		v.Answer = rd.p.Sprintf(msgLabelPollAnswered, i18n.JoinList(rd.tag, nums))
	}
	return v
}

type muteView struct {
	frame
	L        map[string]string
	Page     string
	Question string
	Done     string
	CSRF     string
}

func newMuteView(lk network.Linked, page, csrf string, done bool) muteView {
	rd := readerOf(lk)
	title := lk.Meeting.TitleIn(rd.tag.String())
	v := muteView{frame: rd.frame(title), L: rd.labels(pageLabels...), Page: page, Question: rd.p.Sprintf(msgLabelMuteQuestion, title), CSRF: csrf}
	if done {
		v.Done = rd.p.Sprintf(msgLabelMuted, title)
	}
	return v
}

var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<link rel="stylesheet" href="/web.css">
</head>
<body>
<main>
{{end}}
{{define "foot"}}</main>
</body>
</html>
{{end}}

{{define "problem"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p role="alert">{{.Message}}</p>
{{template "foot"}}{{end}}

{{define "invitation"}}{{template "head" .}}
<h1>{{.Title}}</h1>
<p class="who">{{.Invitee}}</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<dl>
<dt>{{index .L "When"}}</dt><dd>{{.VenueTime}}</dd>
{{if .ReaderTime}}<dt>{{index .L "Your time"}}</dt><dd>{{.ReaderTime}}</dd>{{end}}
{{if .Where}}<dt>{{index .L "Where"}}</dt><dd>{{.Where}}</dd>{{end}}
{{if .Online}}<dt>{{index .L "Online"}}</dt><dd><a href="{{.Online}}" rel="noreferrer">{{.Online}}</a></dd>{{end}}
</dl>
{{if .Agenda}}<h2>{{index .L "Agenda"}}</h2><pre>{{.Agenda}}</pre>{{end}}
<p class="answer" id="answer" role="status">{{.Answer}}</p>
<form method="post" action="">
<fieldset>
<legend>{{index .L "Your answer"}}</legend>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p class="hint" id="answer-hint">{{index .L "Your answer goes to the organiser at once. You can change it here until the meeting ends."}}</p>
<div class="buttons">
{{range .Buttons}}<button type="submit" name="answer" value="{{.Value}}" aria-describedby="answer-hint"{{if .Current}} aria-pressed="true" class="current"{{end}}>{{.Label}}</button>
{{end}}</div>
</fieldset>
</form>
{{if .Delegated}}<p id="delegated" role="status">{{.Delegated}}</p>
{{else}}<form method="post" action="{{.DelegatePath}}" novalidate>
<fieldset>
<legend>{{index .L "Send a colleague instead"}}</legend>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p class="hint">{{.DelegateHint}}</p>
{{with .Form}}{{if and .Error (not .Field)}}<p class="error" role="alert" id="delegate-error">{{.Error}}</p>{{end}}{{end}}
<div class="field"><label for="delegate-email">{{index .L "Their e-mail address"}}</label>
<input type="email" id="delegate-email" name="email" value="{{.Form.Email}}" autocomplete="off" required{{if eq .Form.Field "email"}} aria-invalid="true" aria-describedby="delegate-email-error"{{end}}>
{{if eq .Form.Field "email"}}<p class="error" id="delegate-email-error">{{.Form.Error}}</p>{{end}}</div>
<div class="field"><label for="delegate-name">{{index .L "Their name"}}</label>
<input type="text" id="delegate-name" name="name" value="{{.Form.Name}}" autocomplete="off" required{{if eq .Form.Field "name"}} aria-invalid="true" aria-describedby="delegate-name-error"{{end}}>
{{if eq .Form.Field "name"}}<p class="error" id="delegate-name-error">{{.Form.Error}}</p>{{end}}</div>
<div class="field"><label for="delegate-title">{{index .L "Their title (optional)"}}</label>
<input type="text" id="delegate-title" name="title" value="{{.Form.Title}}" autocomplete="off"{{if eq .Form.Field "title"}} aria-invalid="true" aria-describedby="delegate-title-error"{{end}}>
{{if eq .Form.Field "title"}}<p class="error" id="delegate-title-error">{{.Form.Error}}</p>{{end}}</div>
<button type="submit">{{index .L "Send the invitation to my colleague"}}</button>
</fieldset>
</form>{{end}}
<p><a href="{{.MutePath}}" class="mute-link">{{index .L "Stop the reminders of this meeting"}}</a></p>
<form method="post" action="{{.RevokePath}}" class="revoke">
<fieldset>
<legend>{{index .L "Forwarded this e-mail by mistake?"}}</legend>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit">{{index .L "Stop this link working"}}</button>
</fieldset>
</form>
{{template "foot"}}{{end}}

{{define "poll"}}{{template "head" .}}
<h1>{{.Title}}</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<p class="answer" id="answer" role="status">{{.Answer}}</p>
<form method="post" action="">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<fieldset>
<legend>{{index .L "Which of these times can you attend?"}}</legend>
<p class="hint">{{index .L "Tick every time you can attend; tick none if you can attend none of them. Your latest answer counts, for your country."}}</p>
{{range .Slots}}<div class="slot">
<input type="checkbox" name="slot" value="{{.N}}" id="slot-{{.N}}"{{if .Checked}} checked{{end}}>
<label for="slot-{{.N}}">{{.Label}}{{if .YourTime}}<br><span class="yours">{{.YourTime}}</span>{{end}}</label>
</div>
{{end}}</fieldset>
<p>{{.Deadline}}</p>
<button type="submit">{{index .L "Send my answer"}}</button>
</form>
{{template "foot"}}{{end}}

{{define "mute"}}{{template "head" .}}
<h1>{{.Title}}</h1>
{{if .Done}}<p role="status" id="muted">{{.Done}}</p>
{{else}}<form method="post" action="">
<fieldset>
<legend>{{.Question}}</legend>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit">{{index .L "Stop the reminders"}}</button>
</fieldset>
</form>{{end}}
<p><a href="{{.Page}}">{{index .L "Back to the invitation"}}</a></p>
{{template "foot"}}{{end}}
`))

// stylesheet is the pages' only style: readable on a phone, high contrast
// (text #1a1a1a on white, 17:1; buttons white on #0b4f8a, 8.6:1), and a
// visible focus ring for the keyboard. It names no side (only start, and
// margins the same left and right), so that an Arabic page (dir="rtl")
// mirrors; what the secretariat wrote (the title, the agenda) takes its
// direction from its own text, so an English title reads well on it.
const stylesheet = `html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 100%; line-height: 1.5; color: #1a1a1a; background: #fff; text-align: start; }
h1, pre { unicode-bidi: plaintext; }
body { margin: 0; padding: 1rem; }
main { max-width: 40rem; margin: 0 auto; }
h1 { font-size: 1.5rem; line-height: 1.25; }
dt { font-weight: bold; }
dd { margin: 0 0 0.5rem 0; }
pre { white-space: pre-wrap; font-family: inherit; }
fieldset { border: 1px solid #555; border-radius: 4px; margin: 1rem 0; padding: 0.75rem; }
legend { font-weight: bold; padding: 0 0.25rem; }
.buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; }
button { font: inherit; min-height: 44px; min-width: 44px; padding: 0.5rem 1.25rem; border: 2px solid #0b4f8a; border-radius: 4px; background: #0b4f8a; color: #fff; cursor: pointer; }
button.current { background: #fff; color: #0b4f8a; font-weight: bold; }
.revoke button { background: #fff; color: #8a1c0b; border-color: #8a1c0b; }
a { color: #0b4f8a; }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.slot { display: flex; gap: 0.5rem; align-items: flex-start; margin: 0.5rem 0; }
.slot input { width: 1.5rem; height: 1.5rem; margin-top: 0.1rem; }
.answer { font-weight: bold; }
.error { color: #8a1c0b; font-weight: bold; }
.hint, .yours, .who { color: #3d3d3d; }
.field { margin: 0.75rem 0; }
.field label { display: block; font-weight: bold; }
input[type=email], input[type=text] { font: inherit; width: 100%; max-width: 30rem; box-sizing: border-box; padding: 0.5rem; border: 1px solid #555; border-radius: 4px; }
input[aria-invalid=true] { border: 2px solid #8a1c0b; }
`

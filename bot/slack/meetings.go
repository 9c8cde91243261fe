package slack

import (
	"context"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"golang.org/x/text/message"

	"focalbot/bot"
	"focalbot/i18n"
	"focalbot/model"
)

// meetings are the engine's typed meeting operations that the invitation
// buttons, the App Home and the New meeting form call; *bot.Engine has them.
type meetings interface {
	Respond(ctx context.Context, c bot.Caller, id int64, resp model.Response) *bot.Reply
	ScheduleMeeting(ctx context.Context, c bot.Caller, id int64) *bot.Reply
	CancelMeeting(ctx context.Context, c bot.Caller, id int64) *bot.Reply
	CreateMeeting(ctx context.Context, c bot.Caller, f bot.MeetingForm) (*bot.Reply, error)
}

// rsvpAnswers are what each invitation button answers.
var rsvpAnswers = map[string]model.Response{actionRSVPYes: model.ResponseYes, actionRSVPMaybe: model.ResponseMaybe, actionRSVPNo: model.ResponseNo}

// meetingOps is the engine's meeting operations, or nil (logged) for a
// handler without them.
func (t *Transport) meetingOps() meetings {
	ms, ok := t.handler.(meetings)
	if !ok {
		t.log.Error("the handler has no meeting operations: a meeting button or form does nothing")
	}
	return ms
}

// buttonMeeting is the meeting number a button carries.
func buttonMeeting(a *slackapi.BlockAction) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(a.Value, "#"), 10, 64)
	return id, err == nil && id > 0
}

// rsvp answers an invitation's button.
func (t *Transport) rsvp(ctx context.Context, userID string, a *slackapi.BlockAction) (*bot.Reply, bool) {
	ms, id, ok := t.meetingOps(), int64(0), false
	if id, ok = buttonMeeting(a); !ok || ms == nil {
		t.log.Warn("an invitation button without a meeting", "value", a.Value)
		return nil, false
	}
	return ms.Respond(ctx, t.users.caller(ctx, userID), id, rsvpAnswers[a.ActionID]), true
}

// confirmOrSkip is the App Home's Confirm or Skip of a planned meeting.
func (t *Transport) confirmOrSkip(ctx context.Context, userID string, a *slackapi.BlockAction) (*bot.Reply, bool) {
	ms, id, ok := t.meetingOps(), int64(0), false
	if id, ok = buttonMeeting(a); !ok || ms == nil {
		t.log.Warn("a Confirm or Skip button without a meeting", "value", a.Value)
		return nil, false
	}
	caller := t.users.caller(ctx, userID)
	if a.ActionID == actionSchedule {
		return ms.ScheduleMeeting(ctx, caller, id), true
	}
	return ms.CancelMeeting(ctx, caller, id), true
}

// meetingFields are the New meeting form's fields by the field names of the
// engine's errors (model.ErrorField); an error of no field, or of one the
// form lacks, goes next to the title.
var meetingFields = map[string]string{"title": fieldMeetingTitle, "start": fieldStart, "end": fieldEnd, "tz": fieldZone,
	"venue": fieldVenue, "address": fieldAddress, "hosts": fieldHosts, "agenda": fieldAgenda}

// meetingForm reads the New meeting form's typed values: the day and times
// in the formats Slack's date and time pickers return, the zone as checked
// by form.check.
func meetingForm(pr *message.Printer, f form) (bot.MeetingForm, map[string]string) {
	mf := bot.MeetingForm{Title: f[fieldMeetingTitle], Venue: f[fieldVenue], Address: f[fieldAddress],
		Hosts: f[fieldHosts], Agenda: f[fieldAgenda]}
	errs := map[string]string{}
	day, err := time.Parse(time.DateOnly, f[fieldDate])
	if err != nil {
		errs[fieldDate] = pr.Sprintf(msgErrorPickDay)
	}
	mf.Day = day
	clock := func(field string) time.Duration {
		if f[field] == "" {
			return 0
		}
		t, err := time.Parse("15:04", f[field])
		if err != nil {
			errs[field] = pr.Sprintf(msgErrorPickTime)
			return 0
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	mf.Start, mf.End = clock(fieldStart), clock(fieldEnd)
	if f[fieldZone] != "" {
		if mf.Zone, err = model.LoadZone(f[fieldZone]); err != nil {
			errs[fieldZone] = pr.Sprintf(msgErrorBadZone)
		}
	}
	if len(errs) > 0 {
		return mf, errs
	}
	return mf, nil
}

// submitMeeting creates a meeting from the New meeting form, and returns the
// engine's answer, or the error to show next to its field.
func (t *Transport) submitMeeting(ctx context.Context, userID string, f form) (string, map[string]string) {
	ms := t.meetingOps()
	if ms == nil {
		return "", map[string]string{fieldMeetingTitle: say(msgCannotDo)}
	}
	mf, errs := meetingForm(i18n.Printer(t.language(ctx, userID)), f)
	if errs != nil {
		return "", errs
	}
	reply, err := ms.CreateMeeting(ctx, t.users.caller(ctx, userID), mf)
	switch {
	case ctx.Err() != nil:
		return "", map[string]string{fieldMeetingTitle: say(msgTooSlow)}
	case err != nil:
		field, ok := meetingFields[model.ErrorField(err)]
		if !ok {
			field = fieldMeetingTitle
		}
		return "", map[string]string{field: unlive(reply.Text())}
	}
	return reply.Text(), nil
}

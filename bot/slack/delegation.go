package slack

import (
	"context"
	"strconv"

	slackapi "github.com/slack-go/slack"
	"golang.org/x/text/message"

	"focalbot/bot"
	"focalbot/i18n"
	"focalbot/model"
)

// The Send a colleague button of an invitation, and its modal.
const (
	actionDelegate = "delegate" // the button; its value is the meeting's number
	modalDelegate  = "delegate" // the modal; its private_metadata is the meeting's number
)

// Sentences of delegation on Slack.
const (
	msgButtonDelegate     = "Send a colleague"
	msgModalDelegate      = "Send a colleague"
	msgFieldDelegateEmail = "Your colleague's e-mail address"
	msgFieldDelegateName  = "Their name"
	msgFieldDelegateTitle = "Their title"
	msgHintDelegate       = "They get the invitation by e-mail, and their answer counts for you."
	msgCountryNudge       = "*Reminder:* %s, %s. We have not had an answer from %s yet: as its alternate, please make sure your country answers (your focal point can answer in their calendar, or write to the secretariat, who records it). `/focal mute %d` stops these."
)

// delegator is the engine's typed delegation; *bot.Engine has it.
type delegator interface {
	Delegate(ctx context.Context, c bot.Caller, id int64, f bot.DelegateForm) (*bot.Reply, error)
}

// delegateModal is the Send a colleague form for meeting id.
func delegateModal(pr *message.Printer, id int64) slackapi.ModalViewRequest {
	v := modalView(pr, modalDelegate, msgModalDelegate,
		textInput(pr, fieldEmail, msgFieldDelegateEmail, "", msgHintDelegate, false),
		textInput(pr, fieldName, msgFieldDelegateName, "", "", false),
		textInput(pr, fieldTitle, msgFieldDelegateTitle, "", "", true),
	)
	v.PrivateMetadata = strconv.FormatInt(id, 10)
	return v
}

// openDelegate opens the Send a colleague form of the button's meeting.
func (t *Transport) openDelegate(ctx context.Context, userID, triggerID string, a *slackapi.BlockAction) {
	id, ok := buttonMeeting(a)
	if !ok {
		t.log.Warn("a Send a colleague button without a meeting", "value", a.Value)
		return
	}
	if err := t.api.openModal(ctx, triggerID, delegateModal(i18n.Printer(t.language(ctx, userID)), id)); err != nil {
		t.log.Error("cannot open a modal", "action", a.ActionID, "err", err)
	}
}

// delegateFields are the form's fields by the field names of the engine's
// errors (model.ErrorField); an error of no field goes next to the address.
var delegateFields = map[string]string{"email": fieldEmail, "name": fieldName, "title": fieldTitle}

// submitDelegate sends the colleague of the form through the engine, and
// returns its answer, or the error to show next to its field.
func (t *Transport) submitDelegate(ctx context.Context, cb slackapi.InteractionCallback, f form) (string, map[string]string) {
	d, ok := t.handler.(delegator)
	id, err := strconv.ParseInt(cb.View.PrivateMetadata, 10, 64)
	if !ok || err != nil || id <= 0 {
		t.log.Error("a Send a colleague form without a meeting, or no delegation in the handler", "metadata", cb.View.PrivateMetadata)
		return "", map[string]string{fieldEmail: say(msgCannotDo)}
	}
	reply, err := d.Delegate(ctx, t.users.caller(ctx, cb.User.ID), id, bot.DelegateForm{Email: f[fieldEmail], Name: f[fieldName], Title: f[fieldTitle]})
	switch {
	case ctx.Err() != nil:
		return "", map[string]string{fieldEmail: say(msgTooSlow)}
	case err != nil:
		field, ok := delegateFields[model.ErrorField(err)]
		if !ok {
			field = fieldEmail
		}
		return "", map[string]string{field: unlive(reply.Text())}
	}
	return reply.Text(), nil
}

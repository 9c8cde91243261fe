package slack

import (
	"context"
	"strings"

	slackapi "github.com/slack-go/slack"
)

// interact handles a button click or a modal submission. Clicks are queued;
// a submission is checked at once, since its errors must come back in the
// ack. The returned value, if any, is the body of the ack.
func (t *Transport) interact(ctx context.Context, cb slackapi.InteractionCallback) any {
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			if _, ok := rsvpWords[a.ActionID]; ok {
				t.submit(t.rsvpJob(cb, a))
				continue
			}
			switch a.ActionID {
			case actionPollAnswer:
				t.submit(t.pollJob(cb, a))
				continue
			case actionPollSlots:
				continue // ticking a slot: the answer goes with the button
			}
			t.submit(t.actionJob(cb.User.ID, cb.TriggerID, a))
		}
	case slackapi.InteractionTypeViewSubmission:
		if resp := t.submitModal(ctx, cb); resp != nil {
			return resp
		}
	}
	return nil
}

// actionJob is the work of one button: approve or reject (through the engine,
// which checks the role), or open a modal.
func (t *Transport) actionJob(userID, triggerID string, a *slackapi.BlockAction) job {
	return job{what: "button " + a.ActionID, run: func(ctx context.Context) {
		switch a.ActionID {
		case actionApprove, actionReject:
			reply := t.handle(ctx, userID, a.ActionID+" "+a.Value)
			t.dm(ctx, userID, reply.Text())
			t.publishHome(ctx, userID)
		case actionSchedule, actionSkip:
			reply := t.handle(ctx, userID, strings.ReplaceAll(a.ActionID, "_", " ")+" "+a.Value)
			t.dm(ctx, userID, reply.Text())
			t.publishHome(ctx, userID)
		case actionRegister, actionProfile, actionAdd, actionNewMeeting:
			view, ok := t.modal(ctx, a.ActionID, userID)
			if !ok {
				return
			}
			if err := t.api.openModal(ctx, triggerID, view); err != nil {
				t.log.Error("cannot open a modal", "action", a.ActionID, "err", err)
			}
		}
	}}
}

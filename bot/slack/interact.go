package slack

import (
	"context"
	"errors"

	slackapi "github.com/slack-go/slack"

	"focalbot/model"
)

// interact handles a button click or a modal submission, delivered as
// payload under the dedupe key key. A click goes through the inbox; a
// submission is done at once, since its errors must come back in the ack,
// and recorded first, so that a replay of it does nothing. The returned
// value, if any, is the body of the ack.
func (t *Transport) interact(ctx context.Context, key, payload string, cb slackapi.InteractionCallback) (any, accepted) {
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		j, ok := t.clickJob(cb)
		if !ok {
			return nil, acceptedNew // ticking a poll's slot: nothing to do yet
		}
		return nil, t.accept(ctx, model.InboxItem{Key: key, Kind: kindInteraction, Payload: payload}, j)
	case slackapi.InteractionTypeViewSubmission:
		first, err := t.deliveries.FirstDelivery(ctx, key)
		switch {
		case err != nil:
			t.log.Error("cannot record slack delivery; handling it anyway", "key", key, "err", err)
		case !first:
			return nil, acceptedSeen
		}
		if resp := t.submitModal(ctx, cb); resp != nil {
			return resp, acceptedNew
		}
	}
	return nil, acceptedNew
}

// clickJob is the work of the buttons of one click, in order, or reports
// that there is none.
func (t *Transport) clickJob(cb slackapi.InteractionCallback) (job, bool) {
	var jobs []job
	for _, a := range cb.ActionCallback.BlockActions {
		if _, ok := rsvpAnswers[a.ActionID]; ok {
			jobs = append(jobs, t.rsvpJob(cb, a))
			continue
		}
		switch a.ActionID {
		case actionPollAnswer:
			jobs = append(jobs, t.pollJob(cb, a))
			continue
		case actionPollSlots:
			continue // ticking a slot: the answer goes with the button
		}
		jobs = append(jobs, t.actionJob(cb.User.ID, cb.TriggerID, a))
	}
	return job{what: "click", run: func(ctx context.Context) {
		for _, j := range jobs {
			j.run(ctx)
		}
	}}, len(jobs) > 0
}

// checkInteraction refuses an interaction that lacks what its handling
// reads: a modal submission without its view and the view's state.
func checkInteraction(cb slackapi.InteractionCallback) error {
	if cb.Type == slackapi.InteractionTypeViewSubmission && (cb.View.State == nil || cb.View.CallbackID == "") {
		return errors.New("a view_submission needs its view, with callback_id and state")
	}
	return nil
}

// actionJob is the work of one button: approve or reject, confirm or skip a
// planned meeting (each through the engine's typed operations, whose
// services check the role), or open a modal.
func (t *Transport) actionJob(userID, triggerID string, a *slackapi.BlockAction) job {
	return job{what: "button " + a.ActionID, run: func(ctx context.Context) {
		switch a.ActionID {
		case actionApprove, actionReject:
			t.decide(ctx, userID, a.ActionID, a.Value)
		case actionSchedule, actionSkip:
			if reply, ok := t.confirmOrSkip(ctx, userID, a); ok {
				t.dm(ctx, userID, reply.Text())
			}
			t.publishHome(ctx, userID)
		case actionDelegate:
			t.openDelegate(ctx, userID, triggerID, a)
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

package bot

import (
	"context"
	"runtime/debug"

	"focalbot/model"
)

// AnswerPoll records caller's answer to poll pollID, as the poll answer
// command does: the slots they can attend, by number from 1, none when
// slots is empty. It is how a transport's buttons and forms answer a poll
// (Slack's checkboxes) without writing a command. The reply confirms the
// answer, or says what to fix; its Code is the error's code (see
// network.Service.Vote).
func (e *Engine) AnswerPoll(ctx context.Context, caller Caller, pollID int64, slots []int) *Reply {
	return e.typedCall(ctx, caller, "poll answer", func(w *Reply, r *Request) error {
		if !Member.allows(r.Person) { // as the command's access says
			return Member.denied()
		}
		p, v, err := e.svc.Vote(ctx, r.caller(), pollID, slots)
		if err != nil {
			return err
		}
		w.pollAnswered(p, v)
		return nil
	})
}

// typedCall runs one typed operation for caller as Handle runs a command:
// the caller identified, the reply in their language, a domain error as
// the reply, an internal error or a panic logged and apologised for. what
// names the operation in the log.
func (e *Engine) typedCall(ctx context.Context, caller Caller, what string, run func(w *Reply, r *Request) error) (w *Reply) {
	w = newReply("", caller.Locale)
	defer func() {
		if v := recover(); v != nil {
			e.log.Error("operation panicked", "op", what, "panic", v, "stack", string(debug.Stack()))
			w.lines, w.Code = nil, model.EINTERNAL
			w.Printf(msgInternal)
		}
	}()
	person, err := e.Identify(ctx, caller)
	if err != nil {
		e.fail(w, what, err)
		return w
	}
	if person != nil {
		w.setLanguage(person.Language, caller.Locale)
	}
	r := &Request{Caller: caller, Person: person, Now: e.clock.Now()}
	if err := run(w, r); err != nil {
		w.lines = nil
		e.fail(w, what, err)
	}
	return w
}

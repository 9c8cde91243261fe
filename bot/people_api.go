package bot

import (
	"context"
	"fmt"
	"runtime/debug"

	"focalbot/match"
	"focalbot/model"
	"focalbot/network"
)

// The engine's typed operations on the roster, for the ways in that are not
// typed text: Slack's forms and App Home buttons. Each identifies the caller,
// calls the people services with typed values, and renders the outcome as
// the matching command would. The reply is the answer to show; the error,
// when the operation failed, is the domain error it failed with, whose
// model.ErrorField names the input field it concerns, if any. The reply
// then holds the error's sentence.

// Register asks for caller to join the roster for country (a code or a
// name), with changes of the fields a registration may set (name, title,
// ministry, role, phone, tz, language).
func (e *Engine) Register(ctx context.Context, caller Caller, country string, changes []network.Change) (*Reply, error) {
	return e.call(ctx, caller, "register", func(ctx context.Context, w *Reply, r *Request) error {
		c, err := match.Country(country)
		if err != nil {
			return inField(err, "country")
		}
		return e.registered(ctx, w, r, c, changes)
	})
}

// AddPerson puts someone on the roster, as the add command does: changes
// set their fields, among them their e-mail address.
func (e *Engine) AddPerson(ctx context.Context, caller Caller, changes []network.Change) (*Reply, error) {
	return e.call(ctx, caller, "add", func(ctx context.Context, w *Reply, r *Request) error {
		p, err := e.svc.AddPerson(ctx, r.caller(), changes)
		if err != nil {
			return err
		}
		w.Printf(msgAdded, e.personLine(w, p, r.Person))
		return e.notInvited(ctx, w, r, p)
	})
}

// UpdateProfile changes the caller's own profile, as me set does.
func (e *Engine) UpdateProfile(ctx context.Context, caller Caller, changes []network.Change) (*Reply, error) {
	return e.call(ctx, caller, "me set", func(ctx context.Context, w *Reply, r *Request) error {
		return e.profileSet(ctx, w, r, changes)
	})
}

// Approve approves the pending registration of the person id.
func (e *Engine) Approve(ctx context.Context, caller Caller, id int64) (*Reply, error) {
	return e.call(ctx, caller, "approve", func(ctx context.Context, w *Reply, r *Request) error {
		return e.decided(ctx, w, r, id, true)
	})
}

// Reject rejects the pending registration of the person id.
func (e *Engine) Reject(ctx context.Context, caller Caller, id int64) (*Reply, error) {
	return e.call(ctx, caller, "reject", func(ctx context.Context, w *Reply, r *Request) error {
		return e.decided(ctx, w, r, id, false)
	})
}

// ShowProfile is the caller's profile, as the me command shows it.
func (e *Engine) ShowProfile(ctx context.Context, caller Caller) (*Reply, error) {
	return e.call(ctx, caller, "me", func(ctx context.Context, w *Reply, r *Request) error {
		if !Member.allows(r.Person) {
			return Member.denied()
		}
		return e.me(ctx, w, r)
	})
}

// ShowCountry is a country (by code or name) and its people, as the country
// command shows them to caller.
func (e *Engine) ShowCountry(ctx context.Context, caller Caller, country string) (*Reply, error) {
	return e.call(ctx, caller, "country", func(ctx context.Context, w *Reply, r *Request) error {
		c, err := match.Country(country)
		if err != nil {
			return err
		}
		return e.countryShown(ctx, w, r, c)
	})
}

// ShowCoverage is the coverage by regional group, as the coverage command
// shows it.
func (e *Engine) ShowCoverage(ctx context.Context, caller Caller) (*Reply, error) {
	return e.call(ctx, caller, "coverage", e.coverage)
}

// call runs fn for caller as Handle runs a command (what names it in the
// log), and returns its reply and error.
func (e *Engine) call(ctx context.Context, caller Caller, what string, fn HandlerFunc) (w *Reply, err error) {
	w = newReply("", caller.Locale)
	defer func() {
		if v := recover(); v != nil {
			e.log.Error("operation panicked", "op", what, "panic", v, "stack", string(debug.Stack()))
			w.lines, w.Code = nil, model.EINTERNAL
			w.Printf(msgInternal)
			err = fmt.Errorf("%s: panic: %v", what, v)
		}
	}()
	person, err := e.Identify(ctx, caller)
	if err != nil {
		e.fail(w, what, err)
		return w, err
	}
	if person != nil {
		w.setLanguage(person.Language, caller.Locale)
	}
	r := &Request{Caller: caller, Person: person, Now: e.clock.Now()}
	if err := fn(ctx, w, r); err != nil {
		w.lines = nil
		e.fail(w, what, err)
		return w, err
	}
	return w, nil
}

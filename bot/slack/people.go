package slack

import (
	"context"
	"strconv"
	"strings"

	slackapi "github.com/slack-go/slack"

	"focalbot/bot"
	"focalbot/model"
	"focalbot/network"
)

// peopleOps are the engine's typed operations on the roster that the
// Register, Add-a-person and profile forms and the App Home's Approve and
// Reject buttons call; *bot.Engine is one. Each returns the answer to show
// and, when it failed, the domain error, which names its field.
type peopleOps interface {
	Register(ctx context.Context, c bot.Caller, country string, changes []network.Change) (*bot.Reply, error)
	AddPerson(ctx context.Context, c bot.Caller, changes []network.Change) (*bot.Reply, error)
	UpdateProfile(ctx context.Context, c bot.Caller, changes []network.Change) (*bot.Reply, error)
	Approve(ctx context.Context, c bot.Caller, id int64) (*bot.Reply, error)
	Reject(ctx context.Context, c bot.Caller, id int64) (*bot.Reply, error)
}

// personForms are the modals about people, and the field where an error
// that names no field of its own is shown.
var personForms = map[string]string{modalRegister: fieldCountry, modalAdd: fieldEmail, modalProfile: fieldName}

// formFields are the fields of each form about people, by the roster's key
// of the person's field they set (which is also the field's block ID).
var formFields = map[string][]string{
	modalRegister: {fieldName, fieldTitle, fieldMinistry, fieldRole},
	modalAdd:      {fieldEmail, fieldName, fieldCountry, fieldRole, fieldTitle, fieldMinistry},
	modalProfile:  {fieldName, fieldTitle, fieldMinistry, fieldPhone, fieldZone},
}

// submitPerson does what a submitted form about people asks, through the
// engine's typed operations, and reports whether the form was one. The
// response, if any, keeps the modal open with an error next to its field.
func (t *Transport) submitPerson(ctx context.Context, cb slackapi.InteractionCallback, f form) (*slackapi.ViewSubmissionResponse, bool) {
	id := cb.View.CallbackID
	field, ok := personForms[id]
	if !ok {
		return nil, false
	}
	ops, ok := t.handler.(peopleOps)
	if !ok {
		t.log.Error("the handler has no operations on people; form ignored", "form", id)
		return nil, true
	}
	caller := t.users.caller(ctx, cb.User.ID)
	var now map[string]string // the profile as it is: only what differs changes
	if hs, ok := t.handler.(homeSource); ok && id == modalProfile {
		if home, err := hs.Home(ctx, caller); err == nil && home.Person != nil {
			me := home.Person
			now = map[string]string{fieldName: me.Name, fieldTitle: me.Title, fieldMinistry: me.Organisation,
				fieldPhone: me.Phone, fieldZone: me.TimeZone}
		}
	}
	var changes []network.Change
	for _, k := range formFields[id] {
		v := f[k]
		if id != modalProfile && v == "" || now != nil && v == now[k] {
			continue
		}
		changes = append(changes, network.Change{Field: k, Value: v})
	}
	var (
		reply *bot.Reply
		err   error
	)
	switch id {
	case modalRegister:
		reply, err = ops.Register(ctx, caller, f[fieldCountry], changes)
	case modalAdd:
		reply, err = ops.AddPerson(ctx, caller, changes)
	case modalProfile:
		if len(changes) == 0 {
			return nil, true
		}
		field = changes[0].Field
		reply, err = ops.UpdateProfile(ctx, caller, changes)
	}
	if ctx.Err() != nil {
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{field: say(msgTooSlow)}), true
	}
	if err != nil {
		if named := model.ErrorField(err); named != "" && hasField(id, named) {
			field = named
		}
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{field: unlive(reply.Text())}), true
	}
	answer := reply.Text()
	t.submit(job{what: "modal answer", run: func(ctx context.Context) {
		t.dm(ctx, cb.User.ID, answer)
		t.publishHome(ctx, cb.User.ID)
	}})
	return nil, true
}

// hasField reports whether the form id has the field.
func hasField(id, field string) bool {
	return field == personForms[id] || strings.Contains(" "+strings.Join(formFields[id], " ")+" ", " "+field+" ")
}

// decide approves or rejects, for userID, the registration a button of the
// App Home names ("#12"), tells them the outcome and refreshes their home.
func (t *Transport) decide(ctx context.Context, userID, action, value string) {
	id, err := strconv.ParseInt(strings.TrimPrefix(value, "#"), 10, 64)
	if err != nil {
		t.log.Error("a button names no person", "action", action, "value", value)
		return
	}
	ops, ok := t.handler.(peopleOps)
	if !ok {
		t.log.Error("the handler has no operations on people; button ignored", "action", action)
		return
	}
	caller := t.users.caller(ctx, userID)
	decide := ops.Approve
	if action == actionReject {
		decide = ops.Reject
	}
	reply, _ := decide(ctx, caller, id)
	t.dm(ctx, userID, reply.Text())
	t.publishHome(ctx, userID)
}

// peopleViews are the engine's typed views that the App Home shows (the
// caller's profile, country, coverage and next meeting); *bot.Engine has them.
type peopleViews interface {
	ShowProfile(ctx context.Context, c bot.Caller) (*bot.Reply, error)
	ShowCountry(ctx context.Context, c bot.Caller, country string) (*bot.Reply, error)
	ShowCoverage(ctx context.Context, c bot.Caller) (*bot.Reply, error)
	ShowNext(ctx context.Context, c bot.Caller) (*bot.Reply, error)
}

// rosterView is a view of the roster for the App Home.
type rosterView func(ctx context.Context, v peopleViews, c bot.Caller) (*bot.Reply, error)

func showProfile(ctx context.Context, v peopleViews, c bot.Caller) (*bot.Reply, error) {
	return v.ShowProfile(ctx, c)
}

func showCoverage(ctx context.Context, v peopleViews, c bot.Caller) (*bot.Reply, error) {
	return v.ShowCoverage(ctx, c)
}

func showNext(ctx context.Context, v peopleViews, c bot.Caller) (*bot.Reply, error) {
	return v.ShowNext(ctx, c)
}

func showCountry(code string) rosterView {
	return func(ctx context.Context, v peopleViews, c bot.Caller) (*bot.Reply, error) {
		return v.ShowCountry(ctx, c, code)
	}
}

// shown is the text of a view for caller, or "" when the handler has none.
func (t *Transport) shown(ctx context.Context, caller bot.Caller, v rosterView) string {
	pv, ok := t.handler.(peopleViews)
	if !ok {
		return ""
	}
	reply, _ := v(ctx, pv, caller)
	return reply.Text()
}

package bot

import (
	"context"

	"focalbot/model"
)

// The typed meeting operations for transports other than chat text (Slack's
// buttons, forms and App Home): each identifies the caller, calls the
// meeting service with typed values and renders the answer the matching
// command gives, in the caller's language.

// Respond records the caller's answer to meeting id (an invitation's
// button), as rsvp does.
func (e *Engine) Respond(ctx context.Context, c Caller, id int64, resp model.Response) *Reply {
	w, _ := e.call(ctx, c, "respond", func(ctx context.Context, w *Reply, r *Request) error {
		a, err := e.svc.Respond(ctx, r.caller(), id, resp)
		if err != nil {
			return err
		}
		w.Printf(msgAnswered, w.response(resp), a.Meeting.Title)
		return nil
	})
	return w
}

// ScheduleMeeting announces draft meeting id (the App Home's Confirm), as
// meeting schedule does.
func (e *Engine) ScheduleMeeting(ctx context.Context, c Caller, id int64) *Reply {
	w, _ := e.call(ctx, c, "schedule meeting", func(ctx context.Context, w *Reply, r *Request) error {
		res, err := e.svc.ScheduleMeeting(ctx, r.caller(), id)
		if err != nil {
			return err
		}
		e.renderScheduled(w, res)
		return nil
	})
	return w
}

// CancelMeeting cancels meeting id (the App Home's Skip), as meeting cancel
// does.
func (e *Engine) CancelMeeting(ctx context.Context, c Caller, id int64) *Reply {
	w, _ := e.call(ctx, c, "cancel meeting", func(ctx context.Context, w *Reply, r *Request) error {
		m, err := e.svc.CancelMeeting(ctx, r.caller(), id)
		if err != nil {
			return err
		}
		w.Printf(msgMeetingCancelled, m.ID, m.TitleIn(w.Language()))
		return nil
	})
	return w
}

// MeetingForm is a form for a new meeting, its fields as typed: times as
// the meeting commands read them ("2012-09-29 10:00", an end as "17:00" on
// the start's day) in Zone, hosts as countries separated by commas. Empty
// fields are left to the defaults.
type MeetingForm struct {
	Title, Start, End, Zone, Venue, Address, Hosts, Agenda string
	Draft                                                  bool
}

// CreateMeeting creates a meeting from a form (the New meeting form), as
// meeting create does. On failure the reply says why and the error is
// returned too: model.ErrorField names the field it concerns ("title",
// "start", "end", "tz", "venue", "address", "online", "hosts", "agenda"), or
// none.
func (e *Engine) CreateMeeting(ctx context.Context, c Caller, f MeetingForm) (*Reply, error) {
	return e.call(ctx, c, "create meeting", func(ctx context.Context, w *Reply, r *Request) error {
		opts := map[string]string{}
		var keys []string
		for _, kv := range [][2]string{{"title", f.Title}, {"start", f.Start}, {"end", f.End}, {"tz", f.Zone},
			{"venue", f.Venue}, {"address", f.Address}, {"hosts", f.Hosts}, {"agenda", f.Agenda}} {
			if kv[1] != "" {
				keys, opts[kv[0]] = append(keys, kv[0]), kv[1]
			}
		}
		ch, err := meetingChangeOf(model.Meeting{TimeZone: e.zone.String()}, keys, opts)
		if err != nil {
			return err
		}
		m, err := e.svc.CreateMeeting(ctx, r.caller(), ch, f.Draft)
		if err != nil {
			return err
		}
		e.renderCreated(w, m, r)
		return nil
	})
}

// ShowNext is the next meeting caller is invited to, or organises, as the
// next command shows it.
func (e *Engine) ShowNext(ctx context.Context, caller Caller) (*Reply, error) {
	return e.call(ctx, caller, "next", e.next)
}

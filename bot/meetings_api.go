package bot

import (
	"context"
	"strings"
	"time"

	"focalbot/model"
	"focalbot/network"
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
		m, told, err := e.svc.CancelMeeting(ctx, r.caller(), id)
		if err != nil {
			return err
		}
		w.cancelled(m, told)
		return nil
	})
	return w
}

// MeetingForm is a form for a new meeting, its values typed: the day, and
// the wall-clock times it starts and ends on that day in Zone. Hosts are
// countries separated by commas, as typed. Empty fields are left to the
// defaults: the network's zone, an end DefaultMeetingLength after the start,
// the facilitating group as hosts.
type MeetingForm struct {
	Title                         string
	Day                           time.Time     // the day it is held: only its year, month and day are read
	Start, End                    time.Duration // times of day from midnight; End zero: no end given
	Zone                          *time.Location
	Venue, Address, Hosts, Agenda string
	Draft                         bool
}

// change is the form as a change to a meeting not made yet.
func (f MeetingForm) change(zone *time.Location) (network.MeetingChange, error) {
	var ch network.MeetingChange
	loc := zone
	if f.Zone != nil {
		loc = f.Zone
	}
	ch.Zone = loc
	at := func(field string, d time.Duration) (*time.Time, error) {
		y, m, day := f.Day.Date()
		t, err := model.WallTime(y, m, day, int(d/time.Hour), int(d%time.Hour/time.Minute), 0, loc)
		if err != nil {
			return nil, inField(err, field)
		}
		return &t, nil
	}
	var err error
	if ch.Start, err = at("start", f.Start); err != nil {
		return ch, err
	}
	if f.End != 0 {
		if ch.End, err = at("end", f.End); err != nil {
			return ch, err
		}
	}
	text := func(v string) *string {
		if v = strings.TrimSpace(v); v == "" {
			return nil
		}
		return &v
	}
	ch.Title, ch.Venue, ch.Address = text(f.Title), text(f.Venue), text(f.Address)
	ch.Agenda = text(f.Agenda)
	if h := text(f.Hosts); h != nil {
		hosts, err := hostCodes(*h)
		if err != nil {
			return ch, inField(err, "hosts")
		}
		ch.Hosts = &hosts
	}
	return ch, nil
}

// CreateMeeting creates a meeting from a form (the New meeting form), as
// meeting create does. On failure the reply says why and the error is
// returned too: model.ErrorField names the field it concerns ("title",
// "start", "end", "tz", "venue", "address", "online", "hosts", "agenda"), or
// none.
func (e *Engine) CreateMeeting(ctx context.Context, c Caller, f MeetingForm) (*Reply, error) {
	return e.call(ctx, c, "create meeting", func(ctx context.Context, w *Reply, r *Request) error {
		ch, err := f.change(e.zone)
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

package scheduler

import (
	"context"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// maxReminder is the earliest a reminder can come before a meeting
// (model.ValidateReminders); meetings further off are not read at all.
const maxReminder = 60 * 24 * time.Hour

// reminders queues the reminders that are due: to invitees who accepted or
// said maybe, a reminder; to those who have not answered, a nudge; to those
// who declined or muted reminders, nothing.
//
// Catch-up rule, after downtime: of a meeting's reminders whose moment has
// passed, only the latest is sent, and only while the meeting has not
// started; the earlier ones are recorded as skipped and logged. So a bot that
// was down for a week sends the 2-day reminder, not the 14-day one too.
func (s *Scheduler) reminders(ctx context.Context, now time.Time) error {
	meetings, err := s.Store.Meetings(ctx, model.MeetingFilter{EndsAfter: now, StartsBefore: now.Add(maxReminder),
		Statuses: []model.MeetingStatus{model.MeetingScheduled}})
	if err != nil || len(meetings) == 0 {
		return err
	}
	var people map[int64]model.Person // read only when some reminder is due
	for _, m := range meetings {
		if !m.Start.After(now) {
			continue
		}
		offsets := m.ReminderOffsets() // largest first
		due := -1
		for i, o := range offsets {
			if !m.Start.Add(-o).After(now) {
				due = i
			}
		}
		if due < 0 {
			continue
		}
		moment := m.Start.Add(-offsets[due])
		if m.RemindedSequence == m.Sequence && !moment.After(m.RemindedThrough) {
			continue // queued on an earlier tick
		}
		if people == nil {
			if people, err = s.peopleByID(ctx); err != nil {
				return err
			}
		}
		invs, err := s.Store.Invitations(ctx, m.ID)
		if err != nil {
			return err
		}
		muted, err := s.Store.Muted(ctx, m.ID)
		if err != nil {
			return err
		}
		var items []model.OutboxItem
		for _, inv := range invs {
			kind := reminderKind(inv.Response)
			if kind == "" || inv.PersonID != 0 && muted[inv.PersonID] {
				continue
			}
			var person *model.Person
			if p, ok := people[inv.PersonID]; ok {
				person = &p
			}
			for i := 0; i <= due; i++ {
				planned := s.Planner.Reminder(kind, offsets[i], m, inv, person)
				for j := range planned {
					planned[j].DueAt = m.Start.Add(-offsets[i])
					if i < due {
						planned[j].Status = model.OutboxSkipped
					}
				}
				items = append(items, planned...)
			}
		}
		written, err := s.Store.QueueReminders(ctx, m.ID, m.Sequence, moment, items)
		if err != nil {
			return err
		}
		for _, it := range written {
			if it.Status == model.OutboxSkipped {
				s.Log.Warn("reminder skipped: its moment passed while the bot was not running, and a later one is due",
					"meeting", m.ID, "key", it.Key)
			}
		}
	}
	return nil
}

// reminderKind is what an invitee's answer calls for: a reminder, a nudge or nothing.
func reminderKind(r model.Response) string {
	switch r {
	case model.ResponseYes, model.ResponseMaybe:
		return delivery.KindReminder
	case model.ResponseNone:
		return delivery.KindNudge
	}
	return ""
}

func (s *Scheduler) peopleByID(ctx context.Context) (map[int64]model.Person, error) {
	all, err := s.Store.People(ctx, model.PeopleFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]model.Person, len(all))
	for _, p := range all {
		out[p.ID] = p
	}
	return out, nil
}

package scheduler

import (
	"cmp"
	"context"
	"slices"
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
//
// A change to a meeting never sends a reminder whose offset has passed
// again: only a meeting moved later is reminded of again, at its new time.
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
		var from time.Time // offsets whose moment is after from are planned
		if m.RemindedSequence == m.Sequence {
			from = m.RemindedThrough
		}
		if !moment.After(from) {
			continue // queued on an earlier tick
		}
		// A new version of a meeting that was reminded of already: an
		// offset queued for an earlier version at the same moment or later
		// (the meeting did not move, or moved earlier) is not sent again.
		var earlier map[reminded]time.Time
		if m.RemindedSequence != m.Sequence && !m.RemindedThrough.IsZero() {
			if earlier, err = s.queuedReminders(ctx, m.ID); err != nil {
				return err
			}
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
		mutedInv, err := s.Store.MutedInvitations(ctx, m.ID) // guests mute by invitation
		if err != nil {
			return err
		}
		var items []model.OutboxItem
		for _, inv := range invs {
			kind := reminderKind(inv.Response)
			if kind == "" || inv.PersonID != 0 && muted[inv.PersonID] || mutedInv[inv.ID] {
				continue
			}
			var person *model.Person
			if p, ok := people[inv.PersonID]; ok {
				person = &p
			}
			for i := 0; i <= due; i++ {
				at := m.Start.Add(-offsets[i])
				if !at.After(from) {
					continue
				}
				for _, it := range s.Planner.Reminder(kind, offsets[i], m, inv, person) {
					if t, ok := earlier[reminded{it.InvitationID, it.Channel, offsets[i]}]; ok && !t.Before(at) {
						continue
					}
					it.DueAt = at
					if i < due {
						it.Status = model.OutboxSkipped
					}
					items = append(items, it)
				}
			}
		}
		if last := len(offsets) - 1; due == last && moment.After(from) {
			items = append(items, s.alternateNudges(m, offsets[last], invs, people, muted)...)
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

// alternateNudges are the last nudge of m (at offset) to the active
// alternates, not invited themselves, of every country still silent
// (model.CountryAnswer), the focal point being perhaps away: the rule of
// model.Meeting.LastNudge. Each is tied to the invitation of the
// country's first silent invitee, so an answer from it stops the nudge
// before it goes.
func (s *Scheduler) alternateNudges(m model.Meeting, offset time.Duration, invs []model.Invitation, people map[int64]model.Person, muted map[int64]bool) []model.OutboxItem {
	if !m.LastNudge(offset) {
		return nil
	}
	answers := model.CountryAnswers(invs)
	invited := map[int64]bool{}
	first := map[string]model.Invitation{}
	for _, inv := range invs {
		invited[inv.PersonID] = true
		if _, ok := first[inv.Country]; !ok && inv.ForCountry() && inv.Response == model.ResponseNone {
			first[inv.Country] = inv
		}
	}
	var items []model.OutboxItem
	for _, p := range sortedPeople(people) {
		inv, ok := first[p.Country]
		if !ok || answers[p.Country] != model.ResponseNone || invited[p.ID] || muted[p.ID] ||
			p.Role != model.RoleAlternate || p.Status != model.StatusActive {
			continue
		}
		for _, it := range s.Planner.AlternateNudge(offset, m, inv, p) {
			it.DueAt = m.Start.Add(-offset)
			items = append(items, it)
		}
	}
	return items
}

// sortedPeople are people by ID, so that what is planned from them comes
// in the same order every time.
func sortedPeople(people map[int64]model.Person) []model.Person {
	out := make([]model.Person, 0, len(people))
	for _, p := range people {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b model.Person) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// reminded names a reminder whatever its version and kind: to one invitee,
// on one channel, so long before the start.
type reminded struct {
	invitation int64
	channel    model.Channel
	offset     time.Duration
}

// queuedReminders are the reminders and nudges queued for a meeting (sent,
// waiting or decided against), each with the latest moment it was due at.
func (s *Scheduler) queuedReminders(ctx context.Context, meetingID int64) (map[reminded]time.Time, error) {
	items, err := s.Store.Outbox(ctx, model.OutboxFilter{MeetingID: meetingID})
	if err != nil {
		return nil, err
	}
	out := map[reminded]time.Time{}
	for _, it := range items {
		if it.Kind != model.KindReminder && it.Kind != model.KindNudge {
			continue
		}
		p, err := delivery.Decode(it)
		if err != nil {
			return nil, err
		}
		k := reminded{it.InvitationID, it.Channel, p.Offset}
		if t, ok := out[k]; !ok || it.DueAt.After(t) {
			out[k] = it.DueAt
		}
	}
	return out, nil
}

// reminderKind is what an invitee's answer calls for: a reminder, a nudge or nothing.
func reminderKind(r model.Response) model.OutboxKind {
	switch r {
	case model.ResponseYes, model.ResponseMaybe:
		return model.KindReminder
	case model.ResponseNone:
		return model.KindNudge
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

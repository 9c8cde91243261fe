package scheduler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// polls closes the availability polls whose deadline has passed and tells
// the secretariat which slot ranks first, in the same transaction.
func (s *Scheduler) polls(ctx context.Context, now time.Time) error {
	due, err := s.Store.PollsDue(ctx, now)
	if err != nil || len(due) == 0 {
		return err
	}
	sec, err := s.secretariat(ctx)
	if err != nil {
		return err
	}
	for _, p := range due {
		_, err := s.Store.ClosePoll(ctx, model.System, p.ID, func(p model.Poll, votes []model.Vote) []model.OutboxItem {
			text := pollSummary(p, votes)
			var items []model.OutboxItem
			for _, person := range sec {
				items = append(items, s.Planner.Notice(fmt.Sprintf("poll:%d/closed", p.ID), person, text)...)
			}
			return items
		})
		if err != nil && model.ErrorCode(err) != model.ECONFLICT { // another replica closed it first
			return fmt.Errorf("close poll %d: %w", p.ID, err)
		}
	}
	return nil
}

// pollSummary says how a closed poll ranks its slots.
func pollSummary(p model.Poll, votes []model.Vote) string {
	number := map[int64]int{}
	for i, sl := range p.Slots {
		number[sl.ID] = i + 1
	}
	var b strings.Builder
	fprintf(&b, msgPollClosed, p.ID, p.Title, len(votes))
	for i, sc := range model.Rank(p, votes) {
		loc := sc.Slot.Location()
		fprintf(&b, msgPollRank, i+1, number[sc.Slot.ID], delivery.Span(sc.Slot.Start.In(loc), sc.Slot.End.In(loc)),
			sc.Headcount, sc.Countries, sc.GroupsRepresented)
		if len(sc.HostsMissing) > 0 {
			fprintf(&b, msgPollMissing, names(sc.HostsMissing))
		}
	}
	fprintf(&b, msgPollPick, p.ID)
	return b.String()
}

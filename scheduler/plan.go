package scheduler

import (
	"context"
	"fmt"
	"slices"
	"time"

	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"
	"focalbot/recur"
)

// plan creates a draft meeting for every series whose next occurrence has
// entered its planning window, and asks the secretariat to confirm, move or
// skip it. Each occurrence is planned once (the store guarantees it).
func (s *Scheduler) plan(ctx context.Context, now time.Time) error {
	all, err := s.Store.SeriesList(ctx, true)
	if err != nil {
		return err
	}
	sec, err := s.secretariat(ctx)
	if err != nil {
		return err
	}
	for _, sr := range all {
		next, ok, err := recur.Next(sr, now)
		if err != nil || !ok || next.Sub(now) > sr.PlanAhead {
			if err != nil {
				s.Log.Error("series rule", "series", sr.ID, "err", err)
			}
			continue
		}
		m := model.Meeting{
			Title: sr.Name, Start: next, End: next.Add(sr.Duration), TimeZone: sr.TimeZone,
			Venue: sr.Venue, Address: sr.Address, Hosts: slices.Clone(sr.Hosts), Status: model.MeetingDraft,
			SeriesID: sr.ID, Occurrence: next, Reminders: slices.Clone(sr.Reminders),
			Organiser: s.Planner.Organiser.Name,
		}
		created, err := s.Store.PlanOccurrence(ctx, &m, func(m model.Meeting) []model.OutboxItem {
			loc := m.Location()
			var items []model.OutboxItem
			text := func(reader model.Person) string {
				lang := i18n.Reader(reader.Language)
				return sprintfFor(reader, msgDraftPlanned, m.Title, delivery.SpanIn(lang, m.Start.In(loc), m.End.In(loc)), loc.String(), m.ID, m.ID, m.ID)
			}
			for _, p := range sec {
				items = append(items, s.Planner.NoticeFor(fmt.Sprintf("meeting:%d/planned", m.ID), p, text)...)
			}
			return items
		})
		if err != nil {
			return fmt.Errorf("plan series %d: %w", sr.ID, err)
		}
		if created {
			s.Log.Info("planned a meeting of a series", "series", sr.ID, "meeting", m.ID, "start", m.Start)
		}
	}
	return nil
}

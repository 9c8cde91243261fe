package scheduler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"focalbot/i18n"
	"focalbot/model"
)

// morning is the hour, in each owner's zone, from which their follow-ups of
// the day are sent.
const morning = 8

// followUps sends each owner, once a day from 08:00 in their own zone, the
// outreach follow-ups due by that day. Each owner's day is looked at once by
// this process (the rest of the day's ticks skip it), and the message's key
// makes it go once whatever other processes or restarts do.
func (s *Scheduler) followUps(ctx context.Context, now time.Time) error {
	owners, err := s.secretariat(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.followedUp == nil {
		s.followedUp = map[int64]string{}
	}
	due := map[string][]model.Outreach{} // by owner's local date
	for _, o := range owners {
		local := now.In(s.zoneOf(o))
		day := local.Format(time.DateOnly)
		if local.Hour() < morning || s.followedUp[o.ID] == day {
			continue
		}
		list, ok := due[day]
		if !ok {
			d, _ := time.Parse(time.DateOnly, day)
			if list, err = s.Store.FollowUpsDue(ctx, d); err != nil {
				return err
			}
			due[day] = list
		}
		var mine []model.Outreach
		for _, f := range list {
			if f.OwnerID == o.ID {
				mine = append(mine, f)
			}
		}
		if len(mine) > 0 {
			text := func(reader model.Person) string {
				var lines []string
				for _, f := range mine {
					c, _ := model.CountryByCode(f.Country)
					lines = append(lines, sprintfFor(reader, msgFollowUpLine, i18n.CountryName(i18n.Reader(reader.Language), c.Alpha2), f.Stage, localDay(f.FollowUp)))
				}
				return sprintfFor(reader, msgFollowUps, len(lines), strings.Join(lines, ""))
			}
			if _, err := s.Store.Enqueue(ctx, s.Planner.NoticeFor(fmt.Sprintf("followups:%s", day), o, text)); err != nil {
				return err
			}
		}
		s.followedUp[o.ID] = day
	}
	return nil
}

// zoneOf is a person's zone, else the secretariat's.
func (s *Scheduler) zoneOf(p model.Person) *time.Location {
	if loc, err := model.LoadZone(p.TimeZone); err == nil {
		return loc
	}
	return s.Zone
}

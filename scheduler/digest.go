package scheduler

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"focalbot/i18n"
	"focalbot/model"
)

// attendanceWindow is how long after a meeting ends the secretariat is
// asked to record attendance, if the bot was not running when it ended.
const attendanceWindow = 7 * 24 * time.Hour

// attendance asks the secretariat, once per meeting, to record who came
// after a scheduled meeting has ended (within attendanceWindow, so that
// meetings long past are not read again on every tick).
func (s *Scheduler) attendance(ctx context.Context, now time.Time) error {
	ended, err := s.Store.Meetings(ctx, model.MeetingFilter{StartsBefore: now, EndsAfter: now.Add(-attendanceWindow),
		Statuses: []model.MeetingStatus{model.MeetingScheduled}})
	if err != nil {
		return err
	}
	for _, m := range ended {
		if m.End.After(now) {
			continue
		}
		if err := s.notifyEach(ctx, fmt.Sprintf("meeting:%d/attendance", m.ID), func(p model.Person) string {
			return sprintfFor(p, msgRecordAttendance, m.TitleIn(i18n.Reader(p.Language).String()), m.ID)
		}); err != nil {
			return err
		}
	}
	return nil
}

// digest sends the secretariat its weekly digest on Monday from 08:00 in
// the secretariat's zone: coverage by regional group and its change since
// last week, outreach follow-ups due, RSVPs for the next meeting, and
// deliveries that failed.
func (s *Scheduler) digest(ctx context.Context, now time.Time) error {
	local := now.In(s.Zone)
	if local.Weekday() != time.Monday || local.Hour() < 8 {
		return nil
	}
	week := local.Format(time.DateOnly)
	// The week's snapshot is saved with its digest: once it exists, the
	// digest is queued, and the ticks of the rest of Monday read no further.
	if _, sent, err := s.Store.CoverageSnapshot(ctx, week); err != nil || sent {
		return err
	}
	covered, err := s.covered(ctx)
	if err != nil {
		return err
	}
	before, hadBefore, err := s.Store.CoverageSnapshot(ctx, local.AddDate(0, 0, -7).Format(time.DateOnly))
	if err != nil {
		return err
	}
	var b notice // rendered for each member of the secretariat in their language
	fprintf(&b, msgDigestTitle, week)
	fprintf(&b, msgDigestCoverage, len(covered.Members), len(model.MemberStates()))
	for _, g := range covered.Groups {
		fprintf(&b, msgDigestGroup, groupName(g.Group.Name()), len(g.Covered), g.Total)
	}
	if hadBefore {
		gained, lost := diff(before, covered.Members), diff(covered.Members, before)
		fprintf(&b, msgDigestChange, countryList(gained), countryList(lost))
	} else {
		fprintf(&b, msgDigestNoBaseline)
	}
	today, _ := time.Parse(time.DateOnly, week)
	follow, err := s.Store.FollowUpsDue(ctx, today)
	if err != nil {
		return err
	}
	fprintf(&b, msgDigestFollowUps, len(follow))
	if err := s.nextMeetingRSVPs(ctx, now, &b); err != nil {
		return err
	}
	failed, err := s.Store.Outbox(ctx, model.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxFailed}})
	if err != nil {
		return err
	}
	n := 0
	for _, f := range failed {
		if f.CreatedAt.After(now.AddDate(0, 0, -7)) {
			if n == 0 {
				fprintf(&b, msgDigestFailedHead)
			}
			n++
			fprintf(&b, msgDigestFailed, f.Kind, f.Recipient, f.LastError)
		}
	}
	if n == 0 {
		fprintf(&b, msgDigestNoFailures)
	}
	if err := s.notifyEach(ctx, "digest:"+week, b.For); err != nil {
		return err
	}
	return s.Store.SaveCoverageSnapshot(ctx, week, covered.Members)
}

func (s *Scheduler) nextMeetingRSVPs(ctx context.Context, now time.Time, b io.Writer) error {
	next, err := s.Store.Meetings(ctx, model.MeetingFilter{EndsAfter: now, Statuses: []model.MeetingStatus{model.MeetingScheduled}})
	if err != nil {
		return err
	}
	if len(next) == 0 {
		fprintf(b, msgDigestNoMeeting)
		return nil
	}
	m := next[0]
	invs, err := s.Store.Invitations(ctx, m.ID)
	if err != nil {
		return err
	}
	count := map[model.Response]int{}
	for _, inv := range invs {
		count[inv.Response]++
	}
	fprintf(b, msgDigestRSVPs, m.Title, localDay(m.Start.In(m.Location())), len(invs),
		count[model.ResponseYes], count[model.ResponseMaybe], count[model.ResponseNo], count[model.ResponseNone])
	return nil
}

// covered are the member states with an active focal point, sorted.
func (s *Scheduler) covered(ctx context.Context) (model.Coverage, error) {
	fps, err := s.Store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleFocalPoint}, Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return model.Coverage{}, err
	}
	return model.CoverageOf(fps), nil
}

// diff are the codes in b that are not in a.
func diff(a, b []string) []string {
	var out []string
	for _, c := range b {
		if !slices.Contains(a, c) {
			out = append(out, c)
		}
	}
	return out
}

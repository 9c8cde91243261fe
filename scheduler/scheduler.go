// Package scheduler keeps the network's rhythm: robfig/cron ticks, and on
// each tick the scheduler asks the database what is due at the injected
// clock's time — occurrences of a series to plan, reminders and nudges to
// send, attendance to record, outreach follow-ups, the weekly digest — and
// queues messages in the outbox; once an hour it also deletes the personal
// links that stopped working long ago. It never sends anything itself and
// keeps in memory only when it last did some of its rounds (to do them less
// often, never to decide what is sent), so several replicas and restarts
// are safe: every message has an idempotency key, and every occurrence is
// planned once.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/model"
)

// Store is what the scheduler reads and writes.
type Store interface {
	SeriesList(ctx context.Context, active bool) ([]model.Series, error)
	PlanOccurrence(ctx context.Context, m *model.Meeting, notices func(m model.Meeting) []model.OutboxItem) (bool, error)
	Meetings(ctx context.Context, f model.MeetingFilter) ([]model.Meeting, error)
	Invitations(ctx context.Context, meetingID int64) ([]model.Invitation, error)
	Muted(ctx context.Context, meetingID int64) (map[int64]bool, error)
	MutedInvitations(ctx context.Context, meetingID int64) (map[int64]bool, error)
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
	Enqueue(ctx context.Context, items []model.OutboxItem) ([]model.OutboxItem, error)
	QueueReminders(ctx context.Context, meetingID int64, seq int, through time.Time, items []model.OutboxItem) ([]model.OutboxItem, error)
	Outbox(ctx context.Context, f model.OutboxFilter) ([]model.OutboxItem, error)
	CoverageSnapshot(ctx context.Context, week string) ([]string, bool, error)
	SaveCoverageSnapshot(ctx context.Context, week string, countries []string) error
	PollsDue(ctx context.Context, now time.Time) ([]model.Poll, error)
	FollowUpsDue(ctx context.Context, day time.Time) ([]model.Outreach, error)
	PruneLinks(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}

// Scheduler decides what is due.
type Scheduler struct {
	Store   Store
	Clock   clock.Clock
	Log     *slog.Logger
	Planner delivery.Planner
	Zone    *time.Location // the secretariat's zone: the digest goes out Monday 08:00 there
	Kick    func()         // tells the dispatcher that messages are waiting; may be nil
	Polls   Polls          // closes the polls that are due; *network.Service is one
	// Observe hears of each tick's start (wall time) and how long it
	// took, for metrics; may be nil.
	Observe func(start time.Time, took time.Duration)

	mu         sync.Mutex
	followedUp map[int64]string // owner → the local day whose follow-ups were looked at
	prunedAt   time.Time        // when links were last pruned; see pruneLinks
}

// Tick runs every job once at the clock's time. Jobs are independent: one
// failing does not stop the others; their errors are joined.
func (s *Scheduler) Tick(ctx context.Context) error {
	if s.Observe != nil {
		start := time.Now()
		defer func() { s.Observe(start, time.Since(start)) }()
	}
	now := s.Clock.Now()
	jobs := []struct {
		name string
		run  func(context.Context, time.Time) error
	}{
		{"plan", s.plan},
		{"reminders", s.reminders},
		{"attendance", s.attendance},
		{"polls", s.polls},
		{"follow-ups", s.followUps},
		{"digest", s.digest},
		{"links", s.pruneLinks},
	}
	var errs []error
	for _, j := range jobs {
		if err := j.run(ctx, now); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", j.name, err))
		}
	}
	if s.Kick != nil {
		s.Kick()
	}
	return errors.Join(errs...)
}

// Run ticks every minute with robfig/cron until ctx ends. Call Tick once
// before, at start, to catch up on what fell due while the bot was not running.
func (s *Scheduler) Run(ctx context.Context) error {
	tick := func() {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("scheduler tick", "err", err)
		}
	}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	if _, err := c.AddFunc("@every 1m", tick); err != nil {
		return fmt.Errorf("schedule tick: %w", err)
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// Advance moves a simulated clock on by d, ticking every step of the way
// (an hour at most between ticks), as the bot would have had it been
// running all along, and calling after (when not nil) after each tick — to
// dispatch what the tick queued at that moment. It returns the number of ticks.
func (s *Scheduler) Advance(ctx context.Context, clk *clock.Offset, d time.Duration, after func(context.Context) error) (int, error) {
	const step = time.Hour
	ticks := 0
	for left := d; left > 0; left -= step {
		clk.Advance(min(step, left))
		if err := s.Tick(ctx); err != nil {
			return ticks, err
		}
		if after != nil {
			if err := after(ctx); err != nil {
				return ticks, err
			}
		}
		ticks++
	}
	return ticks, nil
}

// LinksKept is how long a personal link is kept after it stopped working
// (its meeting ended, its poll's deadline passed): opened meanwhile, its
// page says why it no longer works; after that the link is deleted, and
// is simply unknown.
const LinksKept = 30 * 24 * time.Hour

// linkPruneBatch is how many links one statement of pruneLinks deletes.
const linkPruneBatch = 1000

// pruneLinks deletes the links that stopped working more than LinksKept
// ago, once an hour at most (the first tick of a run prunes), a batch
// at a time, so that they do not pile up: every e-mail that asks
// something carries a link of its own.
func (s *Scheduler) pruneLinks(ctx context.Context, now time.Time) error {
	s.mu.Lock()
	due := s.prunedAt.IsZero() || now.Sub(s.prunedAt) >= time.Hour || now.Before(s.prunedAt)
	if due {
		s.prunedAt = now
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	for {
		n, err := s.Store.PruneLinks(ctx, now.Add(-LinksKept), linkPruneBatch)
		if err != nil || n < linkPruneBatch {
			return err
		}
	}
}

// secretariat are the active members of the secretariat.
func (s *Scheduler) secretariat(ctx context.Context) ([]model.Person, error) {
	return s.Store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}, Statuses: []model.Status{model.StatusActive}})
}

// notifyEach queues a notice to every member of the secretariat, once per
// key, as text writes it for each (in their language).
func (s *Scheduler) notifyEach(ctx context.Context, key string, text func(p model.Person) string) error {
	sec, err := s.secretariat(ctx)
	if err != nil {
		return err
	}
	var items []model.OutboxItem
	for _, p := range sec {
		items = append(items, s.Planner.NoticeFor(key, p, text)...)
	}
	_, err = s.Store.Enqueue(ctx, items)
	return err
}

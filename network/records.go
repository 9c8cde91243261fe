package network

import (
	"context"
	"strconv"
	"strings"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// RecordStore is what the services read of the records kept beside the
// roster and the meetings: the audit log, the outbox, the calendar feeds.
type RecordStore interface {
	Audit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error)
	Requeue(ctx context.Context, now time.Time, ids ...int64) (int, error)
	FeedToken(ctx context.Context, actor model.Actor, personID int64, reset bool) (string, error)
}

// AuditLog is the outcome of Audit: entries, newest first; the names of
// the people their subjects are ("person:12", "poll:4/person:12"), by
// number; and the number of each slot of their polls (from 1, as the poll
// shows it), by the slot's ID, which a vote's entry keeps.
type AuditLog struct {
	Entries     []model.AuditEntry
	Names       map[int64]string
	SlotNumbers map[int64]int
}

// Audit is the audit log's entries that f selects.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; EINTERNAL.
func (s *Service) Audit(ctx context.Context, c Caller, f model.AuditFilter) (AuditLog, error) {
	if err := c.requireSecretariat(); err != nil {
		return AuditLog{}, err
	}
	entries, err := s.store.Audit(ctx, f)
	if err != nil {
		return AuditLog{}, err
	}
	// Only the people and polls the entries name are read: a page of the
	// log costs what it shows, not the roster's size.
	out := AuditLog{Entries: entries, Names: map[int64]string{}, SlotNumbers: map[int64]int{}}
	people, polls := map[int64]bool{}, map[int64]bool{}
	for _, a := range entries {
		kind, rest, _ := strings.Cut(a.Subject, ":")
		if kind != "person" && kind != "poll" {
			continue
		}
		rest, person, _ := strings.Cut(rest, "/person:")
		if kind == "person" {
			person = rest
		}
		if id, err := strconv.ParseInt(person, 10, 64); err == nil && !people[id] {
			people[id] = true
			switch p, err := s.store.Person(ctx, id); {
			case err == nil:
				out.Names[id] = p.Name
			case model.ErrorCode(err) != model.ENOTFOUND:
				return AuditLog{}, err
			}
		}
		if kind != "poll" {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || polls[id] {
			continue
		}
		polls[id] = true
		p, err := s.store.Poll(ctx, id)
		if model.ErrorCode(err) == model.ENOTFOUND {
			continue
		}
		if err != nil {
			return AuditLog{}, err
		}
		for i, sl := range p.Slots {
			out.SlotNumbers[sl.ID] = i + 1
		}
	}
	return out, nil
}

// Outbox is the outcome of Outbox: how many messages there are in each
// state, and the latest of them.
type Outbox struct {
	Counts map[model.OutboxStatus]int
	Latest []model.OutboxItem
}

// Outbox is the state of meeting id's messages (0: every message): their
// counts by state and the latest n, newest first. The messages name their
// recipients, so only the secretariat reads them.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND for the
// meeting; EINTERNAL.
func (s *Service) Outbox(ctx context.Context, c Caller, id int64, n int) (Outbox, error) {
	if err := c.requireSecretariat(); err != nil {
		return Outbox{}, err
	}
	f := model.OutboxFilter{}
	if id != 0 {
		if _, err := s.store.Meeting(ctx, id); err != nil {
			return Outbox{}, err
		}
		f.MeetingID = id
	}
	var out Outbox
	var err error
	if out.Counts, err = s.store.OutboxCounts(ctx, f); err != nil {
		return Outbox{}, err
	}
	f.Latest = n
	if out.Latest, err = s.store.Outbox(ctx, f); err != nil {
		return Outbox{}, err
	}
	return out, nil
}

// RetryFailed queues the failed messages of meeting id (0: of every
// meeting) again, each as the same item (same idempotency key): a new
// attempt, never a second copy of one that went. It returns how many were
// queued, and how many stayed failed because they no longer matter at now
// (delivery.StillMatters).
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND for the
// meeting; EINTERNAL.
func (s *Service) RetryFailed(ctx context.Context, c Caller, id int64, now time.Time) (queued, stale int, err error) {
	if err := c.requireSecretariat(); err != nil {
		return 0, 0, err
	}
	f := model.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxFailed}}
	if id != 0 {
		if _, err := s.store.Meeting(ctx, id); err != nil {
			return 0, 0, err
		}
		f.MeetingID = id
	}
	failed, err := s.store.Outbox(ctx, f)
	if err != nil {
		return 0, 0, err
	}
	var ids []int64
	for _, it := range failed {
		if p, err := delivery.Decode(it); err != nil || !delivery.StillMatters(it, p, now) {
			stale++
			continue
		}
		ids = append(ids, it.ID)
	}
	if queued, err = s.store.Requeue(ctx, now, ids...); err != nil {
		return 0, 0, err
	}
	if queued > 0 {
		s.kick()
	}
	return queued, stale, nil
}

// FeedToken is the secret token of the caller's calendar feed; reset makes
// a new one, and the old one stops working.
//
// Errors: EFORBIDDEN for a caller not an active member; EINTERNAL.
func (s *Service) FeedToken(ctx context.Context, c Caller, reset bool) (string, error) {
	if err := c.requireMember(); err != nil {
		return "", err
	}
	return s.store.FeedToken(ctx, c.Actor(), c.Person.ID, reset)
}

// Drafts are the meetings still to come that are drafts, for the
// secretariat to schedule.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; EINTERNAL.
func (s *Service) Drafts(ctx context.Context, c Caller) ([]model.Meeting, error) {
	if err := c.requireSecretariat(); err != nil {
		return nil, err
	}
	return s.store.Meetings(ctx, model.MeetingFilter{EndsAfter: s.clock.Now(), Statuses: []model.MeetingStatus{model.MeetingDraft}})
}

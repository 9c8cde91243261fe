package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

type pollRow struct {
	ID         int64 `gorm:"primaryKey"`
	MeetingID  *int64
	Title      string
	Status     string
	DeadlineAt time.Time
	Hosts      string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt  time.Time `gorm:"autoUpdateTime:false"`
}

func (pollRow) TableName() string { return "polls" }

func (r pollRow) model(slots []model.Slot) model.Poll {
	p := model.Poll{ID: r.ID, Title: r.Title, Status: model.PollStatus(r.Status), Deadline: r.DeadlineAt.UTC(), Slots: slots}
	if r.MeetingID != nil {
		p.MeetingID = *r.MeetingID
	}
	if r.Hosts != "" {
		p.Hosts = strings.Split(r.Hosts, ",")
	}
	return p
}

type pollSlotRow struct {
	ID       int64 `gorm:"primaryKey"`
	PollID   int64
	StartAt  time.Time
	EndAt    time.Time
	TimeZone string
}

func (pollSlotRow) TableName() string { return "poll_slots" }

func (r pollSlotRow) model() model.Slot {
	return model.Slot{ID: r.ID, Start: r.StartAt.UTC(), End: r.EndAt.UTC(), TimeZone: r.TimeZone}
}

type pollVoteRow struct {
	ID        int64 `gorm:"primaryKey"`
	PollID    int64
	PersonID  int64
	Country   string
	SlotIDs   string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

func (pollVoteRow) TableName() string { return "poll_votes" }

func (r pollVoteRow) model() model.Vote {
	v := model.Vote{PollID: r.PollID, PersonID: r.PersonID, Country: r.Country}
	for _, part := range strings.Split(r.SlotIDs, ",") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			v.SlotIDs = append(v.SlotIDs, id)
		}
	}
	return v
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// pollSubject names a poll in the audit log.
func pollSubject(id int64) string { return fmt.Sprintf("poll:%d", id) }

// CreatePoll validates p (which sorts its slots), checks that its deadline
// is still to come and that its meeting, when it has one, is a draft or
// scheduled, and stores it open with its slots, audited as "poll.create",
// with the messages notices plans (when not nil) in the same transaction. It
// sets the IDs of the poll and its slots.
//
// Errors: EINVALID for a bad poll or a past deadline; ENOTFOUND for an
// unknown meeting; ECONFLICT for a cancelled or held meeting; EINTERNAL.
func (s *Store) CreatePoll(ctx context.Context, actor model.Actor, p *model.Poll, notices func(p model.Poll) []model.OutboxItem) error {
	q := *p
	q.ID, q.Status = 0, model.PollOpen
	q.Deadline = q.Deadline.UTC().Truncate(time.Microsecond)
	q.Slots = slices.Clone(p.Slots)
	for i := range q.Slots {
		sl := &q.Slots[i]
		sl.ID, sl.Start, sl.End = 0, sl.Start.UTC().Truncate(time.Microsecond), sl.End.UTC().Truncate(time.Microsecond)
	}
	q.Hosts = nil
	for _, h := range p.Hosts {
		if c, ok := model.CountryByCode(h); ok {
			h = c.Alpha2
		}
		if !slices.Contains(q.Hosts, h) {
			q.Hosts = append(q.Hosts, h)
		}
	}
	if err := q.Validate(); err != nil {
		return err
	}
	if !q.Deadline.After(s.now()) {
		return model.Errorf(model.EINVALID, "The deadline has passed already: give one still to come.")
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		r := pollRow{Title: q.Title, Status: string(q.Status), DeadlineAt: q.Deadline,
			Hosts: strings.Join(q.Hosts, ","), CreatedAt: s.now(), UpdatedAt: s.now()}
		if q.MeetingID != 0 {
			m, err := s.meeting(tx, q.MeetingID, false)
			if err != nil {
				return err
			}
			if m.Status == model.MeetingCancelled || m.Status == model.MeetingHeld {
				return model.Errorf(model.ECONFLICT, "Meeting %d is %s: there is no time left to poll for.", m.ID, m.Status)
			}
			r.MeetingID = &q.MeetingID
		}
		if err := tx.Create(&r).Error; err != nil {
			return internal("create poll", err)
		}
		q.ID = r.ID
		for i, sl := range q.Slots {
			sr := pollSlotRow{PollID: r.ID, StartAt: sl.Start, EndAt: sl.End, TimeZone: sl.TimeZone}
			if err := tx.Create(&sr).Error; err != nil {
				return internal("create poll slot", err)
			}
			q.Slots[i].ID = sr.ID
		}
		if err := s.audit(tx, actor, "poll.create", pollSubject(q.ID), "", "", toJSON(q)); err != nil {
			return err
		}
		if notices == nil {
			return nil
		}
		_, err := s.enqueue(tx, notices(q))
		return err
	})
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Poll returns the poll with that ID, with its slots.
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) Poll(ctx context.Context, id int64) (model.Poll, error) {
	return s.poll(s.db.WithContext(ctx), id, false)
}

func (s *Store) poll(tx *gorm.DB, id int64, lock bool) (model.Poll, error) {
	q := tx
	if lock && s.dialect == DialectPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var r pollRow
	if err := q.First(&r, id).Error; errNotFound(err) {
		return model.Poll{}, model.Errorf(model.ENOTFOUND, "There is no poll %d: see poll for the open ones.", id)
	} else if err != nil {
		return model.Poll{}, internal("read poll", err)
	}
	polls, err := s.withSlots(tx, []pollRow{r})
	if err != nil {
		return model.Poll{}, err
	}
	return polls[0], nil
}

// withSlots reads the slots of polls, earliest first, in one query.
func (s *Store) withSlots(tx *gorm.DB, rows []pollRow) ([]model.Poll, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var slotRows []pollSlotRow
	if err := tx.Where("poll_id IN ?", ids).Order("start_at, id").Find(&slotRows).Error; err != nil {
		return nil, internal("read poll slots", err)
	}
	slots := map[int64][]model.Slot{}
	for _, sr := range slotRows {
		slots[sr.PollID] = append(slots[sr.PollID], sr.model())
	}
	out := make([]model.Poll, len(rows))
	for i, r := range rows {
		out[i] = r.model(slots[r.ID])
	}
	return out, nil
}

// Polls returns the polls, open ones only when openOnly, with their slots,
// the earliest deadline first.
//
// Errors: EINTERNAL only.
func (s *Store) Polls(ctx context.Context, openOnly bool) ([]model.Poll, error) {
	q := s.db.WithContext(ctx).Order("deadline_at, id")
	if openOnly {
		q = q.Where("status = ?", model.PollOpen)
	}
	return s.findPolls(ctx, q)
}

// PollsDue returns the open polls whose deadline is at or before now, with
// their slots, the earliest deadline first, for the scheduler to close. The
// query reads the index on (status, deadline_at), so its cost follows what
// is due, not how many polls exist.
//
// Errors: EINTERNAL only.
func (s *Store) PollsDue(ctx context.Context, now time.Time) ([]model.Poll, error) {
	q := s.db.WithContext(ctx).Where("status = ? AND deadline_at <= ?", model.PollOpen, now.UTC()).Order("deadline_at, id")
	return s.findPolls(ctx, q)
}

func (s *Store) findPolls(ctx context.Context, q *gorm.DB) ([]model.Poll, error) {
	var rows []pollRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, internal("list polls", err)
	}
	return s.withSlots(s.db.WithContext(ctx), rows)
}

// Vote records which of a poll's slots a person can attend, answering for
// country (an alpha-2 code): slotIDs, none when empty. The latest vote
// replaces the person's earlier one; an unchanged vote writes nothing. A
// change is audited as "poll.vote". Votes are taken while the poll is open
// and its deadline is still to come.
//
// Errors: ENOTFOUND for an unknown poll; ECONFLICT for a closed poll or a
// passed deadline; EINVALID for a slot the poll does not have, or no person;
// EINTERNAL.
func (s *Store) Vote(ctx context.Context, actor model.Actor, pollID, personID int64, country string, slotIDs []int64) (model.Vote, error) {
	if personID == 0 {
		return model.Vote{}, model.Errorf(model.EINVALID, "Only someone on the roster can answer a poll.")
	}
	var out model.Vote
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		p, err := s.poll(tx, pollID, true)
		if err != nil {
			return err
		}
		if p.Status != model.PollOpen || !s.now().Before(p.Deadline) {
			return model.Errorf(model.ECONFLICT, "Poll %d is closed: it no longer takes answers.", p.ID)
		}
		after := model.Vote{PollID: p.ID, PersonID: personID, Country: strings.ToUpper(strings.TrimSpace(country))}
		for _, sl := range p.Slots { // in the poll's order, each once
			if slices.Contains(slotIDs, sl.ID) {
				after.SlotIDs = append(after.SlotIDs, sl.ID)
			}
		}
		for _, id := range slotIDs {
			if !slices.ContainsFunc(p.Slots, func(sl model.Slot) bool { return sl.ID == id }) {
				return model.Errorf(model.EINVALID, "Poll %d has no slot %d.", p.ID, id)
			}
		}
		var r pollVoteRow
		err = tx.Where("poll_id = ? AND person_id = ?", p.ID, personID).Take(&r).Error
		var before string
		switch {
		case errNotFound(err):
			r = pollVoteRow{PollID: p.ID, PersonID: personID, CreatedAt: s.now()}
		case err != nil:
			return internal("read vote", err)
		default:
			if old := r.model(); old.Country == after.Country && slices.Equal(old.SlotIDs, after.SlotIDs) {
				out = old
				return nil
			}
			before = toJSON(r.model())
		}
		r.Country, r.SlotIDs, r.UpdatedAt = after.Country, joinIDs(after.SlotIDs), s.now()
		if err := tx.Save(&r).Error; err != nil {
			return internal("record vote", err)
		}
		out = r.model()
		return s.audit(tx, actor, "poll.vote", pollSubject(p.ID), out.Country, before, toJSON(out))
	})
	return out, err
}

// Votes returns a poll's votes, by country then person.
//
// Errors: EINTERNAL only.
func (s *Store) Votes(ctx context.Context, pollID int64) ([]model.Vote, error) {
	return s.votes(s.db.WithContext(ctx), pollID)
}

func (s *Store) votes(tx *gorm.DB, pollID int64) ([]model.Vote, error) {
	var rows []pollVoteRow
	if err := tx.Where("poll_id = ?", pollID).Order("country, person_id").Find(&rows).Error; err != nil {
		return nil, internal("list votes", err)
	}
	out := make([]model.Vote, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// ClosePoll closes an open poll, audited as "poll.close", with the
// messages notices plans from it and its votes (when not nil) in the same
// transaction, and returns it.
//
// Errors: ENOTFOUND; ECONFLICT when it is closed already; EINTERNAL.
func (s *Store) ClosePoll(ctx context.Context, actor model.Actor, id int64, notices func(p model.Poll, votes []model.Vote) []model.OutboxItem) (model.Poll, error) {
	var out model.Poll
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		before, err := s.poll(tx, id, true)
		if err != nil {
			return err
		}
		if before.Status == model.PollClosed {
			return model.Errorf(model.ECONFLICT, "Poll %d is closed already.", id)
		}
		err = tx.Model(&pollRow{}).Where("id = ?", id).
			Updates(map[string]any{"status": model.PollClosed, "updated_at": s.now()}).Error
		if err != nil {
			return internal("close poll", err)
		}
		out = before
		out.Status = model.PollClosed
		if err := s.audit(tx, actor, "poll.close", pollSubject(id), "", toJSON(before), toJSON(out)); err != nil {
			return err
		}
		if notices == nil {
			return nil
		}
		votes, err := s.votes(tx, id)
		if err != nil {
			return err
		}
		_, err = s.enqueue(tx, notices(out, votes))
		return err
	})
	return out, err
}

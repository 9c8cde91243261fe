package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

type seriesRow struct {
	ID        int64 `gorm:"primaryKey"`
	Name      string
	Rule      string
	StartAt   time.Time
	TimeZone  string
	Minutes   int
	Venue     string
	Address   string
	Hosts     string
	PlanDays  int
	Reminders string
	// InviteeGroup and InviteeCountries (comma-separated) are the default
	// invitees; both empty: everyone.
	InviteeGroup     string
	InviteeCountries string
	Active           bool
	CreatedAt        time.Time `gorm:"autoCreateTime:false"`
}

func (seriesRow) TableName() string { return "series" }

func toSeriesRow(s model.Series) seriesRow {
	return seriesRow{ID: s.ID, Name: s.Name, Rule: s.Rule, StartAt: s.Start.UTC(), TimeZone: s.TimeZone,
		Minutes: int(s.Duration / time.Minute), Venue: s.Venue, Address: s.Address, Hosts: strings.Join(s.Hosts, ","),
		PlanDays: int(s.PlanAhead / (24 * time.Hour)), Reminders: durations(s.Reminders),
		InviteeGroup: string(s.Invitees.Group), InviteeCountries: strings.Join(s.Invitees.Countries, ","),
		Active: s.Active, CreatedAt: s.CreatedAt.UTC()}
}

func (r seriesRow) model() model.Series {
	var hosts []string
	if r.Hosts != "" {
		hosts = strings.Split(r.Hosts, ",")
	}
	invitees := model.Invitees{Group: model.Group(r.InviteeGroup)}
	if r.InviteeCountries != "" {
		invitees.Countries = strings.Split(r.InviteeCountries, ",")
	}
	return model.Series{ID: r.ID, Name: r.Name, Rule: r.Rule, Start: r.StartAt.UTC(), TimeZone: r.TimeZone,
		Duration: time.Duration(r.Minutes) * time.Minute, Venue: r.Venue, Address: r.Address, Hosts: hosts,
		PlanAhead: time.Duration(r.PlanDays) * 24 * time.Hour, Reminders: parseDurations(r.Reminders), Invitees: invitees,
		Active: r.Active, CreatedAt: r.CreatedAt.UTC()}
}

// CreateSeries stores a series (its rule checked by the caller) and audits it.
//
// Errors: EINVALID; EINTERNAL.
func (s *Store) CreateSeries(ctx context.Context, actor model.Actor, sr *model.Series) error {
	if err := sr.Validate(); err != nil {
		return err
	}
	sr.CreatedAt = s.now()
	return s.transaction(ctx, func(tx *gorm.DB) error {
		r := toSeriesRow(*sr)
		if err := tx.Create(&r).Error; err != nil {
			return internal("create series", err)
		}
		*sr = r.model()
		return s.audit(tx, actor, "series.create", fmt.Sprintf("series:%d", sr.ID), "", "", toJSON(*sr))
	})
}

// SeriesList returns every series (active ones only with active), by ID.
//
// Errors: EINTERNAL only.
func (s *Store) SeriesList(ctx context.Context, active bool) ([]model.Series, error) {
	q := s.db.WithContext(ctx).Order("id")
	if active {
		q = q.Where("active = ?", true)
	}
	var rows []seriesRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, internal("list series", err)
	}
	out := make([]model.Series, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// Series returns the series with that ID.
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) Series(ctx context.Context, id int64) (model.Series, error) {
	var r seriesRow
	if err := s.db.WithContext(ctx).First(&r, id).Error; errNotFound(err) {
		return model.Series{}, model.Errorf(model.ENOTFOUND, "There is no series %d: see series.", id)
	} else if err != nil {
		return model.Series{}, internal("read series", err)
	}
	return r.model(), nil
}

// SetSeriesActive starts or stops the planning of a series.
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) SetSeriesActive(ctx context.Context, actor model.Actor, id int64, active bool) (model.Series, error) {
	var out model.Series
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var r seriesRow
		if err := tx.First(&r, id).Error; errNotFound(err) {
			return model.Errorf(model.ENOTFOUND, "There is no series %d: see series.", id)
		} else if err != nil {
			return internal("read series", err)
		}
		before := r.model()
		r.Active = active
		if err := tx.Save(&r).Error; err != nil {
			return internal("update series", err)
		}
		out = r.model()
		return s.audit(tx, actor, "series.update", fmt.Sprintf("series:%d", id), "", toJSON(before), toJSON(out))
	})
	return out, err
}

// PlanOccurrence creates the draft meeting m for an occurrence of a series
// and queues the notices that ask the secretariat about it, in one
// transaction. When a meeting for that occurrence exists already it does
// nothing and returns false: each occurrence is planned once, however many
// schedulers run. It looks before it inserts, so that the ticks that find
// the occurrence planned use up no meeting number (an insert that a unique
// key refuses would, on SQLite and PostgreSQL alike); on PostgreSQL the
// series' row is locked meanwhile, so that schedulers planning at the same
// moment take turns.
//
// Errors: EINVALID; EINTERNAL.
func (s *Store) PlanOccurrence(ctx context.Context, m *model.Meeting, notices func(m model.Meeting) []model.OutboxItem) (bool, error) {
	if err := m.Validate(); err != nil {
		return false, err
	}
	uid, err := newUID()
	if err != nil {
		return false, err
	}
	m.UID, m.Sequence, m.CreatedAt, m.UpdatedAt = uid, 0, s.now(), s.now()
	created := false
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		if s.dialect == DialectPostgres {
			if err := tx.Exec("SELECT id FROM series WHERE id = ? FOR UPDATE", m.SeriesID).Error; err != nil {
				return internal("lock series", err)
			}
		}
		var planned int64
		if err := tx.Model(&meetingRow{}).Where("series_id = ? AND occurrence = ?", m.SeriesID, m.Occurrence.UTC()).
			Count(&planned).Error; err != nil {
			return internal("look for occurrence", err)
		}
		if planned > 0 {
			return nil
		}
		r := toMeetingRow(*m)
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
		if res.Error != nil {
			return internal("plan occurrence", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		created, *m = true, r.model()
		if err := s.audit(tx, model.System, "meeting.plan", meetingSubject(m.ID), "", "", toJSON(*m)); err != nil {
			return err
		}
		_, err := s.enqueue(tx, notices(*m))
		return err
	})
	return created, err
}

// Mute stops reminders to a person for one meeting, or for all (meetingID 0).
//
// Errors: EINTERNAL only.
func (s *Store) Mute(ctx context.Context, personID, meetingID int64, mute bool) error {
	db := s.db.WithContext(ctx)
	var err error
	if mute {
		err = db.Exec("INSERT INTO reminder_mutes (person_id, meeting_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			personID, meetingID, s.now()).Error
	} else {
		err = db.Exec("DELETE FROM reminder_mutes WHERE person_id = ? AND meeting_id = ?", personID, meetingID).Error
	}
	if err != nil {
		return internal("mute reminders", err)
	}
	return nil
}

// Muted returns, for a meeting, the people who muted its reminders or all
// reminders.
//
// Errors: EINTERNAL only.
func (s *Store) Muted(ctx context.Context, meetingID int64) (map[int64]bool, error) {
	return s.idSet(ctx, "mutes", "SELECT person_id FROM reminder_mutes WHERE meeting_id IN (0, ?)", meetingID)
}

// idSet runs a query of one id column and returns the ids as a set; what
// names them in an error.
func (s *Store) idSet(ctx context.Context, what, query string, args ...any) (map[int64]bool, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Raw(query, args...).Scan(&ids).Error; err != nil {
		return nil, internal("read "+what, err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// RecordAttendance records which countries came to a meeting, replacing
// what was recorded before, and marks it held.
//
// Errors: ENOTFOUND; ECONFLICT for a meeting not yet over or cancelled; EINTERNAL.
func (s *Store) RecordAttendance(ctx context.Context, actor model.Actor, meetingID int64, countries []string) (model.Meeting, error) {
	var out model.Meeting
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		m, err := s.meeting(tx, meetingID, true)
		if err != nil {
			return err
		}
		after := m
		if err := after.Hold(s.now()); err != nil {
			return err
		}
		before, err := s.attendance(tx, meetingID)
		if err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM attendance WHERE meeting_id = ?", meetingID).Error; err != nil {
			return internal("record attendance", err)
		}
		for _, c := range countries {
			if err := tx.Exec("INSERT INTO attendance (meeting_id, country) VALUES (?, ?)", meetingID, c).Error; err != nil {
				return internal("record attendance", err)
			}
		}
		if m.Status != after.Status {
			after.UpdatedAt = s.now()
			r := toMeetingRow(after)
			if err := tx.Save(&r).Error; err != nil {
				return internal("mark meeting held", err)
			}
			m = r.model()
		}
		out = m
		return s.audit(tx, actor, "meeting.attendance", meetingSubject(meetingID), "",
			toJSON(before), toJSON(slices.Sorted(slices.Values(countries))))
	})
	return out, err
}

// Attendance returns the countries recorded as present at a meeting.
//
// Errors: EINTERNAL only.
func (s *Store) Attendance(ctx context.Context, meetingID int64) ([]string, error) {
	return s.attendance(s.db.WithContext(ctx), meetingID)
}

func (s *Store) attendance(tx *gorm.DB, meetingID int64) ([]string, error) {
	var cs []string
	if err := tx.Raw("SELECT country FROM attendance WHERE meeting_id = ? ORDER BY country", meetingID).Scan(&cs).Error; err != nil {
		return nil, internal("read attendance", err)
	}
	return cs, nil
}

// CoverageSnapshot returns the countries covered at the digest of week
// (its Monday, YYYY-MM-DD), and whether there was one.
//
// Errors: EINTERNAL only.
func (s *Store) CoverageSnapshot(ctx context.Context, week string) ([]string, bool, error) {
	var rows []struct{ Countries string }
	if err := s.db.WithContext(ctx).Raw("SELECT countries FROM coverage_snapshots WHERE week = ?", week).Scan(&rows).Error; err != nil {
		return nil, false, internal("read coverage snapshot", err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	if rows[0].Countries == "" {
		return nil, true, nil
	}
	return strings.Split(rows[0].Countries, ","), true, nil
}

// SaveCoverageSnapshot records the countries covered in week, once.
//
// Errors: EINTERNAL only.
func (s *Store) SaveCoverageSnapshot(ctx context.Context, week string, countries []string) error {
	err := s.db.WithContext(ctx).Exec("INSERT INTO coverage_snapshots (week, countries, taken_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		week, strings.Join(countries, ","), s.now()).Error
	if err != nil {
		return internal("save coverage snapshot", err)
	}
	return nil
}

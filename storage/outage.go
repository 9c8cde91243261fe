package storage

import (
	"context"
	"fmt"
	"time"

	"focalbot/model"
)

type outageRow struct {
	Channel    string `gorm:"primaryKey"`
	Since      time.Time
	Failures   int
	LastError  string
	NotifiedAt *time.Time
}

func (outageRow) TableName() string { return "channel_outages" }

func (r outageRow) model() model.Outage {
	o := model.Outage{Channel: model.Channel(r.Channel), Since: r.Since.UTC(), Failures: r.Failures, LastError: r.LastError}
	if r.NotifiedAt != nil {
		o.NotifiedAt = r.NotifiedAt.UTC()
	}
	return o
}

// NoteFailure records a temporary failure on a channel at at: the start of
// an outage when none is under way, another failure of the one under way
// otherwise. It returns the outage.
//
// Errors: EINTERNAL only.
func (s *Store) NoteFailure(ctx context.Context, ch model.Channel, at time.Time, reason string) (model.Outage, error) {
	var rows []outageRow
	err := s.db.WithContext(ctx).Raw(`INSERT INTO channel_outages (channel, since, failures, last_error) VALUES (?, ?, 1, ?)
		ON CONFLICT (channel) DO UPDATE SET failures = channel_outages.failures + 1, last_error = excluded.last_error
		RETURNING *`, string(ch), at.UTC().Truncate(time.Microsecond), reason).Scan(&rows).Error
	if err != nil {
		return model.Outage{}, internal("note a delivery failure", err)
	}
	if len(rows) != 1 {
		return model.Outage{}, internal("note a delivery failure", fmt.Errorf("%d rows returned", len(rows)))
	}
	return rows[0].model(), nil
}

// MarkOutageNotified records that the secretariat is told, at at, of the
// outage under way on ch. It reports false when another dispatcher did it
// first, or no outage is under way.
//
// Errors: EINTERNAL only.
func (s *Store) MarkOutageNotified(ctx context.Context, ch model.Channel, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&outageRow{}).
		Where("channel = ? AND notified_at IS NULL", string(ch)).
		Update("notified_at", at.UTC())
	if res.Error != nil {
		return false, internal("mark the outage notified", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// EndOutage ends the outage on ch, after a send got through, and returns
// it; false when none was under way (or another dispatcher ended it).
//
// Errors: EINTERNAL only.
func (s *Store) EndOutage(ctx context.Context, ch model.Channel) (model.Outage, bool, error) {
	var rows []outageRow
	err := s.db.WithContext(ctx).Raw("DELETE FROM channel_outages WHERE channel = ? RETURNING *", string(ch)).Scan(&rows).Error
	if err != nil {
		return model.Outage{}, false, internal("end the outage", err)
	}
	if len(rows) == 0 {
		return model.Outage{}, false, nil
	}
	return rows[0].model(), true, nil
}

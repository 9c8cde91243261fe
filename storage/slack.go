package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// slackDelivery records that a Slack event (or Socket Mode envelope) has
// been received, so that Slack's retries of it are recognised, even after a
// restart.
type slackDelivery struct {
	Key        string `gorm:"primaryKey"`
	ReceivedAt time.Time
}

func (slackDelivery) TableName() string { return "slack_deliveries" }

// FirstDelivery records the delivery key (such as "event:Ev0123") and
// reports whether this is the first time it was seen. It is one
// insert-or-ignore statement, so of concurrent callers with the same key
// exactly one gets true, on SQLite and on PostgreSQL alike. It returns an
// internal error when the database fails.
func (s *Store) FirstDelivery(ctx context.Context, key string) (bool, error) {
	res := s.db.WithContext(ctx).
		Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).
		Create(&slackDelivery{Key: key, ReceivedAt: s.now()})
	if res.Error != nil {
		return false, fmt.Errorf("record slack delivery: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ForgetDeliveries deletes delivery records received before t (Slack stops
// retrying an event within the hour) and returns how many it deleted. It
// returns an internal error when the database fails.
func (s *Store) ForgetDeliveries(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("received_at < ?", before.UTC()).Delete(&slackDelivery{})
	if res.Error != nil {
		return 0, fmt.Errorf("forget slack deliveries: %w", res.Error)
	}
	return res.RowsAffected, nil
}

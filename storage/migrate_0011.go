package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrate0011 turns the record of Slack deliveries into an inbox: each
// delivery is stored with its content and claimed by the process handling
// it, until it is done, so that a delivery acknowledged but not yet handled
// when a process dies is handled by the next. Deliveries recorded before
// were handled already.
func migrate0011(tx *gorm.DB) error {
	for _, field := range []string{"Kind", "Payload", "DoneAt", "ClaimedBy", "ClaimedUntil", "Attempts"} {
		if err := tx.Migrator().AddColumn(&m0011SlackDelivery{}, field); err != nil {
			return err
		}
	}
	if err := tx.Exec("UPDATE slack_deliveries SET done_at = received_at").Error; err != nil {
		return err
	}
	return tx.Exec("CREATE INDEX idx_slack_deliveries_pending ON slack_deliveries (received_at) WHERE done_at IS NULL").Error
}

// rollback0011 drops the inbox's columns; what was not handled is lost.
func rollback0011(tx *gorm.DB) error {
	if err := tx.Exec("DROP INDEX IF EXISTS idx_slack_deliveries_pending").Error; err != nil {
		return err
	}
	for _, column := range []string{"kind", "payload", "done_at", "claimed_by", "claimed_until", "attempts"} {
		if err := tx.Exec("ALTER TABLE slack_deliveries DROP COLUMN " + column).Error; err != nil {
			return err
		}
	}
	return nil
}

// Rows of migration 0011_slack_inbox. Frozen: do not edit.

type m0011SlackDelivery struct {
	Key          string    `gorm:"primaryKey;size:255"`
	ReceivedAt   time.Time `gorm:"not null"`
	Kind         string    `gorm:"not null;default:''"` // "event", "command", "interaction"; "" for a record only
	Payload      string    `gorm:"not null;default:''"` // emptied once done
	DoneAt       *time.Time
	ClaimedBy    string `gorm:"not null;default:''"`
	ClaimedUntil *time.Time
	Attempts     int `gorm:"not null;default:0"`
}

func (m0011SlackDelivery) TableName() string { return "slack_deliveries" }

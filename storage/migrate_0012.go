package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrate0012 records when an outbox item first failed, so that a message
// is kept for days of temporary failures rather than a number of attempts,
// and the channels whose every attempt fails, so that the secretariat hears
// of an outage once, not once per message.
func migrate0012(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&m0012Outbox{}, "FirstFailedAt"); err != nil {
		return err
	}
	return tx.Migrator().CreateTable(&m0012ChannelOutage{})
}

// rollback0012 drops both. The column goes with ALTER TABLE on SQLite too:
// GORM's way there copies the table, and dropping the old one would
// cascade to the payloads.
func rollback0012(tx *gorm.DB) error {
	if err := tx.Migrator().DropTable("channel_outages"); err != nil {
		return err
	}
	return tx.Exec("ALTER TABLE outbox DROP COLUMN first_failed_at").Error
}

// Rows of migration 0012_delivery_outages. Frozen: do not edit.

type m0012Outbox struct {
	ID            int64 `gorm:"primaryKey;autoIncrement"`
	FirstFailedAt *time.Time
}

func (m0012Outbox) TableName() string { return "outbox" }

type m0012ChannelOutage struct {
	Channel    string    `gorm:"primaryKey;size:32"`
	Since      time.Time `gorm:"not null"`
	Failures   int       `gorm:"not null"`
	LastError  string    `gorm:"not null"`
	NotifiedAt *time.Time
}

func (m0012ChannelOutage) TableName() string { return "channel_outages" }

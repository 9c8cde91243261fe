package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrate0007 adds availability polls: their candidate slots, and one vote
// per person and poll.
func migrate0007(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m0007Poll{}, &m0007PollSlot{}, &m0007PollVote{})
}

// Rows of migration 0007_polls. Frozen: do not edit.

type m0007Poll struct {
	ID         int64         `gorm:"primaryKey;autoIncrement"`
	MeetingID  *int64        `gorm:"index:idx_polls_meeting"`
	Meeting    *m0003Meeting `gorm:"constraint:OnDelete:SET NULL"`
	Title      string        `gorm:"not null"`
	Status     string        `gorm:"not null;index:idx_polls_due,priority:1"`
	DeadlineAt time.Time     `gorm:"not null;index:idx_polls_due,priority:2"`
	Hosts      string        `gorm:"not null"` // comma-separated alpha-2 codes
	CreatedAt  time.Time     `gorm:"not null"`
	UpdatedAt  time.Time     `gorm:"not null"`
}

func (m0007Poll) TableName() string { return "polls" }

type m0007PollSlot struct {
	ID       int64     `gorm:"primaryKey;autoIncrement"`
	PollID   int64     `gorm:"not null;index:idx_poll_slots_poll"`
	Poll     m0007Poll `gorm:"constraint:OnDelete:CASCADE"`
	StartAt  time.Time `gorm:"not null"`
	EndAt    time.Time `gorm:"not null"`
	TimeZone string    `gorm:"not null"`
}

func (m0007PollSlot) TableName() string { return "poll_slots" }

type m0007PollVote struct {
	ID        int64       `gorm:"primaryKey;autoIncrement"`
	PollID    int64       `gorm:"not null;uniqueIndex:idx_poll_votes_person,priority:1"`
	Poll      m0007Poll   `gorm:"constraint:OnDelete:CASCADE"`
	PersonID  int64       `gorm:"not null;uniqueIndex:idx_poll_votes_person,priority:2"`
	Person    m0001Person `gorm:"constraint:OnDelete:CASCADE"`
	Country   string      `gorm:"not null"`
	SlotIDs   string      `gorm:"not null"` // comma-separated poll_slots IDs; empty for none
	CreatedAt time.Time   `gorm:"not null"`
	UpdatedAt time.Time   `gorm:"not null"`
}

func (m0007PollVote) TableName() string { return "poll_votes" }

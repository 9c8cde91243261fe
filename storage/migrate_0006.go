package storage

import "time"

// Rows of migration 0006_outreach. Frozen: do not edit.

type m0006Outreach struct {
	Country   string       `gorm:"primaryKey;size:2"`
	Stage     string       `gorm:"not null"`
	OwnerID   *int64       `gorm:"index:idx_outreach_owner"`
	Owner     *m0001Person `gorm:"constraint:OnDelete:SET NULL"`
	FollowUp  *time.Time   `gorm:"type:date;index:idx_outreach_follow_up"`
	UpdatedAt time.Time    `gorm:"not null"`
}

func (m0006Outreach) TableName() string { return "outreach" }

type m0006OutreachNote struct {
	ID       int64     `gorm:"primaryKey;autoIncrement"`
	Country  string    `gorm:"not null;size:2;index:idx_outreach_notes_country"`
	AuthorID int64     `gorm:"not null;default:0"`
	Author   string    `gorm:"not null"`
	At       time.Time `gorm:"not null"`
	Text     string    `gorm:"not null"`
}

func (m0006OutreachNote) TableName() string { return "outreach_notes" }

package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrate0013 adds the changes of e-mail address waiting for their code:
// one per person, gone with the person.
func migrate0013(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m0013EmailChange{})
}

func rollback0013(tx *gorm.DB) error {
	return tx.Migrator().DropTable("email_changes")
}

// Rows of migration 0013_email_changes. Frozen: do not edit.

type m0013EmailChange struct {
	PersonID  int64       `gorm:"primaryKey;autoIncrement:false"`
	Person    m0001Person `gorm:"constraint:OnDelete:CASCADE"`
	Email     string      `gorm:"not null"`
	CodeHash  string      `gorm:"not null;size:64"`
	Attempts  int         `gorm:"not null"`
	ExpiresAt time.Time   `gorm:"not null"`
	CreatedAt time.Time   `gorm:"not null"`
}

func (m0013EmailChange) TableName() string { return "email_changes" }

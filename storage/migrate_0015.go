package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrate0015 adds the signed personal links of the web page (only each
// token's SHA-256 hash is kept; a link goes with its invitation, poll or
// person), the guests' mutes of reminders (by invitation: a guest has no
// person to mute for), and the secrets the web page signs its forms with.
func migrate0015(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m0015LinkToken{}, &m0015InvitationMute{}, &m0015Secret{})
}

func rollback0015(tx *gorm.DB) error {
	return tx.Migrator().DropTable("secrets", "invitation_mutes", "link_tokens")
}

// Rows of migration 0015_links. Frozen: do not edit.

type m0015LinkToken struct {
	ID           int64            `gorm:"primaryKey;autoIncrement"`
	Hash         string           `gorm:"not null;size:64;uniqueIndex:idx_link_tokens_hash"`
	InvitationID *int64           `gorm:"index:idx_link_tokens_invitation"`
	Invitation   *m0003Invitation `gorm:"constraint:OnDelete:CASCADE"`
	PollID       *int64           `gorm:"index:idx_link_tokens_poll"`
	Poll         *m0007Poll       `gorm:"constraint:OnDelete:CASCADE"`
	PersonID     *int64
	Person       *m0001Person `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt    time.Time    `gorm:"not null"`
	RevokedAt    *time.Time
}

func (m0015LinkToken) TableName() string { return "link_tokens" }

type m0015InvitationMute struct {
	InvitationID int64           `gorm:"primaryKey;autoIncrement:false"`
	Invitation   m0003Invitation `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt    time.Time       `gorm:"not null"`
}

func (m0015InvitationMute) TableName() string { return "invitation_mutes" }

type m0015Secret struct {
	Name      string    `gorm:"primaryKey;size:40"`
	Value     string    `gorm:"not null;size:64"` // hex
	CreatedAt time.Time `gorm:"not null"`
}

func (m0015Secret) TableName() string { return "secrets" }

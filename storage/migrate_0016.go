package storage

import "gorm.io/gorm"

// migrate0016 records delegation on invitations: the title a delegate was
// given, and the invitations a delegation links (the invitee who sent a
// colleague points to the colleague's invitation, and back). Existing
// invitations delegate nothing.
func migrate0016(tx *gorm.DB) error {
	for _, f := range []string{"Title", "DelegatedToID", "DelegatedFromID"} {
		if err := tx.Migrator().AddColumn(&m0016Invitation{}, f); err != nil {
			return err
		}
	}
	return tx.Migrator().CreateIndex(&m0016Invitation{}, "idx_invitations_delegated_from")
}

// rollback0016 drops them, with ALTER TABLE on SQLite too (see rollback0012).
func rollback0016(tx *gorm.DB) error {
	if err := tx.Migrator().DropIndex(&m0016Invitation{}, "idx_invitations_delegated_from"); err != nil {
		return err
	}
	for _, c := range []string{"delegated_from_id", "delegated_to_id", "title"} {
		if err := tx.Exec("ALTER TABLE invitations DROP COLUMN " + c).Error; err != nil {
			return err
		}
	}
	return nil
}

// Rows of migration 0016_delegation. Frozen: do not edit.

type m0016Invitation struct {
	ID              int64  `gorm:"primaryKey;autoIncrement"`
	Title           string `gorm:"not null;default:''"`
	DelegatedToID   *int64
	DelegatedFromID *int64 `gorm:"index:idx_invitations_delegated_from"`
}

func (m0016Invitation) TableName() string { return "invitations" }

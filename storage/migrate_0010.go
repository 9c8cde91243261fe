package storage

import "gorm.io/gorm"

// migrate0010 gives each series its default invitees: whom confirming one
// of its drafts invites. Empty columns mean every active focal point and
// alternate, so existing series invite everyone.
func migrate0010(tx *gorm.DB) error {
	for _, col := range []string{"invitee_group", "invitee_countries"} {
		if err := tx.Exec("ALTER TABLE series ADD COLUMN " + col + " text NOT NULL DEFAULT ''").Error; err != nil {
			return err
		}
	}
	return nil
}

// rollback0010 drops the series' default invitees.
func rollback0010(tx *gorm.DB) error {
	for _, col := range []string{"invitee_countries", "invitee_group"} {
		if err := tx.Exec("ALTER TABLE series DROP COLUMN " + col).Error; err != nil {
			return err
		}
	}
	return nil
}

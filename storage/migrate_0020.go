package storage

import "gorm.io/gorm"

// migrate0020 keeps, beside the English text of what an incoming mail did
// and why (did, reason), the sentence itself: its English format and
// arguments as JSON (model.Msg), so that inbox shows it in each reader's
// language. Mail recorded before has NULL there and shows its text.
func migrate0020(tx *gorm.DB) error {
	for _, q := range []string{
		"ALTER TABLE inbound_mail ADD COLUMN did_msg TEXT",
		"ALTER TABLE inbound_mail ADD COLUMN reason_msg TEXT",
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

func rollback0020(tx *gorm.DB) error {
	for _, q := range []string{
		"ALTER TABLE inbound_mail DROP COLUMN reason_msg",
		"ALTER TABLE inbound_mail DROP COLUMN did_msg",
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

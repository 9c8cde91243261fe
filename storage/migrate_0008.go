package storage

import "gorm.io/gorm"

// migrate0008 makes the index the dispatcher claims from match its claims:
// the due items of one channel in (next_attempt_at, id) order. With channel
// and id in the index, a claim reads the first few entries and stops, where
// before PostgreSQL read and sorted every pending item on each claim, and
// a claim for e-mail would have stepped over every Slack item waiting.
func migrate0008(tx *gorm.DB) error {
	return recreateIndex(tx, "idx_outbox_due", "outbox (status, channel, next_attempt_at, id)")
}

// rollback0008 restores the index of 0003.
func rollback0008(tx *gorm.DB) error {
	return recreateIndex(tx, "idx_outbox_due", "outbox (status, next_attempt_at)")
}

// recreateIndex replaces an index by another of the same name.
func recreateIndex(tx *gorm.DB, name, on string) error {
	if err := tx.Exec("DROP INDEX IF EXISTS " + name).Error; err != nil {
		return err
	}
	return tx.Exec("CREATE INDEX " + name + " ON " + on).Error
}

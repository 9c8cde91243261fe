package storage

import "gorm.io/gorm"

// migrate0008 puts the outbox's id into the index the dispatcher claims
// from. Claims take the due items in (next_attempt_at, id) order; with id in
// the index, PostgreSQL reads the first few entries and stops, where before
// it read and sorted every pending item on each claim (SQLite's indexes
// already end with the rowid).
func migrate0008(tx *gorm.DB) error {
	return recreateIndex(tx, "idx_outbox_due", "outbox (status, next_attempt_at, id)")
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

package storage

import "gorm.io/gorm"

// migrate0025 indexes people by role and status, so that finding the
// active secretariat or the active focal points (every scheduler tick and
// dispatch, the digests, the polls) reads those few people rather than
// every active person of the roster through idx_people_status: at start-up
// with 10,000 people that scan alone filled SQLite's page cache with the
// whole table (1.9 MB kept at idle).
func migrate0025(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX idx_people_role_status ON people (role, status)").Error
}

func rollback0025(tx *gorm.DB) error {
	return tx.Exec("DROP INDEX idx_people_role_status").Error
}

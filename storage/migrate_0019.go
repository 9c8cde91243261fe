package storage

import "gorm.io/gorm"

// migrate0019 indexes people by country, status and role, so that counting
// them by country (the roster's pages) and finding the countries an active
// focal point covers (coverage, outreach) read the index alone, in country
// order, rather than sort the whole table.
func migrate0019(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX idx_people_country_status_role ON people (country, status, role)").Error
}

func rollback0019(tx *gorm.DB) error {
	return tx.Exec("DROP INDEX idx_people_country_status_role").Error
}

package storage

import "gorm.io/gorm"

// migrate0017 keeps the meeting's own text in other languages (title.fr=…,
// agenda.es=…) and a guest's language, given when invited.
func migrate0017(tx *gorm.DB) error {
	for _, sql := range []string{
		"ALTER TABLE meetings ADD COLUMN titles TEXT NOT NULL DEFAULT ''",
		"ALTER TABLE meetings ADD COLUMN agendas TEXT NOT NULL DEFAULT ''",
		"ALTER TABLE invitations ADD COLUMN language TEXT NOT NULL DEFAULT ''",
	} {
		if err := tx.Exec(sql).Error; err != nil {
			return err
		}
	}
	return nil
}

func rollback0017(tx *gorm.DB) error {
	for _, c := range []struct{ table, column string }{{"invitations", "language"}, {"meetings", "agendas"}, {"meetings", "titles"}} {
		if err := tx.Exec("ALTER TABLE " + c.table + " DROP COLUMN " + c.column).Error; err != nil {
			return err
		}
	}
	return nil
}

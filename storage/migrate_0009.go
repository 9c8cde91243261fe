package storage

import "gorm.io/gorm"

// migrate0009 moves the outbox's payloads to a table of their own. A
// payload (the message's content, about a kilobyte) is written once; the
// outbox row around it changes twice for every message, when it is claimed
// and when it is sent, and a database rewrites the whole row each time.
// Without the payload the row is a tenth of the size.
func migrate0009(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m0009OutboxPayload{}); err != nil {
		return err
	}
	if err := tx.Exec("INSERT INTO outbox_payloads (outbox_id, payload) SELECT id, payload FROM outbox").Error; err != nil {
		return err
	}
	return tx.Exec("ALTER TABLE outbox DROP COLUMN payload").Error
}

// rollback0009 puts the payloads back into the outbox.
func rollback0009(tx *gorm.DB) error {
	if err := tx.Exec("ALTER TABLE outbox ADD COLUMN payload text NOT NULL DEFAULT ''").Error; err != nil {
		return err
	}
	err := tx.Exec("UPDATE outbox SET payload = (SELECT payload FROM outbox_payloads WHERE outbox_id = outbox.id) WHERE id IN (SELECT outbox_id FROM outbox_payloads)").Error
	if err != nil {
		return err
	}
	return tx.Migrator().DropTable("outbox_payloads")
}

// Rows of migration 0009_outbox_payloads. Frozen: do not edit.

type m0009OutboxPayload struct {
	OutboxID int64       `gorm:"primaryKey;autoIncrement:false"`
	Outbox   m0003Outbox `gorm:"constraint:OnDelete:CASCADE"`
	Payload  string      `gorm:"not null"`
}

func (m0009OutboxPayload) TableName() string { return "outbox_payloads" }

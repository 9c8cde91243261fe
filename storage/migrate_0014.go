package storage

import (
	"time"

	"gorm.io/gorm"

	"focalbot/model"
)

// migrate0014 adds the record of incoming e-mail (each message once, by its
// Message-ID or the hash of its bytes), the DTSTAMP of an invitee's answer
// (between replies to one version the later wins), and each e-mail's
// Message-ID reference on the outbox, so that a bounce leads back to the
// message it is about; messages queued before get theirs here.
func migrate0014(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m0014InboundMail{}); err != nil {
		return err
	}
	if err := tx.Migrator().AddColumn(&m0014Invitation{}, "ResponseStamp"); err != nil {
		return err
	}
	if err := tx.Migrator().AddColumn(&m0014Outbox{}, "MailRef"); err != nil {
		return err
	}
	if err := tx.Exec("CREATE INDEX idx_outbox_mail_ref ON outbox (mail_ref)").Error; err != nil {
		return err
	}
	var rows []m0014Outbox
	if err := tx.Select("id", "key").Where("channel = ?", "email").FindInBatches(&rows, 500, func(b *gorm.DB, _ int) error {
		for _, r := range rows {
			if err := b.Model(&m0014Outbox{}).Where("id = ?", r.ID).Update("mail_ref", model.MailRef(r.Key)).Error; err != nil {
				return err
			}
		}
		return nil
	}).Error; err != nil {
		return err
	}
	return nil
}

func rollback0014(tx *gorm.DB) error {
	if err := tx.Exec("DROP INDEX IF EXISTS idx_outbox_mail_ref").Error; err != nil {
		return err
	}
	for _, q := range []string{"ALTER TABLE outbox DROP COLUMN mail_ref", "ALTER TABLE invitations DROP COLUMN response_stamp"} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return tx.Migrator().DropTable("inbound_mail")
}

// Rows of migration 0014_inbound_mail. Frozen: do not edit.

type m0014InboundMail struct {
	ID         int64     `gorm:"primaryKey;autoIncrement"`
	MessageID  *string   `gorm:"uniqueIndex:idx_inbound_mail_message_id"`
	Hash       string    `gorm:"not null;size:64;uniqueIndex:idx_inbound_mail_hash"`
	FromAddr   string    `gorm:"not null"`
	Subject    string    `gorm:"not null"`
	ReceivedAt time.Time `gorm:"not null;index:idx_inbound_mail_received_at"`
	Via        string    `gorm:"not null"`
	Size       int       `gorm:"not null"`
	Kind       string    `gorm:"not null"`
	MeetingID  int64     `gorm:"not null;default:0"`
	Status     string    `gorm:"not null"`
	Did        string    `gorm:"not null"`
	Reason     string    `gorm:"not null"`
	Raw        []byte
}

func (m0014InboundMail) TableName() string { return "inbound_mail" }

type m0014Invitation struct {
	ID            int64 `gorm:"primaryKey"`
	ResponseStamp *time.Time
}

func (m0014Invitation) TableName() string { return "invitations" }

type m0014Outbox struct {
	ID      int64 `gorm:"primaryKey"`
	Key     string
	MailRef string `gorm:"not null;default:''"`
}

func (m0014Outbox) TableName() string { return "outbox" }

package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrationsTable records which migrations have run.
const migrationsTable = "migrations"

// migrationLock is the PostgreSQL advisory lock that replicas starting at
// the same time take in turn while migrating ("focalbot" in ASCII).
const migrationLock int64 = 0x666f63616c626f74

// migrations lists every schema change in the order it was made. A migration
// is never edited once released: each one declares its own frozen row types
// (named after it) so that later changes to the live rows cannot rewrite
// history. Add a new migration instead.
func migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		{
			ID: "0001_roster",
			Migrate: func(tx *gorm.DB) error {
				return tx.Migrator().CreateTable(&m0001Person{}, &m0001NetworkSettings{}, &m0001AuditEntry{})
			},
			Rollback: func(tx *gorm.DB) error {
				return tx.Migrator().DropTable("audit_log", "network_settings", "people")
			},
		},
		{
			ID: "0002_slack_deliveries",
			Migrate: func(tx *gorm.DB) error {
				return tx.Migrator().CreateTable(&m0002SlackDelivery{})
			},
			Rollback: func(tx *gorm.DB) error {
				return tx.Migrator().DropTable("slack_deliveries")
			},
		},
		{
			ID: "0003_meetings_outbox",
			Migrate: func(tx *gorm.DB) error {
				return tx.Migrator().CreateTable(&m0003Meeting{}, &m0003Invitation{}, &m0003Outbox{})
			},
			Rollback: func(tx *gorm.DB) error {
				return tx.Migrator().DropTable("outbox", "invitations", "meetings")
			},
		},
		{
			ID: "0004_feeds",
			Migrate: func(tx *gorm.DB) error {
				if err := tx.Exec("ALTER TABLE meetings ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE").Error; err != nil {
					return err
				}
				return tx.Migrator().CreateTable(&m0004FeedToken{})
			},
			Rollback: func(tx *gorm.DB) error {
				if err := tx.Migrator().DropTable("feed_tokens"); err != nil {
					return err
				}
				return tx.Exec("ALTER TABLE meetings DROP COLUMN public").Error
			},
		},
		{
			ID:      "0005_series",
			Migrate: migrate0005,
			Rollback: func(tx *gorm.DB) error {
				return tx.Migrator().DropTable("coverage_snapshots", "attendance", "reminder_mutes", "series")
			},
		},
		{
			ID:      "0007_polls",
			Migrate: migrate0007,
			Rollback: func(tx *gorm.DB) error {
				return tx.Migrator().DropTable("poll_votes", "poll_slots", "polls")
			},
		},
		{
			ID: "0006_outreach",
			Migrate: func(tx *gorm.DB) error {
				return tx.Migrator().CreateTable(&m0006Outreach{}, &m0006OutreachNote{})
			},
			Rollback: func(tx *gorm.DB) error {
				return tx.Migrator().DropTable("outreach_notes", "outreach")
			},
		},
		{
			ID:       "0008_outbox_claim_order",
			Migrate:  migrate0008,
			Rollback: rollback0008,
		},
		{
			ID:       "0009_outbox_payloads",
			Migrate:  migrate0009,
			Rollback: rollback0009,
		},
		{
			ID:       "0010_series_invitees",
			Migrate:  migrate0010,
			Rollback: rollback0010,
		},
		{
			ID:       "0011_slack_inbox",
			Migrate:  migrate0011,
			Rollback: rollback0011,
		},
		{
			ID:       "0012_delivery_outages",
			Migrate:  migrate0012,
			Rollback: rollback0012,
		},
		{
			ID:       "0013_email_changes",
			Migrate:  migrate0013,
			Rollback: rollback0013,
		},
		{
			ID:       "0014_inbound_mail",
			Migrate:  migrate0014,
			Rollback: rollback0014,
		},
		{
			ID:       "0015_links",
			Migrate:  migrate0015,
			Rollback: rollback0015,
		},
		{
			ID:       "0016_delegation",
			Migrate:  migrate0016,
			Rollback: rollback0016,
		},
		{
			ID:       "0017_languages",
			Migrate:  migrate0017,
			Rollback: rollback0017,
		},
		{
			ID:       "0019_people_country_index",
			Migrate:  migrate0019,
			Rollback: rollback0019,
		},
		{
			ID:       "0020_inbound_mail_msgs",
			Migrate:  migrate0020,
			Rollback: rollback0020,
		},
		{
			ID:       "0025_people_role_index",
			Migrate:  migrate0025,
			Rollback: rollback0025,
		},
		{
			ID:       "0026_drop_delegated_from_index",
			Migrate:  migrate0026,
			Rollback: rollback0026,
		},
	}
}

// migrator runs migrations in tx, recording them in migrationsTable.
func migrator(tx *gorm.DB, all []*gormigrate.Migration) *gormigrate.Gormigrate {
	return gormigrate.New(tx, &gormigrate.Options{
		TableName:    migrationsTable,
		IDColumnName: "id",
		IDColumnSize: 255,
		// The transaction is the caller's, around all migrations at once.
		UseTransaction: false,
		// A database migrated by a newer focalbot is not for this one.
		ValidateUnknownMigrations: true,
	}, all)
}

// migrate brings the schema up to date in one transaction: all migrations
// apply, or none. On PostgreSQL the transaction first takes an advisory lock,
// so replicas starting together migrate one after the other; on SQLite the
// transaction takes the write lock when it begins.
func (s *Store) migrate(ctx context.Context) error {
	all := migrations()
	for _, m := range all {
		apply := m.Migrate
		m.Migrate = func(tx *gorm.DB) error {
			s.log.Info("applying database migration", "id", m.ID, "dialect", s.dialect)
			return apply(tx)
		}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if s.dialect == DialectPostgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLock).Error; err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		return migrator(tx, all).Migrate()
	})
	if err != nil {
		return fmt.Errorf("migrate %s database: %w", s.dialect, err)
	}
	return nil
}

// Rows of migration 0001_roster. Frozen: do not edit.

type m0001Person struct {
	ID           int64      `gorm:"primaryKey;autoIncrement"`
	Name         string     `gorm:"not null"`
	Title        string     `gorm:"not null"`
	Organisation string     `gorm:"not null"`
	Country      string     `gorm:"not null;index:idx_people_country"`
	Email        *string    `gorm:"uniqueIndex:idx_people_email"`
	Phone        string     `gorm:"not null"`
	SlackID      *string    `gorm:"uniqueIndex:idx_people_slack_id"`
	TimeZone     string     `gorm:"not null"`
	Language     string     `gorm:"not null"`
	Role         string     `gorm:"not null"`
	Status       string     `gorm:"not null;index:idx_people_status"`
	AppointedOn  *time.Time `gorm:"type:date"`
	CreatedAt    time.Time  `gorm:"not null"`
	UpdatedAt    time.Time  `gorm:"not null"`
}

func (m0001Person) TableName() string { return "people" }

type m0001NetworkSettings struct {
	ID                int64     `gorm:"primaryKey;autoIncrement:false;check:network_settings_one_row,id = 1"`
	Name              string    `gorm:"not null"`
	Secretariat       string    `gorm:"not null"`
	Address           string    `gorm:"not null"`
	FacilitatingGroup string    `gorm:"not null"` // comma-separated alpha-2 codes
	UpdatedAt         time.Time `gorm:"not null"`
}

func (m0001NetworkSettings) TableName() string { return "network_settings" }

type m0001AuditEntry struct {
	ID      int64     `gorm:"primaryKey;autoIncrement"`
	At      time.Time `gorm:"not null;index:idx_audit_log_at"`
	ActorID int64     `gorm:"not null;default:0"`
	Actor   string    `gorm:"not null"`
	Action  string    `gorm:"not null"`
	Subject string    `gorm:"not null;index:idx_audit_log_subject"`
	Country string    `gorm:"not null;index:idx_audit_log_country"`
	Before  string    `gorm:"not null"`
	After   string    `gorm:"not null"`
}

func (m0001AuditEntry) TableName() string { return "audit_log" }

// Rows of migration 0002_slack_deliveries. Frozen: do not edit.

type m0002SlackDelivery struct {
	Key        string    `gorm:"primaryKey;size:255"` // "event:Ev…" or "envelope:…"
	ReceivedAt time.Time `gorm:"not null;index:idx_slack_deliveries_received_at"`
}

func (m0002SlackDelivery) TableName() string { return "slack_deliveries" }

// Rows of migration 0003_meetings_outbox. Frozen: do not edit.

type m0003Meeting struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	UID       string    `gorm:"not null;size:255;uniqueIndex:idx_meetings_uid"`
	Sequence  int       `gorm:"not null"`
	Title     string    `gorm:"not null"`
	StartAt   time.Time `gorm:"not null;index:idx_meetings_start_at"`
	EndAt     time.Time `gorm:"not null"`
	TimeZone  string    `gorm:"not null"`
	Venue     string    `gorm:"not null"`
	Address   string    `gorm:"not null"`
	OnlineURL string    `gorm:"not null"`
	Hosts     string    `gorm:"not null"` // comma-separated alpha-2 codes
	Organiser string    `gorm:"not null"`
	Agenda    string    `gorm:"not null"`
	Status    string    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (m0003Meeting) TableName() string { return "meetings" }

type m0003Invitation struct {
	ID               int64        `gorm:"primaryKey;autoIncrement"`
	MeetingID        int64        `gorm:"not null;uniqueIndex:idx_invitations_person,priority:1;uniqueIndex:idx_invitations_email,priority:1"`
	Meeting          m0003Meeting `gorm:"constraint:OnDelete:CASCADE"`
	PersonID         *int64       `gorm:"uniqueIndex:idx_invitations_person,priority:2;index:idx_invitations_person_id"`
	Person           *m0001Person `gorm:"constraint:OnDelete:SET NULL"`
	Name             string       `gorm:"not null"`
	Email            *string      `gorm:"uniqueIndex:idx_invitations_email,priority:2"`
	Country          string       `gorm:"not null"`
	Response         string       `gorm:"not null"`
	RespondedAt      *time.Time
	ResponseSequence int       `gorm:"not null"`
	CreatedAt        time.Time `gorm:"not null"`
}

func (m0003Invitation) TableName() string { return "invitations" }

type m0003Outbox struct {
	ID            int64     `gorm:"primaryKey;autoIncrement"`
	Key           string    `gorm:"not null;size:255;uniqueIndex:idx_outbox_key"`
	Channel       string    `gorm:"not null"`
	Kind          string    `gorm:"not null"`
	MeetingID     int64     `gorm:"not null;index:idx_outbox_meeting"`
	InvitationID  int64     `gorm:"not null;index:idx_outbox_invitation"`
	Recipient     string    `gorm:"not null"`
	Payload       string    `gorm:"not null"`
	Status        string    `gorm:"not null;index:idx_outbox_due,priority:1"`
	DueAt         time.Time `gorm:"not null"`
	NextAttemptAt time.Time `gorm:"not null;index:idx_outbox_due,priority:2"`
	Attempts      int       `gorm:"not null"`
	LastError     string    `gorm:"not null"`
	SentAt        *time.Time
	ClaimedBy     string `gorm:"not null"`
	ClaimedUntil  *time.Time
	CreatedAt     time.Time `gorm:"not null"`
}

func (m0003Outbox) TableName() string { return "outbox" }

// Rows of migration 0004_feeds. Frozen: do not edit.

type m0004FeedToken struct {
	PersonID  int64       `gorm:"primaryKey;autoIncrement:false"`
	Person    m0001Person `gorm:"constraint:OnDelete:CASCADE"`
	Token     string      `gorm:"not null;size:64;uniqueIndex:idx_feed_tokens_token"`
	CreatedAt time.Time   `gorm:"not null"`
}

func (m0004FeedToken) TableName() string { return "feed_tokens" }

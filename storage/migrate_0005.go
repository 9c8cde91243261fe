package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrate0005 adds meeting series, per-meeting reminders, mutes, attendance
// and the weekly coverage snapshots of the digest.
func migrate0005(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, col := range []string{"SeriesID", "Occurrence", "Reminders", "RemindedThrough", "RemindedSequence"} {
		if err := m.AddColumn(&m0005Meeting{}, col); err != nil {
			return err
		}
	}
	for _, idx := range []string{"idx_meetings_occurrence", "idx_meetings_status_start"} {
		if err := m.CreateIndex(&m0005Meeting{}, idx); err != nil {
			return err
		}
	}
	return m.CreateTable(&m0005Series{}, &m0005Mute{}, &m0005Attendance{}, &m0005CoverageSnapshot{})
}

// Rows of migration 0005_series. Frozen: do not edit.

type m0005Meeting struct {
	ID         int64      `gorm:"primaryKey"`
	SeriesID   *int64     `gorm:"uniqueIndex:idx_meetings_occurrence,priority:1"`
	Occurrence *time.Time `gorm:"uniqueIndex:idx_meetings_occurrence,priority:2"`
	Reminders  string     `gorm:"not null;default:''"` // comma-separated durations, e.g. "336h0m0s,48h0m0s"
	// The reminders of sequence RemindedSequence are queued up to the
	// moment RemindedThrough: a tick with nothing new due reads no further.
	RemindedThrough  *time.Time
	RemindedSequence int `gorm:"not null;default:0"`
	// The scheduler reads meetings by status and start.
	Status  string    `gorm:"index:idx_meetings_status_start,priority:1"`
	StartAt time.Time `gorm:"index:idx_meetings_status_start,priority:2"`
}

func (m0005Meeting) TableName() string { return "meetings" }

type m0005Series struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	Name      string    `gorm:"not null"`
	Rule      string    `gorm:"not null"`
	StartAt   time.Time `gorm:"not null"`
	TimeZone  string    `gorm:"not null"`
	Minutes   int       `gorm:"not null"`
	Venue     string    `gorm:"not null"`
	Address   string    `gorm:"not null"`
	Hosts     string    `gorm:"not null"`
	PlanDays  int       `gorm:"not null"`
	Reminders string    `gorm:"not null"`
	Active    bool      `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (m0005Series) TableName() string { return "series" }

type m0005Mute struct {
	PersonID  int64       `gorm:"primaryKey;autoIncrement:false"`
	Person    m0001Person `gorm:"constraint:OnDelete:CASCADE"`
	MeetingID int64       `gorm:"primaryKey;autoIncrement:false"` // 0: every meeting
	CreatedAt time.Time   `gorm:"not null"`
}

func (m0005Mute) TableName() string { return "reminder_mutes" }

type m0005Attendance struct {
	MeetingID int64        `gorm:"primaryKey;autoIncrement:false"`
	Meeting   m0003Meeting `gorm:"constraint:OnDelete:CASCADE"`
	Country   string       `gorm:"primaryKey;size:2"`
}

func (m0005Attendance) TableName() string { return "attendance" }

type m0005CoverageSnapshot struct {
	Week      string    `gorm:"primaryKey;size:10"` // the Monday of the week, YYYY-MM-DD
	Countries string    `gorm:"not null"`           // comma-separated alpha-2 codes covered then
	TakenAt   time.Time `gorm:"not null"`
}

func (m0005CoverageSnapshot) TableName() string { return "coverage_snapshots" }

package model

import "time"

// PeopleFilter selects people from the roster; an empty field means "any".
type PeopleFilter struct {
	Countries []string // alpha-2 codes
	Roles     []Role
	Statuses  []Status
}

// AuditFilter selects audit entries; Limit 0 means the store's default.
type AuditFilter struct {
	Subject string // e.g. "person:12"
	Country string // alpha-2 code
	Limit   int
}

// MeetingFilter selects meetings; zero fields mean "any".
type MeetingFilter struct {
	EndsAfter    time.Time // meetings still going on or to come
	StartsBefore time.Time
	Statuses     []MeetingStatus
}

// OutboxFilter selects outbox items; zero fields mean "any".
type OutboxFilter struct {
	MeetingID int64
	Statuses  []OutboxStatus
	Channel   Channel
	Latest    int // when set, only the latest so many items
}

// MailFilter selects incoming e-mail; zero fields mean "any".
type MailFilter struct {
	Statuses []MailStatus
	Latest   int // when set, only the latest so many
}

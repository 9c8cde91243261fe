package model

import "time"

// Link is what is stored of a signed personal link (the page behind
// FOCALBOT_PUBLIC_URL/a/<token>): whose it is and what it answers, never
// the token itself, only its SHA-256 hash. It answers one invitation, or
// one poll for one person.
type Link struct {
	ID           int64
	InvitationID int64 // the invitation it answers; 0 for a poll's link
	PollID       int64 // the poll it answers; 0 for an invitation's link
	PersonID     int64 // for a poll's link: who is asked
	CreatedAt    time.Time
	RevokedAt    time.Time // zero while it has not been revoked
}

// Revoked reports whether the link was revoked.
func (l Link) Revoked() bool { return !l.RevokedAt.IsZero() }

package model

import "time"

// AuditEntry records one change made by a person: who, what, when, and the
// subject's state before and after (as JSON, empty when it did not exist).
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID int64  // 0 for changes made by the system or an import from the command line
	Actor   string // the actor's name and e-mail or Slack ID, kept even if they are later removed
	Action  string // e.g. "person.create", "person.update", "network.update"
	Subject string // e.g. "person:12", "network"
	Country string // the country concerned, when there is one
	Before  string
	After   string
}

// Actor is who makes a change, for the audit log.
type Actor struct {
	PersonID int64  // 0 for the system or the command line
	Label    string // e.g. "Ana Ruiz <ana@example.org>", "system", "import (cli)"
}

// System is the actor for changes focalbot makes by itself.
var System = Actor{Label: "system"}

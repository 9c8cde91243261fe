package model

import (
	"strings"
	"time"
)

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

// ActorOf is p as the actor of a change: their name and address, e.g.
// "Ana Ruiz <ana@example.org>" or "Ana Ruiz <@U024BE7LH>". Someone whose
// name is their address (a member of the secretariat bootstrapped from
// FOCALBOT_SECRETARIAT, before `me set name`) is named by it once.
func ActorOf(p Person) Actor {
	a := Actor{PersonID: p.ID, Label: p.Name}
	switch {
	case p.Email != "" && strings.EqualFold(p.Name, p.Email):
		a.Label = p.Email
	case p.Email != "":
		a.Label = p.Name + " <" + p.Email + ">"
	case p.SlackID != "" && p.Name == p.SlackID:
		a.Label = "<@" + p.SlackID + ">"
	case p.SlackID != "":
		a.Label = p.Name + " <@" + p.SlackID + ">"
	}
	return a
}

// System is the actor for changes focalbot makes by itself.
var System = Actor{Label: "system"}

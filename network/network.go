// Package network is focalbot's service layer: the typed operations every way
// in calls (chat commands, Slack forms, buttons and the App Home, the
// scheduler, and calendar replies by e-mail and the web page to come). Each
// operation takes the caller and typed values, checks the caller's role and
// object permissions itself (permissions.go), applies the domain rule, and
// has the store write the change, its audit entry and the outbox messages it
// causes in one transaction. Each documents the error codes it returns
// (model.EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT, EINTERNAL).
//
// It knows no chat system, no database and no e-mail format: the store is an
// interface declared here, satisfied by focalbot/storage, and messages are
// planned through delivery.Planner.
package network

import (
	"errors"
	"fmt"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/model"
)

// Store is what the services need from storage, one interface per domain
// (people.go, meetings.go, polls.go).
type Store interface {
	PeopleStore
	MeetingStore
	PollStore
	OutreachStore
	SeriesStore
	DelegationStore
	MailStore
	LinkStore
	RecordStore
}

// Service runs the network's operations. It is safe for concurrent use.
type Service struct {
	store   Store
	clock   clock.Clock
	zone    *time.Location // the secretariat's zone
	planner delivery.Planner
	kick    func() // tells the dispatcher that messages are waiting
	handoff Handoff
}

// Handoff is the dispatcher of this process, when it can take messages as
// they are written: delivery.Dispatcher. Reserve gives a claim on a
// channel's messages that are about to be written (ok false when the
// dispatcher is not running or does not send on that channel), and Offer
// hands it the messages written with it, once committed. Messages written
// claimed are sent once, by whoever holds their claim: the dispatcher
// they were handed to, or, once that claim ended unrenewed, the next to
// claim them from the store.
type Handoff interface {
	Reserve(ch model.Channel) (token string, until time.Time, ok bool)
	Offer(items []model.OutboxItem)
}

// WithHandoff makes h take the e-mails that Invite queues, and those of a
// meeting scheduled, changed, moved by its poll or cancelled, as they are
// written, and returns s.
func (s *Service) WithHandoff(h Handoff) *Service {
	s.handoff = h
	return s
}

// New returns the services over store. zone is the secretariat's time zone;
// planner plans the messages an operation causes, and kick, when not nil, is
// called after a change that queued some.
func New(store Store, clk clock.Clock, zone *time.Location, planner delivery.Planner, kick func()) *Service {
	if kick == nil {
		kick = func() {}
	}
	return &Service{store: store, clock: clk, zone: zone, planner: planner, kick: kick}
}

// Caller is who asks for an operation: the person on the roster, or nil for
// someone who is not on it (they may register, say), and how the audit log
// names them then.
type Caller struct {
	Person *model.Person
	Label  string // for someone not on the roster: an e-mail address or a Slack mention
	Email  string // the e-mail address the caller's transport knows, if any: a guest's invitations are found by it
	// Via names the way in when it is not a chat, for the audit log: "by
	// e-mail" for a calendar reply, ViaWebLink for the signed link's page.
	Via string
}

// As returns the caller for a person on the roster.
func As(p model.Person) Caller { return Caller{Person: &p} }

// Actor is the caller as the audit log records them, with how the change
// came (Via) after the name: "Ana Ruiz <ana@example.org> (by web link)".
func (c Caller) Actor() model.Actor {
	a := c.actor()
	if c.Via != "" {
		a.Label = fmt.Sprintf(msgActorVia, a.Label, c.Via)
	}
	return a
}

// msgActorVia is how the audit log names a caller who came another way
// than chat: "Ana Ruiz <ana@example.org> (by e-mail)".
const msgActorVia = "%s (%s)"

func (c Caller) actor() model.Actor {
	if c.Person == nil {
		label := c.Label
		if label == "" {
			label = "unknown"
		}
		return model.Actor{Label: label}
	}
	return model.ActorOf(*c.Person)
}

// inField names field in a domain error that names none.
func inField(err error, field string) error {
	var e *model.Error
	if errors.As(err, &e) {
		return e.InField(field)
	}
	return err
}

package network

import (
	"context"

	"focalbot/delivery"
	"focalbot/model"
)

// DelegationStore is what delegation and answers recorded for others need
// from storage.
type DelegationStore interface {
	Delegate(ctx context.Context, actor model.Actor, fromID int64, d model.Delegate, seq int,
		plan func(m model.Meeting, from, to model.Invitation, created bool) []model.OutboxItem) (model.Invitation, model.Invitation, error)
	RespondFor(ctx context.Context, actor model.Actor, invitationID int64, r model.Response, seq int) (model.Invitation, error)
	IsDelegate(ctx context.Context, meetingID int64, attendeeEmail, fromEmail string) (bool, error)
	Invitation(ctx context.Context, id int64) (model.Invitation, error)
}

// Messages of delegation and answers recorded for others.
const (
	msgPersonNotInvited = "%s is not invited to meeting %d: invite them first, or check the name."
)

// Delegate is the colleague an invitee sends to a meeting instead of
// themselves: their e-mail address, name and optional title.
//
// Sequence, when not nil, is the version of the meeting the delegation
// answers (the SEQUENCE of an iTIP REPLY with PARTSTAT=DELEGATED): one to an
// older version than the answer recorded changes nothing. Nil is the
// current version (chat, Slack, the web page).
type Delegate struct {
	Email    string
	Name     string
	Title    string
	Sequence *int
}

// Delegated is the outcome of Service.Delegate.
type Delegated struct {
	Meeting model.Meeting
	From    model.Invitation // the caller's invitation, now ResponseDelegate with DelegatedTo
	To      model.Invitation // the colleague's, DelegatedFrom the caller's
	// Invited says that the colleague was sent a new invitation; false
	// when they were invited already (and now stand in for the caller).
	Invited bool
	// Stale says that the delegation answered an older version of the
	// meeting than an answer recorded since, which stands; nothing changed.
	Stale bool
}

// Delegate sends a colleague, to, to meeting meetingID instead of the
// caller (a person on the roster, or a guest known by c.Email): the
// colleague is invited in the caller's country, their calendar invitation
// names them DELEGATED-FROM the caller, the caller's answer becomes
// "delegated" (and their calendar is sent it: PARTSTAT=DELEGATED), and from then on the colleague's answer counts for the
// country (model.CountryAnswer). A colleague who is invited already stands
// in for the caller without a second invitation. Audited
// "invitation.delegate".
//
// Errors: EINVALID for a bad e-mail address, name or title (naming the
// field "email", "name" or "title") or the caller's own address;
// ENOTFOUND for the meeting, or an invitation the caller does not have;
// ECONFLICT for a meeting that is not scheduled, a caller who sent a
// colleague already, or a colleague who stands in for someone else
// (field "email"); EINTERNAL.
func (s *Service) Delegate(ctx context.Context, c Caller, meetingID int64, to Delegate) (Delegated, error) {
	d := model.Delegate{Email: to.Email, Name: to.Name, Title: to.Title}
	if err := d.Validate(); err != nil {
		return Delegated{}, err
	}
	m, err := s.store.Meeting(ctx, meetingID)
	if err != nil {
		return Delegated{}, err
	}
	invs, err := s.invitationsOf(ctx, c)
	if err != nil {
		return Delegated{}, err
	}
	inv, ok := invs[m.ID]
	if !ok {
		return Delegated{}, model.Errorf(model.ENOTFOUND, msgNotInvited, m.ID)
	}
	if err := m.Answerable(); err != nil {
		return Delegated{}, err
	}
	if err := inv.CheckDelegation(d); err != nil {
		return Delegated{}, err
	}
	seq := m.Sequence
	if to.Sequence != nil {
		seq = *to.Sequence
	}
	people, err := s.peopleByID(ctx)
	if err != nil {
		return Delegated{}, err
	}
	out := Delegated{}
	plan := func(m model.Meeting, from, to model.Invitation, created bool) []model.OutboxItem {
		out.Meeting, out.Invited = m, created
		person := func(id int64) *model.Person {
			if p, ok := people[id]; ok {
				return &p
			}
			return nil
		}
		items := s.planner.Delegated(m, from, to, person(from.PersonID))
		if created {
			items = append(items, s.planner.Delegation(m, from, to, person(to.PersonID))...)
		}
		return items
	}
	out.From, out.To, err = s.store.Delegate(ctx, c.Actor(), inv.ID, d, seq, plan)
	if err == model.ErrStaleResponse {
		return Delegated{Meeting: m, From: inv, Stale: true}, nil
	}
	if err != nil {
		return Delegated{}, err
	}
	s.kick()
	return out, nil
}

// IsDelegate reports whether the address from is a delegate recorded for
// the invitee attendee at meeting meetingID (directly, or through
// colleagues who sent colleagues): whom incoming mail may answer for.
//
// Errors: EINTERNAL only.
func (s *Service) IsDelegate(ctx context.Context, meetingID int64, attendee, from string) (bool, error) {
	return s.store.IsDelegate(ctx, meetingID, attendee, from)
}

// RespondFor records, for the secretariat, the answer resp of person (on
// the roster) to meeting id, given by telephone or letter: the same answer,
// with the same precedence, as if they had given it themselves, to the
// meeting's current version; the audit log ("invitation.respond_for")
// shows who recorded it and for whom.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; EINVALID for an
// answer that is not yes, no or maybe; ENOTFOUND for the meeting or a
// person not invited to it; ECONFLICT for a meeting that is not
// scheduled; EINTERNAL.
func (s *Service) RespondFor(ctx context.Context, c Caller, id int64, person model.Person, resp model.Response) (Answered, error) {
	if err := c.requireSecretariat(); err != nil {
		return Answered{}, err
	}
	if err := model.CheckAnswer(resp); err != nil {
		return Answered{}, err
	}
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return Answered{}, err
	}
	invs, err := s.store.InvitationsOf(ctx, person.ID, person.Email)
	if err != nil {
		return Answered{}, err
	}
	var inv *model.Invitation
	for i := range invs {
		if invs[i].MeetingID == m.ID {
			inv = &invs[i]
		}
	}
	if inv == nil {
		return Answered{}, model.Errorf(model.ENOTFOUND, msgPersonNotInvited, person.Name, m.ID)
	}
	if err := m.Answerable(); err != nil {
		return Answered{}, err
	}
	out := Answered{Meeting: m}
	out.Invitation, err = s.store.RespondFor(ctx, c.Actor(), inv.ID, resp, m.Sequence)
	if err != nil {
		return Answered{}, err
	}
	return out, nil
}

// planRevision plans the update of meeting m, revised from before, for
// every invitation, and applies the rule of answers on the way: a change
// that moves the meeting asks everyone again (model.Invitation.AskAgain,
// edited in invs, which the store saves with the meeting); any other keeps
// every answer, and each invitee's calendar carries theirs. Each update
// names the invitee's delegation, and the mail says what changed.
func (s *Service) planRevision(before, m model.Meeting, invs []model.Invitation, people map[int64]model.Person) []model.OutboxItem {
	moved := m.MovesTime(before)
	byID := make(map[int64]model.Invitation, len(invs))
	for i := range invs {
		if moved {
			invs[i].AskAgain(m.Sequence)
		}
		byID[invs[i].ID] = invs[i]
	}
	var items []model.OutboxItem
	for _, inv := range invs {
		var links delivery.Links
		if f, ok := byID[inv.DelegatedFrom]; ok && inv.DelegatedFrom != 0 {
			links.From = &f
		}
		if t, ok := byID[inv.DelegatedTo]; ok && inv.DelegatedTo != 0 {
			links.To = &t
		}
		var p *model.Person
		if person, ok := people[inv.PersonID]; ok {
			p = &person
		}
		items = append(items, s.planner.Update(before, m, inv, p, moved && !inv.Delegated(), links)...)
	}
	return items
}

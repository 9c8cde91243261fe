package delivery

import (
	"fmt"

	"focalbot/calendar"
	"focalbot/model"
)

// Delegation plans the invitation of a colleague sent instead of an
// invitee: the same invitation as Invitation's (and the same key, so it is
// sent once), whose calendar names the colleague DELEGATED-FROM the
// invitee and the invitee DELEGATED-TO the colleague. person is the
// colleague on the roster, nil for a guest.
func (pl Planner) Delegation(m model.Meeting, from, to model.Invitation, person *model.Person) []model.OutboxItem {
	return pl.forInvitee(Payload{Kind: model.KindRequest}, m, to, person, func(ch model.Channel) string {
		return fmt.Sprintf("meeting:%d/invitation:%d/%s/%s/seq:%d", m.ID, to.ID, ch, model.KindRequest, m.Sequence)
	}, Links{From: &from})
}

// Links are the invitations on the other side of an invitee's delegation,
// when there are: whom they stand in for (From), whom they sent (To).
type Links struct {
	From, To *model.Invitation
}

// Update plans the update of meeting m (changed from before) for one
// invitee. askAgain says that the change moved the meeting, and the
// invitee's answer went back to needs-action (model.Invitation.AskAgain):
// the mail says so and the calendar asks; otherwise the calendar carries
// the invitee's current answer. links are the invitee's delegation.
func (pl Planner) Update(before, m model.Meeting, inv model.Invitation, person *model.Person, askAgain bool, links Links) []model.OutboxItem {
	prev := before
	p := Payload{Kind: model.KindRequest, Previous: &prev, AskAgain: askAgain}
	return pl.forInvitee(p, m, inv, person, func(ch model.Channel) string {
		return fmt.Sprintf("meeting:%d/invitation:%d/%s/%s/seq:%d", m.ID, inv.ID, ch, model.KindRequest, m.Sequence)
	}, links)
}

// answerShown is an answer as an invitation shows it: none for one that
// asks again or asks for the first time.
func answerShown(r model.Response) model.Response {
	if r == model.ResponseNone {
		return ""
	}
	return r
}

// withLinks adds the invitee's answer and delegation to p.
func withLinks(p *Payload, inv model.Invitation, links Links) {
	if p.Previous != nil && !p.AskAgain {
		p.Invitee.Answer = answerShown(inv.Response)
	}
	if f := links.From; f != nil {
		p.Invitee.DelegatedFrom = &Party{Name: f.Name, Email: f.Email, Answer: model.ResponseDelegate}
	}
	if t := links.To; t != nil && inv.Response == model.ResponseDelegate {
		p.Invitee.DelegatedTo = &Party{Name: t.Name, Email: t.Email, Answer: answerShown(t.Response)}
		p.Invitee.Answer = model.ResponseDelegate
	}
}

// attendees are the ATTENDEEs of an invitee's calendar: the invitee (at
// address to) with their answer, and the other side of their delegation.
func attendees(p Payload, to string) []calendar.Attendee {
	me := calendar.Attendee{Person: calendar.Person{Name: p.Invitee.Name, Email: to}, PartStat: calendar.PartStatOf(p.Invitee.Answer), RSVP: true}
	var out []calendar.Attendee
	if d := p.Invitee.DelegatedFrom; d != nil {
		me.DelegatedFrom = d.Email
		out = append(out, calendar.Attendee{Person: calendar.Person{Name: d.Name, Email: d.Email}, PartStat: calendar.Delegated, DelegatedTo: to})
	}
	if d := p.Invitee.DelegatedTo; d != nil {
		me.DelegatedTo, me.PartStat, me.RSVP = d.Email, calendar.Delegated, false
		return append(out, me, calendar.Attendee{Person: calendar.Person{Name: d.Name, Email: d.Email},
			PartStat: calendar.PartStatOf(d.Answer), RSVP: true, DelegatedFrom: to})
	}
	return append(out, me)
}

package delivery

import (
	"fmt"
	"slices"
	"time"

	"golang.org/x/text/language"

	"focalbot/calendar"
	"focalbot/i18n"
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

// Delegated plans, for the invitee of from who sent the colleague of to,
// their invitation again by e-mail, at the same SEQUENCE with a new
// DTSTAMP (how iTIP updates an attendee's status), so that their calendar
// shows what focalbot knows: them PARTSTAT=DELEGATED;DELEGATED-TO the
// colleague, who is asked. Only by e-mail: on Slack, the answer under the
// invitation says it. person is the invitee on the roster, nil for a guest.
func (pl Planner) Delegated(m model.Meeting, from, to model.Invitation, person *model.Person) []model.OutboxItem {
	items := pl.forInvitee(Payload{Kind: model.KindRequest}, m, from, person, func(ch model.Channel) string {
		return fmt.Sprintf("meeting:%d/invitation:%d/%s/%s/seq:%d/delegated:%d", m.ID, from.ID, ch, model.KindRequest, m.Sequence, to.ID)
	}, Links{To: &to})
	return slices.DeleteFunc(items, func(it model.OutboxItem) bool { return it.Channel != model.ChannelEmail })
}

// AlternateNudge plans the last nudge of meeting m to alt, an active
// alternate of a country still silent whose invitation inv (its focal
// point's) has not been answered: the focal point may be travelling. It is
// keyed by the invitation, the alternate and the moment, so it is sent once.
func (pl Planner) AlternateNudge(offset time.Duration, m model.Meeting, inv model.Invitation, alt model.Person) []model.OutboxItem {
	at := m.Start.Add(-offset).UTC().Format("20060102T150405Z")
	c, _ := model.CountryByCode(alt.Country)
	p := Payload{Kind: model.KindNudge, Offset: offset, Country: c.Name}
	return pl.forInvitee(p, m, inv, &alt, func(ch model.Channel) string {
		return fmt.Sprintf("meeting:%d/invitation:%d/%s/remind/%s/at:%s/alternate:%d", m.ID, inv.ID, ch, offset, at, alt.ID)
	})
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

// The sentences of updates and delegations.
const (
	msgChangedTime    = "Time: %s → %s"
	msgChangedPlace   = "Place: %s → %s"
	msgChangedLink    = "Online: %s → %s"
	msgAnswerAgain    = "The date or time has changed, so every answer was reset: please answer again with the Accept, Tentative or Decline buttons of your calendar."
	msgAnswerKept     = "Your answer stands: you need not answer again."
	msgAnswerDelegate = "You sent %s in your place: their answer counts for your country."
	msgSentBy         = "%s sends you in their place: your answer counts for your country."
	// The same, to an invitee who answers for no country (a guest).
	msgAnswerDelegateOwn = "You sent %s in your place: their answer counts as yours."
	msgSentByOwn         = "%s sends you in their place: your answer counts as theirs."
	msgCountryNudge      = "We have not had an answer from %s yet. As its alternate, please make sure your country answers: your focal point can accept or decline in their calendar, or you can write to the secretariat, who records the answer."
)

// explain fills in what an update or a delegated invitation says besides
// the meeting: what changed (old → new), and what becomes of the answer.
func (v *view) explain(p Payload) {
	if p.Country != "" && p.Kind == model.KindNudge {
		v.CountryNudge = v.T(msgCountryNudge, countryName(v.Lang, p.Country))
	}
	sentBy, answerDelegate := msgSentBy, msgAnswerDelegate
	if p.Invitee.Country == "" {
		sentBy, answerDelegate = msgSentByOwn, msgAnswerDelegateOwn
	}
	if d := p.Invitee.DelegatedFrom; d != nil {
		v.SentBy = v.T(sentBy, d.Name)
	}
	if d := p.Invitee.DelegatedTo; d != nil && !v.Cancelled {
		v.Answer = v.T(answerDelegate, d.Name)
	}
	old := p.Previous
	if old == nil || v.Cancelled {
		return
	}
	m := p.Meeting
	if old.MovesTime(m) || old.TimeZone != m.TimeZone {
		ov, nv := old.Location(), m.Location()
		v.Changes = append(v.Changes, v.T(msgChangedTime,
			v.T(msgSpanZone, SpanIn(v.Lang, old.Start.In(ov), old.End.In(ov)), ov.String()),
			v.T(msgSpanZone, SpanIn(v.Lang, m.Start.In(nv), m.End.In(nv)), nv.String())))
	}
	if was, now := calendar.Location(*old), calendar.Location(m); was != now {
		v.Changes = append(v.Changes, v.T(msgChangedPlace, v.orNone(was), v.orNone(now)))
	}
	if old.OnlineURL != m.OnlineURL && (old.Venue != "" || m.Venue != "") {
		v.Changes = append(v.Changes, v.T(msgChangedLink, v.orNone(old.OnlineURL), v.orNone(m.OnlineURL)))
	}
	switch {
	case v.Answer != "":
	case p.AskAgain:
		v.Answer = v.T(msgAnswerAgain)
	case p.Invitee.Answer != "":
		v.Answer = v.T(msgAnswerKept)
	}
}

// msgNoneShown is how an update writes a place or link that was not there.
const msgNoneShown = "(none)"

func (v *view) orNone(s string) string {
	if s == "" {
		return v.T(msgNoneShown)
	}
	return s
}

// countryName is a country's name, given in English (as a payload carries
// it), in the language lang.
func countryName(lang language.Tag, name string) string {
	for _, c := range model.Countries() {
		if c.Name == name {
			return i18n.CountryName(lang, c.Alpha2)
		}
	}
	return name
}

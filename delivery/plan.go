// Package delivery sends what the outbox holds. Plan turns a change to a
// meeting into outbox items (one per invitee and channel, each with an
// idempotency key and a payload to render from); the Dispatcher claims due
// items, renders each for its channel, sends it, and records the outcome,
// retrying temporary failures with backoff and reporting permanent ones. It
// knows nothing of chat commands; storage is reached through small interfaces.
//
// A failed send is classified in one place, Classify (failure.go): an error
// a channel's sender marks Permanent (an SMTP 5xx reply, Slack's
// user_not_found or invalid_blocks, …; the translations of each channel's
// errors are kept there too) is given up on at once; every other error, one
// nobody knows included, is temporary: the message stays queued until it no
// longer matters (Deadline) or it has failed for MaxAge.
package delivery

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"focalbot/calendar"
	"focalbot/model"
)

// Invitee is who a message goes to, as known when it was queued.
type Invitee struct {
	PersonID int64 `json:",omitempty"` // 0 for a guest
	Name     string
	Email    string
	SlackID  string
	TimeZone string // the reader's zone; empty when unknown
	Language string
	// Answer is the invitee's answer as an update that keeps answers shows
	// it in their calendar (their ATTENDEE's PARTSTAT); "" asks for one
	// (NEEDS-ACTION), as every first invitation and every move does.
	Answer model.Response `json:",omitempty"`
	// DelegatedFrom is the invitee this one stands in for (ATTENDEE
	// DELEGATED-FROM), DelegatedTo the colleague this one sent instead
	// (DELEGATED-TO); nil when none.
	DelegatedFrom *Party `json:",omitempty"`
	DelegatedTo   *Party `json:",omitempty"`
}

// Party is the other side of a delegation, as the calendar names them.
type Party struct {
	Name   string
	Email  string
	Answer model.Response `json:",omitempty"` // as Invitee.Answer
}

// Organiser is who sends invitations: the secretariat's mailbox.
type Organiser struct {
	Name  string
	Email string
}

// Person is the organiser as calendars name them (ORGANIZER).
func (o Organiser) Person() calendar.Person { return calendar.Person{Name: o.Name, Email: o.Email} }

// Payload is what an outbox item carries: everything needed to render its
// message when it is sent, so that later changes do not alter what was queued.
type Payload struct {
	Kind      model.OutboxKind
	Meeting   model.Meeting
	Invitee   Invitee
	Organiser Organiser
	Text      string        `json:",omitempty"` // for notices
	Offset    time.Duration `json:",omitempty"` // for reminders: how long before the start
	Poll      *model.Poll   `json:",omitempty"` // for poll questions
	// For updates (Planner.Update): the meeting as it was, so that the mail
	// says what changed, and whether the invitee is asked to answer again.
	Previous *model.Meeting `json:",omitempty"`
	AskAgain bool           `json:",omitempty"`
	// Country is, for a nudge to an alternate (Planner.AlternateNudge),
	// the name of their country, which has not answered.
	Country string `json:",omitempty"`
}

// Decode reads an item's payload.
func Decode(it model.OutboxItem) (Payload, error) {
	var p Payload
	if err := json.Unmarshal([]byte(it.Payload), &p); err != nil {
		return Payload{}, fmt.Errorf("decode payload of outbox item %d: %w", it.ID, err)
	}
	return p, nil
}

// Planner decides which messages a change sends, and through which channels.
type Planner struct {
	Organiser Organiser
	Channels  []model.Channel // the channels this deployment sends through
}

// Invitation plans the messages of one kind (model.KindRequest or model.KindCancel) about
// meeting m for one invitee: an e-mail when they have an address, a Slack
// message when they have a Slack ID and Slack is in use. person is the
// invitee on the roster, nil for a guest.
func (pl Planner) Invitation(kind model.OutboxKind, m model.Meeting, inv model.Invitation, person *model.Person) []model.OutboxItem {
	return pl.forInvitee(Payload{Kind: kind}, m, inv, person, func(ch model.Channel) string {
		return fmt.Sprintf("meeting:%d/invitation:%d/%s/%s/seq:%d", m.ID, inv.ID, ch, kind, m.Sequence)
	})
}

// Reminder plans a reminder (model.KindReminder or model.KindNudge) offset before a
// meeting's start for one invitee. The key names the offset and the moment
// it falls on, not the meeting's sequence nor the kind: a change that does
// not move the meeting (a new link, say) or a new answer never sends a
// reminder again, and a meeting moved later is reminded of at its new time.
func (pl Planner) Reminder(kind model.OutboxKind, offset time.Duration, m model.Meeting, inv model.Invitation, person *model.Person) []model.OutboxItem {
	at := m.Start.Add(-offset).UTC().Format("20060102T150405Z")
	return pl.forInvitee(Payload{Kind: kind, Offset: offset}, m, inv, person, func(ch model.Channel) string {
		return fmt.Sprintf("meeting:%d/invitation:%d/%s/remind/%s/at:%s", m.ID, inv.ID, ch, offset, at)
	})
}

// forInvitee plans one message p about m for an invitee on every channel
// they can be reached by, keyed by key.
func (pl Planner) forInvitee(p Payload, m model.Meeting, inv model.Invitation, person *model.Person, key func(model.Channel) string, links ...Links) []model.OutboxItem {
	p.Meeting, p.Organiser = m, pl.Organiser
	p.Invitee = Invitee{Name: inv.Name, Email: inv.Email}
	if person != nil {
		p.Invitee = Invitee{PersonID: person.ID, Name: person.Name, Email: person.Email, SlackID: person.SlackID, TimeZone: person.TimeZone, Language: person.Language}
	}
	for _, l := range links {
		withLinks(&p, inv, l)
	}
	payload := encode(p)
	var items []model.OutboxItem
	for _, ch := range pl.Channels {
		to := p.Invitee.Email
		if ch == model.ChannelSlack {
			to = p.Invitee.SlackID
		}
		if to == "" {
			continue
		}
		items = append(items, model.OutboxItem{Key: key(ch), Channel: ch, Kind: p.Kind, MeetingID: m.ID,
			InvitationID: inv.ID, Recipient: to, Payload: payload})
	}
	return items
}

// PollQuestion plans the question of an availability poll to one person:
// on Slack text and the poll's slots to tick; by e-mail the slots and the
// person's signed link to the page where they tick them (Email, when it
// has Links; else text).
func (pl Planner) PollQuestion(p model.Poll, to model.Person, text string) []model.OutboxItem {
	items := pl.Notice(fmt.Sprintf("poll:%d/ask", p.ID), to, text)
	for i := range items {
		pq, _ := Decode(items[i])
		pq.Kind, pq.Poll = model.KindPoll, &p
		items[i].Kind, items[i].Payload = model.KindPoll, encode(pq)
	}
	return items
}

// Notice plans a plain message to one person, keyed by key so that it is
// sent once however often it is planned: by Slack when they use it and Slack
// is in use, else by e-mail.
func (pl Planner) Notice(key string, to model.Person, text string) []model.OutboxItem {
	who := Invitee{PersonID: to.ID, Name: to.Name, Email: to.Email, SlackID: to.SlackID, TimeZone: to.TimeZone, Language: to.Language}
	for _, ch := range []model.Channel{model.ChannelSlack, model.ChannelEmail} {
		addr := who.Email
		if ch == model.ChannelSlack {
			addr = who.SlackID
		}
		if addr == "" || !slices.Contains(pl.Channels, ch) {
			continue
		}
		return []model.OutboxItem{{
			Key: fmt.Sprintf("%s/to:%d/%s", key, to.ID, ch), Channel: ch, Kind: model.KindNotice, Recipient: addr,
			Payload: encode(Payload{Kind: model.KindNotice, Invitee: who, Organiser: pl.Organiser, Text: text}),
		}}
	}
	return nil
}

// EmailConfirmation plans the message with the code that confirms a new
// e-mail address, to.Email: by e-mail to that address only, whatever else
// the person uses, since receiving it proves the address is theirs. Each
// request is a message of its own (its key ends in a random part), so that
// asking again sends a new code.
func (pl Planner) EmailConfirmation(to model.Person, text string) []model.OutboxItem {
	if to.Email == "" || !slices.Contains(pl.Channels, model.ChannelEmail) {
		return nil
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	who := Invitee{Name: to.Name, Email: to.Email, TimeZone: to.TimeZone, Language: to.Language}
	return []model.OutboxItem{{
		Key:     fmt.Sprintf("person:%d/email-confirm/%x", to.ID, nonce),
		Channel: model.ChannelEmail, Kind: model.KindEmailConfirm, Recipient: to.Email,
		Payload: encode(Payload{Kind: model.KindEmailConfirm, Invitee: who, Organiser: pl.Organiser, Text: text}),
	}}
}

func encode(p Payload) string {
	b, err := json.Marshal(p)
	if err != nil {
		panic("delivery: payload does not marshal: " + err.Error())
	}
	return string(b)
}

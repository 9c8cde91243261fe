// Package delivery sends what the outbox holds. Plan turns a change to a
// meeting into outbox items (one per invitee and channel, each with an
// idempotency key and a payload to render from); the Dispatcher claims due
// items, renders each for its channel, sends it, and records the outcome,
// retrying temporary failures with backoff and reporting permanent ones. It
// knows nothing of chat commands; storage is reached through small interfaces.
package delivery

import (
	"encoding/json"
	"fmt"
	"slices"

	"focalbot/model"
)

// Kinds of outbox item.
const (
	KindRequest = "request" // an invitation, or an update of one (METHOD:REQUEST)
	KindCancel  = "cancel"  // a cancellation (METHOD:CANCEL)
	KindNotice  = "notice"  // a plain message to the secretariat
)

// Invitee is who a message goes to, as known when it was queued.
type Invitee struct {
	Name     string
	Email    string
	SlackID  string
	TimeZone string // the reader's zone; empty when unknown
	Language string
}

// Organiser is who sends invitations: the secretariat's mailbox.
type Organiser struct {
	Name  string
	Email string
}

// Payload is what an outbox item carries: everything needed to render its
// message when it is sent, so that later changes do not alter what was queued.
type Payload struct {
	Kind      string
	Meeting   model.Meeting
	Invitee   Invitee
	Organiser Organiser
	Text      string `json:",omitempty"` // for notices
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

// Invitation plans the messages of one kind (KindRequest or KindCancel) about
// meeting m for one invitee: an e-mail when they have an address, a Slack
// message when they have a Slack ID and Slack is in use. person is the
// invitee on the roster, nil for a guest.
func (pl Planner) Invitation(kind string, m model.Meeting, inv model.Invitation, person *model.Person) []model.OutboxItem {
	who := Invitee{Name: inv.Name, Email: inv.Email}
	if person != nil {
		who = Invitee{Name: person.Name, Email: person.Email, SlackID: person.SlackID, TimeZone: person.TimeZone, Language: person.Language}
	}
	var items []model.OutboxItem
	for _, ch := range pl.Channels {
		to := who.Email
		if ch == model.ChannelSlack {
			to = who.SlackID
		}
		if to == "" {
			continue
		}
		items = append(items, model.OutboxItem{
			Key:          fmt.Sprintf("meeting:%d/invitation:%d/%s/%s/seq:%d", m.ID, inv.ID, ch, kind, m.Sequence),
			Channel:      ch,
			Kind:         kind,
			MeetingID:    m.ID,
			InvitationID: inv.ID,
			Recipient:    to,
			Payload:      encode(Payload{Kind: kind, Meeting: m, Invitee: who, Organiser: pl.Organiser}),
		})
	}
	return items
}

// Notice plans a plain message to one person, keyed by key so that it is
// sent once however often it is planned: by Slack when they use it and Slack
// is in use, else by e-mail.
func (pl Planner) Notice(key string, to model.Person, text string) []model.OutboxItem {
	who := Invitee{Name: to.Name, Email: to.Email, SlackID: to.SlackID, TimeZone: to.TimeZone, Language: to.Language}
	for _, ch := range []model.Channel{model.ChannelSlack, model.ChannelEmail} {
		addr := who.Email
		if ch == model.ChannelSlack {
			addr = who.SlackID
		}
		if addr == "" || !slices.Contains(pl.Channels, ch) {
			continue
		}
		return []model.OutboxItem{{
			Key: fmt.Sprintf("%s/to:%d/%s", key, to.ID, ch), Channel: ch, Kind: KindNotice, Recipient: addr,
			Payload: encode(Payload{Kind: KindNotice, Invitee: who, Organiser: pl.Organiser, Text: text}),
		}}
	}
	return nil
}

func encode(p Payload) string {
	b, err := json.Marshal(p)
	if err != nil {
		panic("delivery: payload does not marshal: " + err.Error())
	}
	return string(b)
}

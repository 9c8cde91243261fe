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
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"focalbot/calendar"
	"focalbot/i18n"
	"focalbot/model"

	"golang.org/x/text/language"
)

// Invitee is who a message goes to, as known when it was queued.
type Invitee struct {
	PersonID int64 `json:",omitempty"` // 0 for a guest
	Name     string
	Email    string
	SlackID  string
	TimeZone string // the reader's zone; empty when unknown
	Language string
	// Country is the country the invitee answers for (alpha-2), empty for
	// a guest invited without one and in payloads planned before it was
	// kept: what a delegation's sentences say the answer counts for.
	Country string `json:",omitempty"`
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
	Text      string `json:",omitempty"` // for notices
	// Texts is, for a notice by Slack to a person whose profile names no
	// language, its text in each language of i18n.Languages that differs
	// from Text (keyed by the tag, "fr", "zh-Hans"), so that the sender
	// writes it in their Slack locale (TextIn). Text is the network's.
	Texts  map[string]string `json:",omitempty"`
	Offset time.Duration     `json:",omitempty"` // for reminders: how long before the start
	Poll   *model.Poll       `json:",omitempty"` // for poll questions
	// For updates (Planner.Update): the meeting as it was, so that the mail
	// says what changed, and whether the invitee is asked to answer again.
	Previous *model.Meeting `json:",omitempty"`
	AskAgain bool           `json:",omitempty"`
	// Country is, for a nudge to an alternate (Planner.AlternateNudge),
	// the name of their country, which has not answered.
	Country string `json:",omitempty"`

	// snapshot is the meeting as queued (its JSON), when the payload was
	// read by a decoder: payloads with the same snapshot show the same
	// meeting, so what is rendered from it alone can be reused.
	snapshot string
}

// Decode reads an item's payload.
func Decode(it model.OutboxItem) (Payload, error) {
	var p Payload
	if err := json.Unmarshal([]byte(it.Payload), &p); err != nil {
		return Payload{}, fmt.Errorf("decode payload of outbox item %d: %w", it.ID, err)
	}
	return p, nil
}

// wirePayload is Payload as it is read by a decoder: the meeting is kept as
// its JSON, to be decoded once for all the payloads that carry it.
type wirePayload struct {
	Kind      model.OutboxKind
	Meeting   json.RawMessage
	Invitee   Invitee
	Organiser Organiser
	Text      string
	Texts     map[string]string
	Offset    time.Duration
	Poll      *model.Poll
	Previous  *model.Meeting
	AskAgain  bool
	Country   string
}

// decoder reads payloads as Decode does, decoding each meeting snapshot
// once: the items of one change (an invitation to 2,000 people, a day's
// reminders) carry the same meeting, whose decoding was most of the cost of
// reading a payload. The meetings it returns share their slices (Hosts,
// Reminders) with one another: a sender must not change them.
type decoder struct {
	mu       sync.Mutex
	meetings map[string]model.Meeting
	last     string // the snapshot decoded last
}

// maxSnapshots is how many meeting snapshots a decoder keeps; when full it
// starts again.
const maxSnapshots = 256

func (dc *decoder) decode(it model.OutboxItem) (Payload, error) {
	if p, ok := dc.known(it.Payload); ok {
		return p, nil
	}
	if strings.Count(it.Payload, `"Meeting":`) != 1 {
		return Decode(it) // not as encode writes it: no snapshot to share
	}
	var w wirePayload
	if err := json.Unmarshal([]byte(it.Payload), &w); err != nil {
		return Payload{}, fmt.Errorf("decode payload of outbox item %d: %w", it.ID, err)
	}
	p := w.payload()
	if len(w.Meeting) == 0 || string(w.Meeting) == "null" {
		return p, nil
	}
	p.snapshot = string(w.Meeting)
	dc.mu.Lock()
	m, ok := dc.meetings[p.snapshot]
	if ok {
		dc.last = p.snapshot
	}
	dc.mu.Unlock()
	if !ok {
		if err := json.Unmarshal(w.Meeting, &m); err != nil {
			return Payload{}, fmt.Errorf("decode payload of outbox item %d: %w", it.ID, err)
		}
		dc.mu.Lock()
		if dc.meetings == nil || len(dc.meetings) >= maxSnapshots {
			dc.meetings = map[string]model.Meeting{}
		}
		dc.meetings[p.snapshot] = m
		dc.last = p.snapshot
		dc.mu.Unlock()
	}
	p.Meeting = m
	return p, nil
}

// known reads a payload whose meeting is the snapshot the decoder read
// last, without reading the meeting again: encode writes the kind, then
// the meeting, then the rest, and a JSON object ends where it ends, so a
// payload that has the snapshot right after its kind carries that meeting,
// and the rest is read as an object of its own. Anything else is not known.
func (dc *decoder) known(payload string) (Payload, bool) {
	const head, field = `{"Kind":"`, `","Meeting":`
	if !strings.HasPrefix(payload, head) {
		return Payload{}, false
	}
	kind, after, ok := strings.Cut(payload[len(head):], field)
	if !ok || strings.ContainsAny(kind, `"\`) {
		return Payload{}, false
	}
	dc.mu.Lock()
	snapshot := dc.last
	m, ok := dc.meetings[snapshot]
	dc.mu.Unlock()
	if !ok || !strings.HasPrefix(after, snapshot) {
		return Payload{}, false
	}
	rest := after[len(snapshot):]
	if !strings.HasPrefix(rest, ",") {
		return Payload{}, false
	}
	var w wirePayload
	if err := json.Unmarshal([]byte("{"+rest[1:]), &w); err != nil || w.Meeting != nil || w.Kind != "" {
		// Not what encode writes (a second meeting, say): read as Decode
		// reads it.
		p, err := Decode(model.OutboxItem{Payload: payload})
		return p, err == nil
	}
	p := w.payload()
	p.Kind, p.Meeting, p.snapshot = model.OutboxKind(kind), m, snapshot
	return p, true
}

// payload is w as a Payload, without its meeting.
func (w wirePayload) payload() Payload {
	return Payload{Kind: w.Kind, Invitee: w.Invitee, Organiser: w.Organiser, Text: w.Text, Texts: w.Texts, Offset: w.Offset, Poll: w.Poll,
		Previous: w.Previous, AskAgain: w.AskAgain, Country: w.Country}
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
	p.Invitee = Invitee{Name: inv.Name, Email: inv.Email, Language: inv.Language, Country: inv.Country}
	if person != nil {
		p.Invitee = Invitee{PersonID: person.ID, Name: person.Name, Email: person.Email, SlackID: person.SlackID, TimeZone: person.TimeZone,
			Language: person.Language, Country: inv.Country}
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
// is in use, else by e-mail. text is what they read, in whatever language;
// NoticeFor writes it in theirs.
func (pl Planner) Notice(key string, to model.Person, text string) []model.OutboxItem {
	return pl.notice(key, to, text, nil)
}

// NoticeFor plans a plain message to one person as Notice does, written by
// text for them (in the language of reader.Language, which is the
// person's). On Slack a person whose profile names no language reads it in
// their Slack locale, which only the sender knows: text then writes it in
// each of i18n.Languages as well (Payload.Texts), and the sender picks
// (Payload.TextIn).
func (pl Planner) NoticeFor(key string, to model.Person, text func(reader model.Person) string) []model.OutboxItem {
	written := text(to)
	var texts map[string]string
	if ch, _ := pl.noticeChannel(to); ch == model.ChannelSlack && strings.TrimSpace(to.Language) == "" {
		for _, lang := range i18n.Languages {
			reader := to
			reader.Language = lang.String()
			if t := text(reader); t != written {
				if texts == nil {
					texts = map[string]string{}
				}
				texts[lang.String()] = t
			}
		}
	}
	return pl.notice(key, to, written, texts)
}

// noticeChannel is how a notice reaches to, and their address there: Slack
// when they use it and Slack is in use, else e-mail; "" when neither.
func (pl Planner) noticeChannel(to model.Person) (model.Channel, string) {
	for _, ch := range []model.Channel{model.ChannelSlack, model.ChannelEmail} {
		addr := to.Email
		if ch == model.ChannelSlack {
			addr = to.SlackID
		}
		if addr != "" && slices.Contains(pl.Channels, ch) {
			return ch, addr
		}
	}
	return "", ""
}

// notice is the one item of a notice to to: text, and its texts in other
// languages when there are any.
func (pl Planner) notice(key string, to model.Person, text string, texts map[string]string) []model.OutboxItem {
	ch, addr := pl.noticeChannel(to)
	if ch == "" {
		return nil
	}
	who := Invitee{PersonID: to.ID, Name: to.Name, Email: to.Email, SlackID: to.SlackID, TimeZone: to.TimeZone, Language: to.Language}
	return []model.OutboxItem{{
		Key: fmt.Sprintf("%s/to:%d/%s", key, to.ID, ch), Channel: ch, Kind: model.KindNotice, Recipient: addr,
		Payload: encode(Payload{Kind: model.KindNotice, Invitee: who, Organiser: pl.Organiser, Text: text, Texts: texts}),
	}}
}

// TextIn is a notice's text for a reader of lang: the one written for
// that language when it was planned (Texts), else Text, as every notice
// planned before Texts existed has it.
func (p Payload) TextIn(lang language.Tag) string {
	if t, ok := p.Texts[i18n.Match(lang.String()).String()]; ok {
		return t
	}
	return p.Text
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
	meeting, err := snapshots.of(p.Meeting)
	if err != nil {
		panic("delivery: payload does not marshal: " + err.Error())
	}
	kind, err := json.Marshal(p.Kind)
	if err != nil {
		panic("delivery: payload does not marshal: " + err.Error())
	}
	rest, err := json.Marshal(encodedPayload{Kind: p.Kind, Invitee: p.Invitee, Organiser: p.Organiser,
		Text: p.Text, Texts: p.Texts, Offset: p.Offset, Poll: p.Poll, Previous: p.Previous, AskAgain: p.AskAgain, Country: p.Country})
	if err != nil {
		panic("delivery: payload does not marshal: " + err.Error())
	}
	// The meeting goes in after Kind, where Payload's JSON has it, as it
	// was marshalled: not through json.Marshal again, which would check
	// and compact its bytes once for every payload.
	head := `{"Kind":` + string(kind) + `,`
	var b strings.Builder
	b.Grow(len(rest) + len(meeting) + len(`"Meeting":,`))
	b.WriteString(head)
	b.WriteString(`"Meeting":`)
	b.Write(meeting)
	b.WriteString(",")
	b.Write(rest[len(head):]) // Kind is marshalled first, and Invitee always follows
	return b.String()
}

// encodedPayload is Payload as encode writes it but for its meeting,
// marshalled already, which encode writes in after Kind: the same JSON as
// Payload's, field for field.
type encodedPayload struct {
	Kind      model.OutboxKind
	Meeting   json.RawMessage `json:"-"`
	Invitee   Invitee
	Organiser Organiser
	Text      string            `json:",omitempty"`
	Texts     map[string]string `json:",omitempty"`
	Offset    time.Duration     `json:",omitempty"`
	Poll      *model.Poll       `json:",omitempty"`
	Previous  *model.Meeting    `json:",omitempty"`
	AskAgain  bool              `json:",omitempty"`
	Country   string            `json:",omitempty"`
}

// snapshots remembers the meeting marshalled last, for encode: a change
// plans a message for each invitee, 2,000 of them with the same meeting.
var snapshots snapshotMemo

// snapshotMemo is a meeting and its JSON.
type snapshotMemo struct {
	mu      sync.Mutex
	meeting model.Meeting
	json    json.RawMessage
}

// of returns m as JSON, marshalled again only when m is not the meeting
// of the last call.
func (c *snapshotMemo) of(m model.Meeting) (json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.json != nil && sameMeeting(c.meeting, m) {
		return c.json, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	c.meeting, c.json = m, b
	c.meeting.Hosts, c.meeting.Reminders = slices.Clone(m.Hosts), slices.Clone(m.Reminders)
	return b, nil
}

// sameMeeting reports whether a and b marshal alike: every field equal,
// times to the instant and zone offset as JSON writes them.
func sameMeeting(a, b model.Meeting) bool {
	sameTime := func(x, y time.Time) bool {
		_, xo := x.Zone()
		_, yo := y.Zone()
		return x.Equal(y) && xo == yo
	}
	times := [][2]time.Time{{a.Start, b.Start}, {a.End, b.End}, {a.Occurrence, b.Occurrence}, {a.RemindedThrough, b.RemindedThrough},
		{a.CreatedAt, b.CreatedAt}, {a.UpdatedAt, b.UpdatedAt}}
	for _, t := range times {
		if !sameTime(t[0], t[1]) {
			return false
		}
	}
	a.Start, a.End, a.Occurrence, a.RemindedThrough, a.CreatedAt, a.UpdatedAt = b.Start, b.End, b.Occurrence, b.RemindedThrough, b.CreatedAt, b.UpdatedAt
	return reflect.DeepEqual(a, b) // nil and empty slices differ, as in JSON
}

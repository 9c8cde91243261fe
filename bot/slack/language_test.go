package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// TestInvitationInTheReadersLanguage builds an invitation's blocks and a
// reminder's text for a French and an Arabic reader: the meeting's French
// title where given, the hosts by their names in the reader's language, the
// notification's date as CLDR writes it there.
func TestInvitationInTheReadersLanguage(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 4, Title: "Second Meeting", Titles: map[string]string{"fr": "Deuxième réunion"},
		Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"DE", "GH"}, Organiser: "Global Centre"}
	for _, c := range []struct{ lang, fallback, title, hosts string }{
		{"fr", "29 sept. 2012", "Deuxième réunion", "Allemagne, Ghana"},
		{"ar", "29", "Second Meeting", "ألمانيا، غانا"},
		{"", "29 Sep 2012", "Second Meeting", "Germany, Ghana"},
	} {
		p := delivery.Payload{Kind: model.KindRequest, Meeting: m, Invitee: delivery.Invitee{Language: c.lang}}
		text, blocks := invitationBlocks(p)
		b, _ := json.Marshal(blocks)
		if !strings.Contains(text, c.fallback) || !strings.Contains(text, c.title) {
			t.Errorf("%s: notification %q lacks %q or %q", c.lang, text, c.fallback, c.title)
		}
		if !strings.Contains(string(b), c.hosts) || !strings.Contains(string(b), c.title) {
			t.Errorf("%s: blocks lack %q or %q: %s", c.lang, c.hosts, c.title, b)
		}
		p.Kind = model.KindReminder
		if got := outboxText(p); !strings.Contains(got, c.title) || !strings.Contains(got, "mute 4") {
			t.Errorf("%s: reminder %q", c.lang, got)
		}
	}
}

// TestOutboxDMsInTheSlackLocale sends an invitation, a reminder, a
// cancellation and a poll question from the outbox through the fake Slack
// to readers with no language in their profile: each comes out in their
// Slack locale (users.info with include_locale, looked up once and
// cached); a profile's language wins over the locale, and a reader Slack
// cannot tell about gets the network's language.
func TestOutboxDMsInTheSlackLocale(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U7", "marie@diplomatie.gouv.fr", "Marie Dupont", "Europe/Paris")
	fs.setLocale("U7", "fr-FR")
	fs.addUser("U8", "ana@exteriores.gob.es", "Ana García", "Europe/Madrid")
	fs.setLocale("U8", "fr-FR")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 4, UID: "m4@example.org", Title: "Second Meeting", Titles: map[string]string{"fr": "Deuxième réunion", "es": "Segunda reunión"},
		Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Organiser: "Global Centre"}
	poll := model.Poll{ID: 3, Title: "Third Meeting", Deadline: time.Date(2012, 10, 1, 12, 0, 0, 0, time.UTC),
		Slots: []model.Slot{{Start: m.Start, End: m.End, TimeZone: m.TimeZone}}}
	send := func(kind model.OutboxKind, to, lang string) post {
		t.Helper()
		p := delivery.Payload{Kind: kind, Meeting: m, Invitee: delivery.Invitee{SlackID: to, Language: lang}}
		if kind == model.KindPoll {
			p.Poll = &poll
		}
		it := model.OutboxItem{Key: string(kind) + "/" + to, Channel: model.ChannelSlack, Kind: kind, Recipient: to}
		if err := b.tr.Send(ctx, it, p); err != nil {
			t.Fatal(err)
		}
		return next(t, fs.posts, string(kind)+" to "+to)
	}
	for _, c := range []struct {
		kind     model.OutboxKind
		to, lang string
		want     string
		inBlocks string // also in the blocks, when the message has them
	}{
		{model.KindRequest, "U7", "", "Vous êtes invité : Deuxième réunion", "Accepter"},
		{model.KindReminder, "U7", "", "*Rappel :* Deuxième réunion", ""},
		{model.KindCancel, "U7", "", "*Annulée :* Deuxième réunion", ""},
		{model.KindPoll, "U7", "", "Un sondage : quels horaires vous conviennent pour Third Meeting", "Envoyer ma réponse"},
		{model.KindRequest, "U8", "es", "Está invitado: Segunda reunión", ""},
		{model.KindReminder, "U9", "", "*Reminder:* Second Meeting", ""}, // unknown to Slack
	} {
		got := send(c.kind, c.to, c.lang)
		if !strings.Contains(got.Text, c.want) || !strings.Contains(got.Blocks, c.inBlocks) {
			t.Errorf("%s to %s (%q): text %q blocks %s; want %q and %q", c.kind, c.to, c.lang, got.Text, got.Blocks, c.want, c.inBlocks)
		}
	}
	if n := fs.count("users.info"); n != 2 {
		t.Errorf("users.info called %d times; want 2: once for U7 (cached), once for U9, none for a profile's language", n)
	}
}

package slack

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// TestNoticesInTheSlackLocale: the dispatcher gives up on an e-mail and
// tells the secretariat on Slack, through the fake Slack. A member whose
// profile names no language reads the notice in their Slack locale
// (French, Arabic), one whose profile names one reads it in that language
// whatever Slack says, one Slack cannot tell about reads the network's
// language. A notice queued with its text alone, as before notices were
// planned in every language, is sent as it was written, without asking
// Slack who reads it.
func TestNoticesInTheSlackLocale(t *testing.T) {
	fs := newFakeSlack(t)
	for _, u := range []struct{ id, name, locale string }{
		{"U7", "Claire Martin", "fr-FR"}, {"U6", "Layla Haddad", "ar-SA"}, {"U8", "Ana García", "fr-FR"}, {"U5", "Marie Dupont", "fr-FR"},
	} {
		fs.addUser(u.id, strings.ToLower(strings.Fields(u.name)[0])+"@globalcentre.example.org", u.name, "Europe/Paris")
		fs.setLocale(u.id, u.locale)
	}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	ctx := context.Background()
	for _, p := range []model.Person{
		{Name: "Claire Martin", SlackID: "U7"},
		{Name: "Layla Haddad", SlackID: "U6"},
		{Name: "Ana García", SlackID: "U8", Language: "es"},
		{Name: "Ruth Okafor", SlackID: "U9"}, // unknown to Slack
	} {
		p.Role, p.Status = model.RoleSecretariat, model.StatusActive
		b.addPerson(p)
	}
	planner := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "secretariat@globalcentre.example.org"},
		Channels: []model.Channel{model.ChannelEmail, model.ChannelSlack}}
	refuse := delivery.SenderFunc(func(context.Context, model.OutboxItem, delivery.Payload) error {
		return delivery.Permanent(errors.New("550 no such user"))
	})
	d := &delivery.Dispatcher{Store: b.store, Clock: b.clock, Planner: planner, Log: slog.New(slog.DiscardHandler),
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: refuse, model.ChannelSlack: b.tr}}

	m := model.Meeting{ID: 4, Title: "Second Meeting", Start: t0.Add(48 * time.Hour), End: t0.Add(50 * time.Hour), TimeZone: "UTC"}
	inv := model.Invitation{ID: 1, MeetingID: 4, Name: "Kwame Mensah", Email: "kwame@mfa.example.gh"}
	items := planner.Invitation(model.KindRequest, m, inv, nil)
	// A notice as planned before each was written in every language.
	items = append(items, planner.Notice("old", model.Person{ID: 99, Name: "Marie Dupont", SlackID: "U5"}, "Written once, in English.")...)
	if _, err := b.store.Enqueue(ctx, items); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the e-mail is given up on; then the notices go
		if _, err := d.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{
		"DU7": "Messages non remis : 1.",
		"DU6": "الرسائل التي لم تُسلَّم: ", // the count in the digits CLDR gives Arabic
		"DU8": "Mensajes no entregados: 1.",
		"DU9": "Messages not delivered: 1.",
		"DU5": "Written once, in English.",
	}
	// The line of the message not sent: what it was and how it went, in
	// the reader's words too.
	line := map[string]string{
		"DU7": "• invitation pour \"Second Meeting\" à Kwame Mensah (kwame@mfa.example.gh, par courrier électronique)",
		"DU8": "• invitación para \"Second Meeting\" a Kwame Mensah (kwame@mfa.example.gh, por correo electrónico)",
		"DU9": "• the invitation for \"Second Meeting\" to Kwame Mensah (kwame@mfa.example.gh, by e-mail)",
	}
	for range want {
		got := next(t, fs.posts, "a notice of the failure")
		w, ok := want[got.Channel]
		if !ok || !strings.HasPrefix(got.Text, w) {
			t.Errorf("notice to %s: %q; want it to begin %q", got.Channel, got.Text, w)
		}
		if l := line[got.Channel]; !strings.Contains(got.Text, l) {
			t.Errorf("notice to %s: %q; want it to say %q", got.Channel, got.Text, l)
		}
		delete(want, got.Channel)
	}
	if n := fs.count("users.info"); n != 3 {
		t.Errorf("users.info called %d times; want 3: U7, U6 and U9, not U8 whose profile names a language nor U5 whose notice has one text", n)
	}
}

package delivery_test

import (
	"testing"

	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"
)

// TestNoticeForEachLanguage: a notice by Slack to a person whose profile
// names no language is written in each language whose text differs from
// the network's, for the sender to pick by their Slack locale; one by
// e-mail, or to a person whose profile names a language, is written once,
// in theirs.
func TestNoticeForEachLanguage(t *testing.T) {
	const msg = "Messages not delivered: %d.\n" // in the catalog (dispatch.go)
	text := func(reader model.Person) string { return i18n.Printer(i18n.Reader(reader.Language)).Sprintf(msg, 2) }
	both := delivery.Planner{Channels: []model.Channel{model.ChannelEmail, model.ChannelSlack}}
	mailOnly := delivery.Planner{Channels: []model.Channel{model.ChannelEmail}}
	slackUser := model.Person{ID: 1, Name: "Claire", SlackID: "U7", Email: "claire@example.org"}
	spanish := slackUser
	spanish.Language = "es"
	for _, c := range []struct {
		name  string
		pl    delivery.Planner
		to    model.Person
		texts int
		fr    string // the text a French Slack locale reads
	}{
		{"slack, no language", both, slackUser, len(i18n.Languages) - 1, "Messages non remis : 2.\n"},
		{"slack, profile es", both, spanish, 0, "Mensajes no entregados: 2.\n"},
		{"e-mail", mailOnly, slackUser, 0, "Messages not delivered: 2.\n"},
	} {
		items := c.pl.NoticeFor("k", c.to, text)
		if len(items) != 1 {
			t.Fatalf("%s: %d items", c.name, len(items))
		}
		p, err := delivery.Decode(items[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Texts) != c.texts {
			t.Errorf("%s: %d texts %v; want %d", c.name, len(p.Texts), p.Texts, c.texts)
		}
		if _, ok := p.Texts["en"]; ok {
			t.Errorf("%s: the network's text is kept twice", c.name)
		}
		if got := p.TextIn(i18n.French); got != c.fr {
			t.Errorf("%s: French reader gets %q; want %q", c.name, got, c.fr)
		}
		if got := p.TextIn(i18n.English); got != text(c.to) {
			t.Errorf("%s: English reader gets %q; want %q", c.name, got, text(c.to))
		}
	}
}

package slack

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"
)

// TestDateTokenInTheReadersLanguage: a date token's words and its fallback
// are the reader's, as CLDR writes a date and time there; English keeps
// its own.
func TestDateTokenInTheReadersLanguage(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	at := time.Date(2012, 9, 29, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang            string
		token, short    string
		spanEnd         string
		overTwoDaysEnds string
	}{
		{"en", "<!date^1348927200^{date_long_pretty} at {time}|Saturday 29 September 2012, 10:00 EDT (America/New_York)>",
			"<!date^1348927200^{date_short_pretty} {time}|Sat 29 Sep 10:00>", "|17:00 EDT>", "|Sun 30 Sep 2012, 17:00 EDT>"},
		{"fr", "<!date^1348927200^{date_long_pretty} à {time}|samedi 29 septembre 2012, 10:00 EDT (America/New_York)>",
			"<!date^1348927200^{date_short_pretty} {time}|29 sept. 2012, 10:00>", "|17:00 EDT>", "|dimanche 30 septembre 2012, 17:00 EDT>"},
		{"es", "<!date^1348927200^{date_long_pretty}, {time}|sábado, 29 de septiembre de 2012, 10:00 EDT (America/New_York)>",
			"<!date^1348927200^{date_short_pretty} {time}|29 sept. 2012, 10:00>", "|17:00 EDT>", "|domingo, 30 de septiembre de 2012, 17:00 EDT>"},
	} {
		lang := i18n.Match(c.lang)
		if got := DateToken(lang, at, ny); got != c.token {
			t.Errorf("%s: DateToken = %q; want %q", c.lang, got, c.token)
		}
		if got := shortDate(lang, at, ny); got != c.short {
			t.Errorf("%s: shortDate = %q; want %q", c.lang, got, c.short)
		}
		if got := span(lang, at, at.Add(7*time.Hour), ny); !strings.HasPrefix(got, c.token+" – <!date^") || !strings.HasSuffix(got, c.spanEnd) {
			t.Errorf("%s: span = %q", c.lang, got)
		}
		if got := span(lang, at, at.Add(31*time.Hour), ny); !strings.HasSuffix(got, c.overTwoDaysEnds) {
			t.Errorf("%s: span over two days = %q; want it to end %q", c.lang, got, c.overTwoDaysEnds)
		}
	}
	// Every translation of the token's words keeps Slack's two tokens, and
	// nothing Slack's markup would take for its own.
	for _, lang := range i18n.Languages {
		words := i18n.Printer(lang).Sprintf(msgDateAtTime)
		if strings.Count(words, "{date_long_pretty}") != 1 || strings.Count(words, "{time}") != 1 || strings.ContainsAny(words, "<>|^") {
			t.Errorf("%s: the date token's words %q", lang, words)
		}
	}
}

// dateTokenIn is a date token; its format and fallback.
var dateTokenIn = regexp.MustCompile(`<!date\^[0-9]+\^([^|<>]*)\|([^<>]*)>`)

// englishDate is what an English date's fallback holds and no other
// language's does.
var englishDate = regexp.MustCompile(`\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\bat\b`)

// TestSlackDatesInTheReadersLanguage sends an invitation, a poll
// question, a reminder and a cancellation through the fake Slack (which
// checks Block Kit's limits) to a French and an Arabic reader known by
// their Slack locale, and opens the App Home of a French member of the
// secretariat, with its next meeting (as the engine writes it for a Slack
// caller) and its planned meetings: every date token's words and fallback
// are in the reader's language, none in English.
func TestSlackDatesInTheReadersLanguage(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), setup: func(tr *Transport) {
		tr.throttle.wait = func(context.Context, time.Duration) error { return nil } // the clock stands still
	}})
	roster(b)
	fs.setLocale("U2", "fr-FR") // Ruth, of the secretariat
	fs.addUser("U7", "marie@diplomatie.gouv.fr", "Marie Dupont", "Europe/Paris")
	fs.setLocale("U7", "fr-FR")
	fs.addUser("U6", "layla@mofa.gov.eg", "Layla Haddad", "Africa/Cairo")
	fs.setLocale("U6", "ar-EG")
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	start := t0.AddDate(0, 0, 10)
	m := model.Meeting{Title: "Annual Meeting", Start: start, End: start.Add(7 * time.Hour), TimeZone: "America/New_York",
		Venue: "New York", Status: model.MeetingScheduled}
	if err := b.store.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	draft := model.Meeting{Title: "Planned Meeting", Start: start.AddDate(0, 1, 0), End: start.AddDate(0, 1, 0).Add(2 * time.Hour),
		TimeZone: "America/New_York", Venue: "Geneva", Status: model.MeetingDraft}
	if err := b.store.CreateMeeting(ctx, model.System, &draft); err != nil {
		t.Fatal(err)
	}
	var slots []model.Slot
	for i := range 6 {
		at := time.Date(2012, 10, 8+i, 10, 0, 0, 0, ny)
		slots = append(slots, model.Slot{Start: at, End: at.Add(3 * time.Hour), TimeZone: "America/New_York"})
	}
	poll := model.Poll{ID: 3, Title: "Third Meeting", Deadline: time.Date(2012, 10, 1, 12, 0, 0, 0, time.UTC), Slots: slots}

	check := func(what, lang, text string) {
		t.Helper()
		text = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(text) // as JSON writes them
		tokens := dateTokenIn.FindAllStringSubmatch(text, -1)
		if len(tokens) == 0 {
			t.Errorf("%s (%s): no date token in %s", what, lang, text)
		}
		for _, tok := range tokens {
			if bad := englishDate.FindString(tok[1] + " " + tok[2]); bad != "" {
				t.Errorf("%s (%s): date token %q says %q in English", what, lang, tok[0], bad)
			}
		}
	}
	for _, to := range []struct{ id, lang, month string }{{"U7", "fr", "septembre"}, {"U6", "ar", "سبتمبر"}} {
		for _, kind := range []model.OutboxKind{model.KindRequest, model.KindPoll, model.KindReminder, model.KindCancel} {
			p := delivery.Payload{Kind: kind, Meeting: m, Invitee: delivery.Invitee{SlackID: to.id}}
			if kind == model.KindPoll {
				p.Poll = &poll
			}
			it := model.OutboxItem{Key: string(kind) + "/" + to.id, Channel: model.ChannelSlack, Kind: kind, Recipient: to.id}
			if err := b.tr.Send(ctx, it, p); err != nil {
				t.Fatalf("%s to %s: %v", kind, to.id, err)
			}
			got := next(t, fs.posts, string(kind)+" to "+to.id)
			check(string(kind), to.lang, got.Text+got.Blocks)
			if kind == model.KindPoll && !strings.Contains(got.Blocks, "8 "+map[string]string{"fr": "oct.", "ar": "أكتوبر"}[to.lang]) {
				t.Errorf("poll to %s: no slot's option shows its date in the reader's language: %s", to.id, got.Blocks)
			}
		}
	}
	b.event(homeOpened("Ev1", "U2"))
	home := string(next(t, fs.homes, "Ruth's home"))
	check("home", "fr", home)
	for _, want := range []string{"Annual Meeting", "Planned Meeting", "à {time}|"} {
		if !strings.Contains(home, want) {
			t.Errorf("Ruth's home lacks %q:\n%s", want, home)
		}
	}
}

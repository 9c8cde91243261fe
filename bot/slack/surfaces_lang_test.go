package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"

	"golang.org/x/text/language"
)

// TestEverySlackSurfaceInTheReadersLanguage renders, through the fake
// Slack (which checks Block Kit's limits), every surface a person sees for
// a French reader (known by their Slack locale) and an Arabic one (by
// their profile), and as well for a Spanish, a Chinese and a Russian one: the App Home of the
// secretariat (its lists' "and N more" lines too) and of someone not on
// the roster, every modal and the errors of a form, the answers to
// /focal (help, mistakes, coverage), the pointer in a channel's thread to
// an answer sent privately, an invitation and a poll question with their
// buttons. It fails on any sentence or label of the catalog that is left
// in English (untranslated).
func TestEverySlackSurfaceInTheReadersLanguage(t *testing.T) {
	fs := newFakeSlack(t)
	// The test's clock stands still, so that Slack's budgets, once spent,
	// would hold every call longer than the last: no pacing here.
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), setup: func(tr *Transport) {
		tr.throttle.wait = func(context.Context, time.Duration) error { return nil }
	}})
	roster(b) // Ama (U1), Ruth of the secretariat (U2), Mette pending; Lars (U3) not on it
	ctx := context.Background()
	fs.setLocale("U2", "fr-FR")
	fs.setLocale("U3", "fr-FR")
	fs.addUser("U4", "layla@globalr2p.example.org", "Layla Haddad", "Africa/Cairo")
	b.addPerson(model.Person{Name: "Layla Haddad", Email: "layla@globalr2p.example.org", Language: "ar", Role: model.RoleSecretariat, Status: model.StatusActive})
	fs.addUser("U5", "omar@mofa.gov.eg", "Omar Farouk", "Africa/Cairo")
	fs.setLocale("U5", "ar-EG")
	// The other languages, for Slack's limits and the catalog's sentences:
	// Spanish and Chinese by the Slack locale, Russian by the profile.
	for _, u := range []struct{ sec, none, locale, profile string }{
		{"US1", "UN1", "es-419", ""}, {"US2", "UN2", "zh-CN", ""}, {"US3", "UN3", "en-US", "ru"},
	} {
		fs.addUser(u.sec, strings.ToLower(u.sec)+"@globalr2p.example.org", "Member "+u.sec, "Europe/Geneva")
		fs.setLocale(u.sec, u.locale)
		b.addPerson(model.Person{Name: "Member " + u.sec, Email: strings.ToLower(u.sec) + "@globalr2p.example.org", Language: u.profile,
			Role: model.RoleSecretariat, Status: model.StatusActive})
		fs.addUser(u.none, strings.ToLower(u.none)+"@mfa.example.org", "Newcomer "+u.none, "Europe/Geneva")
		fs.setLocale(u.none, map[string]string{"": u.locale, "ru": "ru-RU"}[u.profile])
	}
	for i := range 3 {
		b.addPerson(model.Person{Name: fmt.Sprintf("Pending %d", i), Email: fmt.Sprintf("p%d@mfa.gov.gh", i), Country: "GH",
			Role: model.RoleAlternate, Status: model.StatusPending})
	}
	start := t0.AddDate(0, 0, 10)
	m := model.Meeting{Title: "Annual Meeting", Start: start, End: start.Add(7 * time.Hour), TimeZone: "America/New_York",
		Venue: "New York", Status: model.MeetingScheduled}
	if err := b.store.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	var drafts []model.Meeting
	for i := range 3 {
		d := model.Meeting{Title: fmt.Sprintf("Planned Meeting %d", i), Start: start.AddDate(0, 1, i), End: start.AddDate(0, 1, i).Add(2 * time.Hour),
			TimeZone: "America/New_York", Venue: "Geneva", Status: model.MeetingDraft}
		if err := b.store.CreateMeeting(ctx, model.System, &d); err != nil {
			t.Fatal(err)
		}
		drafts = append(drafts, d)
	}
	pending, err := b.store.People(ctx, model.PeopleFilter{Statuses: []model.Status{model.StatusPending}})
	if err != nil {
		t.Fatal(err)
	}
	poll := model.Poll{ID: 3, Title: "Third Meeting", Deadline: t0.AddDate(0, 0, 3),
		Slots: []model.Slot{{Start: m.Start, End: m.End, TimeZone: m.TimeZone}}}

	for _, r := range []struct {
		lang              language.Tag
		secretariat, none string // a member of the secretariat, and someone not on the roster
	}{{i18n.French, "U2", "U3"}, {i18n.Arabic, "U4", "U5"}, {i18n.Spanish, "US1", "UN1"}, {i18n.SimplifiedChinese, "US2", "UN2"}, {i18n.Russian, "US3", "UN3"}} {
		var seen []shown
		saw := func(what, raw string) { seen = append(seen, shown{what, raw}) }

		b.event(homeOpened("Ev-"+r.secretariat, r.secretariat))
		saw("the secretariat's home", string(next(t, fs.homes, "the secretariat's home")))
		b.event(homeOpened("Ev-"+r.none, r.none))
		saw("the home of someone not on the roster", string(next(t, fs.homes, "a newcomer's home")))
		pr := i18n.Printer(r.lang)
		for _, blocks := range [][]any{{pendingBlocks(pr, r.lang, pending, 1)}, {draftBlocks(pr, r.lang, drafts, 1)}} {
			raw, _ := json.Marshal(blocks)
			saw("a home list and its \"and N more\"", string(raw))
		}

		for _, c := range []struct{ user, action, value string }{
			{r.none, actionRegister, ""}, {r.secretariat, actionProfile, ""}, {r.secretariat, actionAdd, ""},
			{r.secretariat, actionNewMeeting, ""}, {r.secretariat, actionDelegate, fmt.Sprint(m.ID)},
		} {
			b.interaction(click(c.user, c.action, c.value))
			saw("the modal of "+c.action, string(next(t, fs.modals, "the modal of "+c.action)))
		}
		saw("the errors of an empty form", b.interaction(submission(r.secretariat, modalAdd, nil, nil)))
		saw("the errors of a bad form", b.interaction(submission(r.secretariat, modalAdd,
			map[string]string{fieldEmail: "not an address", fieldName: "Kofi"}, map[string]string{fieldCountry: "GH"})))
		saw("the errors of a bad meeting", b.interaction(submission(r.secretariat, modalMeeting,
			map[string]string{fieldMeetingTitle: "Retreat", fieldDate: "2012-10-20", fieldStart: "10:00", fieldZone: "Mars/Olympus", fieldVenue: "Accra"}, nil)))

		// The answers to /focal, then a mention whose answer is private:
		// the transport's one worker answers them in that order, so that
		// when the mention's answer comes, every part of the others' has.
		commands := map[string]string{}
		for _, line := range []string{"help", "rsvp maybe 999", "coverage"} {
			name := r.secretariat + "-" + strings.ReplaceAll(line, " ", "-")
			commands[name] = "/focal " + line
			b.request(PathCommands, "application/x-www-form-urlencoded", slashCommand(fs, r.secretariat, line, name), nil)
		}
		b.event(mention("Ev-me-"+r.secretariat, r.secretariat, "C1", "1348927200.000300", "<@UBOT> me"))
		if private := next(t, fs.posts, "the private answer"); private.Channel != "D"+r.secretariat {
			t.Errorf("the private answer went to %s", private.Channel)
		}
		saw("the pointer in a thread to a private answer", next(t, fs.posts, "the pointer").Text)
		answered := map[string]bool{}
		for len(fs.responses) > 0 {
			got := <-fs.responses
			answered[got.Channel] = true
			saw(commands[got.Channel], got.Text)
		}
		if len(answered) != len(commands) {
			t.Errorf("answers to %v; want each of %v", answered, commands)
		}

		for _, kind := range []model.OutboxKind{model.KindRequest, model.KindPoll} {
			p := delivery.Payload{Kind: kind, Meeting: m, Invitee: delivery.Invitee{SlackID: r.none}}
			if kind == model.KindPoll {
				p.Poll = &poll
			}
			it := model.OutboxItem{Key: fmt.Sprint(kind, "/", r.none), Channel: model.ChannelSlack, Kind: kind, Recipient: r.none}
			if err := b.tr.Send(ctx, it, p); err != nil {
				t.Fatal(err)
			}
			got := next(t, fs.posts, string(kind))
			saw("the "+string(kind)+" DM", got.Text)
			saw("the "+string(kind)+" DM", got.Blocks)
		}
		for len(fs.files) > 0 {
			<-fs.files
		}
		// What the catalog's test cannot see: the words of a list, with
		// the reader's list separator (Arabic "، ").
		for what, want := range map[string]map[language.Tag]string{
			"a pending registration's country and role":    {i18n.French: "*Mette Holm* — Danemark, point focal", i18n.Arabic: "*Mette Holm* — الدانمرك، منسق"},
			"two more planned meetings (Arabic: its dual)": {i18n.French: "…et 2 autres réunions planifiées", i18n.Arabic: "…واجتماعان مُخطَّطان آخران (٢)"},
			"the regional groups of the country list": {i18n.French: `"label":{"type":"plain_text","text":"Groupe des États d'Afrique"`,
				i18n.Arabic: `"label":{"type":"plain_text","text":"الدول الأفريقية"`},
		} {
			found := want[r.lang] == ""
			for _, s := range seen {
				found = found || strings.Contains(s.raw, want[r.lang])
			}
			if !found {
				t.Errorf("%s: nothing shows %s as %q", r.lang, what, want[r.lang])
			}
		}
		for _, s := range seen {
			if testing.Verbose() {
				t.Logf("%s: %s", s.what, s.raw)
			}
			for _, e := range untranslated(t, r.lang, s.raw) {
				t.Errorf("%s: %s says %s", r.lang, s.what, e)
			}
		}
	}
}

// shown is what Slack was given to show: a message, a view, an answer.
type shown struct{ what, raw string }

// placeholder is a verb of a format string, where a sentence of the
// catalog has its arguments.
var placeholder = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// englishWord is a word of at least two Latin letters.
var englishWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// untranslated lists the catalog's English sentences and labels that text
// (a Slack message or view, as JSON or text) shows a reader of lang: a
// label (a message of one word, "Approve") shown as a whole, or a piece of
// a sentence of two words or more between its placeholders ("more
// registrations: type") found anywhere. What the translation itself keeps
// in English (command words, names) does not count.
func untranslated(t *testing.T, lang language.Tag, raw string) []string {
	t.Helper()
	texts := shownTexts(raw)
	files, err := i18n.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if i18n.Match(f.Language) != lang {
			continue
		}
		// What any translation keeps in English: command words ("follow
		// up", "outbox retry"), names.
		var all []string
		for _, v := range f.Messages {
			all = append(all, v.Text)
			for _, form := range v.Forms {
				all = append(all, form)
			}
		}
		keptAnywhere := strings.Join(all, "\n")
		for key, v := range f.Messages {
			translations := []string{v.Text}
			for _, form := range v.Forms {
				translations = append(translations, form)
			}
			if kept := strings.Join(translations, "\n"); strings.TrimSpace(kept) == strings.TrimSpace(key) {
				continue // the same in both languages
			}
			for _, piece := range placeholder.Split(key, -1) {
				for _, part := range strings.Split(piece, "\n") {
					part = strings.Trim(part, " .,:;!?…*_()\"'`—–-")
					words := englishWord.FindAllString(part, -1)
					if len(words) == 0 || strings.Contains(keptAnywhere, part) {
						continue
					}
					whole := len(words) == 1 && part == strings.TrimSpace(key)
					for _, s := range texts {
						if whole && strings.TrimSpace(s) == part || len(words) >= 2 && strings.Contains(s, part) {
							out = append(out, fmt.Sprintf("%q (of %q) in %.200q", part, key, s))
							break
						}
					}
				}
			}
		}
	}
	// A country shown by its English name where the reader's language
	// has another.
	for _, c := range model.Countries() {
		if strings.Contains(i18n.CountryName(lang, c.Alpha2), c.Name) {
			continue // "Congo-Brazzaville", "Myanmar (Birmanie)"
		}
		name := regexp.MustCompile(`\b` + regexp.QuoteMeta(c.Name) + `\b`)
		for _, s := range texts {
			if name.MatchString(s) {
				out = append(out, fmt.Sprintf("the country %q in English in %.200q", c.Name, s))
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// shownTexts are the texts of raw that Slack shows: every "text" of a
// message's blocks or a view, each error of a form, or raw itself when it
// is not JSON (a message's text).
func shownTexts(raw string) []string {
	var out []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			if key == "text" || key == "errors" {
				out = append(out, v)
			}
		}
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return []string{raw}
	}
	walk("", v)
	if m, ok := v.(map[string]any); ok {
		if errs, ok := m["errors"].(map[string]any); ok {
			for _, e := range errs {
				walk("errors", e)
			}
		}
	}
	return out
}

// TestCountryListInTheReadersOrder: a form's countries are listed, group
// by group, in the order of their names in the reader's language, so that
// a French reader finds Germany ("Allemagne") among the A.
func TestCountryListInTheReadersOrder(t *testing.T) {
	for _, c := range []struct {
		lang          language.Tag
		first, before string // the first of the Western group, and a name before it there
	}{{i18n.French, "Allemagne", "Andorre"}, {i18n.English, "Andorra", "Australia"}, {i18n.Spanish, "Alemania", "Andorra"}} {
		raw, _ := json.Marshal(countryInput(i18n.Printer(c.lang), c.lang, ""))
		var in struct {
			Element struct {
				OptionGroups []struct {
					Options []struct {
						Text struct{ Text string } `json:"text"`
					} `json:"options"`
				} `json:"option_groups"`
			} `json:"element"`
		}
		if err := json.Unmarshal(raw, &in); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, g := range in.Element.OptionGroups {
			var names []string
			for _, o := range g.Options {
				names = append(names, o.Text.Text)
			}
			if len(names) > 1 && names[0] == c.first && names[1] == c.before {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no group begins %q, %q: %s", c.lang, c.first, c.before, raw)
		}
	}
}

package bot_test

import (
	"context"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// TestReaderLanguage shows one meeting to readers of several languages:
// each gets the meeting's title and agenda in theirs where the secretariat
// gave them (title.fr=…), its dates as CLDR writes them there, and the
// hosts' names and the zone's city in it. A profile's language wins over a
// Slack locale, which wins over the network's; a guest invited with
// language=fr gets French mail; a language focalbot does not write is
// refused and changes nothing.
func TestReaderLanguage(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		w.as("sec@example.org", "me set tz America/New_York")
		for _, st := range []struct{ as, line, want string }{
			{"fp", "me set language fr", ""},
			{"alt", "me set language ar", ""},
			{"sec", `meeting create title="Second Meeting" title.fr="Deuxième réunion" agenda="Opening" agenda.fr="Ouverture" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York" hosts="Germany, Ghana"`, "Meeting 1 created"},
			{"sec", "invite 1 all", "2 newly invited"},
			{"sec", "meetings", "Second Meeting"},
			{"sec", "meetings", "Sat 29 Sep 2012, 10:00–17:00 EDT"},
			{"fp", "next", "Deuxième réunion"},
			{"fp", "next", "samedi 29 septembre 2012, 10:00–17:00 EDT"},
			{"fp", "next", "Allemagne, Ghana"},
			{"fp", "next", "Ouverture"},
			{"alt", "next", "Second Meeting"}, // no Arabic title: the meeting's own
			{"alt", "next", "السبت، 29 سبتمبر 2012"},
			{"alt", "next", "ألمانيا، غانا"},
			{"alt", "next", "(بتوقيت نيويورك)"}, // the zone's city, CLDR's
			{"fp", "next", "(heure de New York)"},
			{"sec", `invite 1 guest amb@fr.example.org name="Amb. Claire Martin" language=fr-FR`, "1 newly invited"},
		} {
			r := w.as(st.as+"@example.org", st.line)
			if r.Code != "" || !strings.Contains(r.Text(), st.want) {
				t.Fatalf("%s: %q answered (%s):\n%s\nwant it to contain %q", st.as, st.line, r.Code, r.Text(), st.want)
			}
		}
		before := w.snapshot()
		for _, line := range []string{
			`meeting change 1 title.pt="Segunda reunião"`,
			`meeting change 1 title.en="Second"`,
			`invite 1 guest x@example.org name=X language=pt`,
		} {
			if r := w.as("sec@example.org", line); r.Code != model.EINVALID || !strings.Contains(r.Text(), "zh-Hans") {
				t.Errorf("%q answered (%s) %s", line, r.Code, r.Text())
			}
		}
		if after := w.snapshot(); after != before {
			t.Error("a refused language changed something")
		}
		// A guest's language by its name, as a profile's.
		w.as("sec@example.org", `invite 1 guest es@example.org name="Ana" language=español`)
		if inv, err := s.InvitationByEmail(ctx, 1, "es@example.org"); err != nil || inv.Language != "es" {
			t.Errorf("a guest invited with language=español: %q, %v", inv.Language, err)
		}

		// The guest's invitation goes out in French.
		items, err := s.Outbox(ctx, model.OutboxFilter{MeetingID: 1})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			if it.Recipient != "amb@fr.example.org" {
				continue
			}
			p, err := delivery.Decode(it)
			if err != nil {
				t.Fatal(err)
			}
			found = p.Invitee.Language == "fr" && p.Meeting.TitleIn(p.Invitee.Language) == "Deuxième réunion"
		}
		if !found {
			t.Error("the guest's invitation does not carry language fr")
		}
		// Both are stored: the meeting's texts and the guest's language.
		invs, err := s.Invitations(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		stored := false
		for _, inv := range invs {
			stored = stored || inv.Email == "amb@fr.example.org" && inv.Language == "fr"
		}
		m, err := s.Meeting(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !stored || m.Titles["fr"] != "Deuxième réunion" || m.Agendas["fr"] != "Ouverture" || len(m.Titles) != 1 {
			t.Errorf("stored: guest language %v, titles %v, agendas %v", stored, m.Titles, m.Agendas)
		}
		if r := w.as("sec@example.org", `meeting change 1 title.fr=""`); r.Code != "" {
			t.Fatalf("removing the French title: %s", r.Text())
		}
		if r := w.as("fp@example.org", "next"); strings.Contains(r.Text(), "Deuxième réunion") || !strings.Contains(r.Text(), "Ouverture") {
			t.Errorf("after removing the French title, a French reader sees:\n%s", r.Text())
		}

		// Whose language: profile, else the Slack locale, else the network's.
		e := w.engine
		cases := []struct {
			caller bot.Caller
			want   string
		}{
			{bot.Caller{Email: "fp@example.org", Locale: "es-ES"}, "samedi 29 septembre"}, // profile fr wins
			{bot.Caller{Email: "sec@example.org", Locale: "es-419"}, "sábado, 29 de septiembre de 2012"},
			{bot.Caller{Email: "sec@example.org", Locale: "ru-RU"}, "суббота, 29 сентября 2012 г."},
			{bot.Caller{Email: "sec@example.org", Locale: "zh-CN"}, "2012年9月29日星期六"},
			{bot.Caller{Email: "sec@example.org", Locale: "pt-BR"}, "Sat 29 Sep 2012"},
			{bot.Caller{Email: "sec@example.org"}, "Sat 29 Sep 2012"},
		}
		for _, c := range cases {
			if r := e.Handle(ctx, c.caller, "meetings"); !strings.Contains(r.Text(), c.want) {
				t.Errorf("%+v: %s\nwant %q", c.caller, r.Text(), c.want)
			}
		}
	})
}

// TestRefusalDatesInReaderLanguage: a refusal that names a moment (a
// meeting that would have ended in the past, one that has ended) writes it
// as the reader's language does; an English reader's answer is unchanged.
func TestRefusalDatesInReaderLanguage(t *testing.T) {
	later := time.Date(2012, 10, 1, 13, 0, 0, 0, time.UTC)
	storetest.ForEachBackend(t, clock.Fixed(later), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		w.engine = bot.New(s, clock.Fixed(later), slog.New(slog.NewTextHandler(w.logs, nil)), time.UTC)
		ny, _ := time.LoadLocation("America/New_York")
		past := `meeting create title="Second Meeting" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"`
		w.refuses(t, "sec", past, model.EINVALID, "That meeting would have ended on Sat 29 Sep 2012 17:00 EDT, which has passed")
		m := model.Meeting{Title: "Past", Start: time.Date(2012, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 28, 17, 0, 0, 0, ny),
			TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
		if err := s.CreateMeeting(context.Background(), model.System, &m); err != nil {
			t.Fatal(err)
		}
		invite := "invite " + strconv.FormatInt(m.ID, 10) + " all"
		w.refuses(t, "sec", invite, model.ECONFLICT, "ended on Fri 28 Sep 2012 17:00 EDT: nobody can be invited to it any more")
		for _, c := range []struct{ lang, past, ended string }{
			{"fr", "Cette réunion se serait terminée le samedi 29 septembre 2012, 17:00 EDT, date déjà passée",
				"s'est terminée le vendredi 28 septembre 2012, 17:00 EDT : personne ne peut plus y être invité"},
			{"es", "sábado, 29 de septiembre de 2012, 17:00 EDT", "viernes, 28 de septiembre de 2012, 17:00 EDT"},
			{"ru", "суббота, 29 сентября 2012 г., 17:00 EDT", "пятница, 28 сентября 2012 г., 17:00 EDT"},
		} {
			if r := w.as("sec@example.org", "me set language "+c.lang); r.Code != "" {
				t.Fatalf("me set language %s: %s", c.lang, r.Text())
			}
			w.refuses(t, "sec", past, model.EINVALID, c.past)
			w.refuses(t, "sec", invite, model.ECONFLICT, c.ended)
		}
		// A day a reply names is the reader's too: the profile's appointment.
		if r := w.as("sec@example.org", "update fp@example.org appointed=2012-09-29"); r.Code != "" {
			t.Fatalf("appointed: %s", r.Text())
		}
		for _, c := range []struct{ lang, want string }{{"en", "Appointed: 2012-09-29"}, {"fr", "29 septembre 2012"}, {"ru", "29 сентября 2012 г."}} {
			w.as("fp@example.org", "me set language "+c.lang)
			if r := w.as("fp@example.org", "me"); !strings.Contains(r.Text(), c.want) {
				t.Errorf("%s: me answered %s\nwant it to contain %q", c.lang, r.Text(), c.want)
			}
		}
	})
}

// TestAuditInReaderLanguage: the audit log reads in the reader's language:
// its actions as phrases, its subjects as words (a person by name), the
// labels focalbot writes for itself, countries by their names there, dates
// as CLDR writes them, in the reader's own zone (the engine's is UTC here;
// the reader's America/New_York), and durations in words; what people
// wrote (names, titles) stays as written.
func TestAuditInReaderLanguage(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	ctx := context.Background()
	imported := model.Person{Name: "Amira Haddad", Email: "dz@example.org", Country: "DZ", Role: model.RoleFocalPoint, Status: model.StatusActive}
	if err := s.CreatePerson(ctx, model.Actor{Label: "import of roster.csv"}, &imported); err != nil {
		t.Fatal(err)
	}
	byMail := network.Caller{Label: "fp@example.org", Email: "fp@example.org", Via: network.ViaEmail}.Actor()
	guest := model.Person{Name: "Jo Guest", Email: "jo@example.org", Role: model.RoleObserver, Status: model.StatusActive}
	if err := s.CreatePerson(ctx, byMail, &guest); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		`update alt@example.org country=Ghana appointed=2010-05-12 title="Special Adviser"`,
		`series create name="Annual meeting" rule="FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA" start="2013-09-28 10:00" duration=7h tz=America/New_York venue="New York" hosts="Germany, Ghana"`,
		"outreach stage Kenya contacted",
		`meeting create title="Second Meeting" title.fr="Deuxième réunion" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"`,
		"invite 1 all",
		"me set language fr",
	} {
		if r := w.as("sec@example.org", line); r.Code != "" {
			t.Fatalf("%q: %s", line, r.Text())
		}
	}
	audit := w.as("sec@example.org", "audit").Text()
	for _, want := range []string{
		"personne mise à jour Anders Holm (#3)", `fonction : "" → "Special Adviser" ; nommé : "" → "12 mai 2010" ; pays : "Danemark" → "Ghana"`,
		"série créée série 1", "7 heures", "120 jours", "Allemagne, Ghana", "samedi 28 septembre 2013, 10:00 EDT", "invités",
		"réunion créée réunion 1", "fr : Deuxième réunion", "programmée",
		"démarches engagées Kenya", "contacté",
		"système  personne ajoutée Ruth Adler (#1)", "importation de roster.csv  personne ajoutée Amira Haddad (#8)",
		"fp@example.org (par courrier électronique)  personne ajoutée Jo Guest (#9)", "Algérie",
		"mercredi 1 août 2012, 09:00 EDT", "Annual meeting", `langue : "" → "français"`,
	} {
		if !strings.Contains(audit, want) {
			t.Errorf("the French audit log does not say %q:\n%s", want, audit)
		}
	}
	// The outbox's and the clock's times are in the reader's zone too.
	for _, line := range []string{"outbox 1", "clock"} {
		if got := w.as("sec@example.org", line).Text(); !strings.Contains(got, "mercredi 1 août 2012, 09:00 EDT") {
			t.Errorf("%s does not give the reader's time:\n%s", line, got)
		}
	}
	if raw := regexp.MustCompile(`person\.|series\.|outreach\.|person:|series:|outreach:|\bsystem\b|import of|by e-mail|Denmark|Germany|\d+[dhm]\b|\d{4}-\d\d-\d\d|map\[|titles`).FindString(audit); raw != "" {
		t.Errorf("the French audit log shows %q:\n%s", raw, audit)
	}
	// A subject or action the log does not know is shown as stored.
	w.as("sec@example.org", "me set language en")
	if got := w.as("sec@example.org", "audit").Text(); !strings.Contains(got, "person updated Anders Holm (#3)") || !strings.Contains(got, "import of roster.csv") {
		t.Errorf("the English audit log:\n%s", got)
	}
}

// TestOutreachAndOutboxDatesInReaderLanguage: the follow-up days, the log's
// times and the outbox's times of a French reader are written as French
// writes them; English keeps the forms a follow-up is typed in.
func TestOutreachAndOutboxDatesInReaderLanguage(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	for _, line := range []string{
		"outreach log Kenya Met the deputy permanent representative follow up 2012-08-15",
		`meeting create title="Second Meeting" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"`,
		"invite 1 Ghana",
		"me set language fr",
	} {
		if r := w.as("sec@example.org", line); r.Code != "" {
			t.Fatalf("%q: %s", line, r.Text())
		}
	}
	for line, want := range map[string][]string{
		"outreach Kenya": {"suivi le 15 août 2012", "mercredi 1 août 2012"},
		"outreach due":   {"1 août 2012"},
		"outbox":         {"mercredi 1 août 2012"},
	} {
		got := w.as("sec@example.org", line).Text()
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("%s in French does not say %q:\n%s", line, s, got)
			}
		}
		if iso := regexp.MustCompile(`\d{4}-\d\d-\d\d`).FindString(got); iso != "" {
			t.Errorf("%s in French shows %q:\n%s", line, iso, got)
		}
	}
	w.as("sec@example.org", "me set language en")
	if got := w.as("sec@example.org", "outreach Kenya").Text(); !strings.Contains(got, "follow up 2012-08-15") || !strings.Contains(got, "2012-08-01 09:00") {
		t.Errorf("outreach in English:\n%s", got)
	}
}

// TestLanguageChangeAnswersInTheNewLanguage: the answer to me set language
// is in the language just chosen, and clearing it goes back to the network's.
func TestLanguageChangeAnswersInTheNewLanguage(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	steps := []struct{ line, want string }{
		{"me set language fr", "Votre profil a été mis à jour."},
		{"me set language es", "Se ha actualizado su perfil."},
		{"me set language none", "Your profile is updated."},
	}
	for _, st := range steps {
		if got := w.as("sec@example.org", st.line).Text(); !strings.HasPrefix(got, st.want) {
			t.Errorf("%s answers:\n%s\nwant it to begin %q", st.line, got, st.want)
		}
	}
}

// TestProfileNamesItsLanguage: the profile names its language in the
// reader's, with the code in the standard's case ("zh-Hans", not the
// "zh-hans" stored), and setting a language focalbot does not write says
// that the answers stay English; setting one it writes says nothing of it.
func TestProfileNamesItsLanguage(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	const unserved = "does not write"
	for _, st := range []struct {
		line, want string
		unserved   bool
	}{
		{"me set language fr", "Langue : français (fr)", false},
		{"me set language zh-Hans", "语言：简体中文（zh-Hans）", false},
		{"me set language pt-br", "Language: Brazilian Portuguese (pt-BR)", true},
		{"me set title Director", "Language: Brazilian Portuguese (pt-BR)", false}, // said once, when set
		{"me set language es", "Idioma: español (es)", false},
		{"me set language French", "Langue : français (fr)", false}, // a name, in any of the six
		{"me set language русский", "Язык: русский (ru)", false},
		{`me set language "chinois"`, "语言：简体中文（zh-Hans）", false},
	} {
		got := w.as("sec@example.org", st.line).Text()
		if !strings.Contains(got, st.want) || strings.Contains(got, unserved) != st.unserved {
			t.Errorf("%s answers:\n%s\nwant it to contain %q, and a note that focalbot does not write it: %v", st.line, got, st.want, st.unserved)
		}
	}
	if got := w.as("sec@example.org", "me set language de").Text(); !strings.Contains(got, "focalbot does not write German yet: it answers you in English.") {
		t.Errorf("me set language de answers:\n%s", got)
	}
	w.refuses(t, "sec", "me set language Klingon", model.EINVALID, "or the name of one of the six languages focalbot writes, such as French")
}

// TestCountriesInTheReaderOrder: lists of countries, the roster's and
// status's people come in the order of the countries' names in the
// reader's language, each country named in it: Alemania before Dinamarca
// in Spanish, where English has Denmark before Germany. A refusal names
// its countries in the reader's language as well.
func TestCountriesInTheReaderOrder(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	for _, line := range []string{
		"add hans@example.org name=\"Hans Weber\" country=Germany",
		"add ole@example.org name=\"Ole Dam\" country=Denmark",
		"me set language es",
		`meeting create title="Second Meeting" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"`,
		"invite 1 all",
	} {
		if r := w.as("sec@example.org", line); r.Code != "" {
			t.Fatalf("%s: %s", line, r.Text())
		}
	}
	for _, c := range []struct{ line, first, then string }{
		{"coverage", "Alemania, Dinamarca", ""},
		{"roster", "Alemania (", "Dinamarca ("},
		{"status 1", "Hans Weber (Alemania)", "Anders Holm (Dinamarca)"},
		{"status 1", "Grupo de los Estados de Europa Occidental y otros Estados: 2 de 29 — Alemania, Dinamarca", "Hans Weber (Alemania)"},
		{"outreach WEOG", "Noruega", "Países Bajos"}, // Norway after the Netherlands in English
		{"network", "Australia, Costa Rica, Dinamarca, Ghana", ""},
		// Countries named in a refusal are in the reader's language too.
		{"country Korea", "¿Quiso decir Corea del Norte o Corea del Sur?", ""},
		{"invite 1 Alemanai", "Alemania", ""},
		{"outreach log Alemania", "Alemania", ""},
	} {
		got := w.as("sec@example.org", c.line).Text()
		i, j := strings.Index(got, c.first), strings.Index(got, c.then)
		if i < 0 || j < 0 || c.then != "" && j < i {
			t.Errorf("%s: want %q, then %q:\n%s", c.line, c.first, c.then, got)
		}
	}
}

// TestChineseParentheses: a reader in Chinese sees parentheses as Chinese
// writes them, full-width, in the lines that are only placeholders and
// parentheses: a meeting's title and state, an invitee and their country,
// a named subject of the audit log.
func TestChineseParentheses(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	for _, line := range []string{
		"me set language zh-Hans",
		`meeting create title="Second Meeting" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"`,
		"invite 1 all",
		"update alt@example.org title=Ambassador",
	} {
		if r := w.as("sec@example.org", line); r.Code != "" {
			t.Fatalf("%s: %s", line, r.Text())
		}
	}
	for _, c := range []struct{ line, want string }{
		{"meetings", "EDT（纽约时间）（已安排）"},
		{"status 1", "1. Second Meeting（已安排）"},
		{"status 1", "Kwame Boateng（加纳）"},
		{"audit", "Anders Holm（#3）"},
	} {
		if got := w.as("sec@example.org", c.line).Text(); !strings.Contains(got, c.want) {
			t.Errorf("%s: want %q:\n%s", c.line, c.want, got)
		}
	}
}

// TestDigitsOfAnyScript: a number, a date, a time or a duration may be
// typed with the digits the reader's keyboard gives, Arabic-Indic or
// full-width, and is read as if typed in ASCII; the refusal of a bad one
// quotes it as typed. A list of names in Arabic is separated as Arabic
// separates one.
func TestDigitsOfAnyScript(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	w.expect(t, "sec", "me set language ar", "", "")
	w.expect(t, "sec", `meeting create title="Second Meeting" start="٢٠١٢-٠٩-٢٩ ١٠:٠٠" duration=٧h tz=America/New_York venue="New York"`,
		"29 سبتمبر 2012، 10:00 ص–5:00 م EDT", "")
	w.expect(t, "sec", "invite ١ all", "", "")
	w.expect(t, "fp", "rsvp yes ١", "", "")
	w.expect(t, "sec", "status ١", "Kwame Boateng (غانا)", "")
	w.expect(t, "sec", "status ١ page ١", "لم يرد بعد: Anders Holm (الدانمرك)", "")
	w.expect(t, "sec", "roster page ١", "Kwame Boateng", "")
	w.expect(t, "sec", "meeting change ١ duration=٣h", "10:00 ص–1:00 م", "")
	w.expect(t, "sec", "outreach follow-up Chile ٢٠١٢-٠٨-٢٠", "", "")
	w.expect(t, "sec", "status ١x", `"١x"`, "")
	w.expect(t, "sec", "me set language zh-Hans", "", "")
	w.expect(t, "sec", "status １", "Kwame Boateng（加纳）", "")

	w.expect(t, "sec", "me set language ar", "", "")
	w.expect(t, "alt", "rsvp no 1", "", "")
	w.expect(t, "sec", "invite 1 guest amb@br.example.org name=\"Maria Silva\" country=Brazil", "", "")
	w.expect(t, "sec", "status 1", "لم يرد بعد: Maria Silva (البرازيل)، Kwame Boateng (غانا)", "), ")
}

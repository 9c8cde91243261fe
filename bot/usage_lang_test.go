package bot_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/i18n"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/roster"
	"focalbot/storage"
)

// grammarWords are the words a usage may hold outside its prose and its
// key=value pairs: the words the commands' parsers read as typed.
var grammarWords = append([]string{
	"all", "guest", "page", "for", "yes", "no", "maybe", "none", "delegated", "due",
	"reset", "follow", "up", "YYYY-MM-DD", "HH",
	"not-contacted", "contacted", "interested", "appointed", "declined",
}, roster.SelfFields...)

// TestEveryUsageProseIsTranslated reads every command's usage: what is not
// a declared prose part (bot/usage.go) nor a key=value pair must be a word
// the parser reads, and every prose part has its translation in every
// language. A new command whose usage names a new thing to type fails here
// until the thing is declared and translated.
func TestEveryUsageProseIsTranslated(t *testing.T) {
	files, err := i18n.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(i18n.Languages)-1 {
		t.Fatalf("%d translation files, want one for each of %v but English", len(files), i18n.Languages)
	}
	for _, key := range bot.UsageProse {
		for _, f := range files {
			if v, ok := f.Messages[key]; !ok || strings.TrimSpace(v.Text) == "" {
				t.Errorf("usage prose %q has no translation in %s", key, f.Language)
			}
		}
	}
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	pair := regexp.MustCompile(`[\w-]+=("[^"]*"|[^\s\]]*)`)
	word := regexp.MustCompile(`[\p{L}][\p{L}\d-]*`)
	used := map[string]bool{}
	for _, c := range w.engine.Commands() {
		prose, grammar := bot.UsageGrammar(c.Usage)
		for _, p := range prose {
			used[p] = true
		}
		for _, wd := range word.FindAllString(pair.ReplaceAllString(grammar, ""), -1) {
			if !slices.Contains(grammarWords, wd) {
				t.Errorf("%s: usage %q: %q is neither a word the parser reads nor a prose part declared in bot/usage.go", c.Name, c.Usage, wd)
			}
		}
	}
	for _, key := range bot.UsageProse {
		if !used[key] {
			t.Errorf("usage prose %q is declared but no usage holds it", key)
		}
	}
}

// TestUsageInReaderLanguage: help, help <command> and the answer to
// arguments that do not fit show a command's usage with its prose in the
// reader's language and its grammar as typed; English is unchanged.
func TestUsageInReaderLanguage(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, c := range []struct{ lang, line, want string }{
			{"fr", "help update", "update <personne> field=value … (champs : name, email, country, role, status, title, ministry, phone, tz, language, slack, appointed) — "},
			{"fr", "help", "roster [pays | groupe régional] [page <n>] — "},
			{"fr", "help", "rsvp yes|no|maybe [réunion] [for <personne>] — "},
			{"fr", "help", `network set [name="…"] [secretariat="…"] [address="ligne 1|ligne 2"] — `},
			{"fr", "help clock", "clock advance <durée, p. ex. 14d ou 6h> — "},
			{"fr", "help me set", "me set <name|email|tz|language|title|ministry|phone> <valeur> — "},
			{"ar", "help poll answer", "poll answer <الاستطلاع> <أرقام المواعيد، مثل 1,3 | none> — "},
			{"ar", "help", "invite <الاجتماع> all | <المجموعة الإقليمية> | <البلد>, … | <الشخص> | guest <البريد الإلكتروني> name=\"…\" [country=…] [language=…] — "},
			{"en", "help update", "update <person> field=value … (fields: name, email, country, role, status, title, ministry, phone, tz, language, slack, appointed) — "},
		} {
			if r := w.as("sec@example.org", "me set language "+c.lang); r.Code != "" {
				t.Fatalf("me set language %s: %s", c.lang, r.Text())
			}
			w.expect(t, "sec", c.line, c.want, "")
		}

		for _, c := range []struct{ lang, line, want string }{
			{"fr", "country", "Syntaxe : country <nom ou code>\n  p. ex. country Côte d'Ivoire"},
			{"fr", "meeting change", "Syntaxe : meeting change <réunion> field=value … (champs : title, start, "},
			{"fr", "attendance", "Syntaxe : attendance <réunion>"},
			{"ar", "poll answer", "الاستخدام: poll answer <الاستطلاع> <أرقام المواعيد، مثل 1,3 | none>"},
			{"ar", "outreach log", "الاستخدام: outreach log <البلد> <الملاحظة…> [follow up YYYY-MM-DD]"},
			{"ru", "approve", "Синтаксис: approve <лицо>"},
			{"zh-Hans", "series stop", "用法：series stop <系列>"},
			{"es", "poll pick", "Uso: poll pick <encuesta> <número de franja>"},
		} {
			if r := w.as("sec@example.org", "me set language "+c.lang); r.Code != "" {
				t.Fatalf("me set language %s: %s", c.lang, r.Text())
			}
			w.refuses(t, "sec", c.line, model.EINVALID, c.want)
		}
	})
}

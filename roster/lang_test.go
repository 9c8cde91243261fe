package roster

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"focalbot/i18n"
	"focalbot/model"
)

// TestImportErrorsInTheReadersLanguage: a bad file's mistakes, their line
// numbers and the summary come out in the reader's language, and English
// only for an English reader; a mistake quoted by another (a numbered line
// of an import checked against the roster) is in that language too.
func TestImportErrorsInTheReadersLanguage(t *testing.T) {
	in := "name,email,country,role\n" +
		"Ama,ama@gh.example.org,Ghana,focal-point\n" +
		"Kwame,kwame@gh.example.org,Ghana,chief\n" +
		"Kofi,ama@gh.example.org,Ghana,focal-point\n"
	_, err := Read(strings.NewReader(in))
	var bad Errors
	if !errors.As(err, &bad) {
		t.Fatalf("Read = %v, want line errors", err)
	}
	for _, c := range []struct {
		lang    language.Tag
		lines   []string
		summary string
	}{
		{i18n.English, []string{`Line 3: Unknown role "chief"`, "Line 4: The e-mail address ama@gh.example.org is already on line 2."},
			"bad.csv has 2 bad lines; nothing was imported"},
		{language.French, []string{"Ligne 3 : ", `"chief"`, "Ligne 4 : L'adresse électronique ama@gh.example.org figure déjà à la ligne 2."}, "bad.csv"},
		{language.Spanish, []string{"Línea 3: ", "Línea 4: "}, "bad.csv"},
	} {
		got := strings.Join(bad.Lines(c.lang), "\n")
		for _, w := range c.lines {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the mistakes lack %q:\n%s", c.lang, w, got)
			}
		}
		want := i18n.Printer(c.lang).Sprintf(msgCSVBadLines, "bad.csv", 2)
		if s := bad.Summary(c.lang, "bad.csv"); s != want || !strings.Contains(s, c.summary) {
			t.Errorf("%s: summary %q; want %q", c.lang, s, want)
		}
		if c.lang != i18n.English && strings.Contains(got+bad.Summary(c.lang, "bad.csv"), "nothing was imported") {
			t.Errorf("%s: English in %q", c.lang, got)
		}
	}
	if !strings.Contains(bad.Error(), `Line 3: Unknown role "chief"`) {
		t.Errorf("Error() = %q; want the English lines", bad.Error())
	}

	quoted := model.Errorf(model.EINVALID, msgCSVLine, 4, model.Errorf(model.EINVALID, msgCSVDuplicate, "kofi@gh.example.org", 2))
	if got, want := Message(language.Russian, quoted), "Строка 4: "; !strings.HasPrefix(got, want) || strings.Contains(got, "already") {
		t.Errorf("a quoted mistake in Russian: %q; want it all in Russian, from %q", got, want)
	}
	if got := model.ErrorMessage(quoted); got != "Line 4: The e-mail address kofi@gh.example.org is already on line 2." {
		t.Errorf("a quoted mistake in English: %q", got)
	}
	if got := NothingImported(language.French, "f.csv", 3); strings.Contains(got, "nothing") || !strings.Contains(got, "f.csv") {
		t.Errorf("NothingImported in French: %q", got)
	}
}

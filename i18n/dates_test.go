package i18n_test

import (
	"testing"
	"time"

	"focalbot/i18n"
	"focalbot/model"

	"golang.org/x/text/language"
)

// TestDatesAndCountries checks the CLDR forms issue 11 names, and the
// countries' names in each language.
func TestDatesAndCountries(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	d := time.Date(2012, 9, 29, 10, 0, 0, 0, ny)
	for _, c := range []struct {
		lang, full, dateTime, country, hosts string
	}{
		{"en", "Sat 29 Sep 2012", "Sat 29 Sep 2012, 10:00", "Germany", "Germany, Ghana"},
		{"fr", "samedi 29 septembre 2012", "samedi 29 septembre 2012, 10:00", "Allemagne", "Allemagne, Ghana"},
		{"es", "sábado, 29 de septiembre de 2012", "sábado, 29 de septiembre de 2012, 10:00", "Alemania", "Alemania, Ghana"},
		{"ru", "суббота, 29 сентября 2012 г.", "суббота, 29 сентября 2012 г., 10:00", "Германия", "Гана, Германия"},
		{"zh-Hans", "2012年9月29日星期六", "2012年9月29日星期六 上午10:00", "德国", "德国、加纳"},
		{"ar", "السبت، 29 سبتمبر 2012", "السبت، 29 سبتمبر 2012، 10:00 ص", "ألمانيا", "ألمانيا، غانا"},
		{"pt", "Sat 29 Sep 2012", "Sat 29 Sep 2012, 10:00", "Germany", "Germany, Ghana"},
	} {
		tag := i18n.Match(c.lang)
		if got := i18n.DateFull(tag, d); got != c.full {
			t.Errorf("%s: DateFull %q, want %q", c.lang, got, c.full)
		}
		if got := i18n.DateTime(tag, d); got != c.dateTime {
			t.Errorf("%s: DateTime %q, want %q", c.lang, got, c.dateTime)
		}
		if got := i18n.CountryName(tag, "DE"); got != c.country {
			t.Errorf("%s: CountryName(DE) %q, want %q", c.lang, got, c.country)
		}
		if got := i18n.CountryNames(tag, []string{"DE", "GH"}); got != c.hosts {
			t.Errorf("%s: CountryNames %q, want %q", c.lang, got, c.hosts)
		}
	}
	// Listed in the order of the names in the reader's language.
	for lang, want := range map[string]string{
		"en": "Denmark, Germany, Philippines, South Korea", "es": "Alemania, Corea del Sur, Dinamarca, Filipinas",
		"fr": "Allemagne, Corée du Sud, Danemark, Philippines", "ru": "Германия, Дания, Республика Корея, Филиппины",
	} {
		codes := []string{"PH", "KR", "DK", "DE"}
		if got := i18n.CountryNames(i18n.Match(lang), codes); got != want {
			t.Errorf("%s: CountryNames %q, want %q", lang, got, want)
		}
		if codes[0] != "PH" {
			t.Errorf("CountryNames sorted its argument: %v", codes)
		}
	}
	if k := i18n.CountryKey(i18n.Spanish, ""); k != "" || i18n.CountryKey(i18n.Spanish, "XX") <= i18n.CountryKey(i18n.Spanish, "ZW") {
		t.Errorf("no country and an unknown code are not first and last: %q", k)
	}
	if got := i18n.CountryName(i18n.French, "XX"); got != "XX" {
		t.Errorf("an unknown code: %q", got)
	}
	// Every member state has a name in every language.
	names := i18n.CountryNamesIn()
	for _, c := range model.MemberStates() {
		if len(names[c.Alpha2]) != len(i18n.Languages)-1 {
			t.Errorf("%s has names in %d languages: %v", c.Alpha2, len(names[c.Alpha2]), names[c.Alpha2])
		}
	}
	if n := len(model.MemberStates()); n != 193 {
		t.Errorf("%d member states", n)
	}
}

func TestLanguageName(t *testing.T) {
	for _, c := range []struct {
		reader     language.Tag
		code, want string
	}{
		{i18n.French, "en", "anglais"}, {i18n.Spanish, "pt", "portugués"}, {i18n.Russian, "da", "датский"},
		{i18n.English, "fr", "French"}, {i18n.French, "not a tag!", "not a tag!"},
	} {
		if got := i18n.LanguageName(c.reader, c.code); got != c.want {
			t.Errorf("LanguageName(%s, %q) = %q, want %q", c.reader, c.code, got, c.want)
		}
	}
}

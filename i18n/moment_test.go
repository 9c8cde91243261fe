package i18n_test

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/text/language"

	"focalbot/i18n"
	"focalbot/model"
)

// TestArgument: a domain error's moment and day are written as the
// reader's language writes them; English keeps their own form (what Error
// and the logs say), and other arguments are left alone.
func TestArgument(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	at := model.Moment{Time: time.Date(2012, 9, 29, 17, 0, 0, 0, ny)}
	day := model.Day{Time: time.Date(2012, 9, 29, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		lang       string
		moment, dy string
	}{
		{"en", "Sat 29 Sep 2012 17:00 EDT", "2012-09-29"},
		{"pt", "Sat 29 Sep 2012 17:00 EDT", "2012-09-29"}, // not written: English
		{"fr", "samedi 29 septembre 2012, 17:00 EDT", "29 septembre 2012"},
		{"es", "sábado, 29 de septiembre de 2012, 17:00 EDT", "29 de septiembre de 2012"},
		{"ru", "суббота, 29 сентября 2012 г., 17:00 EDT", "29 сентября 2012 г."},
		{"zh-Hans", "2012年9月29日星期六 下午5:00 EDT", "2012年9月29日"},
		{"ar", "السبت، 29 سبتمبر 2012، 5:00 م EDT", "29 سبتمبر 2012"},
	} {
		tag := language.MustParse(c.lang)
		if got := i18n.Printer(tag).Sprintf("%s", i18n.Argument(tag, at)); got != c.moment {
			t.Errorf("%s: moment %q, want %q", c.lang, got, c.moment)
		}
		if got := i18n.Printer(tag).Sprintf("%s", i18n.Argument(tag, day)); got != c.dy {
			t.Errorf("%s: day %q, want %q", c.lang, got, c.dy)
		}
		if got := i18n.Argument(tag, int64(7)); got != int64(7) {
			t.Errorf("%s: an identifier became %v", c.lang, got)
		}
	}
}

// TestCountryArguments: a country in a message is named in the reader's
// language, a choice of countries offered as that language offers one;
// English keeps the argument, which says the same.
func TestCountryArguments(t *testing.T) {
	ne, _ := model.CountryByCode("NE")
	ng, _ := model.CountryByCode("NG")
	de, _ := model.CountryByCode("DE")
	ro, _ := model.CountryByCode("RO")
	om, _ := model.CountryByCode("OM")
	gt, _ := model.CountryByCode("GT")
	hn, _ := model.CountryByCode("HN")
	ht, _ := model.CountryByCode("HT")
	for _, c := range []struct {
		lang string
		arg  any
		want string
	}{
		{"fr", de, "Allemagne"},
		{"fr", model.CountryChoice{ne, ng}, "Niger ou Nigéria"},
		{"zh-Hans", model.CountryChoice{ne, ng}, "尼日尔或尼日利亚"},
		{"es", model.CountryChoice{de, ne, ng}, "Alemania, Níger o Nigeria"},
		{"es", model.CountryChoice{ro, om}, "Rumanía u Omán"},                     // "u" before the sound o
		{"es", model.CountryChoice{de, gt, hn}, "Alemania, Guatemala u Honduras"}, // and before ho
		{"es", model.CountryChoice{hn, ht}, "Honduras o Haití"},                   // but not before ha
		{"fr", model.CountryChoice{ro, om}, "Roumanie ou Oman"},
		{"ru", model.CountryChoice{de}, "Германия"},
		{"en", model.CountryChoice{de, ne, ng}, "Germany, Niger or Nigeria"},
		{"en", de, "Germany"},
	} {
		if got := fmt.Sprint(i18n.Argument(i18n.Match(c.lang), c.arg)); got != c.want {
			t.Errorf("%s: %v is %q, want %q", c.lang, c.arg, got, c.want)
		}
	}
}

package i18n_test

import (
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

package i18n

import (
	"sync"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/ru"
	"github.com/go-playground/locales/zh_Hans"
	"golang.org/x/text/language"
)

// Dates and times are written with CLDR's patterns and names for each
// language (github.com/go-playground/locales, generated from CLDR):
// "samedi 29 septembre 2012", "sábado, 29 de septiembre de 2012",
// "суббота, 29 сентября 2012 г.", "2012年9月29日星期六", "السبت، 29 سبتمبر 2012".
// English keeps focalbot's own short forms ("Sat 29 Sep 2012", "10:00"),
// which its readers already know.
//
// A language's tables are built the first time one of its dates is written.
var cldrOf = map[language.Tag]func() locales.Translator{
	Arabic:            sync.OnceValue(ar.New),
	SimplifiedChinese: sync.OnceValue(zh_Hans.New),
	French:            sync.OnceValue(fr.New),
	Russian:           sync.OnceValue(ru.New),
	Spanish:           sync.OnceValue(es.New),
}

// cldr is the CLDR translator of the language of Languages that serves t,
// and false for English (and any other).
func cldr(t language.Tag) (locales.Translator, bool) {
	if f, ok := cldrOf[Match(t.String())]; ok {
		return f(), true
	}
	return nil, false
}

// DateFull writes a day with its weekday: "Sat 29 Sep 2012" in English,
// "samedi 29 septembre 2012" in French.
func DateFull(t language.Tag, d time.Time) string {
	if l, ok := cldr(t); ok {
		return l.FmtDateFull(d)
	}
	return d.Format("Mon 2 Jan 2006")
}

// DateLong writes a day without its weekday: "29 September 2012" in
// English, "29 septembre 2012" in French.
func DateLong(t language.Tag, d time.Time) string {
	if l, ok := cldr(t); ok {
		return l.FmtDateLong(d)
	}
	return d.Format("2 January 2006")
}

// Clock writes a time of day: "10:00" (and "上午10:00", "10:00 ص" as
// Chinese and Arabic write it).
func Clock(t language.Tag, d time.Time) string {
	if l, ok := cldr(t); ok {
		return l.FmtTimeShort(d)
	}
	return d.Format("15:04")
}

// DateTime writes a day and a time: "Sat 29 Sep 2012, 10:00",
// "samedi 29 septembre 2012, 10:00".
func DateTime(t language.Tag, d time.Time) string {
	return DateFull(t, d) + separator(t) + Clock(t, d)
}

// separator is what stands between a date and its time.
func separator(t language.Tag) string {
	switch Match(t.String()) {
	case SimplifiedChinese:
		return " "
	case Arabic:
		return "، "
	}
	return ", "
}

// DateMedium writes a day briefly: "29 Sep 2012" in English, "29 sept.
// 2012" in French, "2012年9月29日" in Chinese.
func DateMedium(t language.Tag, d time.Time) string {
	if l, ok := cldr(t); ok {
		return l.FmtDateMedium(d)
	}
	return d.Format("2 Jan 2006")
}

// DateTimeMedium writes a day briefly and a time: "29 Sep 2012, 10:00" in
// English, "29 sept. 2012, 10:00" in French, where a full date does not fit
// (a Slack option's 75 characters).
func DateTimeMedium(t language.Tag, d time.Time) string {
	return DateMedium(t, d) + separator(t) + Clock(t, d)
}

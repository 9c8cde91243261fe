package delivery

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// plurals are the e-mail catalog's texts that count something, with their
// text for a count of one, set for every language as bot's catalog does
// (see its plurals).
var plurals = []struct {
	key string // the message: its text for other counts
	arg int    // which argument (from 1) is the count
	one string // the text for a count of 1
}{
	{inDays, 1, "in %d day"},
	{inHours, 1, "in %d hour"},
	{inMinutes, 1, "in %d minute"},
}

func init() {
	for _, m := range plurals {
		if err := message.Set(language.Und, m.key, plural.Selectf(m.arg, "%d", "=1", m.one, "other", m.key)); err != nil {
			panic("delivery: plural of " + m.key + ": " + err.Error())
		}
	}
}

// printer renders the e-mail catalog's counted texts, in English until
// messages are written in each reader's language.
var printer = message.NewPrinter(language.English)

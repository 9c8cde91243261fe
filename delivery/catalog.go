package delivery

import (
	"focalbot/i18n"
)

// plurals are the e-mail catalog's texts that count something, with their
// text for a count of one, set for every language as bot's catalog does
// (see its plurals).
var plurals = []i18n.Plural{
	{Key: inDays, Arg: 1, One: "in %d day"},
	{Key: inHours, Arg: 1, One: "in %d hour"},
	{Key: inMinutes, Arg: 1, One: "in %d minute"},
}

func init() { i18n.RegisterPlurals(plurals...) }

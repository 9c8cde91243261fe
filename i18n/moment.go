package i18n

import (
	"strings"

	"focalbot/model"

	"golang.org/x/text/language"
)

// Argument is a domain error's argument as a reader of t reads it: a
// model.Moment as DateTime and its zone's abbreviation ("samedi 29
// septembre 2012, 10:00 CEST"), a model.Day as DateLong ("29 septembre
// 2012"), a model.Country by its name there ("Allemagne"), a
// model.CountryChoice as a choice of their names ("Niger ou Nigéria").
// English, and any other argument, keep their own form, so that an English
// reader sees what Error and the logs say.
func Argument(t language.Tag, a any) any {
	if Match(t.String()) == English {
		return a
	}
	switch a := a.(type) {
	case model.Moment:
		return DateTime(t, a.Time) + " " + a.Format("MST")
	case model.Day:
		return DateLong(t, a.Time)
	case model.Country:
		return CountryName(t, a.Alpha2)
	case model.CountryChoice:
		return countryChoice(t, a)
	}
	return a
}

// msgOr offers a choice of two: the first may itself be a list, "A, B".
const msgOr = "%s or %s"

// countryChoice names cs as t offers a choice: "Niger ou Nigéria",
// "尼日尔或尼日利亚", in the order given (the closest first).
func countryChoice(t language.Tag, cs model.CountryChoice) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = CountryName(t, c.Alpha2)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	first, last := JoinList(t, names[:len(names)-1]), names[len(names)-1]
	if Match(t.String()) == Spanish && soundsO(last) {
		// Spanish writes "u" for "o" before the sound o, written o or ho:
		// "Rumanía u Omán", "Guatemala u Honduras".
		return first + " u " + last
	}
	return Printer(t).Sprintf(msgOr, first, last)
}

// soundsO reports whether a Spanish word begins with the sound o: with o
// or ó, after a silent h or not.
func soundsO(word string) bool {
	w := strings.TrimPrefix(strings.ToLower(word), "h")
	return strings.HasPrefix(w, "o") || strings.HasPrefix(w, "ó")
}

package i18n

import (
	"focalbot/model"

	"golang.org/x/text/language"
)

// Argument is a domain error's argument as a reader of t reads it: a
// model.Moment as DateTime and its zone's abbreviation ("samedi 29
// septembre 2012, 10:00 CEST"), a model.Day as DateLong ("29 septembre
// 2012"). English, and any other argument, keep their own form, so that an
// English reader sees what Error and the logs say.
func Argument(t language.Tag, a any) any {
	if Match(t.String()) == English {
		return a
	}
	switch a := a.(type) {
	case model.Moment:
		return DateTime(t, a.Time) + " " + a.Format("MST")
	case model.Day:
		return DateLong(t, a.Time)
	}
	return a
}

package i18n

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// LanguageName is the name of the language code (a BCP 47 tag, as a
// profile stores it: "fr", "pt-BR") in language t, from CLDR's names
// (golang.org/x/text/language/display): "anglais", "portugués", "датский";
// code itself when it is not a tag or CLDR has no name for it.
func LanguageName(t language.Tag, code string) string {
	tag, err := language.Parse(strings.TrimSpace(code))
	if err != nil {
		return code
	}
	if n := display.Tags(Match(t.String())).Name(tag); n != "" {
		return n
	}
	return code
}

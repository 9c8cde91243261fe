package match

import (
	"strings"
	"sync"

	"focalbot/i18n"
)

// languageNames maps each folded name of the languages focalbot writes, in
// each of them (CLDR's names: "French", "français", "francés",
// "французский", "法语", "الفرنسية"), to its code as a profile keeps it
// ("fr", "zh-hans").
var languageNames = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, lang := range i18n.Languages {
		code := lang.String()
		for _, reader := range i18n.Languages {
			if name := i18n.LanguageName(reader, code); name != code {
				out[Fold(name)] = strings.ToLower(code)
			}
		}
	}
	// "Chinese", "chinois", "中文": the language, not only its script.
	for _, reader := range i18n.Languages {
		if name := i18n.LanguageName(reader, "zh"); name != "zh" {
			out[Fold(name)] = "zh-hans"
		}
	}
	return out
})

// Language is the code of the language of focalbot's six that name names
// (in any of the six, any case, with or without accents: "French",
// "francais", "Русский", "中文"), and false for any other name or a code.
func Language(name string) (string, bool) {
	code, ok := languageNames()[Fold(name)]
	return code, ok
}

package i18n_test

import (
	"testing"

	"focalbot/i18n"

	"golang.org/x/text/language"
)

func TestMatch(t *testing.T) {
	for in, want := range map[string]language.Tag{
		"fr": i18n.French, "fr-FR": i18n.French, "fr_CA": i18n.French,
		"zh-CN": i18n.SimplifiedChinese, "zh": i18n.SimplifiedChinese, "zh-Hans": i18n.SimplifiedChinese,
		"es-419": i18n.Spanish, "es-ES": i18n.Spanish, "ar-SA": i18n.Arabic, "ar": i18n.Arabic,
		"ru-RU": i18n.Russian, "en-GB": i18n.English, "en": i18n.English,
		"pt": i18n.English, "de": i18n.English, "ko": i18n.English, "": i18n.English, "not a tag!": i18n.English,
	} {
		if got := i18n.Match(in); got != want {
			t.Errorf("Match(%q) = %s, want %s", in, got, want)
		}
	}
	if i18n.Supported("pt") || !i18n.Supported("en-US") || !i18n.Supported("zh-CN") {
		t.Error("Supported: pt is not served; en-US and zh-CN are")
	}
	if i18n.Dir(i18n.Arabic) != "rtl" || i18n.Dir(i18n.French) != "ltr" {
		t.Error("Dir: Arabic is rtl, French ltr")
	}
}

// TestPluralForms loads forms for a counted message in Russian and Arabic
// and checks that CLDR's categories pick them: ru 1/2/5/21, ar
// 0/1/2/3/11/100, English and an unserved language fall back to English.
func TestPluralForms(t *testing.T) {
	const key = "test: %d files in %s"
	if err := i18n.Load([]i18n.File{
		{Language: "ru", Messages: map[string]i18n.Value{key: {Forms: map[string]string{
			"one": "%d файл в %s", "few": "%d файла в %s", "many": "%d файлов в %s", "other": "%d файла в %s"}}}},
		{Language: "ar", Messages: map[string]i18n.Value{key: {Forms: map[string]string{
			"zero": "zero %d %s", "one": "one %d %s", "two": "two %d %s", "few": "few %d %s", "many": "many %d %s", "other": "other %d %s"}}}},
		{Language: "fr", Messages: map[string]i18n.Value{"test: plain %s": {Text: "essai : %s"}}},
	}); err != nil {
		t.Fatal(err)
	}
	i18n.RegisterPlurals(i18n.Plural{Key: key, Arg: 1, One: "test: %d file in %s"})
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"ru", 1, "1 файл в X"}, {"ru", 2, "2 файла в X"}, {"ru", 5, "5 файлов в X"}, {"ru", 21, "21 файл в X"}, {"ru", 11, "11 файлов в X"},
		{"ar", 0, "zero ٠ X"}, {"ar", 1, "one ١ X"}, {"ar", 2, "two ٢ X"}, {"ar", 3, "few ٣ X"}, {"ar", 11, "many ١١ X"}, {"ar", 100, "other ١٠٠ X"},
		{"en", 1, "test: 1 file in X"}, {"en", 2, "test: 2 files in X"}, {"pt", 1, "test: 1 file in X"}, {"fr", 3, "test: 3 files in X"},
	} {
		if got := i18n.PrinterFor(c.lang).Sprintf(key, c.n, "X"); got != c.want {
			t.Errorf("%s, %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := i18n.PrinterFor("fr-BE").Sprintf("test: plain %s", "x"); got != "essai : x" {
		t.Errorf("fr-BE plain: %q", got)
	}
	if got := i18n.PrinterFor("es").Sprintf("test: plain %s", "x"); got != "test: plain x" {
		t.Errorf("es without a translation: %q, want the English source", got)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerate proves that the table keeps a zone's cities by its CLDR ID
// and by each alias, blanks a city that the name's own last part gives,
// fills a language CLDR has no city in from the CLDR ID, leaves out a zone
// every language names by its ID, and refuses data that is not CLDR's.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	write := func(path, body string) {
		t.Helper()
		path = filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("cldr-dates-full/package.json", `{"name": "cldr-dates-full", "version": "48.2.0"}`)
	write("cldr-bcp47/bcp47/timezone.json", `{"keyword": {"u": {"tz": {
		"_description": "Time zone key",
		"inccu": {"_description": "Kolkata, India", "_alias": "Asia/Calcutta Asia/Kolkata", "_iana": "Asia/Kolkata"},
		"usnyc": {"_description": "New York", "_alias": "America/New_York US/Eastern"},
		"dkcph": {"_description": "Copenhagen", "_alias": "Europe/Copenhagen"}}}}}`)
	cities := map[string]string{ // the cities of Asia/Calcutta and America/New_York by language
		"en":      `"Asia": {"Calcutta": {"exemplarCity": "Kolkata"}}`,
		"ar":      `"Asia": {"Calcutta": {"exemplarCity": "كالكتا"}}, "America": {"New_York": {"exemplarCity": "نيويورك"}}`,
		"zh-Hans": `"America": {"New_York": {"exemplarCity": "纽约"}}`,
		"fr":      `"Europe": {"London": {"long": {"daylight": "heure d’été britannique"}}}`,
		"ru":      `"America": {"New_York": {"exemplarCity": "Нью-Йорк"}}`,
		"es":      `"America": {"New_York": {"exemplarCity": "Nueva York"}}`,
	}
	for lang, zones := range cities {
		write("cldr-dates-full/main/"+lang+"/timeZoneNames.json",
			`{"main": {"`+lang+`": {"dates": {"timeZoneNames": {"zone": {`+zones+`, "Etc": {"Unknown": {"exemplarCity": "?"}}}}}}}}`)
	}
	src, err := generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := string(src)
	for _, want := range []string{
		"from CLDR 48.2.0",
		`var zoneLanguages = [...]string{"en", "ar", "zh-Hans", "fr", "ru", "es"}`,
		`{"America/New_York", [6]string{"", "نيويورك", "纽约", "", "Нью-Йорк", "Nueva York"}},`,
		`{"US/Eastern", [6]string{"New York", "نيويورك", "纽约", "New York", "Нью-Йорк", "Nueva York"}},`,
		`{"Asia/Calcutta", [6]string{"Kolkata", "كالكتا", "", "", "", ""}},`,
		`{"Asia/Kolkata", [6]string{"", "كالكتا", "Calcutta", "Calcutta", "Calcutta", "Calcutta"}},`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Copenhagen") || strings.Contains(got, "London") {
		t.Errorf("the table has a zone that every language names by its ID:\n%s", got)
	}
	if strings.Index(got, `"America/New_York"`) > strings.Index(got, `"Asia/Calcutta"`) {
		t.Errorf("the table is not sorted:\n%s", got)
	}

	write("cldr-dates-full/main/ru/timeZoneNames.json", `{"main": {"fr": {}}}`)
	if _, err := generate(dir); err == nil || !strings.Contains(err.Error(), "no data for ru") {
		t.Errorf("data of another language was taken for Russian: %v", err)
	}
}

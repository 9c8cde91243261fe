package i18n_test

import (
	"testing"

	"focalbot/i18n"
)

// TestZoneCity proves that a zone is named by CLDR's city in each language,
// by its IANA name and by an older one, and by its ID's last part where
// CLDR has no city of its own for it.
func TestZoneCity(t *testing.T) {
	for _, c := range []struct {
		lang, zone, want string
	}{
		{"en", "America/New_York", "New York"},
		{"ar", "America/New_York", "نيويورك"},
		{"zh-Hans", "America/New_York", "纽约"},
		{"fr", "America/New_York", "New York"},
		{"ru", "America/New_York", "Нью-Йорк"},
		{"es", "America/New_York", "Nueva York"},
		{"fr", "Europe/Copenhagen", "Copenhague"},
		{"zh-CN", "Africa/Accra", "阿克拉"}, // a reader's tag, matched
		{"en", "Asia/Kolkata", "Kolkata"},
		{"en", "Asia/Calcutta", "Kolkata"}, // the older name, the same city
		{"es", "Asia/Calcutta", "Calcuta"},
		{"en", "America/Argentina/Buenos_Aires", "Buenos Aires"},
		{"en", "Europe/Kiev", "Kyiv"},
		{"en", "UTC", "UTC"},
		{"ru", "Nowhere/Made_Up", "Made Up"}, // no CLDR data: the ID's last part
	} {
		if got := i18n.ZoneCity(i18n.Match(c.lang), c.zone); got != c.want {
			t.Errorf("ZoneCity(%s, %s) = %q, want %q", c.lang, c.zone, got, c.want)
		}
	}
}

// TestZoneTable proves that the generated table's languages are Languages,
// in order, and that it is sorted.
func TestZoneTable(t *testing.T) {
	if err := i18n.ZoneTable(); err != nil {
		t.Fatal(err)
	}
}

package i18n

import "fmt"

// Load adds translation files to the catalog, for tests of plural forms
// that must not wait for the real translations.
var Load = load

// ZoneTable checks the generated table of zones: its languages are
// Languages, in order, and its rows are sorted by zone, as ZoneCity's
// search needs.
func ZoneTable() error {
	if len(zoneLanguages) != len(Languages) {
		return fmt.Errorf("the zone table has %d languages, Languages %d", len(zoneLanguages), len(Languages))
	}
	for i, l := range zoneLanguages {
		if Languages[i].String() != l {
			return fmt.Errorf("the zone table's language %d is %s, Languages' %s", i, l, Languages[i])
		}
	}
	for i := 1; i < len(zoneCities); i++ {
		if zoneCities[i-1].zone >= zoneCities[i].zone {
			return fmt.Errorf("the zone table is not sorted at %s, %s", zoneCities[i-1].zone, zoneCities[i].zone)
		}
	}
	return nil
}

package i18n

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// zoneCity is a row of zoneCities: a zone's name and its cities.
type zoneCity struct {
	zone   string
	cities [6]string // in the order of Languages; "" where the ID names it
}

// ZoneCity is the city that names the time zone zone (an IANA name, as
// time.Location.String gives it) to a reader of t: CLDR's exemplar city in
// t ("纽约", "Нью-Йорк", "Nueva York" for America/New_York), and otherwise
// the last part of the zone's ID, with spaces for underscores ("New York"),
// as CLDR's root locale names a zone it has no name for.
func ZoneCity(t language.Tag, zone string) string {
	if i, ok := slices.BinarySearchFunc(zoneCities[:], zone, func(r zoneCity, z string) int { return strings.Compare(r.zone, z) }); ok {
		if c := zoneCities[i].cities[slices.Index(Languages, Match(t.String()))]; c != "" {
			return c
		}
	}
	if i := strings.LastIndexByte(zone, '/'); i >= 0 {
		zone = zone[i+1:]
	}
	return strings.ReplaceAll(zone, "_", " ")
}

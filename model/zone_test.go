package model

import "testing"

// TestLoadZoneForgives: a zone typed in another case, with spaces, or as
// its city alone is the IANA zone it means, named as the database names
// it; a name that means none, or the machine's own zone, is refused.
func TestLoadZoneForgives(t *testing.T) {
	for typed, want := range map[string]string{
		"Africa/Accra":           "Africa/Accra",
		"africa/accra":           "Africa/Accra",
		"AMERICA/NEW_YORK":       "America/New_York",
		"America/New York":       "America/New_York",
		"Accra":                  "Africa/Accra",
		"new york":               "America/New_York",
		"copenhagen":             "Europe/Copenhagen",
		"utc":                    "UTC",
		"America/Port-au-Prince": "America/Port-au-Prince",
	} {
		loc, err := LoadZone(typed)
		if err != nil {
			t.Errorf("%q: %v", typed, err)
			continue
		}
		if loc.String() != want {
			t.Errorf("%q is %q, want %q", typed, loc.String(), want)
		}
	}
	for _, typed := range []string{"", "Local", "local", "UTC+2", "Narnia", "../etc/passwd", "Europe/Atlantis"} {
		if loc, err := LoadZone(typed); err == nil {
			t.Errorf("%q was taken as %q", typed, loc)
		} else if ErrorCode(err) != EINVALID {
			t.Errorf("%q: %v, want EINVALID", typed, err)
		}
	}
}

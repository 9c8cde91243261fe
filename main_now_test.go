package main

import (
	"testing"
	"time"
)

// TestParseTimeChoosesWithAnOffset: --now takes the offset that the answer
// for a repeated wall time suggests, and reads a local time in the zone.
func TestParseTimeChoosesWithAnOffset(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2012-11-04 01:30 -04:00", "2012-11-04T05:30:00Z"},
		{"2012-11-04 01:30 -05:00", "2012-11-04T06:30:00Z"},
		{"2012-11-04T01:30:00-05:00", "2012-11-04T06:30:00Z"},
		{"2012-09-01T09:00", "2012-09-01T13:00:00Z"},
	} {
		got, err := parseTime(c.in, "America/New_York")
		if err != nil || got.UTC().Format(time.RFC3339) != c.want {
			t.Errorf("parseTime(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
}

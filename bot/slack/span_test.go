package slack

import (
	"testing"
	"time"

	"focalbot/i18n"
)

// TestSpanFallbacks checks the fallbacks of a span's date tokens, which
// clients that cannot render them show: each end carries its own zone, so a
// span across a clock change reads right.
func TestSpanFallbacks(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(month time.Month, day, hour, min int) time.Time {
		return time.Date(2012, month, day, hour, min, 0, 0, time.UTC)
	}
	tests := []struct {
		name       string
		start, end time.Time
		venue      *time.Location
		want       string
	}{
		{"an ordinary span", utc(9, 29, 14, 0), utc(9, 29, 21, 0), ny,
			"<!date^1348927200^{date_long_pretty} at {time}|Saturday 29 September 2012, 10:00 EDT (America/New_York)> – <!date^1348952400^{time}|17:00 EDT>"},
		{"four hours across fall back", utc(11, 4, 4, 30), utc(11, 4, 8, 30), ny,
			"<!date^1352003400^{date_long_pretty} at {time}|Sunday 4 November 2012, 00:30 EDT (America/New_York)> – <!date^1352017800^{time}|03:30 EST>"},
		{"one hour from the first 01:30 to the second", utc(11, 4, 5, 30), utc(11, 4, 6, 30), ny,
			"<!date^1352007000^{date_long_pretty} at {time}|Sunday 4 November 2012, 01:30 EDT (America/New_York)> – <!date^1352010600^{time}|01:30 EST>"},
		{"over two days the end has its date", utc(9, 29, 14, 0), utc(9, 30, 21, 0), ny,
			"<!date^1348927200^{date_long_pretty} at {time}|Saturday 29 September 2012, 10:00 EDT (America/New_York)> – <!date^1349038800^{time}|Sun 30 Sep 2012, 17:00 EDT>"},
		{"a zone named by its abbreviation is named once", utc(9, 29, 14, 0), utc(9, 29, 21, 0), time.UTC,
			"<!date^1348927200^{date_long_pretty} at {time}|Saturday 29 September 2012, 14:00 UTC> – <!date^1348952400^{time}|21:00 UTC>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := span(i18n.English, tt.start, tt.end, tt.venue)
			if got != tt.want {
				t.Errorf("span =\n%q; want\n%q", got, tt.want)
			}
			if escape(live(got)) != got {
				t.Errorf("escape changes the live span's tokens: %q", escape(live(got)))
			}
		})
	}
}

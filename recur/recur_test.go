package recur_test

import (
	"testing"
	"time"

	"focalbot/model"
	"focalbot/recur"
)

var ny, _ = time.LoadLocation("America/New_York")

func TestNextOccurrence(t *testing.T) {
	rule, err := recur.ParseRule("unga")
	if err != nil {
		t.Fatal(err)
	}
	sr := model.Series{Rule: rule, Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), TimeZone: "America/New_York"}
	for _, c := range []struct {
		after time.Time
		want  time.Time
	}{
		{time.Date(2012, 8, 1, 0, 0, 0, 0, ny), time.Date(2012, 9, 29, 10, 0, 0, 0, ny)},
		{time.Date(2012, 9, 29, 10, 0, 0, 0, ny), time.Date(2013, 9, 28, 10, 0, 0, 0, ny)}, // the last Saturday of September 2013
		{time.Date(2013, 10, 1, 0, 0, 0, 0, ny), time.Date(2014, 9, 27, 10, 0, 0, 0, ny)},
	} {
		got, ok, err := recur.Next(sr, c.after)
		if err != nil || !ok || !got.Equal(c.want) {
			t.Errorf("Next after %s = %s, %v, %v; want %s", c.after, got.In(ny), ok, err, c.want)
		}
	}
	for _, bad := range []string{"FREQ=SECONDLY", "FREQ=DAILY", "every now and then", ""} {
		if _, err := recur.ParseRule(bad); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("ParseRule(%q) = %v, want EINVALID", bad, err)
		}
	}
}

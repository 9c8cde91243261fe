package storage_test

import (
	"reflect"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/model"
)

// TestSeriesKeepsItsInvitees: a series' default invitees — everyone, a
// regional group or countries — are stored and read back as given.
func TestSeriesKeepsItsInvitees(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		s, _ := open(t, dsn, clock.Fixed(t0))
		for _, v := range []model.Invitees{{}, {Group: model.GroupAfrican}, {Countries: []string{"GH", "DK"}}} {
			sr := model.Series{Name: "Annual meeting", Rule: "FREQ=YEARLY", Start: t0, TimeZone: "America/New_York", Duration: 7 * time.Hour,
				Venue: "New York", PlanAhead: 120 * 24 * time.Hour, Invitees: v, Active: true}
			if err := s.CreateSeries(ctx, admin, &sr); err != nil {
				t.Fatal(err)
			}
			got, err := s.Series(ctx, sr.ID)
			if err != nil || !reflect.DeepEqual(got.Invitees, v) {
				t.Errorf("series %d invitees = %+v, %v; want %+v", sr.ID, got.Invitees, err, v)
			}
		}
		for _, bad := range []model.Invitees{{Group: "XX"}, {Countries: []string{"ZZ"}}, {Group: model.GroupAfrican, Countries: []string{"GH"}}} {
			sr := model.Series{Name: "Annual meeting", Rule: "FREQ=YEARLY", Start: t0, TimeZone: "America/New_York", Duration: 7 * time.Hour,
				Venue: "New York", PlanAhead: 120 * 24 * time.Hour, Invitees: bad, Active: true}
			if err := s.CreateSeries(ctx, admin, &sr); model.ErrorCode(err) != model.EINVALID {
				t.Errorf("invitees %+v: %v, want EINVALID", bad, err)
			}
		}
		if _, err := s.Series(ctx, 99); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("series 99: %v", err)
		}
	})
}

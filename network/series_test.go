package network_test

import (
	"slices"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// TestSeries: the secretariat defines a series with its invitees and the
// defaults (facilitating group as hosts, 120 days' planning, the
// secretariat's zone), sees its next occurrence, and stops and starts it;
// nobody else may.
func TestSeries(t *testing.T) {
	at := time.Date(2012, 8, 1, 12, 0, 0, 0, time.UTC)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		svc := network.New(s, clock.Fixed(at), ny, planner, nil)
		n, _ := s.Network(ctx)
		n.FacilitatingGroup = []string{"AU", "CR", "DK", "GH"}
		if err := s.SetNetwork(ctx, model.System, n); err != nil {
			t.Fatal(err)
		}
		first := time.Date(2012, 9, 29, 14, 0, 0, 0, time.UTC)
		def := model.Series{Name: "Annual Meeting", Rule: "unga", Start: first, Duration: 7 * time.Hour, Venue: "New York",
			Invitees: model.Invitees{Group: model.GroupAfrican}}
		if _, err := svc.CreateSeries(ctx, network.As(w.gh), def); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("a focal point created a series: %v", err)
		}
		bad := def
		bad.Rule = "FREQ=DAILY"
		if _, err := svc.CreateSeries(ctx, network.As(w.sec), bad); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("a daily series: %v", err)
		}
		plan, err := svc.CreateSeries(ctx, network.As(w.sec), def)
		if err != nil {
			t.Fatal(err)
		}
		sr := plan.Series
		if sr.Rule != "FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA" || !slices.Equal(sr.Hosts, n.FacilitatingGroup) || sr.PlanAhead != network.DefaultPlanAhead ||
			sr.TimeZone != "America/New_York" || !sr.Active || sr.Invitees.Group != model.GroupAfrican {
			t.Errorf("series = %+v", sr)
		}
		if !plan.HasNext || !plan.Next.Equal(first) {
			t.Errorf("next = %s (%v), want %s", plan.Next, plan.HasNext, first)
		}
		none := def
		none.Hosts = []string{}
		if p, err := svc.CreateSeries(ctx, network.As(w.sec), none); err != nil || len(p.Series.Hosts) != 0 {
			t.Errorf("a series with no hosts: %+v, %v", p.Series.Hosts, err)
		}
		if _, err := svc.SetSeriesActive(ctx, network.As(w.gh), sr.ID, false); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("a focal point stopped a series: %v", err)
		}
		if got, err := svc.SetSeriesActive(ctx, network.As(w.sec), sr.ID, false); err != nil || got.Active {
			t.Errorf("stop: %+v, %v", got, err)
		}
		if _, err := svc.SetSeriesActive(ctx, network.As(w.sec), 99, true); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("an unknown series: %v", err)
		}
		list, err := svc.SeriesList(ctx, network.As(w.sec))
		if err != nil || len(list) != 2 || list[0].Series.Active || !list[0].HasNext {
			t.Errorf("list = %+v, %v", list, err)
		}
		if _, err := svc.SeriesList(ctx, network.As(w.obs)); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("an observer listed the series: %v", err)
		}
	})
}

package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestPollClosedCountsItsAnswers: the notice of a closed poll says "1
// answer" for one and "2 answers" for two.
func TestPollClosedCountsItsAnswers(t *testing.T) {
	at := time.Date(2013, 5, 1, 9, 0, 0, 0, ny)
	for _, c := range []struct {
		name   string
		voters []string
		want   string
	}{
		{"one answer is singular", []string{"GH"}, "closed at its deadline, with 1 answer. Ranking:"},
		{"two answers are plural", []string{"GH", "DK"}, "closed at its deadline, with 2 answers. Ranking:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
				clk := clock.Fixed(at)
				person(t, s, "Ruth", "ruth@example.org", "", model.RoleSecretariat)
				slot := func(day int) model.Slot {
					return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
				}
				p := model.Poll{Title: "2013 meeting", Deadline: at.Add(48 * time.Hour), Slots: []model.Slot{slot(21), slot(28)}}
				if err := s.CreatePoll(ctx, model.System, &p, nil); err != nil {
					t.Fatal(err)
				}
				for _, country := range c.voters {
					fp := person(t, s, "Focal point of "+country, strings.ToLower(country)+"@example.org", country, model.RoleFocalPoint)
					if _, err := s.Vote(ctx, model.System, p.ID, fp.ID, country, []int64{p.Slots[0].ID}); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := newScheduler(s, clk).Advance(ctx, clk, 72*time.Hour, nil); err != nil {
					t.Fatal(err)
				}
				notices, _ := s.Outbox(ctx, model.OutboxFilter{})
				if len(notices) != 1 {
					t.Fatalf("%d notices, want 1", len(notices))
				}
				pl, err := delivery.Decode(notices[0])
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(pl.Text, c.want) {
					t.Errorf("notice:\n%s\nwant %q", pl.Text, c.want)
				}
			})
		})
	}
}

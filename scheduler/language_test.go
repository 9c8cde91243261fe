package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/recur"
	"focalbot/storage"
)

// TestNoticesInEachReadersLanguage plans a series' draft with two members
// of the secretariat, one French and one Russian: each gets the notice with
// the meeting's span as CLDR writes it in their language.
func TestNoticesInEachReadersLanguage(t *testing.T) {
	at := time.Date(2013, 6, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		for _, p := range []model.Person{
			{Name: "Claire", Email: "claire@example.org", Language: "fr", Role: model.RoleSecretariat, Status: model.StatusActive},
			{Name: "Olga", Email: "olga@example.org", Language: "ru-RU", Role: model.RoleSecretariat, Status: model.StatusActive},
		} {
			if err := s.CreatePerson(ctx, model.System, &p); err != nil {
				t.Fatal(err)
			}
		}
		rule, _ := recur.ParseRule("unga")
		sr := model.Series{Name: "Annual meeting", Rule: rule, Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), TimeZone: "America/New_York",
			Duration: 7 * time.Hour, Venue: "New York", PlanAhead: 120 * 24 * time.Hour, Active: true}
		if err := s.CreateSeries(ctx, model.System, &sr); err != nil {
			t.Fatal(err)
		}
		if err := newScheduler(s, clock.Fixed(at)).Tick(ctx); err != nil {
			t.Fatal(err)
		}
		items, err := s.Outbox(ctx, model.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"claire@example.org": "samedi 28 septembre 2013, 10:00–17:00 EDT", "olga@example.org": "суббота, 28 сентября 2013 г., 10:00–17:00 EDT"}
		for _, it := range items {
			p, err := delivery.Decode(it)
			if err != nil {
				t.Fatal(err)
			}
			if w, ok := want[it.Recipient]; ok {
				if !strings.Contains(p.Text, w) {
					t.Errorf("%s: %q lacks %q", it.Recipient, p.Text, w)
				}
				delete(want, it.Recipient)
			}
		}
		if len(want) > 0 {
			t.Errorf("no notice for %v", want)
		}
	})
}

// TestPollClosedInEachReadersLanguage closes a poll at its deadline with a
// French member of the secretariat: the ranking's slots are written as
// French writes dates.
func TestPollClosedInEachReadersLanguage(t *testing.T) {
	at := time.Date(2013, 5, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(at)
		claire := model.Person{Name: "Claire", Email: "claire@example.org", Language: "fr", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &claire); err != nil {
			t.Fatal(err)
		}
		gh := person(t, s, "Kwame", "kwame@gh.example.org", "GH", model.RoleFocalPoint)
		slot := func(day int) model.Slot {
			return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
		}
		p := model.Poll{Title: "2013 meeting", Deadline: at.Add(48 * time.Hour), Hosts: []string{"GH"}, Slots: []model.Slot{slot(21), slot(28)}}
		if err := s.CreatePoll(ctx, model.System, &p, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Vote(ctx, model.System, p.ID, gh.ID, "GH", []int64{p.Slots[1].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := newScheduler(s, clk).Advance(ctx, clk, 72*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		notices, _ := s.Outbox(ctx, model.OutboxFilter{})
		if len(notices) != 1 {
			t.Fatalf("notices %+v", notices)
		}
		pl, err := delivery.Decode(notices[0])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(pl.Text, "samedi 28 septembre 2013, 10:00–17:00 EDT") {
			t.Errorf("the ranking to a French reader:\n%s", pl.Text)
		}
	})
}

// TestSlackNoticesInEveryLanguage: a member of the secretariat on Slack
// whose profile names no language gets the notice of a planned draft
// written in each language besides the network's, for the Slack sender to
// pick by their Slack locale; the text itself is the network's.
func TestSlackNoticesInEveryLanguage(t *testing.T) {
	at := time.Date(2013, 6, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		p := model.Person{Name: "Claire", Email: "claire@example.org", SlackID: "U0CLAIRE", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			t.Fatal(err)
		}
		rule, _ := recur.ParseRule("unga")
		sr := model.Series{Name: "Annual meeting", Rule: rule, Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), TimeZone: "America/New_York",
			Duration: 7 * time.Hour, Venue: "New York", PlanAhead: 120 * 24 * time.Hour, Active: true}
		if err := s.CreateSeries(ctx, model.System, &sr); err != nil {
			t.Fatal(err)
		}
		sch := newScheduler(s, clock.Fixed(at))
		sch.Planner.Channels = []model.Channel{model.ChannelSlack, model.ChannelEmail}
		if err := sch.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		items, err := s.Outbox(ctx, model.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			if it.Recipient != "U0CLAIRE" || it.Kind != model.KindNotice {
				continue
			}
			found = true
			p, err := delivery.Decode(it)
			if err != nil {
				t.Fatal(err)
			}
			for lang, w := range map[string]string{"fr": "samedi 28 septembre 2013", "ru": "суббота, 28 сентября 2013 г.", "ar": "سبتمبر", "es": "sábado, 28 de septiembre de 2013", "zh-Hans": "2013年9月28日"} {
				if !strings.Contains(p.Texts[lang], w) {
					t.Errorf("%s: %q lacks %q", lang, p.Texts[lang], w)
				}
			}
			if !strings.Contains(p.Text, "Sat 28 Sep 2013") {
				t.Errorf("the network's text %q", p.Text)
			}
		}
		if !found {
			t.Error("no notice on Slack")
		}
	})
}

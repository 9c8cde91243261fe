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

// TestLastNudgeGoesToTheAlternatesOfASilentCountry: Costa Rica's focal
// point never answers, so its last nudge (2 hours before) goes to its
// active alternate too, who is not invited; Ghana's alternate hears nothing,
// Ghana having answered; nor does an inactive alternate. The nudge says
// that the country has not answered.
func TestLastNudgeGoesToTheAlternatesOfASilentCountry(t *testing.T) {
	at := time.Date(2013, 9, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at)
		person(t, s, "Carla Alternate", "alt@cr.example.org", "CR", model.RoleAlternate)
		person(t, s, "Kojo Alternate", "alt@gh.example.org", "GH", model.RoleAlternate)
		gone := person(t, s, "Gone Alternate", "gone@cr.example.org", "CR", model.RoleAlternate)
		if _, err := s.UpdatePerson(ctx, model.System, gone.ID, func(p *model.Person) error { p.Status = model.StatusInactive; return nil }); err != nil {
			t.Fatal(err)
		}
		sc := newScheduler(s, w.clk)
		if _, err := sc.Advance(ctx, w.clk, 28*24*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		got := w.reminders(t)
		if want := "nudge 2h0m0s pending"; strings.Join(got["alt@cr.example.org"], "|") != want {
			t.Errorf("Costa Rica's alternate got %v, want %s", got["alt@cr.example.org"], want)
		}
		for _, email := range []string{"alt@gh.example.org", "gone@cr.example.org"} {
			if len(got[email]) != 0 {
				t.Errorf("%s got %v, want nothing", email, got[email])
			}
		}
		if want := "nudge 336h0m0s pending|nudge 48h0m0s pending|nudge 2h0m0s pending"; strings.Join(got["silent@cr.example.org"], "|") != want {
			t.Errorf("the silent focal point got %v", got["silent@cr.example.org"])
		}
		items, _ := s.Outbox(ctx, model.OutboxFilter{MeetingID: w.meeting.ID})
		for _, it := range items {
			if it.Recipient != "alt@cr.example.org" {
				continue
			}
			p, _ := delivery.Decode(it)
			if p.Country != "Costa Rica" || p.Invitee.Name != "Carla Alternate" {
				t.Errorf("the alternate's nudge: %+v", p)
			}
		}
	})
}

// TestAnAnswerStopsNudgesAlreadyQueued: nudges waiting to be sent when the
// invitee answers (here, the secretariat records a telephone answer) are
// skipped, and no later nudge is queued, for them nor for their alternate.
func TestAnAnswerStopsNudgesAlreadyQueued(t *testing.T) {
	at := time.Date(2013, 9, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at)
		person(t, s, "Carla Alternate", "alt@cr.example.org", "CR", model.RoleAlternate)
		sc := newScheduler(s, w.clk)
		if _, err := sc.Advance(ctx, w.clk, 25*24*time.Hour+2*time.Hour, nil); err != nil { // under 2 days before: two nudges wait
			t.Fatal(err)
		}
		invs, _ := s.Invitations(ctx, w.meeting.ID)
		var silent model.Invitation
		for _, inv := range invs {
			if inv.Email == "silent@cr.example.org" {
				silent = inv
			}
		}
		if _, err := s.RespondFor(ctx, model.System, silent.ID, model.ResponseMaybe, w.meeting.Sequence); err != nil {
			t.Fatal(err)
		}
		if _, err := sc.Advance(ctx, w.clk, 3*24*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		got := w.reminders(t)
		if want := "nudge 336h0m0s skipped|nudge 48h0m0s skipped|reminder 2h0m0s pending"; strings.Join(got["silent@cr.example.org"], "|") != want {
			t.Errorf("after answering: %v, want %s", got["silent@cr.example.org"], want)
		}
		if len(got["alt@cr.example.org"]) != 0 {
			t.Errorf("the alternate of a country that answered got %v", got["alt@cr.example.org"])
		}
	})
}

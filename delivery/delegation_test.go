package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/model"
)

// mailKeeper keeps the raw messages handed to it.
type mailKeeper struct{ raw [][]byte }

func (k *mailKeeper) Send(_ context.Context, _ string, _ []string, msg []byte) error {
	k.raw = append(k.raw, msg)
	return nil
}

// TestAlternateNudgeSaysTheCountryHasNotAnswered: the last nudge to an
// alternate of a silent country says so, in text and HTML, and does not
// tell them to answer an invitation they do not have.
func TestAlternateNudgeSaysTheCountryHasNotAnswered(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 3, UID: "u3@focalbot", Title: "Third Meeting", Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny),
		End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny), TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
	alt := model.Person{ID: 9, Name: "Carla Alternate", Email: "alt@cr.example.org", Country: "CR", Role: model.RoleAlternate}
	items := pl.AlternateNudge(2*time.Hour, m, model.Invitation{ID: 5, MeetingID: 3, Country: "CR"}, alt)
	if len(items) != 1 || items[0].Recipient != alt.Email || items[0].InvitationID != 5 || !strings.HasSuffix(items[0].Key, "/alternate:9") {
		t.Fatalf("planned %+v", items)
	}
	p, _ := delivery.Decode(items[0])
	k := &mailKeeper{}
	if err := (&delivery.Email{Mail: k, Clock: clock.Fixed(m.Start.Add(-2 * time.Hour))}).Send(context.Background(), items[0], p); err != nil {
		t.Fatal(err)
	}
	raw := string(k.raw[0])
	if strings.Count(raw, "We have not had an answer from Costa Rica yet") != 2 || strings.Contains(raw, "We have not had your answer") {
		t.Errorf("the nudge to the alternate:\n%s", raw)
	}
}

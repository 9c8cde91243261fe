package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"focalbot/model"
)

// TestAppHomeNextMeetingOfTheSecretariat: the secretariat's home shows the
// next meeting it organises, though nobody invited them to it.
func TestAppHomeNextMeetingOfTheSecretariat(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	m := model.Meeting{Title: "Annual Meeting", Start: t0.AddDate(0, 1, 0), End: t0.AddDate(0, 1, 0).Add(7 * time.Hour),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
	if err := b.store.CreateMeeting(context.Background(), model.System, &m); err != nil {
		t.Fatal(err)
	}
	b.event(homeOpened("Ev1", "U2"))
	home := string(next(t, fs.homes, "Ruth's home"))
	for _, want := range []string{msgHomeNext, "Annual Meeting", "You organise it"} {
		if !strings.Contains(home, want) {
			t.Errorf("the secretariat's home lacks %q:\n%s", want, home)
		}
	}
	if strings.Contains(home, "not invited") {
		t.Errorf("the secretariat's home says they are not invited:\n%s", home)
	}
}

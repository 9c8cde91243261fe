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

// TestModalValuesKeepTheirBackslashes: a form's value reaches the engine as
// typed, backslashes included, now that the chat's quoted values read them
// as escapes.
func TestModalValuesKeepTheirBackslashes(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	title := `Unit A\B, share \\files\ `
	if ack := b.interaction(submission("U1", modalProfile, map[string]string{"name": "Ama Owusu", "title": title, "tz": "Africa/Accra"}, nil)); ack != "" {
		t.Fatalf("profile acked with %s", ack)
	}
	next(t, fs.posts, "the profile's answer")
	ama, err := b.store.PersonByEmail(context.Background(), "ama@mfa.gov.gh")
	if want := strings.TrimSpace(title); err != nil || ama.Title != want {
		t.Errorf("title = %q, %v; want %q", ama.Title, err, want)
	}
}

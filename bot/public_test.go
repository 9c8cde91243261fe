package bot_test

import (
	"context"
	"strings"
	"testing"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/storage"
)

// TestPublicAnswersShowWhatEveryoneMaySee: when the transport says the
// answer of a command meant for everyone will be posted in a channel, the
// roster and a country show what every member may see — no e-mail address,
// phone or pending registration — even to the secretariat, and even one's
// own contact details; a private answer still shows them to those allowed.
func TestPublicAnswersShowWhatEveryoneMaySee(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		secret := []string{"@example.org", "+233", "Alejandro", "Tara Target", "#"}
		for _, as := range []string{"sec@example.org", "fp@example.org"} {
			for _, line := range []string{"roster", "roster Ghana", "roster GRULAC", "country GH", "country MX"} {
				in := w.engine.Handle(context.Background(), bot.Caller{Email: as, InChannel: true}, line)
				if !in.Public {
					t.Fatalf("%s is not a public answer", line)
				}
				for _, s := range secret {
					if strings.Contains(in.Text(), s) {
						t.Errorf("%s in a channel, by %s, shows %q:\n%s", line, as, s, in.Text())
					}
				}
			}
			if r := w.engine.Handle(context.Background(), bot.Caller{Email: as, InChannel: true}, "roster Ghana").Text(); !strings.Contains(r, "Kwame Boateng") {
				t.Errorf("roster Ghana in a channel does not show the name: %s", r)
			}
		}
		private := w.as("sec@example.org", "roster").Text()
		for _, s := range []string{"fp@example.org", "+233", "Alejandro"} {
			if !strings.Contains(private, s) {
				t.Errorf("the secretariat's own roster lacks %q:\n%s", s, private)
			}
		}
		if r := w.engine.Handle(context.Background(), bot.Caller{Email: "fp@example.org", InChannel: true}, "me").Text(); !strings.Contains(r, "+233") {
			t.Errorf("me, a private answer, lacks one's own phone: %s", r)
		}
	})
}

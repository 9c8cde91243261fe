package storage_test

import (
	"testing"

	"focalbot/model"
	"focalbot/storage"
)

// TestPersonBySlackIDOrEmail: a chat message's sender is found by Slack ID
// first, else by e-mail, in one statement; a Slack ID that is someone
// else's wins over an e-mail address that is another person's.
func TestPersonBySlackIDOrEmail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		a := person("Ama Mensah", "GH", "ama@gh.example.org", model.RoleFocalPoint, model.StatusActive)
		a.SlackID = "U0AMA0001"
		a = create(t, s, a)
		b := create(t, s, person("Kofi Boateng", "GH", "kofi@gh.example.org", model.RoleAlternate, model.StatusActive))
		for _, c := range []struct {
			slackID, email string
			want           int64 // 0: not found
		}{
			{"U0AMA0001", "", a.ID},
			{"U0AMA0001", "someone@else.example.org", a.ID},
			{"U0AMA0001", "kofi@gh.example.org", a.ID}, // the Slack ID wins
			{"U0NOBODY1", "Kofi@GH.example.org", b.ID}, // by e-mail, any case
			{"", "kofi@gh.example.org", b.ID},
			{"U0NOBODY1", "", 0},
			{"U0NOBODY1", "nobody@example.org", 0},
			{"", "", 0},
		} {
			p, err := s.PersonBySlackIDOrEmail(ctx, c.slackID, c.email)
			if c.want == 0 {
				if model.ErrorCode(err) != model.ENOTFOUND {
					t.Errorf("(%q, %q): %+v, %v; want ENOTFOUND", c.slackID, c.email, p, err)
				}
				continue
			}
			if err != nil || p.ID != c.want {
				t.Errorf("(%q, %q): person %d, %v; want %d", c.slackID, c.email, p.ID, err, c.want)
			}
		}
	})
}

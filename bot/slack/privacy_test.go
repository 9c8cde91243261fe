package slack

import (
	"net/http"
	"strings"
	"testing"
)

// TestPublicAnswersInChannelsArePublic: /focal roster and a mention asking
// for the roster or a country are posted to the whole channel; asked by the
// secretariat, they show no e-mail address, phone or pending registration.
// In a direct message the secretariat still sees them all.
func TestPublicAnswersInChannelsArePublic(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	secret := []string{"ama@mfa.gov.gh", "+233", "mette@um.dk", "Mette Holm", "ruth@globalr2p.example.org"}
	check := func(what, text string) {
		t.Helper()
		for _, s := range secret {
			if strings.Contains(text, s) {
				t.Errorf("%s, seen by the channel, shows %q:\n%s", what, s, text)
			}
		}
	}

	for _, line := range []string{"roster", "country Denmark"} {
		resp, body := b.request(PathCommands, "application/x-www-form-urlencoded", slashCommand(fs, "U2", line, "r-"+line), nil)
		if resp.StatusCode != http.StatusOK || body != "" {
			t.Fatalf("ack %s %q", resp.Status, body)
		}
		got := next(t, fs.responses, "the answer to /focal "+line)
		if got.ResponseType != "in_channel" {
			t.Errorf("/focal %s answered %s", line, got.ResponseType)
		}
		check("/focal "+line, got.Text)
	}
	b.event(mention("Ev1", "U2", "C1", "1348927200.000200", "<@UBOT> roster Ghana"))
	got := next(t, fs.posts, "the answer in the channel")
	if got.Channel != "C1" || !strings.Contains(got.Text, "Ama Owusu") {
		t.Errorf("answer %+v", got)
	}
	check("roster Ghana in the channel", got.Text)

	b.event(dm("Ev2", "U2", "roster"))
	private := next(t, fs.posts, "the answer in the DM")
	for _, s := range []string{"ama@mfa.gov.gh", "+233", "Mette Holm"} {
		if !strings.Contains(private.Text, s) {
			t.Errorf("the secretariat's roster in a DM lacks %q:\n%s", s, private.Text)
		}
	}
}

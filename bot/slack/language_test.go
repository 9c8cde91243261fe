package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// TestInvitationInTheReadersLanguage builds an invitation's blocks and a
// reminder's text for a French and an Arabic reader: the meeting's French
// title where given, the hosts by their names in the reader's language, the
// notification's date as CLDR writes it there.
func TestInvitationInTheReadersLanguage(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 4, Title: "Second Meeting", Titles: map[string]string{"fr": "Deuxième réunion"},
		Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"DE", "GH"}, Organiser: "Global Centre"}
	for _, c := range []struct{ lang, fallback, title, hosts string }{
		{"fr", "29 sept. 2012", "Deuxième réunion", "Allemagne, Ghana"},
		{"ar", "29", "Second Meeting", "ألمانيا، غانا"},
		{"", "29 Sep 2012", "Second Meeting", "Germany, Ghana"},
	} {
		p := delivery.Payload{Kind: model.KindRequest, Meeting: m, Invitee: delivery.Invitee{Language: c.lang}}
		text, blocks := invitationBlocks(p)
		b, _ := json.Marshal(blocks)
		if !strings.Contains(text, c.fallback) || !strings.Contains(text, c.title) {
			t.Errorf("%s: notification %q lacks %q or %q", c.lang, text, c.fallback, c.title)
		}
		if !strings.Contains(string(b), c.hosts) || !strings.Contains(string(b), c.title) {
			t.Errorf("%s: blocks lack %q or %q: %s", c.lang, c.hosts, c.title, b)
		}
		p.Kind = model.KindReminder
		if got := outboxText(p); !strings.Contains(got, c.title) || !strings.Contains(got, "mute 4") {
			t.Errorf("%s: reminder %q", c.lang, got)
		}
	}
}

package slack

import (
	"strings"
	"testing"
	"time"

	"focalbot/i18n"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"a plain command is unchanged", "roster Ghana", "roster Ghana"},
		{"the bot's mention is dropped", "<@UBOT> coverage", "coverage"},
		{"the bot's mention with a label is dropped", "<@UBOT|focalbot>  me", "me"},
		{"someone else's mention stays a mention", "<@UBOT> approve <@U0AMA01>", "approve <@U0AMA01>"},
		{"a labelled mention loses its label", "approve <@U0AMA01|ama>", "approve <@U0AMA01>"},
		{"a mailto link is the address", "add <mailto:kofi@mfa.gov.gh|kofi@mfa.gov.gh> name=Kofi", "add kofi@mfa.gov.gh name=Kofi"},
		{"a web link is its label", "network set address=<http://example.org|example.org>", "network set address=example.org"},
		{"a bare link is its address", "see <https://example.org>", "see https://example.org"},
		{"a channel is its name", "roster <#C123|general>", "roster #general"},
		{"HTML escapes are undone", "update #3 title=&quot;A&amp;B&quot; &lt;x&gt;", "update #3 title=&quot;A&B&quot; <x>"},
		{"typographic quotes become straight", "add a@b.org name=“Ama Owusu” title=‘x’", `add a@b.org name="Ama Owusu" title='x'`},
		{"an escaped ampersand is unescaped once", "&amp;lt;", "&lt;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalize(tc.in, "UBOT"); got != tc.want {
				t.Errorf("normalize(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestEscape proves that text is escaped for Slack, whatever it holds, and
// that only markup the bot marked live stays live.
func TestEscape(t *testing.T) {
	date := "<!date^1348927200^{date_long_pretty}|29 Sep 2012, New York>"
	for _, tc := range []struct{ name, in, want string }{
		{"placeholders show as typed", "register <country> & more", "register &lt;country&gt; &amp; more"},
		{"a mention typed by someone is escaped", "Slack: <@U0AMA01> <x>", "Slack: &lt;@U0AMA01&gt; &lt;x&gt;"},
		{"a date typed by someone is escaped", date, "&lt;" + date[1:len(date)-1] + "&gt;"},
		{"the bot's own mention stays a mention", "Slack: " + liveMention("U0AMA01") + " <x>", "Slack: <@U0AMA01> &lt;x&gt;"},
		{"the bot's own dates stay dates", "At " + live(date) + " <!here>", "At " + date + " &lt;!here&gt;"},
		{"a forged mark is dropped and its markup escaped", "\uFDD0<!channel>\uFDD1", "&lt;!channel&gt;"},
		{"a mark with another key is not live", "\uFDD0" + strings.Repeat("0", 24) + "<!channel>\uFDD1", strings.Repeat("0", 24) + "&lt;!channel&gt;"},
		{"something that is not a user ID is no mention", liveMention("U1> <!channel"), "U1&gt; &lt;!channel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := escape(tc.in); got != tc.want {
				t.Errorf("escape(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := unlive("Start " + live(date) + "."); got != "Start 29 Sep 2012, New York." {
		t.Errorf("unlive shows %q", got)
	}
}

func TestDateToken(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	got := DateToken(i18n.English, time.Date(2012, 9, 29, 14, 0, 0, 0, time.UTC), ny)
	want := "<!date^1348927200^{date_long_pretty} at {time}|Saturday 29 September 2012, 10:00 EDT (America/New_York)>"
	if got != want {
		t.Errorf("DateToken = %q; want %q", got, want)
	}
	if escape("Meeting: "+live(got)) != "Meeting: "+got {
		t.Errorf("escape changes the date token: %q", escape(got))
	}
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"a short text is one message", "a\nb", 10, []string{"a\nb"}},
		{"lines stay whole", "aaaa\nbbbb\ncc", 9, []string{"aaaa\nbbbb", "cc"}},
		{"a line longer than a message is cut", "abcdefgh\nij", 3, []string{"abc", "def", "gh", "ij"}},
		{"characters, not bytes", "ééé\nü", 4, []string{"ééé", "ü"}},
		{"nothing is one empty message", "", 5, []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := split(tc.in, tc.max)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("split(%q, %d) = %q; want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

// TestCut proves that text cut to Slack's limit keeps its escapes and
// markup whole.
func TestCut(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int
		want     string
	}{
		{"a short text is kept", "abc", 3, "abc"},
		{"a long one ends in an ellipsis", "abcdef", 4, "abc…"},
		{"never inside an escape", "ab &amp; c", 6, "ab …"},
		{"never inside a date token", "at <!date^1348927200^{time}|10:00> ok", 12, "at …"},
		{"characters, not bytes", "ééééé", 3, "éé…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cut(tc.in, tc.n); got != tc.want {
				t.Errorf("cut(%q, %d) = %q; want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}

// TestShare proves the Home tab's two lists share their room: half each,
// and what one does not need goes to the other.
func TestShare(t *testing.T) {
	for _, tc := range []struct{ room, a, b, wantA, wantB int }{
		{40, 60, 30, 20, 20},
		{40, 5, 30, 5, 30},
		{40, 60, 3, 37, 3},
		{40, 2, 3, 2, 3},
		{-3, 2, 3, 0, 0},
	} {
		if a, b := share(tc.room, tc.a, tc.b); a != tc.wantA || b != tc.wantB {
			t.Errorf("share(%d, %d, %d) = %d, %d; want %d, %d", tc.room, tc.a, tc.b, a, b, tc.wantA, tc.wantB)
		}
	}
}

package bot

import (
	"reflect"
	"testing"
)

func TestTokenize(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       []string
	}{
		{"words split on spaces", "roster  Ghana", []string{"roster", "Ghana"}},
		{"apostrophes are letters", "country Côte d'Ivoire", []string{"country", "Côte", "d'Ivoire"}},
		{"straight quotes group words", `add a@b.org name="Ana Ruiz"`, []string{"add", "a@b.org", "name=Ana Ruiz"}},
		{"curly quotes from Slack and phones", "add a@b.org name=“Ana Ruiz”", []string{"add", "a@b.org", "name=Ana Ruiz"}},
		{"an empty quoted value", `me set title ""`, []string{"me", "set", "title", ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tokenize(c.line)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("tokenize(%q) = %q, %v; want %q", c.line, got, err, c.want)
			}
		})
	}
	if _, err := tokenize(`name="Ana`); err == nil {
		t.Error("an unclosed quote was accepted")
	}
}

func TestParseArgs(t *testing.T) {
	a := parseArgs([]string{"kofi@mfa.gov.gh", "Title=Director", "name=Kofi", "2+2=4"})
	if !reflect.DeepEqual(a.Words, []string{"kofi@mfa.gov.gh", "2+2=4"}) || a.Opts["title"] != "Director" ||
		!reflect.DeepEqual(a.Keys, []string{"title", "name"}) {
		t.Errorf("parseArgs = %+v", a)
	}
}

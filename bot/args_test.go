package bot

import (
	"reflect"
	"strings"
	"testing"

	"focalbot/model"
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
		{"an escaped quotation mark inside quotes", `update #3 name="O'Brien; \"Jr\""`, []string{"update", "#3", `name=O'Brien; "Jr"`}},
		{"an escaped curly quotation mark", `name="say \“hi\”"`, []string{"name=say “hi”"}},
		{"an escaped backslash", `agenda="a\\b" x\\`, []string{`agenda=a\b`, `x\`}},
		{"another backslash is itself", `path="C:\docs" a\ b\`, []string{`path=C:\docs`, `a\`, `b\`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tokenize(c.line)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("tokenize(%q) = %q, %v; want %q", c.line, got, err, c.want)
			}
		})
	}
	for _, line := range []string{`name="Ana`, `name="Ana\"`} {
		if _, err := tokenize(line); err == nil || !strings.Contains(model.ErrorMessage(err), `write \"`) {
			t.Errorf("tokenize(%q): %v, want it refused, saying how to write a quotation mark", line, err)
		}
	}
}

func TestParseArgs(t *testing.T) {
	a := parseArgs([]string{"kofi@mfa.gov.gh", "Title=Director", "name=Kofi", "2+2=4"})
	if !reflect.DeepEqual(a.Words, []string{"kofi@mfa.gov.gh", "2+2=4"}) || a.Opts["title"] != "Director" ||
		!reflect.DeepEqual(a.Keys, []string{"title", "name"}) {
		t.Errorf("parseArgs = %+v", a)
	}
}

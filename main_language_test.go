package main

import (
	"strings"
	"testing"
)

// TestConsoleInTheReadersLanguage runs the console as people of several
// languages: a Spanish-speaking focal point from the sample roster (CSV
// language es), one who sets French, one who sets Arabic, and one with none
// under FOCALBOT_LANGUAGE=ru. Each sees the meeting's dates as CLDR writes
// them in their language, the hosts' names in it, the meeting's French title
// where one was given, and finds countries by their names in any of the six
// languages.
func TestConsoleInTheReadersLanguage(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		mustRun(t, "", "import", "examples/r2p-2012.csv")
		const now = "2012-08-01T09:00:00-04:00"
		mustRun(t, `meeting create title="Second Meeting" title.fr="Deuxième réunion" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York" hosts="Germany, Ghana"
invite 1 all
`, "--now", now)
		for _, c := range []struct {
			as, stdin string
			want      []string
		}{
			{"jose.solis@cr.example.org", "next\ncountry Allemagne\n",
				[]string{"sábado, 29 de septiembre de 2012", "Alemania, Ghana", "Second Meeting", "Alemania (DE, DEU)"}},
			{"kwame.boateng@gh.example.org", "me set language fr\nnext\ncountry Германия\n",
				[]string{"Deuxième réunion", "samedi 29 septembre 2012, 10:00–17:00 EDT", "Allemagne, Ghana", "Allemagne"}},
			{"efua.mensah@gh.example.org", "me set language ar\nnext\ncountry 德国\n",
				[]string{"السبت، 29 سبتمبر 2012", "ألمانيا، غانا", "ألمانيا"}},
		} {
			out := mustRun(t, c.stdin, "--as", c.as, "--now", now)
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s does not see %q:\n%s", c.as, w, out)
				}
			}
		}
		// A person with no language of their own gets the network's.
		mustRun(t, "update neo.sebego@bw.example.org language=\ninvite 1 Botswana\n", "--now", now)
		setenv(t, "FOCALBOT_LANGUAGE", "ru")
		out := mustRun(t, "next\n", "--as", "neo.sebego@bw.example.org", "--now", now)
		if !strings.Contains(out, "суббота, 29 сентября 2012 г.") || !strings.Contains(out, "Гана, Германия") {
			t.Errorf("FOCALBOT_LANGUAGE=ru: %s", out)
		}
	})
}

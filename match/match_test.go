package match

import (
	"errors"
	"strings"
	"testing"

	"focalbot/model"
)

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"accents and curly apostrophe", "Côte d’Ivoire", "cote divoire"},
		{"straight apostrophe", "Cote d'Ivoire", "cote divoire"},
		{"upper case and umlaut", "TÜRKIYE", "turkiye"},
		{"hyphen becomes a space", "Guinea-Bissau", "guinea bissau"},
		{"full stops dropped", "U.S.A.", "usa"},
		{"parentheses and extra spaces", "  Bolivia  (Plurinational State of) ", "bolivia plurinational state of"},
		{"tilde and acute", "São Tomé and Príncipe", "sao tome and principe"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("%s: Fold(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestCountryFound(t *testing.T) {
	tests := []struct{ name, query, alpha2 string }{
		{"ASCII spelling of an accented name", "cote d'ivoire", "CI"},
		{"curly apostrophe and accent", "Côte d’Ivoire", "CI"},
		{"common English name", "ivory coast", "CI"},
		{"French", "Allemagne", "DE"},
		{"Spanish", "Alemania", "DE"},
		{"Russian", "Германия", "DE"},
		{"Chinese", "德国", "DE"},
		{"Arabic", "ألمانيا", "DE"},
		{"French with accents folded", "etats-unis", "US"},
		{"Spanish", "Corea del Norte", "KP"},
		{"Chinese", "科特迪瓦", "CI"},
		{"Russian", "Гана", "GH"},
		{"alpha-3 code", "CIV", "CI"},
		{"lower-case alpha-2 code", "ci", "CI"},
		{"former name", "Turkey", "TR"},
		{"upper case with umlaut", "TÜRKIYE", "TR"},
		{"leading the", "the netherlands", "NL"},
		{"colloquial name", "Holland", "NL"},
		{"short name", "United States", "US"},
		{"abbreviation", "usa", "US"},
		{"abbreviation with full stops", "U.S.A.", "US"},
		{"observer state Holy See", "holy see", "VA"},
		{"observer state by common name", "Vatican", "VA"},
		{"observer state Palestine", "Palestine", "PS"},
		{"formal observer name", "State of Palestine", "PS"},
		{"South Korea", "south korea", "KR"},
		{"formal UN name", "Republic of Korea", "KR"},
		{"North Korea", "North Korea", "KP"},
		{"formal name with parentheses", "Bolivia (Plurinational State of)", "BO"},
		{"hyphenated alternative", "Congo-Brazzaville", "CG"},
		{"DR Congo", "DRC", "CD"},
		{"a name's words in another order", "congo dr", "CD"},
		{"another order, another name", "Korea, South", "KR"},
		{"Viet Nam", "Viet Nam", "VN"},
		{"surrounding spaces", "  ghana ", "GH"},
	}
	for _, tt := range tests {
		c, err := Country(tt.query)
		if err != nil || c.Alpha2 != tt.alpha2 {
			t.Errorf("%s: Country(%q) = %s, %v; want %s", tt.name, tt.query, c.Alpha2, err, tt.alpha2)
		}
	}
}

func TestCountryNotFound(t *testing.T) {
	tests := []struct {
		name, query string
		code        string
		contains    string // in the message
	}{
		{"typo suggests Ghana", "Ghnaa", model.ENOTFOUND, "Did you mean Ghana"},
		{"local spelling suggests Denmark", "Danmark ", model.ENOTFOUND, "Did you mean Denmark"},
		{"prefix suggests Switzerland", "switz", model.ENOTFOUND, "Did you mean Switzerland?"},
		{"ambiguous word suggests both Koreas", "korea", model.ENOTFOUND, "North Korea or South Korea"},
		{"nonsense has no suggestions", "xyzzy", model.ENOTFOUND, "Use its name or its ISO code"},
		{"empty input says what to type", "", model.EINVALID, "Type a country's name or its ISO code"},
		{"punctuation only says what to type", " -- ", model.EINVALID, "ISO code"},
	}
	for _, tt := range tests {
		c, err := Country(tt.query)
		var e *model.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: Country(%q) = %s, %v; want a *model.Error", tt.name, tt.query, c.Name, err)
			continue
		}
		if e.Code != tt.code || !strings.Contains(e.Message(), tt.contains) {
			t.Errorf("%s: Country(%q) error %s %q; want %s containing %q", tt.name, tt.query, e.Code, e.Message(), tt.code, tt.contains)
		}
		if tt.code == model.ENOTFOUND && !strings.Contains(e.Message(), `"`+tt.query+`"`) {
			t.Errorf("%s: message %q does not quote the query", tt.name, e.Message())
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name, query string
		first       string // alpha-2 of the first suggestion, "" for none
	}{
		{"transposed letters", "Ghnaa", "GH"},
		{"one wrong letter", "Danmark", "DK"},
		{"missing letter", "Keny", "KE"},
		{"each word the start of one of the name's", "congo dem", "CD"},
		{"in another order too", "rep dem congo", "CD"},
		{"nonsense", "xyzzy", ""},
	}
	for _, tt := range tests {
		got := Suggest(tt.query, 3)
		if len(got) > 3 {
			t.Errorf("%s: Suggest(%q, 3) returned %d countries", tt.name, tt.query, len(got))
		}
		switch {
		case tt.first == "" && len(got) != 0:
			t.Errorf("%s: Suggest(%q) = %v, want none", tt.name, tt.query, got[0].Name)
		case tt.first != "" && (len(got) == 0 || got[0].Alpha2 != tt.first):
			t.Errorf("%s: Suggest(%q) = %v, want %s first", tt.name, tt.query, got, tt.first)
		}
	}
	if got := Suggest("sai", 2); len(got) != 2 {
		t.Errorf("Suggest(%q, 2) returned %d countries, want 2", "sai", len(got))
	}
}

func TestIndexHasNoConflicts(t *testing.T) {
	x := getIndex()
	for k, is := range x.conflicts {
		var names []string
		for _, i := range is {
			names = append(names, x.countries[i].Name)
		}
		t.Errorf("%q matches %s", k, strings.Join(names, " and "))
	}
	// Every code, name and alternative name finds its own country.
	for _, c := range model.Countries() {
		for _, q := range append([]string{c.Alpha2, c.Alpha3, c.Name}, c.AltNames...) {
			if got, err := Country(q); err != nil || got.Alpha2 != c.Alpha2 {
				t.Errorf("Country(%q) = %s, %v; want %s", q, got.Alpha2, err, c.Alpha2)
			}
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"ghana", "ghana", 0},
		{"ghnaa", "ghana", 2},
		{"danmark", "denmark", 1},
		{"kitten", "sitting", 3},
		{"türkiye", "turkiye", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestConfusable proves that the countries a name may be mistaken for are
// those whose names hold it as the start of their words, both ways, and
// no others.
func TestConfusable(t *testing.T) {
	names := func(alpha2 string) string {
		c, _ := Country(alpha2)
		var out []string
		for _, o := range Confusable(c) {
			out = append(out, o.Alpha2)
		}
		return strings.Join(out, " ")
	}
	for alpha2, want := range map[string]string{
		"CG": "CD", "CD": "CG", "NE": "NG", "NG": "NE", "DM": "DO", "DO": "DM",
		"GN": "GQ GW PG", "GW": "GN", "SD": "SS", "SS": "SD",
		"ML": "", "OM": "", "AT": "", "IR": "", "KR": "",
	} {
		if got := names(alpha2); got != want {
			t.Errorf("Confusable(%s) = %q, want %q", alpha2, got, want)
		}
	}
}

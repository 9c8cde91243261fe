package model

import (
	"slices"
	"strings"
	"testing"
)

func TestCountriesLoad(t *testing.T) {
	// Parsing panics on a malformed row; this proves the embedded file has none.
	all := Countries()
	if len(all) != 195 {
		t.Fatalf("Countries() has %d entries, want 195 (193 members + 2 observers)", len(all))
	}
	if n := len(MemberStates()); n != 193 {
		t.Errorf("MemberStates() has %d entries, want 193", n)
	}
	var observers []string
	for _, c := range all {
		if c.Observer {
			observers = append(observers, c.Alpha2)
		}
	}
	slices.Sort(observers)
	if !slices.Equal(observers, []string{"PS", "VA"}) {
		t.Errorf("observers = %v, want [PS VA]", observers)
	}
}

func TestCountriesSortedByName(t *testing.T) {
	all := Countries()
	if !slices.IsSortedFunc(all, func(a, b Country) int {
		return strings.Compare(sortKey(a.Name), sortKey(b.Name))
	}) {
		t.Error("Countries() is not sorted by name")
	}
	i := slices.IndexFunc(all, func(c Country) bool { return c.Alpha2 == "CI" })
	if all[i-1].Name != "Costa Rica" || all[i+1].Name != "Croatia" {
		t.Errorf("Côte d'Ivoire sorts between %q and %q, want Costa Rica and Croatia", all[i-1].Name, all[i+1].Name)
	}
}

func TestCountriesReturnsCopy(t *testing.T) {
	a := Countries()
	a[0].Name = "changed"
	a[0].AltNames = append(a[0].AltNames[:0], "changed")
	b := Countries()
	if b[0].Name == "changed" || slices.Contains(b[0].AltNames, "changed") {
		t.Error("changing the result of Countries() changed the dataset")
	}
}

func TestCodesAndNamesAreUnique(t *testing.T) {
	seen := map[string]string{} // lower-cased code or name -> alpha-2 of its country
	claim := func(key, owner string) {
		key = strings.ToLower(key)
		if prev, ok := seen[key]; ok && prev != owner {
			t.Errorf("%q belongs to both %s and %s", key, prev, owner)
		}
		seen[key] = owner
	}
	for _, c := range Countries() {
		claim(c.Alpha2, c.Alpha2)
		claim(c.Alpha3, c.Alpha2)
		claim(c.Name, c.Alpha2)
		for _, alt := range c.AltNames {
			claim(alt, c.Alpha2)
		}
	}
	names := map[string]bool{}
	for _, c := range Countries() {
		if names[c.Name] {
			t.Errorf("duplicate name %q", c.Name)
		}
		names[c.Name] = true
	}
}

func TestEveryAltNameResolvesToOneCountry(t *testing.T) {
	owners := map[string][]string{}
	for _, c := range Countries() {
		for _, alt := range c.AltNames {
			k := strings.ToLower(alt)
			if !slices.Contains(owners[k], c.Alpha2) {
				owners[k] = append(owners[k], c.Alpha2)
			}
		}
	}
	for alt, cs := range owners {
		if len(cs) != 1 {
			t.Errorf("alternative name %q belongs to %v", alt, cs)
		}
	}
}

func TestGroupTotals(t *testing.T) {
	// Member states per group, counting each in the group it is counted in for
	// elections (United States and Türkiye in WEOG, Kiribati in Asia-Pacific).
	// Sources: UN DGACM "Regional groups of Member States" and UN Ask DAG
	// FAQ 14521; see the header of countries.csv.
	want := map[Group]int{
		GroupAfrican:     54,
		GroupAsiaPacific: 54,
		GroupEastern:     23,
		GroupLatin:       33,
		GroupWestern:     29, // 28 members + the United States
	}
	total := 0
	for _, n := range want {
		total += n
	}
	if total != 193 {
		t.Fatalf("expected totals add up to %d, want 193", total)
	}
	got := map[Group]int{}
	for _, c := range MemberStates() {
		got[c.Group]++
	}
	for _, g := range Groups {
		if got[g] != want[g] {
			t.Errorf("%s has %d member states, want %d", g, got[g], want[g])
		}
	}
	if len(got) != len(Groups) {
		t.Errorf("member states fall in %d groups, want %d: %v", len(got), len(Groups), got)
	}
	sum := 0
	for _, g := range Groups {
		sum += len(CountriesInGroup(g))
	}
	if sum != 195 {
		t.Errorf("CountriesInGroup covers %d countries, want 195", sum)
	}
}

func TestSpecialCases(t *testing.T) {
	tests := []struct {
		code     string
		group    Group
		observer bool
		hasNote  bool
	}{
		{"US", GroupWestern, false, true},     // in no group; WEOG observer, counted in WEOG
		{"TR", GroupWestern, false, true},     // in WEOG and Asia-Pacific; counted in WEOG
		{"IL", GroupWestern, false, true},     // WEOG member in New York
		{"KI", GroupAsiaPacific, false, true}, // was in no group; now Asia-Pacific
		{"CY", GroupAsiaPacific, false, true},
		{"VA", GroupWestern, true, true},     // Holy See: observer state, WEOG observer
		{"PS", GroupAsiaPacific, true, true}, // State of Palestine: full Asia-Pacific member
		{"EE", GroupEastern, false, true},
		{"LV", GroupEastern, false, true},
		{"LT", GroupEastern, false, true},
		{"AU", GroupWestern, false, false},
		{"CR", GroupLatin, false, false},
		{"DK", GroupWestern, false, false},
		{"GH", GroupAfrican, false, false},
	}
	for _, tt := range tests {
		c, ok := CountryByCode(tt.code)
		if !ok {
			t.Errorf("%s: not found", tt.code)
			continue
		}
		if c.Group != tt.group || c.Observer != tt.observer || (c.Note != "") != tt.hasNote {
			t.Errorf("%s (%s): group %s, observer %v, note %q; want %s, %v, note present %v",
				tt.code, c.Name, c.Group, c.Observer, c.Note, tt.group, tt.observer, tt.hasNote)
		}
	}
}

func TestCountryByCode(t *testing.T) {
	tests := []struct{ code, alpha2, alpha3 string }{
		{"AU", "AU", "AUS"},
		{"aus", "AU", "AUS"},
		{" cr ", "CR", "CRI"},
		{"CRI", "CR", "CRI"},
		{"dk", "DK", "DNK"},
		{"DNK", "DK", "DNK"},
		{"Gh", "GH", "GHA"},
		{"gha", "GH", "GHA"},
		{"va", "VA", "VAT"},
		{"PSE", "PS", "PSE"},
	}
	for _, tt := range tests {
		c, ok := CountryByCode(tt.code)
		if !ok || c.Alpha2 != tt.alpha2 || c.Alpha3 != tt.alpha3 {
			t.Errorf("CountryByCode(%q) = %s/%s, %v; want %s/%s", tt.code, c.Alpha2, c.Alpha3, ok, tt.alpha2, tt.alpha3)
		}
	}
	for _, code := range []string{"", "XX", "XXX", "GHAN", "UK"} {
		if c, ok := CountryByCode(code); ok {
			t.Errorf("CountryByCode(%q) = %s, want not found", code, c.Name)
		}
	}
}

func TestParseGroup(t *testing.T) {
	tests := []struct {
		in   string
		want Group
	}{
		{"WEOG", GroupWestern},
		{"weog", GroupWestern},
		{"Western European and Others", GroupWestern},
		{"Western European and Others Group", GroupWestern},
		{"western europe", GroupWestern},
		{"Africa", GroupAfrican},
		{"African Group", GroupAfrican},
		{"ag", GroupAfrican},
		{"Asia Pacific", GroupAsiaPacific},
		{"asia-pacific", GroupAsiaPacific},
		{"Asia and the Pacific", GroupAsiaPacific},
		{"apg", GroupAsiaPacific},
		{"Eastern Europe", GroupEastern},
		{"Eastern European States", GroupEastern},
		{"eeg", GroupEastern},
		{"Latin America", GroupLatin},
		{"Latin American and Caribbean", GroupLatin},
		{"GRULAC", GroupLatin},
		{"Caribbean", GroupLatin},
	}
	for _, tt := range tests {
		if got, ok := ParseGroup(tt.in); !ok || got != tt.want {
			t.Errorf("ParseGroup(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, g := range Groups {
		if got, ok := ParseGroup(g.Name()); !ok || got != g {
			t.Errorf("ParseGroup(%q) = %q, %v; want %q", g.Name(), got, ok, g)
		}
	}
	for _, in := range []string{"", "group", "europe", "antarctica"} {
		if got, ok := ParseGroup(in); ok {
			t.Errorf("ParseGroup(%q) = %q, want not ok", in, got)
		}
	}
}

func TestParseCountriesPanicsWithLine(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "line 3") {
			t.Errorf("panic = %q, want it to name line 3", msg)
		}
	}()
	parseCountries("# comment\n" + strings.Join(countriesHeader, ",") + "\nGH,GHA,Ghana,,XX,false,\n")
}

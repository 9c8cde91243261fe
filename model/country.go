package model

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Group is a United Nations regional group.
type Group string

// The five UN regional groups.
const (
	GroupAfrican     Group = "AG"     // African Group
	GroupAsiaPacific Group = "APG"    // Asia-Pacific Group
	GroupEastern     Group = "EEG"    // Eastern European Group
	GroupLatin       Group = "GRULAC" // Latin American and Caribbean Group
	GroupWestern     Group = "WEOG"   // Western European and Others Group
)

// Groups lists every regional group, in display order.
var Groups = []Group{GroupAfrican, GroupAsiaPacific, GroupEastern, GroupLatin, GroupWestern}

var groupNames = map[Group]string{
	GroupAfrican:     "African",
	GroupAsiaPacific: "Asia-Pacific",
	GroupEastern:     "Eastern European",
	GroupLatin:       "Latin American and Caribbean",
	GroupWestern:     "Western European and Others",
}

// Name is the group's English name, such as "Asia-Pacific".
func (g Group) Name() string { return groupNames[g] }

// groupAliases maps a group key (see groupKey) to its group.
var groupAliases = map[string]Group{
	"ag": GroupAfrican, "african": GroupAfrican, "africa": GroupAfrican,

	"apg": GroupAsiaPacific, "asiapacific": GroupAsiaPacific, "asia": GroupAsiaPacific,
	"asian": GroupAsiaPacific, "pacific": GroupAsiaPacific, "asianpacific": GroupAsiaPacific,

	"eeg": GroupEastern, "eastern": GroupEastern, "easterneuropean": GroupEastern,
	"easterneurope": GroupEastern, "easteurope": GroupEastern, "easteuropean": GroupEastern,

	"grulac": GroupLatin, "latin": GroupLatin, "latinamerican": GroupLatin,
	"latinamerica": GroupLatin, "latinamericancaribbean": GroupLatin,
	"latinamericacaribbean": GroupLatin, "caribbean": GroupLatin, "lac": GroupLatin,

	"weog": GroupWestern, "western": GroupWestern, "westerneuropean": GroupWestern,
	"westerneurope": GroupWestern, "westeurope": GroupWestern, "westeuropean": GroupWestern,
}

// groupStopWords are dropped from group names before lookup, so that "the
// Group of Western European and Other States" reads as "western european".
var groupStopWords = map[string]bool{
	"the": true, "of": true, "and": true, "group": true, "groups": true,
	"state": true, "states": true, "other": true, "others": true,
	"countries": true, "regional": true,
}

// ParseGroup reads a regional group forgivingly: its code ("WEOG", "apg"),
// its name ("Western European and Others", "Asia-Pacific") or a loose form of
// it ("western europe", "Africa", "Latin America", "Caribbean").
func ParseGroup(s string) (Group, bool) {
	g, ok := groupAliases[groupKey(s)]
	return g, ok
}

// groupKey lower-cases s and joins its words, leaving out stop words:
// "Asia and the Pacific Group" becomes "asiapacific".
func groupKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	var b strings.Builder
	for _, w := range words {
		if !groupStopWords[w] {
			b.WriteString(w)
		}
	}
	return b.String()
}

// Country is a UN member or observer state.
type Country struct {
	Alpha2, Alpha3, Name string
	AltNames             []string
	Group                Group
	Observer             bool // a non-member observer state (Holy See, State of Palestine)
	Note                 string
}

// String is the country's name, as an argument of a message in English;
// i18n.Argument writes it in a reader's language.
func (c Country) String() string { return c.Name }

// CountryChoice is a few countries offered to choose from, as an argument
// of a message: "Niger or Nigeria" in English (String), "Niger ou Nigéria"
// in French (i18n.Argument).
type CountryChoice []Country

// String lists the countries' names as English offers a choice: "A",
// "A or B", "A, B or C".
func (cs CountryChoice) String() string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func (c Country) clone() Country {
	c.AltNames = slices.Clone(c.AltNames)
	return c
}

//go:embed countries.csv
var countriesCSV string

// countryData is the parsed dataset: the countries sorted by name, and an
// index from upper-case alpha-2 and alpha-3 codes to positions in it.
type countryData struct {
	list   []Country
	byCode map[string]int
}

var loadCountries = sync.OnceValue(func() countryData {
	return parseCountries(countriesCSV)
})

// countriesHeader is the CSV header line, checked so that a reordered file
// fails loudly instead of reading the wrong columns.
var countriesHeader = []string{"alpha2", "alpha3", "name", "alt_names", "group", "observer", "note"}

// parseCountries reads the dataset. The file is part of the program, so a
// malformed row is a bug: it panics with the line number.
func parseCountries(data string) countryData {
	r := csv.NewReader(strings.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(countriesHeader)
	d := countryData{byCode: map[string]int{}}
	for header := true; ; header = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			panic(fmt.Sprintf("model: countries.csv: %v", err))
		}
		line, _ := r.FieldPos(0)
		fail := func(format string, args ...any) {
			panic(fmt.Sprintf("model: countries.csv line %d: %s", line, fmt.Sprintf(format, args...)))
		}
		if header {
			if !slices.Equal(rec, countriesHeader) {
				fail("header is %q, want %q", rec, countriesHeader)
			}
			continue
		}
		c := Country{
			Alpha2: rec[0],
			Alpha3: rec[1],
			Name:   rec[2],
			Group:  Group(rec[4]),
			Note:   rec[6],
		}
		if rec[3] != "" {
			c.AltNames = strings.Split(rec[3], "|")
		}
		if !isCode(c.Alpha2, 2) || !isCode(c.Alpha3, 3) {
			fail("bad ISO codes %q, %q", c.Alpha2, c.Alpha3)
		}
		if c.Name == "" || slices.Contains(c.AltNames, "") {
			fail("empty name or alternative name")
		}
		if _, ok := groupNames[c.Group]; !ok {
			fail("unknown group %q", rec[4])
		}
		if c.Observer, err = strconv.ParseBool(rec[5]); err != nil {
			fail("bad observer flag %q", rec[5])
		}
		for _, code := range []string{c.Alpha2, c.Alpha3} {
			if _, dup := d.byCode[code]; dup {
				fail("duplicate code %s", code)
			}
			d.byCode[code] = -1
		}
		d.list = append(d.list, c)
	}
	slices.SortStableFunc(d.list, func(a, b Country) int {
		return strings.Compare(sortKey(a.Name), sortKey(b.Name))
	})
	for i, c := range d.list {
		d.byCode[c.Alpha2] = i
		d.byCode[c.Alpha3] = i
	}
	return d
}

// isCode reports whether s is n upper-case ASCII letters.
func isCode(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// sortKey lower-cases a name and strips the accents that occur in the
// dataset, so that "Côte d'Ivoire" sorts among the other C's.
var sortKey = strings.NewReplacer(
	"ô", "o", "ü", "u", "é", "e", "í", "i", "ã", "a",
	"Ô", "O", "Ü", "U", "É", "E", "Í", "I",
).Replace

func cloneAll(cs []Country) []Country {
	out := make([]Country, len(cs))
	for i, c := range cs {
		out[i] = c.clone()
	}
	return out
}

// Countries returns all 193 member states and the 2 observer states, sorted by
// name. The slice is a copy that the caller may change.
func Countries() []Country { return cloneAll(loadCountries().list) }

// MemberStates returns the 193 UN member states, sorted by name.
func MemberStates() []Country {
	var out []Country
	for _, c := range loadCountries().list {
		if !c.Observer {
			out = append(out, c.clone())
		}
	}
	return out
}

// CountryByCode finds a country by its alpha-2 or alpha-3 code, in any case
// and ignoring surrounding spaces.
func CountryByCode(code string) (Country, bool) {
	d := loadCountries()
	i, ok := d.byCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Country{}, false
	}
	return d.list[i].clone(), true
}

// CountriesInGroup returns the member and observer states of a regional
// group, sorted by name.
func CountriesInGroup(g Group) []Country {
	var out []Country
	for _, c := range loadCountries().list {
		if c.Group == g {
			out = append(out, c.clone())
		}
	}
	return out
}

package i18n

import (
	"slices"
	"strings"
	"sync"

	"focalbot/model"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Countries are shown to a reader by their short name in the reader's
// language, from CLDR's territory names (golang.org/x/text/language/display):
// "Allemagne", "Alemania", "Германия", "德国", "ألمانيا". English keeps the
// names of the country data (model/countries.csv), which follow the UN's.

// CountryName is the short name of the country with the ISO code code in
// language t; the country data's name when t is English or CLDR has none,
// and code itself for a code the data does not know.
func CountryName(t language.Tag, code string) string {
	c, ok := model.CountryByCode(code)
	if !ok {
		return code
	}
	t = Match(t.String())
	if t == English {
		return c.Name
	}
	if n := cldrCountry(t, c.Alpha2); n != "" {
		return n
	}
	return c.Name
}

// cldrCountry is CLDR's name of the region alpha2 in t, or "".
func cldrCountry(t language.Tag, alpha2 string) string {
	r, err := language.ParseRegion(alpha2)
	if err != nil {
		return ""
	}
	return display.Regions(t).Name(r)
}

// CountryNames lists the countries of codes by their names in t, in the
// order of those names there (CountryKey), joined as t lists words:
// "Danemark, Ghana"; "الدانمرك، غانا"; "丹麦、加纳". codes is not changed.
func CountryNames(t language.Tag, codes []string) string {
	sorted := slices.Clone(codes)
	sortCountries(t, sorted)
	names := make([]string, len(sorted))
	for i, c := range sorted {
		names[i] = CountryName(t, c)
	}
	return JoinList(t, names)
}

// sortCountries sorts country codes by the countries' names in t, as t
// orders words (CLDR's collation): "Alemania" before "Dinamarca" in
// Spanish, where English has Denmark before Germany.
func sortCountries(t language.Tag, codes []string) {
	slices.SortStableFunc(codes, func(a, b string) int { return strings.Compare(CountryKey(t, a), CountryKey(t, b)) })
}

// CountryKey is what orders the country with the ISO code code among
// others in t: the collation key of its name there (CountryName), so that
// keys compare as t orders the names. "" (no country) comes first; a code
// the data does not know, after every country, by the code.
func CountryKey(t language.Tag, code string) string {
	if code == "" {
		return ""
	}
	i := slices.Index(Languages, Match(t.String()))
	keys := countryKeys[i]()
	if k, ok := keys[code]; ok {
		return k
	}
	return "\xff" + code
}

// countryKeys are, for each language of Languages, the collation keys of
// every country of the data by code, made the first time one is asked for
// (a collate.Collator is not safe for concurrent use; the keys are).
var countryKeys = func() []func() map[string]string {
	out := make([]func() map[string]string, len(Languages))
	for i, t := range Languages {
		out[i] = sync.OnceValue(func() map[string]string {
			c := collate.New(t)
			var buf collate.Buffer
			keys := map[string]string{}
			for _, ct := range model.Countries() {
				keys[ct.Alpha2] = string(c.KeyFromString(&buf, CountryName(t, ct.Alpha2)))
				buf.Reset()
			}
			return keys
		})
	}
	return out
}()

// JoinList joins items as a list in t: "Australia, Ghana", "Australie, Ghana",
// "澳大利亚、加纳", "أستراليا، غانا".
func JoinList(t language.Tag, items []string) string {
	return strings.Join(items, ListSeparator(t))
}

// ListSeparator is what separates the items of a list in t.
func ListSeparator(t language.Tag) string {
	switch Match(t.String()) {
	case Arabic:
		return "، "
	case SimplifiedChinese:
		return "、"
	}
	return ", "
}

// CountryNamesIn returns, for each language of Languages other than
// English, the names of every country of the data by ISO alpha-2 code, so
// that a country can be found by any of its names (see package match).
func CountryNamesIn() map[string][]string {
	out := map[string][]string{}
	for _, c := range model.Countries() {
		for _, t := range Languages[1:] {
			if n := cldrCountry(t, c.Alpha2); n != "" {
				out[c.Alpha2] = append(out[c.Alpha2], n)
			}
		}
	}
	return out
}

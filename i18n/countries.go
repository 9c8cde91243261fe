package i18n

import (
	"strings"

	"focalbot/model"

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

// CountryNames lists the countries of codes by their names in t, joined
// as t lists words: "Ghana, Danemark"; "غانا، الدانمرك"; "加纳、丹麦".
func CountryNames(t language.Tag, codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = CountryName(t, c)
	}
	return strings.Join(names, ListSeparator(t))
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

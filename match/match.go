// Package match finds countries from what people type: codes, names and
// alternative names, in English and in the other languages focalbot writes
// (CLDR's short names: "Allemagne", "Alemania", "Германия", "德国",
// "ألمانيا"), ignoring case, accents, punctuation and a leading "the", and
// suggests close names when nothing matches.
package match

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"focalbot/i18n"
	"focalbot/model"
)

// Fold returns s lower-cased, with accents removed, apostrophes and full stops
// dropped, other punctuation turned into spaces and spaces collapsed:
// "Côte d’Ivoire" → "cote divoire", "Guinea-Bissau" → "guinea bissau",
// "U.S.A." → "usa".
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case strings.ContainsRune("'’‘ʼ`´.", r):
			// dropped: "d’Ivoire" → "divoire", "U.S." → "us"
		default:
			space = true
		}
	}
	return b.String()
}

// key is the lookup form of a name: folded, without a leading "the".
func key(s string) string {
	return strings.TrimPrefix(Fold(s), "the ")
}

// index is built once from the model's dataset.
type index struct {
	countries []model.Country
	exact     map[string]int   // key of a code, name or alt name -> country
	words     map[string][]int // a name's words, sorted and joined -> countries
	names     [][]string       // per country, the keys of its name and alt names
	conflicts map[string][]int // keys claimed by several countries (a data bug)
}

var getIndex = sync.OnceValue(func() *index {
	x := &index{
		countries: model.Countries(),
		exact:     map[string]int{},
		words:     map[string][]int{},
		conflicts: map[string][]int{},
	}
	x.names = make([][]string, len(x.countries))
	for i, c := range x.countries {
		add := func(k string) {
			if j, ok := x.exact[k]; ok && j != i {
				x.conflicts[k] = append(x.conflicts[k], j, i)
				return
			}
			x.exact[k] = i
		}
		add(strings.ToLower(c.Alpha2))
		add(strings.ToLower(c.Alpha3))
		for _, name := range append([]string{c.Name}, c.AltNames...) {
			k := key(name)
			add(k)
			if !slices.Contains(x.names[i], k) {
				x.names[i] = append(x.names[i], k)
			}
		}
	}
	// Then each country's names in the other languages focalbot writes
	// (CLDR's), so that "Allemagne", "Alemania" and "Германия" find
	// Germany. A name another country already has (in English, or in an
	// earlier language) stays that country's.
	other := i18n.CountryNamesIn()
	for i, c := range x.countries {
		for _, name := range other[c.Alpha2] {
			k := key(name)
			if _, taken := x.exact[k]; taken || k == "" {
				continue
			}
			x.exact[k] = i
			x.names[i] = append(x.names[i], k)
		}
	}
	for i, keys := range x.names {
		for _, k := range keys {
			if w := wordSet(k); !slices.Contains(x.words[w], i) {
				x.words[w] = append(x.words[w], i)
			}
		}
	}
	return x
})

// wordSet is a key's words in sorted order: the same for "dr congo" and
// "congo dr".
func wordSet(k string) string {
	w := strings.Fields(k)
	slices.Sort(w)
	return strings.Join(w, " ")
}

// Country finds a country by code (alpha-2 or alpha-3), name or alternative
// name, ignoring case, accents, punctuation and a leading "the". When nothing
// matches it returns a *model.Error with code model.ENOTFOUND that suggests up
// to three close names, or explains what to type; empty input is
// model.EINVALID.
func Country(query string) (model.Country, error) {
	k := key(query)
	if k == "" {
		return model.Country{}, model.Errorf(model.EINVALID,
			"Type a country's name or its ISO code, such as %q or %q.", "Ghana", "GH")
	}
	x := getIndex()
	if i, ok := x.exact[k]; ok {
		return clone(x.countries[i]), nil
	}
	// The words of one name, in another order: "Congo DR", "Korea South".
	if is := x.words[wordSet(k)]; len(is) == 1 {
		return clone(x.countries[is[0]]), nil
	}
	suggestions := Suggest(query, 3)
	if len(suggestions) == 0 {
		return model.Country{}, model.Errorf(model.ENOTFOUND,
			"Unknown country %q. Use its name or its ISO code, such as %q or %q.", query, "Ghana", "GH")
	}
	return model.Country{}, model.Errorf(model.ENOTFOUND, "Unknown country %q. Did you mean %s?", query, model.CountryChoice(suggestions))
}

// clone copies c so that callers cannot change the index through AltNames.
func clone(c model.Country) model.Country {
	c.AltNames = slices.Clone(c.AltNames)
	return c
}

// Suggest returns up to n countries whose names are close to query, closest
// first. A name is close when it or one of its words starts with a query of at
// least three letters ("switz", "korea"), when each of the query's words
// starts one of its words ("congo dem"), or when its edit distance to the
// query is small for the query's length. Unrelated input gets no suggestions.
func Suggest(query string, n int) []model.Country {
	q := key(query)
	if q == "" || n <= 0 {
		return nil
	}
	limit := max(1, (utf8.RuneCountInString(q)+1)/3)
	x := getIndex()
	type hit struct{ i, score int }
	var hits []hit
	for i, keys := range x.names {
		best := -1
		for _, k := range keys {
			var s int
			if len(q) >= 3 && (strings.HasPrefix(k, q) || strings.Contains(k, " "+q) || wordsStart(k, q)) {
				s = 0
			} else if d := Distance(q, k); d <= limit {
				s = d
			} else {
				continue
			}
			if best < 0 || s < best {
				best = s
			}
		}
		if best >= 0 {
			hits = append(hits, hit{i, best})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(a.i, b.i))
	})
	var out []model.Country
	for _, h := range hits[:min(n, len(hits))] {
		out = append(out, clone(x.countries[h.i]))
	}
	return out
}

// wordsStart says whether a query of several words has each of them at the
// start of a different word of the key k, in any order.
func wordsStart(k, q string) bool {
	qs := strings.Fields(q)
	if len(qs) < 2 {
		return false
	}
	ks := strings.Fields(k)
	used := make([]bool, len(ks))
next:
	for _, w := range qs {
		for i, kw := range ks {
			if !used[i] && strings.HasPrefix(kw, w) {
				used[i] = true
				continue next
			}
		}
		return false
	}
	return true
}

// Confusable returns the other countries whose English name holds c's as
// the start of its words, or whose name c's holds so: Congo and the
// Democratic Republic of the Congo, Niger and Nigeria, Guinea and
// Guinea-Bissau, Dominica and the Dominican Republic, Sudan and South
// Sudan. They are the names a reader may have meant instead.
func Confusable(c model.Country) []model.Country {
	x := getIndex()
	name := key(c.Name)
	var out []model.Country
	for _, o := range x.countries {
		if o.Alpha2 == c.Alpha2 {
			continue
		}
		if other := key(o.Name); startsWords(other, name) || startsWords(name, other) {
			out = append(out, clone(o))
		}
	}
	return out
}

// startsWords says whether part's words start a run of words of k, the
// last of them perhaps longer: "niger" starts "nigeria", "congo" starts
// "democratic republic of the congo"'s last word, "guinea" starts
// "guinea bissau".
func startsWords(k, part string) bool {
	for i := 0; i < len(k); i++ {
		if (i == 0 || k[i-1] == ' ') && strings.HasPrefix(k[i:], part) {
			return true
		}
	}
	return false
}

// Distance is the Levenshtein distance between a and b, counted in runes.
func Distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(t)]
}

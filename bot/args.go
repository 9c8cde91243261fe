package bot

import (
	"strings"
	"unicode"

	"focalbot/model"
)

// Args is a command line split into words, with key=value options apart.
type Args struct {
	Words []string          // positional words, in order
	Opts  map[string]string // options by lower-case key
	Keys  []string          // option keys in the order given
}

// Rest joins the positional words from i on with single spaces.
func (a Args) Rest(i int) string {
	if i >= len(a.Words) {
		return ""
	}
	return strings.Join(a.Words[i:], " ")
}

// isQuote reports whether r opens or closes a quoted string. Slack and phones
// turn straight quotes into curly ones, so both count. Apostrophes do not:
// they occur in names such as Côte d'Ivoire.
func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '„' }

// tokenize splits a line into words. Double quotes (straight or curly) group
// words; they may start in the middle of a word, as in name="Ana Ruiz". A
// backslash makes the quotation mark or backslash after it part of the word,
// as in name="O'Brien; \"Jr\""; before any other character it is itself.
func tokenize(line string) ([]string, error) {
	var (
		words   []string
		cur     strings.Builder
		inWord  bool
		inQuote bool
		escaped bool
	)
	for _, r := range line {
		if escaped {
			escaped = false
			if isQuote(r) || r == '\\' {
				cur.WriteRune(r)
				continue
			}
			cur.WriteRune('\\')
		}
		switch {
		case r == '\\':
			escaped, inWord = true, true
		case isQuote(r):
			inQuote = !inQuote
			inWord = true
		case unicode.IsSpace(r) && !inQuote:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if escaped {
		cur.WriteRune('\\')
	}
	if inQuote {
		return nil, model.Errorf(model.EINVALID, msgUnclosedQuote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// parseArgs sorts words into positional words and key=value options. A word is
// an option when it starts with letters followed by "=".
func parseArgs(words []string) Args {
	a := Args{Opts: map[string]string{}}
	for _, w := range words {
		if k, v, ok := strings.Cut(w, "="); ok && isKey(k) {
			k = strings.ToLower(k)
			if _, dup := a.Opts[k]; !dup {
				a.Keys = append(a.Keys, k)
			}
			a.Opts[k] = strings.TrimSpace(v)
			continue
		}
		a.Words = append(a.Words, w)
	}
	return a
}

func isKey(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		// A dot qualifies a key by language: title.fr=….
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-' || r == '.' && i > 0) {
			return false
		}
	}
	return true
}

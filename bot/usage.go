package bot

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The prose of the usages: the words that name what to type (<country>),
// and the words around examples and lists. A command's Usage is written in
// English, and a reader sees it with each of these replaced by its
// translation (Reply.usage); everything else in a usage is the grammar the
// parser reads (command names, keys before "=", values such as all, guest,
// page, yes|no|maybe, field names, YYYY-MM-DD) and stays as typed. A %s
// stands for grammar inside the prose (an example value, a list of fields).
const (
	msgUsageCommand       = "command"
	msgUsageValue         = "value"
	msgUsageCode          = "code"
	msgUsageCountry       = "country"
	msgUsageCountries     = "countries"
	msgUsageNameOrCode    = "name or code"
	msgUsageRegionalGroup = "regional group"
	msgUsagePageNumber    = "n"
	msgUsageEmail         = "e-mail"
	msgUsagePerson        = "person"
	msgUsageMeeting       = "meeting"
	msgUsageSeries        = "series"
	msgUsagePoll          = "poll"
	msgUsageNote          = "note"
	msgUsageSlotNumber    = "slot number"
	msgUsageSlotNumbersEg = "slot numbers, e.g. %s"
	msgUsageDurationEg    = "duration, e.g. %s or %s"
	msgUsageFields        = "(fields: %s)"
	msgUsageAddressLine   = "line %s"
)

// usageProse lists the prose parts, each once.
var usageProse = []string{
	msgUsageCommand, msgUsageValue, msgUsageCode, msgUsageCountry, msgUsageCountries,
	msgUsageNameOrCode, msgUsageRegionalGroup, msgUsagePageNumber, msgUsageEmail,
	msgUsagePerson, msgUsageMeeting, msgUsageSeries, msgUsagePoll, msgUsageNote,
	msgUsageSlotNumber, msgUsageSlotNumbersEg, msgUsageDurationEg, msgUsageFields,
	msgUsageAddressLine,
}

// prosePattern matches one prose part at the start of a text, its %s
// capturing the grammar inside it.
type prosePattern struct {
	key string
	re  *regexp.Regexp
}

// prosePatterns are the prose parts, the longest first, so that "name or
// code" is one part and not the word "code".
var prosePatterns = func() []prosePattern {
	keys := append([]string(nil), usageProse...)
	sort.SliceStable(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	out := make([]prosePattern, len(keys))
	for i, k := range keys {
		parts := strings.Split(k, "%s")
		var b strings.Builder
		b.WriteString("^")
		for j, p := range parts {
			b.WriteString(regexp.QuoteMeta(p))
			switch {
			case j == len(parts)-1:
			case j == len(parts)-2 && parts[j+1] == "":
				b.WriteString(`([^\s<>\[\]|()"]+)`) // to the end of a word
			default:
				b.WriteString(`([^<>\[\]|()"]+?)`) // to the text that follows
			}
		}
		out[i] = prosePattern{k, regexp.MustCompile(b.String())}
	}
	return out
}()

// grammarRune says whether r can be part of a word of the grammar, so that
// prose is only found as whole words: "country" in [country | …] but not
// in country=… (a key) or field=value (a key and what it stands for).
func grammarRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '=' || r == '_'
}

// proseAt is the prose part that begins at s[i:] as a whole word, its
// length and the grammar it holds, or ok false.
func proseAt(s string, i int) (key string, n int, args []any, ok bool) {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); grammarRune(r) {
			return "", 0, nil, false
		}
	}
	for _, p := range prosePatterns {
		m := p.re.FindStringSubmatch(s[i:])
		if m == nil {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[i+len(m[0]):]); i+len(m[0]) < len(s) && grammarRune(r) {
			continue
		}
		for _, a := range m[1:] {
			args = append(args, a)
		}
		return p.key, len(m[0]), args, true
	}
	return "", 0, nil, false
}

// renderUsage writes usage with each prose part given by tr.
func renderUsage(usage string, tr func(key string, args ...any) string) string {
	var b strings.Builder
	for i := 0; i < len(usage); {
		if key, n, args, ok := proseAt(usage, i); ok {
			b.WriteString(tr(key, args...))
			i += n
			continue
		}
		_, size := utf8.DecodeRuneInString(usage[i:])
		b.WriteString(usage[i : i+size])
		i += size
	}
	return b.String()
}

// usage is c's synopsis as the reader reads it: its name and grammar as
// typed, its prose in the reader's language.
func (w *Reply) usage(c *Command) string {
	if w.p == nil || c.Usage == "" {
		return c.Synopsis()
	}
	return strings.TrimSpace(c.Name + " " + renderUsage(c.Usage, func(key string, args ...any) string { return w.p.Sprintf(key, args...) }))
}

// synopsisArg is a command's synopsis as an argument of a domain error: the
// English synopsis in the error's own message, the reader's when the reply
// writes it (Reply.words).
type synopsisArg struct{ c *Command }

func (s synopsisArg) String() string { return s.c.Synopsis() }

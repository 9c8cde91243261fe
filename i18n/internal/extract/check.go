package extract

import (
	"fmt"
	"sort"
	"strings"

	"focalbot/i18n"

	"golang.org/x/text/language"
)

// Problem is one way a translation file falls short of the source.
type Problem struct {
	Language string
	Key      string
	What     string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %q: %s", p.Language, p.Key, p.What) }

// Check compares the translation of one language with the source's
// messages: a message it lacks, one it holds that the source no longer has,
// a counted message given as a plain one (or the reverse), forms that are
// not the language's CLDR categories, an empty text, and placeholders that
// differ from the source's.
func Check(src map[string]*Message, tag language.Tag, f *i18n.File) []Problem {
	lang := tag.String()
	var out []Problem
	add := func(key, format string, args ...any) {
		out = append(out, Problem{lang, key, fmt.Sprintf(format, args...)})
	}
	var msgs map[string]i18n.Value
	if f != nil {
		msgs = f.Messages
	}
	required, optional := i18n.Forms(tag)
	for key, m := range src {
		v, ok := msgs[key]
		if !ok {
			add(key, "missing (found at %s)", m.Where[0])
			continue
		}
		want := Placeholders(key)
		if !m.Counted {
			if v.Forms != nil {
				add(key, "is not a counted message: give a string, not plural forms")
				continue
			}
			if strings.TrimSpace(v.Text) == "" {
				add(key, "is empty")
				continue
			}
			if got := Placeholders(v.Text); !same(got, want) {
				add(key, "has placeholders %v, the source has %v", got, want)
			}
			continue
		}
		if v.Forms == nil {
			add(key, "counts something: give its forms by plural category (%s)", strings.Join(required, ", "))
			continue
		}
		for _, c := range required {
			if _, ok := v.Forms[c]; !ok {
				add(key, "lacks the plural form %q (%s needs %s)", c, lang, strings.Join(required, ", "))
			}
		}
		for c, s := range v.Forms {
			if !contains(required, c) && !contains(optional, c) {
				add(key, "has the plural form %q, which %s does not use (%s)", c, lang, strings.Join(append(required, optional...), ", "))
				continue
			}
			if strings.TrimSpace(s) == "" {
				add(key, "its form %q is empty", c)
				continue
			}
			if got := Placeholders(s); !same(got, want) {
				add(key, "its form %q has placeholders %v, the source has %v", c, got, want)
			}
		}
	}
	for key := range msgs {
		if _, ok := src[key]; !ok {
			add(key, "is not in the source any more: remove it")
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Key < out[j].Key || out[i].Key == out[j].Key && out[i].What < out[j].What
	})
	return out
}

// Skeleton returns the messages of src that f lacks, with empty texts (and
// for a counted message its required forms), for a translator to fill.
func Skeleton(src map[string]*Message, tag language.Tag, f *i18n.File) i18n.File {
	out := i18n.File{Language: tag.String(), Messages: map[string]i18n.Value{}}
	required, _ := i18n.Forms(tag)
	for key, m := range src {
		if f != nil {
			if _, ok := f.Messages[key]; ok {
				continue
			}
		}
		if m.Counted {
			forms := map[string]string{}
			for _, c := range required {
				forms[c] = ""
			}
			out.Messages[key] = i18n.Value{Forms: forms}
		} else {
			out.Messages[key] = i18n.Value{}
		}
	}
	return out
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

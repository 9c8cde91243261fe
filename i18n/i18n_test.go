package i18n_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"focalbot/i18n"
	"focalbot/i18n/internal/extract"
)

// TestCatalog finds every message in the module's source and checks each
// language's file against it: none missing, none stale, the plural forms of
// the language, the source's placeholders, the files' one layout. Until a
// language is translated it fails here; what to do is in the README
// ("Adding a language").
func TestCatalog(t *testing.T) {
	if err := i18n.LoadError(); err != nil {
		t.Fatal(err)
	}
	root, err := extract.Module(".")
	if err != nil {
		t.Fatal(err)
	}
	src, err := extract.Messages(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(src) < 100 {
		t.Fatalf("found only %d messages in %s: the extraction is broken", len(src), root)
	}
	files, err := i18n.Files(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	byLang := map[string]*i18n.File{}
	for i := range files {
		byLang[files[i].Language] = &files[i]
	}
	for _, tag := range i18n.Languages[1:] {
		t.Run(tag.String(), func(t *testing.T) {
			f := byLang[tag.String()]
			if f == nil {
				t.Errorf("no file locales/%s.json: go run ./i18n/cmd/i18nmissing -w %s makes one to fill", tag, tag)
			}
			problems := extract.Check(src, tag, f)
			missing := 0
			for _, p := range problems {
				if strings.HasPrefix(p.What, "missing") {
					missing++
					if missing > 10 {
						continue
					}
				}
				t.Error(p)
			}
			if missing > 0 {
				t.Errorf("%s lacks %d of %d messages: go run ./i18n/cmd/i18nmissing %s prints them", tag, missing, len(src), tag)
			}
			if f != nil {
				raw, err := os.ReadFile(f.Name)
				if err != nil {
					t.Fatal(err)
				}
				want, err := f.Encode()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(raw, want) {
					t.Errorf("%s is not in the files' layout (2-space indent, keys sorted, no \\u escapes of <>&): go run ./i18n/cmd/i18nmissing -w %s rewrites it", f.Name, tag)
				}
			}
		})
	}
	// Every counted message of the source is registered with the catalog
	// by its package; the ones this test binary links are checked here.
	for key, p := range i18n.Registered() {
		m, ok := src[key]
		if !ok || !m.Counted || m.Arg != p.Arg || m.One != p.One {
			t.Errorf("registered plural %q does not match the source's %+v", key, m)
		}
	}
}

// TestPunctuationOnlyMessages: a format made of placeholders and the marks
// languages punctuate differently ("%s: %s") is a message of the catalog,
// and French writes its space before ":", ";", "?" and "!" ("%s : %s"), as
// the rest of the French file does.
func TestPunctuationOnlyMessages(t *testing.T) {
	root, err := extract.Module(".")
	if err != nil {
		t.Fatal(err)
	}
	src, err := extract.Messages(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"%s: %s", "%s; %s", "%s: %q → %q", "  • %s: %s"} {
		if src[key] == nil {
			t.Errorf("%q is not found as a message", key)
		}
	}
	files, err := i18n.Files(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	var fr *i18n.File
	for i := range files {
		if files[i].Language == "fr" {
			fr = &files[i]
		}
	}
	if fr == nil {
		t.Fatal("no French file")
	}
	verbs := regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[\d+\])?[a-zA-Z%]`)
	tight := regexp.MustCompile(`[^\s][:;?!]`)
	n := 0
	for key := range src {
		if strings.IndexFunc(verbs.ReplaceAllString(key, ""), unicode.IsLetter) >= 0 {
			continue // a message with words: its translator punctuates it
		}
		n++
		if v := fr.Messages[key]; tight.MatchString(v.Text) {
			t.Errorf("fr: %q is %q: French puts a space before : ; ? !", key, v.Text)
		}
	}
	if n < 5 {
		t.Errorf("only %d messages of placeholders and punctuation", n)
	}
}

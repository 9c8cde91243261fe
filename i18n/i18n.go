// Package i18n is focalbot's one message catalog: every sentence a person
// can see is looked up here and comes out in the reader's language.
//
// The English source of a message is its format string as written in the
// code (a msgX constant, the format of a model.Errorf, a command's
// description). Translations are the files locales/<tag>.json, one per
// language, embedded at build time; their format is described in the README
// ("Adding a language"). A message that counts something has its English
// singular registered with RegisterPlurals, and each translation gives its
// forms by the CLDR plural categories of its language, selected by
// golang.org/x/text's plural rules.
//
// The languages are the six of the United Nations (Languages); any other
// falls back to English (Match). The test of this package finds every
// message in the module's source and fails when a translation is missing,
// stale or has placeholders that differ from the source.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The languages focalbot writes: English (the source, and the fallback),
// Arabic, Chinese (simplified), French, Russian and Spanish.
var (
	English           = language.English
	Arabic            = language.Arabic
	SimplifiedChinese = language.MustParse("zh-Hans")
	French            = language.French
	Russian           = language.Russian
	Spanish           = language.Spanish
)

// Languages lists the languages with a translation, English first.
var Languages = []language.Tag{English, Arabic, SimplifiedChinese, French, Russian, Spanish}

var matcher = language.NewMatcher(Languages)

// languageNames are Languages' tags as written ("zh-Hans"): what Match
// returns at once for a tag that is one of them, as every reader's
// language is once matched, without parsing it again (a match costs a
// microsecond, and a country list in an e-mail asks for dozens).
var languageNames = func() []string {
	out := make([]string, len(Languages))
	for i, t := range Languages {
		out[i] = t.String()
	}
	return out
}()

// Match returns the language of Languages that best serves s, a BCP 47 tag
// as a profile or a Slack locale gives it ("fr", "fr-FR", "zh-CN", "es-419",
// "ar_SA"), or English when none does (or s is empty or not a tag).
func Match(s string) language.Tag {
	for i, n := range languageNames {
		if s == n {
			return Languages[i]
		}
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", "-"))
	if s == "" {
		return English
	}
	t, err := language.Parse(s)
	if err != nil {
		return English
	}
	_, i, conf := matcher.Match(t)
	if conf == language.No {
		return English
	}
	return Languages[i]
}

// Supported reports whether s names one of Languages (in any of its
// regional forms), so that a profile can refuse a language it cannot serve.
func Supported(s string) bool {
	t := Match(s)
	if t != English {
		return true
	}
	b, err := language.Parse(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
	if err != nil {
		return false
	}
	base, _ := b.Base()
	return base.String() == "en"
}

// Dir is the direction of a language's script: "rtl" for Arabic, "ltr" for
// the others, as HTML's dir attribute takes it.
func Dir(t language.Tag) string {
	if Match(t.String()) == Arabic {
		return "rtl"
	}
	return "ltr"
}

// Plural is a message that counts something: Key is its English text for
// every count but one (and the key translations are filed under), Arg the
// argument (from 1) that holds the count, One the English text for a count
// of one.
type Plural struct {
	Key string
	Arg int
	One string
}

//go:embed locales
var localeFiles embed.FS

// cat is the program's one message catalog.
var cat = catalog.NewBuilder(catalog.Fallback(English))

var (
	mu sync.Mutex
	// counted holds, per language, the forms of counted messages read from
	// its file, set into the catalog when the message is registered (only
	// then is its count argument known).
	counted  = map[language.Tag]map[string]map[string]string{}
	plurals  = map[string]Plural{}
	printers sync.Map // language.Tag -> *message.Printer
	// loadErrors holds, per language, the error met reading its file.
	loadErrors = map[language.Tag]error{}
)

// loaded has one Once per language of Languages: a language's file is read
// into the catalog the first time a printer for it is asked for, not at
// start-up, so that a program that writes only English (most of them, most
// of the time) does not parse and keep the other five.
var loaded = make([]sync.Once, len(Languages))

// ensure reads the translation file of t (one of Languages) into the
// catalog, once.
func ensure(t language.Tag) {
	for i, l := range Languages {
		if l == t {
			loaded[i].Do(func() { loadLanguage(l) })
			return
		}
	}
}

func loadLanguage(t language.Tag) {
	if t == English {
		return // the source: its messages are their own keys
	}
	f, err := readFile(localeFiles, "locales/"+t.String()+".json")
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err == nil {
		err = load([]File{f})
	}
	if err != nil {
		mu.Lock()
		loadErrors[t] = err
		mu.Unlock()
	}
}

// load puts the plain messages of files into the catalog, and the forms of
// their counted ones for the messages registered already; it keeps those
// for RegisterPlurals.
func load(files []File) error {
	mu.Lock()
	defer mu.Unlock()
	for _, f := range files {
		tag := language.MustParse(f.Language)
		for key, v := range f.Messages {
			if v.Forms != nil {
				if counted[tag] == nil {
					counted[tag] = map[string]map[string]string{}
				}
				counted[tag][key] = v.Forms
				if p, ok := plurals[key]; ok {
					setForms(tag, p, v.Forms)
				}
				continue
			}
			if err := cat.SetString(tag, key, v.Text); err != nil {
				return fmt.Errorf("i18n: %s: %q: %w", f.Language, key, err)
			}
		}
	}
	return nil
}

// LoadError is the error, if any, met reading the embedded translations;
// the catalog then holds what it could read. It reads every language's
// file. The package test reports it.
func LoadError() error {
	for _, t := range Languages {
		ensure(t)
	}
	mu.Lock()
	defer mu.Unlock()
	var errs []error
	for _, t := range Languages {
		if err := loadErrors[t]; err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RegisterPlurals adds counted messages to the catalog: their English forms
// for every language without its own, and each translation's forms by its
// CLDR plural categories. Packages call it from init with their plurals
// table.
func RegisterPlurals(ps ...Plural) {
	mu.Lock()
	defer mu.Unlock()
	for _, p := range ps {
		plurals[p.Key] = p
		if err := cat.Set(language.Und, p.Key, plural.Selectf(p.Arg, "%d", "=1", p.One, "other", p.Key)); err != nil {
			panic("i18n: plural of " + p.Key + ": " + err.Error())
		}
		for tag, msgs := range counted {
			if forms, ok := msgs[p.Key]; ok {
				setForms(tag, p, forms)
			}
		}
	}
}

// setForms sets a translation's forms of the counted message p, by their
// CLDR plural categories; mu is held.
func setForms(tag language.Tag, p Plural, forms map[string]string) {
	var cases []any
	for _, c := range Categories {
		if s, ok := forms[c]; ok {
			cases = append(cases, c, s)
		}
	}
	if err := cat.Set(tag, p.Key, plural.Selectf(p.Arg, "%d", cases...)); err != nil {
		panic("i18n: " + tag.String() + " plural of " + p.Key + ": " + err.Error())
	}
}

// Registered returns the counted messages registered so far, by key.
func Registered() map[string]Plural {
	mu.Lock()
	defer mu.Unlock()
	out := make(map[string]Plural, len(plurals))
	for k, v := range plurals {
		out[k] = v
	}
	return out
}

// Printer returns the printer of the catalog for the language of Languages
// that best serves t (English for any other).
func Printer(t language.Tag) *message.Printer {
	t = Match(t.String())
	if p, ok := printers.Load(t); ok {
		return p.(*message.Printer)
	}
	ensure(t)
	p, _ := printers.LoadOrStore(t, message.NewPrinter(t, message.Catalog(cat)))
	return p.(*message.Printer)
}

// PrinterFor is Printer for a language as a profile or a Slack locale
// writes it ("fr", "es-419"); see Match.
func PrinterFor(lang string) *message.Printer { return Printer(Match(lang)) }

// Categories are the CLDR plural categories, in the order a translation
// file lists them.
var Categories = []string{"zero", "one", "two", "few", "many", "other"}

// File is one translation file, as FORMAT of the README describes it.
type File struct {
	Language string           `json:"language"`
	Messages map[string]Value `json:"messages"`
	Name     string           `json:"-"` // its path inside the locales folder
}

// Value is a translation: a string, or for a counted message its forms by
// plural category.
type Value struct {
	Text  string
	Forms map[string]string
}

// UnmarshalJSON reads a string or an object of strings.
func (v *Value) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, &v.Forms)
	}
	return json.Unmarshal(b, &v.Text)
}

// MarshalJSON writes a string, or the forms as an object.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.Forms != nil {
		return marshal(v.Forms)
	}
	return marshal(v.Text)
}

func marshal(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// Encode writes f in the files' one layout: 2-space indent, keys sorted,
// no HTML escapes, a final newline.
func (f File) Encode() ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	msgs := f.Messages
	if msgs == nil {
		msgs = map[string]Value{}
	}
	if err := enc.Encode(struct {
		Language string           `json:"language"`
		Messages map[string]Value `json:"messages"`
	}{f.Language, msgs}); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// Files reads every locales/*.json of fsys, sorted by name. A file that is
// not valid JSON, names a language that is not a tag, or holds a form that is
// not a CLDR category is an error.
func Files(fsys fs.FS) ([]File, error) {
	names, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []File
	for _, name := range names {
		f, err := readFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// readFile reads and checks the translation file name of fsys, as Files.
func readFile(fsys fs.FS, name string) (File, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return File{}, err
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return File{}, fmt.Errorf("i18n: %s: %w", name, err)
	}
	f.Name = name
	if _, err := language.Parse(f.Language); err != nil {
		return File{}, fmt.Errorf("i18n: %s: language %q: %w", name, f.Language, err)
	}
	if want := strings.TrimSuffix(path.Base(name), ".json"); f.Language != want {
		return File{}, fmt.Errorf("i18n: %s: its language is %q, not %q as its name says", name, f.Language, want)
	}
	for key, v := range f.Messages {
		for c := range v.Forms {
			if !isCategory(c) {
				return File{}, fmt.Errorf("i18n: %s: %q: %q is not a CLDR plural category (%s)", name, key, c, strings.Join(Categories, ", "))
			}
		}
	}
	return f, nil
}

// Embedded returns the translation files built into the program.
func Embedded() ([]File, error) { return Files(localeFiles) }

func isCategory(c string) bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// Forms returns the plural categories a translation into t must give for a
// counted message (the ones CLDR's rules select for whole numbers, and
// "other"), and those it may give besides.
func Forms(t language.Tag) (required, optional []string) {
	seen := map[plural.Form]bool{plural.Other: true}
	for n := 0; n <= 1000; n++ {
		seen[plural.Cardinal.MatchPlural(t, n, 0, 0, 0, 0)] = true
	}
	for _, c := range Categories {
		if seen[formOf[c]] {
			required = append(required, c)
		}
	}
	// CLDR gives French and Spanish a "many" for millions ("1 000 000 de
	// messages"), which x/text's rules do not select.
	if b, _ := t.Base(); (b.String() == "fr" || b.String() == "es") && !seen[plural.Many] {
		optional = append(optional, "many")
	}
	return required, optional
}

var formOf = map[string]plural.Form{
	"zero": plural.Zero, "one": plural.One, "two": plural.Two,
	"few": plural.Few, "many": plural.Many, "other": plural.Other,
}

var defaultLanguage atomic.Value // language.Tag

// SetDefault sets the network's language (FOCALBOT_LANGUAGE), which a
// reader gets who has none of their own; it is one of Languages (see
// Match). The default default is English.
func SetDefault(t language.Tag) { defaultLanguage.Store(Match(t.String())) }

// Default is the network's language, set by SetDefault.
func Default() language.Tag {
	if t, ok := defaultLanguage.Load().(language.Tag); ok {
		return t
	}
	return English
}

// Reader is the language a reader gets: the first of langs that is set, in
// the order of precedence (their profile's language, then what their chat
// system says, such as their Slack locale), matched to Languages; the
// network's Default when none is set.
func Reader(langs ...string) language.Tag {
	for _, l := range langs {
		if strings.TrimSpace(l) != "" {
			return Match(l)
		}
	}
	return Default()
}

package extract

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"focalbot/i18n"
)

func write(t *testing.T, root, name, text string) {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMessages runs the extraction over a small module that uses every way
// of declaring a message, and some that are not messages.
func TestMessages(t *testing.T) {
	root := t.TempDir()
	write(t, root, "go.mod", "module x\n")
	write(t, root, "a/a.go", `package a

import "x/i18n"

const (
	msgHello = "Hello, %s."
	msgJoined = "Part one, " + "part two."
	msgCount = "%d people"
	notAMessage = "internal"
	msgNoWords = "  %d. %s"
	msgColon = "%s: %s"
	msgDash = "%s — %s %d"
	msgParens = "%s (%d)"
)

var plurals = []i18n.Plural{{Key: msgCount, Arg: 1, One: "%d person"}}

var cmds = []Command{{Name: "help", Usage: "[command]", Description: "what I can do"}}

var tmpl = `+"`"+`{{.T "Dear %s," .Name}} {{ .T "in \"quotes\"" }} {{.Title}}`+"`"+`

func f(p printer) error {
	p.Printf("Printed %d.", 3)
	fmt.Printf("not a message %d", 3)
	return model.Errorf(model.EINVALID, "Bad %q.", "x")
}
`)
	write(t, root, "model/m.go", `package model

func g() error { return FieldErrorf("title", EINVALID, "Too long (%d).", 3) }
`)
	write(t, root, "a/a_test.go", `package a

const msgInTest = "Only in a test."
`)
	write(t, root, "other/go.mod", "module other\n")
	write(t, root, "other/o.go", "package o\n\nconst msgOther = \"Another module.\"\n")
	got, err := Messages(root)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	want := []string{"%s: %s", "%s (%d)", "Dear %s,", `in "quotes"`, "%d people", "Bad %q.", "Hello, %s.", "Part one, part two.", "Printed %d.", "Too long (%d).", "what I can do"}
	if !sameSet(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	if c := got["%d people"]; c == nil || !c.Counted || c.Arg != 1 || c.One != "%d person" {
		t.Errorf("counted message: %+v", c)
	}
	if got["Hello, %s."].Where[0] != "a/a.go:6" {
		t.Errorf("where: %v", got["Hello, %s."].Where)
	}
}

// TestBadPlurals: a singular whose placeholders differ from its message's,
// or a count argument the message does not print with %d, is an error.
func TestBadPlurals(t *testing.T) {
	root := t.TempDir()
	write(t, root, "go.mod", "module x\n")
	write(t, root, "a/a.go", `package a

import "x/i18n"

const (
	msgA = "%d files in %s"
	msgB = "%s has %d files"
)

var plurals = []i18n.Plural{{Key: msgA, Arg: 1, One: "one file"}, {Key: msgB, Arg: 1, One: "%s has %d file"}}
`)
	_, err := Messages(root)
	if err == nil || !strings.Contains(err.Error(), `the singular "one file"`) || !strings.Contains(err.Error(), `has no argument 1 to count`) {
		t.Errorf("err = %v", err)
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func TestPlaceholders(t *testing.T) {
	for in, want := range map[string][]string{
		"%s has %d":              {"1:s", "2:d"},
		"%[2]d chez %[1]s":       {"1:s", "2:d"},
		"100%% of %q":            {"1:q"},
		"%-10s|%5.2f|%v":         {"1:s", "2:f", "3:v"},
		"%[2]s then %s":          {"2:s", "3:s"},
		"no placeholders at all": nil,
	} {
		if got := Placeholders(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Placeholders(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheck gives a translation each kind of fault the catalog test reports.
func TestCheck(t *testing.T) {
	src := map[string]*Message{
		"Hello, %s.":  {Key: "Hello, %s.", Where: []string{"a.go:1"}},
		"Bye.":        {Key: "Bye.", Where: []string{"a.go:2"}},
		"Gone %d.":    {Key: "Gone %d.", Where: []string{"a.go:3"}},
		"%d people":   {Key: "%d people", Counted: true, Arg: 1, One: "%d person", Where: []string{"a.go:4"}},
		"%s and %d":   {Key: "%s and %d", Where: []string{"a.go:5"}},
		"Empty here.": {Key: "Empty here.", Where: []string{"a.go:6"}},
	}
	ru := &i18n.File{Language: "ru", Messages: map[string]i18n.Value{
		"Hello, %s.":  {Text: "Здравствуйте, %d."},
		"Gone %d.":    {Forms: map[string]string{"one": "%d"}},
		"%d people":   {Forms: map[string]string{"one": "%d человек", "few": "%d человека", "other": "%d человека", "zero": "%d"}},
		"%s and %d":   {Text: "%[2]d и %[1]s"},
		"Empty here.": {Text: " "},
		"Stale.":      {Text: "Устарело."},
	}}
	var got []string
	for _, p := range Check(src, i18n.Russian, ru) {
		got = append(got, p.Key+" "+strings.SplitN(p.What, " ", 3)[0]+" "+strings.SplitN(p.What, " ", 3)[1])
	}
	want := []string{
		"%d people has the", "%d people lacks the",
		"Bye. missing (found",
		"Empty here. is empty",
		"Gone %d. is not",
		"Hello, %s. has placeholders",
		"Stale. is not",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n%q\nwant\n%q", got, want)
	}
	sk := Skeleton(src, i18n.Russian, ru)
	if len(sk.Messages) != 1 || sk.Messages["Bye."].Text != "" || sk.Messages["Bye."].Forms != nil {
		t.Errorf("skeleton: %+v", sk.Messages)
	}
	sk = Skeleton(src, i18n.Arabic, nil)
	if f := sk.Messages["%d people"].Forms; len(f) != 6 {
		t.Errorf("Arabic skeleton of a counted message: %v, want six forms", f)
	}
}

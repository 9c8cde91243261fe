package main

import (
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
)

// TestSkeleton prints Russian's missing messages and reads them back: the
// files' format, counted messages with Russian's plural categories.
func TestSkeleton(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); done <- b }()
	err = run("ru-RU", false)
	w.Close()
	os.Stdout = stdout
	out := <-done
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Language string                     `json:"language"`
		Messages map[string]json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if f.Language != "ru" {
		t.Errorf("language %q", f.Language)
	}
	// A counted message still to translate has Russian's categories; once
	// Russian is complete there is none left to look at.
	for key, raw := range f.Messages {
		if !strings.HasPrefix(string(raw), "{") {
			continue
		}
		for _, c := range []string{`"one"`, `"few"`, `"many"`, `"other"`} {
			if !strings.Contains(string(raw), c) {
				t.Errorf("%q lacks %s: %s", key, c, raw)
			}
		}
	}
	if err := run("pt", false); err == nil || !strings.Contains(err.Error(), "not one of") {
		t.Errorf("pt: %v", err)
	}
}

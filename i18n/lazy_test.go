package i18n_test

import (
	"sync"
	"testing"

	"focalbot/i18n"
)

// TestLanguagesLoadOnFirstUse: a language's translations are read the first
// time a printer for it is asked for, by however many goroutines at once,
// and every one of them gets them.
func TestLanguagesLoadOnFirstUse(t *testing.T) {
	const key, want = "(This command is not open to you.)", "(Cette commande ne vous est pas ouverte.)"
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Go(func() { got[i] = i18n.PrinterFor("fr-CA").Sprintf(key) })
	}
	wg.Wait()
	for i, g := range got {
		if g != want {
			t.Fatalf("goroutine %d: %q, want %q", i, g, want)
		}
	}
	if g := i18n.PrinterFor("en").Sprintf(key); g != key {
		t.Errorf("English: %q", g)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportReportsEveryMistake: the import command reports every mistake of
// every line, and counts bad lines and mistakes in words that agree with the
// count.
func TestImportReportsEveryMistake(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		dir := t.TempDir()
		write := func(name, text string) string {
			file := filepath.Join(dir, name)
			if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			return file
		}
		bad := write("bad.csv", "name,email,country,role,tz\nAma Owusu,ama@gh.example.org,Atlantis,chief,Mars/Base\n")
		_, errs, err := focalbot(t, "", "import", bad)
		if err == nil || !strings.Contains(err.Error(), "has 1 bad line; nothing was imported") {
			t.Errorf("import of one bad line: err = %v", err)
		}
		for _, want := range []string{`:2: Unknown country "Atlantis"`, `:2: Unknown role "chief"`, `:2: Unknown time zone "Mars/Base"`} {
			if !strings.Contains(errs, want) {
				t.Errorf("stderr does not report %q:\n%s", want, errs)
			}
		}

		// Without a country column, the people are checked against the
		// roster: two new focal points without a country are two mistakes.
		partial := write("partial.csv", "name,email\nAma Owusu,ama@gh.example.org\nKofi Mensah,kofi@gh.example.org\n")
		_, errs, err = focalbot(t, "", "import", partial)
		if err == nil || !strings.Contains(err.Error(), "has 2 mistakes; nothing was imported") {
			t.Errorf("import of two bad rows: err = %v", err)
		}
		for _, want := range []string{"Line 2: A focal-point needs a country", "Line 3: A focal-point needs a country"} {
			if !strings.Contains(errs, want) {
				t.Errorf("stderr does not report %q:\n%s", want, errs)
			}
		}

		// In a French network (FOCALBOT_LANGUAGE), the same mistakes in
		// French, on both paths: the file's own and the roster's.
		setenv(t, "FOCALBOT_LANGUAGE", "fr")
		_, errs, err = focalbot(t, "", "import", bad)
		if err == nil || !strings.Contains(err.Error(), "contient 1 ligne erronée ; rien n'a été importé") {
			t.Errorf("import of one bad line in French: err = %v", err)
		}
		if want := `:2: Rôle inconnu "chief" : utilisez`; !strings.Contains(errs, want) {
			t.Errorf("stderr does not report %q:\n%s", want, errs)
		}
		_, errs, err = focalbot(t, "", "import", partial)
		if err == nil || strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("import of two bad rows in French: err = %v", err)
		}
		if want := "Ligne 3 : Le rôle focal-point exige un pays."; !strings.Contains(errs, want) {
			t.Errorf("stderr does not report %q:\n%s", want, errs)
		}
	})
}

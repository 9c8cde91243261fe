package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"
)

// TestDelegationInTheConsole: Ghana's focal point sends a colleague from
// the console, the secretariat records Denmark's answer given by telephone,
// status counts the countries first, and the colleague's invitation, as an
// .eml in the outbox folder, names him DELEGATED-FROM the focal point.
func TestDelegationInTheConsole(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		mustRun(t, "", "import", "examples/r2p-2012.csv")
		now := "--now=2012-08-01T09:00:00-04:00"
		const ruth, kwame = "ruth.adler@globalcentre.example.org", "kwame.boateng@gh.example.org"
		mustRun(t, `meeting create title="Second Meeting" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"
invite 1 all
`, now, "--as", ruth)
		out := mustRun(t, `delegate 1 kojo.asante@gh.example.org title="Counsellor"
delegate 1 kojo.asante@gh.example.org name="Kojo Asante" title=Counsellor
`, now, "--as", kwame)
		if !strings.Contains(out, "name=") || !strings.Contains(out, "Kojo Asante is invited to meeting 1 in your place") {
			t.Fatalf("the focal point's session:\n%s", out)
		}
		out = mustRun(t, "rsvp yes 1\n", now, "--as", "kojo.asante@gh.example.org")
		if !strings.Contains(out, "your answer is coming") {
			t.Fatalf("the colleague's answer:\n%s", out)
		}
		out = mustRun(t, "rsvp no 1 for mette.sorensen@dk.example.org\nstatus 1\naudit Denmark\n", now, "--as", ruth)
		for _, want := range []string{"Recorded for Mette Sørensen: not coming", "— coming: 1, maybe: 0, declined: 1, silent:",
			"African: 1 of 54 — Ghana", "delegated: Kwame Boateng (Ghana) → Kojo Asante", "coming: Kojo Asante (Ghana)"} {
			if !strings.Contains(out, want) {
				t.Errorf("the secretariat's session does not say %q:\n%s", want, out)
			}
		}
		files, _ := filepath.Glob(filepath.Join(getenvOf(t, "FOCALBOT_DATA_DIR"), "outbox", "*.eml"))
		var found bool
		for _, f := range files {
			raw, _ := os.ReadFile(f)
			if !bytes.Contains(raw, []byte("kojo.asante@gh.example.org")) || !bytes.Contains(raw, []byte("method=REQUEST")) {
				continue
			}
			ics := calendarPart(t, raw)
			unfolded := strings.ReplaceAll(ics, "\r\n ", "")
			found = strings.Contains(unfolded, `DELEGATED-FROM="mailto:kwame.boateng@gh.example.org"`) &&
				strings.Contains(unfolded, `DELEGATED-TO="mailto:kojo.asante@gh.example.org";PARTSTAT=DELEGATED`)
			if !found {
				t.Errorf("the colleague's invitation does not name the delegation:\n%s", ics)
			}
		}
		if !found {
			t.Errorf("no invitation to the colleague among %d messages", len(files))
		}
	})
}

// calendarPart is the text/calendar part of a message, decoded.
func calendarPart(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return ""
		} else if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/calendar") {
			b, _ := io.ReadAll(p.Body)
			return string(b)
		}
	}
}

package calendar

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestRealParsers has the golden files read by the parsers of real
// calendars (ical.js, Python's icalendar, libical) through scripts/check-ics,
// and checks that each of them puts every event at the time it was encoded
// for. It skips when those parsers are not installed, unless
// FOCALBOT_TEST_REQUIRE_CHECK_ICS=1 (as in CI); scripts/check-ics installs
// them.
func TestRealParsers(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: runs three external parsers")
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "check-ics"))
	if err != nil {
		t.Fatal(err)
	}
	cases := goldenCases(t)
	var files []string
	want := map[string]string{} // "file\tuid" → "start\tend"
	for _, c := range cases {
		file := filepath.Join("testdata", c.name+".ics")
		files = append(files, file)
		for _, ev := range c.events {
			want[file+"\t"+ev.UID] = utc(ev.Start) + "\t" + utc(ev.End)
		}
	}

	cmd := exec.Command("bash", append([]string{script, "--no-install"}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) && exitErr.ExitCode() == 3 {
		msg := "real-world iCalendar parsers not installed (run scripts/check-ics once to install them): " + strings.TrimSpace(stderr.String())
		if os.Getenv("FOCALBOT_TEST_REQUIRE_CHECK_ICS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if err != nil {
		t.Fatalf("scripts/check-ics: %v\n%s%s", err, stdout.String(), stderr.String())
	}

	seen := map[string][]string{} // parser → "file\tuid" seen
	for line := range strings.Lines(stdout.String()) {
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 6 || f[0] != "event" {
			continue
		}
		parser, key, times := f[1], f[2]+"\t"+f[3], f[4]+"\t"+f[5]
		seen[parser] = append(seen[parser], key)
		if w, ok := want[key]; !ok {
			t.Errorf("%s: unexpected event %s", parser, key)
		} else if times != w {
			t.Errorf("%s: %s at %s, want %s", parser, key, times, w)
		}
	}
	if len(seen) < 2 {
		t.Fatalf("%d parsers answered, want at least two:\n%s", len(seen), stderr.String())
	}
	for parser, keys := range seen {
		if len(keys) != len(want) {
			sort.Strings(keys)
			t.Errorf("%s saw %d events, want %d: %v", parser, len(keys), len(want), keys)
		}
	}
	t.Log(strings.TrimSpace(stderr.String()))
}

func utc(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

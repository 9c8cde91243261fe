package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLineIsQuiet: import, export and version print their answers,
// not the migrations' INFO lines, unless FOCALBOT_LOG_LEVEL asks for them.
func TestCommandLineIsQuiet(t *testing.T) {
	env(t, filepath.Join(t.TempDir(), "f.db"))
	for _, args := range [][]string{{"import", "examples/r2p-2012.csv"}, {"export"}, {"version"}} {
		if _, errs, err := focalbot(t, "", args...); err != nil || errs != "" {
			t.Errorf("%v: err = %v, stderr:\n%s", args, err, errs)
		}
	}
	env(t, filepath.Join(t.TempDir(), "f.db"))
	t.Setenv("FOCALBOT_LOG_LEVEL", "info")
	if _, errs, err := focalbot(t, "", "export"); err != nil || !strings.Contains(errs, "applying database migration") {
		t.Errorf("FOCALBOT_LOG_LEVEL=info: err = %v, stderr:\n%s", err, errs)
	}
}

package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"focalbot/model"
)

// The end-to-end tests give each program an environment of its own, never
// the process's: env sets one up for a test, setenv changes a setting in
// it, and runIn runs the program once as main does, with a copy of the
// test's environment as it is then, and closes what it opened.

// envs are the tests' environments, by test.
var envs sync.Map // *testing.T → *testEnv

type testEnv struct {
	mu   sync.Mutex
	vars map[string]string
}

// env points focalbot at a fresh database of the given backend, with the
// settings every end-to-end test starts from.
func env(t *testing.T, dsn string) {
	e := &testEnv{vars: map[string]string{
		"FOCALBOT_DATA_DIR":    t.TempDir(),
		"FOCALBOT_DB":          dsn,
		"FOCALBOT_SECRETARIAT": "ruth.adler@globalcentre.example.org",
		"FOCALBOT_TZ":          "America/New_York",
	}}
	envs.Store(t, e)
	t.Cleanup(func() { envs.Delete(t) })
}

// envOf is t's environment, set up by env.
func envOf(t *testing.T) *testEnv {
	t.Helper()
	e, ok := envs.Load(t)
	if !ok {
		t.Fatal("no environment for this test: call env(t, dsn) first")
	}
	return e.(*testEnv)
}

// setenv sets one setting of t's environment, for the programs run after.
func setenv(t *testing.T, name, value string) {
	t.Helper()
	e := envOf(t)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vars[name] = value
}

// getenvOf reads one setting of t's environment.
func getenvOf(t *testing.T, name string) string {
	t.Helper()
	e := envOf(t)
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.vars[name]
}

// runIn runs the program once in t's environment, and closes what it opened.
func runIn(t *testing.T, ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	t.Helper()
	e := envOf(t)
	e.mu.Lock()
	vars := maps.Clone(e.vars)
	e.mu.Unlock()
	m := &Main{Args: args, Getenv: getenv(vars), Stdin: stdin, Stdout: stdout, Stderr: stderr}
	err := m.Run(ctx)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return err
}

// environment is a test's own environment for a Main, on a fresh SQLite
// file, instead of the process's.
func environment(t *testing.T) map[string]string {
	dir := t.TempDir()
	return map[string]string{
		"FOCALBOT_DATA_DIR":    dir,
		"FOCALBOT_DB":          filepath.Join(dir, "focalbot.db"),
		"FOCALBOT_SECRETARIAT": "ruth.adler@globalcentre.example.org",
		"FOCALBOT_TZ":          "America/New_York",
	}
}

// getenv reads env as os.Getenv reads the process's environment.
func getenv(env map[string]string) func(string) string {
	return func(name string) string { return env[name] }
}

// TestMainReadsOnlyItsEnvironment: a Main reads the settings it is given,
// not the process's, and keeps its database open until Close.
func TestMainReadsOnlyItsEnvironment(t *testing.T) {
	process := filepath.Join(t.TempDir(), "process.db")
	t.Setenv("FOCALBOT_DB", process)
	t.Setenv("FOCALBOT_TZ", "Mars/Base") // the process's setting would stop the start
	env := environment(t)
	var out, errs bytes.Buffer
	m := &Main{Args: []string{"import", "examples/r2p-2012.csv"}, Getenv: getenv(env), Stdout: &out, Stderr: &errs}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("import: %v\nstderr: %s", err, errs.String())
	}
	if !strings.Contains(out.String(), "20 created, 1 updated") {
		t.Errorf("import: %s", out.String())
	}
	people, err := m.app.store.People(context.Background(), model.PeopleFilter{})
	if err != nil || len(people) != 21 {
		t.Errorf("after Run, its database holds %d people, %v; want 21", len(people), err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(process); !os.IsNotExist(err) {
		t.Errorf("the process's FOCALBOT_DB was opened: %v", err)
	}
}

// TestMainsRunSideBySide: programs with environments of their own run in
// parallel, each on its own database.
func TestMainsRunSideBySide(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   [][]string
		people int
	}{
		{"an imported roster", [][]string{{"import", "examples/r2p-2012.csv"}, {"export"}}, 21},
		{"the bootstrapped secretariat alone", [][]string{{"export"}}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := environment(t)
			var out bytes.Buffer
			for _, args := range c.args {
				out.Reset()
				var errs bytes.Buffer
				m := &Main{Args: args, Getenv: getenv(env), Stdout: &out, Stderr: &errs}
				err := m.Run(context.Background())
				if cerr := m.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					t.Fatalf("focalbot %v: %v\nstderr: %s", args, err, errs.String())
				}
			}
			if n := strings.Count(out.String(), "\n") - 1; n != c.people {
				t.Errorf("the export lists %d people, want %d:\n%s", n, c.people, out.String())
			}
		})
	}
}

// Package storetest runs a test against every storage backend: an SQLite file
// in the test's temporary directory and a fresh PostgreSQL database from
// pgtest. Packages that use it call pgtest.Main from their TestMain.
package storetest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/cputime"
	"focalbot/internal/pgtest"
	"focalbot/storage"
)

// Backends names each backend and how to get a DSN for it: an SQLite file in
// a directory that does not exist yet, and a fresh PostgreSQL database.
var Backends = []struct {
	Name string
	DSN  func(t testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "data", "focalbot.db") }},
	{"postgres", pgtest.DSN},
}

// dsns remembers the DSN of each store opened here, for tests that start
// another process on the same database.
var dsns sync.Map // *storage.Store → string

// Open opens a store on dsn with clk, closed when the test ends.
func Open(t testing.TB, dsn string, clk clock.Clock) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), dsn, storage.Options{Clock: clk})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	dsns.Store(s, dsn)
	t.Cleanup(func() { s.Close(); dsns.Delete(s) })
	return s
}

// DSNOf is the DSN a store was opened on.
func DSNOf(t testing.TB, s *storage.Store) string {
	dsn, ok := dsns.Load(s)
	if !ok {
		t.Fatal("storetest: the store was not opened by storetest")
	}
	return dsn.(string)
}

// ForEachBackend runs fn as a subtest on a new, empty store of each backend.
func ForEachBackend(t *testing.T, clk clock.Clock, fn func(t *testing.T, s *storage.Store)) {
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) {
			fn(t, Open(t, b.DSN(t), clk))
		})
	}
}

// ServerCPU is the CPU time, user and system, that the PostgreSQL backends
// connected to s's database have used so far, read from /proc/<pid>/stat;
// -1 when that cannot be known (SQLite, or a server on another machine or
// out of reach). A backend that ended in between is not counted; the store
// keeps its connections open (for a minute unused), so in a benchmark none
// does.
func ServerCPU(tb testing.TB, s *storage.Store) time.Duration {
	tb.Helper()
	if s.Dialect() != storage.DialectPostgres {
		return -1
	}
	var pids []int
	err := s.DB().WithContext(context.Background()).Raw(`SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend'`).Scan(&pids).Error
	if err != nil {
		tb.Logf("server CPU: %v", err)
		return -1
	}
	var total time.Duration
	for _, pid := range pids {
		t, err := cputime.Process(pid)
		if err != nil {
			return -1 // not on this machine, or not ours to read
		}
		total += t
	}
	return total
}

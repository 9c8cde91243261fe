package pgtest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"focalbot/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestDSNGivesFreshEmptyDatabases(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.DSN(t), pgtest.DSN(t)
	if a == b {
		t.Fatalf("two calls gave the same DSN %s", a)
	}
	for _, dsn := range []string{a, b} {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect %s: %v", dsn, err)
		}
		var tables int
		err = conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&tables)
		conn.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("%s: %d tables in a fresh database, want 0", dsn, tables)
		}
	}

	// A table made in one database is not seen in the other.
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int)"); err != nil {
		t.Fatal(err)
	}
	other, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	var n int
	if err := other.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_name = 't'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("table t leaked into the second database")
	}
}

// TestServerStopsWhenTheBinaryDies runs this test binary again, in a mode
// where it takes a database and dies without returning to Main, and checks
// that the server it started goes away all the same.
func TestServerStopsWhenTheBinaryDies(t *testing.T) {
	if os.Getenv("PGTEST_DIE") == "1" {
		fmt.Println("DSN", pgtest.DSN(t))
		os.Exit(3)
	}
	if os.Getenv(pgtest.EnvDSN) != "" {
		t.Skip("uses the server of " + pgtest.EnvDSN + ", which it does not stop")
	}
	pgtest.DSN(t) // skips, or fails, as the child would when there is no PostgreSQL

	cmd := exec.Command(os.Args[0], "-test.run=^TestServerStopsWhenTheBinaryDies$")
	cmd.Env = append(os.Environ(), "PGTEST_DIE=1")
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child: %v\n%s", err, out)
	}
	_, dsn, ok := strings.Cut(strings.TrimSpace(string(out)), "DSN ")
	if !ok {
		t.Fatalf("child printed no DSN:\n%s", out)
	}

	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for serverAnswers(dsn) {
		select {
		case <-deadline:
			t.Fatal("the child's server still runs after it died")
		case <-tick.C:
		}
	}
}

// serverAnswers reports whether the server at dsn accepts a connection
// within a few seconds.
func serverAnswers(dsn string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return false
	}
	conn.Close(ctx)
	return true
}

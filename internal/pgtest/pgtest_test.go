package pgtest_test

import (
	"context"
	"testing"

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

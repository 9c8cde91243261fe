package storage_test

import (
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"focalbot/storage"
)

// planOf is the database's plan for the statement that run sends and that
// match picks out, captured as it runs. PostgreSQL is told to avoid
// sequential scans, which it would rightly prefer on a table this small.
func planOf(t *testing.T, s *storage.Store, match func(*gorm.DB) bool, run func() error) string {
	t.Helper()
	var (
		mu   sync.Mutex
		sql  string
		vars []any
	)
	capture := func(db *gorm.DB) {
		if match(db) {
			mu.Lock()
			defer mu.Unlock()
			sql, vars = db.Statement.SQL.String(), db.Statement.Vars
		}
	}
	cb := s.DB().Callback()
	name := "plan_test:capture"
	if err := cb.Query().After("gorm:query").Register(name, capture); err != nil {
		t.Fatal(err)
	}
	defer cb.Query().Remove(name)
	if err := cb.Row().After("gorm:row").Register(name, capture); err != nil {
		t.Fatal(err)
	}
	defer cb.Row().Remove(name)
	if err := run(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if sql == "" {
		t.Fatal("no statement was captured")
	}
	conn := oneConn(t, s)
	explain := "EXPLAIN QUERY PLAN "
	if s.Dialect() == storage.DialectPostgres {
		explain = "EXPLAIN "
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "RESET enable_seqscan")
	}
	rows, err := conn.QueryContext(ctx, explain+sql, vars...)
	if err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan strings.Builder
	for rows.Next() {
		cells := make([]any, len(cols))
		for i := range cells {
			cells[i] = new(any)
		}
		if err := rows.Scan(cells...); err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			fmt.Fprintf(&plan, "%v ", *c.(*any))
		}
		plan.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}

// oneConn is a connection of s's pool, for the test's length.
func oneConn(t *testing.T, s *storage.Store) *sql.Conn {
	t.Helper()
	sqlDB, err := s.DB().DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

package storage_test

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"gorm.io/gorm"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

func sqliteStore(t *testing.T) *storage.Store {
	t.Helper()
	return storetest.Open(t, filepath.Join(t.TempDir(), "focalbot.db"), clock.Fixed(t0))
}

func openStmts(t *testing.T, s *storage.Store) int64 {
	t.Helper()
	prepared, closed, ok := storage.StmtCounts(s)
	if !ok {
		t.Fatal("no statement cache on SQLite")
	}
	return prepared - closed
}

func prepared(t *testing.T, s *storage.Store) int64 {
	t.Helper()
	n, _, ok := storage.StmtCounts(s)
	if !ok {
		t.Fatal("no statement cache on SQLite")
	}
	return n
}

// Creating a person is a transaction of several statements, which GORM
// binds to the transaction that first used them; database/sql prepares each
// again in every later transaction. With the cache, the SQLite driver
// prepares none of them again; without it (a bound of 0) it prepares them
// every time, which is what this test would see were the cache gone.
func TestStatementsStayPreparedAcrossTransactions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  int
		again bool // the driver prepares statements again
	}{
		{"cached", storage.StmtCacheSize, false},
		{"not cached", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sqliteStore(t)
			storage.SetStmtCacheSize(s, tc.size)
			add := func(i int) {
				create(t, s, person(fmt.Sprintf("Person %d", i), "GH", fmt.Sprintf("p%d@example.org", i), model.RoleAlternate, model.StatusActive))
			}
			dup := func(i int) {
				p := person("Someone Else", "GH", fmt.Sprintf("p%d@example.org", i), model.RoleAlternate, model.StatusActive)
				if err := s.CreatePerson(ctx, admin, &p); err == nil {
					t.Fatalf("a second person with the address of person %d was created", i)
				}
			}
			add(0)
			dup(0) // a statement that failed is used again below
			add(1) // both transactions have prepared what they use
			before := prepared(t, s)
			for i := 2; i < 5; i++ {
				add(i)
			}
			again := prepared(t, s) - before
			dup(4)
			add(5)
			if tc.again && again < 3 {
				t.Errorf("without the cache, 3 more people prepared %d statements, want at least one each", again)
			}
			if !tc.again && again != 0 {
				t.Errorf("3 more people prepared %d statements again, want 0: statements are prepared again in every transaction", again)
			}
			if got := len(names(t, s)); got != 6 {
				t.Errorf("%d people, want 6", got)
			}
		})
	}
}

func names(t *testing.T, s *storage.Store) []string {
	t.Helper()
	var names []string
	if err := s.DB().Raw(`SELECT name FROM people ORDER BY name`).Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	return names
}

// nestedQuery reads the audit log of one country; the tests run it again
// while its rows are open.
const nestedQuery = `SELECT action FROM audit_log WHERE country = ? ORDER BY id`

func auditRows(t *testing.T, s *storage.Store) (gh, dk []string) {
	t.Helper()
	for i := range 5 {
		gh = append(gh, fmt.Sprintf("gh.%d", i))
	}
	for i := range 3 {
		dk = append(dk, fmt.Sprintf("dk.%d", i))
	}
	for _, a := range slices.Concat(gh, dk) {
		if err := s.DB().Exec(`INSERT INTO audit_log (at, actor_id, actor, action, subject, country, before, after)
			VALUES (?, 0, 'test', ?, 'person:1', ?, '', '')`, t0, a, map[byte]string{'g': "GH", 'd': "DK"}[a[0]]).Error; err != nil {
			t.Fatal(err)
		}
	}
	return gh, dk
}

// A statement used again, on the same connection, while its rows are open
// (here in one transaction, through GORM) must not be reset under them: the
// outer rows go on where they were, and the inner use sees its own
// arguments. (SQLite only: PostgreSQL runs no query on a connection while
// another's rows are open there, "conn busy".)
func TestStatementUsedAgainWhileItsRowsAreOpen(t *testing.T) {
	{
		s := sqliteStore(t)
		gh, dk := auditRows(t, s)
		var outer []string
		err := s.DB().Transaction(func(tx *gorm.DB) error {
			rows, err := tx.Raw(nestedQuery, "GH").Rows()
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var a string
				if err := rows.Scan(&a); err != nil {
					return err
				}
				outer = append(outer, a)
				var inner []string
				if err := tx.Raw(nestedQuery, "DK").Scan(&inner).Error; err != nil {
					return err
				}
				if !slices.Equal(inner, dk) {
					t.Errorf("inner query in row %d read %q, want %q", len(outer), inner, dk)
				}
				if err := tx.Exec(`UPDATE audit_log SET actor = ? WHERE action = ?`, "seen", a).Error; err != nil {
					return err
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(outer, gh) {
			t.Errorf("outer query read %q, want %q", outer, gh)
		}
		var seen int64
		if err := s.DB().Raw(`SELECT COUNT(*) FROM audit_log WHERE actor = 'seen'`).Scan(&seen).Error; err != nil || seen != int64(len(gh)) {
			t.Errorf("%d rows updated in the loop (%v), want %d", seen, err, len(gh))
		}
	}
}

// Two handles of one statement on one connection, both with open rows,
// read each their own rows; the second is a statement of its own while the
// first's rows are open, closed with its rows.
func TestCachedStatementSharedByTwoHandles(t *testing.T) {
	s := sqliteStore(t)
	gh, dk := auditRows(t, s)
	conn := oneConn(t, s)
	var stmts [2]*sql.Stmt
	for i := range stmts {
		var err error
		if stmts[i], err = conn.PrepareContext(ctx, nestedQuery); err != nil {
			t.Fatal(err)
		}
		defer stmts[i].Close()
	}
	inUse := openStmts(t, s)
	rows1, err := stmts[0].QueryContext(ctx, "GH")
	if err != nil {
		t.Fatal(err)
	}
	rows2, err := stmts[1].QueryContext(ctx, "DK")
	if err != nil {
		t.Fatal(err)
	}
	if got := openStmts(t, s) - inUse; got != 1 {
		t.Errorf("second rows opened %d statements, want 1 of their own", got)
	}
	var got1, got2 []string
	for more1, more2 := true, true; more1 || more2; {
		for _, r := range []struct {
			rows *sql.Rows
			more *bool
			got  *[]string
		}{{rows1, &more1, &got1}, {rows2, &more2, &got2}} {
			if !*r.more {
				continue
			}
			if *r.more = r.rows.Next(); *r.more {
				var a string
				if err := r.rows.Scan(&a); err != nil {
					t.Fatal(err)
				}
				*r.got = append(*r.got, a)
			} else if err := r.rows.Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !slices.Equal(got1, gh) || !slices.Equal(got2, dk) {
		t.Errorf("interleaved rows read %q and %q, want %q and %q", got1, got2, gh, dk)
	}
	if got := openStmts(t, s) - inUse; got != 0 {
		t.Errorf("%d statements left open after the rows closed, want 0", got)
	}
	// The cached statement is free again: running it prepares nothing.
	before := prepared(t, s)
	var n int
	if err := stmts[1].QueryRowContext(ctx, "DK").Scan(new(string)); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+nestedQuery+`)`, "GH").Scan(&n); err != nil || n != len(gh) {
		t.Fatalf("count = %d, %v", n, err)
	}
	if got := prepared(t, s) - before; got != 1 {
		t.Errorf("a cached statement and a new one prepared %d, want 1 (the new one)", got)
	}
}

// A connection keeps at most StmtCacheSize statements: the least recently
// prepared is closed.
func TestStatementCacheIsBounded(t *testing.T) {
	s := sqliteStore(t)
	conn := oneConn(t, s)
	query := func(i int) {
		t.Helper()
		var n int
		if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT %d + ?", i), 1).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("query %d = %d, %v", i, n, err)
		}
	}
	many := storage.StmtCacheSize + 100
	for i := range many {
		query(i)
	}
	if got := openStmts(t, s); got > storage.StmtCacheSize || got < storage.StmtCacheSize-20 {
		t.Errorf("%d statements kept after %d different ones, want at most (about) %d", got, many, storage.StmtCacheSize)
	}
	before := prepared(t, s)
	query(many - 1)
	if got := prepared(t, s) - before; got != 0 {
		t.Errorf("the latest statement was prepared again (%d)", got)
	}
	query(0)
	if got := prepared(t, s) - before; got != 1 {
		t.Errorf("the oldest statement, out of the cache, prepared %d times, want 1", got)
	}
}

// Closing the store closes every statement it kept.
func TestStatementsCloseWithTheStore(t *testing.T) {
	s, err := storage.Open(ctx, filepath.Join(t.TempDir(), "focalbot.db"), storage.Options{Clock: clock.Fixed(t0)})
	if err != nil {
		t.Fatal(err)
	}
	create(t, s, ghana())
	names(t, s)
	if openStmts(t, s) == 0 {
		t.Fatal("no statement kept prepared")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := openStmts(t, s); n != 0 {
		t.Errorf("%d statements still open after Close", n)
	}
}

// The cache's connection, statements and rows offer every optional
// interface of database/sql/driver that the SQLite driver's do, so that
// nothing the driver does (argument checks, fast execs, column types) is
// lost behind it.
func TestStatementCacheKeepsTheDriversInterfaces(t *testing.T) {
	s := sqliteStore(t)
	conn := oneConn(t, s)
	types := func(vs ...any) []reflect.Type {
		ts := make([]reflect.Type, len(vs))
		for i, v := range vs {
			ts[i] = reflect.TypeOf(v).Elem()
		}
		return ts
	}
	connIfaces := types((*driver.ConnBeginTx)(nil), (*driver.ConnPrepareContext)(nil), (*driver.ExecerContext)(nil),
		(*driver.QueryerContext)(nil), (*driver.NamedValueChecker)(nil),
		(*driver.SessionResetter)(nil), (*driver.Validator)(nil), (*driver.Pinger)(nil))
	stmtIfaces := types((*driver.StmtExecContext)(nil), (*driver.StmtQueryContext)(nil), (*driver.NamedValueChecker)(nil))
	rowsIfaces := types((*driver.RowsColumnTypeDatabaseTypeName)(nil), (*driver.RowsColumnTypeNullable)(nil),
		(*driver.RowsColumnTypeScanType)(nil), (*driver.RowsColumnTypeLength)(nil),
		(*driver.RowsColumnTypePrecisionScale)(nil), (*driver.RowsNextResultSet)(nil))
	same := func(what string, inner, outer any, ifaces []reflect.Type) {
		for _, i := range ifaces {
			if reflect.TypeOf(inner).Implements(i) && !reflect.TypeOf(outer).Implements(i) {
				t.Errorf("the driver's %s (%T) is a %v, the cache's (%T) is not", what, inner, i, outer)
			}
		}
	}
	err := conn.Raw(func(dc any) error {
		inner, ok := storage.StmtConnInner(dc)
		if !ok {
			return fmt.Errorf("connection %T is not the statement cache's", dc)
		}
		same("connection", inner, dc, connIfaces)
		var stmts [2]driver.Stmt
		var rows [2]driver.Rows
		for i, c := range []any{inner, dc} {
			st, err := c.(driver.ConnPrepareContext).PrepareContext(ctx, `SELECT name FROM people`)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := st.(driver.StmtQueryContext).QueryContext(ctx, nil)
			if err != nil {
				return err
			}
			defer r.Close()
			stmts[i], rows[i] = st, r
		}
		same("statement", stmts[0], stmts[1], stmtIfaces)
		same("rows", rows[0], rows[1], rowsIfaces)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

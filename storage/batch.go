package storage

import (
	"database/sql/driver"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// values writes to q what follows an INSERT's list of columns for n rows,
// columns values a row, and returns the statement's arguments: appendRow
// appends row i's, one a column.
//
// On PostgreSQL it is a SELECT from unnest of one array a column, so that
// the statement has as many arguments as columns whatever n is: one text
// to parse and one plan, rather than a VALUES list of n×columns arguments,
// which PostgreSQL parses and plans anew for each batch. Elsewhere, and for
// a column of a type it does not map, it is a VALUES list.
func values(tx *gorm.DB, q *strings.Builder, columns, n int, appendRow func(args []any, i int) []any) []any {
	args := make([]any, 0, columns*n)
	for i := range n {
		args = appendRow(args, i)
	}
	if tx.Dialector.Name() == DialectPostgres && n > 0 {
		if arrays, types, ok := pgColumns(args, columns); ok {
			q.WriteString("SELECT * FROM unnest(")
			for j, t := range types {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteString("CAST(? AS " + t + "[])")
			}
			q.WriteString(")")
			return arrays
		}
	}
	placeholder := "(" + strings.TrimSuffix(strings.Repeat("?, ", columns), ", ") + ")"
	q.WriteString("VALUES ")
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholder)
	}
	return args
}

// pgColumns turns args, rows of columns values, into one array a column,
// with the PostgreSQL type of its elements; ok is false when a column's
// values are not all of one type it maps.
func pgColumns(args []any, columns int) (arrays []any, types []string, ok bool) {
	n := len(args) / columns
	arrays, types = make([]any, columns), make([]string, columns)
	for j := range columns {
		col := func(i int) any { return args[i*columns+j] }
		switch col(0).(type) {
		case string:
			arrays[j], types[j] = column[string](n, col), "text"
		case *string:
			arrays[j], types[j] = column[*string](n, col), "text"
		case int64:
			arrays[j], types[j] = column[int64](n, col), "bigint"
		case int:
			arrays[j], types[j] = column[int](n, col), "bigint"
		case *int64:
			arrays[j], types[j] = column[*int64](n, col), "bigint"
		case bool:
			arrays[j], types[j] = column[bool](n, col), "boolean"
		case time.Time:
			arrays[j], types[j] = column[time.Time](n, col), "timestamptz"
		case *time.Time:
			arrays[j], types[j] = column[*time.Time](n, col), "timestamptz"
		}
		if arrays[j] == nil { // a type not mapped, or not the same in every row
			return nil, nil, false
		}
	}
	return arrays, types, true
}

// column is the n values col gives as one array argument, or nil when one
// of them is not a T.
func column[T any](n int, col func(i int) any) driver.Valuer {
	vs := make([]T, n)
	for i := range vs {
		v, ok := col(i).(T)
		if !ok {
			return nil
		}
		vs[i] = v
	}
	return pgArray[T](vs)
}

// pgArray is a column's values as one argument, a PostgreSQL array that
// pgx encodes. It is a driver.Valuer so that GORM binds it as one argument
// instead of writing a slice out as a list.
type pgArray[T any] []T

// Value returns the slice itself, for pgx to encode.
func (a pgArray[T]) Value() (driver.Value, error) { return []T(a), nil }

// insertRows writes n rows into table in statements of enqueueBatch rows,
// each one multi-row INSERT of the columns given, with the values row(i)
// returns for row i (one per column). It is what CreateInBatches does,
// without reflecting on every field of every row: for the thousands of rows
// of one invitation.
func insertRows(tx *gorm.DB, table string, columns []string, n int, row func(i int) []any) error {
	for start := 0; start < n; start += enqueueBatch {
		end := min(start+enqueueBatch, n)
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") ")
		args := values(tx, &q, len(columns), end-start, func(args []any, i int) []any { return append(args, row(start+i)...) })
		if err := tx.Exec(q.String(), args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// errShortInsert says that an INSERT returned fewer ids than it had rows.
var errShortInsert = errors.New("insert returned fewer ids than rows")

// inIDs is the condition that column is one of ids, with its arguments.
// On PostgreSQL it is "column = ANY(?)", ids as one array, so that the
// statement is the same however many they are, bounded by the smallest and
// the largest of them. The bounds are what keep the plan an index scan:
// PostgreSQL keeps one plan for a statement after its fifth run, made for
// the table as it was then, and a table that grew by thousands of rows in
// a second (an invitation's outbox, which autovacuum has not analysed yet)
// looked small enough to read whole, so every later statement did: the
// dispatcher's record of its sends (MarkSent) took 0.5 ms or more. With a
// range over the column, an index scan is the cheaper plan at any size, and
// the ids of one statement are close together, so it reads few rows.
// Elsewhere it is "column IN ?", written out as a list.
func inIDs(tx *gorm.DB, column string, ids []int64) (string, []any) {
	if tx.Dialector.Name() != DialectPostgres || len(ids) == 0 {
		return column + " IN ?", []any{ids}
	}
	lo, hi := slices.Min(ids), slices.Max(ids)
	return column + " = ANY(CAST(? AS bigint[])) AND " + column + " BETWEEN ? AND ?", []any{pgArray[int64](ids), lo, hi}
}

package storage

import (
	"errors"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// values writes to q the placeholders of n rows of a VALUES list, columns
// to a row, and returns their arguments: appendRow appends row i's, one a
// column.
func values(q *strings.Builder, columns, n int, appendRow func(args []any, i int) []any) []any {
	placeholder := "(" + strings.TrimSuffix(strings.Repeat("?, ", columns), ", ") + ")"
	args := make([]any, 0, columns*n)
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholder)
		args = appendRow(args, i)
	}
	return args
}

// insertRows writes n rows into table in statements of enqueueBatch rows,
// each one multi-row INSERT of the columns given, with the values row(i)
// returns for row i (one per column). With returning, it reads the id of
// each row written, in the order of the rows (as GORM's own batches do),
// into ids. It is what CreateInBatches does, without reflecting on every
// field of every row: for the thousands of rows of one invitation.
func insertRows(tx *gorm.DB, table string, columns []string, n int, row func(i int) []any, ids []int64) error {
	for start := 0; start < n; start += enqueueBatch {
		end := min(start+enqueueBatch, n)
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		args := values(&q, len(columns), end-start, func(args []any, i int) []any { return append(args, row(start+i)...) })
		if ids == nil {
			if err := tx.Exec(q.String(), args...).Error; err != nil {
				return err
			}
			continue
		}
		q.WriteString(" RETURNING id")
		res, err := tx.Raw(q.String(), args...).Rows()
		if err != nil {
			return err
		}
		got := ids[start:start]
		for res.Next() {
			var id int64
			if err := res.Scan(&id); err != nil {
				res.Close()
				return err
			}
			got = append(got, id)
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
		if len(got) != end-start || slices.Contains(got, 0) {
			return errShortInsert
		}
	}
	return nil
}

// errShortInsert says that an INSERT returned fewer ids than it had rows.
var errShortInsert = errors.New("insert returned fewer ids than rows")

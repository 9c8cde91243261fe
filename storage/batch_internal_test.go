package storage

import (
	"slices"
	"testing"
	"time"
)

// TestPGColumns proves that rows of values become one typed array a column,
// the NULLs of pointer columns kept, and that a column whose values are not
// all of one mapped type leaves the rows to a VALUES list.
func TestPGColumns(t *testing.T) {
	at := time.Date(2012, 9, 29, 10, 0, 0, 0, time.UTC)
	id := int64(7)
	args := []any{
		"a", &id, int64(1), 2, &at, at, true,
		"b", (*int64)(nil), int64(3), 4, (*time.Time)(nil), at, false,
	}
	arrays, types, ok := pgColumns(args, 7)
	if !ok {
		t.Fatal("rows of mapped types were not turned into arrays")
	}
	if want := []string{"text", "bigint", "bigint", "bigint", "timestamptz", "timestamptz", "boolean"}; !slices.Equal(types, want) {
		t.Errorf("types = %v, want %v", types, want)
	}
	if got := arrays[0].(pgArray[string]); !slices.Equal(got, pgArray[string]{"a", "b"}) {
		t.Errorf("text column = %v", got)
	}
	if got := arrays[1].(pgArray[*int64]); len(got) != 2 || got[0] != &id || got[1] != nil {
		t.Errorf("nullable column = %v, want [&7 nil]", got)
	}
	if got := arrays[3].(pgArray[int]); !slices.Equal(got, pgArray[int]{2, 4}) {
		t.Errorf("int column = %v", got)
	}
	if v, err := arrays[6].(pgArray[bool]).Value(); err != nil || !slices.Equal(v.([]bool), []bool{true, false}) {
		t.Errorf("Value() = %v, %v: want the slice itself", v, err)
	}

	for _, bad := range [][]any{
		{"a", int64(1), "b", "two"},       // a column of two types
		{"a", []byte("x"), "b", []byte{}}, // a type not mapped
		{"a", nil, "b", nil},              // no type at all
	} {
		if _, _, ok := pgColumns(bad, 2); ok {
			t.Errorf("pgColumns(%v) turned into arrays, want a VALUES list", bad)
		}
	}
}

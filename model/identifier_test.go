package model

import (
	"fmt"
	"testing"
)

func TestIdentifiersFormatPlainly(t *testing.T) {
	args := Identifiers([]any{int64(1422), 1500, "x"})
	if _, ok := args[0].(Identifier); !ok {
		t.Fatalf("an int64 is not made an Identifier: %T", args[0])
	}
	if _, ok := args[1].(int); !ok {
		t.Fatalf("a count is changed: %T", args[1])
	}
	if got := fmt.Sprintf("%d|%v|%5d", args[0], args[0], args[0]); got != "1422|1422| 1422" {
		t.Errorf("formatted %q", got)
	}
}

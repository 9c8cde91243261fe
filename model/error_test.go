package model

import (
	"fmt"
	"testing"
)

func TestErrorField(t *testing.T) {
	err := fmt.Errorf("create meeting: %w", FieldErrorf("start", EINVALID, "%q is not a date", "tomorrow"))
	if got := ErrorField(err); got != "start" {
		t.Errorf("ErrorField = %q, want start", got)
	}
	if got := ErrorCode(err); got != EINVALID {
		t.Errorf("ErrorCode = %q, want %s", got, EINVALID)
	}
	plain := Errorf(EINVALID, "no")
	if got := ErrorField(plain.InField("venue")); got != "venue" {
		t.Errorf("InField: %q, want venue", got)
	}
	if plain.Field != "" {
		t.Error("InField changed the error it was given")
	}
	if got := ErrorField(FieldErrorf("end", EINVALID, "x").InField("start")); got != "end" {
		t.Errorf("InField overrode the field named: %q", got)
	}
	if got := ErrorField(fmt.Errorf("plain")); got != "" {
		t.Errorf("ErrorField of a plain error = %q", got)
	}
}

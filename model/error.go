package model

import (
	"errors"
	"fmt"
	"slices"
)

// Error codes. Adapters translate their own failures into these; transports
// turn them into replies, HTTP statuses or exit codes at the edge.
const (
	ECONFLICT  = "conflict"  // the change clashes with existing data
	EFORBIDDEN = "forbidden" // the caller's role does not allow it
	EINTERNAL  = "internal"  // a bug or an outage; details go to the log only
	EINVALID   = "invalid"   // the input is wrong; the message says how to fix it
	ENOTFOUND  = "not_found" // the thing asked for does not exist
)

// Error is a domain error: a code for programs and a message for people. The
// message is a format string with arguments so that the engine can translate
// it through its message catalog before showing it.
type Error struct {
	Code   string
	Format string
	Args   []any
	Field  string // the input field it concerns ("start", "email", …), or ""
}

// Errorf returns a domain error with the given code and message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Format: format, Args: args}
}

// FieldErrorf returns a domain error about one input field, so that a form
// can show it next to that field.
func FieldErrorf(field, code, format string, args ...any) *Error {
	return &Error{Code: code, Format: format, Args: args, Field: field}
}

// InField returns a copy of e that names field, unless e names one already.
func (e *Error) InField(field string) *Error {
	c := *e
	if c.Field == "" {
		c.Field = field
	}
	return &c
}

// ErrorField returns the field a domain error anywhere in err's chain
// names, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Error implements the error interface with the untranslated message.
func (e *Error) Error() string {
	return fmt.Sprintf("focalbot error: code=%s message=%s", e.Code, e.Message())
}

// Message is the English, untranslated message. An argument that is an
// Error itself (the mistake of a numbered line) is written as its Message.
func (e *Error) Message() string {
	args := e.Args
	for i, a := range e.Args {
		if inner, ok := a.(*Error); ok {
			if len(args) > 0 && &args[0] == &e.Args[0] { // not yet copied
				args = slices.Clone(e.Args)
			}
			args[i] = inner.Message()
		}
	}
	return fmt.Sprintf(e.Format, args...)
}

// ErrorCode returns the code of a domain error anywhere in err's chain, or
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of a domain error in err's chain, or a
// generic message for internal errors, whose details are never shown.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message()
	}
	return "Internal error."
}

package model

import (
	"fmt"
	"strings"
)

// Msg is a sentence kept as its English format (a key of the catalog) and
// its arguments, so that each reader can be shown it in their language
// long after it was written (the inbox's reasons, kept in the database as
// JSON). The zero Msg is no sentence.
type Msg struct {
	Format string   `json:"f"`
	Args   []MsgArg `json:"a,omitempty"`
}

// MsgArg is one argument of a Msg: a number (N: a count, an int, or with
// ID an Identifier, an int64 that names something), a sentence of its own
// (Sub), a word of the catalog (S with Word: "accepted"), or text as it
// was given (S).
type MsgArg struct {
	S    string `json:"s,omitempty"`
	N    *int64 `json:"n,omitempty"`
	ID   bool   `json:"id,omitempty"`
	Word bool   `json:"w,omitempty"`
	Sub  *Msg   `json:"m,omitempty"`
}

// Word is an argument that is itself a message of the catalog, shown in
// the reader's language where the catalog has it (an answer, "accepted").
func Word(s string) MsgArg { return MsgArg{S: s, Word: true} }

// NewMsg is format with args: integers stay numbers, a Msg, MsgArg or
// domain *Error stays a sentence to translate, anything else becomes its
// text (%v).
func NewMsg(format string, args ...any) Msg {
	m := Msg{Format: format}
	for _, a := range args {
		m.Args = append(m.Args, msgArg(a))
	}
	return m
}

func msgArg(a any) MsgArg {
	num := func(n int64, id bool) MsgArg { return MsgArg{N: &n, ID: id} }
	switch v := a.(type) {
	case MsgArg:
		return v
	case Msg:
		return MsgArg{Sub: &v}
	case *Error:
		sub := v.Msg()
		return MsgArg{Sub: &sub}
	case int:
		return num(int64(v), false)
	case int64:
		return num(v, true)
	case Identifier:
		return num(int64(v), true)
	case string:
		return MsgArg{S: v}
	}
	return MsgArg{S: fmt.Sprint(a)}
}

// Msg is the error's message, to be translated.
func (e *Error) Msg() Msg { return NewMsg(e.Format, e.Args...) }

// IsZero reports whether m is no sentence.
func (m Msg) IsZero() bool { return m.Format == "" }

// Render writes m through sprintf: a message printer's Sprintf for the
// reader's language, or fmt.Sprintf for English. Numbers are what they were
// given as: an int (a count, which a printer may group or a plural form
// choose by), or an Identifier (plain digits).
func (m Msg) Render(sprintf func(format string, args ...any) string) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch {
		case a.N != nil && a.ID:
			args[i] = Identifier(*a.N)
		case a.N != nil:
			args[i] = int(*a.N)
		case a.Sub != nil:
			args[i] = a.Sub.Render(sprintf)
		case a.Word:
			args[i] = a.S
			if a.S != "" && !strings.Contains(a.S, "%") {
				args[i] = sprintf(a.S)
			}
		default:
			args[i] = a.S
		}
	}
	return sprintf(m.Format, args...)
}

// String is m in English.
func (m Msg) String() string { return m.Render(fmt.Sprintf) }

// Clip cuts s to at most n characters, an ellipsis saying where: for text
// from outside (a user's, a library error quoting a line it could not
// read) shown where it must stay short.
func Clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

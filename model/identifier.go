package model

import "fmt"

// Identifier is a number that names something (a meeting, a poll, a person's
// #id). It formats as plain digits under every verb, so that it can be typed
// back ("status 1422"), where a message printer would group a quantity's
// digits ("1,422").
type Identifier int64

// Format writes id as the standard library would, with no digit grouping.
func (id Identifier) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), int64(id))
}

// Identifiers returns args with every int64 made an Identifier: the domain's
// numbers that name things are int64, its counts int.
func Identifiers(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if n, ok := a.(int64); ok {
			a = Identifier(n)
		}
		out[i] = a
	}
	return out
}

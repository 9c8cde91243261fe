package model

import (
	"strings"
	"unicode"
)

// ASCIIDigits writes the decimal digits of any script in s as ASCII ones,
// and leaves everything else as it is: "١٥" (Arabic-Indic), "۱۵" (as
// Persian and Urdu write them), "１５" (full-width, as a Chinese input
// method types them) all become "15". It is for what a reader types where
// a number, a date, a time or a duration is asked for; free text keeps its
// digits as written.
func ASCIIDigits(s string) string {
	return strings.Map(func(r rune) rune { // s itself when nothing changes
		if r <= unicode.MaxASCII || !unicode.IsDigit(r) {
			return r
		}
		return '0' + digitValue(r)
	}, s)
}

// digitValue is a decimal digit's value. Unicode encodes every set of
// decimal digits as ten code points in a row, from 0 to 9, and the ranges
// of category Nd start at a zero, however many sets follow one another.
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	return 0
}

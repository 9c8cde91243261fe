package model_test

import (
	"testing"
	"unicode"

	"focalbot/model"
)

// TestASCIIDigits: digits typed in any script read as ASCII ones; other
// characters are kept.
func TestASCIIDigits(t *testing.T) {
	for in, want := range map[string]string{
		"15":               "15",
		"١٥":               "15",         // Arabic-Indic
		"۰۱۲۳۴۵۶۷۸۹":       "0123456789", // extended Arabic-Indic
		"٠١٢٣٤٥٦٧٨٩":       "0123456789",
		"１２":               "12", // full-width
		"٢٠١٢-٠٩-٢٩ ١٠:٠٠": "2012-09-29 10:00",
		"१४d":              "14d", // Devanagari
		"𝟗":                "9",   // mathematical bold
		"page ٢":           "page 2",
		"Réunion №٣ à 10h": "Réunion №3 à 10h",
		"":                 "",
	} {
		if got := model.ASCIIDigits(in); got != want {
			t.Errorf("ASCIIDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDigitRanges checks what ASCIIDigits counts on: each range of
// Unicode's decimal digits holds whole sets of ten, one code point after
// another, so a digit's value is its distance from its range's start,
// modulo 10.
func TestDigitRanges(t *testing.T) {
	for _, rg := range unicode.Nd.R16 {
		if rg.Stride != 1 || (int(rg.Hi)-int(rg.Lo)+1)%10 != 0 || !unicode.IsDigit(rune(rg.Lo)) {
			t.Errorf("digits %U–%U (stride %d): not whole sets of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rg.Stride != 1 || (int(rg.Hi)-int(rg.Lo)+1)%10 != 0 {
			t.Errorf("digits %U–%U (stride %d): not whole sets of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	if s := "15"; model.ASCIIDigits(s) != s {
		t.Error("ASCII digits changed")
	}
}

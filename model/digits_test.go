package model_test

import (
	"testing"

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

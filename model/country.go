package model

// PLACEHOLDER: the countries helper replaces this file.

// Group is a United Nations regional group.
type Group string

// Country is a UN member or observer state.
type Country struct {
	Alpha2, Alpha3, Name string
	AltNames             []string
	Group                Group
	Observer             bool
	Note                 string
}

// CountryByCode finds a country by its alpha-2 or alpha-3 code, any case.
func CountryByCode(code string) (Country, bool) { return Country{}, false }

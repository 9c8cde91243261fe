package model

import "slices"

// Covers reports whether p makes their country covered: an active focal
// point. This is the one definition of coverage; the coverage command, the
// weekly digest and the App Home all count through CoverageOf.
func (p Person) Covers() bool {
	return p.Role == RoleFocalPoint && p.Status == StatusActive && p.Country != ""
}

// Coverage is which countries have an active focal point.
type Coverage struct {
	Members   []string        // alpha-2 codes of the member states covered, sorted
	Observers []Country       // the observer states covered, by name
	Groups    []GroupCoverage // each regional group, in the order of Groups
}

// GroupCoverage is the coverage of one regional group's member states.
type GroupCoverage struct {
	Group   Group
	Covered []Country // by name
	Total   int       // its member states
}

// CoverageOf is the coverage that people give (anyone may be among them:
// only those who Cover count).
func CoverageOf(people []Person) Coverage {
	var codes []string
	for _, p := range people {
		if p.Covers() {
			codes = append(codes, p.Country)
		}
	}
	return CoverageOfCountries(codes)
}

// CoverageOfCountries is the coverage of the countries covered, by alpha-2
// code, as a store counts them without loading every person (see Covers).
func CoverageOfCountries(codes []string) Coverage {
	covered := make(map[string]bool, len(codes))
	for _, c := range codes {
		covered[c] = true
	}
	var cv Coverage
	for _, c := range Countries() {
		if !covered[c.Alpha2] {
			continue
		}
		if c.Observer {
			cv.Observers = append(cv.Observers, c)
		} else {
			cv.Members = append(cv.Members, c.Alpha2)
		}
	}
	slices.Sort(cv.Members)
	for _, g := range Groups {
		gc := GroupCoverage{Group: g}
		for _, c := range CountriesInGroup(g) {
			if c.Observer {
				continue
			}
			gc.Total++
			if covered[c.Alpha2] {
				gc.Covered = append(gc.Covered, c)
			}
		}
		cv.Groups = append(cv.Groups, gc)
	}
	return cv
}

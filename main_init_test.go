package main

import (
	"runtime/metrics"
	"testing"
)

// initAllocated is what the program's packages allocated while they were
// initialised: this package-level variable is set after every package this
// test binary imports (the program's own, and the testing package) has run
// its init.
var initAllocated = allocatedBytes()

func allocatedBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// initBudget bounds what package initialisation may allocate. It was 7.1 MB
// when i18n parsed its five translation files at start-up (5.2 MB of it);
// they are now read on first use of a language, and the rest (GORM's
// inflection rules, x/text's display tables, the templates, the command
// tables) comes to about 1.7 MB. The figure moves from run to run of one
// binary: Prometheus' default registry alone allocated 0.66–1.25 MB in
// four runs under the race detector, and the whole 2.0–3.1 MiB in eight
// (GODEBUG=inittrace=1), so the budget leaves that much room; a table of a
// few megabytes built at start-up (the translations were 5.2 MB) still
// goes over it.
const initBudget = 4 << 20

// TestInitAllocatesLittle keeps start-up from building, before anyone asks,
// tables that a running bot may never use: each of them is idle memory.
func TestInitAllocatesLittle(t *testing.T) {
	if initAllocated > initBudget {
		t.Errorf("package initialisation allocated %.1f MiB, more than %.1f MiB: build the new table on first use (GODEBUG=inittrace=1 focalbot --help names the package)",
			float64(initAllocated)/(1<<20), float64(initBudget)/(1<<20))
	}
	t.Logf("package initialisation allocated %.1f MiB", float64(initAllocated)/(1<<20))
}

package storage_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"focalbot/clock"
	"focalbot/internal/cputime"
	"focalbot/internal/storetest"
	"focalbot/model"
)

// BenchmarkCreatePerson creates one person a transaction (several
// statements each) on SQLite, the case the statement cache is for: without
// it, each transaction prepared its statements again. It reports the
// process's CPU time per person too (cpu-us/op), steadier than wall time on
// a shared machine. Uses only the store's API, so that the same file
// measures a build without the cache:
//
//	go test ./storage -run '^$' -bench CreatePerson -benchtime 2000x
func BenchmarkCreatePerson(b *testing.B) {
	s := storetest.Open(b, filepath.Join(b.TempDir(), "focalbot.db"), clock.Fixed(t0))
	cpu0 := cputime.Self()
	b.ResetTimer()
	for i := range b.N {
		p := person(fmt.Sprintf("Person %06d", i), "GH", fmt.Sprintf("p%06d@example.org", i), model.RoleAlternate, model.StatusActive)
		if err := s.CreatePerson(ctx, admin, &p); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cputime.Self()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
}

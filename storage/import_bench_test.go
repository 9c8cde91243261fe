package storage_test

import (
	"fmt"
	"testing"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// tenThousand is 10,000 people in 20 countries, as a CSV would give them.
func tenThousand() []storage.ImportRow {
	countries := []string{"GH", "DK", "CR", "AU", "BR", "CA", "CL", "FI", "FR", "DE", "IN", "JP", "KE", "MX", "NO", "PE", "QA", "RW", "ES", "SE"}
	rows := make([]storage.ImportRow, 10000)
	for i := range rows {
		role := model.RoleAlternate
		if i < len(countries) {
			role = model.RoleFocalPoint
		}
		rows[i] = storage.ImportRow{Line: i + 2, Person: person(fmt.Sprintf("Person %05d", i), countries[i%len(countries)],
			fmt.Sprintf("p%05d@example.org", i), role, model.StatusActive)}
	}
	return rows
}

// BenchmarkImport10k imports 10,000 new people into an empty roster (issue
// 12: at most 1 s), then the same file again, which changes nothing.
//
//	go test ./storage -run '^$' -bench Import10k -benchtime 3x
func BenchmarkImport10k(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend.Name, func(b *testing.B) {
			rows := tenThousand()
			for range b.N {
				b.StopTimer()
				s := storetest.Open(b, backend.DSN(b), clock.Fixed(t0))
				b.StartTimer()
				res, err := s.ImportPeople(ctx, admin, rows, false)
				if err != nil || res.Created != len(rows) {
					b.Fatalf("ImportPeople = %+v, %v", res, err)
				}
			}
		})
	}
}

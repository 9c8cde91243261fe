package storage

import (
	"path/filepath"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/pgtest"
)

// TestMigration0011OldDeliveriesAreDone: deliveries recorded before
// migration 0011 were handled then; after it they still dedupe, and are not
// taken up again as unfinished work. Its rollback keeps the records.
func TestMigration0011OldDeliveriesAreDone(t *testing.T) {
	for name, dsn := range map[string]func(testing.TB) string{
		"sqlite":   func(t testing.TB) string { return filepath.Join(t.TempDir(), "focalbot.db") },
		"postgres": pgtest.DSN,
	} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(t.Context(), dsn(t), Options{Clock: clock.Fixed(time.Date(2012, 9, 1, 9, 0, 0, 0, time.UTC))})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := migrator(s.db, migrations()).RollbackTo("0009_outbox_payloads"); err != nil {
				t.Fatalf("roll back to 0009: %v", err)
			}
			if err := s.db.Exec(`INSERT INTO slack_deliveries (key, received_at) VALUES ('event:Ev1', ?)`, s.now()).Error; err != nil {
				t.Fatal(err)
			}
			if err := migrator(s.db, migrations()).Migrate(); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			if items, err := s.ClaimDeliveries(t.Context(), "a", s.now().Add(time.Hour), s.now().Add(2*time.Hour), 5, 10); err != nil || len(items) != 0 {
				t.Errorf("claimed after the migration: %+v, %v", items, err)
			}
			if first, err := s.FirstDelivery(t.Context(), "event:Ev1"); err != nil || first {
				t.Errorf("FirstDelivery after the migration = %v, %v; want false", first, err)
			}
			if err := migrator(s.db, migrations()).RollbackTo("0009_outbox_payloads"); err != nil {
				t.Fatalf("roll back 0011: %v", err)
			}
			var n int
			if err := s.db.Raw("SELECT count(*) FROM slack_deliveries").Scan(&n).Error; err != nil || n != 1 {
				t.Errorf("%d deliveries after the rollback, %v; want 1", n, err)
			}
		})
	}
}

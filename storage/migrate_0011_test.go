package storage

import (
	"testing"
	"time"
)

// TestMigration0011OldDeliveriesAreDone: deliveries recorded before
// migration 0011 were handled then; after it they still dedupe, and are not
// taken up again as unfinished work. Its rollback keeps the records.
func TestMigration0011OldDeliveriesAreDone(t *testing.T) {
	beforeMigration(t, "0009_outbox_payloads", func(t *testing.T, s *Store) {
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

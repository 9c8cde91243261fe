package storage

import (
	"path/filepath"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/pgtest"
	"focalbot/model"
)

// TestMigration0009KeepsPayloads: payloads queued before migration 0009 are
// read the same after it, and its rollback puts them back.
func TestMigration0009KeepsPayloads(t *testing.T) {
	beforeMigration(t, "0008_outbox_claim_order", func(t *testing.T, s *Store) {
		// A row as focalbot before 0009 wrote it.
		err := s.db.Exec(`INSERT INTO outbox (key, channel, kind, meeting_id, invitation_id, recipient, payload, status,
				due_at, next_attempt_at, attempts, last_error, claimed_by, created_at)
				VALUES ('k', 'email', 'notice', 0, 0, 'ama@example.gh', '{"Kind":"notice","Text":"Hello"}', 'pending', ?, ?, 0, '', '', ?)`,
			s.now(), s.now(), s.now()).Error
		if err != nil {
			t.Fatal(err)
		}
		if err := migrator(s.db, migrations()).Migrate(); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		if s.db.Migrator().HasColumn("outbox", "payload") {
			t.Error("the outbox still has its payload column")
		}
		items, err := s.Claim(t.Context(), s.now(), model.ChannelEmail, 10, time.Minute)
		if err != nil || len(items) != 1 || items[0].Payload != `{"Kind":"notice","Text":"Hello"}` {
			t.Fatalf("claimed after the migration: %+v, %v", items, err)
		}
		if err := migrator(s.db, migrations()).RollbackTo("0008_outbox_claim_order"); err != nil {
			t.Fatalf("roll back 0009: %v", err)
		}
		var payload string
		if err := s.db.Raw("SELECT payload FROM outbox WHERE key = 'k'").Scan(&payload).Error; err != nil || payload != `{"Kind":"notice","Text":"Hello"}` {
			t.Errorf("payload after the rollback = %q, %v", payload, err)
		}
	})
}

// beforeMigration runs fn on each backend with the schema rolled back to
// the migration named target, as a database was before the ones after it.
func beforeMigration(t *testing.T, target string, fn func(t *testing.T, s *Store)) {
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
			if err := migrator(s.db, migrations()).RollbackTo(target); err != nil {
				t.Fatalf("roll back to %s: %v", target, err)
			}
			fn(t, s)
		})
	}
}

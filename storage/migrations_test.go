package storage_test

import (
	"fmt"
	"strings"
	"testing"

	"focalbot/clock"
	"focalbot/model"
	"focalbot/storage"
)

// schema describes the tables, columns and indexes of s's database, and the
// migrations recorded in it.
func schema(t *testing.T, s *storage.Store) string {
	t.Helper()
	var query string
	switch s.Dialect() {
	case storage.DialectSQLite:
		query = `SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`
	case storage.DialectPostgres:
		query = `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable || ' default=' || COALESCE(column_default, '')
			FROM information_schema.columns WHERE table_schema = 'public'
			UNION ALL
			SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
			UNION ALL
			SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
			ORDER BY 1`
	}
	var lines []string
	if err := s.DB().Raw(query).Scan(&lines).Error; err != nil {
		t.Fatalf("read schema: %v", err)
	}
	var ids []string
	if err := s.DB().Raw("SELECT id FROM migrations ORDER BY id").Scan(&ids).Error; err != nil {
		t.Fatalf("read migrations: %v", err)
	}
	return strings.Join(lines, "\n") + "\nmigrations: " + strings.Join(ids, ", ")
}

func TestMigrations(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		s, _ := open(t, dsn, clock.Fixed(t0))

		t.Run("fresh database", func(t *testing.T) {
			got := schema(t, s)
			// Migrations are only ever appended: the first ones stay first.
			if recorded := got[strings.LastIndex(got, "\n")+1:]; !strings.HasPrefix(recorded, "migrations: 0001_roster, 0002_slack_deliveries") {
				t.Errorf("migrations recorded: %s", recorded)
			}
			m := s.DB().Migrator()
			for _, table := range []string{"people", "network_settings", "audit_log"} {
				if !m.HasTable(table) {
					t.Errorf("no table %s", table)
				}
			}
			for table, indexes := range map[string][]string{
				"people":    {"idx_people_email", "idx_people_slack_id", "idx_people_country", "idx_people_status"},
				"audit_log": {"idx_audit_log_subject", "idx_audit_log_country", "idx_audit_log_at"},
			} {
				for _, idx := range indexes {
					if !m.HasIndex(table, idx) {
						t.Errorf("no index %s on %s", idx, table)
					}
				}
			}
			for _, col := range []string{"id", "name", "title", "organisation", "country", "email", "phone", "slack_id", "time_zone", "language", "role", "status", "appointed_on", "created_at", "updated_at"} {
				if !m.HasColumn("people", col) {
					t.Errorf("no column people.%s", col)
				}
			}
			for _, col := range []string{"id", "at", "actor_id", "actor", "action", "subject", "country", "before", "after"} {
				if !m.HasColumn("audit_log", col) {
					t.Errorf("no column audit_log.%s", col)
				}
			}
			if t.Failed() {
				t.Logf("schema:\n%s", got)
			}
		})

		// Some data, to see that reopening keeps it.
		p := ghana()
		if err := s.CreatePerson(ctx, admin, &p); err != nil {
			t.Fatal(err)
		}
		before := schema(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		t.Run("reopening changes nothing", func(t *testing.T) {
			s, _ := open(t, dsn, clock.Fixed(t0))
			if after := schema(t, s); after != before {
				t.Errorf("schema changed on reopening:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if got, err := s.Person(ctx, p.ID); err != nil || got != p {
				t.Errorf("Person after reopening = %+v, %v", got, err)
			}
			// A migration the code does not know: a newer focalbot was here.
			if err := s.DB().Exec("INSERT INTO migrations (id) VALUES ('9999_future')").Error; err != nil {
				t.Fatal(err)
			}
			s.Close()
		})

		t.Run("a newer database is refused", func(t *testing.T) {
			s, err := storage.Open(ctx, dsn, storage.Options{Clock: clock.Fixed(t0)})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded on a database with an unknown migration")
			}
			if model.ErrorCode(err) != model.EINTERNAL || !strings.Contains(err.Error(), "migrate") {
				t.Errorf("error %v", err)
			}
		})
	})
}

func TestOpenSQLiteSettings(t *testing.T) {
	s, _ := open(t, t.TempDir()+"/nested/dir/focalbot.db", clock.Fixed(t0))
	for pragma, want := range map[string]string{"foreign_keys": "1", "journal_mode": "wal", "busy_timeout": "10000"} {
		var got string
		if err := s.DB().Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	if got := fmt.Sprint(s.Dialect()); got != storage.DialectSQLite {
		t.Errorf("Dialect() = %s", got)
	}
}

func TestOpenSQLiteInMemory(t *testing.T) {
	s, _ := open(t, ":memory:", clock.Fixed(t0))
	p := create(t, s, ghana())
	for range 5 { // on any connection of the pool
		if _, err := s.Person(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
}

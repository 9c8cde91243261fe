package storage_test

import (
	"path/filepath"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/storage"
)

// A database written by the driver used before ncruces/go-sqlite3
// (glebarez/go-sqlite) stored times as text in one layout; rows it wrote are
// read back as the same instants, and rows written now use the same layout,
// so that text comparisons between old and new rows still order by time.
func TestSQLiteReadsAndWritesTimesAsBefore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a dir with spaces & 100%")
	s, _ := open(t, filepath.Join(dir, "focalbot.db"), clock.Fixed(t0))
	old := "2012-09-29 13:00:00.123456+00:00" // as glebarez/go-sqlite wrote it
	if err := s.DB().Exec(`INSERT INTO audit_log (at, actor_id, actor, action, subject, country, before, after)
		VALUES (?, 0, 'old', 'old.row', 'person:1', 'GH', '', '')`, old).Error; err != nil {
		t.Fatal(err)
	}
	create(t, s, ghana())
	entries := audit(t, s, storage.AuditFilter{})
	if len(entries) < 2 {
		t.Fatalf("audit log has %d entries, want the old one and a new one", len(entries))
	}
	last := entries[len(entries)-1]
	if want := time.Date(2012, 9, 29, 13, 0, 0, 123456000, time.UTC); !last.At.Equal(want) || last.Action != "old.row" {
		t.Errorf("old row read as %v %q, want %v old.row", last.At, last.Action, want)
	}
	var texts []string
	if err := s.DB().Raw(`SELECT CAST(at AS TEXT) FROM audit_log ORDER BY at`).Scan(&texts).Error; err != nil {
		t.Fatal(err)
	}
	if want := "2012-09-29 14:00:00+00:00"; texts[len(texts)-1] != want {
		t.Errorf("new row's time stored as %q, want %q (the old driver's layout)", texts[len(texts)-1], want)
	}
	if texts[0] != old {
		t.Errorf("rows ordered by text: first is %q, want the older %q", texts[0], old)
	}
}

package storage_test

import (
	"testing"

	"focalbot/storage"
)

// TestInvitationsKeepNoIndexOfDelegatedFrom: the index that no query read
// and every invitation paid for is gone, on both databases; the others of
// the table (each read by a query or holding a rule) stay.
func TestInvitationsKeepNoIndexOfDelegatedFrom(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		m := s.DB().Migrator()
		if m.HasIndex("invitations", "idx_invitations_delegated_from") {
			t.Error("idx_invitations_delegated_from is still there")
		}
		for _, idx := range []string{"idx_invitations_email", "idx_invitations_person", "idx_invitations_person_id"} {
			if !m.HasIndex("invitations", idx) {
				t.Errorf("%s is gone", idx)
			}
		}
	})
}

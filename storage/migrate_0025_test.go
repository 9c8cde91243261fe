package storage_test

import (
	"strings"
	"testing"

	"gorm.io/gorm"

	"focalbot/model"
	"focalbot/storage"
)

// TestActiveSecretariatReadsTheRoleIndex: finding the active people of one
// role (the secretariat, every tick and dispatch; the focal points) reads
// idx_people_role_status, not every active person of the roster.
func TestActiveSecretariatReadsTheRoleIndex(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		plan := planOf(t, s, func(db *gorm.DB) bool {
			return strings.Contains(db.Statement.SQL.String(), "role IN")
		}, func() error {
			_, err := s.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}, Statuses: []model.Status{model.StatusActive}})
			return err
		})
		if !strings.Contains(plan, "idx_people_role_status") {
			t.Errorf("the secretariat is not found by idx_people_role_status:\n%s", plan)
		}
	})
}

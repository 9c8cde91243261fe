package storage_test

import (
	"strings"
	"testing"
	"time"

	"focalbot/model"
	"focalbot/storage"
)

// TestEmailChangeKeepsOnlyTheCodesHash: a request keeps one change per
// person, the code only hashed, expiring after EmailChangeTTL; a new
// request replaces the old one and its code; an address someone has is
// planned no message. A new request starts the count of wrong codes again.
func TestEmailChangeKeepsOnlyTheCodesHash(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		p := model.Person{Name: "Kwame Boateng", Email: "fp@example.org", Country: "GH", Role: model.RoleFocalPoint, Status: model.StatusActive}
		other := model.Person{Name: "Anders Holm", Email: "alt@example.org", Country: "DK", Role: model.RoleAlternate, Status: model.StatusActive}
		for _, q := range []*model.Person{&p, &other} {
			if err := s.CreatePerson(ctx, admin, q); err != nil {
				t.Fatal(err)
			}
		}
		var codes []string
		plan := func(to model.Person, code string) []model.OutboxItem {
			if to.ID != p.ID || to.Email != "kwame@gh.example.org" {
				t.Errorf("planned for %+v", to)
			}
			codes = append(codes, code)
			return nil
		}
		type row struct {
			PersonID  int64
			Email     string
			CodeHash  string
			Attempts  int
			ExpiresAt time.Time
		}
		changes := func() []row {
			var rows []row
			if err := s.DB().Table("email_changes").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			return rows
		}
		for range 2 {
			if err := s.RequestEmailChange(ctx, p.ID, " Kwame@GH.example.org ", plan); err != nil {
				t.Fatal(err)
			}
		}
		rows := changes()
		if len(codes) != 2 || codes[0] == codes[1] || len(codes[0]) != 6 || len(rows) != 1 {
			t.Fatalf("codes %v, rows %+v", codes, rows)
		}
		r := rows[0]
		if r.PersonID != p.ID || r.Email != "kwame@gh.example.org" || strings.Contains(r.CodeHash, codes[1]) || len(r.CodeHash) != 64 ||
			!r.ExpiresAt.Equal(t0.Add(storage.EmailChangeTTL)) {
			t.Errorf("stored %+v (code %s)", r, codes[1])
		}
		if _, err := s.ConfirmEmailChange(ctx, admin, p.ID, codes[0]); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("the replaced code: %v", err)
		}
		if err := s.RequestEmailChange(ctx, p.ID, "ALT@example.org", plan); err != nil {
			t.Fatal(err)
		}
		if len(codes) != 2 {
			t.Errorf("an address someone has was planned a message")
		}
		if rows := changes(); len(rows) != 1 || rows[0].Email != "alt@example.org" || rows[0].Attempts != 0 {
			t.Errorf("after asking for a taken address: %+v", rows)
		}
		wantCode(t, s.RequestEmailChange(ctx, p.ID, "not an address", plan), model.EINVALID)
		wantCode(t, s.RequestEmailChange(ctx, 999, "x@example.org", plan), model.ENOTFOUND)
	})
}

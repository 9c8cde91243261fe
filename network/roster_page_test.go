package network_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"focalbot/clock"
	"focalbot/i18n"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"

	"golang.org/x/text/language"
)

// The pages of the roster, put together, are the whole roster Roster
// lists, each person once, countries in the order of their names in the
// reader's language; pending people only for a viewer who may see them; a
// page past the end is empty.
func TestRosterPageOf(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(peopleNow), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		pp := newPeople(t, s)
		// By code CH, DE, DK, GH; by name Denmark, Germany, Ghana,
		// Switzerland.
		for i, c := range []string{"CH", "DE", "DK", "GH"} {
			for j := range 7 + 3*i {
				st := model.StatusActive
				if j == 1 {
					st = model.StatusPending
				}
				add(t, s, model.Person{Name: fmt.Sprintf("P %s %02d", c, j), Country: c, Email: fmt.Sprintf("p%s%02d@example.org", c, j),
					Role: model.RoleAlternate, Status: st})
			}
		}
		for _, viewer := range []*model.Person{nil, &pp.sec} {
			all, err := pp.svc.Roster(ctx, viewer, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []struct {
				lang  language.Tag
				order []string
			}{{i18n.English, []string{"DK", "DE", "GH", "CH"}}, {i18n.Spanish, []string{"DE", "DK", "GH", "CH"}}} {
				var joined []string
				for page := 1; ; page++ {
					pg, err := pp.svc.RosterPageOf(ctx, viewer, o.lang, nil, page, 4)
					if err != nil {
						t.Fatal(err)
					}
					if pg.Total != len(all) {
						t.Fatalf("page %d: total %d, want %d", page, pg.Total, len(all))
					}
					if len(pg.People) == 0 {
						break
					}
					for _, p := range pg.People {
						joined = append(joined, p.Name)
					}
				}
				// The secretariat member has no country, which sorts first; then
				// the countries by their names in the reader's language:
				// Dinamarca after Alemania in Spanish.
				want := []string{pp.sec.Name}
				for _, c := range o.order {
					for _, p := range all {
						if p.Country == c {
							want = append(want, p.Name)
						}
					}
				}
				if len(want) != len(all) {
					t.Fatalf("test assumption: %d people in %v", len(all), want)
				}
				if got, exp := strings.Join(joined, ","), strings.Join(want, ","); got != exp {
					t.Errorf("viewer %v, %s: pages\n%s\nwant\n%s", viewer != nil, o.lang, got, exp)
				}
				if pending := strings.Contains(strings.Join(joined, ","), "P GH 01"); pending != (viewer != nil) {
					t.Errorf("viewer %v: a pending person shown: %v", viewer != nil, pending)
				}
			}
		}
		if _, err := pp.svc.RosterPageOf(ctx, nil, i18n.English, nil, 0, 4); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("page 0: %v, want EINVALID", err)
		}
	})
}

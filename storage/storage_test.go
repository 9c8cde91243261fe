package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/internal/syncbuf"
	"focalbot/model"
	"focalbot/storage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// t0 is when the tests happen: the second network meeting.
var t0 = time.Date(2012, 9, 29, 14, 0, 0, 0, time.UTC)

var (
	admin = model.Actor{PersonID: 7, Label: "Ana Ruiz <ana@example.org>"}
	ctx   = context.Background()
)

// forEachDSN runs fn as the subtests "sqlite", on a file in a directory
// that does not exist yet, and "postgres", on a fresh database.
func forEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.DSN(t)) })
	}
}

// forEachBackend runs fn with a new store on each database. The store's
// clock is fixed at t0; reach it with clockOf.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	forEachDSN(t, func(t *testing.T, dsn string) {
		s, _ := open(t, dsn, clock.Fixed(t0))
		fn(t, s)
	})
}

var clocks sync.Map // *storage.Store → *clock.Offset

func clockOf(s *storage.Store) *clock.Offset {
	c, _ := clocks.Load(s)
	return c.(*clock.Offset)
}

func open(t *testing.T, dsn string, c *clock.Offset) (*storage.Store, *clock.Offset) {
	t.Helper()
	s, err := storage.Open(ctx, dsn, storage.Options{Clock: c})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	clocks.Store(s, c)
	t.Cleanup(func() {
		clocks.Delete(s)
		s.Close()
	})
	return s, c
}

// ghana is a valid focal point; each test changes what it needs.
func ghana() model.Person {
	return model.Person{
		Name:         "Kwame Mensah",
		Title:        "Director, Legal and Consular Bureau",
		Organisation: "Ministry of Foreign Affairs and Regional Integration",
		Country:      "gh",
		Email:        "  K.Mensah@MFA.gov.gh ",
		Phone:        "+233 30 266 4951",
		SlackID:      "U0GHANA01",
		TimeZone:     "Africa/Accra",
		Language:     "en",
		Role:         model.RoleFocalPoint,
		Status:       model.StatusActive,
		AppointedOn:  time.Date(2011, 3, 1, 0, 0, 0, 0, time.UTC),
	}
}

func person(name, country, email string, role model.Role, status model.Status) model.Person {
	return model.Person{Name: name, Country: country, Email: email, Role: role, Status: status}
}

func create(t *testing.T, s *storage.Store, p model.Person) model.Person {
	t.Helper()
	if err := s.CreatePerson(ctx, admin, &p); err != nil {
		t.Fatalf("CreatePerson(%s): %v", p.Name, err)
	}
	return p
}

func audit(t *testing.T, s *storage.Store, f storage.AuditFilter) []model.AuditEntry {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = storage.MaxAuditLimit
	}
	entries, err := s.Audit(ctx, f)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	return entries
}

func people(t *testing.T, s *storage.Store, f storage.PeopleFilter) []model.Person {
	t.Helper()
	ps, err := s.People(ctx, f)
	if err != nil {
		t.Fatalf("People: %v", err)
	}
	return ps
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := model.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestOpen(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		s, _ := open(t, dsn, clock.Fixed(t0))
		if want := t.Name()[len("TestOpen/"):]; s.Dialect() != want {
			t.Errorf("Dialect() = %q, want %q", s.Dialect(), want)
		}
	})
	t.Run("needs a clock", func(t *testing.T) {
		if _, err := storage.Open(ctx, filepath.Join(t.TempDir(), "x.db"), storage.Options{}); err == nil {
			t.Error("Open without a clock succeeded")
		}
	})
}

func TestCreateReadUpdateWithAudit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		p := ghana()
		if err := s.CreatePerson(ctx, admin, &p); err != nil {
			t.Fatalf("CreatePerson: %v", err)
		}
		if p.ID == 0 || !p.CreatedAt.Equal(t0) || !p.UpdatedAt.Equal(t0) {
			t.Fatalf("created %+v: want an ID and both times at %v", p, t0)
		}
		if p.Email != "k.mensah@mfa.gov.gh" || p.Country != "GH" {
			t.Errorf("created %q %q: want the e-mail and country normalised", p.Email, p.Country)
		}

		for name, get := range map[string]func() (model.Person, error){
			"Person":          func() (model.Person, error) { return s.Person(ctx, p.ID) },
			"PersonByEmail":   func() (model.Person, error) { return s.PersonByEmail(ctx, " K.MENSAH@mfa.gov.gh") },
			"PersonBySlackID": func() (model.Person, error) { return s.PersonBySlackID(ctx, "U0GHANA01") },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got != p {
				t.Errorf("%s = %+v\nwant %+v", name, got, p)
			}
		}

		c := clockOf(s)
		c.Advance(time.Hour)
		updated, err := s.UpdatePerson(ctx, admin, p.ID, func(q *model.Person) error {
			q.Title = "Ambassador"
			q.SlackID = "" // many people never use Slack
			return nil
		})
		if err != nil {
			t.Fatalf("UpdatePerson: %v", err)
		}
		want := p
		want.Title, want.SlackID, want.UpdatedAt = "Ambassador", "", t0.Add(time.Hour)
		if updated != want {
			t.Errorf("UpdatePerson = %+v\nwant %+v", updated, want)
		}
		if got, err := s.Person(ctx, p.ID); err != nil || got != want {
			t.Errorf("Person after update = %+v, %v\nwant %+v", got, err, want)
		}

		entries := audit(t, s, storage.AuditFilter{Subject: fmt.Sprintf("person:%d", p.ID)})
		wantEntries := []model.AuditEntry{
			{At: t0.Add(time.Hour), ActorID: 7, Actor: admin.Label, Action: "person.update", Subject: fmt.Sprintf("person:%d", p.ID), Country: "GH", Before: toJSON(t, p), After: toJSON(t, want)},
			{At: t0, ActorID: 7, Actor: admin.Label, Action: "person.create", Subject: fmt.Sprintf("person:%d", p.ID), Country: "GH", Before: "", After: toJSON(t, p)},
		}
		if len(entries) != len(wantEntries) {
			t.Fatalf("audit: %d entries, want %d: %+v", len(entries), len(wantEntries), entries)
		}
		for i := range entries {
			entries[i].ID = 0
			if entries[i] != wantEntries[i] {
				t.Errorf("audit[%d] = %+v\nwant %+v", i, entries[i], wantEntries[i])
			}
		}

		t.Run("no change writes nothing", func(t *testing.T) {
			c.Advance(time.Hour)
			got, err := s.UpdatePerson(ctx, admin, p.ID, func(q *model.Person) error {
				q.Email = "K.Mensah@mfa.gov.gh " // normalises to the same
				q.UpdatedAt = t0.Add(99 * time.Hour)
				return nil
			})
			if err != nil || got != want {
				t.Errorf("UpdatePerson = %+v, %v\nwant %+v", got, err, want)
			}
			if n := len(audit(t, s, storage.AuditFilter{})); n != 2 {
				t.Errorf("%d audit entries, want 2", n)
			}
		})

		t.Run("the update function's error aborts", func(t *testing.T) {
			stop := errors.New("changed my mind")
			_, err := s.UpdatePerson(ctx, admin, p.ID, func(q *model.Person) error {
				q.Title = "Minister"
				return stop
			})
			if err != stop {
				t.Errorf("UpdatePerson error = %v, want %v as is", err, stop)
			}
			if got, _ := s.Person(ctx, p.ID); got != want {
				t.Errorf("person changed to %+v", got)
			}
		})
	})
}

func TestAppointedOnIsADate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		p := ghana()
		p.AppointedOn = time.Date(2011, 3, 1, 23, 30, 0, 0, ny) // 2 March in UTC
		p = create(t, s, p)
		got, err := s.Person(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2011, 3, 1, 0, 0, 0, 0, time.UTC); got.AppointedOn != want {
			t.Errorf("AppointedOn = %v, want %v", got.AppointedOn, want)
		}

		q := create(t, s, person("No Date", "DK", "nodate@um.dk", model.RoleAlternate, model.StatusPending))
		if got, _ := s.Person(ctx, q.ID); !got.AppointedOn.IsZero() {
			t.Errorf("AppointedOn = %v, want zero", got.AppointedOn)
		}
	})
}

func TestUniqueConflicts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		a := create(t, s, ghana())
		b := create(t, s, person("Mette Hansen", "DK", "mette@um.dk", model.RoleFocalPoint, model.StatusActive))
		// Several people may lack a Slack ID, or an e-mail address.
		create(t, s, person("Lars Berg", "DK", "lars@um.dk", model.RoleAlternate, model.StatusActive))
		create(t, s, model.Person{Name: "Slack Only", SlackID: "U0SLACK01", Role: model.RoleObserver, Status: model.StatusActive})
		create(t, s, model.Person{Name: "Slack Too", SlackID: "U0SLACK02", Role: model.RoleObserver, Status: model.StatusActive})
		count, entries := len(people(t, s, storage.PeopleFilter{})), len(audit(t, s, storage.AuditFilter{}))

		for _, tc := range []struct {
			name, want string
			p          model.Person
		}{
			{"same e-mail in another case", "e-mail address k.mensah@mfa.gov.gh", person("Other", "AU", "K.MENSAH@mfa.gov.gh", model.RoleFocalPoint, model.StatusActive)},
			{"same Slack ID", "Slack user U0GHANA01", model.Person{Name: "Other", Country: "AU", Email: "other@dfat.gov.au", SlackID: "U0GHANA01", Role: model.RoleFocalPoint, Status: model.StatusActive}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := s.CreatePerson(ctx, admin, &tc.p)
				wantCode(t, err, model.ECONFLICT)
				if msg := model.ErrorMessage(err); !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "Someone on the roster already has") {
					t.Errorf("message %q does not name the %s", msg, tc.want)
				}
				if tc.p.ID != 0 {
					t.Errorf("ID set to %d on failure", tc.p.ID)
				}
			})
		}

		t.Run("update to someone else's e-mail", func(t *testing.T) {
			_, err := s.UpdatePerson(ctx, admin, b.ID, func(p *model.Person) error {
				p.Email, p.Title = a.Email, "Changed"
				return nil
			})
			wantCode(t, err, model.ECONFLICT)
			if got, _ := s.Person(ctx, b.ID); got != b {
				t.Errorf("person changed to %+v", got)
			}
		})
		t.Run("update to someone else's Slack ID", func(t *testing.T) {
			_, err := s.UpdatePerson(ctx, admin, b.ID, func(p *model.Person) error {
				p.SlackID = a.SlackID
				return nil
			})
			wantCode(t, err, model.ECONFLICT)
		})

		if n := len(people(t, s, storage.PeopleFilter{})); n != count {
			t.Errorf("%d people, want %d", n, count)
		}
		if n := len(audit(t, s, storage.AuditFilter{})); n != entries {
			t.Errorf("%d audit entries, want %d", n, entries)
		}
	})
}

func TestNotFound(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		create(t, s, ghana())
		_, err := s.Person(ctx, 999)
		wantCode(t, err, model.ENOTFOUND)
		_, err = s.PersonByEmail(ctx, "nobody@example.org")
		wantCode(t, err, model.ENOTFOUND)
		_, err = s.PersonByEmail(ctx, "")
		wantCode(t, err, model.ENOTFOUND)
		_, err = s.PersonBySlackID(ctx, "U0NOBODY1")
		wantCode(t, err, model.ENOTFOUND)
		_, err = s.PersonBySlackID(ctx, "")
		wantCode(t, err, model.ENOTFOUND)
		called := false
		_, err = s.UpdatePerson(ctx, admin, 999, func(*model.Person) error { called = true; return nil })
		wantCode(t, err, model.ENOTFOUND)
		if called {
			t.Error("update function called for a missing person")
		}
	})
}

func TestInvalidPersonChangesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		for _, tc := range []struct {
			name   string
			change func(p *model.Person)
		}{
			{"bad e-mail", func(p *model.Person) { p.Email = "not an address" }},
			{"unknown country", func(p *model.Person) { p.Country = "XX" }},
			{"focal point without a country", func(p *model.Person) { p.Country = "" }},
			{"no name", func(p *model.Person) { p.Name = " " }},
			{"unknown role", func(p *model.Person) { p.Role = "boss" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := ghana()
				tc.change(&p)
				wantCode(t, s.CreatePerson(ctx, admin, &p), model.EINVALID)
			})
		}
		if n := len(people(t, s, storage.PeopleFilter{})); n != 0 {
			t.Errorf("%d people written", n)
		}
		if n := len(audit(t, s, storage.AuditFilter{})); n != 0 {
			t.Errorf("%d audit entries written", n)
		}

		p := create(t, s, ghana())
		_, err := s.UpdatePerson(ctx, admin, p.ID, func(q *model.Person) error {
			q.Phone = "call me"
			return nil
		})
		wantCode(t, err, model.EINVALID)
		if got, _ := s.Person(ctx, p.ID); got != p {
			t.Errorf("person changed to %+v", got)
		}
		if n := len(audit(t, s, storage.AuditFilter{})); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
	})
}

func TestPeopleFilters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		for _, p := range []model.Person{
			person("Zoe Ofori", "GH", "zoe@mfa.gov.gh", model.RoleAlternate, model.StatusActive),
			person("kwame Mensah", "GH", "kwame@mfa.gov.gh", model.RoleFocalPoint, model.StatusActive),
			person("Ama Owusu", "GH", "ama@mfa.gov.gh", model.RoleFocalPoint, model.StatusInactive),
			person("Mette Hansen", "DK", "mette@um.dk", model.RoleFocalPoint, model.StatusActive),
			person("Lars Berg", "DK", "lars@um.dk", model.RoleFocalPoint, model.StatusPending),
			person("Jane Smith", "AU", "jane@dfat.gov.au", model.RoleObserver, model.StatusActive),
			person("Ana Ruiz", "CR", "ana@rree.go.cr", model.RoleFocalPoint, model.StatusActive),
			person("Sam Lee", "", "sam@globalr2p.org", model.RoleSecretariat, model.StatusActive),
		} {
			create(t, s, p)
		}
		for _, tc := range []struct {
			name string
			f    storage.PeopleFilter
			want []string
		}{
			{"empty filter is everyone, by country, role and name", storage.PeopleFilter{},
				[]string{"Sam Lee", "Jane Smith", "Ana Ruiz", "Lars Berg", "Mette Hansen", "Ama Owusu", "kwame Mensah", "Zoe Ofori"}},
			{"countries in any case", storage.PeopleFilter{Countries: []string{"gh", "DK"}},
				[]string{"Lars Berg", "Mette Hansen", "Ama Owusu", "kwame Mensah", "Zoe Ofori"}},
			{"roles", storage.PeopleFilter{Roles: []model.Role{model.RoleSecretariat, model.RoleObserver}},
				[]string{"Sam Lee", "Jane Smith"}},
			{"statuses", storage.PeopleFilter{Statuses: []model.Status{model.StatusPending, model.StatusInactive}},
				[]string{"Lars Berg", "Ama Owusu"}},
			{"all fields together", storage.PeopleFilter{Countries: []string{"GH"}, Roles: []model.Role{model.RoleFocalPoint}, Statuses: []model.Status{model.StatusActive}},
				[]string{"kwame Mensah"}},
			{"nobody matches", storage.PeopleFilter{Countries: []string{"FR"}}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				for _, p := range people(t, s, tc.f) {
					got = append(got, p.Name)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("got %q\nwant %q", got, tc.want)
				}
			})
		}
	})
}

func TestNetwork(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		n, err := s.Network(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if toJSON(t, n) != toJSON(t, model.DefaultNetwork()) {
			t.Errorf("Network() = %+v, want the default", n)
		}

		set := model.DefaultNetwork()
		set.Name = "  Global Network of R2P Focal Points (2013) "
		set.FacilitatingGroup = []string{"gh", "DNK", "AU", "CR", "GH"}
		clockOf(s).Advance(time.Minute)
		if err := s.SetNetwork(ctx, admin, set); err != nil {
			t.Fatalf("SetNetwork: %v", err)
		}
		want := model.DefaultNetwork()
		want.Name = "Global Network of R2P Focal Points (2013)"
		want.FacilitatingGroup = []string{"GH", "DK", "AU", "CR"}
		if got, err := s.Network(ctx); err != nil || toJSON(t, got) != toJSON(t, want) {
			t.Errorf("Network() = %+v, %v\nwant %+v", got, err, want)
		}
		entries := audit(t, s, storage.AuditFilter{Subject: "network"})
		if len(entries) != 1 {
			t.Fatalf("%d audit entries, want 1", len(entries))
		}
		e := entries[0]
		if e.Action != "network.update" || e.Actor != admin.Label || !e.At.Equal(t0.Add(time.Minute)) ||
			e.Before != toJSON(t, model.DefaultNetwork()) || e.After != toJSON(t, want) {
			t.Errorf("audit entry %+v", e)
		}

		t.Run("the same again writes nothing", func(t *testing.T) {
			if err := s.SetNetwork(ctx, admin, want); err != nil {
				t.Fatal(err)
			}
			if n := len(audit(t, s, storage.AuditFilter{})); n != 1 {
				t.Errorf("%d audit entries, want 1", n)
			}
		})
		t.Run("an empty facilitating group", func(t *testing.T) {
			empty := want
			empty.FacilitatingGroup = nil
			if err := s.SetNetwork(ctx, admin, empty); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Network(ctx); len(got.FacilitatingGroup) != 0 || got.Name != want.Name {
				t.Errorf("Network() = %+v", got)
			}
			if err := s.SetNetwork(ctx, admin, want); err != nil {
				t.Fatal(err)
			}
		})
		for _, tc := range []struct {
			name   string
			change func(n *model.Network)
		}{
			{"unknown country code", func(n *model.Network) { n.FacilitatingGroup = []string{"GH", "XX"} }},
			{"no name", func(n *model.Network) { n.Name = " " }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				bad := want
				tc.change(&bad)
				wantCode(t, s.SetNetwork(ctx, admin, bad), model.EINVALID)
				if got, _ := s.Network(ctx); toJSON(t, got) != toJSON(t, want) {
					t.Errorf("network changed to %+v", got)
				}
			})
		}
	})
}

func TestAuditFilter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		c := clockOf(s)
		var ids []int64
		for i, country := range []string{"GH", "DK", "GH", "AU"} {
			c.Set(t0.Add(time.Duration(i) * time.Minute))
			p := create(t, s, person(fmt.Sprintf("P%d", i), country, fmt.Sprintf("p%d@example.org", i), model.RoleFocalPoint, model.StatusActive))
			ids = append(ids, p.ID)
		}
		subjects := func(es []model.AuditEntry) (out []string) {
			for _, e := range es {
				out = append(out, e.Subject)
			}
			return out
		}
		sub := func(i int) string { return fmt.Sprintf("person:%d", ids[i]) }
		for _, tc := range []struct {
			name string
			f    storage.AuditFilter
			want []string
		}{
			{"all, newest first", storage.AuditFilter{}, []string{sub(3), sub(2), sub(1), sub(0)}},
			{"by country", storage.AuditFilter{Country: "gh"}, []string{sub(2), sub(0)}},
			{"by subject", storage.AuditFilter{Subject: sub(1)}, []string{sub(1)}},
			{"limited", storage.AuditFilter{Limit: 2}, []string{sub(3), sub(2)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Audit(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(subjects(got)) != fmt.Sprint(tc.want) {
					t.Errorf("got %v, want %v", subjects(got), tc.want)
				}
			})
		}
	})
}

// roster is an import: the facilitating group's focal points.
func roster() []model.Person {
	return []model.Person{
		person("Kwame Mensah", "GH", "kwame@mfa.gov.gh", model.RoleFocalPoint, model.StatusActive),
		person("Mette Hansen", "DK", "Mette@UM.dk", model.RoleFocalPoint, model.StatusActive),
		person("Jane Smith", "AU", "jane@dfat.gov.au", model.RoleFocalPoint, model.StatusActive),
		person("Ana Ruiz", "CR", "ana@rree.go.cr", model.RoleFocalPoint, model.StatusActive),
	}
}

func TestImportPeople(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		importer := model.Actor{Label: "import (cli)"}
		imp := func(ps []model.Person, dryRun bool) (storage.ImportResult, error) {
			rows := make([]storage.ImportRow, len(ps))
			for i, p := range ps {
				rows[i] = storage.ImportRow{Person: p}
			}
			return s.ImportPeople(ctx, importer, rows, dryRun)
		}
		snapshot := func() string {
			return toJSON(t, people(t, s, storage.PeopleFilter{})) + toJSON(t, audit(t, s, storage.AuditFilter{}))
		}

		// Someone already on the roster, matched by e-mail.
		existing := create(t, s, person("Ana Ruiz", "CR", "ana@rree.go.cr", model.RoleFocalPoint, model.StatusActive))

		res, err := imp(roster(), false)
		if err != nil {
			t.Fatalf("ImportPeople: %v", err)
		}
		if want := (storage.ImportResult{Created: 3, Unchanged: 1}); res != want {
			t.Errorf("first import = %+v, want %+v", res, want)
		}
		if n := len(audit(t, s, storage.AuditFilter{})); n != 4 {
			t.Errorf("%d audit entries, want 4 (1 create + 3 imported)", n)
		}
		if got, _ := s.Person(ctx, existing.ID); got != existing {
			t.Errorf("unchanged person rewritten: %+v", got)
		}
		if es := audit(t, s, storage.AuditFilter{Limit: 1}); es[0].Actor != "import (cli)" || es[0].Action != "person.create" {
			t.Errorf("audit entry %+v", es[0])
		}
		// Each new person has their own ID, and their entry names them.
		for _, e := range audit(t, s, storage.AuditFilter{}) {
			var p model.Person
			if err := json.Unmarshal([]byte(e.After), &p); err != nil {
				t.Fatalf("audit entry %+v: %v", e, err)
			}
			got, err := s.PersonByEmail(ctx, p.Email)
			if err != nil || e.Subject != fmt.Sprintf("person:%d", got.ID) || p.ID != got.ID {
				t.Errorf("audit entry %s for %s (ID %d), whose ID is %d (%v)", e.Subject, p.Email, p.ID, got.ID, err)
			}
		}

		t.Run("the same again changes nothing", func(t *testing.T) {
			before := snapshot()
			clockOf(s).Advance(time.Hour)
			res, err := imp(roster(), false)
			if err != nil {
				t.Fatal(err)
			}
			if want := (storage.ImportResult{Unchanged: 4}); res != want {
				t.Errorf("ImportPeople = %+v, want %+v", res, want)
			}
			if after := snapshot(); after != before {
				t.Errorf("the database changed:\n%s\n%s", before, after)
			}
		})

		t.Run("one field changed", func(t *testing.T) {
			ps := roster()
			ps[2].Title = "Ambassador"
			res, err := imp(ps, false)
			if err != nil {
				t.Fatal(err)
			}
			if want := (storage.ImportResult{Updated: 1, Unchanged: 3}); res != want {
				t.Errorf("ImportPeople = %+v, want %+v", res, want)
			}
			p, err := s.PersonByEmail(ctx, "jane@dfat.gov.au")
			if err != nil || p.Title != "Ambassador" {
				t.Errorf("PersonByEmail = %+v, %v", p, err)
			}
			es := audit(t, s, storage.AuditFilter{Limit: 1})
			if es[0].Action != "person.update" || es[0].Subject != fmt.Sprintf("person:%d", p.ID) || !strings.Contains(es[0].After, "Ambassador") || strings.Contains(es[0].Before, "Ambassador") {
				t.Errorf("audit entry %+v", es[0])
			}
		})

		for _, tc := range []struct {
			name, code, want string
			change           func(ps []model.Person) []model.Person
		}{
			{"a bad row aborts everything", model.EINVALID, "Line 3: ", func(ps []model.Person) []model.Person {
				ps[0].Title = "Should not be saved"
				ps = append(ps, person("New Person", "GH", "new@mfa.gov.gh", model.RoleAlternate, model.StatusActive))
				ps[2].Country = "XX"
				return ps
			}},
			{"a row without e-mail", model.EINVALID, "Line 2 has no e-mail", func(ps []model.Person) []model.Person {
				ps[1].Email, ps[1].SlackID = "", "U0METTE01"
				return ps
			}},
			{"the same e-mail twice", model.EINVALID, "Lines 1 and 5", func(ps []model.Person) []model.Person {
				return append(ps, person("Kwame Again", "GH", "KWAME@mfa.gov.gh", model.RoleAlternate, model.StatusActive))
			}},
			{"a Slack ID someone else has", model.ECONFLICT, "Line 5: Someone on the roster already has the Slack user U0KWAME01", func(ps []model.Person) []model.Person {
				ps[0].SlackID = "U0KWAME01"
				extra := person("Other", "GH", "other@mfa.gov.gh", model.RoleAlternate, model.StatusActive)
				extra.SlackID = "U0KWAME01"
				return append(ps, extra)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := snapshot()
				_, err := imp(tc.change(roster()), false)
				wantCode(t, err, tc.code)
				if msg := model.ErrorMessage(err); !strings.HasPrefix(msg, tc.want) {
					t.Errorf("message %q, want it to start with %q", msg, tc.want)
				}
				if after := snapshot(); after != before {
					t.Errorf("the database changed")
				}
			})
		}

		t.Run("dry run writes nothing", func(t *testing.T) {
			before := snapshot()
			ps := roster()
			ps[0].Title = "Minister"
			ps = append(ps, person("New Person", "GH", "new@mfa.gov.gh", model.RoleAlternate, model.StatusActive))
			res, err := imp(ps, true)
			if err != nil {
				t.Fatal(err)
			}
			if want := (storage.ImportResult{Created: 1, Updated: 2, Unchanged: 2}); res != want {
				// Jane's title was changed by the earlier subtest, so the
				// roster's own row for her is an update too.
				t.Errorf("dry run = %+v, want %+v", res, want)
			}
			if after := snapshot(); after != before {
				t.Errorf("the dry run changed the database")
			}
			_, err = imp(append(roster(), model.Person{Name: "No Mail", SlackID: "U0NOMAIL1", Role: model.RoleObserver, Status: model.StatusActive}), true)
			wantCode(t, err, model.EINVALID)
		})
	})
}

func TestEnsureSecretariat(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		fp := create(t, s, ghana()) // already on the roster as a focal point
		ids := []string{" Sec@GlobalR2P.org", "U0SECRET1", "", "k.mensah@mfa.gov.gh", "U0GHANA01"}
		if err := s.EnsureSecretariat(ctx, ids); err != nil {
			t.Fatalf("EnsureSecretariat: %v", err)
		}
		sec := people(t, s, storage.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}})
		if len(sec) != 2 {
			t.Fatalf("secretariat = %+v, want 2 people", sec)
		}
		byMail, err := s.PersonByEmail(ctx, "sec@globalr2p.org")
		if err != nil {
			t.Fatal(err)
		}
		bySlack, err := s.PersonBySlackID(ctx, "U0SECRET1")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []model.Person{byMail, bySlack} {
			if !p.IsSecretariat() || p.Country != "" || !p.CreatedAt.Equal(t0) {
				t.Errorf("bootstrapped %+v", p)
			}
		}
		if byMail.Name != "sec@globalr2p.org" || bySlack.Name != "U0SECRET1" {
			t.Errorf("names %q and %q, want the e-mail and the Slack ID", byMail.Name, bySlack.Name)
		}
		if got, _ := s.Person(ctx, fp.ID); got != fp {
			t.Errorf("existing person changed to %+v", got)
		}
		es := audit(t, s, storage.AuditFilter{Limit: 2})
		for _, e := range es {
			if e.Action != "person.create" || e.Actor != model.System.Label || e.ActorID != 0 {
				t.Errorf("audit entry %+v", e)
			}
		}

		t.Run("again changes nothing", func(t *testing.T) {
			before := toJSON(t, people(t, s, storage.PeopleFilter{})) + toJSON(t, audit(t, s, storage.AuditFilter{}))
			if err := s.EnsureSecretariat(ctx, ids); err != nil {
				t.Fatal(err)
			}
			after := toJSON(t, people(t, s, storage.PeopleFilter{})) + toJSON(t, audit(t, s, storage.AuditFilter{}))
			if after != before {
				t.Error("the database changed")
			}
		})
		t.Run("a bad id", func(t *testing.T) {
			wantCode(t, s.EnsureSecretariat(ctx, []string{"new@globalr2p.org", "nobody"}), model.EINVALID)
			if _, err := s.PersonByEmail(ctx, "new@globalr2p.org"); model.ErrorCode(err) != model.ENOTFOUND {
				t.Errorf("the good id before the bad one was added: %v", err)
			}
		})
	})
}

func TestConcurrentUpdatesDoNotLoseChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		p := create(t, s, ghana())
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UpdatePerson(ctx, admin, p.ID, func(q *model.Person) error {
					q.Title += "+"
					return nil
				})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		got, err := s.Person(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := p.Title + strings.Repeat("+", n); got.Title != want {
			t.Errorf("title %q, want %q", got.Title, want)
		}
	})
}

func TestLogsMigrationsButNotUserMistakes(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		var buf syncbuf.Buffer
		s, err := storage.Open(ctx, dsn, storage.Options{Clock: clock.Fixed(t0), Logger: slog.New(slog.NewTextHandler(&buf, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if !strings.Contains(buf.String(), "applying database migration") || !strings.Contains(buf.String(), "0001_roster") {
			t.Errorf("migration not logged:\n%s", buf.String())
		}
		create(t, s, ghana())
		p := ghana()
		wantCode(t, s.CreatePerson(ctx, admin, &p), model.ECONFLICT)
		_, err = s.Person(ctx, 999)
		wantCode(t, err, model.ENOTFOUND)
		if strings.Contains(buf.String(), "level=ERROR") || strings.Contains(buf.String(), "mfa.gov.gh") {
			t.Errorf("a user's mistake was logged:\n%s", buf.String())
		}
	})
}

// Network's settings are kept for a moment: what a caller does with the
// slice it got does not change them, and a change made through another
// store on the same database shows within two seconds.
func TestNetworkCache(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		a, _ := open(t, dsn, clock.Fixed(t0))
		b, _ := open(t, dsn, clock.Fixed(t0))
		set := model.DefaultNetwork()
		set.FacilitatingGroup = []string{"GH"}
		if err := a.SetNetwork(ctx, admin, set); err != nil {
			t.Fatal(err)
		}
		n, err := b.Network(ctx)
		if err != nil || len(n.FacilitatingGroup) != 1 {
			t.Fatalf("Network() = %+v, %v", n, err)
		}
		n.FacilitatingGroup[0] = "XX"
		if n, _ := b.Network(ctx); n.FacilitatingGroup[0] != "GH" {
			t.Errorf("a caller's change to the slice reached the cache: %v", n.FacilitatingGroup)
		}
		set.Name = "Renamed"
		if err := a.SetNetwork(ctx, admin, set); err != nil {
			t.Fatal(err)
		}
		if n, _ := a.Network(ctx); n.Name != "Renamed" {
			t.Errorf("the store that changed the settings reads %q", n.Name)
		}
		deadline := time.Now().Add(3 * time.Second)
		for {
			n, err := b.Network(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n.Name == "Renamed" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the other store still reads %q after 3 s", n.Name)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// The countries the database counts as covered are those that
// model.Person.Covers says: an active focal point's, not an alternate's, a
// pending or inactive focal point's, or one without a country.
func TestCoveredCountries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		for _, p := range []model.Person{
			person("A", "GH", "a@x.org", model.RoleFocalPoint, model.StatusActive),
			person("B", "GH", "b@x.org", model.RoleFocalPoint, model.StatusActive),
			person("C", "DK", "c@x.org", model.RoleAlternate, model.StatusActive),
			person("D", "CR", "d@x.org", model.RoleFocalPoint, model.StatusPending),
			person("E", "AU", "e@x.org", model.RoleFocalPoint, model.StatusInactive),
			person("F", "PS", "f@x.org", model.RoleFocalPoint, model.StatusActive),
			person("G", "", "g@x.org", model.RoleSecretariat, model.StatusActive),
		} {
			create(t, s, p)
		}
		got, err := s.CoveredCountries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := model.CoverageOf(people(t, s, storage.PeopleFilter{}))
		if toJSON(t, model.CoverageOfCountries(got)) != toJSON(t, want) || strings.Join(got, ",") != "GH,PS" {
			t.Errorf("CoveredCountries = %v; want GH,PS, as CoverageOf counts", got)
		}
	})
}

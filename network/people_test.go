package network_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

var peopleNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// people is a store with a secretariat of one and the services over it.
type people struct {
	store *storage.Store
	svc   *network.Service
	sec   model.Person
}

func newPeople(t *testing.T, s *storage.Store) people {
	t.Helper()
	pl := delivery.Planner{Channels: []model.Channel{model.ChannelEmail}}
	svc := network.New(s, clock.Fixed(peopleNow), time.UTC, pl, nil)
	sec := add(t, s, model.Person{Name: "Sam Sec", Email: "sam@globalr2p.org", Role: model.RoleSecretariat, Status: model.StatusActive})
	return people{store: s, svc: svc, sec: sec}
}

func add(t *testing.T, s *storage.Store, p model.Person) model.Person {
	t.Helper()
	if err := s.CreatePerson(context.Background(), model.Actor{Label: "test"}, &p); err != nil {
		t.Fatalf("create %s: %v", p.Name, err)
	}
	return p
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := model.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestRevokeSecretariatKeepsOne(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(peopleNow), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		pp := newPeople(t, s)
		_, err := pp.svc.RevokeSecretariat(ctx, network.As(pp.sec), pp.sec.ID, nil)
		wantCode(t, err, model.ECONFLICT)
		if !strings.Contains(model.ErrorMessage(err), "last active member") {
			t.Fatalf("refusal: %q", model.ErrorMessage(err))
		}
		_, err = pp.svc.Deactivate(ctx, network.As(pp.sec), pp.sec.ID)
		wantCode(t, err, model.ECONFLICT)
		_, err = pp.svc.UpdatePerson(ctx, network.As(pp.sec), pp.sec.ID, []network.Change{{"role", "observer"}})
		wantCode(t, err, model.ECONFLICT)
		if p, _ := s.Person(ctx, pp.sec.ID); !p.IsSecretariat() {
			t.Fatalf("the last secretariat member was changed: %+v", p)
		}
		jo := add(t, s, model.Person{Name: "Jo", Email: "jo@globalr2p.org", Role: model.RoleFocalPoint, Status: model.StatusActive, Country: "DK"})
		_, err = pp.svc.RevokeSecretariat(ctx, network.As(pp.sec), jo.ID, nil)
		wantCode(t, err, model.ECONFLICT) // not of the secretariat
		if _, err := pp.svc.GrantSecretariat(ctx, network.As(pp.sec), jo.ID); err != nil {
			t.Fatal(err)
		}
		_, err = pp.svc.RevokeSecretariat(ctx, network.As(pp.sec), jo.ID, []network.Change{{"role", "secretariat"}})
		wantCode(t, err, model.EINVALID)
		if f := model.ErrorField(err); f != "role" {
			t.Fatalf("field %q, want role", f)
		}
		p, err := pp.svc.RevokeSecretariat(ctx, network.As(pp.sec), jo.ID, []network.Change{{"role", "focal-point"}, {"country", "DK"}})
		if err != nil || p.Role != model.RoleFocalPoint {
			t.Fatalf("revoke: %+v, %v", p, err)
		}
		_, err = pp.svc.RevokeSecretariat(ctx, network.As(p), pp.sec.ID, nil)
		wantCode(t, err, model.EFORBIDDEN)
	})
}

// Two members of a secretariat of two revoke each other at once: one
// revoke wins, the other is refused, and one member is left. The count is
// taken in the transaction that changes the role.
func TestConcurrentRevokesLeaveOneSecretariat(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(peopleNow), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		pp := newPeople(t, s)
		active := model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}, Statuses: []model.Status{model.StatusActive}}
		for round := range 20 {
			// The secretariat is a and b alone: the others leave, by the
			// store, which checks no rule.
			a := add(t, s, model.Person{Name: fmt.Sprintf("A%d", round), Email: fmt.Sprintf("a%d@globalr2p.org", round), Role: model.RoleSecretariat, Status: model.StatusActive})
			b := add(t, s, model.Person{Name: fmt.Sprintf("B%d", round), Email: fmt.Sprintf("b%d@globalr2p.org", round), Role: model.RoleSecretariat, Status: model.StatusActive})
			before, err := s.People(ctx, active)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range before {
				if p.ID == a.ID || p.ID == b.ID {
					continue
				}
				if _, err := s.UpdatePerson(ctx, model.Actor{Label: "test"}, p.ID, func(p *model.Person) error {
					p.Status = model.StatusInactive
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i, pair := range [][2]model.Person{{a, b}, {b, a}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = pp.svc.RevokeSecretariat(ctx, network.As(pair[0]), pair[1].ID, nil)
				}()
			}
			close(start)
			wg.Wait()
			left, err := s.People(ctx, active)
			if err != nil {
				t.Fatal(err)
			}
			if len(left) != 1 {
				t.Fatalf("round %d: %d active secretariat members left (errors %v, %v)", round, len(left), errs[0], errs[1])
			}
			failed := 0
			for _, err := range errs {
				if err != nil {
					wantCode(t, err, model.ECONFLICT)
					failed++
				}
			}
			if failed != 1 {
				t.Fatalf("round %d: %d revokes refused, want 1: %v, %v", round, failed, errs[0], errs[1])
			}
		}
	})
}

func TestRegisterApproveReject(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(peopleNow), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		pp := newPeople(t, s)
		guest := network.Caller{Label: "ama@mfa.gov.gh"}
		_, err := pp.svc.Register(ctx, guest, "GH", network.Applicant{Email: "ama@mfa.gov.gh"}, []network.Change{{"role", "secretariat"}})
		wantCode(t, err, model.EINVALID)
		if f := model.ErrorField(err); f != "role" {
			t.Fatalf("field %q, want role", f)
		}
		_, err = pp.svc.Register(ctx, guest, "GH", network.Applicant{Email: "ama@mfa.gov.gh"}, nil)
		if f := model.ErrorField(err); f != "name" {
			t.Fatalf("no name: %v, field %q", err, f)
		}
		_, err = pp.svc.Register(ctx, guest, "GH", network.Applicant{Email: "ama@mfa.gov.gh"}, []network.Change{{"tz", "Mars/Olympus"}})
		if f := model.ErrorField(err); f != "tz" {
			t.Fatalf("bad zone: %v, field %q", err, f)
		}
		ama, err := pp.svc.Register(ctx, guest, "GH", network.Applicant{Name: "Ama", Email: "ama@mfa.gov.gh"}, nil)
		if err != nil || ama.Status != model.StatusPending || ama.Country != "GH" {
			t.Fatalf("register: %+v, %v", ama, err)
		}
		_, err = pp.svc.Register(ctx, network.As(ama), "GH", network.Applicant{}, nil)
		wantCode(t, err, model.ECONFLICT)

		_, err = pp.svc.Approve(ctx, network.As(ama), ama.ID)
		wantCode(t, err, model.EFORBIDDEN)
		_, err = pp.svc.Pending(ctx, network.As(ama))
		wantCode(t, err, model.EFORBIDDEN)
		if pending, err := pp.svc.Pending(ctx, network.As(pp.sec)); err != nil || len(pending) != 1 {
			t.Fatalf("pending: %v, %v", pending, err)
		}
		if p, err := pp.svc.Approve(ctx, network.As(pp.sec), ama.ID); err != nil || p.Status != model.StatusActive {
			t.Fatalf("approve: %+v, %v", p, err)
		}
		_, err = pp.svc.Reject(ctx, network.As(pp.sec), ama.ID)
		wantCode(t, err, model.ECONFLICT) // no longer pending
		_, err = pp.svc.Approve(ctx, network.As(pp.sec), 999)
		wantCode(t, err, model.ENOTFOUND)

		cv, err := pp.svc.Coverage(ctx)
		if err != nil || len(cv.Members) != 1 || cv.Members[0] != "GH" {
			t.Fatalf("coverage: %+v, %v", cv.Members, err)
		}
		if !network.MaySeeContact(&ama, ama) || network.MaySeeContact(nil, ama) || !network.MaySeeContact(&pp.sec, ama) {
			t.Fatal("contact details: only the person and the secretariat, never the public")
		}
		if network.MaySeePending(&ama) || network.MaySeePending(nil) || !network.MaySeePending(&pp.sec) {
			t.Fatal("pending registrations: the secretariat only")
		}
		if list, err := pp.svc.Roster(ctx, nil, []string{"GH"}); err != nil || len(list) != 1 {
			t.Fatalf("roster: %v, %v", list, err)
		}
	})
}

func TestAddPersonAndProfile(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(peopleNow), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		pp := newPeople(t, s)
		_, err := pp.svc.AddPerson(ctx, network.As(pp.sec), []network.Change{{"email", "not an address"}, {"name", "Kofi"}})
		if model.ErrorField(err) != "email" {
			t.Fatalf("bad address: %v, field %q", err, model.ErrorField(err))
		}
		kofi, err := pp.svc.AddPerson(ctx, network.As(pp.sec), []network.Change{{"email", "kofi@mfa.gov.gh"}, {"name", "Kofi"}, {"country", "Ghana"}})
		if err != nil || kofi.Status != model.StatusActive || kofi.Role != model.RoleFocalPoint {
			t.Fatalf("add: %+v, %v", kofi, err)
		}
		_, err = pp.svc.AddPerson(ctx, network.As(kofi), []network.Change{{"email", "x@mfa.gov.gh"}, {"name", "X"}, {"country", "Ghana"}})
		wantCode(t, err, model.EFORBIDDEN)

		// A member's new address waits for its code; the rest changes now.
		var mailed string
		up, err := pp.svc.UpdateProfile(ctx, network.As(kofi), []network.Change{{"email", "kofi@gmail.com"}, {"title", "Director"}},
			func(to model.Person, code, network string) string { mailed = to.Email + " " + code; return mailed })
		if err != nil || !up.EmailPending || !up.Others || up.Person.Email != "kofi@mfa.gov.gh" || up.Person.Title != "Director" {
			t.Fatalf("profile: %+v, %v", up, err)
		}
		if !strings.HasPrefix(mailed, "kofi@gmail.com ") {
			t.Fatalf("mailed %q", mailed)
		}
		code := strings.TrimPrefix(mailed, "kofi@gmail.com ")
		if p, err := pp.svc.ConfirmEmail(ctx, network.As(up.Person), code); err != nil || p.Email != "kofi@gmail.com" {
			t.Fatalf("confirm: %+v, %v", p, err)
		}
		_, err = pp.svc.UpdateProfile(ctx, network.As(kofi), []network.Change{{"role", "secretariat"}}, nil)
		wantCode(t, err, model.EINVALID)

		empty := ""
		_, err = pp.svc.SetNetwork(ctx, network.As(pp.sec), network.NetworkSettings{Name: &empty})
		if model.ErrorField(err) != "name" {
			t.Fatalf("empty name: %v", err)
		}
		if n, was, err := pp.svc.SetFacilitators(ctx, network.As(pp.sec), []string{"GH", "DK"}); err != nil || len(n.FacilitatingGroup) != 2 || len(was) == 0 {
			t.Fatalf("facilitators: %+v, %v", n, err)
		}
		_, _, err = pp.svc.SetFacilitators(ctx, network.As(kofi), []string{"GH"})
		wantCode(t, err, model.EFORBIDDEN)
	})
}

// TestDeactivateTwice: deactivating someone inactive already is refused,
// saying so, and writes nothing to the audit log.
func TestDeactivateTwice(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(peopleNow), func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		pp := newPeople(t, s)
		jo := add(t, s, model.Person{Name: "Jo", Email: "jo@globalr2p.org", Role: model.RoleFocalPoint, Status: model.StatusActive, Country: "DK"})
		if _, err := pp.svc.Deactivate(ctx, network.As(pp.sec), jo.ID); err != nil {
			t.Fatal(err)
		}
		before, err := s.Audit(ctx, model.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = pp.svc.Deactivate(ctx, network.As(pp.sec), jo.ID)
		wantCode(t, err, model.ECONFLICT)
		if got := model.ErrorMessage(err); got != "Jo is inactive already: nothing changed." {
			t.Errorf("refusal: %q", got)
		}
		if after, _ := s.Audit(ctx, model.AuditFilter{}); len(after) != len(before) {
			t.Errorf("the audit log went from %d to %d entries", len(before), len(after))
		}
	})
}

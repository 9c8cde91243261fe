package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"focalbot/model"
	"focalbot/storage"
)

// day is midnight UTC of a date in 2012, how the store keeps follow-ups.
func day(month time.Month, d int) time.Time { return time.Date(2012, month, d, 0, 0, 0, 0, time.UTC) }

// outreachSecretariat adds an active member of the secretariat.
func outreachSecretariat(t *testing.T, s *storage.Store, email string) model.Person {
	t.Helper()
	return create(t, s, person("Ruth "+email, "", email, model.RoleSecretariat, model.StatusActive))
}

// outreachState is every outreach record, every note and the size of the
// audit log, to prove that a refused change wrote nothing.
func outreachState(t *testing.T, s *storage.Store) string {
	t.Helper()
	all, err := s.Outreaches(ctx)
	if err != nil {
		t.Fatalf("Outreaches: %v", err)
	}
	var b strings.Builder
	for _, o := range all {
		_, notes, err := s.Outreach(ctx, o.Country)
		if err != nil {
			t.Fatalf("Outreach(%s): %v", o.Country, err)
		}
		fmt.Fprintf(&b, "%+v %+v\n", o, notes)
	}
	fmt.Fprintf(&b, "audit entries: %d", len(audit(t, s, storage.AuditFilter{})))
	return b.String()
}

func TestOutreachLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		sec := outreachSecretariat(t, s, "sec@example.org")

		o, notes, err := s.Outreach(ctx, "ke")
		if err != nil || o != model.NewOutreach("KE") || len(notes) != 0 {
			t.Fatalf("Outreach before anything = %+v, %v, %v; want not contacted, no notes", o, notes, err)
		}

		n, err := s.AddOutreachNote(ctx, admin, "ke", "  Met the deputy permanent representative.\n", time.Time{})
		if err != nil {
			t.Fatalf("AddOutreachNote: %v", err)
		}
		want := model.OutreachNote{ID: n.ID, Country: "KE", AuthorID: admin.PersonID, Author: admin.Label, At: t0,
			Text: "Met the deputy permanent representative."}
		if n.ID == 0 || n != want {
			t.Errorf("note = %+v\nwant %+v", n, want)
		}
		o, _, _ = s.Outreach(ctx, "KE")
		if o.Stage != model.StageContacted || !o.UpdatedAt.Equal(t0) {
			t.Errorf("after the first note: %+v, want contacted at %v", o, t0)
		}

		// The follow-up is kept as its calendar date where it was given:
		// late on 15 October in New York is 16 October in UTC.
		ny, _ := time.LoadLocation("America/New_York")
		clockOf(s).Advance(time.Hour)
		o, err = s.UpdateOutreach(ctx, admin, "KE", func(o *model.Outreach) error {
			o.Stage, o.OwnerID = model.StageInterested, sec.ID
			o.FollowUp = time.Date(2012, 10, 15, 22, 0, 0, 0, ny)
			o.Country, o.UpdatedAt = "DK", t0 // ignored
			return nil
		})
		wantO := model.Outreach{Country: "KE", Stage: model.StageInterested, OwnerID: sec.ID, FollowUp: day(10, 15), UpdatedAt: t0.Add(time.Hour)}
		if err != nil || o != wantO {
			t.Fatalf("UpdateOutreach = %+v, %v\nwant %+v", o, err, wantO)
		}

		// A later note keeps the stage and may move the follow-up.
		if _, err := s.AddOutreachNote(ctx, admin, "KE", "They will reply after the Assembly.", day(10, 20)); err != nil {
			t.Fatal(err)
		}
		// Changing nothing writes nothing.
		before := outreachState(t, s)
		if _, err := s.UpdateOutreach(ctx, admin, "KE", func(o *model.Outreach) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if after := outreachState(t, s); after != before {
			t.Errorf("a change of nothing wrote:\n%s\n%s", before, after)
		}

		o, notes, err = s.Outreach(ctx, "KE")
		if err != nil || len(notes) != 2 || notes[1].Text != "They will reply after the Assembly." || !o.FollowUp.Equal(day(10, 20)) || o.Stage != model.StageInterested {
			t.Errorf("Outreach = %+v, %+v, %v", o, notes, err)
		}
		all, err := s.Outreaches(ctx)
		if err != nil || len(all) != 1 || all[0] != o {
			t.Errorf("Outreaches = %+v, %v; want [%+v]", all, err, o)
		}

		var actions []string
		for _, a := range audit(t, s, storage.AuditFilter{Subject: "outreach:KE"}) {
			actions = append(actions, a.Action)
			if a.Country != "KE" || a.Actor != admin.Label {
				t.Errorf("audit entry %+v: want country KE by %s", a, admin.Label)
			}
		}
		// Newest first.
		if got := strings.Join(actions, " "); got != "outreach.note outreach.update outreach.update outreach.note outreach.create" {
			t.Errorf("audited %s", got)
		}
	})
}

// TestFirstNoteRacesAnotherWriter logs a first note about a country while
// another transaction is creating its record: on PostgreSQL the note's
// insert then clashes with the other's and its transaction runs again, this
// time on the record; on SQLite it waits for the other's write lock.
func TestFirstNoteRacesAnotherWriter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		other := s.DB().Begin()
		if err := other.Exec("INSERT INTO outreach (country, stage, updated_at) VALUES (?, ?, ?)", "TZ", "interested", t0).Error; err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() {
			_, err := s.AddOutreachNote(ctx, admin, "TZ", "Called the mission.", time.Time{})
			done <- err
		}()
		if s.Dialect() == storage.DialectPostgres {
			waitForLockWait(t, s)
		}
		if err := other.Commit().Error; err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("AddOutreachNote: %v", err)
		}
		o, notes, err := s.Outreach(ctx, "TZ")
		if err != nil || len(notes) != 1 || o.Stage != model.StageInterested {
			t.Errorf("Outreach = %+v, %+v, %v; want the other's record, interested, and the note", o, notes, err)
		}
	})
}

// waitForLockWait waits until a session of s's PostgreSQL database waits
// for a lock.
func waitForLockWait(t *testing.T, s *storage.Store) {
	t.Helper()
	for range 2000 { // 10 s
		var n int
		err := s.DB().Raw("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&n).Error
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no session waits for the other's insert")
}

func TestOutreachBadInputChangesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		sec := outreachSecretariat(t, s, "sec@example.org")
		former := create(t, s, person("Former Staff", "", "former@example.org", model.RoleSecretariat, model.StatusInactive))
		fp := create(t, s, person("Kwame Boateng", "GH", "fp@example.org", model.RoleFocalPoint, model.StatusActive))
		if _, err := s.AddOutreachNote(ctx, admin, "KE", "First call.", day(10, 1)); err != nil {
			t.Fatal(err)
		}
		set := func(f func(o *model.Outreach)) func(o *model.Outreach) error {
			return func(o *model.Outreach) error { f(o); return nil }
		}
		oops := model.Errorf(model.ECONFLICT, "changed my mind")
		cases := []struct {
			name, code string
			do         func(country string) error
		}{
			{"unknown country", model.EINVALID, func(string) error {
				_, err := s.UpdateOutreach(ctx, admin, "XX", set(func(o *model.Outreach) { o.Stage = model.StageContacted }))
				return err
			}},
			{"alpha-3 code", model.EINVALID, func(string) error {
				_, err := s.AddOutreachNote(ctx, admin, "KEN", "A note.", time.Time{})
				return err
			}},
			{"unknown stage", model.EINVALID, func(c string) error {
				_, err := s.UpdateOutreach(ctx, admin, c, set(func(o *model.Outreach) { o.Stage = "maybe" }))
				return err
			}},
			{"owner not on the roster", model.ENOTFOUND, func(c string) error {
				_, err := s.UpdateOutreach(ctx, admin, c, set(func(o *model.Outreach) { o.OwnerID = 9999 }))
				return err
			}},
			{"owner a focal point", model.EINVALID, func(c string) error {
				_, err := s.UpdateOutreach(ctx, admin, c, set(func(o *model.Outreach) { o.OwnerID = fp.ID }))
				return err
			}},
			{"owner no longer secretariat", model.EINVALID, func(c string) error {
				_, err := s.UpdateOutreach(ctx, admin, c, set(func(o *model.Outreach) { o.OwnerID = former.ID }))
				return err
			}},
			{"negative owner", model.EINVALID, func(c string) error {
				_, err := s.UpdateOutreach(ctx, admin, c, set(func(o *model.Outreach) { o.OwnerID = -1 }))
				return err
			}},
			{"change refuses after changing", model.ECONFLICT, func(c string) error {
				_, err := s.UpdateOutreach(ctx, admin, c, func(o *model.Outreach) error {
					o.Stage, o.OwnerID = model.StageDeclined, sec.ID
					return oops
				})
				if !errors.Is(err, oops) {
					t.Errorf("UpdateOutreach returned %v, want change's error as is", err)
				}
				return err
			}},
			{"empty note", model.EINVALID, func(c string) error {
				_, err := s.AddOutreachNote(ctx, admin, c, " \n ", day(11, 1))
				return err
			}},
			{"note too long", model.EINVALID, func(c string) error {
				_, err := s.AddOutreachNote(ctx, admin, c, strings.Repeat("x", model.MaxNoteLen+1), day(11, 1))
				return err
			}},
		}
		// KE has a record; TZ has none, and must not get one.
		for _, country := range []string{"KE", "TZ"} {
			for _, c := range cases {
				t.Run(country+"/"+c.name, func(t *testing.T) {
					before := outreachState(t, s)
					err := c.do(country)
					if got := model.ErrorCode(err); got != c.code {
						t.Errorf("error %v: code %q, want %q", err, got, c.code)
					}
					if after := outreachState(t, s); after != before {
						t.Errorf("a refused change wrote:\nbefore: %s\nafter:  %s", before, after)
					}
				})
			}
		}
		if _, _, err := s.Outreach(ctx, "Kenya"); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("Outreach(Kenya): %v, want EINVALID: the store takes codes", err)
		}
	})
}

func TestFollowUpsDue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *storage.Store) {
		sec := outreachSecretariat(t, s, "sec@example.org")
		create(t, s, person("Kwame Boateng", "GH", "fp@example.org", model.RoleFocalPoint, model.StatusActive))
		create(t, s, person("Alejandro Torres", "MX", "mx@example.org", model.RoleFocalPoint, model.StatusPending))
		create(t, s, person("Ana Alternate", "PE", "pe@example.org", model.RoleAlternate, model.StatusActive))
		on := day(9, 30)
		for _, c := range []struct {
			country string
			stage   model.Stage
			owner   int64
			follow  time.Time
		}{
			{"KE", model.StageContacted, sec.ID, on.AddDate(0, 0, -3)},    // overdue: due
			{"NG", model.StageInterested, sec.ID, on},                     // today: due
			{"MX", model.StageContacted, sec.ID, on},                      // a pending focal point is not one: due
			{"PE", model.StageNotContacted, sec.ID, on},                   // an alternate is not a focal point: due
			{"TZ", model.StageContacted, sec.ID, on.AddDate(0, 0, 1)},     // tomorrow
			{"UG", model.StageContacted, 0, on.AddDate(0, 0, -1)},         // nobody to tell
			{"ZA", model.StageDeclined, sec.ID, on.AddDate(0, 0, -1)},     // closed
			{"ZM", model.StageAppointed, sec.ID, on.AddDate(0, 0, -1)},    // closed
			{"GH", model.StageInterested, sec.ID, on.AddDate(0, 0, -1)},   // has an active focal point
			{"BR", model.StageInterested, sec.ID, time.Time{}},            // no follow-up
			{"AR", model.StageContacted, sec.ID, on.AddDate(0, -1, 0)},    // long overdue: due first
			{"CL", model.StageNotContacted, sec.ID, on.AddDate(1, 0, -1)}, // next year
		} {
			_, err := s.UpdateOutreach(ctx, admin, c.country, func(o *model.Outreach) error {
				o.Stage, o.OwnerID, o.FollowUp = c.stage, c.owner, c.follow
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", c.country, err)
			}
		}

		// 30 September, evening in New York, is 1 October in UTC: the day
		// is read where it is given.
		ny, _ := time.LoadLocation("America/New_York")
		due, err := s.FollowUpsDue(ctx, time.Date(2012, 9, 30, 21, 0, 0, 0, ny))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range due {
			got = append(got, o.Country+" "+o.FollowUp.Format("01-02"))
		}
		if want := "AR 08-30, KE 09-27, MX 09-30, NG 09-30, PE 09-30"; strings.Join(got, ", ") != want {
			t.Errorf("due = %s\nwant  %s", strings.Join(got, ", "), want)
		}
		if due, _ := s.FollowUpsDue(ctx, day(8, 1)); len(due) != 0 {
			t.Errorf("due on 1 August = %+v, want none", due)
		}
		t.Run("uses the follow-up index", func(t *testing.T) {
			if plan := followUpsDuePlan(t, s, on); !strings.Contains(plan, "idx_outreach_follow_up") {
				t.Errorf("the query does not use idx_outreach_follow_up:\n%s", plan)
			}
		})
	})
}

// followUpsDuePlan is the database's plan for the query FollowUpsDue runs.
func followUpsDuePlan(t *testing.T, s *storage.Store, day time.Time) string {
	t.Helper()
	return planOf(t, s, func(db *gorm.DB) bool { return db.Statement.Table == "outreach" }, func() error {
		_, err := s.FollowUpsDue(ctx, day)
		return err
	})
}

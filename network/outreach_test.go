package network_test

import (
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// TestOutreachChanges: the secretariat logs, stages, owns and follows up
// the outreach to a country without a focal point; bad input says which
// field to fix and changes nothing.
func TestOutreachChanges(t *testing.T) {
	// 02:00 UTC on 1 May is still 30 April in New York.
	at := time.Date(2013, 5, 1, 2, 0, 0, 0, time.UTC)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		w.svc = network.New(s, clock.Fixed(at), time.UTC, planner, nil)
		sec := network.As(w.sec)
		kenya, _ := model.CountryByCode("KE")
		ghana, _ := model.CountryByCode("GH")
		april30 := time.Date(2013, 4, 30, 0, 0, 0, 0, time.UTC)

		ch, err := w.svc.LogOutreach(ctx, sec, kenya, "Met the deputy permanent representative", april30, ny)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Outreach.Stage != model.StageContacted || !ch.Outreach.FollowUp.Equal(april30) {
			t.Errorf("after a first note: %+v", ch.Outreach)
		}
		if ch, err = w.svc.SetOutreachStage(ctx, sec, kenya, model.StageInterested); err != nil || ch.Outreach.Stage != model.StageInterested {
			t.Errorf("stage: %+v, %v", ch.Outreach, err)
		}
		if ch, err = w.svc.SetOutreachOwner(ctx, sec, kenya, w.sec.ID); err != nil || ch.Outreach.OwnerID != w.sec.ID {
			t.Errorf("owner: %+v, %v", ch.Outreach, err)
		}
		if ch, err = w.svc.SetOutreachFollowUp(ctx, sec, kenya, time.Time{}, ny); err != nil || !ch.Outreach.FollowUp.IsZero() {
			t.Errorf("follow-up cleared: %+v, %v", ch.Outreach, err)
		}
		if ch, err = w.svc.LogOutreach(ctx, sec, ghana, "Thanked the new focal point", time.Time{}, nil); err != nil || len(ch.FocalPoints) != 1 {
			t.Errorf("a note on a country with a focal point is kept, and it shows as appointed: %+v, %v", ch, err)
		}

		before, _, _ := s.Outreach(ctx, "KE")
		audit, _ := s.Audit(ctx, model.AuditFilter{Limit: 1000})
		refusals := []struct {
			name, code, field string
			err               error
		}{
			{"a focal point may not log", model.EFORBIDDEN, "", second(w.svc.LogOutreach(ctx, network.As(w.gh), kenya, "hello", time.Time{}, nil))},
			{"a focal point may not change a stage", model.EFORBIDDEN, "", second(w.svc.SetOutreachStage(ctx, network.As(w.gh), kenya, model.StageDeclined))},
			{"an empty note", model.EINVALID, "note", second(w.svc.LogOutreach(ctx, sec, kenya, "  ", time.Time{}, nil))},
			{"a follow-up before today in the caller's zone", model.EINVALID, "follow_up",
				second(w.svc.SetOutreachFollowUp(ctx, sec, kenya, april30.AddDate(0, 0, -1), ny))},
			{"today in New York is yesterday in UTC", model.EINVALID, "follow_up", second(w.svc.SetOutreachFollowUp(ctx, sec, kenya, april30, time.UTC))},
			{"a note with a past follow-up", model.EINVALID, "follow_up", second(w.svc.LogOutreach(ctx, sec, kenya, "late", april30, time.UTC))},
			{"an observer may not own outreach", model.EINVALID, "owner", second(w.svc.SetOutreachOwner(ctx, sec, kenya, w.obs.ID))},
			{"a focal point may not own outreach", model.EINVALID, "owner", second(w.svc.SetOutreachOwner(ctx, sec, kenya, w.gh.ID))},
			{"an owner not on the roster", model.ENOTFOUND, "", second(w.svc.SetOutreachOwner(ctx, sec, kenya, 999))},
			{"a country with a focal point counts as appointed", model.ECONFLICT, "", second(w.svc.SetOutreachStage(ctx, sec, ghana, model.StageDeclined))},
		}
		for _, r := range refusals {
			if model.ErrorCode(r.err) != r.code || model.ErrorField(r.err) != r.field {
				t.Errorf("%s: %v (field %q), want %s in field %q", r.name, r.err, model.ErrorField(r.err), r.code, r.field)
			}
		}
		after, _, _ := s.Outreach(ctx, "KE")
		audit2, _ := s.Audit(ctx, model.AuditFilter{Limit: 1000})
		if after != before || len(audit2) != len(audit) {
			t.Errorf("refusals changed something: %+v → %+v, audit %d → %d", before, after, len(audit), len(audit2))
		}
		if ch, err := w.svc.SetOutreachFollowUp(ctx, sec, kenya, april30, ny); err != nil || !ch.Outreach.FollowUp.Equal(april30) {
			t.Errorf("today in the caller's zone is not in the past: %+v, %v", ch.Outreach, err)
		}
	})
}

// second is the error of a call that returns a value and an error.
func second[T any](_ T, err error) error { return err }

// TestOutreachViews: the pipeline leaves out countries with an active focal
// point, a country's view names them (it counts as appointed), and only
// the secretariat sees either.
func TestOutreachViews(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		sec := network.As(w.sec)
		kenya, _ := model.CountryByCode("KE")
		ghana, _ := model.CountryByCode("GH")
		if _, err := w.svc.LogOutreach(ctx, sec, kenya, "Called the mission", t0.AddDate(0, 0, 1), time.UTC); err != nil {
			t.Fatal(err)
		}
		pl, err := w.svc.OutreachPipeline(ctx, sec, []model.Group{model.GroupAfrican})
		if err != nil {
			t.Fatal(err)
		}
		stages := map[string]model.Stage{}
		for _, en := range pl.Groups[model.GroupAfrican] {
			stages[en.Country.Alpha2] = en.Outreach.Stage
		}
		_, listed := stages["GH"]
		if listed || stages["KE"] != model.StageContacted || stages["NG"] != model.StageNotContacted || pl.Total != len(stages) {
			t.Errorf("pipeline: GH listed %v, KE %s, NG %s, total %d of %d", listed, stages["KE"], stages["NG"], pl.Total, len(stages))
		}
		v, err := w.svc.OutreachOf(ctx, sec, ghana)
		if err != nil || len(v.FocalPoints) != 1 || v.FocalPoints[0] != "Kwame" {
			t.Errorf("Ghana: %+v, %v", v, err)
		}
		if v, err := w.svc.OutreachOf(ctx, sec, kenya); err != nil || len(v.Notes) != 1 || len(v.FocalPoints) != 0 {
			t.Errorf("Kenya: %+v, %v", v, err)
		}
		gh := network.As(w.gh)
		for name, err := range map[string]error{
			"pipeline":  second(w.svc.OutreachPipeline(ctx, gh, model.Groups)),
			"a country": second(w.svc.OutreachOf(ctx, gh, kenya)),
			"due":       second(w.svc.FollowUpsDue(ctx, gh, t0)),
		} {
			if model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("a focal point saw the outreach %s: %v", name, err)
			}
		}
	})
}

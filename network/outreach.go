package network

import (
	"context"
	"strings"
	"time"

	"focalbot/model"
)

// OutreachStore is what the outreach services need from storage.
type OutreachStore interface {
	Outreach(ctx context.Context, country string) (model.Outreach, []model.OutreachNote, error)
	UpdateOutreach(ctx context.Context, actor model.Actor, country string, change func(o *model.Outreach) error) (model.Outreach, error)
	AddOutreachNote(ctx context.Context, actor model.Actor, country, text string, followUp time.Time) (model.OutreachNote, error)
	Outreaches(ctx context.Context) ([]model.Outreach, error)
	FollowUpsDue(ctx context.Context, day time.Time) ([]model.Outreach, error)
	Person(ctx context.Context, id int64) (model.Person, error)
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
	CoveredCountries(ctx context.Context) ([]string, error)
}

// What the outreach services answer.
const (
	msgOutreachNoNote        = "Write the note after the country, e.g. outreach log %s Met the deputy permanent representative."
	msgOutreachPastDate      = "%s is in the past (today is %s where you are): choose today or a later day."
	msgOutreachHasFocalPoint = "%s has an active focal point (%s), so it counts as appointed: outreach is for countries without one."
)

// OutreachChange is what an outreach operation did: the country's outreach
// as stored afterwards, and the names of its active focal points (when it
// has any, it counts as appointed whatever is stored).
type OutreachChange struct {
	Country     model.Country
	Outreach    model.Outreach
	FocalPoints []string
}

// LogOutreach adds a note to the outreach log of country (a first note
// marks it contacted) and, when followUp is not zero, the calendar day to
// follow up. loc is the caller's zone, in which today is judged.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINVALID (field
// "follow_up") for a follow-up day before today, (field "note") for an
// empty or too long note; EINTERNAL.
func (s *Service) LogOutreach(ctx context.Context, c Caller, country model.Country, note string, followUp time.Time, loc *time.Location) (OutreachChange, error) {
	if err := c.requireSecretariat(); err != nil {
		return OutreachChange{}, err
	}
	if err := s.checkFollowUp(followUp, loc); err != nil {
		return OutreachChange{}, err
	}
	if strings.TrimSpace(note) == "" {
		return OutreachChange{}, model.FieldErrorf("note", model.EINVALID, msgOutreachNoNote, country)
	}
	focal, err := s.focalPoints(ctx, country)
	if err != nil {
		return OutreachChange{}, err
	}
	if _, err := s.store.AddOutreachNote(ctx, c.Actor(), country.Alpha2, note, followUp); err != nil {
		return OutreachChange{}, err
	}
	o, _, err := s.store.Outreach(ctx, country.Alpha2)
	if err != nil {
		return OutreachChange{}, err
	}
	return OutreachChange{Country: country, Outreach: o, FocalPoints: focal}, nil
}

// SetOutreachStage moves a country along the outreach pipeline.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ECONFLICT for
// a country with an active focal point; EINVALID for an unknown stage; EINTERNAL.
func (s *Service) SetOutreachStage(ctx context.Context, c Caller, country model.Country, st model.Stage) (OutreachChange, error) {
	return s.changeOutreach(ctx, c, country, func(o *model.Outreach) error {
		o.Stage = st
		return nil
	})
}

// SetOutreachOwner puts a member of the secretariat in charge of the
// outreach to a country (see Caller.mayOwnOutreach), or nobody when
// ownerID is 0.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ENOTFOUND for
// an owner not on the roster; EINVALID (field "owner") for an owner who may
// not own outreach; ECONFLICT for a country with an active focal point;
// EINTERNAL.
func (s *Service) SetOutreachOwner(ctx context.Context, c Caller, country model.Country, ownerID int64) (OutreachChange, error) {
	if err := c.requireSecretariat(); err != nil {
		return OutreachChange{}, err
	}
	if ownerID != 0 {
		p, err := s.store.Person(ctx, ownerID)
		if err != nil {
			return OutreachChange{}, err
		}
		if err := mayOwnOutreach(p); err != nil {
			return OutreachChange{}, err
		}
	}
	return s.changeOutreach(ctx, c, country, func(o *model.Outreach) error {
		o.OwnerID = ownerID
		return nil
	})
}

// SetOutreachFollowUp sets the calendar day to follow up with a country,
// or clears it when day is zero; its owner is reminded that morning. loc
// is the caller's zone, in which today is judged.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINVALID (field
// "follow_up") for a day before today; ECONFLICT for a country with an
// active focal point; EINTERNAL.
func (s *Service) SetOutreachFollowUp(ctx context.Context, c Caller, country model.Country, day time.Time, loc *time.Location) (OutreachChange, error) {
	if err := c.requireSecretariat(); err != nil {
		return OutreachChange{}, err
	}
	if err := s.checkFollowUp(day, loc); err != nil {
		return OutreachChange{}, err
	}
	return s.changeOutreach(ctx, c, country, func(o *model.Outreach) error {
		o.FollowUp = day
		return nil
	})
}

// changeOutreach applies change to the outreach of a country without an
// active focal point.
func (s *Service) changeOutreach(ctx context.Context, c Caller, country model.Country, change func(o *model.Outreach) error) (OutreachChange, error) {
	if err := c.requireSecretariat(); err != nil {
		return OutreachChange{}, err
	}
	focal, err := s.focalPoints(ctx, country)
	if err != nil {
		return OutreachChange{}, err
	}
	if len(focal) > 0 {
		return OutreachChange{}, model.Errorf(model.ECONFLICT, msgOutreachHasFocalPoint, country, strings.Join(focal, ", "))
	}
	o, err := s.store.UpdateOutreach(ctx, c.Actor(), country.Alpha2, change)
	if err != nil {
		return OutreachChange{}, err
	}
	return OutreachChange{Country: country, Outreach: o}, nil
}

// focalPoints names a country's active focal points.
func (s *Service) focalPoints(ctx context.Context, country model.Country) ([]string, error) {
	people, err := s.store.People(ctx, model.PeopleFilter{Countries: []string{country.Alpha2},
		Roles: []model.Role{model.RoleFocalPoint}, Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range people {
		names = append(names, p.Name)
	}
	return names, nil
}

// OutreachView is one country's outreach and its log, oldest note first.
type OutreachView struct {
	OutreachChange
	Notes []model.OutreachNote
}

// OutreachOf shows the outreach to a country. One with an active focal
// point counts as appointed (its FocalPoints are named), whatever is stored.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINTERNAL.
func (s *Service) OutreachOf(ctx context.Context, c Caller, country model.Country) (OutreachView, error) {
	if err := c.requireSecretariat(); err != nil {
		return OutreachView{}, err
	}
	focal, err := s.focalPoints(ctx, country)
	if err != nil {
		return OutreachView{}, err
	}
	o, notes, err := s.store.Outreach(ctx, country.Alpha2)
	if err != nil {
		return OutreachView{}, err
	}
	return OutreachView{OutreachChange: OutreachChange{Country: country, Outreach: o, FocalPoints: focal}, Notes: notes}, nil
}

// Pipeline is the outreach to the countries of some regional groups that
// have no active focal point, by group, in the order of the UN's list.
type Pipeline struct {
	Groups map[model.Group][]OutreachChange
	Total  int
}

// OutreachPipeline lists the countries of groups that have no active focal
// point, each with its outreach (not contacted when nothing is recorded).
// Observer states are listed only once their outreach is recorded.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINTERNAL.
func (s *Service) OutreachPipeline(ctx context.Context, c Caller, groups []model.Group) (Pipeline, error) {
	if err := c.requireSecretariat(); err != nil {
		return Pipeline{}, err
	}
	// Counted by the database, a row a country: not every focal point loaded.
	covered, err := s.store.CoveredCountries(ctx)
	if err != nil {
		return Pipeline{}, err
	}
	appointed := map[string]bool{}
	for _, code := range covered {
		appointed[code] = true
	}
	all, err := s.store.Outreaches(ctx)
	if err != nil {
		return Pipeline{}, err
	}
	records := map[string]model.Outreach{}
	for _, o := range all {
		records[o.Country] = o
	}
	pl := Pipeline{Groups: map[model.Group][]OutreachChange{}}
	for _, g := range groups {
		for _, country := range model.CountriesInGroup(g) {
			o, recorded := records[country.Alpha2]
			if appointed[country.Alpha2] || country.Observer && !recorded {
				continue
			}
			if !recorded {
				o = model.NewOutreach(country.Alpha2)
			}
			pl.Groups[g] = append(pl.Groups[g], OutreachChange{Country: country, Outreach: o})
			pl.Total++
		}
	}
	return pl, nil
}

// FollowUpsDue lists the open outreach whose follow-up day is day or
// earlier: those whose owners are reminded.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINTERNAL.
func (s *Service) FollowUpsDue(ctx context.Context, c Caller, day time.Time) ([]model.Outreach, error) {
	if err := c.requireSecretariat(); err != nil {
		return nil, err
	}
	return s.store.FollowUpsDue(ctx, day)
}

// OutreachToday is the calendar day of now in loc, as midnight UTC: the
// day a follow-up is judged against.
func OutreachToday(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkFollowUp refuses a follow-up day before the caller's today.
func (s *Service) checkFollowUp(day time.Time, loc *time.Location) error {
	if loc == nil {
		loc = s.zone
	}
	if today := OutreachToday(s.clock.Now(), loc); !day.IsZero() && day.Before(today) {
		return model.FieldErrorf("follow_up", model.EINVALID, msgOutreachPastDate, model.Day{Time: day}, model.Day{Time: today})
	}
	return nil
}

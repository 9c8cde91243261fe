package network

import (
	"context"
	"slices"
	"time"

	"focalbot/model"
	"focalbot/recur"
)

// SeriesStore is what the series services need from storage.
type SeriesStore interface {
	CreateSeries(ctx context.Context, actor model.Actor, sr *model.Series) error
	SeriesList(ctx context.Context, active bool) ([]model.Series, error)
	SetSeriesActive(ctx context.Context, actor model.Actor, id int64, active bool) (model.Series, error)
	Network(ctx context.Context) (model.Network, error)
}

// DefaultPlanAhead is how long before an occurrence a series plans its
// draft, unless it says otherwise.
const DefaultPlanAhead = 120 * 24 * time.Hour

// SeriesPlan is a series with its next occurrence.
type SeriesPlan struct {
	Series  model.Series
	Next    time.Time // the next occurrence's start; zero when HasNext is false
	HasNext bool      // false when the rule has no further occurrence
}

// CreateSeries defines a recurring meeting, planned by the scheduler (see
// recur for the rule). Of sr, the ID is ignored and the series starts
// active; a nil Hosts means the network's facilitating group (an empty,
// non-nil list: none), a zero PlanAhead DefaultPlanAhead, an empty TimeZone
// the secretariat's, and zero Invitees every active focal point and
// alternate. It returns the series with its next occurrence after now.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINVALID for a
// bad rule or series; EINTERNAL.
func (s *Service) CreateSeries(ctx context.Context, c Caller, sr model.Series) (SeriesPlan, error) {
	if err := c.requireSecretariat(); err != nil {
		return SeriesPlan{}, err
	}
	var err error
	if sr.Rule, err = recur.ParseRule(sr.Rule); err != nil {
		return SeriesPlan{}, err
	}
	sr.ID, sr.Active = 0, true
	if sr.Hosts == nil {
		n, err := s.store.Network(ctx)
		if err != nil {
			return SeriesPlan{}, err
		}
		sr.Hosts = slices.Clone(n.FacilitatingGroup)
	}
	if sr.PlanAhead == 0 {
		sr.PlanAhead = DefaultPlanAhead
	}
	if sr.TimeZone == "" {
		sr.TimeZone = s.zone.String()
	}
	next, ok, err := recur.Next(sr, s.clock.Now())
	if err != nil {
		return SeriesPlan{}, err
	}
	if err := s.store.CreateSeries(ctx, c.Actor(), &sr); err != nil {
		return SeriesPlan{}, err
	}
	return SeriesPlan{Series: sr, Next: next, HasNext: ok}, nil
}

// SeriesList lists every series, active or stopped, with its next
// occurrence after now (none when its rule cannot be read).
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINTERNAL.
func (s *Service) SeriesList(ctx context.Context, c Caller) ([]SeriesPlan, error) {
	if err := c.requireSecretariat(); err != nil {
		return nil, err
	}
	all, err := s.store.SeriesList(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make([]SeriesPlan, len(all))
	now := s.clock.Now()
	for i, sr := range all {
		out[i].Series = sr
		if t, ok, err := recur.Next(sr, now); err == nil && ok {
			out[i].Next, out[i].HasNext = t, true
		}
	}
	return out, nil
}

// SetSeriesActive starts (active) or stops the planning of a series.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ENOTFOUND; EINTERNAL.
func (s *Service) SetSeriesActive(ctx context.Context, c Caller, id int64, active bool) (model.Series, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Series{}, err
	}
	return s.store.SetSeriesActive(ctx, c.Actor(), id, active)
}

package bot

import (
	"context"

	"focalbot/model"
	"focalbot/network"
)

// Home is what a transport's home screen (Slack's App Home) shows a caller,
// as data rather than text, so that it can offer buttons.
type Home struct {
	Person      *model.Person   // the caller on the roster; nil when not on it
	Secretariat bool            // the caller is an active member of the secretariat
	Pending     []model.Person  // registrations awaiting approval; for the secretariat only
	Drafts      []model.Meeting // planned meetings to confirm, move or skip; for the secretariat only
}

// Home gathers what caller's home screen shows. Pending registrations and
// draft meetings are given only to the secretariat, checked here as for the pending command.
// It returns an internal error when the store fails.
func (e *Engine) Home(ctx context.Context, c Caller) (Home, error) {
	p, err := e.Identify(ctx, c)
	if err != nil {
		return Home{}, err
	}
	h := Home{Person: p, Secretariat: Secretariat.allows(p)}
	if h.Secretariat {
		h.Pending, err = e.svc.Pending(ctx, network.Caller{Person: p})
		if err != nil {
			return Home{}, err
		}
		h.Drafts, err = e.svc.Drafts(ctx, network.Caller{Person: p})
		if err != nil {
			return Home{}, err
		}
	}
	return h, nil
}

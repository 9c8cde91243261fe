package bot

import (
	"context"
	"slices"
	"strings"

	"focalbot/i18n"
	"focalbot/model"
	"focalbot/network"
)

// Delegation, answers recorded for others, and status by country.
const (
	msgDelegated         = "Thank you: %s is invited to meeting %d in your place, and their answer counts for you from now on."
	msgDelegatedInvited  = "Thank you: %s, invited already, now answers for you at meeting %d."
	msgDelegatedStale    = "A newer answer of yours to meeting %d is recorded already: nothing changed."
	msgAnsweredFor       = "Recorded for %s: %s, for %s."
	msgStatusByCountry   = "Countries invited: %d — coming: %d, maybe: %d, declined: %d, silent: %d"
	msgCountriesMaybe    = "Countries maybe: %d"
	msgCountriesDeclined = "Countries declined: %d"
	msgCountriesSilent   = "Countries silent (no answer yet): %d"
	msgStatusPeople      = "People:"
	msgDelegatedLabel    = "%s → %s"
)

// countryStates are the lines of status for each answer of a country
// (model.CountryAnswer), in the order it lists them.
var countryStates = []struct {
	r    model.Response
	name string
}{{model.ResponseYes, msgStatusCountries}, {model.ResponseMaybe, msgCountriesMaybe},
	{model.ResponseNo, msgCountriesDeclined}, {model.ResponseNone, msgCountriesSilent}}

// delegate reads "delegate <meeting> <e-mail> name=… [title=…]".
func (e *Engine) delegate(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) != 2 {
		return errUsage
	}
	id, err := meetingID(r)
	if err != nil {
		return err
	}
	return e.delegated(ctx, w, r, id, DelegateForm{Email: r.Args.Words[1], Name: r.Args.Opts["name"], Title: r.Args.Opts["title"]})
}

// delegated sends the colleague of f to meeting id and says so.
func (e *Engine) delegated(ctx context.Context, w *Reply, r *Request, id int64, f DelegateForm) error {
	d, err := e.svc.Delegate(ctx, r.caller(), id, network.Delegate{Email: f.Email, Name: f.Name, Title: f.Title})
	switch {
	case err != nil:
		return err
	case d.Stale:
		w.Printf(msgDelegatedStale, id)
	case d.Invited:
		w.Printf(msgDelegated, d.To.Name, d.Meeting.ID)
	default:
		w.Printf(msgDelegatedInvited, d.To.Name, d.Meeting.ID)
	}
	return nil
}

// rsvpFor reads "rsvp yes|no|maybe <meeting> for <person>": words are
// what follows the answer.
func (e *Engine) rsvpFor(ctx context.Context, w *Reply, r *Request, resp model.Response, words []string) error {
	at := slices.IndexFunc(words, func(s string) bool { return strings.EqualFold(s, "for") })
	if at != 1 || len(words) < 3 {
		return errUsage
	}
	r.Args.Words = words[:1]
	id, err := meetingID(r)
	if err != nil {
		return err
	}
	p, err := e.findPerson(ctx, strings.Join(words[2:], " "))
	if err != nil {
		return err
	}
	a, err := e.svc.RespondFor(ctx, r.caller(), id, p, resp)
	if err != nil {
		return err
	}
	w.Printf(msgAnsweredFor, p.Name, w.response(resp), a.Meeting.Title)
	return nil
}

// statusByCountry writes the countries invited as the unit: how many are
// coming, maybe, declined and silent (model.CountryAnswers), each state
// with its countries by regional group.
func (e *Engine) statusByCountry(w *Reply, invs []model.Invitation) {
	answers := model.CountryAnswers(invs)
	counts := map[model.Response]int{}
	for _, a := range answers {
		counts[a]++
	}
	w.Printf(msgStatusByCountry, len(answers), counts[model.ResponseYes], counts[model.ResponseMaybe], counts[model.ResponseNo], counts[model.ResponseNone])
	for _, st := range countryStates {
		if st.r == model.ResponseYes || counts[st.r] > 0 { // "Countries coming: 0" is said too
			w.Printf(st.name, counts[st.r])
		}
		for _, g := range model.Groups {
			var codes []string
			for _, c := range model.CountriesInGroup(g) {
				if a, ok := answers[c.Alpha2]; ok && a == st.r {
					codes = append(codes, c.Alpha2)
				}
			}
			if len(codes) > 0 {
				w.Printf(msgCoverageGroup, w.group(g), len(codes), len(groupMembers(g)), i18n.CountryNames(w.lang, codes))
			}
		}
	}
}

// statusLabel is how status names an invitee: with their country, and,
// for one who sent a colleague, whom they sent.
func statusLabel(w *Reply, inv model.Invitation, byID map[int64]model.Invitation) string {
	label := w.inviteeLabel(inv)
	if to, ok := byID[inv.DelegatedTo]; ok && inv.Response == model.ResponseDelegate {
		return w.p.Sprintf(msgDelegatedLabel, label, to.Name)
	}
	return label
}

// DelegateForm is a form sending a colleague instead of the caller (Slack's
// Send a colleague), its fields as typed.
type DelegateForm struct {
	Email, Name, Title string
}

// Delegate sends the colleague of form f to meeting id in the caller's
// place, as delegate does. On failure the reply says why and the error is
// returned too: model.ErrorField names the field it concerns ("email",
// "name", "title"), or none.
func (e *Engine) Delegate(ctx context.Context, c Caller, id int64, f DelegateForm) (*Reply, error) {
	return e.call(ctx, c, "delegate", func(ctx context.Context, w *Reply, r *Request) error {
		return e.delegated(ctx, w, r, id, f)
	})
}

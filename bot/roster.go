package bot

import (
	"context"
	"slices"
	"strings"

	"focalbot/match"
	"focalbot/model"
)

func (e *Engine) roster(ctx context.Context, w *Reply, r *Request) error {
	var countries []string
	title := ""
	if q := r.Args.Rest(0); q != "" {
		if g, ok := model.ParseGroup(q); ok {
			for _, c := range model.CountriesInGroup(g) {
				countries = append(countries, c.Alpha2)
			}
			title = w.group(g)
		} else {
			c, err := match.Country(q)
			if err != nil {
				return err
			}
			countries, title = []string{c.Alpha2}, w.countryName(c)
		}
	}
	people, err := e.svc.Roster(ctx, r.viewer(), countries)
	if err != nil {
		return err
	}
	if len(people) == 0 {
		w.Printf(msgRosterEmpty)
		return nil
	}
	// The store orders by country code; readers look for country names.
	slices.SortStableFunc(people, func(a, b model.Person) int {
		return strings.Compare(countryName(a.Country), countryName(b.Country))
	})
	if title != "" {
		w.Printf(msgRosterHeaderFor, title, len(people))
	} else {
		w.Printf(msgRosterHeader, len(people))
	}
	last := "-"
	for _, p := range people {
		if p.Country != last {
			last = p.Country
			if c, ok := model.CountryByCode(p.Country); ok {
				w.Printf(msgRosterCountry, w.countryName(c), w.group(c.Group))
			} else {
				w.Printf(msgRosterNoCountry)
			}
		}
		w.Printf(msgListItem, e.personLine(w, p, r.viewer()))
	}
	return nil
}

func (e *Engine) coverage(ctx context.Context, w *Reply, r *Request) error {
	cv, err := e.svc.Coverage(ctx)
	if err != nil {
		return err
	}
	members := len(model.MemberStates())
	w.Printf(msgCoverage, len(cv.Members), members, 100*float64(len(cv.Members))/float64(members))
	for _, g := range cv.Groups {
		if len(g.Covered) == 0 {
			w.Printf(msgCoverageGroupNone, w.group(g.Group), 0, g.Total)
		} else {
			w.Printf(msgCoverageGroup, w.group(g.Group), len(g.Covered), g.Total, strings.Join(namesOf(g.Covered), ", "))
		}
	}
	if len(cv.Observers) > 0 {
		w.Printf(msgCoverageObservers, strings.Join(namesOf(cv.Observers), ", "))
	}
	return nil
}

// namesOf are the names of countries.
func namesOf(cs []model.Country) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}

// groupMembers are the member states of a regional group, without observers.
func groupMembers(g model.Group) []model.Country {
	var out []model.Country
	for _, c := range model.CountriesInGroup(g) {
		if !c.Observer {
			out = append(out, c)
		}
	}
	return out
}

// countryName is the name of a country code, "" for none (sorted first).
func countryName(code string) string {
	c, _ := model.CountryByCode(code)
	return match.Fold(c.Name)
}

// The catalog's names of roles and statuses.
var (
	roleNames = map[model.Role]string{model.RoleFocalPoint: msgRoleFocalPoint, model.RoleAlternate: msgRoleAlternate,
		model.RoleSecretariat: msgRoleSecretariat, model.RoleObserver: msgRoleObserver}
	statusNames = map[model.Status]string{model.StatusPending: msgStatusPending, model.StatusActive: msgStatusActive,
		model.StatusInactive: msgStatusInactive}
)

// role is a role's name in the reader's language.
func (w *Reply) role(r model.Role) string {
	if m, ok := roleNames[r]; ok {
		return w.p.Sprintf(m)
	}
	return string(r)
}

// status is a status's name in the reader's language.
func (w *Reply) status(s model.Status) string {
	if m, ok := statusNames[s]; ok {
		return w.p.Sprintf(m)
	}
	return string(s)
}

// words writes the roles and statuses among a domain error's arguments in
// the reader's language, as the services leave them typed.
func (w *Reply) words(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case model.Role:
			out[i] = w.role(a)
		case model.Status:
			out[i] = w.status(a)
		default:
			out[i] = a
		}
	}
	return out
}

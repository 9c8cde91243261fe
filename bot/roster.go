package bot

import (
	"context"
	"slices"
	"strings"

	"focalbot/match"
	"focalbot/model"
)

func (e *Engine) roster(ctx context.Context, w *Reply, r *Request) error {
	f := model.PeopleFilter{Statuses: []model.Status{model.StatusActive}}
	if r.viewer().IsSecretariat() {
		f.Statuses = append(f.Statuses, model.StatusPending)
	}
	title := ""
	if q := r.Args.Rest(0); q != "" {
		if g, ok := model.ParseGroup(q); ok {
			for _, c := range model.CountriesInGroup(g) {
				f.Countries = append(f.Countries, c.Alpha2)
			}
			title = g.Name()
		} else {
			c, err := match.Country(q)
			if err != nil {
				return err
			}
			f.Countries, title = []string{c.Alpha2}, c.Name
		}
	}
	people, err := e.store.People(ctx, f)
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
				w.Printf(msgRosterCountry, c.Name, c.Group.Name())
			} else {
				w.Printf(msgRosterNoCountry)
			}
		}
		w.Printf(msgListItem, e.personLine(w, p, r.viewer()))
	}
	return nil
}

func (e *Engine) coverage(ctx context.Context, w *Reply, r *Request) error {
	people, err := e.store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleFocalPoint},
		Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return err
	}
	covered := map[string]bool{}
	for _, p := range people {
		covered[p.Country] = true
	}
	members := model.MemberStates()
	total := 0
	for _, c := range members {
		if covered[c.Alpha2] {
			total++
		}
	}
	w.Printf(msgCoverage, total, len(members), 100*float64(total)/float64(len(members)))
	for _, g := range model.Groups {
		var names []string
		members := groupMembers(g)
		for _, c := range members {
			if covered[c.Alpha2] {
				names = append(names, c.Name)
			}
		}
		if len(names) == 0 {
			w.Printf(msgCoverageGroupNone, g.Name(), len(names), len(members))
		} else {
			w.Printf(msgCoverageGroup, g.Name(), len(names), len(members), strings.Join(names, ", "))
		}
	}
	var observers []string
	for _, c := range model.Countries() {
		if c.Observer && covered[c.Alpha2] {
			observers = append(observers, c.Name)
		}
	}
	if len(observers) > 0 {
		w.Printf(msgCoverageObservers, strings.Join(observers, ", "))
	}
	return nil
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

package bot

import (
	"context"
	"strconv"
	"strings"

	"focalbot/i18n"
	"focalbot/match"
	"focalbot/model"

	"golang.org/x/text/message"
)

// Messages of the roster's pages.
const (
	msgRosterPage    = "Page %d of %d. For the next one: %s"
	msgRosterLast    = "Page %d of %d, the last."
	msgRosterBadPage = "A page is a number from 1, e.g. roster page 2."
	msgRosterNoPage  = "There is no page %d: the last page of the roster here is %d (%d people to a page)."
)

// rosterPage is how many people a page of the roster shows: about a
// screen.
const rosterPage = 50

// roster lists the people of a country, a regional group or all, a page
// (rosterPage people) at a time: "roster [country | group] [page <n>]".
// Its cost grows with the people it shows (network.RosterPageOf).
func (e *Engine) roster(ctx context.Context, w *Reply, r *Request) error {
	words, page := r.Args.Words, 1
	if n := len(words); n >= 1 && strings.EqualFold(words[n-1], "page") {
		return model.Errorf(model.EINVALID, msgRosterBadPage)
	}
	if n := len(words); n >= 2 && strings.EqualFold(words[n-2], "page") {
		p, err := strconv.Atoi(model.ASCIIDigits(words[n-1]))
		if err != nil || p < 1 {
			return model.Errorf(model.EINVALID, msgRosterBadPage)
		}
		words, page = words[:n-2], p
	}
	var countries []string
	title, q := "", strings.Join(words, " ")
	if q != "" {
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
	pg, err := e.svc.RosterPageOf(ctx, r.viewer(), w.lang, countries, page, rosterPage)
	if err != nil {
		return err
	}
	if pg.Total == 0 {
		w.Printf(msgRosterEmpty)
		return nil
	}
	pages := (pg.Total + rosterPage - 1) / rosterPage
	if page > pages {
		return model.Errorf(model.EINVALID, msgRosterNoPage, page, pages, rosterPage)
	}
	people := pg.People
	if title != "" {
		w.Printf(msgRosterHeaderFor, title, pg.Total)
	} else {
		w.Printf(msgRosterHeader, pg.Total)
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
	switch {
	case page < pages:
		next := strings.TrimSpace("roster " + q)
		w.Printf(msgRosterPage, page, pages, next+" page "+strconv.Itoa(page+1))
	case pages > 1:
		w.Printf(msgRosterLast, page, pages)
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
			w.Printf(msgCoverageGroup, w.group(g.Group), len(g.Covered), g.Total, w.countryNames(g.Covered))
		}
	}
	if len(cv.Observers) > 0 {
		w.Printf(msgCoverageObservers, w.countryNames(cv.Observers))
	}
	return nil
}

// countryNames lists countries by their names in the reader's language,
// as it lists words ("Ghana, Danemark", "غانا، الدانمرك").
func (w *Reply) countryNames(cs []model.Country) string {
	codes := make([]string, len(cs))
	for i, c := range cs {
		codes[i] = c.Alpha2
	}
	return i18n.CountryNames(w.lang, codes)
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

// The catalog's names of roles and statuses.
var (
	roleNames = map[model.Role]string{model.RoleFocalPoint: msgRoleFocalPoint, model.RoleAlternate: msgRoleAlternate,
		model.RoleSecretariat: msgRoleSecretariat, model.RoleObserver: msgRoleObserver}
	statusNames = map[model.Status]string{model.StatusPending: msgStatusPending, model.StatusActive: msgStatusActive,
		model.StatusInactive: msgStatusInactive}
)

// role is a role's name in the reader's language.
func (w *Reply) role(r model.Role) string { return RoleName(w.p, r) }

// RoleName is a role's name in pr's language, in a sentence ("focal
// point"), as every reply and the Slack transport's App Home write it.
func RoleName(pr *message.Printer, r model.Role) string {
	if m, ok := roleNames[r]; ok {
		return pr.Sprintf(m)
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
		case *model.Error: // a mistake quoted by another ("Line 2: …")
			out[i] = w.p.Sprintf(a.Format, model.Identifiers(w.words(a.Args))...)
		case synopsisArg: // a command's usage, its prose in the reader's language
			out[i] = w.usage(a.c)
		case model.Moment, model.Day, model.Country, model.CountryChoice: // in the reader's language
			out[i] = i18n.Argument(w.lang, a)
		default:
			out[i] = a
		}
	}
	return out
}

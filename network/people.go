package network

import (
	"context"
	"slices"
	"strings"

	"focalbot/i18n"
	"focalbot/model"
	"focalbot/roster"

	"golang.org/x/text/language"
)

// PeopleStore is what the people services need from storage.
type PeopleStore interface {
	Person(ctx context.Context, id int64) (model.Person, error)
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
	// CoveredCountries are the alpha-2 codes of the countries an active
	// focal point covers (model.Person.Covers), counted by the database.
	CoveredCountries(ctx context.Context) ([]string, error)
	// CountPeople counts the people f selects, by country code.
	CountPeople(ctx context.Context, f model.PeopleFilter) (map[string]int, error)
	CreatePerson(ctx context.Context, actor model.Actor, p *model.Person) error
	UpdatePerson(ctx context.Context, actor model.Actor, id int64, update func(p *model.Person) error) (model.Person, error)
	// UpdatePersonWithSecretariat is UpdatePerson whose update also learns
	// how many other active members the secretariat has, counted in the
	// same transaction with their rows locked.
	UpdatePersonWithSecretariat(ctx context.Context, actor model.Actor, id int64, update func(p *model.Person, others int) error) (model.Person, error)
	RequestEmailChange(ctx context.Context, id int64, email string, plan func(p model.Person, code string) []model.OutboxItem) error
	ConfirmEmailChange(ctx context.Context, actor model.Actor, id int64, code string) (model.Person, error)
	Network(ctx context.Context) (model.Network, error)
	SetNetwork(ctx context.Context, actor model.Actor, n model.Network) error
}

// Messages of the people services. Arguments of type model.Role and
// model.Status are written in the reader's words by the transport.
const (
	msgNotPending         = "%s is not pending (they are %s)."
	msgNotSecretariat     = "%s is not a member of the secretariat."
	msgRevokeRole         = "After revoking, the role must be observer, focal-point or alternate."
	msgLastSecretariat    = "%s is the last active member of the secretariat: grant the role to someone else first."
	msgInactiveAlready    = "%s is inactive already: nothing changed."
	msgAlreadyRegistered  = "You are already on the roster as %s (%s). Type me to see your profile."
	msgRegisterName       = "Tell me your name too, e.g. register %s name=\"Your Name\"."
	msgRegisterRole       = "You can register as a focal point or an alternate (role=alternate)."
	msgRegisterNoIdentity = "I need your e-mail address to register you: start the console with --as you@example.org."
	msgNetworkFieldEmpty  = "The network's %s cannot be empty."
	msgNoFacilitators     = "Name at least one country of the facilitating group."
	msgBadPage            = "A page is a number from 1."
)

// Change sets one field of a person: Field is the roster's key for it
// ("name", "email", "country", "role", "tz", "ministry", …, see
// roster.Fields) and Value its value as written; "" or "none" clears a field
// that may be empty. An error about it names Field.
type Change struct{ Field, Value string }

// apply makes changes to p, allowing only the fields in allowed (nil: all).
func apply(p *model.Person, changes []Change, allowed []string) error {
	for _, c := range changes {
		if err := roster.Set(p, c.Field, c.Value, allowed); err != nil {
			return inField(err, c.Field)
		}
	}
	return nil
}

// Applicant is who asks to join the roster, as their transport knows them.
type Applicant struct {
	Name, Email, SlackID, TimeZone string
}

// registerFields are what someone registering may say of themselves.
var registerFields = []string{"name", "title", "ministry", "role", "phone", "tz", "language"}

// Register asks for the caller to join the roster as a focal point (or,
// with role=alternate, an alternate) of country, an alpha-2 code, pending
// the secretariat's approval. Someone not on the roster is added from who
// and changes; someone who left (inactive) asks to come back, with changes.
//
// Errors: ECONFLICT when the caller is on the roster and not inactive;
// EINVALID for a bad change (naming its field), another role, no name, or
// neither an e-mail address nor a Slack user; EINTERNAL otherwise.
func (s *Service) Register(ctx context.Context, c Caller, country string, who Applicant, changes []Change) (model.Person, error) {
	if p := c.Person; p != nil {
		if p.Status != model.StatusInactive {
			return model.Person{}, model.Errorf(model.ECONFLICT, msgAlreadyRegistered, p.Role, p.Status)
		}
		return s.store.UpdatePerson(ctx, c.Actor(), p.ID, func(p *model.Person) error {
			p.Country, p.Role, p.Status = country, model.RoleFocalPoint, model.StatusPending
			return apply(p, changes, registerFields)
		})
	}
	p := model.Person{Name: who.Name, Email: who.Email, SlackID: who.SlackID, TimeZone: who.TimeZone,
		Country: country, Role: model.RoleFocalPoint, Status: model.StatusPending}
	if err := apply(&p, changes, registerFields); err != nil {
		return model.Person{}, err
	}
	var cn any = country // the country as the command names it: by name in the reader's language
	if cc, ok := model.CountryByCode(country); ok {
		cn = cc
	}
	if p.Role != model.RoleFocalPoint && p.Role != model.RoleAlternate {
		return model.Person{}, model.FieldErrorf("role", model.EINVALID, msgRegisterRole)
	}
	if strings.TrimSpace(p.Name) == "" {
		return model.Person{}, model.FieldErrorf("name", model.EINVALID, msgRegisterName, cn)
	}
	if p.Email == "" && p.SlackID == "" {
		return model.Person{}, model.Errorf(model.EINVALID, msgRegisterNoIdentity)
	}
	if err := s.store.CreatePerson(ctx, c.Actor(), &p); err != nil {
		return model.Person{}, err
	}
	return p, nil
}

// AddPerson puts someone on the roster, active, a focal point unless
// changes say otherwise.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINVALID for
// a bad change (naming its field) or a person incomplete; ECONFLICT when
// someone has the e-mail address or Slack user already; EINTERNAL otherwise.
func (s *Service) AddPerson(ctx context.Context, c Caller, changes []Change) (model.Person, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Person{}, err
	}
	p := model.Person{Role: model.RoleFocalPoint, Status: model.StatusActive}
	if err := apply(&p, changes, nil); err != nil {
		return model.Person{}, err
	}
	if err := s.store.CreatePerson(ctx, c.Actor(), &p); err != nil {
		return model.Person{}, err
	}
	return p, nil
}

// UpdatePerson changes fields of the person with the given ID.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINVALID for
// a bad change (naming its field); ECONFLICT when it would leave no active
// member of the secretariat, or clashes with someone else's address;
// ENOTFOUND when there is no such person; EINTERNAL otherwise.
func (s *Service) UpdatePerson(ctx context.Context, c Caller, id int64, changes []Change) (model.Person, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Person{}, err
	}
	return s.keepingSecretariat(ctx, c, id, func(p *model.Person) error { return apply(p, changes, nil) })
}

// Deactivate takes the person with the given ID off the active roster.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ECONFLICT
// when they are inactive already, or the last active member of the
// secretariat; ENOTFOUND when there is no such person; EINTERNAL otherwise.
func (s *Service) Deactivate(ctx context.Context, c Caller, id int64) (model.Person, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Person{}, err
	}
	return s.keepingSecretariat(ctx, c, id, func(p *model.Person) error {
		if p.Status == model.StatusInactive {
			return model.Errorf(model.ECONFLICT, msgInactiveAlready, p.Name)
		}
		p.Status = model.StatusInactive
		return nil
	})
}

// keepingSecretariat updates the person id with fn, refusing in the same
// transaction a change that would leave the network with no active member
// of the secretariat: nobody could then manage the roster.
func (s *Service) keepingSecretariat(ctx context.Context, c Caller, id int64, fn func(p *model.Person) error) (model.Person, error) {
	return s.store.UpdatePersonWithSecretariat(ctx, c.Actor(), id, func(p *model.Person, others int) error {
		was := p.IsSecretariat()
		if err := fn(p); err != nil {
			return err
		}
		if was && !p.IsSecretariat() && others == 0 {
			return model.Errorf(model.ECONFLICT, msgLastSecretariat, p.Name)
		}
		return nil
	})
}

// Approve makes a pending registration active.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ECONFLICT
// when the person is not pending; ENOTFOUND when there is no such person;
// EINTERNAL otherwise.
func (s *Service) Approve(ctx context.Context, c Caller, id int64) (model.Person, error) {
	return s.decide(ctx, c, id, model.StatusActive)
}

// Reject turns down a pending registration: the person becomes inactive.
//
// Errors: as Approve's.
func (s *Service) Reject(ctx context.Context, c Caller, id int64) (model.Person, error) {
	return s.decide(ctx, c, id, model.StatusInactive)
}

func (s *Service) decide(ctx context.Context, c Caller, id int64, to model.Status) (model.Person, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Person{}, err
	}
	return s.store.UpdatePerson(ctx, c.Actor(), id, func(p *model.Person) error {
		if p.Status != model.StatusPending {
			return model.Errorf(model.ECONFLICT, msgNotPending, p.Name, p.Status)
		}
		p.Status = to
		return nil
	})
}

// Pending lists the registrations waiting for the secretariat.
//
// Errors: EFORBIDDEN unless the caller may see them (MaySeePending);
// EINTERNAL otherwise.
func (s *Service) Pending(ctx context.Context, c Caller) ([]model.Person, error) {
	if !MaySeePending(c.Person) {
		return nil, model.Errorf(model.EFORBIDDEN, msgSecretariatOnly)
	}
	return s.store.People(ctx, model.PeopleFilter{Statuses: []model.Status{model.StatusPending}})
}

// GrantSecretariat makes the person with the given ID an active member of
// the secretariat.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ENOTFOUND when
// there is no such person; EINTERNAL otherwise.
func (s *Service) GrantSecretariat(ctx context.Context, c Caller, id int64) (model.Person, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Person{}, err
	}
	return s.store.UpdatePerson(ctx, c.Actor(), id, func(p *model.Person) error {
		p.Role, p.Status = model.RoleSecretariat, model.StatusActive
		return nil
	})
}

// RevokeSecretariat takes the person with the given ID out of the
// secretariat: they become an observer, or what changes (only role and
// country) say. The last active member of the secretariat stays: that is
// checked in the transaction that changes the role, so two revokes at once
// cannot leave none.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ECONFLICT when
// they are not of the secretariat, or are its last active member; EINVALID
// for a bad change (naming its field) or the role secretariat; ENOTFOUND
// when there is no such person; EINTERNAL otherwise.
func (s *Service) RevokeSecretariat(ctx context.Context, c Caller, id int64, changes []Change) (model.Person, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Person{}, err
	}
	return s.keepingSecretariat(ctx, c, id, func(p *model.Person) error {
		if p.Role != model.RoleSecretariat {
			return model.Errorf(model.ECONFLICT, msgNotSecretariat, p.Name)
		}
		p.Role = model.RoleObserver
		if err := apply(p, changes, []string{"role", "country"}); err != nil {
			return err
		} else if p.Role == model.RoleSecretariat {
			return model.FieldErrorf("role", model.EINVALID, msgRevokeRole)
		}
		return nil
	})
}

// ProfileUpdate is what UpdateProfile did.
type ProfileUpdate struct {
	Person model.Person // the caller, updated
	// EmailPending says that a new e-mail address waits for the code
	// mailed to it (or seems to: see UpdateProfile).
	EmailPending bool
	Others       bool // whether anything but the address was asked for
}

// UpdateProfile changes the caller's own profile (roster.SelfFields). A
// member's new e-mail address waits for the code mailed to it, in a message
// whose text mail writes; the answer is the same whether or not someone has
// the address, so that nobody can test which addresses are on the roster.
// The secretariat, who sees the roster, changes it at once.
//
// Errors: EFORBIDDEN unless the caller is a member; EINVALID for a bad
// change (naming its field); EINTERNAL otherwise.
func (s *Service) UpdateProfile(ctx context.Context, c Caller, changes []Change, mail func(to model.Person, code, network string) string) (ProfileUpdate, error) {
	if err := c.requireMember(); err != nil {
		return ProfileUpdate{}, err
	}
	confirm := !c.secretariat()
	var current, asked string
	var out ProfileUpdate
	p, err := s.store.UpdatePerson(ctx, c.Actor(), c.Person.ID, func(p *model.Person) error {
		before := *p
		current = p.Email
		if err := apply(p, changes, roster.SelfFields); err != nil {
			return err
		}
		asked = p.Email
		if confirm {
			p.Email = current
		}
		out.Others = *p != before
		return nil
	})
	if err != nil {
		return ProfileUpdate{}, err
	}
	out.Person = p
	if confirm && asked != current {
		n, err := s.store.Network(ctx)
		if err != nil {
			return ProfileUpdate{}, err
		}
		err = s.store.RequestEmailChange(ctx, p.ID, asked, func(to model.Person, code string) []model.OutboxItem {
			return s.planner.EmailConfirmation(to, mail(to, code, n.Name))
		})
		if err != nil {
			return ProfileUpdate{}, inField(err, "email")
		}
		s.kick()
		out.EmailPending = true
	}
	return out, nil
}

// ConfirmEmail makes the e-mail address the caller asked for theirs, given
// the code mailed to it.
//
// Errors: EFORBIDDEN unless the caller is a member; EINVALID when no change
// waits or the code is wrong or expired; ECONFLICT when someone else has
// taken the address since; EINTERNAL otherwise.
func (s *Service) ConfirmEmail(ctx context.Context, c Caller, code string) (model.Person, error) {
	if err := c.requireMember(); err != nil {
		return model.Person{}, err
	}
	return s.store.ConfirmEmailChange(ctx, c.Actor(), c.Person.ID, code)
}

// NetworkSettings are the network's settings to change; nil leaves one as
// it is.
type NetworkSettings struct {
	Name, Secretariat, Address *string
}

// SetNetwork changes the network's settings and returns them.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINVALID for
// an empty setting (naming it: "name", "secretariat", "address");
// EINTERNAL otherwise.
func (s *Service) SetNetwork(ctx context.Context, c Caller, set NetworkSettings) (model.Network, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Network{}, err
	}
	n, err := s.store.Network(ctx)
	if err != nil {
		return model.Network{}, err
	}
	for _, f := range []struct {
		key string
		v   *string
		to  *string
	}{{"name", set.Name, &n.Name}, {"secretariat", set.Secretariat, &n.Secretariat}, {"address", set.Address, &n.Address}} {
		if f.v == nil {
			continue
		}
		if strings.TrimSpace(*f.v) == "" {
			return model.Network{}, model.FieldErrorf(f.key, model.EINVALID, msgNetworkFieldEmpty, f.key)
		}
		*f.to = *f.v
	}
	if err := s.store.SetNetwork(ctx, c.Actor(), n); err != nil {
		return model.Network{}, err
	}
	return n, nil
}

// SetFacilitators makes the countries, by alpha-2 code, the network's
// facilitating group; was is the group before.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; EINVALID for
// no country or an unknown code; EINTERNAL otherwise.
func (s *Service) SetFacilitators(ctx context.Context, c Caller, codes []string) (now model.Network, was []string, err error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Network{}, nil, err
	}
	if len(codes) == 0 {
		return model.Network{}, nil, model.Errorf(model.EINVALID, msgNoFacilitators)
	}
	n, err := s.store.Network(ctx)
	if err != nil {
		return model.Network{}, nil, err
	}
	was, n.FacilitatingGroup = n.FacilitatingGroup, codes
	if err := s.store.SetNetwork(ctx, c.Actor(), n); err != nil {
		return model.Network{}, nil, err
	}
	return n, was, nil
}

// Roster lists the people of the countries given by alpha-2 code (all,
// when none), active ones and, to a viewer who may see them, pending ones.
// A nil viewer is an answer for everyone (a channel).
//
// Errors: EINTERNAL only.
func (s *Service) Roster(ctx context.Context, viewer *model.Person, countries []string) ([]model.Person, error) {
	f := model.PeopleFilter{Countries: countries, Statuses: []model.Status{model.StatusActive}}
	if MaySeePending(viewer) {
		f.Statuses = append(f.Statuses, model.StatusPending)
	}
	return s.store.People(ctx, f)
}

// RosterPage is one page of the roster: People, in the order Roster's
// readers see (countries by name, then as the store orders them), out of
// Total people in all.
type RosterPage struct {
	People []model.Person
	Total  int
}

// RosterPageOf is page page (from 1) of size people of the roster that
// Roster would list, countries in the order of their names in lang, the
// reader's language (i18n.CountryKey: "Alemania" before "Dinamarca" in
// Spanish), people without a country first. It
// counts the people of each country in the database and loads only the
// countries the page shows, so its cost grows with the page, not with the
// roster. A page past the end has no people (and the Total).
//
// Errors: EINVALID for a page or size below 1; EINTERNAL.
func (s *Service) RosterPageOf(ctx context.Context, viewer *model.Person, lang language.Tag, countries []string, page, size int) (RosterPage, error) {
	if page < 1 || size < 1 {
		return RosterPage{}, model.Errorf(model.EINVALID, msgBadPage)
	}
	f := model.PeopleFilter{Countries: countries, Statuses: []model.Status{model.StatusActive}}
	if MaySeePending(viewer) {
		f.Statuses = append(f.Statuses, model.StatusPending)
	}
	counts, err := s.store.CountPeople(ctx, f)
	if err != nil {
		return RosterPage{}, err
	}
	type country struct {
		code, name string
		n          int
	}
	order := make([]country, 0, len(counts))
	total := 0
	for code, n := range counts {
		order = append(order, country{code, i18n.CountryKey(lang, code), n})
		total += n
	}
	slices.SortFunc(order, func(a, b country) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.code, b.code)
	})
	from, to := (page-1)*size, page*size
	var (
		shown []string
		skip  int // of the first country shown, people on earlier pages
		at    int
	)
	for _, c := range order {
		if at+c.n > from && at < to {
			if len(shown) == 0 {
				skip = from - at
			}
			shown = append(shown, c.code)
		}
		at += c.n
	}
	res := RosterPage{Total: total}
	if len(shown) == 0 {
		return res, nil
	}
	f.Countries = shown
	people, err := s.store.People(ctx, f)
	if err != nil {
		return RosterPage{}, err
	}
	rank := make(map[string]int, len(shown))
	for i, code := range shown {
		rank[code] = i
	}
	slices.SortStableFunc(people, func(a, b model.Person) int { return rank[a.Country] - rank[b.Country] })
	res.People = people[min(skip, len(people)):min(skip+size, len(people))]
	return res, nil
}

// Coverage is which countries have an active focal point now.
//
// Errors: EINTERNAL only.
// It costs one query that returns one row a country covered, whatever the
// size of the roster.
func (s *Service) Coverage(ctx context.Context) (model.Coverage, error) {
	codes, err := s.store.CoveredCountries(ctx)
	if err != nil {
		return model.Coverage{}, err
	}
	return model.CoverageOfCountries(codes), nil
}

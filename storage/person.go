package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// PeopleFilter selects people; an empty field means "any". It is the
// model's type, so that consumers can declare the store methods they need
// without importing this package.
type PeopleFilter = model.PeopleFilter

// personRow is a row of the people table. Email and SlackID are NULL when
// empty, so that many people may lack one while the unique indexes still
// hold among those who have one.
type personRow struct {
	ID           int64 `gorm:"primaryKey"`
	Name         string
	Title        string
	Organisation string
	Country      string
	Email        *string
	Phone        string
	SlackID      *string
	TimeZone     string
	Language     string
	Role         string
	Status       string
	AppointedOn  *time.Time
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
}

func (personRow) TableName() string { return "people" }

func toPersonRow(p model.Person) personRow {
	r := personRow{
		ID:           p.ID,
		Name:         p.Name,
		Title:        p.Title,
		Organisation: p.Organisation,
		Country:      p.Country,
		Email:        nullable(p.Email),
		Phone:        p.Phone,
		SlackID:      nullable(p.SlackID),
		TimeZone:     p.TimeZone,
		Language:     p.Language,
		Role:         string(p.Role),
		Status:       string(p.Status),
		CreatedAt:    p.CreatedAt.UTC(),
		UpdatedAt:    p.UpdatedAt.UTC(),
	}
	if !p.AppointedOn.IsZero() {
		d := dateOf(p.AppointedOn)
		r.AppointedOn = &d
	}
	return r
}

func (r personRow) model() model.Person {
	p := model.Person{
		ID:           r.ID,
		Name:         r.Name,
		Title:        r.Title,
		Organisation: r.Organisation,
		Country:      r.Country,
		Email:        deref(r.Email),
		Phone:        r.Phone,
		SlackID:      deref(r.SlackID),
		TimeZone:     r.TimeZone,
		Language:     r.Language,
		Role:         model.Role(r.Role),
		Status:       model.Status(r.Status),
		CreatedAt:    r.CreatedAt.UTC(),
		UpdatedAt:    r.UpdatedAt.UTC(),
	}
	if r.AppointedOn != nil {
		p.AppointedOn = dateOf(*r.AppointedOn)
	}
	return p
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// dateOf is the calendar date of t, in t's own location, as midnight UTC;
// the zero time stays zero.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// prepare normalises and validates a person about to be written.
func prepare(p *model.Person) error {
	if problems := prepareAll(p); len(problems) > 0 {
		return problems[0]
	}
	return nil
}

// prepareAll is prepare returning every problem, not just the first.
func prepareAll(p *model.Person) []error {
	p.Normalize()
	p.AppointedOn = dateOf(p.AppointedOn)
	return p.Problems()
}

// personSubject names a person in the audit log.
func personSubject(id int64) string { return fmt.Sprintf("person:%d", id) }

// CreatePerson adds p to the roster after normalising and validating it, and
// sets its ID, CreatedAt and UpdatedAt. Any ID, CreatedAt or UpdatedAt given
// is ignored. The change is audited as "person.create".
//
// Errors: EINVALID when p is not valid (nothing is written); ECONFLICT when
// someone already has p's e-mail address or Slack ID; EINTERNAL otherwise.
func (s *Store) CreatePerson(ctx context.Context, actor model.Actor, p *model.Person) error {
	q := *p
	if err := prepare(&q); err != nil {
		return err
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		return s.insertPerson(tx, actor, &q)
	})
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// insertPerson writes a prepared person and its audit entry in tx, and sets
// p's ID and times.
func (s *Store) insertPerson(tx *gorm.DB, actor model.Actor, p *model.Person) error {
	now := s.now()
	p.ID, p.CreatedAt, p.UpdatedAt = 0, now, now
	r := toPersonRow(*p)
	if err := tx.Create(&r).Error; err != nil {
		return writeError("create person", err, *p)
	}
	p.ID = r.ID
	return s.audit(tx, actor, "person.create", personSubject(p.ID), p.Country, "", toJSON(*p))
}

// updatePerson writes after, a prepared change of before, and its audit
// entry in tx, and sets after's UpdatedAt. It writes nothing when nothing
// changed, and reports whether it wrote.
func (s *Store) updatePerson(tx *gorm.DB, actor model.Actor, before model.Person, after *model.Person) (bool, error) {
	after.ID, after.CreatedAt, after.UpdatedAt = before.ID, before.CreatedAt, before.UpdatedAt
	if before.SameDetails(*after) {
		return false, nil
	}
	after.UpdatedAt = s.now()
	r := toPersonRow(*after)
	if err := tx.Save(&r).Error; err != nil {
		return false, writeError("update person", err, *after)
	}
	return true, s.audit(tx, actor, "person.update", personSubject(after.ID), after.Country, toJSON(before), toJSON(*after))
}

// writeError translates an error from writing p: a unique violation becomes
// ECONFLICT naming the value that clashes; anything else is internal.
func writeError(what string, err error, p model.Person) error {
	constraint, ok := isUniqueViolation(err)
	switch {
	case !ok:
		return internal(what, err)
	case strings.Contains(constraint, "slack_id"):
		return model.Errorf(model.ECONFLICT, "Someone on the roster already has the Slack user %s.", p.SlackID)
	case strings.Contains(constraint, "email"):
		return model.Errorf(model.ECONFLICT, "Someone on the roster already has the e-mail address %s.", p.Email)
	}
	return model.Errorf(model.ECONFLICT, "This clashes with someone already on the roster.")
}

// UpdatePerson changes the person with the given ID in one transaction: it
// loads the person, lets update change it, normalises and validates the
// result, and saves it if anything changed, audited as "person.update" with
// the person before and after. Changes update makes to ID, CreatedAt or
// UpdatedAt are ignored. When nothing changed, nothing is written or audited.
// It returns the person as stored afterwards.
//
// Errors: whatever update returns, as is (nothing is written); ENOTFOUND
// when there is no such person; EINVALID when the result is not valid;
// ECONFLICT when someone else has the new e-mail address or Slack ID;
// EINTERNAL otherwise.
func (s *Store) UpdatePerson(ctx context.Context, actor model.Actor, id int64, update func(p *model.Person) error) (model.Person, error) {
	var out model.Person
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var r personRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&r, id).Error
		if errNotFound(err) {
			return notFoundID(id)
		} else if err != nil {
			return internal("load person", err)
		}
		before := r.model()
		after := before
		if err := update(&after); err != nil {
			return err
		}
		if err := prepare(&after); err != nil {
			return err
		}
		if _, err := s.updatePerson(tx, actor, before, &after); err != nil {
			return err
		}
		out = after
		return nil
	})
	if err != nil {
		return model.Person{}, err
	}
	return out, nil
}

// UpdatePersonWithSecretariat is UpdatePerson whose update also learns how
// many active members of the secretariat there are besides the person. They
// are counted in the same transaction, their rows locked first, so that a
// rule about the secretariat's size (the services' "keep one") holds when
// two changes race: the second waits for the first and counts after it.
//
// Errors: as UpdatePerson's.
func (s *Store) UpdatePersonWithSecretariat(ctx context.Context, actor model.Actor, id int64, update func(p *model.Person, others int) error) (model.Person, error) {
	var out model.Person
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var sec []personRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("role = ? AND status = ?",
			string(model.RoleSecretariat), string(model.StatusActive)).Order("id").Find(&sec).Error
		if err != nil {
			return internal("lock the secretariat", err)
		}
		var r personRow
		err = tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&r, id).Error
		if errNotFound(err) {
			return notFoundID(id)
		} else if err != nil {
			return internal("load person", err)
		}
		others := 0
		for _, x := range sec {
			if x.ID != id {
				others++
			}
		}
		before := r.model()
		after := before
		if err := update(&after, others); err != nil {
			return err
		}
		if err := prepare(&after); err != nil {
			return err
		}
		if _, err := s.updatePerson(tx, actor, before, &after); err != nil {
			return err
		}
		out = after
		return nil
	})
	if err != nil {
		return model.Person{}, err
	}
	return out, nil
}

func notFoundID(id int64) error {
	return model.Errorf(model.ENOTFOUND, "There is no person %d on the roster.", id)
}

// Person returns the person with the given ID.
//
// Errors: ENOTFOUND when there is none; EINTERNAL otherwise.
func (s *Store) Person(ctx context.Context, id int64) (model.Person, error) {
	var r personRow
	err := s.db.WithContext(ctx).First(&r, id).Error
	if errNotFound(err) {
		return model.Person{}, notFoundID(id)
	} else if err != nil {
		return model.Person{}, internal("load person", err)
	}
	return r.model(), nil
}

// PersonByEmail returns the person with the given e-mail address, in any
// case.
//
// Errors: ENOTFOUND when there is none; EINTERNAL otherwise.
func (s *Store) PersonByEmail(ctx context.Context, email string) (model.Person, error) {
	// Addresses are stored lower-case (model.Person.Normalize).
	email = model.NormalizeEmail(email)
	p, err := s.personWhere(s.db.WithContext(ctx), "email", email)
	if errNotFound(err) {
		return model.Person{}, model.Errorf(model.ENOTFOUND, "No one on the roster has the e-mail address %s.", email)
	}
	return p, err
}

// PersonBySlackID returns the person with the given Slack user ID.
//
// Errors: ENOTFOUND when there is none; EINTERNAL otherwise.
func (s *Store) PersonBySlackID(ctx context.Context, slackID string) (model.Person, error) {
	slackID = strings.TrimSpace(slackID)
	p, err := s.personWhere(s.db.WithContext(ctx), "slack_id", slackID)
	if errNotFound(err) {
		return model.Person{}, model.Errorf(model.ENOTFOUND, "No one on the roster has the Slack user %s.", slackID)
	}
	return p, err
}

// PersonBySlackIDOrEmail returns the person with the Slack user ID
// slackID, or else the person with the e-mail address email, in one
// statement: a chat message's sender is looked up once, not twice, whether
// or not their Slack ID is on the roster yet. Either may be empty.
//
// Errors: ENOTFOUND when neither is on the roster; EINTERNAL otherwise.
func (s *Store) PersonBySlackIDOrEmail(ctx context.Context, slackID, email string) (model.Person, error) {
	slackID, email = strings.TrimSpace(slackID), model.NormalizeEmail(email)
	switch {
	case slackID == "":
		return s.PersonByEmail(ctx, email)
	case email == "":
		return s.PersonBySlackID(ctx, slackID)
	}
	var r personRow
	err := s.db.WithContext(ctx).Where("slack_id = ? OR email = ?", slackID, email).
		Order(clause.OrderBy{Expression: clause.Expr{SQL: "CASE WHEN slack_id = ? THEN 0 ELSE 1 END", Vars: []any{slackID}}}).
		Take(&r).Error
	if errNotFound(err) {
		return model.Person{}, model.Errorf(model.ENOTFOUND, "No one on the roster has the e-mail address %s.", email)
	} else if err != nil {
		return model.Person{}, internal("load person by Slack ID or e-mail", err)
	}
	return r.model(), nil
}

// personWhere loads the person whose column equals value. It returns
// gorm.ErrRecordNotFound as is, and wraps any other error. An empty value
// matches no one.
func (s *Store) personWhere(db *gorm.DB, column, value string) (model.Person, error) {
	if value == "" {
		return model.Person{}, gorm.ErrRecordNotFound
	}
	var r personRow
	err := db.Where(clause.Eq{Column: clause.Column{Name: column}, Value: value}).Take(&r).Error
	if errNotFound(err) {
		return model.Person{}, err
	} else if err != nil {
		return model.Person{}, internal("load person by "+column, err)
	}
	return r.model(), nil
}

// CoveredCountries returns the alpha-2 codes of the countries that an
// active focal point covers (model.Person.Covers), in one query that
// returns one row a country.
//
// Errors: EINTERNAL only.
func (s *Store) CoveredCountries(ctx context.Context) ([]string, error) {
	var codes []string
	err := s.db.WithContext(ctx).Model(&personRow{}).Distinct("country").
		Where("role = ? AND status = ? AND country <> ''", string(model.RoleFocalPoint), string(model.StatusActive)).
		Order("country").Pluck("country", &codes).Error
	if err != nil {
		return nil, internal("count covered countries", err)
	}
	return codes, nil
}

// People returns the people matching f, ordered by country, role (in the
// order of model.Roles), name and ID.
//
// Errors: EINTERNAL only.
func (s *Store) People(ctx context.Context, f PeopleFilter) ([]model.Person, error) {
	var rows []personRow
	if err := peopleWhere(s.db.WithContext(ctx), f).Find(&rows).Error; err != nil {
		return nil, internal("list people", err)
	}
	people := make([]model.Person, len(rows))
	names := make([]string, len(rows)) // lower-cased once, not at each comparison
	for i, r := range rows {
		people[i] = r.model()
		names[i] = strings.ToLower(r.Name)
	}
	// Sorted here rather than in SQL, so that both databases agree whatever
	// their collations.
	order := make([]int, len(people))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := people[i], people[j]
		if a.Country != b.Country {
			return strings.Compare(a.Country, b.Country)
		}
		if ra, rb := roleRank(a.Role), roleRank(b.Role); ra != rb {
			return ra - rb
		}
		if c := strings.Compare(names[i], names[j]); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	sorted := make([]model.Person, len(people))
	for k, i := range order {
		sorted[k] = people[i]
	}
	return sorted, nil
}

// CountPeople counts the people matching f, by country (alpha-2 code, ""
// for none), in one query that returns a row a country.
//
// Errors: EINTERNAL only.
func (s *Store) CountPeople(ctx context.Context, f PeopleFilter) (map[string]int, error) {
	var rows []struct {
		Country string
		N       int
	}
	if err := peopleWhere(s.db.WithContext(ctx).Model(&personRow{}), f).
		Select("country, COUNT(*) AS n").Group("country").Scan(&rows).Error; err != nil {
		return nil, internal("count people", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Country] = r.N
	}
	return out, nil
}

// peopleWhere narrows q to the people f selects.
func peopleWhere(q *gorm.DB, f PeopleFilter) *gorm.DB {
	if len(f.Countries) > 0 {
		codes := make([]string, len(f.Countries))
		for i, c := range f.Countries {
			codes[i] = strings.ToUpper(strings.TrimSpace(c))
		}
		q = q.Where("country IN ?", codes)
	}
	if len(f.Roles) > 0 {
		q = q.Where("role IN ?", strs(f.Roles))
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", strs(f.Statuses))
	}
	return q
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// roleRank is a role's place in model.Roles; unknown roles come last.
func roleRank(r model.Role) int {
	for i, x := range model.Roles {
		if x == r {
			return i
		}
	}
	return len(model.Roles)
}

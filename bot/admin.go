package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"focalbot/match"
	"focalbot/model"
	"focalbot/roster"
)

func (e *Engine) add(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) != 1 {
		return model.Errorf(model.EINVALID, msgUsage, `add <e-mail> name="Full Name" country=<country> [role=…] [title=…]`)
	}
	p := model.Person{Role: model.RoleFocalPoint, Status: model.StatusActive}
	if err := roster.Set(&p, "email", r.Args.Words[0], nil); err != nil {
		return err
	}
	if err := roster.SetAll(&p, r.Args.Keys, r.Args.Opts, nil); err != nil {
		return err
	}
	if err := e.store.CreatePerson(ctx, r.Actor(), &p); err != nil {
		return err
	}
	w.Printf(msgAdded, e.personLine(w, p, r.Person))
	return nil
}

func (e *Engine) update(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 || len(r.Args.Keys) == 0 {
		return model.Errorf(model.EINVALID, msgUsage, `update <person> field=value … (fields: `+roster.Keys(nil)+")")
	}
	target, err := e.findPerson(ctx, r.Args.Rest(0))
	if err != nil {
		return err
	}
	p, err := e.change(ctx, r, target, func(p *model.Person) error {
		return roster.SetAll(p, r.Args.Keys, r.Args.Opts, nil)
	})
	if err != nil {
		return err
	}
	w.Printf(msgUpdated, e.personLine(w, p, r.Person))
	return nil
}

// setStatus returns a handler that sets a person's status.
func (e *Engine) setStatus(s model.Status) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		target, err := e.findPerson(ctx, r.Args.Rest(0))
		if err != nil {
			return err
		}
		p, err := e.change(ctx, r, target, func(p *model.Person) error {
			p.Status = s
			return nil
		})
		if err != nil {
			return err
		}
		w.Printf(msgUpdated, e.personLine(w, p, r.Person))
		return nil
	}
}

// decide returns a handler that approves or rejects a pending registration.
func (e *Engine) decide(s model.Status) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		target, err := e.findPerson(ctx, r.Args.Rest(0))
		if err != nil {
			return err
		}
		p, err := e.store.UpdatePerson(ctx, r.Actor(), target.ID, func(p *model.Person) error {
			if p.Status != model.StatusPending {
				return model.Errorf(model.ECONFLICT, msgNotPending, p.Name, w.status(p.Status))
			}
			p.Status = s
			return nil
		})
		if err != nil {
			return err
		}
		if s == model.StatusActive {
			w.Printf(msgApproved, e.personLine(w, p, r.Person))
		} else {
			w.Printf(msgRejected, p.Name)
		}
		return nil
	}
}

func (e *Engine) pending(ctx context.Context, w *Reply, r *Request) error {
	people, err := e.store.People(ctx, model.PeopleFilter{Statuses: []model.Status{model.StatusPending}})
	if err != nil {
		return err
	}
	if len(people) == 0 {
		w.Printf(msgNoPending)
		return nil
	}
	w.Printf(msgPendingHeader, len(people))
	for _, p := range people {
		c, _ := model.CountryByCode(p.Country)
		w.Printf(msgCountryItem, c.Name, e.personLine(w, p, r.Person))
	}
	return nil
}

func (e *Engine) grant(ctx context.Context, w *Reply, r *Request) error {
	target, err := e.findPerson(ctx, r.Args.Rest(0))
	if err != nil {
		return err
	}
	p, err := e.store.UpdatePerson(ctx, r.Actor(), target.ID, func(p *model.Person) error {
		p.Role, p.Status = model.RoleSecretariat, model.StatusActive
		return nil
	})
	if err != nil {
		return err
	}
	w.Printf(msgGranted, p.Name)
	return nil
}

func (e *Engine) revoke(ctx context.Context, w *Reply, r *Request) error {
	target, err := e.findPerson(ctx, r.Args.Rest(0))
	if err != nil {
		return err
	}
	if target.Role != model.RoleSecretariat {
		return model.Errorf(model.ECONFLICT, msgNotSecretariat, target.Name)
	}
	p, err := e.change(ctx, r, target, func(p *model.Person) error {
		p.Role = model.RoleObserver
		if err := roster.SetAll(p, r.Args.Keys, r.Args.Opts, []string{"role", "country"}); err != nil {
			return err
		} else if p.Role == model.RoleSecretariat {
			return model.Errorf(model.EINVALID, msgRevokeRole)
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.Printf(msgRevoked, p.Name, w.role(p.Role))
	return nil
}

// change updates target with fn, refusing a change that would leave the
// network with no active secretariat: nobody could then manage the roster.
// fn is run once on a copy to see what it does, so it must have no side effects.
func (e *Engine) change(ctx context.Context, r *Request, target model.Person, fn func(p *model.Person) error) (model.Person, error) {
	preview := target
	if err := fn(&preview); err != nil {
		return model.Person{}, err
	}
	if target.IsSecretariat() && !preview.IsSecretariat() {
		if err := e.keepOneSecretariat(ctx, target); err != nil {
			return model.Person{}, err
		}
	}
	return e.store.UpdatePerson(ctx, r.Actor(), target.ID, fn)
}

// keepOneSecretariat refuses to take away the last active secretariat member.
func (e *Engine) keepOneSecretariat(ctx context.Context, target model.Person) error {
	if !target.IsSecretariat() {
		return nil
	}
	sec, err := e.store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat},
		Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return err
	}
	if len(sec) <= 1 {
		return model.Errorf(model.ECONFLICT, msgLastSecretariat, target.Name)
	}
	return nil
}

func (e *Engine) facilitators(ctx context.Context, w *Reply, r *Request) error {
	var codes, names []string
	for _, part := range strings.Split(r.Args.Rest(0), ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		c, err := match.Country(part)
		if err != nil {
			return err
		}
		if !slices.Contains(codes, c.Alpha2) {
			codes, names = append(codes, c.Alpha2), append(names, c.Name)
		}
	}
	if len(codes) == 0 {
		return model.Errorf(model.EINVALID, msgUsage, "facilitators <country>, <country>, …")
	}
	n, err := e.store.Network(ctx)
	if err != nil {
		return err
	}
	n.FacilitatingGroup = codes
	if err := e.store.SetNetwork(ctx, r.Actor(), n); err != nil {
		return err
	}
	w.Printf(msgFacilitatorsSet, strings.Join(names, ", "))
	return nil
}

func (e *Engine) networkSet(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Keys) == 0 || len(r.Args.Words) > 0 {
		return model.Errorf(model.EINVALID, msgUsage, `network set [name="…"] [secretariat="…"] [address="line 1|line 2"]`)
	}
	n, err := e.store.Network(ctx)
	if err != nil {
		return err
	}
	for _, k := range r.Args.Keys {
		v := r.Args.Opts[k]
		if v == "" {
			return model.Errorf(model.EINVALID, msgNetworkFieldEmpty, k)
		}
		switch k {
		case "name":
			n.Name = v
		case "secretariat":
			n.Secretariat = v
		case "address":
			lines := strings.Split(v, "|")
			for i := range lines {
				lines[i] = strings.TrimSpace(lines[i])
			}
			n.Address = strings.Join(lines, "\n")
		default:
			return model.Errorf(model.EINVALID, msgNetworkUnknownField, k)
		}
	}
	if err := e.store.SetNetwork(ctx, r.Actor(), n); err != nil {
		return err
	}
	return e.network(ctx, w, r)
}

func (e *Engine) audit(ctx context.Context, w *Reply, r *Request) error {
	f := model.AuditFilter{Limit: 30}
	if q := r.Args.Rest(0); q != "" {
		if p, err := e.findPerson(ctx, q); err == nil {
			f.Subject = personSubject(p.ID)
		} else if c, cerr := match.Country(q); cerr == nil {
			f.Country = c.Alpha2
		} else {
			return model.Errorf(model.ENOTFOUND, msgAuditNoMatch, q)
		}
	}
	entries, err := e.store.Audit(ctx, f)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		w.Printf(msgAuditEmpty)
		return nil
	}
	for _, a := range entries {
		w.Printf(msgAuditLine, a.At.In(e.zone).Format("2006-01-02 15:04 MST"), a.Actor, a.Action, a.Subject, changes(a.Before, a.After))
	}
	return nil
}

// personSubject is how the audit log names a person.
func personSubject(id int64) string { return "person:" + strconv.FormatInt(id, 10) }

// changes summarises the fields that differ between two JSON objects.
func changes(before, after string) string {
	var b, a map[string]any
	_ = json.Unmarshal([]byte(before), &b)
	_ = json.Unmarshal([]byte(after), &a)
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		if k == "UpdatedAt" || k == "CreatedAt" || k == "ID" {
			continue
		}
		bv, av := fmt.Sprint(b[k]), fmt.Sprint(a[k])
		if b == nil {
			bv = ""
		}
		if bv != av && !(isEmpty(b[k]) && isEmpty(a[k])) {
			out = append(out, fmt.Sprintf("%s: %q → %q", k, show(b[k]), show(a[k])))
		}
	}
	return strings.Join(out, "; ")
}

func isEmpty(v any) bool {
	s := fmt.Sprint(v)
	return v == nil || s == "" || s == "[]" || s == "0001-01-01T00:00:00Z"
}

func show(v any) string {
	if isEmpty(v) {
		return ""
	}
	return fmt.Sprint(v)
}

// findPerson resolves how a command names a person: #id, an e-mail address,
// a Slack mention or ID, or a name that matches exactly one person.
func (e *Engine) findPerson(ctx context.Context, ref string) (model.Person, error) {
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "":
		return model.Person{}, model.Errorf(model.EINVALID, msgNamePerson)
	case strings.HasPrefix(ref, "#"):
		id, err := strconv.ParseInt(ref[1:], 10, 64)
		if err != nil {
			return model.Person{}, model.Errorf(model.EINVALID, msgBadPersonID, ref)
		}
		return e.store.Person(ctx, id)
	case strings.Contains(ref, "@") && !strings.HasPrefix(ref, "<@"):
		return e.store.PersonByEmail(ctx, strings.TrimSuffix(strings.TrimPrefix(ref, "<mailto:"), ">"))
	case strings.HasPrefix(ref, "<@") || model.IsSlackUserID(ref):
		id, _, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(ref, "<@"), ">"), "|")
		return e.store.PersonBySlackID(ctx, id)
	}
	people, err := e.store.People(ctx, model.PeopleFilter{})
	if err != nil {
		return model.Person{}, err
	}
	q := match.Fold(ref)
	var found []model.Person
	for _, p := range people {
		if match.Fold(p.Name) == q {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		for _, p := range people {
			if strings.Contains(match.Fold(p.Name), q) {
				found = append(found, p)
			}
		}
	}
	switch len(found) {
	case 0:
		return model.Person{}, model.Errorf(model.ENOTFOUND, msgNoSuchPerson, ref)
	case 1:
		return found[0], nil
	}
	var ids []string
	for _, p := range found {
		ids = append(ids, fmt.Sprintf("%s #%d", p.Name, p.ID))
	}
	return model.Person{}, model.Errorf(model.EINVALID, msgAmbiguousPerson, ref, strings.Join(ids, ", "))
}

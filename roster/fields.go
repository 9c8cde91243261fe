// Package roster is how a person's fields are written as text: the field
// names that chat commands and CSV files share, the parsing and validation of
// each, and the CSV import and export of the whole roster. It knows nothing
// of storage or chat.
package roster

import (
	"slices"
	"strings"
	"time"

	"focalbot/match"
	"focalbot/model"
)

// Field is a person's field as commands and CSV files name it.
type Field struct {
	Key     string   // the name in commands and the CSV header
	aliases []string // other names accepted
	clear   bool     // optional: "none" or "" empties it
	set     func(p *model.Person, v string) error
	get     func(p *model.Person) string
}

// Fields lists the person fields, in help and CSV column order.
var Fields = []Field{
	{Key: "name", get: func(p *model.Person) string { return p.Name }, set: func(p *model.Person, v string) error { p.Name = v; return nil }},
	{Key: "email", get: func(p *model.Person) string { return p.Email }, aliases: []string{"e-mail", "mail"}, set: func(p *model.Person, v string) error {
		p.Email = model.NormalizeEmail(strings.TrimSuffix(strings.TrimPrefix(v, "<mailto:"), ">"))
		return model.ValidateEmail(p.Email)
	}},
	{Key: "country", get: func(p *model.Person) string { return p.Country }, clear: true, set: func(p *model.Person, v string) error {
		if v == "" {
			p.Country = ""
			return nil
		}
		c, err := match.Country(v)
		p.Country = c.Alpha2
		return err
	}},
	{Key: "role", get: func(p *model.Person) string { return string(p.Role) }, set: func(p *model.Person, v string) (err error) { p.Role, err = model.ParseRole(v); return err }},
	{Key: "status", get: func(p *model.Person) string { return string(p.Status) }, set: func(p *model.Person, v string) (err error) { p.Status, err = model.ParseStatus(v); return err }},
	{Key: "title", get: func(p *model.Person) string { return p.Title }, clear: true, set: func(p *model.Person, v string) error { p.Title = v; return nil }},
	{Key: "ministry", get: func(p *model.Person) string { return p.Organisation }, aliases: []string{"organisation", "organization", "mission"}, clear: true,
		set: func(p *model.Person, v string) error { p.Organisation = v; return nil }},
	{Key: "phone", get: func(p *model.Person) string { return p.Phone }, clear: true, set: func(p *model.Person, v string) error {
		p.Phone = v
		if v == "" {
			return nil
		}
		return model.ValidatePhone(v)
	}},
	{Key: "tz", get: func(p *model.Person) string { return p.TimeZone }, aliases: []string{"timezone", "time_zone", "zone"}, clear: true, set: func(p *model.Person, v string) error {
		p.TimeZone = v
		if v == "" {
			return nil
		}
		loc, err := model.LoadZone(v)
		if err == nil {
			p.TimeZone = loc.String() // the IANA name, however it was typed
		}
		return err
	}},
	{Key: "language", get: func(p *model.Person) string { return p.Language }, aliases: []string{"lang"}, clear: true, set: func(p *model.Person, v string) error {
		if code, ok := match.Language(v); ok { // "French", "français"
			v = code
		}
		p.Language = strings.ToLower(v)
		return nil
	}},
	{Key: "slack", get: func(p *model.Person) string { return p.SlackID }, aliases: []string{"slack_id"}, clear: true, set: func(p *model.Person, v string) error {
		id := strings.TrimSuffix(strings.TrimPrefix(v, "<@"), ">")
		if id, _, _ = strings.Cut(id, "|"); v != "" && !model.IsSlackUserID(id) {
			return model.Errorf(model.EINVALID, msgBadSlackID, v)
		}
		p.SlackID = id
		return nil
	}},
	{Key: "appointed", get: func(p *model.Person) string { return date(p.AppointedOn) }, clear: true, set: func(p *model.Person, v string) error {
		if v == "" {
			p.AppointedOn = time.Time{}
			return nil
		}
		d, err := time.Parse(time.DateOnly, model.ASCIIDigits(v))
		if err != nil {
			return model.Errorf(model.EINVALID, msgBadDate, v)
		}
		p.AppointedOn = d
		return nil
	}},
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// SelfFields are the fields people may change in their own profile.
var SelfFields = []string{"name", "email", "tz", "language", "title", "ministry", "phone"}

// Lookup finds a field by key or alias among allowed (all when nil).
func Lookup(key string, allowed []string) (Field, bool) {
	key = strings.ToLower(strings.TrimSpace(key))
	for _, f := range Fields {
		if allowed != nil && !slices.Contains(allowed, f.Key) {
			continue
		}
		if f.Key == key || slices.Contains(f.aliases, key) {
			return f, true
		}
	}
	return Field{}, false
}

// Get returns the field's value as text.
func (f Field) Get(p *model.Person) string { return f.get(p) }

// Keys lists the keys of allowed fields (all when nil), for messages.
func Keys(allowed []string) string {
	var keys []string
	for _, f := range Fields {
		if allowed == nil || slices.Contains(allowed, f.Key) {
			keys = append(keys, f.Key)
		}
	}
	return strings.Join(keys, ", ")
}

// Set sets one field of p from text; "none" or "-" clears an optional field.
// It returns EINVALID, saying what to write instead, for a bad value.
func Set(p *model.Person, key, value string, allowed []string) error {
	f, ok := Lookup(key, allowed)
	if !ok {
		return model.Errorf(model.EINVALID, msgUnknownField, key, Keys(allowed))
	}
	value = strings.TrimSpace(value)
	if strings.EqualFold(value, "none") || value == "-" {
		if !f.clear {
			return model.Errorf(model.EINVALID, msgFieldRequired, f.Key)
		}
		value = ""
	}
	if value == "" && !f.clear {
		return model.Errorf(model.EINVALID, msgFieldRequired, f.Key)
	}
	return f.set(p, value)
}

// SetAll sets the fields named in keys from opts, in order.
func SetAll(p *model.Person, keys []string, opts map[string]string, allowed []string) error {
	for _, k := range keys {
		if err := Set(p, k, opts[k], allowed); err != nil {
			return err
		}
	}
	return nil
}

// Messages of this package; like model's, they are format strings that the
// engine translates through its catalog.
const (
	msgUnknownField  = "Unknown field %q: use one of %s."
	msgFieldRequired = "The %s cannot be empty."
	msgBadSlackID    = "%q is not a Slack user: mention them (@name) or give their ID, e.g. U0123ABCD."
	msgBadDate       = "%q is not a date: write it as YYYY-MM-DD, e.g. 2012-09-29."
)

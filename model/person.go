package model

import (
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Role is what a person is in the network. Only the secretariat may change the
// roster; every other role may read it and keep its own profile.
type Role string

// The roles a person can hold.
const (
	RoleFocalPoint  Role = "focal-point"
	RoleAlternate   Role = "alternate"
	RoleSecretariat Role = "secretariat"
	RoleObserver    Role = "observer"
)

// Roles lists every role, in display order.
var Roles = []Role{RoleFocalPoint, RoleAlternate, RoleSecretariat, RoleObserver}

// ParseRole reads a role forgivingly ("Focal point", "focal_point", "fp").
func ParseRole(s string) (Role, error) {
	switch fold(s) {
	case "focalpoint", "fp", "focal":
		return RoleFocalPoint, nil
	case "alternate", "alt":
		return RoleAlternate, nil
	case "secretariat", "sec":
		return RoleSecretariat, nil
	case "observer", "guest":
		return RoleObserver, nil
	}
	return "", Errorf(EINVALID, "Unknown role %q: use focal-point, alternate, secretariat or observer.", s)
}

// Status is where a person stands on the roster.
type Status string

// The statuses a person can have.
const (
	StatusPending  Status = "pending"  // registered, awaiting the secretariat
	StatusActive   Status = "active"   // on the roster
	StatusInactive Status = "inactive" // left, deactivated or rejected
)

// ParseStatus reads a status forgivingly.
func ParseStatus(s string) (Status, error) {
	switch fold(s) {
	case "pending":
		return StatusPending, nil
	case "active":
		return StatusActive, nil
	case "inactive", "deactivated":
		return StatusInactive, nil
	}
	return "", Errorf(EINVALID, "Unknown status %q: use pending, active or inactive.", s)
}

// fold lower-cases s and drops everything but letters and digits.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Person is anyone on the roster: a focal point, an alternate, a member of the
// secretariat or an observer. A country may have several people.
type Person struct {
	ID           int64
	Name         string
	Title        string // e.g. "Director, Human Rights Department"
	Organisation string // ministry or permanent mission
	Country      string // ISO 3166-1 alpha-2 code; empty for the secretariat
	Email        string // lower-case; unique when set
	Phone        string
	SlackID      string // unique when set; many people never use Slack
	TimeZone     string // IANA name
	Language     string // BCP 47 tag, e.g. "en", "fr", "es"
	Role         Role
	Status       Status
	AppointedOn  time.Time // zero when unknown; a date, stored at midnight UTC
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Limits on what a person's fields may hold.
const (
	MaxNameLen  = 200
	MaxFieldLen = 300
)

// Normalize tidies user-typed fields: trims spaces, lower-cases the e-mail
// address and upper-cases the country code.
func (p *Person) Normalize() {
	for _, f := range []*string{&p.Name, &p.Title, &p.Organisation, &p.Phone, &p.SlackID, &p.TimeZone, &p.Language} {
		*f = strings.TrimSpace(*f)
	}
	p.Email = NormalizeEmail(p.Email)
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
}

// NormalizeEmail trims and lower-cases an e-mail address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a person after Normalize. It returns an EINVALID error that
// names the first field to fix.
func (p *Person) Validate() error {
	if problems := p.Problems(); len(problems) > 0 {
		return problems[0]
	}
	return nil
}

// Problems checks a person after Normalize, as Validate does, and returns an
// EINVALID error for every field to fix, in the order Validate checks them.
func (p *Person) Problems() []error {
	var out []error
	add := func(err error) {
		if err != nil {
			out = append(out, err)
		}
	}
	if p.Name == "" {
		add(FieldErrorf("name", EINVALID, "A name is required."))
	}
	if len(p.Name) > MaxNameLen {
		add(FieldErrorf("name", EINVALID, "The name is too long (at most %d characters).", MaxNameLen))
	}
	for _, f := range []struct{ name, v string }{{"name", p.Name}, {"title", p.Title}, {"ministry", p.Organisation}, {"phone", p.Phone}} {
		if len(f.v) > MaxFieldLen {
			add(FieldErrorf(f.name, EINVALID, "The %s is too long (at most %d characters).", f.name, MaxFieldLen))
		}
		if strings.ContainsAny(f.v, "\r\n\x00") {
			add(FieldErrorf(f.name, EINVALID, "The %s must be on one line.", f.name))
		}
	}
	if p.Email == "" && p.SlackID == "" {
		add(Errorf(EINVALID, "An e-mail address or a Slack user is required for %s.", p.Name))
	}
	if p.Email != "" {
		add(ValidateEmail(p.Email))
	}
	if p.Phone != "" {
		add(ValidatePhone(p.Phone))
	}
	switch p.Role {
	case RoleFocalPoint, RoleAlternate, RoleSecretariat, RoleObserver:
	default:
		add(Errorf(EINVALID, "Unknown role %q: use focal-point, alternate, secretariat or observer.", p.Role))
	}
	switch p.Status {
	case StatusPending, StatusActive, StatusInactive:
	default:
		add(Errorf(EINVALID, "Unknown status %q: use pending, active or inactive.", p.Status))
	}
	if p.Country == "" && (p.Role == RoleFocalPoint || p.Role == RoleAlternate) {
		add(Errorf(EINVALID, "A %s needs a country.", p.Role))
	}
	if p.Country != "" {
		if _, ok := CountryByCode(p.Country); !ok {
			add(Errorf(EINVALID, "Unknown country code %q.", p.Country))
		}
	}
	if p.TimeZone != "" {
		_, err := LoadZone(p.TimeZone)
		add(err)
	}
	if p.Language != "" && !validLanguage(p.Language) {
		add(Errorf(EINVALID, "Unknown language %q: use a code such as en, fr, es or ar, or the name of one of the six languages focalbot writes, such as French.", p.Language))
	}
	return out
}

// ValidateEmail checks that s is a bare e-mail address (no display name).
func ValidateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.IndexByte(s, '@'):], ".") {
		return Errorf(EINVALID, "%q is not an e-mail address: write it as name@example.org.", s)
	}
	return nil
}

// ValidatePhone accepts international numbers: digits, spaces, and + ( ) - .
func ValidatePhone(s string) error {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+()-. ", r):
		default:
			return Errorf(EINVALID, "%q is not a phone number: use digits, spaces and + ( ) - only, e.g. +45 33 92 00 00.", s)
		}
	}
	if digits < 5 || digits > 17 {
		return Errorf(EINVALID, "%q is not a phone number: it should have 5 to 17 digits.", s)
	}
	return nil
}

// zones caches loaded time zones: time.LoadLocation reads the zone file
// from disk every time, and every message shows times in zones.
var zones sync.Map // name → *time.Location

// LoadZone loads an IANA time zone, refusing "Local" and empty names.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, Errorf(EINVALID, "Unknown time zone %q: use an IANA name such as Europe/Copenhagen or America/New_York.", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		if loc = guessZone(name); loc == nil {
			return nil, Errorf(EINVALID, "Unknown time zone %q: use an IANA name such as Europe/Copenhagen or America/New_York.", name)
		}
		name = loc.String() // a loose spelling is not kept: there is no end to them
	}
	zones.Store(name, loc)
	return loc, nil
}

// zoneAreas are the areas of the IANA names of places ("Africa/Accra").
var zoneAreas = []string{"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}

// guessZone is the zone a name typed loosely means: in another case
// ("africa/accra", "AMERICA/NEW_YORK"), with spaces for underscores
// ("America/New York"), or a city alone ("Accra", "new york"), written as
// the IANA name is; nil when none is. The *time.Location it gives is named
// by the IANA name, which is what a caller stores (Location.String).
func guessZone(typed string) *time.Location {
	name := strings.Join(strings.Fields(typed), "_")
	if name == "" || strings.ContainsAny(name, ".\\") {
		return nil
	}
	// Each word capitalised: "new_york" is New_York, "port-au-prince" is
	// Port-Au-Prince (the database writes Port-au-Prince: not found, then).
	words := []rune(strings.ToLower(name))
	for i := range words {
		if i == 0 || strings.ContainsRune("/_-", words[i-1]) {
			words[i] = unicode.ToUpper(words[i])
		}
	}
	cased := string(words)
	candidates := []string{cased, strings.ToUpper(name)} // "utc", "est5edt"
	if !strings.Contains(name, "/") {
		for _, area := range zoneAreas {
			candidates = append(candidates, area+"/"+cased)
		}
	}
	for _, c := range candidates {
		if loc, err := time.LoadLocation(c); err == nil && c != "Local" {
			return loc
		}
	}
	return nil
}

// validLanguage accepts a BCP 47-like tag: 2–3 letters, then optional
// subtags of 2–8 letters or digits.
func validLanguage(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if (i == 0 && (len(part) < 2 || len(part) > 3)) || len(part) < 2 || len(part) > 8 {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// SameDetails reports whether p and o hold the same data, when they were
// created and updated aside: an update to o from p would write nothing.
func (p Person) SameDetails(o Person) bool {
	if !p.AppointedOn.Equal(o.AppointedOn) {
		return false
	}
	p.AppointedOn, o.AppointedOn = time.Time{}, time.Time{}
	p.CreatedAt, o.CreatedAt = time.Time{}, time.Time{}
	p.UpdatedAt, o.UpdatedAt = time.Time{}, time.Time{}
	return p == o
}

// IsSecretariat reports whether p may change the roster.
func (p *Person) IsSecretariat() bool {
	return p != nil && p.Role == RoleSecretariat && p.Status == StatusActive
}

// IsSlackUserID reports whether s looks like a Slack user ID (U… or W…).
func IsSlackUserID(s string) bool {
	if len(s) < 9 || len(s) > 15 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

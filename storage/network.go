package storage

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// networkID is the ID of the one row of network_settings.
const networkID = 1

// networkRow is the one row of the network_settings table.
type networkRow struct {
	ID                int64 `gorm:"primaryKey;autoIncrement:false"`
	Name              string
	Secretariat       string
	Address           string
	FacilitatingGroup string    // comma-separated alpha-2 codes
	UpdatedAt         time.Time `gorm:"autoUpdateTime:false"`
}

func (networkRow) TableName() string { return "network_settings" }

func (r networkRow) model() model.Network {
	n := model.Network{Name: r.Name, Secretariat: r.Secretariat, Address: r.Address}
	if r.FacilitatingGroup != "" {
		n.FacilitatingGroup = strings.Split(r.FacilitatingGroup, ",")
	}
	return n
}

// Network returns the network's settings: model.DefaultNetwork() until they
// are first set. Every command reads them, so the store keeps what it read
// for networkTTL, and forgets it when SetNetwork changes them; a change made
// by another process (on the same database) is seen within networkTTL.
//
// Errors: EINTERNAL only.
func (s *Store) Network(ctx context.Context) (model.Network, error) {
	if c := s.network.Load(); c != nil && time.Since(c.at) < networkTTL {
		return c.n.clone(), nil
	}
	gen := s.networkGen.Load()
	n, _, err := loadNetwork(s.db.WithContext(ctx))
	if err != nil {
		return n, err
	}
	// Keep it unless SetNetwork changed the settings meanwhile.
	if s.networkGen.Load() == gen {
		s.network.Store(&cachedNetwork{n: networkCopy(n).cloneCopy(), at: time.Now()})
	}
	return n, nil
}

// networkTTL is how long Network trusts what it read.
const networkTTL = 2 * time.Second

// cachedNetwork is the network's settings as Network last read them.
type cachedNetwork struct {
	n  networkCopy
	at time.Time // by the machine's clock, not the store's: only an age
}

// networkCopy is a model.Network nobody else holds.
type networkCopy model.Network

func (n networkCopy) cloneCopy() networkCopy { return networkCopy(n.clone()) }

func (n networkCopy) clone() model.Network {
	m := model.Network(n)
	m.FacilitatingGroup = slices.Clone(m.FacilitatingGroup)
	return m
}

// forgetNetwork drops the cached settings.
func (s *Store) forgetNetwork() {
	s.networkGen.Add(1)
	s.network.Store(nil)
}

// loadNetwork reads the settings, and reports whether they were ever set.
func loadNetwork(db *gorm.DB) (model.Network, bool, error) {
	var r networkRow
	err := db.Take(&r, networkID).Error
	if errNotFound(err) {
		return model.DefaultNetwork(), false, nil
	} else if err != nil {
		return model.Network{}, false, internal("load network settings", err)
	}
	return r.model(), true, nil
}

// SetNetwork replaces the network's settings, audited as "network.update"
// with the settings before (the defaults, the first time) and after. Names
// are trimmed, and the facilitating group's codes, alpha-2 or alpha-3 in any
// case, are stored as upper-case alpha-2 codes without duplicates. When
// nothing changes, nothing is written or audited.
//
// Errors: EINVALID when the name is missing or a code is not a known country;
// EINTERNAL otherwise.
func (s *Store) SetNetwork(ctx context.Context, actor model.Actor, n model.Network) error {
	n, err := normalizeNetwork(n)
	if err != nil {
		return err
	}
	s.forgetNetwork()
	defer s.forgetNetwork()
	return s.transaction(ctx, func(tx *gorm.DB) error {
		before, _, err := loadNetwork(tx.Clauses(clause.Locking{Strength: "UPDATE"}))
		if err != nil {
			return err
		}
		if sameNetwork(before, n) {
			return nil
		}
		r := networkRow{
			ID:                networkID,
			Name:              n.Name,
			Secretariat:       n.Secretariat,
			Address:           n.Address,
			FacilitatingGroup: strings.Join(n.FacilitatingGroup, ","),
			UpdatedAt:         s.now(),
		}
		// An upsert, so that two first settings at once cannot clash.
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&r).Error; err != nil {
			return internal("save network settings", err)
		}
		return s.audit(tx, actor, "network.update", "network", "", toJSON(before), toJSON(n))
	})
}

// normalizeNetwork trims n's fields and checks them.
func normalizeNetwork(n model.Network) (model.Network, error) {
	n.Name = strings.TrimSpace(n.Name)
	n.Secretariat = strings.TrimSpace(n.Secretariat)
	lines := strings.Split(strings.ReplaceAll(n.Address, "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	n.Address = strings.TrimSpace(strings.Join(lines, "\n"))
	if n.Name == "" {
		return model.Network{}, model.Errorf(model.EINVALID, "The network needs a name.")
	}
	for _, f := range []struct{ name, v string }{{"network's name", n.Name}, {"secretariat's name", n.Secretariat}} {
		if len(f.v) > model.MaxFieldLen {
			return model.Network{}, model.Errorf(model.EINVALID, "The %s is too long (at most %d characters).", f.name, model.MaxFieldLen)
		}
		if strings.ContainsAny(f.v, "\r\n\x00") {
			return model.Network{}, model.Errorf(model.EINVALID, "The %s must be on one line.", f.name)
		}
	}
	var group []string
	for _, code := range n.FacilitatingGroup {
		c, ok := model.CountryByCode(strings.TrimSpace(code))
		if !ok {
			return model.Network{}, model.Errorf(model.EINVALID, "Unknown country code %q in the facilitating group.", code)
		}
		if a2 := strings.ToUpper(c.Alpha2); !slices.Contains(group, a2) {
			group = append(group, a2)
		}
	}
	n.FacilitatingGroup = group
	return n, nil
}

func sameNetwork(a, b model.Network) bool {
	return a.Name == b.Name && a.Secretariat == b.Secretariat && a.Address == b.Address &&
		slices.Equal(a.FacilitatingGroup, b.FacilitatingGroup)
}

package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// outreachRow is a row of the outreach table. A country without a row is
// not contacted.
type outreachRow struct {
	Country   string `gorm:"primaryKey"`
	Stage     string
	OwnerID   *int64
	FollowUp  *time.Time
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

func (outreachRow) TableName() string { return "outreach" }

func toOutreachRow(o model.Outreach) outreachRow {
	r := outreachRow{Country: o.Country, Stage: string(o.Stage), UpdatedAt: o.UpdatedAt.UTC()}
	if o.OwnerID != 0 {
		r.OwnerID = &o.OwnerID
	}
	if !o.FollowUp.IsZero() {
		d := dateOf(o.FollowUp)
		r.FollowUp = &d
	}
	return r
}

func (r outreachRow) model() model.Outreach {
	o := model.Outreach{Country: r.Country, Stage: model.Stage(r.Stage), UpdatedAt: r.UpdatedAt.UTC()}
	if r.OwnerID != nil {
		o.OwnerID = *r.OwnerID
	}
	if r.FollowUp != nil {
		o.FollowUp = dateOf(*r.FollowUp)
	}
	return o
}

// outreachNoteRow is a row of the outreach_notes table.
type outreachNoteRow struct {
	ID       int64 `gorm:"primaryKey"`
	Country  string
	AuthorID int64
	Author   string
	At       time.Time
	Text     string
}

func (outreachNoteRow) TableName() string { return "outreach_notes" }

func (r outreachNoteRow) model() model.OutreachNote {
	return model.OutreachNote{ID: r.ID, Country: r.Country, AuthorID: r.AuthorID, Author: r.Author, At: r.At.UTC(), Text: r.Text}
}

// outreachSubject names a country's outreach in the audit log.
func outreachSubject(country string) string { return "outreach:" + country }

// outreachCountry normalises a country code and checks it names a country.
func outreachCountry(country string) (string, error) {
	o := model.NewOutreach(country)
	if err := o.Validate(); err != nil {
		return "", err
	}
	return o.Country, nil
}

// Outreach returns the outreach to a country, given by its alpha-2 code,
// and its notes, oldest first. A country with no record is not contacted:
// its outreach is model.NewOutreach, with a zero UpdatedAt, and no notes.
// Whether the country has an active focal point is for the caller to see.
//
// Errors: EINVALID for an unknown country code; EINTERNAL otherwise.
func (s *Store) Outreach(ctx context.Context, country string) (model.Outreach, []model.OutreachNote, error) {
	code, err := outreachCountry(country)
	if err != nil {
		return model.Outreach{}, nil, err
	}
	db := s.db.WithContext(ctx)
	out, _, err := loadOutreach(db, code, false)
	if err != nil {
		return model.Outreach{}, nil, err
	}
	var rows []outreachNoteRow
	if err := db.Where("country = ?", code).Order("at, id").Find(&rows).Error; err != nil {
		return model.Outreach{}, nil, internal("load outreach notes", err)
	}
	notes := make([]model.OutreachNote, len(rows))
	for i, r := range rows {
		notes[i] = r.model()
	}
	return out, notes, nil
}

// Outreaches returns every recorded outreach, ordered by country code.
// Countries missing from it are not contacted.
//
// Errors: EINTERNAL only.
func (s *Store) Outreaches(ctx context.Context) ([]model.Outreach, error) {
	var rows []outreachRow
	if err := s.db.WithContext(ctx).Order("country").Find(&rows).Error; err != nil {
		return nil, internal("list outreach", err)
	}
	out := make([]model.Outreach, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// UpdateOutreach changes the outreach to a country in one transaction: it
// loads the record (model.NewOutreach when there is none), lets change
// change it, normalises and validates the result, and saves it if anything
// changed, creating the record when missing, audited as "outreach.create" or
// "outreach.update" with subject "outreach:<CC>". Changes change makes to
// Country or UpdatedAt are ignored. A new owner must be an active member of
// the secretariat. When nothing changed, nothing is written or audited. It
// returns the outreach as stored afterwards.
//
// Errors: whatever change returns, as is (nothing is written); EINVALID for
// an unknown country code, an invalid result or an owner who is not an
// active member of the secretariat; ENOTFOUND for an owner not on the
// roster; EINTERNAL otherwise.
func (s *Store) UpdateOutreach(ctx context.Context, actor model.Actor, country string, change func(o *model.Outreach) error) (model.Outreach, error) {
	code, err := outreachCountry(country)
	if err != nil {
		return model.Outreach{}, err
	}
	var out model.Outreach
	err = s.outreachTransaction(ctx, func(tx *gorm.DB) error {
		before, exists, err := loadOutreach(tx, code, true)
		if err != nil {
			return err
		}
		after := before
		if err := change(&after); err != nil {
			return err
		}
		out = after
		return s.saveOutreach(tx, actor, before, exists, &out)
	})
	if err != nil {
		return model.Outreach{}, err
	}
	return out, nil
}

// AddOutreachNote adds a note to the log of outreach to a country, written
// by actor now, audited as "outreach.note". A note moves a country that was
// not contacted to contacted; a non-zero followUp sets the day to follow up
// (its calendar date in its own location). Those changes are saved and
// audited as by UpdateOutreach, in the same transaction. Whether followUp is
// in the past is for the caller to judge.
//
// Errors: EINVALID for an unknown country code or a note that is empty or
// too long (nothing is written); EINTERNAL otherwise.
func (s *Store) AddOutreachNote(ctx context.Context, actor model.Actor, country, text string, followUp time.Time) (model.OutreachNote, error) {
	n := model.OutreachNote{Country: country, AuthorID: actor.PersonID, Author: actor.Label, Text: text}
	n.Normalize()
	if err := n.Validate(); err != nil {
		return model.OutreachNote{}, err
	}
	var out model.OutreachNote
	err := s.outreachTransaction(ctx, func(tx *gorm.DB) error {
		before, exists, err := loadOutreach(tx, n.Country, true)
		if err != nil {
			return err
		}
		after := before
		if after.Stage == model.StageNotContacted {
			after.Stage = model.StageContacted
		}
		if !followUp.IsZero() {
			after.FollowUp = followUp
		}
		// Saving creates the record when missing: the stage moves on.
		if err := s.saveOutreach(tx, actor, before, exists, &after); err != nil {
			return err
		}
		r := outreachNoteRow{Country: n.Country, AuthorID: n.AuthorID, Author: n.Author, At: s.now(), Text: n.Text}
		if err := tx.Create(&r).Error; err != nil {
			return internal("add outreach note", err)
		}
		out = r.model()
		return s.audit(tx, actor, "outreach.note", outreachSubject(n.Country), n.Country, "", toJSON(out))
	})
	if err != nil {
		return model.OutreachNote{}, err
	}
	return out, nil
}

// FollowUpsDue returns the outreach to follow up by day (its calendar date
// in its own location): a follow-up on or before that day, an owner, a stage
// neither appointed nor declined, and no active focal point in the country
// (which counts as appointed). They are ordered by follow-up day, then
// country code. The follow-up index keeps this proportional to what is due.
//
// Errors: EINTERNAL only.
func (s *Store) FollowUpsDue(ctx context.Context, day time.Time) ([]model.Outreach, error) {
	var rows []outreachRow
	err := s.db.WithContext(ctx).
		Where("follow_up <= ? AND owner_id IS NOT NULL AND stage NOT IN ?", dateOf(day),
			[]string{string(model.StageAppointed), string(model.StageDeclined)}).
		Where("NOT EXISTS (SELECT 1 FROM people WHERE people.country = outreach.country AND people.role = ? AND people.status = ?)",
			string(model.RoleFocalPoint), string(model.StatusActive)).
		Order("follow_up, country").Find(&rows).Error
	if err != nil {
		return nil, internal("list follow-ups due", err)
	}
	out := make([]model.Outreach, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// outreachTransaction runs fn in a transaction, and once more if it failed
// because another transaction created the same outreach record first: the
// second run finds and locks that record.
func (s *Store) outreachTransaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.transaction(ctx, fn)
	if err != nil {
		if _, ok := isUniqueViolation(err); ok {
			return s.transaction(ctx, fn)
		}
	}
	return err
}

// loadOutreach reads a country's outreach from db, locked for update when
// lock is set, and reports whether it is recorded; a country with no record
// gets model.NewOutreach.
func loadOutreach(db *gorm.DB, code string, lock bool) (model.Outreach, bool, error) {
	q := db
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var r outreachRow
	err := q.Where("country = ?", code).Take(&r).Error
	if errNotFound(err) {
		return model.NewOutreach(code), false, nil
	} else if err != nil {
		return model.Outreach{}, false, internal("load outreach", err)
	}
	return r.model(), true, nil
}

// saveOutreach writes after, a change of before, and its audit entry in tx,
// after normalising and validating it and checking a new owner. It writes
// nothing when nothing changed; otherwise it sets after's UpdatedAt.
func (s *Store) saveOutreach(tx *gorm.DB, actor model.Actor, before model.Outreach, exists bool, after *model.Outreach) error {
	after.Country, after.UpdatedAt = before.Country, before.UpdatedAt
	after.Normalize()
	if err := after.Validate(); err != nil {
		return err
	}
	if sameOutreach(before, *after) {
		return nil
	}
	if after.OwnerID != 0 && after.OwnerID != before.OwnerID {
		if err := checkOwner(tx, after.OwnerID); err != nil {
			return err
		}
	}
	after.UpdatedAt = s.now()
	r := toOutreachRow(*after)
	action, was := "outreach.update", toJSON(before)
	if exists {
		err := tx.Model(&outreachRow{}).Where("country = ?", r.Country).
			Select("stage", "owner_id", "follow_up", "updated_at").Updates(&r).Error
		if err != nil {
			return internal("update outreach", err)
		}
	} else {
		action, was = "outreach.create", ""
		if err := tx.Create(&r).Error; err != nil {
			return internal("create outreach", err)
		}
	}
	return s.audit(tx, actor, action, outreachSubject(after.Country), after.Country, was, toJSON(*after))
}

// sameOutreach reports whether a and b hold the same data, ignoring when
// they were updated.
func sameOutreach(a, b model.Outreach) bool {
	return a.Country == b.Country && a.Stage == b.Stage && a.OwnerID == b.OwnerID && a.FollowUp.Equal(b.FollowUp)
}

// checkOwner checks in tx that the person with that ID may own outreach: an
// active member of the secretariat.
func checkOwner(tx *gorm.DB, id int64) error {
	var r personRow
	err := tx.Take(&r, id).Error
	if errNotFound(err) {
		return notFoundID(id)
	} else if err != nil {
		return internal("load outreach owner", err)
	}
	if p := r.model(); !p.IsSecretariat() {
		return model.Errorf(model.EINVALID, "%s is not an active member of the secretariat, who own outreach.", strings.TrimSpace(p.Name))
	}
	return nil
}

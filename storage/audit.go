package storage

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"focalbot/model"
)

// AuditFilter selects audit entries; it is the model's type (see
// PeopleFilter).
type AuditFilter = model.AuditFilter

// Limits on how many audit entries Audit returns.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 1000
)

// auditRow is a row of the audit_log table.
type auditRow struct {
	ID      int64 `gorm:"primaryKey"`
	At      time.Time
	ActorID int64
	Actor   string
	Action  string
	Subject string
	Country string
	Before  string
	After   string
}

func (auditRow) TableName() string { return "audit_log" }

func (r auditRow) model() model.AuditEntry {
	return model.AuditEntry{
		ID:      r.ID,
		At:      r.At.UTC(),
		ActorID: r.ActorID,
		Actor:   r.Actor,
		Action:  r.Action,
		Subject: r.Subject,
		Country: r.Country,
		Before:  r.Before,
		After:   r.After,
	}
}

// audit records a change in tx, the transaction that makes it. before and
// after are JSON, empty when the subject did not exist before or after.
func (s *Store) audit(tx *gorm.DB, actor model.Actor, action, subject, country, before, after string) error {
	r := s.auditEntry(actor, action, subject, country, before, after)
	if err := tx.Create(&r).Error; err != nil {
		return internal("write audit log", err)
	}
	return nil
}

// auditEntry is the audit entry of a change made now, for writing with
// others in one statement.
func (s *Store) auditEntry(actor model.Actor, action, subject, country, before, after string) auditRow {
	return auditRow{
		At:      s.now(),
		ActorID: actor.PersonID,
		Actor:   actor.Label,
		Action:  action,
		Subject: subject,
		Country: country,
		Before:  before,
		After:   after,
	}
}

// insertAudits writes audit entries, enqueueBatch to a statement: the
// entries of an invite or an import, one for each person.
func insertAudits(tx *gorm.DB, audits []auditRow) error {
	return insertRows(tx, "audit_log", []string{"at", "actor_id", "actor", "action", "subject", "country", `"before"`, `"after"`},
		len(audits), func(i int) []any {
			a := audits[i]
			return []any{a.At, a.ActorID, a.Actor, a.Action, a.Subject, a.Country, a.Before, a.After}
		})
}

// toJSON is v as JSON for the audit log. The model's values always marshal.
func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("storage: audit value does not marshal: " + err.Error())
	}
	return string(b)
}

// Audit returns the audit entries matching f, newest first: at most f.Limit
// of them, DefaultAuditLimit when it is 0 or less, and never more than
// MaxAuditLimit.
//
// Errors: EINTERNAL only.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]model.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultAuditLimit
	}
	limit = min(limit, MaxAuditLimit)
	q := s.db.WithContext(ctx).Order("at DESC, id DESC").Limit(limit)
	if f.Subject != "" {
		q = q.Where("subject = ?", f.Subject)
	}
	if f.Country != "" {
		q = q.Where("country = ?", strings.ToUpper(strings.TrimSpace(f.Country)))
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, internal("read audit log", err)
	}
	entries := make([]model.AuditEntry, len(rows))
	for i, r := range rows {
		entries[i] = r.model()
	}
	return entries, nil
}

package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// slackDelivery records that a Slack event (or Socket Mode envelope, or
// signed request) has been received, so that Slack's retries and replays of
// it are recognised, even after a restart. It is also the inbox: an
// accepted delivery keeps its content, and who is handling it, until it is
// done (see migration 0011).
type slackDelivery struct {
	Key          string `gorm:"primaryKey"`
	ReceivedAt   time.Time
	Kind         string
	Payload      string
	DoneAt       *time.Time
	ClaimedBy    string
	ClaimedUntil *time.Time
	Attempts     int
}

func (slackDelivery) TableName() string { return "slack_deliveries" }

func (r slackDelivery) model() model.InboxItem {
	return model.InboxItem{Key: r.Key, Kind: r.Kind, Payload: r.Payload, ReceivedAt: r.ReceivedAt.UTC(), Attempts: r.Attempts}
}

// single is a session that runs each statement on its own, outside a
// transaction: one statement needs none.
func (s *Store) single(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true})
}

// FirstDelivery records the delivery key (such as "event:Ev0123") as seen
// and done, and reports whether this is the first time it was seen. It is
// one insert-or-ignore statement, so of concurrent callers with the same key
// exactly one gets true, on SQLite and on PostgreSQL alike. It returns an
// internal error when the database fails.
func (s *Store) FirstDelivery(ctx context.Context, key string) (bool, error) {
	now := s.now()
	res := s.single(ctx).
		Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).
		Create(&slackDelivery{Key: key, ReceivedAt: now, DoneAt: &now})
	if res.Error != nil {
		return false, fmt.Errorf("record slack delivery: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// AcceptDeliveries puts items in the inbox, claimed by owner until until
// (or, when owner is empty, claimed by no one and tried no times yet, for
// the next ClaimDeliveries to take), and reports for each whether its key is new; a key seen before (or
// earlier in items) changes nothing. Like FirstDelivery it is one
// insert-or-ignore statement, outside any transaction: the dedupe record
// and the inbox item are the same row, and a whole group of deliveries
// costs one write.
//
// Errors: EINTERNAL only.
func (s *Store) AcceptDeliveries(ctx context.Context, items []model.InboxItem, owner string, until time.Time) ([]bool, error) {
	fresh := make([]bool, len(items))
	if len(items) == 0 {
		return fresh, nil
	}
	now := s.now().UTC()
	claimedUntil, attempts := any(until.UTC()), 1
	if owner == "" {
		claimedUntil, attempts = nil, 0
	}
	var (
		values []string
		args   []any
		seen   = map[string]bool{}
	)
	for _, it := range items {
		if seen[it.Key] {
			continue
		}
		seen[it.Key] = true
		values = append(values, "(?, ?, ?, ?, ?, ?, ?)")
		args = append(args, it.Key, now, it.Kind, it.Payload, owner, claimedUntil, attempts)
	}
	var inserted []string
	err := s.db.WithContext(ctx).Raw(`INSERT INTO slack_deliveries (key, received_at, kind, payload, claimed_by, claimed_until, attempts)
		VALUES `+strings.Join(values, ", ")+` ON CONFLICT (key) DO NOTHING RETURNING key`, args...).Scan(&inserted).Error
	if err != nil {
		return nil, internal("accept slack deliveries", err)
	}
	isNew := make(map[string]bool, len(inserted))
	for _, k := range inserted {
		isNew[k] = true
	}
	for i, it := range items {
		fresh[i] = isNew[it.Key]
		delete(isNew, it.Key) // a key twice in items is new once
	}
	return fresh, nil
}

// ClaimDeliveries takes up to limit inbox items that are not done and not
// claimed by anyone (or whose claim ran out at now: the process holding
// them died), tried fewer than maxAttempts times, oldest first, and claims
// them for owner until until, returning them oldest first. It is one statement; on PostgreSQL the rows
// are picked with FOR UPDATE SKIP LOCKED, so concurrent claims never take
// the same item.
//
// Errors: EINTERNAL only.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, now, until time.Time, maxAttempts, limit int) ([]model.InboxItem, error) {
	lock := ""
	if s.dialect == DialectPostgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var rows []slackDelivery
	err := s.db.WithContext(ctx).Raw(`UPDATE slack_deliveries SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1
		WHERE key IN (SELECT key FROM slack_deliveries
			WHERE done_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?) AND attempts < ?
			ORDER BY received_at, key LIMIT ?`+lock+`)
		RETURNING *`, owner, until.UTC(), now.UTC(), maxAttempts, limit).Scan(&rows).Error
	if err != nil {
		return nil, internal("claim slack deliveries", err)
	}
	// RETURNING keeps no order: oldest first, as they came.
	slices.SortFunc(rows, func(a, b slackDelivery) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	out := make([]model.InboxItem, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// RenewDeliveries extends until until the claims owner holds on items not
// yet done, and returns how many it renewed.
//
// Errors: EINTERNAL only.
func (s *Store) RenewDeliveries(ctx context.Context, owner string, until time.Time) (int64, error) {
	res := s.single(ctx).Model(&slackDelivery{}).Where("claimed_by = ? AND done_at IS NULL", owner).
		Update("claimed_until", until.UTC())
	if res.Error != nil {
		return 0, internal("renew slack deliveries", res.Error)
	}
	return res.RowsAffected, nil
}

// DeliveriesDone records that the inbox items keys were handled at at, and
// drops their content, in one statement.
//
// Errors: EINTERNAL only.
func (s *Store) DeliveriesDone(ctx context.Context, at time.Time, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	err := s.single(ctx).Model(&slackDelivery{}).Where("key IN ?", keys).
		Updates(map[string]any{"done_at": at.UTC(), "payload": "", "claimed_until": nil}).Error
	if err != nil {
		return internal("mark slack deliveries done", err)
	}
	return nil
}

// ReleaseDeliveries gives up owner's claim on the items keys that are not
// done (on all of them when keys is empty), so that the next claim takes
// them at once, as if this owner had not claimed them: a claim given back
// counts no attempt.
//
// Errors: EINTERNAL only.
func (s *Store) ReleaseDeliveries(ctx context.Context, owner string, keys ...string) error {
	q := s.single(ctx).Model(&slackDelivery{}).Where("claimed_by = ? AND done_at IS NULL", owner)
	if len(keys) > 0 {
		q = q.Where("key IN ?", keys)
	}
	// Released work was not handled: the claim that took it is given back,
	// so that work only waiting for a worker is not counted as tried.
	if err := q.Updates(map[string]any{"claimed_by": "", "claimed_until": nil,
		"attempts": gorm.Expr("CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END")}).Error; err != nil {
		return internal("release slack deliveries", err)
	}
	return nil
}

// ForgetDeliveries deletes delivery records received before t (Slack stops
// retrying an event within the hour, and a slash command's response_url
// lasts 30 minutes), done or not, and returns how many it deleted. It
// returns an internal error when the database fails.
func (s *Store) ForgetDeliveries(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("received_at < ?", before.UTC()).Delete(&slackDelivery{})
	if res.Error != nil {
		return 0, fmt.Errorf("forget slack deliveries: %w", res.Error)
	}
	return res.RowsAffected, nil
}

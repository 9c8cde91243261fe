package storage

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"focalbot/model"
)

type outboxRow struct {
	ID            int64 `gorm:"primaryKey"`
	Key           string
	Channel       string
	Kind          string
	MeetingID     int64
	InvitationID  int64
	Recipient     string
	Payload       string `gorm:"->;-:migration"` // in outbox_payloads; read where joined
	Status        string
	DueAt         time.Time
	NextAttemptAt time.Time
	Attempts      int
	LastError     string
	FirstFailedAt *time.Time
	SentAt        *time.Time
	ClaimedBy     string
	ClaimedUntil  *time.Time
	CreatedAt     time.Time `gorm:"autoCreateTime:false"`
	MailRef       string    // an e-mail's model.MailRef, to match bounces; "" for other channels
}

func (outboxRow) TableName() string { return "outbox" }

// payloadRow is an outbox item's payload, kept apart from the row that
// changes as the item is claimed and sent (see migration 0009).
type payloadRow struct {
	OutboxID int64 `gorm:"primaryKey;autoIncrement:false"`
	Payload  string
}

func (payloadRow) TableName() string { return "outbox_payloads" }

// withPayloads is the outbox joined with its payloads.
func withPayloads(q *gorm.DB) *gorm.DB {
	return q.Model(&outboxRow{}).Select("outbox.*, outbox_payloads.payload").
		Joins("LEFT JOIN outbox_payloads ON outbox_payloads.outbox_id = outbox.id")
}

func (r outboxRow) model() model.OutboxItem {
	o := model.OutboxItem{ID: r.ID, Key: r.Key, Channel: model.Channel(r.Channel), Kind: model.OutboxKind(r.Kind), MeetingID: r.MeetingID,
		InvitationID: r.InvitationID, Recipient: r.Recipient, Payload: r.Payload, Status: model.OutboxStatus(r.Status),
		DueAt: r.DueAt.UTC(), NextAttemptAt: r.NextAttemptAt.UTC(), Attempts: r.Attempts, LastError: r.LastError,
		CreatedAt: r.CreatedAt.UTC(), ClaimedBy: r.ClaimedBy}
	if r.ClaimedUntil != nil {
		o.ClaimedUntil = r.ClaimedUntil.UTC()
	}
	if r.SentAt != nil {
		o.SentAt = r.SentAt.UTC()
	}
	if r.FirstFailedAt != nil {
		o.FirstFailedAt = r.FirstFailedAt.UTC()
	}
	return o
}

// enqueue writes outbox items in tx and returns those it wrote. An item
// whose key exists already is skipped, so that nothing is ever queued twice.
// An item may be written with the status OutboxSkipped, to record durably
// that a message was decided against. A new request or cancellation
// supersedes the pending messages of its invitation and channel that it
// replaces (model.OutboxKind.Supersedes).
func (s *Store) enqueue(tx *gorm.DB, items []model.OutboxItem) ([]model.OutboxItem, error) {
	return s.enqueueItems(tx, items, true)
}

// enqueueBatch is how many outbox rows, payloads or audit entries one
// INSERT writes: well under the parameters a statement may have on SQLite
// (32,766) and PostgreSQL (65,535).
const enqueueBatch = 250

// enqueueItems is enqueue; supersede false says that the items' invitations
// have no messages yet (they were created in tx), so there is nothing to
// supersede and no UPDATE is made. Items are written enqueueBatch to an
// INSERT … ON CONFLICT (key) DO NOTHING RETURNING, which says which were new.
func (s *Store) enqueueItems(tx *gorm.DB, items []model.OutboxItem, supersede bool) ([]model.OutboxItem, error) {
	if len(items) == 0 {
		return nil, nil
	}
	if supersede {
		if ordered := supersedesWithin(items); ordered {
			return s.enqueueInTurn(tx, items)
		}
		if err := s.supersede(tx, items); err != nil {
			return nil, err
		}
	}
	now := s.now()
	rows := make([]outboxRow, len(items))
	for i, it := range items {
		due := it.DueAt
		if due.IsZero() {
			due = now
		}
		status := it.Status
		if status == "" {
			status = model.OutboxPending
		}
		rows[i] = outboxRow{Key: it.Key, Channel: string(it.Channel), Kind: string(it.Kind), MeetingID: it.MeetingID,
			InvitationID: it.InvitationID, Recipient: it.Recipient, Status: string(status),
			DueAt: due.UTC(), NextAttemptAt: due.UTC(), CreatedAt: now, Payload: it.Payload}
		if it.ClaimedBy != "" && !it.ClaimedUntil.IsZero() && status == model.OutboxPending && !due.After(now) {
			// Written claimed, for the dispatcher that will send it now.
			until := it.ClaimedUntil.UTC()
			rows[i].ClaimedBy, rows[i].ClaimedUntil = it.ClaimedBy, &until
		}
		if it.Channel == model.ChannelEmail {
			rows[i].MailRef = model.MailRef(it.Key)
		}
	}
	ids := make(map[string]int64, len(rows))
	for chunk := range slices.Chunk(rows, enqueueBatch) {
		if err := insertOutboxRows(tx, chunk, ids); err != nil {
			return nil, err
		}
	}
	var (
		written  []model.OutboxItem
		payloads []payloadRow
	)
	for _, r := range rows {
		id, ok := ids[r.Key]
		if !ok {
			continue // its key was queued before
		}
		delete(ids, r.Key) // an item given twice in items is written once
		r.ID = id
		written = append(written, r.model())
		payloads = append(payloads, payloadRow{OutboxID: id, Payload: r.Payload})
	}
	err := insertRows(tx, "outbox_payloads", []string{"outbox_id", "payload"}, len(payloads), func(i int) []any {
		return []any{payloads[i].OutboxID, payloads[i].Payload}
	})
	if err != nil {
		return nil, internal("enqueue payloads", err)
	}
	return written, nil
}

// insertOutboxRows writes rows in one statement, skipping those whose key
// exists, and notes the IDs of those written in ids, by key.
func insertOutboxRows(tx *gorm.DB, rows []outboxRow, ids map[string]int64) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO outbox (key, channel, kind, meeting_id, invitation_id, recipient, status, due_at, next_attempt_at,
		attempts, last_error, claimed_by, claimed_until, created_at, mail_ref) `)
	args := values(tx, &q, 15, len(rows), func(args []any, i int) []any {
		r := &rows[i]
		return append(args, r.Key, r.Channel, r.Kind, r.MeetingID, r.InvitationID, r.Recipient, r.Status, r.DueAt, r.NextAttemptAt,
			r.Attempts, r.LastError, r.ClaimedBy, r.ClaimedUntil, r.CreatedAt, r.MailRef)
	})
	q.WriteString(" ON CONFLICT (key) DO NOTHING RETURNING id, key")
	res, err := tx.Raw(q.String(), args...).Rows()
	if err != nil {
		return internal("enqueue", err)
	}
	defer res.Close()
	for res.Next() {
		var (
			id  int64
			key string
		)
		if err := res.Scan(&id, &key); err != nil {
			return internal("enqueue", err)
		}
		ids[key] = id
	}
	if err := res.Err(); err != nil {
		return internal("enqueue", err)
	}
	return nil
}

// supersedesWithin reports whether an item of items may supersede another
// of them (two superseding kinds for one invitation and channel): those are
// written one after the other, as they come.
func supersedesWithin(items []model.OutboxItem) bool {
	type target struct {
		invitation int64
		channel    model.Channel
	}
	seen := map[target]bool{}
	for _, it := range items {
		if it.InvitationID == 0 {
			continue
		}
		k := target{it.InvitationID, it.Channel}
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

// supersede marks superseded the pending messages that items replace: one
// UPDATE for each channel and kind, and enqueueBatch invitations.
func (s *Store) supersede(tx *gorm.DB, items []model.OutboxItem) error {
	type group struct {
		channel model.Channel
		kind    model.OutboxKind
	}
	var (
		order  []group
		groups = map[group][]model.OutboxItem{}
	)
	for _, it := range items {
		if it.InvitationID == 0 || len(it.Kind.Supersedes()) == 0 {
			continue
		}
		g := group{it.Channel, it.Kind}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], it)
	}
	for _, g := range order {
		for chunk := range slices.Chunk(groups[g], enqueueBatch) {
			invitations, keys := make([]int64, len(chunk)), make([]string, len(chunk))
			for i, it := range chunk {
				invitations[i], keys[i] = it.InvitationID, it.Key
			}
			// The dispatcher may be recording sends of these rows (MarkSent),
			// locking them in another order.
			err := s.againOnDeadlock(tx, func(tx *gorm.DB) error {
				return tx.Model(&outboxRow{}).
					Where("invitation_id IN ? AND channel = ? AND status = ? AND kind IN ? AND key NOT IN ?",
						invitations, g.channel, model.OutboxPending, kindStrings(g.kind.Supersedes()), keys).
					Updates(map[string]any{"status": model.OutboxSuperseded, "last_error": ""}).Error
			})
			if err != nil {
				return internal("supersede outbox items", err)
			}
		}
	}
	return nil
}

// enqueueInTurn is enqueue one item after the other, each superseding what
// came before it, those of the same call included.
func (s *Store) enqueueInTurn(tx *gorm.DB, items []model.OutboxItem) ([]model.OutboxItem, error) {
	var written []model.OutboxItem
	for _, it := range items {
		w, err := s.enqueueItems(tx, []model.OutboxItem{it}, true)
		if err != nil {
			return nil, err
		}
		written = append(written, w...)
	}
	return written, nil
}

// Enqueue writes outbox items on their own and returns those it wrote; an
// item whose key exists is skipped.
//
// Errors: EINTERNAL only.
func (s *Store) Enqueue(ctx context.Context, items []model.OutboxItem) ([]model.OutboxItem, error) {
	var written []model.OutboxItem
	err := s.transaction(ctx, func(tx *gorm.DB) (err error) {
		written, err = s.enqueue(tx, items)
		return err
	})
	return written, err
}

// Claim takes up to limit pending items of a channel that are due at now
// and not claimed by someone else, and holds them for lease: until then no
// other dispatcher (another process on the same PostgreSQL) gets them. It is
// one statement; on PostgreSQL the rows are picked with FOR UPDATE SKIP
// LOCKED, so concurrent claims never overlap and never wait for each other.
//
// Errors: EINTERNAL only.
func (s *Store) Claim(ctx context.Context, now time.Time, channel model.Channel, limit int, lease time.Duration) ([]model.OutboxItem, error) {
	token := make([]byte, 12)
	if _, err := rand.Read(token); err != nil {
		return nil, fmt.Errorf("claim token: %w", err)
	}
	lock := ""
	if s.dialect == DialectPostgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	until := now.Add(lease).UTC()
	res, err := s.db.WithContext(ctx).Raw(`UPDATE outbox SET claimed_by = ?, claimed_until = ?
		WHERE id IN (SELECT id FROM outbox
			WHERE status = ? AND channel = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY next_attempt_at, id LIMIT ?`+lock+`)
		RETURNING `+claimedColumns,
		hex.EncodeToString(token), until, model.OutboxPending, channel, now.UTC(), now.UTC(), limit).Rows()
	if err != nil {
		return nil, internal("claim outbox items", err)
	}
	rows, err := scanClaimed(res, limit)
	if err != nil {
		return nil, internal("claim outbox items", err)
	}
	if err := s.loadPayloads(ctx, rows); err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b outboxRow) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]model.OutboxItem, len(rows))
	for i, r := range rows {
		out[i] = r.model()
		out[i].ClaimedUntil = until
	}
	return out, nil
}

// Renew extends the claim that holds the items ids until until, for the
// items it still holds: a dispatcher whose sends outlast their lease (Slack's
// pacing can) keeps them from being claimed again by another. It returns
// how many it renewed.
//
// Errors: EINTERNAL only.
func (s *Store) Renew(ctx context.Context, claim string, until time.Time, ids ...int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	db := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true})
	in, args := inIDs(db, "id", ids)
	res := db.Model(&outboxRow{}).Where(in+" AND claimed_by = ? AND status = ?", append(args, claim, model.OutboxPending)...).
		Update("claimed_until", until.UTC())
	if res.Error != nil {
		return 0, internal("renew outbox claim", res.Error)
	}
	return res.RowsAffected, nil
}

// mark updates one outbox row in a single statement, outside any
// transaction: the dispatcher records every send this way, so it must be cheap.
func (s *Store) mark(ctx context.Context, id int64, what string, set map[string]any) error {
	err := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).
		Model(&outboxRow{}).Where("id = ?", id).Updates(set).Error
	if err != nil {
		return internal(what, err)
	}
	return nil
}

// MarkSent records that the items ids went out at, in one statement.
//
// Errors: EINTERNAL only.
func (s *Store) MarkSent(ctx context.Context, at time.Time, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	// A change superseding these rows may lock them in another order.
	err := s.againOnDeadlock(s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}), func(tx *gorm.DB) error {
		in, args := inIDs(tx, "id", ids)
		return tx.Exec("UPDATE outbox SET status = ?, sent_at = ?, attempts = attempts + 1, last_error = '', claimed_until = NULL WHERE "+in,
			append([]any{model.OutboxSent, at.UTC()}, args...)...).Error
	})
	if err != nil {
		return internal("mark sent", err)
	}
	return nil
}

// Retry records a failed attempt and when to try again; the first failed
// attempt's time is kept (the store's clock, when there was none).
//
// Errors: EINTERNAL only.
func (s *Store) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.mark(ctx, id, "schedule retry", map[string]any{
		"next_attempt_at": next.UTC(), "attempts": gorm.Expr("attempts + 1"),
		"first_failed_at": gorm.Expr("COALESCE(first_failed_at, ?)", s.now()),
		"last_error":      reason, "claimed_until": nil})
}

// Requeue puts the failed items among ids back in the queue, due at now,
// as if never tried: the same rows, so the same idempotency keys, and an
// item that is not failed (sent, say) is left alone. It returns how many
// it queued again.
//
// Errors: EINTERNAL only.
func (s *Store) Requeue(ctx context.Context, now time.Time, ids ...int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res := s.db.WithContext(ctx).Model(&outboxRow{}).Where("id IN ? AND status = ?", ids, model.OutboxFailed).
		Updates(map[string]any{"status": model.OutboxPending, "next_attempt_at": now.UTC(), "first_failed_at": nil, "claimed_until": nil})
	if res.Error != nil {
		return 0, internal("requeue outbox items", res.Error)
	}
	return int(res.RowsAffected), nil
}

// Fail records that an item was refused for good, with the reason.
//
// Errors: EINTERNAL only.
func (s *Store) Fail(ctx context.Context, id int64, reason string) error {
	return s.mark(ctx, id, "mark failed", map[string]any{
		"status": model.OutboxFailed, "attempts": gorm.Expr("attempts + 1"),
		"last_error": reason, "claimed_until": nil})
}

// Hasten makes the retries of a channel due at now: once an outage is
// over, what waited for it goes at once, not at its backoff's time. Items
// claimed are left to their claim. It returns how many it moved.
//
// Errors: EINTERNAL only.
func (s *Store) Hasten(ctx context.Context, ch model.Channel, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Model(&outboxRow{}).
		Where("status = ? AND channel = ? AND attempts > 0 AND next_attempt_at > ? AND (claimed_until IS NULL OR claimed_until < ?)",
			model.OutboxPending, ch, now.UTC(), now.UTC()).
		Update("next_attempt_at", now.UTC())
	if res.Error != nil {
		return 0, internal("hasten retries", res.Error)
	}
	return res.RowsAffected, nil
}

// OutboxFilter selects outbox items; it is the model's type.
type OutboxFilter = model.OutboxFilter

// Outbox returns the outbox items matching f, oldest first.
//
// Errors: EINTERNAL only.
func (s *Store) Outbox(ctx context.Context, f OutboxFilter) ([]model.OutboxItem, error) {
	q := outboxWhere(s.db.WithContext(ctx), f).Order("outbox.id DESC")
	if f.Latest > 0 {
		q = q.Limit(f.Latest)
	}
	var rows []outboxRow
	if err := withPayloads(q).Find(&rows).Error; err != nil {
		return nil, internal("list outbox", err)
	}
	out := make([]model.OutboxItem, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r.model()
	}
	return out, nil
}

// OutboxCounts counts the outbox items matching f by status, in one query
// that reads no payload.
//
// Errors: EINTERNAL only.
func (s *Store) OutboxCounts(ctx context.Context, f OutboxFilter) (map[model.OutboxStatus]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := outboxWhere(s.db.WithContext(ctx).Model(&outboxRow{}), f).Select("status, count(*) AS n").Group("status").Scan(&rows).Error
	if err != nil {
		return nil, internal("count outbox", err)
	}
	counts := map[model.OutboxStatus]int{}
	for _, r := range rows {
		counts[model.OutboxStatus(r.Status)] = r.N
	}
	return counts, nil
}

// OutboxDepth counts the outbox items by channel and status, in one query
// that reads no payload (for the metrics, at every scrape).
//
// Errors: EINTERNAL only.
func (s *Store) OutboxDepth(ctx context.Context) ([]model.OutboxDepth, error) {
	var rows []struct {
		Channel string
		Status  string
		N       int
	}
	err := s.db.WithContext(ctx).Model(&outboxRow{}).Select("channel, status, count(*) AS n").Group("channel, status").Scan(&rows).Error
	if err != nil {
		return nil, internal("count outbox", err)
	}
	out := make([]model.OutboxDepth, len(rows))
	for i, r := range rows {
		out[i] = model.OutboxDepth{Channel: model.Channel(r.Channel), Status: model.OutboxStatus(r.Status), N: r.N}
	}
	return out, nil
}

// OldestDue returns, for each channel with one, when the oldest pending
// item due by now was due.
//
// Errors: EINTERNAL only.
func (s *Store) OldestDue(ctx context.Context, now time.Time) (map[model.Channel]time.Time, error) {
	out := map[model.Channel]time.Time{}
	for _, ch := range []model.Channel{model.ChannelEmail, model.ChannelSlack} {
		var rows []outboxRow
		err := s.db.WithContext(ctx).Model(&outboxRow{}).Select("due_at").
			Where("status = ? AND channel = ? AND due_at <= ?", model.OutboxPending, ch, now.UTC()).
			Order("due_at").Limit(1).Find(&rows).Error
		if err != nil {
			return nil, internal("read the oldest outbox item", err)
		}
		if len(rows) == 1 {
			out[ch] = rows[0].DueAt.UTC()
		}
	}
	return out, nil
}

// outboxWhere narrows q to the items f selects.
func outboxWhere(q *gorm.DB, f OutboxFilter) *gorm.DB {
	if f.MeetingID != 0 {
		q = q.Where("meeting_id = ?", f.MeetingID)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Channel != "" {
		q = q.Where("channel = ?", f.Channel)
	}
	return q
}

// claimedColumns are the outbox columns a claim returns, in scanClaimed's
// order: scanned by hand, as GORM's scanning by reflection cost as much as
// the claim itself.
const claimedColumns = `id, key, channel, kind, meeting_id, invitation_id, recipient, status, due_at, next_attempt_at,
	attempts, last_error, first_failed_at, sent_at, claimed_by, created_at`

// scanClaimed reads the rows of claimedColumns and closes res.
func scanClaimed(res *sql.Rows, size int) ([]outboxRow, error) {
	defer res.Close()
	rows := make([]outboxRow, 0, size)
	for res.Next() {
		var r outboxRow
		if err := res.Scan(&r.ID, &r.Key, &r.Channel, &r.Kind, &r.MeetingID, &r.InvitationID, &r.Recipient, &r.Status,
			&r.DueAt, &r.NextAttemptAt, &r.Attempts, &r.LastError, &r.FirstFailedAt, &r.SentAt, &r.ClaimedBy, &r.CreatedAt); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, res.Err()
}

// loadPayloads reads the payloads of rows just claimed, in one query.
func (s *Store) loadPayloads(ctx context.Context, rows []outboxRow) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	in, args := inIDs(s.db, "outbox_id", ids)
	res, err := s.db.WithContext(ctx).Raw("SELECT outbox_id, payload FROM outbox_payloads WHERE "+in, args...).Rows()
	if err != nil {
		return internal("read outbox payloads", err)
	}
	defer res.Close()
	byID := make(map[int64]string, len(rows))
	for res.Next() {
		var (
			id      int64
			payload string
		)
		if err := res.Scan(&id, &payload); err != nil {
			return internal("read outbox payloads", err)
		}
		byID[id] = payload
	}
	if err := res.Err(); err != nil {
		return internal("read outbox payloads", err)
	}
	for i := range rows {
		rows[i].Payload = byID[rows[i].ID]
	}
	return nil
}

// kindStrings is kinds as stored.
func kindStrings(kinds []model.OutboxKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

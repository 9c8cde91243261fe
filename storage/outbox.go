package storage

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

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
// that a message was decided against.
func (s *Store) enqueue(tx *gorm.DB, items []model.OutboxItem) ([]model.OutboxItem, error) {
	now := s.now()
	var (
		written  []model.OutboxItem
		payloads []payloadRow
	)
	for _, it := range items {
		if kinds := kindStrings(it.Kind.Supersedes()); len(kinds) > 0 && it.InvitationID != 0 {
			err := tx.Model(&outboxRow{}).
				Where("invitation_id = ? AND channel = ? AND status = ? AND kind IN ? AND key <> ?",
					it.InvitationID, it.Channel, model.OutboxPending, kinds, it.Key).
				Updates(map[string]any{"status": model.OutboxSuperseded, "last_error": ""}).Error
			if err != nil {
				return nil, internal("supersede outbox items", err)
			}
		}
		due := it.DueAt
		if due.IsZero() {
			due = now
		}
		status := it.Status
		if status == "" {
			status = model.OutboxPending
		}
		r := outboxRow{Key: it.Key, Channel: string(it.Channel), Kind: string(it.Kind), MeetingID: it.MeetingID,
			InvitationID: it.InvitationID, Recipient: it.Recipient, Status: string(status),
			DueAt: due.UTC(), NextAttemptAt: due.UTC(), CreatedAt: now}
		if it.Channel == model.ChannelEmail {
			r.MailRef = model.MailRef(it.Key)
		}
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(&r)
		if res.Error != nil {
			return nil, internal("enqueue", res.Error)
		}
		if res.RowsAffected == 1 {
			r.Payload = it.Payload
			written = append(written, r.model())
			payloads = append(payloads, payloadRow{OutboxID: r.ID, Payload: it.Payload})
		}
	}
	if err := tx.CreateInBatches(payloads, 400).Error; err != nil {
		return nil, internal("enqueue payloads", err)
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
	var rows []outboxRow
	err := s.db.WithContext(ctx).Raw(`UPDATE outbox SET claimed_by = ?, claimed_until = ?
		WHERE id IN (SELECT id FROM outbox
			WHERE status = ? AND channel = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY next_attempt_at, id LIMIT ?`+lock+`)
		RETURNING *`,
		hex.EncodeToString(token), now.Add(lease).UTC(), model.OutboxPending, channel, now.UTC(), now.UTC(), limit).Scan(&rows).Error
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
	res := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).Model(&outboxRow{}).
		Where("id IN ? AND claimed_by = ? AND status = ?", ids, claim, model.OutboxPending).
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
	err := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).
		Model(&outboxRow{}).Where("id IN ?", ids).Updates(map[string]any{
		"status": model.OutboxSent, "sent_at": at.UTC(), "attempts": gorm.Expr("attempts + 1"),
		"last_error": "", "claimed_until": nil}).Error
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

// loadPayloads reads the payloads of rows just claimed.
func (s *Store) loadPayloads(ctx context.Context, rows []outboxRow) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var payloads []payloadRow
	if err := s.db.WithContext(ctx).Where("outbox_id IN ?", ids).Find(&payloads).Error; err != nil {
		return internal("read outbox payloads", err)
	}
	byID := make(map[int64]string, len(payloads))
	for _, p := range payloads {
		byID[p.OutboxID] = p.Payload
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

package storage

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// inboundMailRow is the record of one incoming e-mail (migration 0014).
type inboundMailRow struct {
	ID         int64 `gorm:"primaryKey"`
	MessageID  *string
	Hash       string
	FromAddr   string
	Subject    string
	ReceivedAt time.Time
	Via        string
	Size       int
	Kind       string
	MeetingID  int64
	Status     string
	Did        string
	Reason     string
	DidMsg     *string // model.Msg as JSON (migration 0020); nil before
	ReasonMsg  *string
	Raw        []byte
}

func (inboundMailRow) TableName() string { return "inbound_mail" }

func (r inboundMailRow) model() model.InboundMail {
	return model.InboundMail{ID: r.ID, MessageID: deref(r.MessageID), Hash: r.Hash, From: r.FromAddr, Subject: r.Subject,
		ReceivedAt: r.ReceivedAt.UTC(), Via: model.MailVia(r.Via), Size: r.Size, Kind: r.Kind, MeetingID: r.MeetingID,
		Status: model.MailStatus(r.Status), Did: r.Did, Reason: r.Reason, DidMsg: msgFrom(r.DidMsg), ReasonMsg: msgFrom(r.ReasonMsg), Raw: r.Raw}
}

// msgJSON is m as its column keeps it: JSON, or NULL for no sentence.
func msgJSON(m model.Msg) *string {
	if m.IsZero() {
		return nil
	}
	b, err := json.Marshal(textMsg(m))
	if err != nil {
		return nil
	}
	return nullable(text(string(b)))
}

// textMsg is m with every text as a text column keeps it (text).
func textMsg(m model.Msg) model.Msg {
	m.Format = text(m.Format)
	args := make([]model.MsgArg, len(m.Args))
	for i, a := range m.Args {
		a.S = text(a.S)
		if a.Sub != nil {
			sub := textMsg(*a.Sub)
			a.Sub = &sub
		}
		args[i] = a
	}
	m.Args = args
	return m
}

// msgFrom reads a column of msgJSON; one unreadable, or NULL (mail recorded
// before migration 0020), is no sentence, and the text stored beside it is
// shown.
func msgFrom(s *string) model.Msg {
	var m model.Msg
	if s == nil || json.Unmarshal([]byte(*s), &m) != nil {
		return model.Msg{}
	}
	return m
}

// RecordMail records an incoming e-mail, as model.MailReceived, unless the
// same message is recorded already: one with the same Message-ID, or the
// same bytes (Hash). It returns the record, and whether it was new; for a
// message seen before, the earlier record, as it stands. It is one
// statement (INSERT … ON CONFLICT DO NOTHING), so two deliveries of one
// message at once record it once.
//
// Errors: EINTERNAL only.
func (s *Store) RecordMail(ctx context.Context, m model.InboundMail) (model.InboundMail, bool, error) {
	r := inboundMailRow{MessageID: nullable(text(m.MessageID)), Hash: m.Hash, FromAddr: text(m.From), Subject: text(m.Subject),
		ReceivedAt: m.ReceivedAt.UTC(), Via: string(m.Via), Size: m.Size, Kind: m.Kind, MeetingID: m.MeetingID,
		Status: string(model.MailReceived), Did: text(m.Did), Reason: text(m.Reason),
		DidMsg: msgJSON(m.DidMsg), ReasonMsg: msgJSON(m.ReasonMsg), Raw: m.Raw}
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = s.now()
	}
	db := s.db.WithContext(ctx)
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&r)
	if res.Error != nil {
		return model.InboundMail{}, false, internal("record incoming mail", res.Error)
	}
	if res.RowsAffected == 1 {
		return r.model(), true, nil
	}
	var old inboundMailRow
	q := db.Where("hash = ?", m.Hash)
	if r.MessageID != nil {
		q = db.Where("message_id = ? OR hash = ?", *r.MessageID, m.Hash)
	}
	if err := q.Order("id").First(&old).Error; err != nil {
		return model.InboundMail{}, false, internal("read incoming mail", err)
	}
	return old.model(), false, nil
}

// text is s as a text column keeps it: valid UTF-8 without NUL, which
// PostgreSQL refuses (what an incoming mail says is anything at all).
func text(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// FinishMail records what became of incoming e-mail id: its status (not
// model.MailReceived), kind, meeting, what it did and why.
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) FinishMail(ctx context.Context, m model.InboundMail) error {
	res := s.db.WithContext(ctx).Model(&inboundMailRow{}).Where("id = ?", m.ID).Updates(map[string]any{
		"status": string(m.Status), "kind": m.Kind, "meeting_id": m.MeetingID, "did": text(m.Did), "reason": text(m.Reason),
		"did_msg": msgJSON(m.DidMsg), "reason_msg": msgJSON(m.ReasonMsg)})
	if res.Error != nil {
		return internal("record what the mail did", res.Error)
	}
	if res.RowsAffected == 0 {
		return model.Errorf(model.ENOTFOUND, "There is no incoming mail %d.", m.ID)
	}
	return nil
}

// MailFilter selects incoming e-mail; zero fields mean "any".
type MailFilter = model.MailFilter

// Mails returns the latest incoming e-mail matching f, newest first,
// without their bytes.
//
// Errors: EINTERNAL only.
func (s *Store) Mails(ctx context.Context, f model.MailFilter) ([]model.InboundMail, error) {
	q := s.db.WithContext(ctx).Omit("raw").Order("received_at DESC, id DESC")
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Latest > 0 {
		q = q.Limit(f.Latest)
	}
	var rows []inboundMailRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, internal("list incoming mail", err)
	}
	out := make([]model.InboundMail, len(rows))
	for i, r := range rows {
		out[i] = r.model()
	}
	return out, nil
}

// MeetingByUID returns the meeting whose calendar UID is uid.
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) MeetingByUID(ctx context.Context, uid string) (model.Meeting, error) {
	var r meetingRow
	if err := s.db.WithContext(ctx).Where("uid = ?", uid).First(&r).Error; errNotFound(err) {
		return model.Meeting{}, model.Errorf(model.ENOTFOUND, "No meeting has the calendar UID %q.", uid)
	} else if err != nil {
		return model.Meeting{}, internal("read meeting", err)
	}
	return r.model(), nil
}

// OutboxByMailRef returns the e-mail in the outbox whose Message-ID has the
// local part ref (model.MailRef).
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) OutboxByMailRef(ctx context.Context, ref string) (model.OutboxItem, error) {
	var r outboxRow
	err := withPayloads(s.db.WithContext(ctx)).Where("outbox.mail_ref = ? AND outbox.channel = ?", ref, model.ChannelEmail).First(&r).Error
	if errNotFound(err) {
		return model.OutboxItem{}, model.Errorf(model.ENOTFOUND, "No message of ours has the Message-ID %s@….", ref)
	} else if err != nil {
		return model.OutboxItem{}, internal("read outbox item", err)
	}
	return r.model(), nil
}

// Bounced records that e-mail item id was refused for good after it was
// sent (a delivery status notification), with the reason, as a send
// refused with an SMTP 5xx is recorded. It reports whether the item
// changed: one marked failed already stays as it is.
//
// Errors: EINTERNAL only.
func (s *Store) Bounced(ctx context.Context, id int64, reason string) (bool, error) {
	var changed bool
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&outboxRow{}).Where("id = ? AND status <> ?", id, model.OutboxFailed).
			Updates(map[string]any{"status": model.OutboxFailed, "last_error": reason, "claimed_until": nil})
		changed = res.RowsAffected > 0
		return res.Error
	})
	if err != nil {
		return false, internal("mark bounced", err)
	}
	return changed, nil
}

package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"

	"focalbot/model"
)

type linkTokenRow struct {
	ID           int64 `gorm:"primaryKey"`
	Hash         string
	InvitationID *int64
	PollID       *int64
	PersonID     *int64
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	RevokedAt    *time.Time
}

func (linkTokenRow) TableName() string { return "link_tokens" }

func (r linkTokenRow) model() model.Link {
	l := model.Link{ID: r.ID, InvitationID: derefID(r.InvitationID), PollID: derefID(r.PollID), PersonID: derefID(r.PersonID), CreatedAt: r.CreatedAt.UTC()}
	if r.RevokedAt != nil {
		l.RevokedAt = r.RevokedAt.UTC()
	}
	return l
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// CreateLink records a signed link by the SHA-256 hash of its token (hex);
// the token itself is never stored. l names an invitation, or a poll and
// a person.
//
// Errors: ENOTFOUND for an invitation, poll or person that does not exist;
// EINTERNAL.
func (s *Store) CreateLink(ctx context.Context, l model.Link, hash string) (model.Link, error) {
	row := linkTokenRow{Hash: hash, InvitationID: optionalID(l.InvitationID), PollID: optionalID(l.PollID),
		PersonID: optionalID(l.PersonID), CreatedAt: s.now()}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if l.InvitationID != 0 {
			var n int64
			if err := tx.Table("invitations").Where("id = ?", l.InvitationID).Count(&n).Error; err != nil {
				return internal("read invitation", err)
			} else if n == 0 {
				return model.Errorf(model.ENOTFOUND, "There is no such invitation.")
			}
		}
		if l.PollID != 0 {
			if _, err := s.poll(tx, l.PollID, false); err != nil {
				return err
			}
		}
		if l.PersonID != 0 {
			var p personRow
			if err := tx.First(&p, l.PersonID).Error; errNotFound(err) {
				return notFoundID(l.PersonID)
			} else if err != nil {
				return internal("read person", err)
			}
		}
		if err := tx.Create(&row).Error; err != nil {
			return internal("write link", err)
		}
		return nil
	})
	if err != nil {
		return model.Link{}, err
	}
	return row.model(), nil
}

// LinkByHash finds the link whose token has that hash, revoked or not.
//
// Errors: ENOTFOUND for no such link; EINTERNAL.
func (s *Store) LinkByHash(ctx context.Context, hash string) (model.Link, error) {
	var row linkTokenRow
	err := s.db.WithContext(ctx).Where("hash = ?", hash).First(&row).Error
	if errNotFound(err) {
		return model.Link{}, model.Errorf(model.ENOTFOUND, "No page has that link.")
	} else if err != nil {
		return model.Link{}, internal("read link", err)
	}
	return row.model(), nil
}

// RevokeLinks revokes every link that answers what l answers (its
// invitation, or its poll for its person), audited as "link.revoke", and
// returns how many were working.
//
// Errors: EINTERNAL only.
func (s *Store) RevokeLinks(ctx context.Context, actor model.Actor, l model.Link) (int, error) {
	var n int
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&linkTokenRow{}).Where("revoked_at IS NULL")
		subject := ""
		if l.InvitationID != 0 {
			q = q.Where("invitation_id = ?", l.InvitationID)
			subject = fmt.Sprintf("invitation:%d", l.InvitationID)
		} else {
			q = q.Where("poll_id = ? AND person_id = ?", l.PollID, l.PersonID)
			subject = fmt.Sprintf("poll:%d/person:%d", l.PollID, l.PersonID)
		}
		res := q.Update("revoked_at", s.now())
		if res.Error != nil {
			return internal("revoke links", res.Error)
		}
		n = int(res.RowsAffected)
		if n == 0 {
			return nil
		}
		return s.audit(tx, actor, "link.revoke", subject, "", "", fmt.Sprintf(`{"revoked":%d}`, n))
	})
	return n, err
}

// PruneLinks deletes, limit at a time at most, the links that stopped
// working before cutoff: those of invitations to meetings that ended
// before it, and those of polls whose deadline was before it. It returns
// how many it deleted. A link opened after that is simply unknown.
//
// Errors: EINTERNAL only.
func (s *Store) PruneLinks(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	cutoff = cutoff.UTC()
	res := s.db.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true}).Exec(`DELETE FROM link_tokens WHERE id IN (
		SELECT lt.id FROM link_tokens lt JOIN invitations i ON i.id = lt.invitation_id JOIN meetings m ON m.id = i.meeting_id
			WHERE m.end_at < ?
		UNION ALL
		SELECT lt.id FROM link_tokens lt JOIN polls p ON p.id = lt.poll_id WHERE p.deadline_at < ?
		LIMIT ?)`, cutoff, cutoff, limit)
	if res.Error != nil {
		return 0, internal("prune links", res.Error)
	}
	return res.RowsAffected, nil
}

// MuteInvitation stops (mute) or restarts the reminders of one invitation:
// how a guest, who has no person to mute for, mutes them.
//
// Errors: EINTERNAL only.
func (s *Store) MuteInvitation(ctx context.Context, invitationID int64, mute bool) error {
	db := s.db.WithContext(ctx)
	var err error
	if mute {
		err = db.Exec("INSERT INTO invitation_mutes (invitation_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING", invitationID, s.now()).Error
	} else {
		err = db.Exec("DELETE FROM invitation_mutes WHERE invitation_id = ?", invitationID).Error
	}
	if err != nil {
		return internal("mute reminders", err)
	}
	return nil
}

// MutedInvitations are the invitations to a meeting whose reminders were
// muted by invitation (MuteInvitation).
//
// Errors: EINTERNAL only.
func (s *Store) MutedInvitations(ctx context.Context, meetingID int64) (map[int64]bool, error) {
	return s.idSet(ctx, "mutes", "SELECT m.invitation_id FROM invitation_mutes m JOIN invitations i ON i.id = m.invitation_id WHERE i.meeting_id = ?", meetingID)
}

type secretRow struct {
	Name      string `gorm:"primaryKey"`
	Value     string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (secretRow) TableName() string { return "secrets" }

// Secret is the 32-byte secret called name, made at random the first time
// it is asked for and the same ever after, for every copy of focalbot on
// the database (the web page signs its forms with one).
//
// Errors: EINTERNAL only.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	db := s.db.WithContext(ctx)
	if err := db.Exec("INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", name, hex.EncodeToString(b), s.now()).Error; err != nil {
		return nil, internal("write secret", err)
	}
	var row secretRow
	if err := db.Where("name = ?", name).First(&row).Error; err != nil {
		return nil, internal("read secret", err)
	}
	v, err := hex.DecodeString(row.Value)
	if err != nil {
		return nil, internal("read secret", err)
	}
	return v, nil
}

package storage

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// Messages of delegation refusals.
const (
	msgDelegateTaken = "%s stands in for someone else at meeting %d already."
	msgNoInvitation  = "There is no such invitation."
	msgNudgeAnswered = "not sent: the invitee answered"
)

// DelegationPlan says what a delegation sends, decided inside the store's
// transaction: from is the invitation that sent a colleague (now
// delegated), to the colleague's, new or the invitation they had already
// (created tells which).
type DelegationPlan = func(m model.Meeting, from, to model.Invitation, created bool) []model.OutboxItem

// Delegate records that the invitee of invitation fromID sends d instead,
// in answer to sequence seq of the meeting, in one transaction: the
// colleague's invitation (a new one, in the invitee's country, marked
// DelegatedFrom; or the one they have already, when they are invited and
// stand in for nobody yet), the invitee's answer ResponseDelegate with
// DelegatedTo, the audit entries ("invitation.create" for a new one,
// "invitation.delegate"), and what plan says to send. A colleague on the
// roster (by e-mail) is invited as that person. The precedence of answers
// is model.Invitation.Answer's: a delegation given to an older sequence than
// the answer recorded changes nothing and returns model.ErrStaleResponse.
//
// Errors: ENOTFOUND for the invitation; ECONFLICT for a meeting that is
// not scheduled, an invitee who sent a colleague already, or a colleague
// who stands in for someone else; EINVALID for a bad delegate or oneself;
// model.ErrStaleResponse; EINTERNAL.
func (s *Store) Delegate(ctx context.Context, actor model.Actor, fromID int64, d model.Delegate, seq int, plan DelegationPlan) (from, to model.Invitation, err error) {
	if err := d.Validate(); err != nil {
		return model.Invitation{}, model.Invitation{}, err
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		before, err := s.lockInvitation(tx, fromID)
		if err != nil {
			return err
		}
		m, err := s.meeting(tx, before.MeetingID, true)
		if err != nil {
			return err
		}
		if err := m.Answerable(); err != nil {
			return err
		}
		if err := before.CheckDelegation(d); err != nil {
			return err
		}
		var existing invitationRow
		err = tx.Where("meeting_id = ? AND email = ?", m.ID, d.Email).Take(&existing).Error
		created := errNotFound(err)
		switch {
		case err != nil && !created:
			return internal("read invitation", err)
		case created:
			to = model.Invitation{MeetingID: m.ID, Name: d.Name, Email: d.Email, Title: d.Title, Country: before.Country,
				Response: model.ResponseNone, DelegatedFrom: before.ID, CreatedAt: s.now()}
			if p, err := s.personWhere(tx, "email", d.Email); err == nil {
				to.PersonID = p.ID
			} else if !errNotFound(err) {
				return err
			}
			if to.PersonID != 0 {
				var n int64
				if err := tx.Model(&invitationRow{}).Where("meeting_id = ? AND person_id = ?", m.ID, to.PersonID).Count(&n).Error; err != nil {
					return internal("read invitation", err)
				}
				if n > 0 { // invited under another address: the roster's person is one invitee
					to.PersonID = 0
				}
			}
			r := toInvitationRow(to)
			if err := tx.Create(&r).Error; err != nil {
				return internal("invite delegate", err)
			}
			to = r.model()
			if err := s.audit(tx, actor, "invitation.create", meetingSubject(m.ID), to.Country, "", toJSON(to)); err != nil {
				return err
			}
		default:
			to = existing.model()
			if to.DelegatedFrom != 0 || to.Delegated() {
				return model.FieldErrorf("email", model.ECONFLICT, msgDelegateTaken, to.Name, m.ID)
			}
			linked := to
			linked.DelegatedFrom = before.ID
			r := toInvitationRow(linked)
			if err := tx.Save(&r).Error; err != nil {
				return internal("link delegate", err)
			}
			if err := s.audit(tx, actor, "invitation.update", meetingSubject(m.ID), to.Country, toJSON(to), toJSON(r.model())); err != nil {
				return err
			}
			to = r.model()
		}
		after := before
		if err := after.DelegateTo(to.ID, seq, s.now()); err != nil {
			return err
		}
		r := toInvitationRow(after)
		if err := tx.Save(&r).Error; err != nil {
			return internal("record delegation", err)
		}
		from = r.model()
		if err := skipNudges(tx, from); err != nil {
			return err
		}
		if err := s.audit(tx, actor, "invitation.delegate", meetingSubject(m.ID), from.Country, toJSON(before), toJSON(from)); err != nil {
			return err
		}
		if plan != nil {
			_, err = s.enqueue(tx, plan(m, from, to, created))
		}
		return err
	})
	if err != nil {
		return model.Invitation{}, model.Invitation{}, err
	}
	return from, to, nil
}

// lockInvitation reads an invitation for update.
func (s *Store) lockInvitation(tx *gorm.DB, id int64) (model.Invitation, error) {
	var row invitationRow
	q := tx
	if s.dialect == DialectPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.First(&row, id).Error; errNotFound(err) {
		return model.Invitation{}, model.Errorf(model.ENOTFOUND, msgNoInvitation)
	} else if err != nil {
		return model.Invitation{}, internal("read invitation", err)
	}
	return row.model(), nil
}

// Invitation returns the invitation with that ID.
//
// Errors: ENOTFOUND; EINTERNAL.
func (s *Store) Invitation(ctx context.Context, id int64) (model.Invitation, error) {
	var row invitationRow
	if err := s.db.WithContext(ctx).First(&row, id).Error; errNotFound(err) {
		return model.Invitation{}, model.Errorf(model.ENOTFOUND, msgNoInvitation)
	} else if err != nil {
		return model.Invitation{}, internal("read invitation", err)
	}
	return row.model(), nil
}

// maxDelegation is how long a chain of delegations IsDelegate follows (a
// colleague may send a colleague in turn).
const maxDelegation = 8

// IsDelegate reports whether fromEmail is a delegate recorded for the
// invitee attendeeEmail at meeting meetingID: fromEmail's invitation stands
// in for attendeeEmail's, directly or through colleagues who sent
// colleagues. Addresses compare case-insensitively; an address that is
// not invited, or the attendee themselves, is no delegate.
//
// Errors: EINTERNAL only.
func (s *Store) IsDelegate(ctx context.Context, meetingID int64, attendeeEmail, fromEmail string) (bool, error) {
	attendee, from := model.NormalizeEmail(attendeeEmail), model.NormalizeEmail(fromEmail)
	if attendee == "" || from == "" || attendee == from {
		return false, nil
	}
	db := s.db.WithContext(ctx)
	var row invitationRow
	err := db.Where("meeting_id = ? AND email = ?", meetingID, from).Take(&row).Error
	for range maxDelegation {
		if errNotFound(err) {
			return false, nil
		} else if err != nil {
			return false, internal("read invitation", err)
		}
		if row.DelegatedFromID == nil {
			return false, nil
		}
		id := *row.DelegatedFromID
		row = invitationRow{}
		if err = db.Where("meeting_id = ?", meetingID).First(&row, id).Error; err == nil && deref(row.Email) == attendee {
			return true, nil
		}
	}
	return false, nil
}

// RespondFor is Respond for an answer the secretariat records for an
// invitee (given by telephone or letter): the same precedence, audited
// "invitation.respond_for", so the log shows who recorded it (the actor)
// and for whom (the invitation).
//
// Errors: as Respond's.
func (s *Store) RespondFor(ctx context.Context, actor model.Actor, invitationID int64, r model.Response, seq int) (model.Invitation, error) {
	return s.respond(ctx, actor, "invitation.respond_for", invitationID, r, seq, time.Time{})
}

// skipNudges marks the nudges still waiting for an invitee who has now
// answered (by any path: chat, Slack, web, e-mail, the secretariat) as
// skipped, in the transaction that records the answer: nobody who has
// answered is nudged, even by a nudge queued before they did.
func skipNudges(tx *gorm.DB, inv model.Invitation) error {
	if inv.Response == model.ResponseNone {
		return nil
	}
	err := tx.Model(&outboxRow{}).
		Where("invitation_id = ? AND kind = ? AND status = ?", inv.ID, model.KindNudge, model.OutboxPending).
		Updates(map[string]any{"status": model.OutboxSkipped, "last_error": msgNudgeAnswered}).Error
	if err != nil {
		return internal("skip nudges", err)
	}
	return nil
}

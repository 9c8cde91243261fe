package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"focalbot/i18n"
	"math/big"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

// EmailChangeTTL is how long the code of a change of e-mail address works.
const EmailChangeTTL = 24 * time.Hour

// EmailChangeAttempts is how many wrong codes cancel a change of e-mail
// address.
const EmailChangeAttempts = 5

type emailChangeRow struct {
	PersonID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Email     string
	CodeHash  string
	Attempts  int
	ExpiresAt time.Time
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (emailChangeRow) TableName() string { return "email_changes" }

// codeHash is what is stored of a code: it confirms one address for one
// person.
func codeHash(personID int64, email, code string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(personID, 10) + "\x00" + email + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// newCode is a random code of six digits, easy to type.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("make code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// RequestEmailChange records that the person with the given ID asks to make
// email their e-mail address, with a new random code that works for
// EmailChangeTTL; it replaces any change they asked for before. Only the
// code's hash is kept. When no one on the roster has the address, it queues
// the messages plan returns for the person with their new address and the
// code, in the same transaction. When someone has it, it queues nothing and
// records a change that no code confirms: the caller cannot tell the two
// cases apart, neither now nor when trying a code, so nobody learns through
// it which addresses are on the roster.
//
// Errors: EINVALID for an address that is not valid (nothing is written);
// ENOTFOUND when there is no such person; EINTERNAL otherwise.
func (s *Store) RequestEmailChange(ctx context.Context, id int64, email string, plan func(p model.Person, code string) []model.OutboxItem) error {
	email = model.NormalizeEmail(email)
	if err := model.ValidateEmail(email); err != nil {
		return err
	}
	return s.transaction(ctx, func(tx *gorm.DB) error {
		var r personRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&r, id).Error
		if errNotFound(err) {
			return notFoundID(id)
		} else if err != nil {
			return internal("load person", err)
		}
		code, err := newCode()
		if err != nil {
			return err
		}
		_, err = s.personWhere(tx, "email", email)
		taken := err == nil
		if err != nil && !errNotFound(err) {
			return err
		}
		hash := codeHash(id, email, code)
		if taken {
			// A hash of no code: what is typed is wrong, as it would be
			// for a free address with a wrong code.
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return fmt.Errorf("make code: %w", err)
			}
			hash = hex.EncodeToString(b)
		}
		now := s.now()
		row := emailChangeRow{PersonID: id, Email: email, CodeHash: hash, ExpiresAt: now.Add(EmailChangeTTL), CreatedAt: now}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "person_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"email", "code_hash", "attempts", "expires_at", "created_at"})}).Create(&row).Error; err != nil {
			return internal("write e-mail change", err)
		}
		if taken {
			return nil
		}
		p := r.model()
		p.Email = email
		_, err = s.enqueue(tx, plan(p, code))
		return err
	})
}

// ConfirmEmailChange applies the change of e-mail address that the person
// with the given ID asked for, if code is its code and it has not expired:
// the person is updated, audited as "person.update", and the change is
// done with. Whether someone else has the address is checked again, in the
// same transaction. A wrong code counts; EmailChangeAttempts of them cancel
// the change. Spaces in code are ignored.
//
// Errors: EINVALID when no change is waiting, the code is wrong (the change
// stays, one attempt fewer) or too often wrong (the change is cancelled),
// or the change has expired (it is cancelled); ECONFLICT when someone else
// has had the address since it was asked for (the change is cancelled);
// ENOTFOUND when there is no such person; EINTERNAL otherwise. On any error
// the person is unchanged.
func (s *Store) ConfirmEmailChange(ctx context.Context, actor model.Actor, id int64, code string) (model.Person, error) {
	code = strings.Join(strings.Fields(code), "")
	var (
		out     model.Person
		refusal error // a refusal whose bookkeeping is committed
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var r personRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&r, id).Error
		if errNotFound(err) {
			return notFoundID(id)
		} else if err != nil {
			return internal("load person", err)
		}
		var ch emailChangeRow
		err = tx.Where("person_id = ?", id).First(&ch).Error
		if errNotFound(err) {
			return model.Errorf(model.EINVALID, msgNoEmailChange)
		} else if err != nil {
			return internal("read e-mail change", err)
		}
		cancel := func(why error) error {
			if err := tx.Delete(&emailChangeRow{}, "person_id = ?", id).Error; err != nil {
				return internal("cancel e-mail change", err)
			}
			refusal = why
			return nil
		}
		if !s.now().Before(ch.ExpiresAt) {
			return cancel(model.Errorf(model.EINVALID, msgEmailChangeExpired))
		}
		if subtle.ConstantTimeCompare([]byte(codeHash(id, ch.Email, code)), []byte(ch.CodeHash)) != 1 {
			ch.Attempts++
			if ch.Attempts >= EmailChangeAttempts {
				return cancel(model.Errorf(model.EINVALID, msgEmailCodeTooOften, EmailChangeAttempts))
			}
			if err := tx.Model(&emailChangeRow{}).Where("person_id = ?", id).Update("attempts", ch.Attempts).Error; err != nil {
				return internal("count e-mail code attempt", err)
			}
			refusal = model.Errorf(model.EINVALID, msgEmailCodeWrong, EmailChangeAttempts-ch.Attempts)
			return nil
		}
		if other, err := s.personWhere(tx, "email", ch.Email); err == nil && other.ID != id {
			return cancel(model.Errorf(model.ECONFLICT, msgEmailTakenSince, ch.Email))
		} else if err != nil && !errNotFound(err) {
			return err
		}
		before := r.model()
		after := before
		after.Email = ch.Email
		if err := prepare(&after); err != nil {
			return err
		}
		if _, err := s.updatePerson(tx, actor, before, &after); err != nil {
			return err
		}
		if err := tx.Delete(&emailChangeRow{}, "person_id = ?", id).Error; err != nil {
			return internal("finish e-mail change", err)
		}
		out = after
		return nil
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return model.Person{}, err
	}
	return out, nil
}

// What ConfirmEmailChange answers when it refuses.
const (
	msgNoEmailChange      = "No change of e-mail address is waiting for a code: type me set email <address> first."
	msgEmailChangeExpired = "That change of e-mail address has expired: type me set email <address> again for a new code."
	msgEmailCodeWrong     = "That code is not the one sent; check it and try again (%d tries left)."
	msgEmailCodeTooOften  = "That code is not the one sent, %d times now, so the change of e-mail address is cancelled: type me set email <address> again for a new code."
	msgEmailTakenSince    = "%s has been given to someone else on the roster since you asked; your profile is unchanged. If the address is yours, ask the secretariat."
)

// The refusal above that counts, with its text for a count of one, for
// every language that has no translation of its own (see bot's catalog).
func init() {
	i18n.RegisterPlurals(i18n.Plural{Key: msgEmailCodeWrong, Arg: 1, One: "That code is not the one sent; check it and try again (%d try left)."})
}

package storage

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"focalbot/model"
)

type feedTokenRow struct {
	PersonID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Token     string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (feedTokenRow) TableName() string { return "feed_tokens" }

// FeedToken returns the secret token of a person's calendar feed, making one
// the first time. With reset it makes a new one, and the old link stops
// working at once (audited as "feed.reset").
//
// Errors: ENOTFOUND for an unknown person; EINTERNAL.
func (s *Store) FeedToken(ctx context.Context, actor model.Actor, personID int64, reset bool) (string, error) {
	var token string
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var p personRow
		if err := tx.First(&p, personID).Error; errNotFound(err) {
			return notFoundID(personID)
		} else if err != nil {
			return internal("read person", err)
		}
		var row feedTokenRow
		err := tx.Where("person_id = ?", personID).First(&row).Error
		switch {
		case err == nil && !reset:
			token = row.Token
			return nil
		case err != nil && !errNotFound(err):
			return internal("read feed token", err)
		}
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("make feed token: %w", err)
		}
		token = base64.RawURLEncoding.EncodeToString(b)
		row = feedTokenRow{PersonID: personID, Token: token, CreatedAt: s.now()}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "person_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"token", "created_at"})}).Create(&row).Error; err != nil {
			return internal("write feed token", err)
		}
		if reset {
			return s.audit(tx, actor, "feed.reset", personSubject(personID), p.Country, "", "")
		}
		return nil
	})
	return token, err
}

// PersonByFeedToken finds whose feed a token opens.
//
// Errors: ENOTFOUND for an unknown or revoked token; EINTERNAL.
func (s *Store) PersonByFeedToken(ctx context.Context, token string) (model.Person, error) {
	var row feedTokenRow
	err := s.db.WithContext(ctx).Where("token = ?", token).First(&row).Error
	if errNotFound(err) || err == nil && subtle.ConstantTimeCompare([]byte(row.Token), []byte(token)) != 1 {
		return model.Person{}, model.Errorf(model.ENOTFOUND, "No calendar feed has that link.")
	} else if err != nil {
		return model.Person{}, internal("read feed token", err)
	}
	return s.Person(ctx, row.PersonID)
}

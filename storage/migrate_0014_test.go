package storage

import (
	"sync"
	"testing"

	"focalbot/model"
)

// TestMigration0014MailRefs: e-mail queued before migration 0014 gets the
// Message-ID reference a bounce names, so a bounce of it is matched; other
// channels get none. Its rollback leaves the outbox as it was.
func TestMigration0014MailRefs(t *testing.T) {
	beforeMigration(t, "0013_email_changes", func(t *testing.T, s *Store) {
		for _, q := range []string{
			`INSERT INTO outbox (key, channel, kind, meeting_id, invitation_id, recipient, status, due_at, next_attempt_at, attempts, last_error, claimed_by, created_at)
			 VALUES ('meeting:1/invitation:1/email/request/seq:0', 'email', 'request', 1, 1, 'a@b.example', 'sent', ?, ?, 1, '', '', ?)`,
			`INSERT INTO outbox (key, channel, kind, meeting_id, invitation_id, recipient, status, due_at, next_attempt_at, attempts, last_error, claimed_by, created_at)
			 VALUES ('meeting:1/invitation:1/slack/request/seq:0', 'slack', 'request', 1, 1, 'U1', 'sent', ?, ?, 1, '', '', ?)`,
		} {
			if err := s.db.Exec(q, s.now(), s.now(), s.now()).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := migrator(s.db, migrations()).Migrate(); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		it, err := s.OutboxByMailRef(t.Context(), model.MailRef("meeting:1/invitation:1/email/request/seq:0"))
		if err != nil || it.Recipient != "a@b.example" {
			t.Fatalf("the e-mail queued before, by its reference: %+v, %v", it, err)
		}
		if _, err := s.OutboxByMailRef(t.Context(), model.MailRef("meeting:1/invitation:1/slack/request/seq:0")); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a Slack message by reference: %v", err)
		}
		if err := migrator(s.db, migrations()).RollbackTo("0013_email_changes"); err != nil {
			t.Fatalf("roll back 0014: %v", err)
		}
		var n int
		if err := s.db.Raw("SELECT count(*) FROM outbox").Scan(&n).Error; err != nil || n != 2 {
			t.Errorf("%d outbox rows after the rollback, %v; want 2", n, err)
		}
	})
}

// TestRecordMailOnce: the same message delivered twice at once, or again
// under another Message-ID with the same bytes, is recorded once.
func TestRecordMailOnce(t *testing.T) {
	beforeMigration(t, "0020_inbound_mail_msgs", func(t *testing.T, s *Store) {
		m := model.InboundMail{MessageID: "a@b.example", Hash: "h1", From: "x@y.example\x00", Subject: "Accepted\xff", Via: model.ViaPipe}
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			fresh int
			ids   = map[int64]bool{}
		)
		for range 4 {
			wg.Go(func() {
				rec, isNew, err := s.RecordMail(t.Context(), m)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				ids[rec.ID] = true
				if isNew {
					fresh++
				}
			})
		}
		wg.Wait()
		if fresh != 1 || len(ids) != 1 {
			t.Fatalf("4 deliveries at once: %d recorded as new, %d records", fresh, len(ids))
		}
		other := m
		other.MessageID = "another@b.example"
		if _, isNew, err := s.RecordMail(t.Context(), other); err != nil || isNew {
			t.Fatalf("the same bytes under another Message-ID: new %v, %v", isNew, err)
		}
		third := m
		third.Hash = "h2"
		if _, isNew, err := s.RecordMail(t.Context(), third); err != nil || isNew {
			t.Fatalf("the same Message-ID with other bytes: new %v, %v", isNew, err)
		}
		mails, err := s.Mails(t.Context(), model.MailFilter{})
		if err != nil || len(mails) != 1 || mails[0].Status != model.MailReceived {
			t.Fatalf("recorded: %+v, %v", mails, err)
		}
	})
}

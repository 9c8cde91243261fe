package storage

import (
	"testing"

	"focalbot/model"
)

// TestMigration0020MailSentences: mail recorded before migration 0020 keeps
// its text and has no sentence (inbox shows the text); mail finished after
// it keeps its sentences, format and arguments, as they were. Its rollback
// keeps the records and their text.
func TestMigration0020MailSentences(t *testing.T) {
	beforeMigration(t, "0019_people_country_index", func(t *testing.T, s *Store) {
		if err := s.db.Exec(`INSERT INTO inbound_mail (message_id, hash, from_addr, subject, received_at, via, size, kind, meeting_id, status, did, reason)
			VALUES ('old@b.example', 'h-old', 'x@y.example', 'Accepted', ?, 'pipe', 10, 'reply', 0, 'refused', 'nothing', 'no meeting has the calendar UID "u1"')`, s.now()).Error; err != nil {
			t.Fatal(err)
		}
		if err := migrator(s.db, migrations()).Migrate(); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		mails, err := s.Mails(t.Context(), model.MailFilter{})
		if err != nil || len(mails) != 1 {
			t.Fatalf("mail after the migration: %+v, %v", mails, err)
		}
		if old := mails[0]; old.Reason != `no meeting has the calendar UID "u1"` || !old.ReasonMsg.IsZero() || !old.DidMsg.IsZero() {
			t.Errorf("the old mail: reason %q, sentences %+v %+v; want its text and no sentence", old.Reason, old.DidMsg, old.ReasonMsg)
		}

		rec, isNew, err := s.RecordMail(t.Context(), model.InboundMail{MessageID: "new@b.example", Hash: "h-new", From: "x@y.example", Via: model.ViaIMAP})
		if err != nil || !isNew {
			t.Fatalf("record: %v, new %v", err, isNew)
		}
		rec.Status, rec.Kind = model.MailRefused, "reply"
		rec.DidMsg = model.NewMsg("nothing")
		rec.ReasonMsg = model.NewMsg("stale: %s answered %s to SEQUENCE %d of meeting %d, but the answer %s to SEQUENCE %d, or a later one, is recorded and stands",
			"a@b.example\x00", model.Word("accepted"), 1, int64(7), model.Word("declined"), 2)
		rec.Did, rec.Reason = rec.DidMsg.String(), rec.ReasonMsg.String()
		if err := s.FinishMail(t.Context(), rec); err != nil {
			t.Fatal(err)
		}
		mails, err = s.Mails(t.Context(), model.MailFilter{Statuses: []model.MailStatus{model.MailRefused}, Latest: 1})
		if err != nil || len(mails) != 1 {
			t.Fatalf("mail: %+v, %v", mails, err)
		}
		got, want := mails[0], text(rec.Reason) // its NUL made U+FFFD, in the text and in the sentence
		if got.ID != rec.ID || got.Reason != want || got.ReasonMsg.String() != want || got.DidMsg.String() != "nothing" || !got.ReasonMsg.Args[1].Word {
			t.Errorf("read back: %+v (%q); want the sentence of %q", got.ReasonMsg, got.ReasonMsg.String(), want)
		}

		if err := migrator(s.db, migrations()).RollbackTo("0019_people_country_index"); err != nil {
			t.Fatalf("roll back 0020: %v", err)
		}
		var reasons []string
		if err := s.db.Raw("SELECT reason FROM inbound_mail ORDER BY id").Scan(&reasons).Error; err != nil || len(reasons) != 2 || reasons[1] != want {
			t.Errorf("after the rollback: %q, %v; want both mails with their text", reasons, err)
		}
	})
}

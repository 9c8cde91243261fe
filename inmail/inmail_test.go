package inmail_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// TestReplyAnswersOnceAsRsvpWould: a REPLY records the attendee's answer,
// audited as by e-mail; the same message again does nothing twice.
func TestReplyAnswersOnceAsRsvpWould(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		raw := reply("Mette.Jensen@UM.example.dk", "mette.jensen@um.example.dk", "ACCEPTED", 0, now.Add(-time.Hour), "r1@um.example.dk")
		out := f.ingest(t, raw)
		if out.Mail.Status != model.MailHandled || out.Repeat || out.Mail.MeetingID != f.meeting.ID {
			t.Fatalf("outcome %+v", out)
		}
		if inv := f.answerOf(t, "mette.jensen@um.example.dk"); inv.Response != model.ResponseYes {
			t.Fatalf("answer %q", inv.Response)
		}
		entries, err := s.Audit(context.Background(), model.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var audited int
		for _, e := range entries {
			if e.Action == "invitation.respond" {
				audited++
				if !strings.Contains(e.Actor, "by e-mail") {
					t.Errorf("audit actor %q does not say by e-mail", e.Actor)
				}
			}
		}
		if audited != 1 {
			t.Fatalf("%d answers audited, want 1", audited)
		}
		again := f.ingest(t, raw)
		if !again.Repeat || again.Mail.ID != out.Mail.ID {
			t.Fatalf("the same message again: %+v", again)
		}
		entries, _ = s.Audit(context.Background(), model.AuditFilter{})
		var n int
		for _, e := range entries {
			if e.Action == "invitation.respond" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("after a repeat, %d answers audited, want 1", n)
		}
	})
}

// TestRealClientsReplies: a reply as each client sends it records that
// attendee's answer, as rsvp would, and nobody else's.
func TestRealClientsReplies(t *testing.T) {
	cases := []struct {
		file, who string
		want      model.Response
	}{
		{"outlook-accept.eml", "mette.jensen@um.example.dk", model.ResponseYes},
		{"gmail-decline.eml", "kwame.asante.gh@gmail.com", model.ResponseNo},
		{"apple-tentative.eml", "ana.ruiz@rree.example.cr", model.ResponseMaybe},
		{"thunderbird-accept.eml", "jiwon.kim@mofa.example.kr", model.ResponseYes},
		{"latin1-nested.eml", "helene.dubois@diplomatie.example.fr", model.ResponseYes},
		{"forwarded-by-secretariat.eml", "ana.ruiz@rree.example.cr", model.ResponseNo},
	}
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		for _, c := range cases {
			t.Run(c.file, func(t *testing.T) {
				out := f.ingest(t, eml(t, c.file))
				if out.Mail.Status != model.MailHandled || out.Mail.Kind != "reply" {
					t.Fatalf("status %s (%s): %s", out.Mail.Status, out.Mail.Kind, out.Mail.Reason)
				}
				if inv := f.answerOf(t, c.who); inv.Response != c.want {
					t.Fatalf("%s's answer is %q, want %q", c.who, inv.Response, c.want)
				}
			})
		}
		answered := 0
		for _, p := range invitees {
			if f.answerOf(t, p.Email).Response != model.ResponseNone {
				answered++
			}
		}
		if answered != 5 {
			t.Fatalf("%d of the invitees have an answer, want all 5", answered)
		}
	})
}

// TestWhatChangesNothing: bad input of every kind, a stranger, a stale or
// automatic reply changes no answer, and the record says why.
func TestWhatChangesNothing(t *testing.T) {
	mette := "mette.jensen@um.example.dk"
	cases := []struct {
		name   string
		raw    func(t *testing.T) []byte
		status model.MailStatus
		reason string
	}{
		{"a header that cannot be read", func(t *testing.T) []byte { return eml(t, "broken-header.eml") }, model.MailRefused, "cannot be read"},
		{"a multipart never closed, its base64 broken", func(t *testing.T) []byte { return eml(t, "broken-multipart.eml") }, model.MailRefused, "calendar"},
		{"a malformed calendar", func(t *testing.T) []byte { return eml(t, "malformed-calendar.eml") }, model.MailRefused, "calendar cannot be read"},
		{"a stranger answering for the attendee", func(t *testing.T) []byte {
			return reply("eve@attacker.example.net", mette, "DECLINED", 0, now.Add(-time.Minute), "eve-1@attacker.example.net")
		}, model.MailRefused, "neither the attendee"},
		{"a reply forwarded by a stranger", func(t *testing.T) []byte { return eml(t, "forwarded-by-stranger.eml") }, model.MailRefused, "not of the secretariat"},
		{"someone not invited", func(t *testing.T) []byte {
			return reply("eve@attacker.example.net", "eve@attacker.example.net", "ACCEPTED", 0, now, "eve-2@attacker.example.net")
		}, model.MailRefused, "was not invited"},
		{"an unknown UID", func(t *testing.T) []byte {
			return []byte(strings.Replace(string(reply(mette, mette, "DECLINED", 0, now, "u-1@um.example.dk")), testUID, "no-such@elsewhere.example", 1))
		}, model.MailRefused, "no meeting has the calendar UID"},
		{"a SEQUENCE the meeting never had", func(t *testing.T) []byte {
			return reply(mette, mette, "DECLINED", 7, now, "s-7@um.example.dk")
		}, model.MailRefused, "at SEQUENCE 0"},
		{"an out-of-office reply", func(t *testing.T) []byte { return eml(t, "out-of-office.eml") }, model.MailIgnored, "Auto-Submitted: auto-replied"},
		{"X-Autoreply", func(t *testing.T) []byte { return eml(t, "x-autoreply.eml") }, model.MailIgnored, "X-Autoreply"},
		{"a mail without a calendar", func(t *testing.T) []byte {
			return []byte("From: <" + mette + ">\r\nSubject: Hello\r\nMessage-ID: <hello@um.example.dk>\r\n\r\nSee you there.\r\n")
		}, model.MailIgnored, "no calendar"},
		{"DMARC failed: held", func(t *testing.T) []byte { return eml(t, "dmarc-fail.eml") }, model.MailHeld, "DMARC failed for um.example.dk"},
		{"DKIM and SPF failed: held", func(t *testing.T) []byte { return eml(t, "dkim-spf-fail.eml") }, model.MailHeld, "both DKIM and SPF failed"},
	}
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				out := f.ingest(t, c.raw(t))
				if out.Mail.Status != c.status || !strings.Contains(out.Mail.Reason, c.reason) {
					t.Fatalf("status %s, reason %q; want %s saying %q", out.Mail.Status, out.Mail.Reason, c.status, c.reason)
				}
				for _, p := range invitees {
					if inv := f.answerOf(t, p.Email); inv.Response != model.ResponseNone {
						t.Fatalf("%s now has the answer %q", p.Email, inv.Response)
					}
				}
			})
		}
		// Held replies, and only those, told the secretariat.
		held := 0
		for _, n := range f.notices(t) {
			if strings.Contains(n.Payload, "was held") {
				held++
			}
		}
		if held != 2 {
			t.Errorf("%d notices of held replies, want 2", held)
		}
		// Every message is in the inbox with its reason.
		mails, err := f.svc.Inbox(context.Background(), f.sec, 0)
		if err != nil || len(mails) != len(cases) {
			t.Fatalf("inbox: %d messages, %v; want %d", len(mails), err, len(cases))
		}
		if _, err := f.svc.Inbox(context.Background(), network.As(f.people[mette]), 0); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("a focal point read the inbox: %v", err)
		}
	})
}

// TestAnswerPrecedence: a reply to an older SEQUENCE never overwrites an
// answer to a newer one; between replies to one SEQUENCE the later DTSTAMP
// wins, whatever order they arrive in.
func TestAnswerPrecedence(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		mette := "mette.jensen@um.example.dk"
		t1, t2 := now.Add(-2*time.Hour), now.Add(-time.Hour)
		// The later decision arrives first; the earlier one, late, loses.
		if out := f.ingest(t, reply(mette, mette, "DECLINED", 0, t2, "p-2@um.example.dk")); out.Mail.Status != model.MailHandled {
			t.Fatalf("first reply: %+v", out.Mail)
		}
		out := f.ingest(t, reply(mette, mette, "ACCEPTED", 0, t1, "p-1@um.example.dk"))
		if out.Mail.Status != model.MailRefused || !strings.Contains(out.Mail.Reason, "stale") {
			t.Fatalf("an earlier DTSTAMP: %s %q", out.Mail.Status, out.Mail.Reason)
		}
		if got := f.answerOf(t, mette).Response; got != model.ResponseNo {
			t.Fatalf("after an earlier DTSTAMP arrived late, the answer is %q", got)
		}
		// The meeting moves: SEQUENCE 1. An answer to it stands against
		// a later reply to SEQUENCE 0.
		start := f.meeting.Start.Add(time.Hour)
		if _, err := f.svc.ChangeMeeting(ctx, f.sec, f.meeting.ID, network.MeetingChange{Start: &start}); err != nil {
			t.Fatal(err)
		}
		if out := f.ingest(t, reply(mette, mette, "TENTATIVE", 1, now.Add(-30*time.Minute), "p-3@um.example.dk")); out.Mail.Status != model.MailHandled {
			t.Fatalf("reply to SEQUENCE 1: %+v", out.Mail)
		}
		out = f.ingest(t, reply(mette, mette, "ACCEPTED", 0, now.Add(-time.Minute), "p-4@um.example.dk"))
		if out.Mail.Status != model.MailRefused || !strings.Contains(out.Mail.Reason, "SEQUENCE 0") {
			t.Fatalf("a reply to SEQUENCE 0: %s %q", out.Mail.Status, out.Mail.Reason)
		}
		if got := f.answerOf(t, mette).Response; got != model.ResponseMaybe {
			t.Fatalf("after a stale SEQUENCE, the answer is %q", got)
		}
		// The same bytes under another Message-ID are the same message.
		raw := reply(mette, mette, "DECLINED", 1, now.Add(-10*time.Minute), "p-5@um.example.dk")
		f.ingest(t, raw)
		if again := f.ingest(t, raw); !again.Repeat {
			t.Fatalf("the same bytes again: %+v", again.Mail)
		}
	})
}

// TestCounterRefreshAndBounce: a COUNTER tells the secretariat and changes
// nothing; a REFRESH sends the current version again; a bounce of one of
// our messages marks it failed and tells the secretariat; a delay notice
// changes nothing.
func TestCounterRefreshAndBounce(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		ctx := context.Background()

		out := f.ingest(t, eml(t, "outlook-counter.eml"))
		if out.Mail.Status != model.MailHandled || out.Mail.Kind != "counter" {
			t.Fatalf("counter: %+v", out.Mail)
		}
		if got := f.answerOf(t, "mette.jensen@um.example.dk").Response; got != model.ResponseNone {
			t.Fatalf("a COUNTER answered %q", got)
		}
		var counter bool
		for _, n := range f.notices(t) {
			counter = counter || strings.Contains(n.Payload, "proposes a new time") && strings.Contains(n.Payload, "Eastern Standard Time")
		}
		if !counter {
			t.Fatal("the secretariat was not told of the COUNTER")
		}

		before, _ := s.Outbox(ctx, model.OutboxFilter{MeetingID: f.meeting.ID})
		out = f.ingest(t, eml(t, "refresh.eml"))
		if out.Mail.Status != model.MailHandled || out.Mail.Kind != "refresh" {
			t.Fatalf("refresh: %+v", out.Mail)
		}
		after, _ := s.Outbox(ctx, model.OutboxFilter{MeetingID: f.meeting.ID})
		if len(after) != len(before)+1 {
			t.Fatalf("a REFRESH queued %d messages, want 1", len(after)-len(before))
		}
		var refreshed model.OutboxItem
		for _, it := range after {
			if strings.Contains(it.Key, "/refresh:") {
				refreshed = it
			}
		}
		if refreshed.Recipient != "ana.ruiz@rree.example.cr" || refreshed.Kind != model.KindRequest {
			t.Fatalf("the REFRESH queued %+v", refreshed)
		}

		// Our invitation to Ji-won bounces; the secretariat has a French member now.
		claire := model.Person{Name: "Claire Martin", Email: "claire.martin@globalcentre.example.org", Role: model.RoleSecretariat,
			Status: model.StatusActive, Language: "fr"}
		if err := s.CreatePerson(ctx, model.System, &claire); err != nil {
			t.Fatal(err)
		}
		var invitation model.OutboxItem
		for _, it := range before {
			if it.Recipient == "jiwon.kim@mofa.example.kr" && it.Kind == model.KindRequest {
				invitation = it
			}
		}
		if err := s.MarkSent(ctx, now, invitation.ID); err != nil {
			t.Fatal(err)
		}
		msgID := model.MailRef(invitation.Key) + "@globalcentre.example.org"
		delayed := f.ingest(t, eml(t, "delayed.eml", "MESSAGE_ID", msgID, "RECIPIENT", invitation.Recipient))
		if delayed.Mail.Status != model.MailIgnored {
			t.Fatalf("a delay notice: %+v", delayed.Mail)
		}
		out = f.ingest(t, eml(t, "postfix-bounce.eml", "MESSAGE_ID", msgID, "RECIPIENT", invitation.Recipient))
		if out.Mail.Status != model.MailHandled || out.Mail.Kind != "bounce" {
			t.Fatalf("bounce: %+v", out.Mail)
		}
		items, _ := s.Outbox(ctx, model.OutboxFilter{MeetingID: f.meeting.ID, Statuses: []model.OutboxStatus{model.OutboxFailed}})
		if len(items) != 1 || items[0].ID != invitation.ID || !strings.Contains(items[0].LastError, "5.1.1") {
			t.Fatalf("failed after the bounce: %+v", items)
		}
		var told bool
		for _, n := range f.notices(t) {
			told = told || strings.Contains(n.Payload, "could not be delivered") && strings.Contains(n.Payload, invitation.Recipient)
		}
		if !told {
			t.Fatal("the secretariat was not told of the bounce")
		}
		// Told to Claire, in French, the reason in it too.
		all, _ := s.Outbox(ctx, model.OutboxFilter{})
		var toClaire string
		for _, it := range all {
			if it.Recipient == claire.Email && strings.Contains(it.Key, "/bounce") {
				p, err := delivery.Decode(it)
				if err != nil {
					t.Fatal(err)
				}
				toClaire = p.Text
			}
		}
		if !strings.Contains(toClaire, "n'a pas pu être remis") || !strings.Contains(toClaire, "non remis : 5.1.1") {
			t.Errorf("the bounce told to Claire: %q; want it in French", toClaire)
		}
		// A bounce of a message that is not ours changes nothing.
		raw := strings.Replace(string(eml(t, "postfix-bounce.eml", "MESSAGE_ID", "0123abcd@elsewhere.example", "RECIPIENT", "x@y.example")),
			"20300601080500.1A2B3C4D5E@", "20300601080600.9F8E7D6C5B@", 1)
		other := f.ingest(t, []byte(raw))
		if other.Repeat || other.Mail.Status != model.MailIgnored || !strings.Contains(other.Mail.Reason, "not a message of ours") {
			t.Fatalf("a bounce not ours: %+v", other.Mail)
		}
	})
}

// TestFinishesAMessageCutShort: a message recorded but not finished (the
// process died before its effect was committed, and the mail server got no
// exit 0) is done when it comes again, once.
func TestFinishesAMessageCutShort(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		raw := eml(t, "outlook-accept.eml")
		sum := sha256.Sum256(raw)
		first, isNew, err := s.RecordMail(context.Background(), model.InboundMail{
			MessageID: "DB9PR07MB1234ABCD5678@DB9PR07MB1234.eurprd07.prod.outlook.example", Hash: hex.EncodeToString(sum[:]),
			Size: len(raw), Via: model.ViaPipe, ReceivedAt: now})
		if err != nil || !isNew {
			t.Fatalf("record: %v, new %v", err, isNew)
		}
		out := f.ingest(t, raw)
		if out.Repeat || out.Mail.ID != first.ID || out.Mail.Status != model.MailHandled {
			t.Fatalf("the message again after a crash: %+v", out)
		}
		if got := f.answerOf(t, "mette.jensen@um.example.dk").Response; got != model.ResponseYes {
			t.Fatalf("answer %q", got)
		}
		if again := f.ingest(t, raw); !again.Repeat {
			t.Fatalf("once finished, the message again: %+v", again)
		}
	})
}

// TestDelegatedReply: a REPLY with PARTSTAT=DELEGATED (after RFC 5546
// §4.2.5, as Outlook sends it) sends the colleague named in DELEGATED-TO
// instead, through the service the delegate command uses; the colleague's
// own reply then counts, and a reply the colleague sends for the focal
// point is trusted as a recorded delegate's.
func TestDelegatedReply(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(now), func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		out := f.ingest(t, eml(t, "outlook-delegate.eml"))
		if out.Mail.Status != model.MailHandled || !strings.Contains(out.Mail.Did, "lars.nielsen@um.example.dk instead") {
			t.Fatalf("outcome %+v", out.Mail)
		}
		mette, lars := f.answerOf(t, "mette.jensen@um.example.dk"), f.answerOf(t, "lars.nielsen@um.example.dk")
		if mette.Response != model.ResponseDelegate || mette.DelegatedTo != lars.ID || lars.DelegatedFrom != mette.ID || lars.Name != "Lars Nielsen" {
			t.Fatalf("after the delegation: %+v / %+v", mette, lars)
		}
		out = f.ingest(t, reply("lars.nielsen@um.example.dk", "lars.nielsen@um.example.dk", "ACCEPTED", 0, now.Add(-time.Minute), "lars-1@um.example.dk"))
		if out.Mail.Status != model.MailHandled || f.answerOf(t, "lars.nielsen@um.example.dk").Response != model.ResponseYes {
			t.Fatalf("the colleague's own reply: %+v", out.Mail)
		}
		if got := model.CountryAnswers(mustInvitations(t, f))["DK"]; got != model.ResponseYes {
			t.Fatalf("Denmark's answer is %q, want yes", got)
		}
		// A DELEGATED reply that names nobody changes nothing.
		bad := strings.Replace(string(eml(t, "outlook-delegate.eml")), `DELEGATED-TO="MAILTO:Lars.Nielsen@UM.example.dk";`, "", 1)
		bad = strings.Replace(bad, "DELEGATE01@", "DELEGATE02@", 1)
		if out := f.ingest(t, []byte(bad)); out.Mail.Status != model.MailRefused || !strings.Contains(out.Mail.Reason, "DELEGATED-TO") {
			t.Fatalf("a delegation to nobody: %+v", out.Mail)
		}
	})
}

func mustInvitations(t *testing.T, f *fixture) []model.Invitation {
	t.Helper()
	invs, err := f.store.Invitations(context.Background(), f.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	return invs
}

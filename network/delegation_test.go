package network_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
	gomail "github.com/emersion/go-message/mail"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// sentMail is one message the recorder was handed.
type sentMail struct {
	to  string
	raw []byte
}

// mailRecorder keeps the messages delivery.Email composes, to read back.
type mailRecorder struct{ sent []sentMail }

func (r *mailRecorder) Send(_ context.Context, _ string, to []string, msg []byte) error {
	r.sent = append(r.sent, sentMail{to: to[0], raw: msg})
	return nil
}

// render composes the e-mail of outbox item it, as the dispatcher would,
// and returns its plain text and its calendar's first VEVENT.
func render(t *testing.T, it model.OutboxItem) (string, *ical.Component) {
	t.Helper()
	p, err := delivery.Decode(it)
	if err != nil {
		t.Fatal(err)
	}
	rec := &mailRecorder{}
	if err := (&delivery.Email{Mail: rec, Clock: clock.Fixed(meetingsNow)}).Send(context.Background(), it, p); err != nil {
		t.Fatalf("render %s: %v", it.Key, err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(rec.sent[0].raw))
	if err != nil {
		t.Fatal(err)
	}
	var text string
	var ev *ical.Component
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(part.Body)
		ct := part.Header.Get("Content-Type")
		switch {
		case strings.HasPrefix(ct, "text/plain"):
			text = string(body)
		case strings.HasPrefix(ct, "text/calendar") && ev == nil:
			if dec, err := base64.StdEncoding.DecodeString(string(body)); err == nil {
				body = dec
			}
			cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
			if err != nil {
				t.Fatalf("the calendar of %s does not parse: %v\n%s", it.Key, err, body)
			}
			for _, c := range cal.Children {
				if c.Name == ical.CompEvent {
					ev = c
				}
			}
		}
	}
	if ev == nil {
		t.Fatalf("%s has no calendar", it.Key)
	}
	return text, ev
}

// attendee is the ATTENDEE of ev with that address, or nil.
func attendee(ev *ical.Component, email string) *ical.Prop {
	for _, a := range ev.Props.Values(ical.PropAttendee) {
		if strings.EqualFold(strings.TrimPrefix(strings.ToLower(a.Value), "mailto:"), email) {
			return &a
		}
	}
	return nil
}

// itemsTo are the meeting's outbox items to recipient, oldest first.
func (f *meetingsFixture) itemsTo(t *testing.T, id int64, recipient string) []model.OutboxItem {
	t.Helper()
	var out []model.OutboxItem
	for _, it := range f.outbox(t, id) {
		if it.Recipient == recipient {
			out = append(out, it)
		}
	}
	return out
}

func (f *meetingsFixture) invitation(t *testing.T, id int64, email string) model.Invitation {
	t.Helper()
	invs, err := f.store.Invitations(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Email == email {
			return inv
		}
	}
	t.Fatalf("no invitation of %s to meeting %d", email, id)
	return model.Invitation{}
}

func TestDelegateSendsAColleagueWhoAnswersForTheCountry(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		f.withOrganiser(s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH", "DK"}}); err != nil {
			t.Fatal(err)
		}
		const ama = "ama.owusu@mfa.gh.example.org"
		kofi := f.gh.Person.Email

		// Bad input of every kind changes nothing.
		before, _ := f.store.Invitations(ctx, m.ID)
		for _, c := range []struct {
			name  string
			who   network.Caller
			to    network.Delegate
			code  string
			field string
		}{
			{"a bad address", f.gh, network.Delegate{Email: "ama at mfa", Name: "Ama"}, model.EINVALID, "email"},
			{"no name", f.gh, network.Delegate{Email: ama}, model.EINVALID, "name"},
			{"a name on two lines", f.gh, network.Delegate{Email: ama, Name: "Ama\nOwusu"}, model.EINVALID, "name"},
			{"a title on two lines", f.gh, network.Delegate{Email: ama, Name: "Ama", Title: "a\r\nb"}, model.EINVALID, "title"},
			{"oneself", f.gh, network.Delegate{Email: strings.ToUpper(kofi), Name: "Kofi"}, model.EINVALID, "email"},
			{"someone not invited", network.Caller{Email: "stranger@example.org"}, network.Delegate{Email: ama, Name: "Ama"}, model.ENOTFOUND, ""},
		} {
			_, err := f.svc.Delegate(ctx, c.who, m.ID, c.to)
			if model.ErrorCode(err) != c.code || model.ErrorField(err) != c.field {
				t.Errorf("%s: %v (field %q); want %s in %q", c.name, err, model.ErrorField(err), c.code, c.field)
			}
		}
		if _, err := f.svc.Delegate(ctx, f.gh, m.ID+99, network.Delegate{Email: ama, Name: "Ama"}); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("no such meeting: %v", err)
		}
		if after, _ := f.store.Invitations(ctx, m.ID); len(after) != len(before) {
			t.Fatalf("refused delegations left %d invitations, were %d", len(after), len(before))
		}

		d, err := f.svc.Delegate(ctx, f.gh, m.ID, network.Delegate{Email: " Ama.Owusu@MFA.gh.example.org ", Name: "Ama Owusu", Title: "Director, UN Affairs"})
		if err != nil {
			t.Fatal(err)
		}
		if !d.Invited || d.Stale || d.From.Response != model.ResponseDelegate || d.From.DelegatedTo != d.To.ID ||
			d.To.DelegatedFrom != d.From.ID || d.To.Email != ama || d.To.Country != "GH" || d.To.Title != "Director, UN Affairs" ||
			d.To.Response != model.ResponseNone {
			t.Fatalf("delegated: %+v", d)
		}
		if _, err := f.svc.Delegate(ctx, f.gh, m.ID, network.Delegate{Email: "kojo@mfa.gh.example.org", Name: "Kojo"}); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("a second delegation: %v", err)
		}
		// The colleague stands in for Kofi alone: Mette cannot send her too.
		if _, err := f.svc.Delegate(ctx, f.dk, m.ID, network.Delegate{Email: ama, Name: "Ama"}); model.ErrorCode(err) != model.ECONFLICT || model.ErrorField(err) != "email" {
			t.Errorf("a colleague who stands in for someone else already: %v", err)
		}

		// The colleague's invitation names her DELEGATED-FROM Kofi, and Kofi DELEGATED-TO her.
		items := f.itemsTo(t, m.ID, ama)
		if len(items) != 1 || items[0].Kind != model.KindRequest {
			t.Fatalf("the colleague was sent %+v", items)
		}
		text, ev := render(t, items[0])
		a, k := attendee(ev, ama), attendee(ev, kofi)
		if a == nil || k == nil {
			t.Fatalf("the delegate's invitation lacks an attendee: %v", ev.Props.Values(ical.PropAttendee))
		}
		if a.Params.Get(ical.ParamParticipationStatus) != "NEEDS-ACTION" || a.Params.Get(ical.ParamRSVP) != "TRUE" ||
			!strings.EqualFold(a.Params.Get(ical.ParamDelegatedFrom), "mailto:"+kofi) {
			t.Errorf("the delegate's ATTENDEE: %v", a.Params)
		}
		if k.Params.Get(ical.ParamParticipationStatus) != "DELEGATED" || !strings.EqualFold(k.Params.Get(ical.ParamDelegatedTo), "mailto:"+ama) {
			t.Errorf("the focal point's ATTENDEE: %v", k.Params)
		}
		if !strings.Contains(text, "Kofi Mensah sends you in their place: your answer counts for your country.") {
			t.Errorf("the delegate's mail does not say who sent her:\n%s", text)
		}
		// Kofi's calendar is told too, at the same SEQUENCE: he delegated to her.
		mine := f.itemsTo(t, m.ID, kofi)
		text, ev = render(t, mine[len(mine)-1])
		if k := attendee(ev, kofi); len(mine) != 2 || k == nil || k.Params.Get(ical.ParamParticipationStatus) != "DELEGATED" ||
			ev.Props.Get(ical.PropSequence).Value != "0" || attendee(ev, ama) == nil || !strings.Contains(text, "You sent Ama Owusu in your place: their answer counts for your country.") {
			t.Errorf("Kofi's calendar after he sent Ama (%d messages):\n%s\n%v", len(mine), text, ev.Props.Values(ical.PropAttendee))
		}

		// The recorded delegate, and only she, may answer for Kofi by mail.
		for _, c := range []struct {
			attendee, from string
			want           bool
		}{{kofi, ama, true}, {strings.ToUpper(kofi), "AMA.OWUSU@mfa.gh.example.org", true}, {ama, kofi, false},
			{kofi, kofi, false}, {kofi, "mallory@example.org", false}, {f.dk.Person.Email, ama, false}} {
			if got, err := f.svc.IsDelegate(ctx, m.ID, c.attendee, c.from); err != nil || got != c.want {
				t.Errorf("IsDelegate(%s, %s) = %v, %v; want %v", c.attendee, c.from, got, err, c.want)
			}
		}

		// Kofi's answer shows as delegated, and the colleague's counts for Ghana.
		if got := model.CountryAnswers(mustInvitations(t, f, m.ID))["GH"]; got != model.ResponseNone {
			t.Errorf("Ghana before Ama answers: %s", got)
		}
		if _, err := f.svc.Respond(ctx, network.Caller{Email: ama}, m.ID, model.ResponseYes); err != nil {
			t.Fatal(err)
		}
		answers := model.CountryAnswers(mustInvitations(t, f, m.ID))
		if answers["GH"] != model.ResponseYes || answers["DK"] != model.ResponseNone {
			t.Errorf("countries after Ama accepted: %v", answers)
		}
		if inv := f.invitation(t, m.ID, kofi); inv.Response != model.ResponseDelegate {
			t.Errorf("Kofi's answer: %s", inv.Response)
		}
		// Kofi sent Ama: she answers now, and his calendar says so.
		if _, err := f.svc.Respond(ctx, f.gh, m.ID, model.ResponseNo); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("Kofi answering after sending Ama: %v", err)
		}
		if _, err := f.svc.RespondFor(ctx, f.sec, m.ID, *f.gh.Person, model.ResponseNo); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("the secretariat answering for Kofi after he sent Ama: %v", err)
		}
		entries, err := s.Audit(ctx, model.AuditFilter{Subject: "meeting:" + itoa(m.ID)})
		if err != nil || !hasAction(entries, "invitation.delegate") {
			t.Errorf("no invitation.delegate in the audit log: %v", err)
		}
	})
}

// TestAGuestsDelegateAnswersForThem: a guest invited without a country who
// sends a colleague is told that the colleague's answer counts as theirs,
// and the colleague that theirs counts as the guest's: no country is
// spoken of.
func TestAGuestsDelegateAnswersForThem(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		f.withOrganiser(s)
		ctx := context.Background()
		m := f.create(t, false)
		const guest, colleague = "guest@mission.example.org", "colleague@mission.example.org"
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Guest: &model.Invitation{Name: "Ana Ruiz", Email: guest}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Delegate(ctx, network.Caller{Email: guest, Label: guest}, m.ID, network.Delegate{Email: colleague, Name: "Luis Paz"}); err != nil {
			t.Fatal(err)
		}
		for to, want := range map[string]string{
			colleague: "Ana Ruiz sends you in their place: your answer counts as theirs.",
			guest:     "You sent Luis Paz in your place: their answer counts as yours.",
		} {
			items := f.itemsTo(t, m.ID, to)
			text, _ := render(t, items[len(items)-1])
			if !strings.Contains(text, want) || strings.Contains(text, "your country") {
				t.Errorf("to %s:\n%s\nwant %q", to, text, want)
			}
		}
	})
}

func TestDelegateToSomeoneInvitedAlreadyAndAStaleReply(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		f.withOrganiser(s)
		ctx := context.Background()
		m := f.create(t, false)
		alt := model.Person{Name: "Yaw Boateng", Email: "yaw@mfa.gh.example.org", Country: "GH", Role: model.RoleAlternate, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &alt); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH"}}); err != nil {
			t.Fatal(err)
		}
		// Kofi answers version 1; an iTIP REPLY delegating from version 0 arrives late.
		if _, err := f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Agenda: ptr("Work plan")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Respond(ctx, f.gh, m.ID, model.ResponseYes); err != nil {
			t.Fatal(err)
		}
		sent := len(f.outbox(t, m.ID))
		toAlt := len(f.itemsTo(t, m.ID, alt.Email))
		zero := 0
		d, err := f.svc.Delegate(ctx, f.gh, m.ID, network.Delegate{Email: alt.Email, Name: alt.Name, Sequence: &zero})
		if err != nil || !d.Stale || len(f.outbox(t, m.ID)) != sent {
			t.Fatalf("a stale delegation: %+v, %v", d, err)
		}
		if inv := f.invitation(t, m.ID, f.gh.Person.Email); inv.Response != model.ResponseYes || inv.Delegated() {
			t.Fatalf("a stale delegation changed Kofi's answer: %+v", inv)
		}
		// Sending the alternate, invited already: no second invitation.
		d, err = f.svc.Delegate(ctx, f.gh, m.ID, network.Delegate{Email: alt.Email, Name: alt.Name})
		if err != nil || d.Invited || d.To.PersonID != alt.ID || d.To.DelegatedFrom != d.From.ID {
			t.Fatalf("delegating to the invited alternate: %+v, %v", d, err)
		}
		if n := len(f.itemsTo(t, m.ID, alt.Email)); n != toAlt {
			t.Errorf("%d messages queued for an invitee invited already", n-toAlt)
		}
		if n := len(f.outbox(t, m.ID)); n != sent+1 { // Kofi's own calendar is told
			t.Errorf("%d messages queued by the delegation, want 1", n-sent)
		}
		if ok, _ := f.svc.IsDelegate(ctx, m.ID, f.gh.Person.Email, alt.Email); !ok {
			t.Error("the alternate is not a recorded delegate")
		}
	})
}

func TestRespondForRecordsWhoAndForWhom(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		f.withOrganiser(s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH"}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			who  network.Caller
			for_ model.Person
			resp model.Response
			code string
		}{
			{"a focal point", f.gh, *f.gh.Person, model.ResponseYes, model.EFORBIDDEN},
			{"someone not invited", f.sec, *f.dk.Person, model.ResponseYes, model.ENOTFOUND},
			{"a delegation", f.sec, *f.gh.Person, model.ResponseDelegate, model.EINVALID},
		} {
			if _, err := f.svc.RespondFor(ctx, c.who, m.ID, c.for_, c.resp); model.ErrorCode(err) != c.code {
				t.Errorf("%s: %v; want %s", c.name, err, c.code)
			}
		}
		if inv := f.invitation(t, m.ID, f.gh.Person.Email); inv.Response != model.ResponseNone {
			t.Fatalf("refusals changed the answer: %s", inv.Response)
		}
		a, err := f.svc.RespondFor(ctx, f.sec, m.ID, *f.gh.Person, model.ResponseMaybe)
		if err != nil || a.Invitation.Response != model.ResponseMaybe || a.Invitation.ResponseSequence != m.Sequence {
			t.Fatalf("recorded for Kofi: %+v, %v", a, err)
		}
		entries, err := s.Audit(ctx, model.AuditFilter{Subject: "meeting:" + itoa(m.ID)})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, e := range entries {
			if e.Action == "invitation.respond_for" {
				found = e.ActorID == f.sec.Person.ID && strings.Contains(e.After, "Kofi Mensah") && strings.Contains(e.After, "tentative")
			}
		}
		if !found {
			t.Errorf("the audit log does not show who recorded what for whom: %+v", entries)
		}
	})
}

func TestUpdatesAskAgainOnlyWhenTheMeetingMoves(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(meetingsNow), func(t *testing.T, s *storage.Store) {
		f := newMeetingsFixture(t, s)
		f.withOrganiser(s)
		ctx := context.Background()
		m := f.create(t, false)
		if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{Countries: []string{"GH", "DK"}}); err != nil {
			t.Fatal(err)
		}
		kofi, mette := f.gh.Person.Email, f.dk.Person.Email
		if _, err := f.svc.Respond(ctx, f.gh, m.ID, model.ResponseYes); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Respond(ctx, f.dk, m.ID, model.ResponseNo); err != nil {
			t.Fatal(err)
		}

		// A new agenda and venue keep every answer; each calendar carries its invitee's.
		ch, err := f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Agenda: ptr("Work plan"), Venue: ptr("Conference Room 7")})
		if err != nil || !ch.Announced() {
			t.Fatal(err)
		}
		for _, c := range []struct{ email, partstat string }{{kofi, "ACCEPTED"}, {mette, "DECLINED"}} {
			if inv := f.invitation(t, m.ID, c.email); inv.Response == model.ResponseNone {
				t.Errorf("%s's answer was reset by a new agenda", c.email)
			}
			items := f.itemsTo(t, m.ID, c.email)
			text, ev := render(t, items[len(items)-1])
			if got := attendee(ev, c.email).Params.Get(ical.ParamParticipationStatus); got != c.partstat {
				t.Errorf("%s's ATTENDEE in the update: PARTSTAT=%s, want %s", c.email, got, c.partstat)
			}
			if !strings.Contains(text, "Place: New York → Conference Room 7") || !strings.Contains(text, "Your answer stands") {
				t.Errorf("the update to %s does not say what changed, or that the answer stands:\n%s", c.email, text)
			}
		}

		// Moving it asks everyone again, and says so; a late reply to the old version is stale.
		oldSeq := ch.After.Sequence
		start := m.Start.Add(24 * time.Hour)
		ch, err = f.svc.ChangeMeeting(ctx, f.sec, m.ID, network.MeetingChange{Start: &start})
		if err != nil || !ch.Announced() {
			t.Fatal(err)
		}
		for _, email := range []string{kofi, mette} {
			if inv := f.invitation(t, m.ID, email); inv.Response != model.ResponseNone || inv.ResponseSequence != ch.After.Sequence {
				t.Errorf("%s after the move: %+v", email, inv)
			}
			items := f.itemsTo(t, m.ID, email)
			text, ev := render(t, items[len(items)-1])
			if got := attendee(ev, email).Params.Get(ical.ParamParticipationStatus); got != "NEEDS-ACTION" {
				t.Errorf("%s's ATTENDEE after the move: PARTSTAT=%s", email, got)
			}
			if !strings.Contains(text, "Time: Mon 1 Jul 2030, 09:00–11:00 UTC (UTC) → Tue 2 Jul 2030, 09:00–11:00 UTC (UTC)") ||
				!strings.Contains(text, "please answer again") {
				t.Errorf("the update to %s does not say the time changed and to answer again:\n%s", email, text)
			}
		}
		if a, err := f.svc.RespondTo(ctx, f.gh, m.ID, model.ResponseYes, oldSeq, time.Time{}); err != nil || !a.Stale {
			t.Errorf("a reply to the version before the move: %+v, %v", a, err)
		}
		if answers := model.CountryAnswers(mustInvitations(t, f, m.ID)); answers["GH"] != model.ResponseNone || answers["DK"] != model.ResponseNone {
			t.Errorf("countries after the move: %v", answers)
		}
	})
}

// withOrganiser has the services plan mail from the secretariat's mailbox,
// so that it can be rendered.
func (f *meetingsFixture) withOrganiser(s *storage.Store) {
	f.svc = network.New(s, clock.Fixed(meetingsNow), time.UTC, delivery.Planner{
		Organiser: delivery.Organiser{Name: "Global Centre", Email: "secretariat@gcr2p.example.org"},
		Channels:  []model.Channel{model.ChannelEmail}}, nil)
}

func mustInvitations(t *testing.T, f *meetingsFixture, id int64) []model.Invitation {
	t.Helper()
	invs, err := f.store.Invitations(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return invs
}

func hasAction(entries []model.AuditEntry, action string) bool {
	for _, e := range entries {
		if e.Action == action {
			return true
		}
	}
	return false
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

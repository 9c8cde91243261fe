package delivery_test

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/smtptest"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/storage"
)

// parts returns each leaf part's media type and body of a received message.
func parts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		ct := p.Header.Get("Content-Type")
		b, _ := io.ReadAll(p.Body)
		out[strings.SplitN(ct, ";", 2)[0]+params(ct)] = string(b)
	}
}

func params(ct string) string {
	if strings.Contains(ct, "method=") {
		return ";method=" + strings.TrimSpace(ct[strings.Index(ct, "method=")+7:])
	}
	return ""
}

// TestInvitationsByEmail sends the seed meeting's invitations to a real SMTP
// server, moves the meeting while the server is down, and checks that the
// updates arrive once it is back, each message exactly once.
func TestInvitationsByEmail(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		srv := smtptest.Start(t, smtptest.Config{RcptError: smtptest.RcptErrors})
		sender, err := mail.NewSMTP("smtp://" + srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		clk := clock.Fixed(t0)
		pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre for the Responsibility to Protect", Email: "secretariat@globalcentre.example.org"},
			Channels: []model.Channel{model.ChannelEmail}}
		d := &delivery.Dispatcher{Store: s, Clock: clk, Planner: pl, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: &delivery.Email{Mail: sender, Clock: clk}}}

		ny, _ := time.LoadLocation("America/New_York")
		m := model.Meeting{Title: "Second Meeting of the Global Network of R2P Focal Points",
			Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
			TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"AU", "CR", "DK", "GH"},
			Organiser: "Global Centre for the Responsibility to Protect", Status: model.MeetingScheduled}
		if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
			t.Fatal(err)
		}
		mette := model.Person{Name: "Mette Sørensen", Email: "mette@dk.example.org", Country: "DK", TimeZone: "Europe/Copenhagen",
			Role: model.RoleFocalPoint, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &mette); err != nil {
			t.Fatal(err)
		}
		sec := model.Person{Name: "Ruth", Email: "ruth@example.org", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &sec); err != nil {
			t.Fatal(err)
		}
		people := map[int64]*model.Person{mette.ID: &mette}
		planFor := func(kind model.OutboxKind) func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
			return func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
				return pl.Invitation(kind, m, inv, people[inv.PersonID])
			}
		}
		_, err = s.Invite(ctx, model.System, m.ID, []model.Invitation{
			{PersonID: mette.ID, Name: mette.Name, Email: mette.Email, Country: "DK"},
			{Name: "Amb. Maria Silva", Email: "maria@br.example.org", Country: "BR"},
			{Name: "Nobody", Email: "unknown@example.org"},
		}, planFor(model.KindRequest))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
		got := srv.Received()
		if len(got) != 3 { // two invitations and the failure notice to the secretariat
			t.Fatalf("server received %d messages, want 3", len(got))
		}
		var invitation []byte
		for _, msg := range got {
			if msg.To[0] == "mette@dk.example.org" {
				invitation = msg.Data
			}
		}
		ps := parts(t, invitation)
		ics := ps["text/calendar;method=REQUEST"]
		for _, want := range []string{"METHOD:REQUEST", "UID:" + m.UID, "SEQUENCE:0", "DTSTART;TZID=America/New_York:20120929T100000",
			"BEGIN:VTIMEZONE", "mailto:mette@dk.example.org", "ORGANIZER;CN=Global Centre for the Responsibility to Protect:mailto:secretariat@globalcentre.example.org"} {
			if !strings.Contains(strings.ReplaceAll(ics, "\r\n ", ""), want) {
				t.Errorf("the calendar part lacks %q:\n%s", want, ics)
			}
		}
		if strings.Contains(ics, "maria@br.example.org") {
			t.Error("an invitation shows another invitee's address")
		}
		if text := ps["text/plain"]; !strings.Contains(text, "Sat 29 Sep 2012, 10:00–17:00 EDT (America/New_York)") ||
			!strings.Contains(text, "your time: Sat 29 Sep 2012, 16:00–23:00 CEST (Europe/Copenhagen)") {
			t.Errorf("the text does not show both zones:\n%s", text)
		}

		// The server goes down; the meeting moves; nothing is lost.
		addr := srv.Addr
		srv.Close()
		_, err = s.UpdateMeeting(ctx, model.System, m.ID, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
			m.Start, m.End, m.Sequence = m.Start.Add(time.Hour), m.End.Add(time.Hour), m.Sequence+1
			var items []model.OutboxItem
			for _, inv := range invs {
				items = append(items, planFor(model.KindRequest)(*m, inv)...)
			}
			return items, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := d.Dispatch(ctx); n != 0 {
			t.Fatalf("sent %d while the server was down", n)
		}
		srv = smtptest.Start(t, smtptest.Config{Addr: addr, RcptError: smtptest.RcptErrors})
		clk.Advance(delivery.Backoff(0))
		if _, err := d.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
		got = srv.Received()
		if len(got) != 3 { // two updates, one failure notice
			t.Fatalf("after the outage the server received %d messages, want 3", len(got))
		}
		ids := map[string]bool{}
		for _, msg := range got {
			h, _ := gomail.CreateReader(bytes.NewReader(msg.Data))
			id := h.Header.Get("Message-Id")
			if ids[id] {
				t.Errorf("message %s sent twice", id)
			}
			ids[id] = true
			if msg.To[0] == "mette@dk.example.org" {
				ics := parts(t, msg.Data)["text/calendar;method=REQUEST"]
				if !strings.Contains(ics, "SEQUENCE:1") || !strings.Contains(ics, "DTSTART;TZID=America/New_York:20120929T110000") {
					t.Errorf("the update is not the moved meeting:\n%s", ics)
				}
			}
		}
	})
}

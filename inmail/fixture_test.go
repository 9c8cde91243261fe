package inmail_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/inmail"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

// now is the fixtures' time: the replies in testdata were made shortly before.
var now = time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)

// testUID is the calendar UID of the meeting the fixtures answer.
const testUID = "meeting-1-2030@focalbot.globalr2p.example.org"

// fixture is a store with the default network, the secretariat, five focal
// points who answer from as many mail clients, and a scheduled meeting
// (UID testUID) they are all invited to; an Ingester over it.
type fixture struct {
	store   *storage.Store
	svc     *network.Service
	in      *inmail.Ingester
	sec     network.Caller
	people  map[string]model.Person // by e-mail
	meeting model.Meeting
}

// The invitees, by the client each answers from in testdata.
var invitees = []model.Person{
	{Name: "Mette Jensen", Email: "mette.jensen@um.example.dk", Country: "DK"},           // Outlook
	{Name: "Kwame Asante", Email: "kwame.asante.gh@gmail.com", Country: "GH"},            // Gmail
	{Name: "Ana Ruiz", Email: "ana.ruiz@rree.example.cr", Country: "CR"},                 // Apple Mail / iCloud
	{Name: "김지원", Email: "jiwon.kim@mofa.example.kr", Country: "KR"},                     // Thunderbird
	{Name: "Hélène Dubois", Email: "helene.dubois@diplomatie.example.fr", Country: "FR"}, // ISO-8859-1, nested
}

const secretariatEmail = "ruth.adler@globalcentre.example.org"

func newFixture(t *testing.T, s *storage.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	if err := s.SetNetwork(ctx, model.System, model.DefaultNetwork()); err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, people: map[string]model.Person{}}
	add := func(p model.Person) model.Person {
		p.Status = model.StatusActive
		if p.Role == "" {
			p.Role = model.RoleFocalPoint
		}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			t.Fatalf("create %s: %v", p.Name, err)
		}
		f.people[p.Email] = p
		return p
	}
	f.sec = network.As(add(model.Person{Name: "Ruth Adler", Email: secretariatEmail, Role: model.RoleSecretariat}))
	var ids []int64
	for _, p := range invitees {
		ids = append(ids, add(p).ID)
	}
	planner := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: secretariatEmail},
		Channels: []model.Channel{model.ChannelEmail}}
	f.svc = network.New(s, clock.Fixed(now), time.UTC, planner, nil)
	start := now.Add(30 * 24 * time.Hour)
	title, venue := "Network meeting", "New York"
	m, err := f.svc.CreateMeeting(ctx, f.sec, network.MeetingChange{Title: &title, Start: &start, Zone: time.UTC, Venue: &venue}, false)
	if err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	// The fixtures were written for this UID.
	if err := s.DB().Exec("UPDATE meetings SET uid = ? WHERE id = ?", testUID, m.ID).Error; err != nil {
		t.Fatal(err)
	}
	m.UID = testUID
	if _, err := f.svc.Invite(ctx, f.sec, m.ID, network.Selection{People: ids}); err != nil {
		t.Fatal(err)
	}
	f.meeting = m
	f.in = &inmail.Ingester{Store: s, Services: f.svc, Clock: clock.Fixed(now)}
	return f
}

// eml reads testdata/name, with CRLF line ends as mail has them, and the
// placeholders in vars ({{KEY}}) filled in.
func eml(t *testing.T, name string, vars ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n", "\r\n")
	for i := 0; i+1 < len(vars); i += 2 {
		s = strings.ReplaceAll(s, "{{"+vars[i]+"}}", vars[i+1])
	}
	return []byte(s)
}

// reply is a plain iMIP REPLY from an attendee, as a minimal client sends it.
func reply(from, attendee, partstat string, seq int, stamp time.Time, msgID string) []byte {
	cal := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//focalbot tests//EN", "METHOD:REPLY", "BEGIN:VEVENT",
		"UID:" + testUID, fmt.Sprintf("SEQUENCE:%d", seq), "DTSTAMP:" + stamp.UTC().Format("20060102T150405Z"),
		"ATTENDEE;PARTSTAT=" + partstat + ":mailto:" + attendee, "END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	return []byte(strings.Join([]string{
		"From: <" + from + ">", "To: <" + secretariatEmail + ">", "Subject: " + partstat + ": Network meeting",
		"Message-ID: <" + msgID + ">", "Date: " + stamp.Format(time.RFC1123Z), "MIME-Version: 1.0",
		"Content-Type: text/calendar; charset=UTF-8; method=REPLY", "", cal}, "\r\n"))
}

// answerOf is the answer recorded for e-mail address email.
func (f *fixture) answerOf(t *testing.T, email string) model.Invitation {
	t.Helper()
	invs, err := f.store.Invitations(context.Background(), f.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Email == email {
			return inv
		}
	}
	t.Fatalf("%s is not invited", email)
	return model.Invitation{}
}

// ingest takes raw in and fails the test on an error.
func (f *fixture) ingest(t *testing.T, raw []byte) inmail.Outcome {
	t.Helper()
	out, err := f.in.Ingest(context.Background(), raw, model.ViaPipe)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return out
}

// notices are the notices queued for the secretariat.
func (f *fixture) notices(t *testing.T) []model.OutboxItem {
	t.Helper()
	items, err := f.store.Outbox(context.Background(), model.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []model.OutboxItem
	for _, it := range items {
		if it.Kind == model.KindNotice && it.Recipient == secretariatEmail {
			out = append(out, it)
		}
	}
	return out
}

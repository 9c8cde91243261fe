package delivery

import (
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/i18n"
	"focalbot/mail"
	"focalbot/model"
)

// BenchmarkInvitationEmail renders and composes one invitation e-mail (text,
// HTML and iCalendar parts) for a reader of each language; issue 11 asks
// that each cost at most 1.5× English. Run the languages in one process so
// that the ratio compares like with like:
//
//	go test ./delivery -run '^$' -bench InvitationEmail -count 5
func BenchmarkInvitationEmail(b *testing.B) {
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 3, UID: "m3@globalcentre.example.org", Sequence: 1,
		Title:  "Third Meeting of the Global Network of R2P Focal Points",
		Titles: map[string]string{"fr": "Troisième réunion du Réseau mondial des points focaux pour la responsabilité de protéger"},
		Start:  time.Date(2013, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "United Nations Headquarters", Address: "405 East 42nd Street, New York",
		OnlineURL: "https://meet.example.org/r2p", Hosts: []string{"AU", "CR", "DK", "GH"},
		Organiser: "Global Centre for the Responsibility to Protect", Status: model.MeetingScheduled,
		Agenda: "1. Opening\n2. The responsibility to protect: the year in review\n3. Regional perspectives\n4. Next steps"}
	e := &Email{Clock: clock.Fixed(time.Date(2013, 8, 1, 13, 0, 0, 0, time.UTC))}
	for _, tag := range i18n.Languages {
		b.Run(tag.String(), func(b *testing.B) {
			p := Payload{Kind: model.KindRequest, Meeting: m,
				Organiser: Organiser{Name: "Global Centre", Email: "secretariat@globalcentre.example.org"},
				Invitee:   Invitee{Name: "Focal Point", Email: "fp@example.org", TimeZone: "Europe/Copenhagen", Language: tag.String()}}
			it := model.OutboxItem{ID: 1, Key: "bench", Recipient: "fp@example.org"}
			b.ReportAllocs()
			for b.Loop() {
				msg, err := e.message(it, p, Link{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := mail.Compose(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package delivery_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/smtptest"
	"focalbot/mail"
	"focalbot/model"
)

// TestEmailInEachLanguage mails one meeting's invitation, reminder and
// cancellation to a reader of each of the six languages through a real
// SMTP server, and reads what arrives: the dates written as CLDR writes
// them in that language, the hosts' names in it, the HTML part's lang (and
// dir="rtl" for Arabic), and the meeting's own title where the secretariat
// gave one in that language, with its LANGUAGE in the calendar.
func TestEmailInEachLanguage(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	sender, err := mail.NewSMTP("smtp://" + srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	e := &delivery.Email{Mail: sender, Clock: clock.Fixed(t0)}
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 7, UID: "m7@example.org", Title: "Second Meeting of the Global Network of R2P Focal Points",
		Titles: map[string]string{"fr": "Deuxième réunion du Réseau mondial des points focaux pour la responsabilité de protéger"},
		Agenda: "Opening", Agendas: map[string]string{"fr": "Ouverture"},
		Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"DE", "GH"},
		Organiser: "Global Centre for the Responsibility to Protect", Status: model.MeetingScheduled}
	org := delivery.Organiser{Name: "Global Centre", Email: "secretariat@example.org"}
	for _, c := range []struct {
		lang, date, day, hosts, dir string
	}{
		{"en", "Sat 29 Sep 2012, 10:00–17:00 EDT", "29 September 2012", "Germany, Ghana", "ltr"},
		{"fr", "samedi 29 septembre 2012, 10:00–17:00 EDT", "29 septembre 2012", "Allemagne, Ghana", "ltr"},
		{"es", "sábado, 29 de septiembre de 2012, 10:00–17:00 EDT", "29 de septiembre de 2012", "Alemania, Ghana", "ltr"},
		{"ru", "суббота, 29 сентября 2012 г., 10:00–17:00 EDT", "29 сентября 2012 г.", "Гана, Германия", "ltr"},
		{"zh-Hans", "2012年9月29日星期六 上午10:00–下午5:00 EDT", "2012年9月29日", "德国、加纳", "ltr"},
		{"ar", "السبت، 29 سبتمبر 2012، 10:00 ص–5:00 م EDT", "29 سبتمبر 2012", "ألمانيا، غانا", "rtl"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			to := "reader-" + c.lang + "@example.org"
			p := delivery.Payload{Kind: model.KindRequest, Meeting: m, Organiser: org,
				Invitee: delivery.Invitee{Name: "Reader", Email: to, TimeZone: "America/New_York", Language: c.lang}}
			it := model.OutboxItem{ID: 1, Key: "k-" + c.lang, Recipient: to}
			if err := e.Send(ctx, it, p); err != nil {
				t.Fatal(err)
			}
			msg := last(t, srv, to)
			subject, ps := read(t, msg)
			title := m.TitleIn(c.lang)
			if !strings.Contains(subject, title) || !strings.Contains(subject, c.day) {
				t.Errorf("subject %q lacks the title %q or the day %q", subject, title, c.day)
			}
			for kind, body := range map[string]string{"text": ps["text/plain"], "html": ps["text/html"]} {
				if !strings.Contains(body, c.date) {
					t.Errorf("%s part lacks the span %q:\n%s", kind, c.date, body)
				}
				if !strings.Contains(body, c.hosts) {
					t.Errorf("%s part lacks the hosts %q:\n%s", kind, c.hosts, body)
				}
				if !strings.Contains(body, m.AgendaIn(c.lang)) {
					t.Errorf("%s part lacks the agenda %q", kind, m.AgendaIn(c.lang))
				}
			}
			if want := `<html lang="` + c.lang + `" dir="` + c.dir + `">`; !strings.Contains(ps["text/html"], want) {
				t.Errorf("html part lacks %s:\n%s", want, ps["text/html"])
			}
			ics := strings.ReplaceAll(ps["text/calendar;method=REQUEST"], "\r\n ", "")
			summaryLang := "en"
			if c.lang == "fr" {
				summaryLang = "fr"
			}
			if !strings.Contains(ics, "SUMMARY;LANGUAGE="+summaryLang+":"+strings.ReplaceAll(title, ",", "\\,")) ||
				!strings.Contains(ics, "DESCRIPTION;LANGUAGE="+summaryLang+":"+m.AgendaIn(c.lang)) {
				t.Errorf("calendar part lacks SUMMARY and DESCRIPTION with LANGUAGE=%s:\n%s", summaryLang, ics)
			}

			// The reminder in the same language: its offset in words too.
			p.Kind, p.Offset = model.KindReminder, 48*time.Hour
			it.Key += "-r"
			if err := e.Send(ctx, it, p); err != nil {
				t.Fatal(err)
			}
			_, ps = read(t, last(t, srv, to))
			if !strings.Contains(ps["text/plain"], c.date) || !strings.Contains(ps["text/html"], `dir="`+c.dir+`"`) {
				t.Errorf("reminder:\n%s\n%s", ps["text/plain"], ps["text/html"])
			}
		})
	}
}

func last(t *testing.T, srv *smtptest.Server, to string) []byte {
	t.Helper()
	got := srv.Received()
	for i := len(got) - 1; i >= 0; i-- {
		if got[i].To[0] == to {
			return got[i].Data
		}
	}
	t.Fatalf("nothing arrived for %s", to)
	return nil
}

func read(t *testing.T, data []byte) (string, map[string]string) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := r.Header.Subject()
	if err != nil {
		t.Fatal(err)
	}
	return subject, parts(t, data)
}

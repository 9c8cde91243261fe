package delivery_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"
)

// TestEveryMailInEachLanguage is issue 11's "done when": a roster with one
// person in each of the six languages and one meeting. Each is planned and
// sent their invitation, the update when the meeting moves, a reminder, a
// nudge, an availability poll's question and the cancellation; each
// message, decoded as a mail reader does, has the catalog's subject in the
// reader's language, the meeting's (or the slot's) date as CLDR writes it
// there in both parts, and an HTML part that carries the reader's lang (and
// dir="rtl" for Arabic).
func TestEveryMailInEachLanguage(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 7, UID: "m7@example.org", Title: "Second Meeting of the Global Network of R2P Focal Points",
		Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Organiser: "Global Centre for the Responsibility to Protect",
		Status: model.MeetingScheduled}
	moved := m
	moved.Start, moved.End, moved.Sequence = time.Date(2012, 10, 6, 10, 0, 0, 0, ny), time.Date(2012, 10, 6, 17, 0, 0, 0, ny), 1
	cancelled := moved
	cancelled.Status, cancelled.Sequence = model.MeetingCancelled, 2
	poll := model.Poll{ID: 4, MeetingID: 7, Title: "Third Meeting", Deadline: time.Date(2012, 9, 1, 21, 0, 0, 0, time.UTC),
		Slots: []model.Slot{{ID: 1, Start: time.Date(2012, 11, 17, 15, 0, 0, 0, time.UTC), End: time.Date(2012, 11, 17, 22, 0, 0, 0, time.UTC), TimeZone: "America/New_York"}}}
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "secretariat@example.org"},
		Channels: []model.Channel{model.ChannelEmail}}
	e := &delivery.Email{Mail: nil, Clock: clock.Fixed(t0),
		Links: links{link: delivery.Link{Page: "https://focal.example.org/a/x", Unsubscribe: "https://focal.example.org/u/x"}}}

	// The catalog's subjects, as the mail writes them.
	const (
		subjectInvitation = "Invitation: %s, %s"
		subjectUpdated    = "Updated invitation: %s, %s"
		subjectReminder   = "Reminder: %s, %s"
		subjectCancelled  = "Cancelled: %s, %s"
		subjectPoll       = "Which dates suit you? %s"
		inDays            = "in %d days"
	)
	for i, lang := range []string{"en", "ar", "zh-Hans", "fr", "ru", "es"} {
		t.Run(lang, func(t *testing.T) {
			tag := language.MustParse(lang)
			p := i18n.Printer(tag)
			person := model.Person{ID: int64(10 + i), Name: "Reader " + lang, Email: "reader-" + lang + "@example.org",
				Role: model.RoleFocalPoint, Status: model.StatusActive, TimeZone: "America/New_York", Language: lang}
			inv := model.Invitation{ID: int64(20 + i), MeetingID: m.ID, Email: person.Email, Name: person.Name}
			day := func(t time.Time) string { return i18n.DateLong(tag, t.In(ny)) }
			full := func(t time.Time) string { return i18n.DateFull(tag, t.In(ny)) }
			for _, c := range []struct {
				kind   string
				items  []model.OutboxItem
				format string // the catalog's subject
				args   []any
				date   string
			}{
				{"invitation", pl.Invitation(model.KindRequest, m, inv, &person),
					subjectInvitation, []any{m.Title, day(m.Start)}, full(m.Start)},
				{"update", pl.Update(m, moved, inv, &person, true, delivery.Links{}),
					subjectUpdated, []any{m.Title, day(moved.Start)}, full(moved.Start)},
				{"reminder", pl.Reminder(model.KindReminder, 72*time.Hour, moved, inv, &person),
					subjectReminder, []any{m.Title, p.Sprintf(inDays, 3)}, full(moved.Start)},
				{"nudge", pl.Reminder(model.KindNudge, 48*time.Hour, moved, inv, &person),
					subjectReminder, []any{m.Title, p.Sprintf(inDays, 2)}, full(moved.Start)},
				{"poll", pl.PollQuestion(poll, person, "Which of these times can you attend?"),
					subjectPoll, []any{poll.Title}, full(poll.Slots[0].Start)},
				{"cancellation", pl.Invitation(model.KindCancel, cancelled, inv, &person),
					subjectCancelled, []any{m.Title, day(moved.Start)}, full(moved.Start)},
			} {
				if len(c.items) != 1 || c.items[0].Recipient != person.Email {
					t.Fatalf("%s: planned %+v", c.kind, c.items)
				}
				payload, err := delivery.Decode(c.items[0])
				if err != nil {
					t.Fatal(err)
				}
				k := &mailKeeper{}
				e.Mail = k
				if err := e.Send(context.Background(), c.items[0], payload); err != nil {
					t.Fatalf("%s: %v", c.kind, err)
				}
				if len(k.raw) != 1 {
					t.Fatalf("%s: %d messages sent", c.kind, len(k.raw))
				}
				subject, text, html := decodeMail(t, k.raw[0])
				if want := p.Sprintf(c.format, c.args...); subject != want {
					t.Errorf("%s: subject %q, want %q", c.kind, subject, want)
				}
				if lang != "en" && subject == fmt.Sprintf(c.format, c.args...) {
					t.Errorf("%s: subject %q is the English sentence", c.kind, subject)
				}
				for part, body := range map[string]string{"text": text, "html": html} {
					if !strings.Contains(body, c.date) {
						t.Errorf("%s: the %s part lacks the date %q:\n%s", c.kind, part, c.date, body)
					}
				}
				if lang != "en" {
					for part, body := range map[string]string{"text": text, "html": html} {
						for _, english := range englishWords {
							if strings.Contains(body, english) {
								t.Errorf("%s: the %s part says %q in English:\n%s", c.kind, part, english, body)
							}
						}
					}
				}
				dir := "ltr"
				if lang == "ar" {
					dir = "rtl"
				}
				if want := `<html lang="` + lang + `" dir="` + dir + `">`; !strings.Contains(html, want) {
					t.Errorf("%s: the html part lacks %s:\n%s", c.kind, want, html)
				}
			}
		})
	}
}

// englishWords are the English mails' own words (not the meeting's, the
// reader's or the organiser's names): none may be left in another language.
var englishWords = []string{"Dear ", "You are invited", "When:", "Where:", "Time:", "Please answer", "The page answers",
	"do not forward", "begins in", "in 3 days", "in 2 days", "To stop the reminders", "We have not had your answer",
	"Which of these times", "Open for answers", "Tick the times", "The meeting has changed", "The meeting is cancelled",
	"Your calendar removes", "every answer was reset", "personal page", "Invitation:", "Reminder:", "Cancelled:"}

// decodeMail reads a raw message as a mail reader does: its subject decoded
// (RFC 2047), and its text/plain and text/html parts, wherever they are
// nested, decoded from quoted-printable or base64.
func decodeMail(t *testing.T, raw []byte) (subject, text, html string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	var walk func(header func(string) string, body io.Reader)
	walk = func(header func(string) string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(header("Content-Type"))
		if err != nil {
			t.Fatalf("content type %q: %v", header("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				part, err := r.NextRawPart()
				if err == io.EOF {
					return
				} else if err != nil {
					t.Fatal(err)
				}
				walk(part.Header.Get, part)
			}
		}
		switch strings.ToLower(header("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("%s part: %v", mt, err)
		}
		switch mt {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	walk(msg.Header.Get, msg.Body)
	if text == "" || html == "" {
		t.Fatalf("a part is missing or empty: text %d bytes, html %d bytes", len(text), len(html))
	}
	return subject, text, html
}

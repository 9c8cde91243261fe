package delivery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"net/mail"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/smtptest"
	fmail "focalbot/mail"
	"focalbot/model"
)

// TestNoticeSubjectSaysWhatItIsAbout: a notice's subject is its first line,
// without the bot's name; the organiser is the sender.
func TestNoticeSubjectSaysWhatItIsAbout(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Config{})
	sender, err := fmail.NewSMTP("smtp://" + srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre for the Responsibility to Protect", Email: "secretariat@globalcentre.example.org"},
		Channels: []model.Channel{model.ChannelEmail}}
	to := model.Person{ID: 2, Name: "Mette Sørensen", Email: "mette@dk.example.org"}
	items := pl.Notice("poll:1/ask", to, "When can you attend the Third Meeting of the Global Network?\nAnswer with poll answer 1 <slots>.")
	if len(items) != 1 {
		t.Fatalf("planned %d items", len(items))
	}
	var p delivery.Payload
	if err := json.Unmarshal([]byte(items[0].Payload), &p); err != nil {
		t.Fatal(err)
	}
	e := &delivery.Email{Mail: sender, Clock: clock.Fixed(t0)}
	if err := e.Send(context.Background(), items[0], p); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("received %d messages", len(got))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "When can you attend the Third Meeting of the Global Network?"; subject != want {
		t.Errorf("subject %q, want %q", subject, want)
	}
}

// TestReminderOffsetAgreesWithItsCount: a reminder one minute before says
// "in 1 minute", two minutes before "in 2 minutes".
func TestReminderOffsetAgreesWithItsCount(t *testing.T) {
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
	m := model.Meeting{ID: 3, UID: "m3@example.org", Title: "Third Meeting", Start: t0.Add(time.Hour), End: t0.Add(3 * time.Hour), TimeZone: "UTC"}
	for offset, want := range map[time.Duration]string{time.Minute: "Reminder: Third Meeting, in 1 minute", 2 * time.Minute: "Reminder: Third Meeting, in 2 minutes"} {
		srv := smtptest.Start(t, smtptest.Config{})
		sender, err := fmail.NewSMTP("smtp://" + srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		items := pl.Reminder(model.KindReminder, offset, m, model.Invitation{ID: 9, Name: "Mette Sørensen", Email: "mette@dk.example.org"}, nil)
		p, err := delivery.Decode(items[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := (&delivery.Email{Mail: sender, Clock: clock.Fixed(t0)}).Send(context.Background(), items[0], p); err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(srv.Received()[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if subject != want {
			t.Errorf("offset %s: subject %q, want %q", offset, subject, want)
		}
	}
}

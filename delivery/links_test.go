package delivery_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/mail"
	"focalbot/model"
)

// links is a hand-written delivery.PersonalLinks whose answer each case sets.
type links struct {
	link delivery.Link
	err  error
}

func (l links) InvitationLink(context.Context, int64) (delivery.Link, error)  { return l.link, l.err }
func (l links) PollLink(context.Context, int64, int64) (delivery.Link, error) { return l.link, l.err }

// TestEmailLinks: what a mail that asks something does with its personal
// link: carried in the text (and List-Unsubscribe for a reminder); left out
// when what it answers is gone; and a link that cannot be made now (the
// database is down) is a temporary failure, tried again, never a mail
// without it nor a permanent failure.
func TestEmailLinks(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 7, UID: "meeting-7@focalbot.example.org", Title: "Second Meeting", Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Organiser: "Global Centre", Status: model.MeetingScheduled}
	inv := model.Invitation{ID: 3, MeetingID: 7, Name: "Ana Ruiz", Email: "ana@example.org"}
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
	page := delivery.Link{Page: "https://focalbot.example.org/a/" + strings.Repeat("x", 43), Unsubscribe: "https://focalbot.example.org/a/" + strings.Repeat("x", 43) + "/mute"}
	for _, c := range []struct {
		name      string
		kind      model.OutboxKind
		links     links
		want      []string // in the mail
		wantNot   []string
		temporary bool
	}{
		{"an invitation carries its link", model.KindRequest, links{link: page}, []string{page.Page, "on your personal page"}, []string{"List-Unsubscribe"}, false},
		{"a nudge carries it and List-Unsubscribe", model.KindNudge, links{link: page}, []string{page.Page, "List-Unsubscribe: <" + page.Unsubscribe + ">", "List-Unsubscribe-Post: List-Unsubscribe=One-Click"}, []string{"rsvp yes", "mute 7"}, false},
		{"gone: the mail goes without a link", model.KindRequest, links{err: model.Errorf(model.ENOTFOUND, "There is no such invitation.")}, []string{"buttons of your calendar."}, []string{"/a/"}, false},
		{"the database is down: tried again", model.KindReminder, links{err: errors.New("database is down")}, nil, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			sender, err := mail.NewDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			e := &delivery.Email{Mail: sender, Clock: clock.Fixed(time.Date(2012, 9, 1, 12, 0, 0, 0, time.UTC)), Links: c.links}
			var items []model.OutboxItem
			if c.kind == model.KindRequest {
				items = pl.Invitation(c.kind, m, inv, nil)
			} else {
				items = pl.Reminder(c.kind, 48*time.Hour, m, inv, nil)
			}
			p, err := delivery.Decode(items[0])
			if err != nil {
				t.Fatal(err)
			}
			err = e.Send(context.Background(), items[0], p)
			if c.temporary {
				if err == nil || delivery.Classify(err) != delivery.FailTemporary {
					t.Fatalf("want a temporary failure, got %v", err)
				}
				if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) != 0 {
					t.Fatal("a mail went without its link")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
			if len(files) != 1 {
				t.Fatalf("%d mails", len(files))
			}
			raw, _ := os.ReadFile(files[0])
			text := string(raw)
			for _, ps := range parts(t, raw) {
				text += ps
			}
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("the mail lacks %q:\n%s", w, text)
				}
			}
			for _, w := range c.wantNot {
				if strings.Contains(text, w) {
					t.Errorf("the mail has %q", w)
				}
			}
		})
	}
}

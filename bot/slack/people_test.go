package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/model"
)

// commandLines is the engine, recording the command lines it is given.
type commandLines struct {
	*bot.Engine
	mu    sync.Mutex
	lines []string
}

func (c *commandLines) Handle(ctx context.Context, caller bot.Caller, text string) *bot.Reply {
	c.mu.Lock()
	c.lines = append(c.lines, text)
	c.mu.Unlock()
	return c.Engine.Handle(ctx, caller, text)
}

// TestPeopleFormsAndButtonsAreTyped proves that the Register, Add-a-person
// and profile forms, the Reject button and the App Home's profile, country
// and coverage call the engine's typed operations, never a command line, and that a form shows an error next to
// the field the error names (model.ErrorField), not the field of a command.
func TestPeopleFormsAndButtonsAreTyped(t *testing.T) {
	fs := newFakeSlack(t)
	h := &commandLines{}
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), handler: h})
	h.Engine = bot.New(b.store, b.clock, slog.New(slog.DiscardHandler), time.UTC)
	mette := roster(b)

	// A country the form's select does not offer: the error is the
	// country's, not the e-mail address's.
	var got struct {
		Errors map[string]string `json:"errors"`
	}
	ack := b.interaction(submission("U2", modalAdd, map[string]string{"email": "kofi@mfa.gov.gh", "name": "Kofi"},
		map[string]string{"country": "Narnia", "role": "focal-point"}))
	if err := json.Unmarshal([]byte(ack), &got); err != nil || got.Errors[fieldCountry] == "" || len(got.Errors) != 1 {
		t.Fatalf("ack %s: want an error on the country only", ack)
	}

	if ack := b.interaction(submission("U2", modalAdd, map[string]string{"email": "kofi@mfa.gov.gh", "name": "Kofi"},
		map[string]string{"country": "GH", "role": "alternate"})); ack != "" {
		t.Fatalf("good add acked with %s", ack)
	}
	if got := next(t, fs.posts, "the add's answer"); !strings.Contains(got.Text, "Added: Kofi") {
		t.Errorf("answer %+v", got)
	}
	next(t, fs.homes, "Ruth's refreshed home")
	if kofi, err := b.store.PersonByEmail(context.Background(), "kofi@mfa.gov.gh"); err != nil || kofi.Role != model.RoleAlternate || kofi.Country != "GH" {
		t.Errorf("Kofi = %+v, %v", kofi, err)
	}

	if ack := b.interaction(submission("U1", modalProfile, map[string]string{"name": "Ama Owusu", "title": "Ambassador", "phone": "+233 30 266 4261"}, nil)); ack != "" {
		t.Fatalf("good profile acked with %s", ack)
	}
	if got := next(t, fs.posts, "the profile's answer"); !strings.Contains(got.Text, "Your profile is updated.") || !strings.Contains(got.Text, "Ambassador") {
		t.Errorf("answer %+v", got)
	}
	next(t, fs.homes, "Ama's refreshed home")

	b.interaction(click("U2", actionReject, "#"+strconv.FormatInt(mette.ID, 10)))
	if got := next(t, fs.posts, "the rejection"); got.Text != "Rejected the registration of Mette Holm." {
		t.Errorf("rejection %+v", got)
	}
	next(t, fs.homes, "Ruth's refreshed home")

	h.mu.Lock()
	defer h.mu.Unlock()
	for _, line := range h.lines {
		for _, cmd := range []string{"approve", "reject", "register", "add", "me", "update", "country", "coverage"} {
			if w, _, _ := strings.Cut(line, " "); w == cmd {
				t.Errorf("Slack sent the engine the command line %q", line)
			}
		}
	}
}

// TestProfileFormSavesAllOrNothing proves that a profile form with one bad
// field changes none of the others, and says so next to the bad one.
func TestProfileFormSavesAllOrNothing(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	long := strings.Repeat("x", model.MaxFieldLen+1)
	ack := b.interaction(submission("U1", modalProfile, map[string]string{"name": "Ama Owusu", "title": "Ambassador", "ministry": long}, nil))
	var got struct {
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(ack), &got); err != nil || len(got.Errors) != 1 || got.Errors[fieldMinistry] == "" {
		t.Fatalf("ack %s: want an error on the ministry only", ack)
	}
	ama, err := b.store.PersonByEmail(context.Background(), "ama@mfa.gov.gh")
	if err != nil || ama.Title == "Ambassador" {
		t.Errorf("a refused profile changed the title: %+v, %v", ama, err)
	}
	none(t, fs.posts, "answer to a refused profile")
}

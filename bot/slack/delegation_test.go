package slack

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"focalbot/delivery"
	"focalbot/model"
)

// TestSendAColleagueFromSlack: an invitation's Send a colleague button
// opens a form (within Block Kit's limits, which the fake Slack checks);
// each mistake shows next to its field and changes nothing; a good form
// sends the colleague through the engine's Delegate, as delegate does.
func TestSendAColleagueFromSlack(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: filepath.Join(t.TempDir(), "f.db")})
	roster(b)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{Title: "Second Meeting", Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Organiser: "Global Centre", Status: model.MeetingScheduled}
	if err := b.store.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	ama, err := b.store.PersonByEmail(ctx, "ama@mfa.gov.gh")
	if err != nil {
		t.Fatal(err)
	}
	ama.SlackID = "U1"
	invs, err := b.store.Invite(ctx, model.System, m.ID, []model.Invitation{{PersonID: ama.ID, Name: ama.Name, Email: ama.Email, Country: "GH"}},
		func(model.Meeting, model.Invitation) []model.OutboxItem { return nil })
	if err != nil {
		t.Fatal(err)
	}
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelSlack}}
	items := pl.Invitation(model.KindRequest, m, invs[0], &ama)
	p, _ := delivery.Decode(items[0])
	if err := b.tr.Send(ctx, items[0], p); err != nil {
		t.Fatal(err)
	}
	if dm := next(t, fs.posts, "the invitation"); !strings.Contains(dm.Blocks, `"action_id":"delegate"`) || !strings.Contains(dm.Blocks, msgButtonDelegate) {
		t.Fatalf("the invitation has no Send a colleague button:\n%s", dm.Blocks)
	}

	b.interaction(click("U1", actionDelegate, "1"))
	var view map[string]any
	if err := json.Unmarshal(next(t, fs.modals, "the Send a colleague form"), &view); err != nil {
		t.Fatal(err)
	}
	v, _ := view["view"].(map[string]any)
	if v["callback_id"] != modalDelegate || v["private_metadata"] != "1" {
		t.Fatalf("the form opened: %v", view)
	}

	submit := func(fields map[string]string) string {
		s := submission("U1", modalDelegate, fields, nil)
		s["view"].(map[string]any)["private_metadata"] = "1"
		return b.interaction(s)
	}
	for _, tc := range []struct {
		name, field string
		fields      map[string]string
	}{
		{"no address", fieldEmail, map[string]string{fieldName: "Kojo Mensah"}},
		{"no name", fieldName, map[string]string{fieldEmail: "kojo@mfa.gov.gh"}},
		{"a bad address", fieldEmail, map[string]string{fieldEmail: "kojo at mfa", fieldName: "Kojo Mensah"}},
		{"oneself", fieldEmail, map[string]string{fieldEmail: "AMA@mfa.gov.gh", fieldName: "Ama"}},
		{"a title too long", fieldTitle, map[string]string{fieldEmail: "kojo@mfa.gov.gh", fieldName: "Kojo", fieldTitle: strings.Repeat("x", 201)}},
	} {
		if ack := submit(tc.fields); !strings.Contains(ack, `"response_action":"errors"`) || !strings.Contains(ack, `"`+tc.field+`":`) {
			t.Errorf("%s: the error is not next to %s: %s", tc.name, tc.field, ack)
		}
	}
	if got, _ := b.store.Invitations(ctx, m.ID); len(got) != 1 || got[0].Response != model.ResponseNone {
		t.Fatalf("refused forms changed the invitations: %+v", got)
	}

	if ack := submit(map[string]string{fieldEmail: "kojo@mfa.gov.gh", fieldName: "Kojo Mensah", fieldTitle: "Counsellor"}); strings.Contains(ack, "errors") {
		t.Fatalf("a good form was refused: %s", ack)
	}
	if dm := next(t, fs.posts, "the answer"); !strings.Contains(dm.Text, "Kojo Mensah is invited to meeting 1 in your place") {
		t.Errorf("the answer: %q", dm.Text)
	}
	got, _ := b.store.Invitations(ctx, m.ID)
	byEmail := map[string]model.Invitation{}
	for _, inv := range got {
		byEmail[inv.Email] = inv
	}
	from, to := byEmail["ama@mfa.gov.gh"], byEmail["kojo@mfa.gov.gh"]
	if from.Response != model.ResponseDelegate || from.DelegatedTo != to.ID || to.DelegatedFrom != from.ID || to.Title != "Counsellor" || to.Country != "GH" {
		t.Errorf("after the form: %+v, %+v", from, to)
	}
}

// TestCountryNudgeOnSlack: the last nudge to an alternate of a silent
// country says that the country has not answered, not that they have not.
func TestCountryNudgeOnSlack(t *testing.T) {
	m := model.Meeting{ID: 4, Title: "Third Meeting", Start: time.Date(2013, 9, 28, 14, 0, 0, 0, time.UTC), End: time.Date(2013, 9, 28, 21, 0, 0, 0, time.UTC), TimeZone: "America/New_York"}
	text := outboxText(delivery.Payload{Kind: model.KindNudge, Meeting: m, Country: "Costa Rica"})
	if !strings.Contains(text, "not had an answer from Costa Rica") || strings.Contains(text, "rsvp") || !strings.Contains(text, "/focal mute 4") {
		t.Errorf("the nudge to an alternate: %s", text)
	}
	if text := outboxText(delivery.Payload{Kind: model.KindNudge, Meeting: m}); !strings.Contains(text, "rsvp yes|maybe|no 4") {
		t.Errorf("the nudge to an invitee: %s", text)
	}
}

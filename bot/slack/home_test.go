package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/i18n"
	"focalbot/model"
)

// interaction posts an interactivity payload, signed, and returns the ack's body.
func (b *testBot) interaction(payload map[string]any) string {
	b.t.Helper()
	raw, _ := json.Marshal(payload)
	resp, body := b.request(PathInteractive, "application/x-www-form-urlencoded", url.Values{"payload": {string(raw)}}.Encode(), nil)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("interaction answered %s: %s", resp.Status, body)
	}
	return body
}

func click(user, action, value string) map[string]any {
	return map[string]any{"type": "block_actions", "user": map[string]any{"id": user}, "trigger_id": "trigger-" + user,
		"actions": []map[string]any{{"type": "button", "action_id": action, "block_id": "b", "value": value}}}
}

// submissions numbers the submissions a test makes.
var submissions atomic.Int64

// submission is a modal submitted with the given text fields and selections.
func submission(user, callbackID string, texts, selected map[string]string) map[string]any {
	values := map[string]any{}
	for id, v := range texts {
		switch id {
		case fieldDate: // as Slack sends a date picker's value
			values[id] = map[string]any{id: map[string]any{"type": "datepicker", "selected_date": v}}
		case fieldStart, fieldEnd: // and a time picker's
			values[id] = map[string]any{id: map[string]any{"type": "timepicker", "selected_time": v}}
		default:
			values[id] = map[string]any{id: map[string]any{"type": "plain_text_input", "value": v}}
		}
	}
	for id, v := range selected {
		values[id] = map[string]any{id: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}}
	}
	// Each submission has a trigger_id of its own, as Slack's do: a request
	// sent again as it was is a replay.
	return map[string]any{"type": "view_submission", "user": map[string]any{"id": user}, "trigger_id": fmt.Sprintf("submission-%d", submissions.Add(1)),
		"view": map[string]any{"id": "V1", "callback_id": callbackID, "state": map[string]any{"values": values}}}
}

func homeOpened(eventID, user string) string {
	return callback(eventID, map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"})
}

// roster sets up a focal point (U1), a member of the secretariat (U2) and a
// pending registration.
func roster(b *testBot) (pending model.Person) {
	b.slack.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b.slack.addUser("U2", "ruth@globalr2p.example.org", "Ruth Adler", "America/New_York")
	b.slack.addUser("U3", "lars@um.dk", "Lars Nielsen", "Europe/Copenhagen")
	b.addPerson(ama())
	b.addPerson(model.Person{Name: "Ruth Adler", Email: "ruth@globalr2p.example.org", Role: model.RoleSecretariat, Status: model.StatusActive})
	return b.addPerson(model.Person{Name: "Mette Holm", Email: "mette@um.dk", Country: "DK", Role: model.RoleFocalPoint, Status: model.StatusPending})
}

// TestAppHome proves that the App Home shows a focal point their profile
// and country, and the secretariat coverage and pending registrations whose
// Approve button works for the secretariat only.
func TestAppHome(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	mette := roster(b)

	b.event(homeOpened("Ev1", "U1"))
	home := string(next(t, fs.homes, "Ama's home"))
	for _, want := range []string{`"user_id":"U1"`, "Ama Owusu", "Ghana", msgButtonEdit} {
		if !strings.Contains(home, want) {
			t.Errorf("Ama's home lacks %q:\n%s", want, home)
		}
	}
	if strings.Contains(home, msgButtonApprove) || strings.Contains(home, "Mette") {
		t.Errorf("a focal point sees pending registrations:\n%s", home)
	}

	b.event(homeOpened("Ev2", "U2"))
	home = string(next(t, fs.homes, "Ruth's home"))
	for _, want := range []string{"of 193", "Mette Holm", `"action_id":"approve"`, `"value":"#3"`, `"action_id":"reject"`, msgButtonAdd} {
		if !strings.Contains(home, want) {
			t.Errorf("the secretariat's home lacks %q:\n%s", want, home)
		}
	}

	// A focal point who forges a click is refused by the engine.
	b.interaction(click("U1", actionApprove, "#3"))
	if got := next(t, fs.posts, "the refusal"); got.Channel != "DU1" || got.Text != "Only the secretariat can do that." {
		t.Errorf("refusal %+v", got)
	}
	next(t, fs.homes, "Ama's refreshed home")

	// A meeting is coming, to which Mette, pending, was not invited: the
	// approval names it, with the command that invites her.
	m := model.Meeting{Title: "Network meeting", Start: t0.AddDate(0, 1, 0), End: t0.AddDate(0, 1, 0).Add(7 * time.Hour),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
	if err := b.store.CreateMeeting(context.Background(), model.System, &m); err != nil {
		t.Fatal(err)
	}
	b.interaction(click("U2", actionApprove, "#3"))
	if got := next(t, fs.posts, "the approval"); got.Channel != "DU2" || !strings.Contains(got.Text, "Mette Holm") ||
		!strings.Contains(got.Text, fmt.Sprintf("Mette Holm is not invited to it: invite %d #3 invites them.", m.ID)) {
		t.Errorf("approval %+v", got)
	}
	if home := string(next(t, fs.homes, "Ruth's refreshed home")); strings.Contains(home, `"action_id":"approve"`) {
		t.Errorf("the approved registration is still pending:\n%s", home)
	}
	if p, err := b.store.Person(context.Background(), mette.ID); err != nil || p.Status != model.StatusActive {
		t.Errorf("Mette = %+v, %v; want active", p, err)
	}
}

// TestModals proves the modals open from their buttons, and that a
// submission with bad fields, or one the engine refuses, comes back as field
// errors, while a good one does its work.
func TestModals(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)

	b.interaction(click("U3", actionRegister, ""))
	if modal := string(next(t, fs.modals, "the register modal")); !strings.Contains(modal, `"trigger_id":"trigger-U3"`) ||
		!strings.Contains(modal, `"callback_id":"register"`) || !strings.Contains(modal, "Lars Nielsen") || !strings.Contains(modal, `"value":"DK"`) {
		t.Errorf("register modal:\n%s", modal)
	}

	for _, tc := range []struct {
		name       string
		submission map[string]any
		wantErrors map[string]string
	}{
		{"a registration without a country", submission("U3", modalRegister, map[string]string{"name": "Lars Nielsen"}, nil),
			map[string]string{fieldCountry: msgErrorRequired}},
		{"a person added with a bad e-mail address", submission("U2", modalAdd, map[string]string{"email": "kofi at mfa", "name": "Kofi"}, map[string]string{"country": "GH", "role": "focal-point"}),
			map[string]string{fieldEmail: msgErrorBadEmail}},
		{"a person added by someone not in the secretariat", submission("U1", modalAdd, map[string]string{"email": "kofi@mfa.gov.gh", "name": "Kofi"}, map[string]string{"country": "GH", "role": "focal-point"}),
			map[string]string{fieldEmail: "Only the secretariat can do that."}},
		{"a profile with a bad time zone", submission("U1", modalProfile, map[string]string{"name": "Ama Owusu", "tz": "Geneva"}, nil),
			map[string]string{fieldZone: msgErrorBadZone}},
		{"a profile with a bad phone", submission("U1", modalProfile, map[string]string{"name": "Ama Owusu", "phone": "call me"}, nil),
			map[string]string{fieldPhone: msgErrorBadPhone}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				Action string            `json:"response_action"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal([]byte(b.interaction(tc.submission)), &got); err != nil {
				t.Fatal(err)
			}
			if got.Action != "errors" || len(got.Errors) != len(tc.wantErrors) {
				t.Fatalf("ack %+v; want errors %v", got, tc.wantErrors)
			}
			for k, v := range tc.wantErrors {
				if got.Errors[k] != v {
					t.Errorf("error on %s = %q; want %q", k, got.Errors[k], v)
				}
			}
		})
	}
	none(t, fs.posts, "answer to a refused submission")

	if ack := b.interaction(submission("U3", modalRegister, map[string]string{"name": "Lars Nielsen", "title": `Head of "UN" Dept`},
		map[string]string{"country": "DK", "role": "focal-point"})); ack != "" {
		t.Fatalf("good registration acked with %s", ack)
	}
	if got := next(t, fs.posts, "the registration's answer"); got.Channel != "DU3" || !strings.Contains(got.Text, "pending approval") {
		t.Errorf("answer %+v", got)
	}
	next(t, fs.homes, "Lars's refreshed home")
	lars, err := b.store.PersonByEmail(context.Background(), "lars@um.dk")
	if err != nil || lars.Status != model.StatusPending || lars.Country != "DK" || lars.Title != `Head of "UN" Dept` || lars.SlackID != "U3" {
		t.Errorf("Lars = %+v, %v", lars, err)
	}

	// A zone typed as its city is kept as its IANA name.
	if ack := b.interaction(submission("U1", modalProfile, map[string]string{"name": "Ama Owusu", "title": "Ambassador", "tz": "accra"}, nil)); ack != "" {
		t.Fatalf("good profile acked with %s", ack)
	}
	next(t, fs.posts, "the profile's answer")
	ama, err := b.store.PersonByEmail(context.Background(), "ama@mfa.gov.gh")
	if err != nil || ama.Title != "Ambassador" || ama.TimeZone != "Africa/Accra" || ama.Phone != "" {
		t.Errorf("Ama = %+v, %v", ama, err)
	}

	// Saving again without a change changes nothing.
	before, err := b.store.Audit(context.Background(), model.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if ack := b.interaction(submission("U1", modalProfile, map[string]string{"name": "Ama Owusu", "title": "Ambassador", "tz": "Africa/Accra"}, nil)); ack != "" {
		t.Fatalf("unchanged profile acked with %s", ack)
	}
	after, err := b.store.Audit(context.Background(), model.AuditFilter{Limit: 1000})
	if err != nil || len(after) != len(before) {
		t.Errorf("an unchanged profile was audited: %d entries, then %d (%v)", len(before), len(after), err)
	}
	none(t, fs.posts, "answer to an unchanged profile")
}

// TestDirectMessage proves the outbox's way in: a direct message, escaped,
// with dates kept for Slack to show in each reader's zone.
func TestDirectMessage(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	at := DateToken(i18n.English, t0, time.UTC)
	if err := b.tr.DirectMessage(context.Background(), "U7", "Reminder <meeting> at "+live(at)); err != nil {
		t.Fatal(err)
	}
	if got := next(t, fs.posts, "the message"); got.Channel != "DU7" || got.Text != "Reminder &lt;meeting&gt; at "+at {
		t.Errorf("message %+v", got)
	}

	// A long text goes as several messages, split between lines.
	line := strings.Repeat("x", 99)
	if err := b.tr.DirectMessage(context.Background(), "U7", strings.Repeat(line+"\n", 80)); err != nil {
		t.Fatal(err)
	}
	var total int
	for range 3 {
		got := next(t, fs.posts, "a part of the long message")
		if len(got.Text) > maxMessage || strings.HasPrefix(got.Text, "\n") {
			t.Errorf("part of %d characters: %.40q…", len(got.Text), got.Text)
		}
		total += strings.Count(got.Text, line)
	}
	if total != 80 {
		t.Errorf("%d lines arrived; want 80", total)
	}
}

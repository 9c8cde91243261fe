package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"focalbot/delivery"
	"focalbot/model"
)

// TestInvitationBySlack sends an invitation from the outbox as a DM with
// buttons; a click answers through the engine and shows the answer under
// the invitation, in place.
func TestInvitationBySlack(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: filepath.Join(t.TempDir(), "f.db")})
	roster(b)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{Title: "Second Meeting of the Global Network of R2P Focal Points <& friends>",
		Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), End: time.Date(2012, 9, 29, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"AU", "CR", "DK", "GH"},
		Organiser: "Global Centre for the Responsibility to Protect", Status: model.MeetingScheduled}
	if err := b.store.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	ama, err := b.store.PersonByEmail(ctx, "ama@mfa.gov.gh")
	if err != nil {
		t.Fatal(err)
	}
	if err := func() error {
		_, err := b.store.UpdatePerson(ctx, model.System, ama.ID, func(p *model.Person) error { p.SlackID = "U1"; return nil })
		return err
	}(); err != nil {
		t.Fatal(err)
	}
	ama.SlackID = "U1"
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelSlack}}
	invs, err := b.store.Invite(ctx, model.System, m.ID, []model.Invitation{{PersonID: ama.ID, Name: ama.Name, Email: ama.Email, Country: "GH"}},
		func(model.Meeting, model.Invitation) []model.OutboxItem { return nil })
	if err != nil {
		t.Fatal(err)
	}
	items := pl.Invitation(model.KindRequest, m, invs[0], &ama)
	if len(items) != 1 || items[0].Recipient != "U1" {
		t.Fatalf("planned %+v", items)
	}
	p, _ := delivery.Decode(items[0])
	if err := b.tr.Send(ctx, items[0], p); err != nil {
		t.Fatal(err)
	}
	dm := next(t, fs.posts, "the invitation")
	for _, want := range []string{`"action_id":"rsvp_yes"`, `"action_id":"rsvp_no"`, "\\u003c!date^1348927200^{date_long_pretty} at {time}|Saturday 29 September 2012, 10:00 EDT (America/New_York)\\u003e",
		"\\u0026lt;\\u0026amp; friends\\u0026gt;"} {
		if !strings.Contains(dm.Blocks, want) {
			t.Errorf("the invitation lacks %s:\n%s", want, dm.Blocks)
		}
	}
	if dm.Channel != "DU1" || !strings.HasPrefix(dm.Text, "You are invited") {
		t.Errorf("invitation posted to %s with fallback %q", dm.Channel, dm.Text)
	}
	if file := next(t, fs.files, "the calendar file"); file.Channel != "DU1" || !strings.Contains(file.Text, "BEGIN:VEVENT") ||
		!strings.Contains(file.Text, "UID:"+m.UID) || !strings.Contains(file.Text, "DTSTART;TZID=America/New_York:20120929T100000") {
		t.Errorf("the calendar file shared in %s:\n%s", file.Channel, file.Text)
	}

	var blocks []any
	if err := json.Unmarshal([]byte(dm.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	press := click("U1", actionRSVPYes, "1")
	press["response_url"] = fs.responseURL("invitation")
	press["message"] = map[string]any{"text": dm.Text, "blocks": blocks}
	b.interaction(press)
	answer := next(t, fs.responses, "the answer under the invitation")
	if !answer.ReplaceOriginal || !strings.Contains(answer.Blocks, "your answer is coming") || !strings.Contains(answer.Blocks, `"rsvp_yes"`) {
		t.Errorf("the invitation was not updated in place: %+v", answer)
	}
	got, _ := b.store.Invitations(ctx, m.ID)
	if got[0].Response != model.ResponseYes {
		t.Errorf("the answer was not recorded: %s", got[0].Response)
	}

	// A reminder is a plain DM with a date token.
	rem := pl.Reminder(model.KindNudge, 48*time.Hour, m, got[0], &ama)
	rp, _ := delivery.Decode(rem[0])
	if err := b.tr.Send(ctx, rem[0], rp); err != nil {
		t.Fatal(err)
	}
	if dm := next(t, fs.posts, "the reminder"); !strings.Contains(dm.Text, "<!date^1348927200^") || !strings.Contains(dm.Text, "rsvp yes|maybe|no 1") {
		t.Errorf("reminder: %q", dm.Text)
	}
}

func TestSendErrors(t *testing.T) {
	if err := sendError(slackapi.SlackErrorResponse{Err: "user_not_found"}); delivery.Classify(err) != delivery.FailPermanent {
		t.Errorf("an unknown user is not permanent: %v", err)
	}
	var ra delivery.RetryAfter
	if err := sendError(&slackapi.RateLimitedError{RetryAfter: 7 * time.Second}); !errors.As(err, &ra) || ra.RetryAfter() != 7*time.Second {
		t.Errorf("a rate limit does not say when to retry: %v", err)
	}
	// A request Slack says is itself wrong will be refused again: no retries.
	for _, code := range []string{"invalid_blocks", "invalid_blocks_format", "invalid_arguments", "msg_too_long", "no_text",
		"too_many_attachments", "invalid_attachments", "msg_blocks_too_long"} {
		if err := sendError(slackapi.SlackErrorResponse{Err: code}); delivery.Classify(err) != delivery.FailPermanent {
			t.Errorf("%s is not permanent: %v", code, err)
		}
		if err := sendError(fmt.Errorf("post a direct message to U1: %w", errors.New(code))); delivery.Classify(err) != delivery.FailPermanent {
			t.Errorf("%s, as slack-go also returns it, is not permanent: %v", code, err)
		}
	}
	if err := sendError(errors.New("connection reset")); delivery.Classify(err) == delivery.FailPermanent {
		t.Errorf("a connection failure is permanent: %v", err)
	}
	// What Slack's sender hands the dispatcher, from slack-go's errors.
	for _, tc := range []struct {
		name string
		err  error
		want delivery.Failure
	}{
		{"HTTP 503: temporary", slackapi.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, delivery.FailTemporary},
		{"429: temporary", &slackapi.RateLimitedError{RetryAfter: time.Second}, delivery.FailTemporary},
		{"channel_not_found, as a plain error: permanent", fmt.Errorf("post: %w", errors.New("channel_not_found")), delivery.FailPermanent},
		{"an answer no one knows: temporary", slackapi.SlackErrorResponse{Err: "fatal_error"}, delivery.FailTemporary},
		{"an unknown Go error: temporary", errors.New("boom"), delivery.FailTemporary},
	} {
		if got := delivery.Classify(sendError(tc.err)); got != tc.want {
			t.Errorf("%s: Classify(sendError(%v)) = %s, want %s", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestPollBySlack puts an availability poll to a focal point as a DM with
// the slots to tick; the button sends the ticked slots to the engine.
func TestPollBySlack(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: filepath.Join(t.TempDir(), "f.db")})
	roster(b)
	ctx := context.Background()
	ama, _ := b.store.PersonByEmail(ctx, "ama@mfa.gov.gh")
	if _, err := b.store.UpdatePerson(ctx, model.System, ama.ID, func(p *model.Person) error { p.SlackID = "U1"; return nil }); err != nil {
		t.Fatal(err)
	}
	ama.SlackID = "U1"
	ny, _ := time.LoadLocation("America/New_York")
	slot := func(day int) model.Slot {
		return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
	}
	poll := model.Poll{Title: "the 2013 meeting", Deadline: t0.Add(30 * 24 * time.Hour), Slots: []model.Slot{slot(21), slot(28)}}
	if err := b.store.CreatePoll(ctx, model.System, &poll, nil); err != nil {
		t.Fatal(err)
	}
	pl := delivery.Planner{Channels: []model.Channel{model.ChannelSlack}}
	items := pl.PollQuestion(poll, ama, "Which of these times can you attend?")
	p, _ := delivery.Decode(items[0])
	if err := b.tr.Send(ctx, items[0], p); err != nil {
		t.Fatal(err)
	}
	dm := next(t, fs.posts, "the poll")
	if !strings.Contains(dm.Blocks, `"type":"checkboxes"`) || !strings.Contains(dm.Blocks, `"action_id":"poll_answer"`) || !strings.Contains(dm.Blocks, "2. \\u003c!date^") {
		t.Fatalf("the poll DM: %s", dm.Blocks)
	}
	var blocks []any
	if err := json.Unmarshal([]byte(dm.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	press := click("U1", actionPollAnswer, "1")
	press["response_url"] = fs.responseURL("poll")
	press["message"] = map[string]any{"text": dm.Text, "blocks": blocks}
	press["state"] = map[string]any{"values": map[string]any{blockPoll: map[string]any{actionPollSlots: map[string]any{
		"type": "checkboxes", "selected_options": []map[string]any{{"value": "2", "text": map[string]any{"type": "mrkdwn", "text": "2"}}}}}}}
	b.interaction(press)
	answer := next(t, fs.responses, "the answer under the poll")
	if !answer.ReplaceOriginal || !strings.Contains(answer.Blocks, "slots you can attend are now: 2") {
		t.Errorf("the poll was not answered in place: %+v", answer)
	}
	votes, _ := b.store.Votes(ctx, poll.ID)
	if len(votes) != 1 || votes[0].Country != "GH" || len(votes[0].SlotIDs) != 1 || votes[0].SlotIDs[0] != poll.Slots[1].ID {
		t.Errorf("votes = %+v", votes)
	}
}

// TestDraftOnAppHome: a meeting the scheduler planned waits on the
// secretariat's App Home with Confirm and Skip; Confirm schedules it.
func TestDraftOnAppHome(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: filepath.Join(t.TempDir(), "f.db")})
	roster(b)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{Title: "Annual Meeting 2013", Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingDraft}
	if err := b.store.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	b.event(homeOpened("Ev1", "U2"))
	home := string(next(t, fs.homes, "the secretariat's home"))
	if !strings.Contains(home, "Meetings to confirm") || !strings.Contains(home, "Annual Meeting 2013") || !strings.Contains(home, `"action_id":"meeting_schedule"`) {
		t.Fatalf("the home does not offer the draft:\n%s", home)
	}
	b.interaction(click("U2", actionSchedule, "1"))
	if dm := next(t, fs.posts, "the answer to Confirm"); !strings.Contains(dm.Text, "Meeting 1 is scheduled") {
		t.Errorf("confirm answered %q", dm.Text)
	}
	if got, _ := b.store.Meeting(ctx, m.ID); got.Status != model.MeetingScheduled {
		t.Errorf("the meeting is %s", got.Status)
	}
	// A focal point cannot confirm: the engine checks the role.
	b.interaction(click("U1", actionSkip, "1"))
	if dm := next(t, fs.posts, "the answer to a focal point's Skip"); !strings.Contains(dm.Text, "Only the secretariat") {
		t.Errorf("a focal point's skip answered %q", dm.Text)
	}
}

// TestMeetingModal: the secretariat creates a meeting from a modal; a bad
// field comes back as an error next to it, and nothing is created.
func TestMeetingModal(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: filepath.Join(t.TempDir(), "f.db")})
	roster(b)
	b.interaction(click("U2", actionNewMeeting, ""))
	if view := string(next(t, fs.modals, "the meeting modal")); !strings.Contains(view, `"callback_id":"meeting"`) || !strings.Contains(view, `"America/New_York"`) {
		t.Fatalf("modal: %s", view)
	}
	fields := map[string]string{fieldMeetingTitle: "Third Meeting", fieldDate: "2013-09-28", fieldStart: "10:00", fieldEnd: "17:00",
		fieldZone: "Mars/Olympus", fieldVenue: "New York", fieldHosts: "Australia, Ghana"}
	ack := b.interaction(submission("U2", modalMeeting, fields, nil))
	if !strings.Contains(ack, `"response_action":"errors"`) || !strings.Contains(ack, `"tz":`) || !strings.Contains(ack, "not a time zone") {
		t.Fatalf("a bad zone was not shown next to its field: %s", ack)
	}
	fields = map[string]string{fieldMeetingTitle: "Third Meeting", fieldDate: "2013-09-28", fieldStart: "10:00", fieldEnd: "17:00",
		fieldZone: "America/New_York", fieldVenue: "New York", fieldHosts: "Australia, Ghana"}
	if ms, _ := b.store.Meetings(context.Background(), model.MeetingFilter{}); len(ms) != 0 {
		t.Fatalf("a refused form created %d meetings", len(ms))
	}
	if ack := b.interaction(submission("U2", modalMeeting, fields, nil)); strings.Contains(ack, "errors") {
		t.Fatalf("a good form was refused: %s", ack)
	}
	if dm := next(t, fs.posts, "the answer to the form"); !strings.Contains(dm.Text, "Meeting 1 created: Third Meeting") {
		t.Errorf("the form answered %q", dm.Text)
	}
	ms, _ := b.store.Meetings(context.Background(), model.MeetingFilter{})
	if len(ms) != 1 || strings.Join(ms[0].Hosts, ",") != "AU,GH" {
		t.Errorf("meetings = %+v", ms)
	}
	// A focal point's submission is refused by the engine, next to the title.
	ack = b.interaction(submission("U1", modalMeeting, fields, nil))
	if !strings.Contains(ack, `"meeting_title":"Only the secretariat`) {
		t.Errorf("a focal point's form: %s", ack)
	}
}

package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"

	"focalbot/clock"
	"focalbot/model"
)

// TestViewSubmissionWithoutView proves that a signed view_submission that
// lacks its view is refused with 400 and does nothing, and the bot goes on.
func TestViewSubmissionWithoutView(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	for _, payload := range []string{
		`{"type":"view_submission","user":{"id":"U1"}}`,
		`{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V1","callback_id":"register"}}`,
	} {
		resp, body := b.request(PathInteractive, "application/x-www-form-urlencoded", url.Values{"payload": {payload}}.Encode(), nil)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "view") {
			t.Errorf("%s answered %s %q; want 400 naming the view", payload, resp.Status, body)
		}
	}
	if strings.Contains(b.logs.String(), "panic") {
		t.Errorf("a submission without a view panicked:\n%s", b.logs)
	}
	b.interaction(click("U2", actionApprove, "#3"))
	if got := next(t, fs.posts, "the approval"); !strings.Contains(got.Text, "Mette Holm") {
		t.Errorf("approval %+v", got)
	}
}

// TestEmptyResponseURL proves that an answer through an empty or unusable
// response_url is not attempted nor retried, and that a click without one
// gets its answer by DM instead.
func TestEmptyResponseURL(t *testing.T) {
	for _, u := range []string{"", "not a url", "/response/r1", "ftp://example.org/x"} {
		th, waits := testThrottle(t, "http://127.0.0.1:1/")
		err := th.respond(context.Background(), u, &slackapi.WebhookMessage{Text: "hi"})
		if err == nil || len(*waits) != 0 {
			t.Errorf("respond(%q) = %v after waits %v; want an error at once", u, err, *waits)
		}
	}

	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)
	b.interaction(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U1"}, "response_url": "",
		"actions": []map[string]any{{"type": "button", "action_id": actionRSVPYes, "block_id": "rsvp", "value": "1"}}})
	if got := next(t, fs.posts, "the answer by DM"); got.Channel != "DU1" {
		t.Errorf("answer %+v", got)
	}
	none(t, fs.responses, "answer through no response_url")
}

// TestReplaysAreRefused proves that a signed slash command or modal
// submission sent again as it was, within the five minutes its signature
// is good for, is refused and has no second effect.
func TestReplaysAreRefused(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b)

	now := clock.System{}.Now()
	var ts, sig string
	sign := func(h http.Header) { h.Set("X-Slack-Request-Timestamp", ts); h.Set("X-Slack-Signature", sig) }

	body := slashCommand(fs, "U1", "me set title Ambassador", "r1")
	ts, sig = signature(secret, now, body)
	for i, want := range []int{http.StatusOK, http.StatusConflict} {
		resp, got := b.request(PathCommands, "application/x-www-form-urlencoded", body, sign)
		if resp.StatusCode != want {
			t.Errorf("command %d answered %s %q; want %d", i+1, resp.Status, got, want)
		}
	}
	next(t, fs.responses, "the answer")

	raw, _ := json.Marshal(submission("U2", modalMeeting, map[string]string{fieldMeetingTitle: "Third meeting",
		fieldDate: "2013-09-28", fieldStart: "10:00", fieldEnd: "17:00", fieldZone: "America/New_York", fieldVenue: "UN HQ"}, nil))
	form := url.Values{"payload": {string(raw)}}.Encode()
	ts, sig = signature(secret, now, form)
	for i, want := range []int{http.StatusOK, http.StatusConflict} {
		resp, got := b.request(PathInteractive, "application/x-www-form-urlencoded", form, sign)
		if resp.StatusCode != want {
			t.Errorf("submission %d answered %s %q; want %d", i+1, resp.Status, got, want)
		}
	}
	next(t, fs.posts, "the meeting's answer")
	meetings, err := b.store.Meetings(context.Background(), model.MeetingFilter{})
	if err != nil || len(meetings) != 1 {
		t.Errorf("%d meetings, %v; want 1", len(meetings), err)
	}
	none(t, fs.responses, "answer to the replay")
}

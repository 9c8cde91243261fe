package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestTypedMeetingOperations: the typed operations that Slack's form and
// buttons call answer as the commands do, and a form's error names its field.
func TestTypedMeetingOperations(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		sec, fp := bot.Caller{Email: "sec@example.org"}, bot.Caller{Email: "fp@example.org"}
		ny, _ := time.LoadLocation("America/New_York")
		form := bot.MeetingForm{Title: "Second Meeting", Day: time.Date(2012, 9, 29, 0, 0, 0, 0, time.UTC), Start: 10 * time.Hour, End: 9 * time.Hour,
			Zone: ny, Venue: "New York", Draft: true}
		if r, err := w.engine.CreateMeeting(ctx, sec, form); model.ErrorField(err) != "end" || !strings.Contains(r.Text(), "end after it starts") {
			t.Fatalf("an end before the start: %v (field %q), %q", err, model.ErrorField(err), r.Text())
		}
		form.End = 17 * time.Hour
		if r, err := w.engine.CreateMeeting(ctx, fp, form); model.ErrorCode(err) != model.EFORBIDDEN || !strings.Contains(r.Text(), "Only the secretariat") {
			t.Fatalf("a focal point created a meeting: %v, %q", err, r.Text())
		}
		r, err := w.engine.CreateMeeting(ctx, sec, form)
		if err != nil || !strings.Contains(r.Text(), "Meeting 1 created: Second Meeting") {
			t.Fatalf("creating: %v, %q", err, r.Text())
		}
		w.as("sec@example.org", "invite 1 Ghana")
		if r := w.engine.ScheduleMeeting(ctx, fp, 1); r.Code != model.EFORBIDDEN {
			t.Fatalf("a focal point confirmed: %q", r.Text())
		}
		if r := w.engine.ScheduleMeeting(ctx, sec, 1); r.Code != "" || !strings.Contains(r.Text(), "Meeting 1 is scheduled") {
			t.Fatalf("confirming: %q", r.Text())
		}
		if r := w.engine.Respond(ctx, fp, 1, model.ResponseYes); r.Code != "" || !strings.Contains(r.Text(), "Second Meeting") {
			t.Fatalf("answering: %q", r.Text())
		}
		if got := w.as("sec@example.org", "status 1").Text(); !strings.Contains(got, "coming: 1") {
			t.Fatalf("status after the answer: %q", got)
		}
		if r := w.engine.CancelMeeting(ctx, sec, 1); r.Code != "" || !strings.Contains(r.Text(), "Second Meeting") {
			t.Fatalf("cancelling: %q", r.Text())
		}
		if r := w.engine.Respond(ctx, fp, 1, model.ResponseNo); r.Code != model.ECONFLICT {
			t.Fatalf("answering a cancelled meeting: %q", r.Text())
		}
	})
}

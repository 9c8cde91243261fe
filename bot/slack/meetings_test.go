package slack

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"focalbot/model"
)

// TestMeetingFormErrorsByField: the New meeting form shows each error of
// the engine next to the field the error names (model.ErrorField), also when
// its words name another: a meeting that would have ended is about its
// start, an end before the start about the end, a start the clocks skip
// about the start.
func TestMeetingFormErrorsByField(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: filepath.Join(t.TempDir(), "f.db")})
	roster(b)
	for _, tc := range []struct {
		name, field string
		change      map[string]string
	}{
		{"a meeting that would have ended", fieldStart, map[string]string{fieldDate: "2012-09-01"}},
		{"an end before the start", fieldEnd, map[string]string{fieldEnd: "09:00"}},
		{"a start the clocks skip", fieldStart, map[string]string{fieldDate: "2013-03-10", fieldStart: "02:30"}},
		{"a day not picked", fieldDate, map[string]string{fieldDate: "28/09/2013"}},
		{"an unknown host", fieldHosts, map[string]string{fieldHosts: "Ghana, Atlantis"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fields := map[string]string{fieldMeetingTitle: "Third Meeting", fieldDate: "2013-09-28", fieldStart: "10:00", fieldEnd: "17:00",
				fieldZone: "America/New_York", fieldVenue: "New York"}
			for k, v := range tc.change {
				fields[k] = v
			}
			ack := b.interaction(submission("U2", modalMeeting, fields, nil))
			if !strings.Contains(ack, `"response_action":"errors"`) || !strings.Contains(ack, `"`+tc.field+`":`) {
				t.Fatalf("the error is not next to %s: %s", tc.field, ack)
			}
		})
	}
	if ms, _ := b.store.Meetings(context.Background(), model.MeetingFilter{}); len(ms) != 0 {
		t.Fatalf("refused forms created %d meetings", len(ms))
	}
}

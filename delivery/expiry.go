package delivery

import (
	"fmt"
	"strings"
	"time"

	"focalbot/model"
)

// MaxAge is how long a message that keeps failing temporarily is kept in
// the queue, at most, from its first failed attempt: five days, as
// Postfix's maximal_queue_lifetime.
const MaxAge = 5 * 24 * time.Hour

// Deadline is when a message stops mattering, however long it has been
// failing, and why; zero when only MaxAge ends it. The rule per kind:
//   - a reminder or a nudge: when its meeting begins;
//   - an invitation, an update or a cancellation: when the meeting ends;
//   - a poll's question: at the poll's deadline;
//   - the day's outreach follow-ups (key "followups:<day>"): when that day
//     ends in the reader's zone (UTC when unknown);
//   - the weekly digest (key "digest:<Monday>"): when its week ends;
//   - any other notice: none.
func Deadline(it model.OutboxItem, p Payload) (time.Time, string) {
	switch p.Kind {
	case model.KindReminder, model.KindNudge:
		return p.Meeting.Start, msgExpiredBegun
	case model.KindRequest, model.KindCancel:
		return p.Meeting.End, msgExpiredEnded
	case model.KindPoll:
		if p.Poll != nil {
			return p.Poll.Deadline, msgExpiredPollClosed
		}
	}
	head, _, _ := strings.Cut(it.Key, "/")
	prefix, day, _ := strings.Cut(head, ":")
	if prefix != "followups" && prefix != "digest" {
		return time.Time{}, ""
	}
	loc, err := model.LoadZone(p.Invitee.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	d, err := time.ParseInLocation(time.DateOnly, day, loc)
	switch {
	case err != nil:
		return time.Time{}, ""
	case prefix == "followups":
		return d.AddDate(0, 0, 1), msgExpiredDay
	}
	return d.AddDate(0, 0, 7), msgExpiredWeek
}

// expired says why an item is no longer worth sending at now, or "" while
// it is: its Deadline has passed, or it has failed for maxAge.
func expired(it model.OutboxItem, p Payload, now time.Time, maxAge time.Duration) string {
	if end, why := Deadline(it, p); !end.IsZero() && !now.Before(end) {
		return why
	}
	if !it.FirstFailedAt.IsZero() && !now.Before(it.FirstFailedAt.Add(maxAge)) {
		return fmt.Sprintf(msgExpiredAge, roundDuration(now.Sub(it.FirstFailedAt)))
	}
	return ""
}

// StillMatters reports whether a failed message is worth sending again at
// now, by its Deadline.
func StillMatters(it model.OutboxItem, p Payload, now time.Time) bool {
	end, _ := Deadline(it, p)
	return end.IsZero() || now.Before(end)
}

// roundDuration writes d to the minute, as "5d2h", "6h10m" or "40m".
func roundDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	days, d := d/(24*time.Hour), d%(24*time.Hour)
	h, m := d/time.Hour, (d%time.Hour)/time.Minute
	switch {
	case days > 0 && h > 0:
		return fmt.Sprintf("%dd%dh", days, h)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dm", m)
}

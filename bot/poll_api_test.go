package bot_test

import (
	"context"
	"strings"
	"testing"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestAnswerPoll: the typed way to answer a poll answers as poll answer
// does, to the same people, with the same words.
func TestAnswerPoll(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		if r := w.as("sec@example.org", `poll create 0 deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`); r.Code != "" {
			t.Fatal(r.Text())
		}
		answer := func(email string, slots ...int) *bot.Reply {
			return w.engine.AnswerPoll(context.Background(), bot.Caller{Email: email}, 1, slots)
		}
		cases := []struct {
			name, email string
			slots       []int
			code, says  string
		}{
			{"a focal point answers", "fp@example.org", []int{2, 1}, "", "Thank you: for poll 1, the slots you can attend are now: 1, 2."},
			{"none", "alt@example.org", nil, "", "Thank you: for poll 1, you can attend none of the slots."},
			{"a slot the poll lacks", "fp@example.org", []int{3}, model.EINVALID, `"3" is not a slot of poll 1: give numbers from 1 to 2, e.g. 1,2, or none.`},
			{"an observer", "obs@example.org", []int{1}, model.EFORBIDDEN, "Only active focal points and alternates answer polls, for their country."},
			{"someone not on the roster", "who@example.org", []int{1}, model.EFORBIDDEN, "You are not on the roster yet."},
		}
		for _, c := range cases {
			r := answer(c.email, c.slots...)
			if r.Code != c.code || !strings.Contains(r.Text(), c.says) {
				t.Errorf("%s: %s %q, want %s %q", c.name, r.Code, r.Text(), c.code, c.says)
			}
		}
		if r := w.engine.AnswerPoll(context.Background(), bot.Caller{Email: "fp@example.org"}, 9, nil); r.Code != model.ENOTFOUND {
			t.Errorf("an unknown poll: %s %q", r.Code, r.Text())
		}
		if r := w.as("fp@example.org", "poll 1"); !strings.Contains(r.Text(), "the slots you can attend: 1, 2.") {
			t.Errorf("the answer is not recorded: %s", r.Text())
		}
	})
}

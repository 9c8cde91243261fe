package bot_test

import (
	"strings"
	"testing"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// usageAnswer is the answer to a command whose arguments do not fit: its
// synopsis and first example, as its declaration gives them.
func usageAnswer(c *bot.Command) string {
	if len(c.Examples) > 0 {
		return "Usage: " + c.Synopsis() + "\n  e.g. " + c.Examples[0]
	}
	return "Usage: " + c.Synopsis()
}

// TestUsageComesFromTheDeclaration runs every command with its arguments
// missing, and commands with arguments that do not fit, and checks that the
// answer is the command's own synopsis from its declaration — so a new
// command is covered by being declared, and no handler keeps a copy of its
// usage that could drift.
func TestUsageComesFromTheDeclaration(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		cmds := map[string]*bot.Command{}
		for _, c := range w.engine.Commands() {
			cmds[c.Name] = c
		}
		answers := func(t *testing.T, as, line string, c *bot.Command) {
			t.Helper()
			w.refuses(t, as, line, model.EINVALID, usageAnswer(c))
			if got := w.as(as+"@example.org", line).Text(); got != usageAnswer(c) {
				t.Errorf("%q answers %q, want %q", line, got, usageAnswer(c))
			}
		}
		t.Run("nothing after the name", func(t *testing.T) {
			for _, c := range w.engine.Commands() {
				// A usage that begins with [ is all optional: the command
				// alone is a whole request.
				if c.Usage == "" || strings.HasPrefix(c.Usage, "[") {
					continue
				}
				t.Run(c.Name, func(t *testing.T) { answers(t, "sec", c.Name, c) })
			}
		})

		if r := w.as("sec@example.org", cmds["meeting create"].Examples[0]); r.Code != "" {
			t.Fatalf("meeting create: %s", r.Text())
		}
		// Arguments that are there but do not fit: the handler says so,
		// and the engine answers with the declaration's usage.
		for _, c := range []struct{ name, as, line string }{
			{"me set", "fp", "me set tz"},
			{"me confirm email", "fp", "me confirm email code=1"},
			{"register", "pending", `register name="Ana"`},
			{"add", "sec", "add a@example.org b@example.org"},
			{"update", "sec", "update #2"},
			{"facilitators", "sec", "facilitators ,"},
			{"network set", "sec", "network set"},
			{"network set", "sec", "network set Ghana"},
			{"meeting change", "sec", "meeting change 1"},
			{"invite", "sec", "invite 1"},
			{"invite", "sec", "invite 1 guest amb@example.org"},
			{"rsvp", "fp", "rsvp country=Ghana"},
			{"series create", "sec", `series create name="Annual"`},
			{"outreach", "sec", "outreach stage=contacted"},
			{"outreach stage", "sec", "outreach stage Kenya"},
			{"outreach owner", "sec", "outreach owner Kenya"},
			{"outreach follow-up", "sec", "outreach follow-up Kenya"},
			{"poll create", "sec", "poll create 1"},
			{"poll answer", "fp", "poll answer 1"},
			{"poll pick", "sec", "poll pick 1"},
		} {
			cmd := cmds[c.name]
			if cmd == nil {
				t.Fatalf("no command %q", c.name)
			}
			t.Run(c.line, func(t *testing.T) { answers(t, c.as, c.line, cmd) })
		}
	})
}

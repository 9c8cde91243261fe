package console

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"focalbot/bot"
)

// echo answers each line with the line, recording what it was asked.
type echo struct{ asked []string }

func (e *echo) Handle(_ context.Context, c bot.Caller, text string) *bot.Reply {
	e.asked = append(e.asked, c.Email+": "+text)
	return bot.TextReply("you said " + text)
}

func TestPipedInputIsAScript(t *testing.T) {
	h := &echo{}
	var out bytes.Buffer
	c := &Console{Handler: h, Caller: bot.Caller{Email: "ana@example.org"}, In: strings.NewReader("coverage\n\n# a comment\n  roster Ghana  \n"), Out: &out}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h.asked, "|"); got != "ana@example.org: coverage|ana@example.org: roster Ghana" {
		t.Errorf("asked %q", got)
	}
	if want := "you said coverage\n\nyou said roster Ghana\n\n"; out.String() != want {
		t.Errorf("printed %q, want %q (no prompt, no greeting)", out.String(), want)
	}
}

func TestInteractiveShowsPromptAndQuits(t *testing.T) {
	h := &echo{}
	var out bytes.Buffer
	c := &Console{Handler: h, Caller: bot.Caller{Email: "ana@example.org"}, In: strings.NewReader("help\nquit\nnever read\n"), Out: &out, Interactive: true}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(h.asked) != 1 {
		t.Errorf("asked %q after quit", h.asked)
	}
	if s := out.String(); !strings.Contains(s, "you are ana@example.org") || strings.Count(s, Prompt) != 2 {
		t.Errorf("printed %q, want a greeting and two prompts", s)
	}
}

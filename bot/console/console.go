// Package console is the bot's command-line chat transport, the default when
// no Slack credentials are set. Interactive, it shows a prompt; with piped
// input it reads one command per line and stops at the end of input, so a
// session can be scripted. It knows nothing of storage or of Slack.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"focalbot/bot"
)

// Handler answers one line of text; *bot.Engine is one.
type Handler interface {
	Handle(ctx context.Context, c bot.Caller, text string) *bot.Reply
}

// Console runs a chat between one caller and the bot over a reader and a writer.
type Console struct {
	Handler     Handler
	Caller      bot.Caller
	In          io.Reader
	Out         io.Writer
	Interactive bool // show a greeting and a prompt
}

// Prompt is shown before each line in interactive mode.
const Prompt = "focalbot> "

// Run reads commands until the end of input, "quit" or "exit", or until ctx
// is cancelled between lines.
func (c *Console) Run(ctx context.Context) error {
	if c.Interactive {
		fmt.Fprintf(c.Out, "focalbot console — you are %s. Type help, or quit to leave.\n", c.Caller.Email)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.In)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	for {
		if c.Interactive {
			fmt.Fprint(c.Out, Prompt)
		}
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if c.Interactive {
					fmt.Fprintln(c.Out)
				}
				return <-errc
			}
			line = strings.TrimSpace(line)
			switch {
			case line == "" || strings.HasPrefix(line, "#"):
				continue
			case line == "quit" || line == "exit":
				return nil
			}
			reply := c.Handler.Handle(ctx, c.Caller, line)
			fmt.Fprintf(c.Out, "%s\n\n", reply.Text())
		}
	}
}

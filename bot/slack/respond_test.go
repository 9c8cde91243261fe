package slack

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"focalbot/bot"
)

// longAnswer answers everything with n numbered lines.
type longAnswer struct{ n int }

func (l longAnswer) Handle(ctx context.Context, c bot.Caller, text string) *bot.Reply {
	var lines []string
	for i := range l.n {
		lines = append(lines, fmt.Sprintf("line %d %s", i+1, strings.Repeat("x", 90)))
	}
	return bot.TextReply(strings.Join(lines, "\n"))
}

// TestLongCommandAnswers proves that an answer to a slash command too long
// for the five uses of a response_url is not cut: the fifth says where the
// rest is, and the rest is in the caller's direct messages.
func TestLongCommandAnswers(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	const lines = 300 // about 30,000 characters: nine parts
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t), handler: longAnswer{lines}})
	resp, _ := b.request(PathCommands, "application/x-www-form-urlencoded", slashCommand(fs, "U1", "roster", "r1"), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ack %s", resp.Status)
	}
	var got strings.Builder
	for i := range maxResponses {
		r := next(t, fs.responses, "an answer through the response_url")
		if i == maxResponses-1 {
			if r.Text != msgRestInDM {
				t.Errorf("the fifth answer is %q; want %q", r.Text, msgRestInDM)
			}
			continue
		}
		got.WriteString(r.Text + "\n")
	}
	for !strings.Contains(got.String(), fmt.Sprintf("line %d ", lines)) {
		p := next(t, fs.posts, "the rest of the answer")
		if p.Channel != "DU1" {
			t.Fatalf("the rest went to %s", p.Channel)
		}
		got.WriteString(p.Text + "\n")
	}
	for i := 1; i <= lines; i++ {
		if !strings.Contains(got.String(), fmt.Sprintf("line %d ", i)) {
			t.Errorf("line %d is missing", i)
		}
	}
	none(t, fs.responses, "a sixth use of the response_url")
}

// TestCommandAnswerWithoutResponseURL proves that an answer the
// response_url does not take (here there is none) comes by direct message.
func TestCommandAnswerWithoutResponseURL(t *testing.T) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	body := url.Values{"command": {"/focal"}, "text": {"network"}, "user_id": {"U1"}, "channel_id": {"C1"}, "team_id": {"T1"}}.Encode()
	if resp, _ := b.request(PathCommands, "application/x-www-form-urlencoded", body, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("ack %s", resp.Status)
	}
	if got := next(t, fs.posts, "the answer by DM"); got.Channel != "DU1" || !strings.Contains(got.Text, "R2P") {
		t.Errorf("answer %+v", got)
	}
	none(t, fs.responses, "an answer through no response_url")
}

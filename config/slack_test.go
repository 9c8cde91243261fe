package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlackSettings(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "bot-token")
	if err := os.WriteFile(tokenFile, []byte("xoxb-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		mode    string
		wantErr string
	}{
		{"no Slack settings is the console", nil, ModeConsole, ""},
		{"bot and app tokens are Socket Mode",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, ModeSocket, ""},
		{"bot token and signing secret are HTTP",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, ModeHTTP, ""},
		{"a token may come from a file",
			map[string]string{"SLACK_BOT_TOKEN_FILE": tokenFile, "SLACK_SIGNING_SECRET": "s"}, ModeHTTP, ""},
		{"a bot token alone is not enough",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "", "neither SLACK_APP_TOKEN"},
		{"an app token needs a bot token",
			map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "", "SLACK_BOT_TOKEN is not"},
		{"a signing secret needs a bot token",
			map[string]string{"SLACK_SIGNING_SECRET": "s"}, "", "SLACK_BOT_TOKEN is not"},
		{"a user token is not a bot token",
			map[string]string{"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_APP_TOKEN": "xapp-1"}, "", "not a bot token"},
		{"the tokens swapped",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "", "not an app-level token"},
		{"a variable and its file",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_BOT_TOKEN_FILE": tokenFile}, "", "both set"},
		{"a missing file",
			map[string]string{"SLACK_BOT_TOKEN_FILE": filepath.Join(dir, "nope"), "SLACK_SIGNING_SECRET": "s"}, "", "cannot read"},
		{"unpaced for a benchmark against a stand-in on this machine",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9901/api/", "FOCALBOT_BENCHMARK_UNPACED": "1"}, ModeHTTP, ""},
		{"unpaced against Slack itself is refused",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "FOCALBOT_BENCHMARK_UNPACED": "1"}, "", "loopback address"},
		{"unpaced is 1 or 0",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://localhost:1/api/", "FOCALBOT_BENCHMARK_UNPACED": "yes"}, "", "neither 1"},
		{"a bad API URL",
			map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.com"}, "", "SLACK_API_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("Load error = %v; want one line with %q", err, tc.wantErr)
				}
				for _, v := range tc.env {
					if strings.HasPrefix(v, "xox") && strings.Contains(err.Error(), v) {
						t.Errorf("the error shows a token: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Mode(); got != tc.mode {
				t.Errorf("Mode = %q; want %q", got, tc.mode)
			}
			if want := tc.env["FOCALBOT_BENCHMARK_UNPACED"] == "1"; c.SlackUnpaced != want {
				t.Errorf("SlackUnpaced = %v; want %v", c.SlackUnpaced, want)
			}
		})
	}
}

func TestSecretsAreNotPrinted(t *testing.T) {
	c, err := Load(func(k string) string {
		return map[string]string{"SLACK_BOT_TOKEN": "xoxb-t0ken", "SLACK_SIGNING_SECRET": "s1gning",
			"SLACK_API_URL": "http://localhost:1/api"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, "t0ken") || strings.Contains(s, "s1gning") {
			t.Errorf("printed config shows a secret: %s", s)
		}
	}
	if c.SlackBotToken.Value() != "xoxb-t0ken" {
		t.Errorf("Value = %q", c.SlackBotToken.Value())
	}
	if c.SlackAPIURL != "http://localhost:1/api/" {
		t.Errorf("SlackAPIURL = %q; want a trailing slash", c.SlackAPIURL)
	}
}

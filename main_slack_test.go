package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"focalbot/internal/syncbuf"
)

// TestSlackHTTPEndToEnd starts focalbot as a user would with a bot token
// and a signing secret, against a fake Slack, and has a conversation with it
// over the HTTP Events API.
func TestSlackHTTPEndToEnd(t *testing.T) {
	fake, posts := fakeWebAPI(t, slackUser{"U0RUTH001", "Ruth Adler", "ruth.adler@globalcentre.example.org", "America/New_York"})
	env(t, filepath.Join(t.TempDir(), "focalbot.db"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const secret, token = "e2e-signing-secret", "xoxb-e2e-t0ken"
	setenv(t, "SLACK_BOT_TOKEN", token)
	setenv(t, "SLACK_APP_TOKEN", "")
	setenv(t, "SLACK_SIGNING_SECRET", secret)
	setenv(t, "SLACK_API_URL", fake.GetAPIURL())
	setenv(t, "FOCALBOT_HTTP_ADDR", addr)

	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() { done <- runIn(t, ctx, nil, strings.NewReader(""), &bytes.Buffer{}, logs) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		if l := logs.String(); strings.Contains(l, token) || strings.Contains(l, secret) {
			t.Errorf("the logs show a secret:\n%s", l)
		}
	}()

	slackPost(t, addr, secret, "/slack/events", "application/json",
		`{"type":"event_callback","event_id":"EvE2E1","event":{"type":"message","channel_type":"im","channel":"D0RUTH","user":"U0RUTH001","text":"me","ts":"1.1"}}`)
	got := posts.waitFor(t, "D0RUTH: ")
	if !strings.Contains(got, "Role: secretariat") || !strings.Contains(got, "Slack: <@U0RUTH001>") {
		t.Errorf("reply %q", got)
	}
}

// TestSlackSettingsChecked proves a bad combination of Slack settings stops
// the start with one line, before anything else happens.
func TestSlackSettingsChecked(t *testing.T) {
	env(t, filepath.Join(t.TempDir(), "focalbot.db"))
	setenv(t, "SLACK_BOT_TOKEN", "")
	setenv(t, "SLACK_SIGNING_SECRET", "")
	setenv(t, "SLACK_APP_TOKEN", "xapp-1-t0ken")
	_, _, err := focalbot(t, "")
	if err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not") ||
		strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "t0ken") {
		t.Errorf("run = %v; want one line naming the missing setting", err)
	}
}

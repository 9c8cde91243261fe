package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIMAP(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	pw := filepath.Join(dir, "password")
	empty := filepath.Join(dir, "empty")
	for name, body := range map[string]string{token: "ya29.token\n", pw: "s3cret\n", empty: "\n"} {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const url = "imaps://secretariat%40example.org@mail.example.org/INBOX"

	c, err := Load(env(nil))
	if err != nil || c.IMAP != (IMAP{}) {
		t.Errorf("without FOCALBOT_IMAP_URL: %+v, %v; want no IMAP", c.IMAP, err)
	}
	c, err = Load(env(map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD_FILE": pw}))
	if err != nil || c.IMAP.URL != url || c.IMAP.Password.Value() != "s3cret" || c.IMAP.Poll != time.Minute || c.IMAP.Done != "" {
		t.Errorf("with a password file: %+v, %v", c.IMAP, err)
	}
	if s := fmt.Sprintf("%v %+v", c.IMAP, c.IMAP); strings.Contains(s, "s3cret") {
		t.Errorf("the password prints: %s", s)
	}
	c, err = Load(env(map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_TOKEN_FILE": token, "FOCALBOT_IMAP_POLL": "30s", "FOCALBOT_IMAP_DONE": "Replies/Done"}))
	if err != nil || c.IMAP.TokenFile != token || c.IMAP.Poll != 30*time.Second || c.IMAP.Done != "Replies/Done" {
		t.Errorf("with a token file: %+v, %v", c.IMAP, err)
	}

	for _, tc := range []struct {
		env  map[string]string
		name string // the setting the error names first
		says string
	}{
		{map[string]string{"FOCALBOT_IMAP_PASSWORD": "s3cret"}, "FOCALBOT_IMAP_PASSWORD", "FOCALBOT_IMAP_URL is not"},
		{map[string]string{"FOCALBOT_IMAP_URL": "https://mail.example.org/INBOX", "FOCALBOT_IMAP_PASSWORD": "s3cret"}, "FOCALBOT_IMAP_URL", "not an IMAP URL"},
		{map[string]string{"FOCALBOT_IMAP_URL": "imaps://mail.example.org/INBOX", "FOCALBOT_IMAP_PASSWORD": "s3cret"}, "FOCALBOT_IMAP_URL", "no user"},
		{map[string]string{"FOCALBOT_IMAP_URL": "imaps://me:s3cret@mail.example.org/INBOX"}, "FOCALBOT_IMAP_URL", "holds a password"},
		{map[string]string{"FOCALBOT_IMAP_URL": url}, "FOCALBOT_IMAP_URL", "neither FOCALBOT_IMAP_PASSWORD"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD": "s3cret", "FOCALBOT_IMAP_TOKEN_FILE": token}, "FOCALBOT_IMAP_TOKEN_FILE", "set one of them"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD": "s3cret", "FOCALBOT_IMAP_PASSWORD_FILE": pw}, "FOCALBOT_IMAP_PASSWORD", "set one of them"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_TOKEN_FILE": filepath.Join(dir, "missing")}, "FOCALBOT_IMAP_TOKEN_FILE", "cannot read"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_TOKEN_FILE": empty}, "FOCALBOT_IMAP_TOKEN_FILE", "is empty"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD": "s3cret", "FOCALBOT_IMAP_POLL": "often"}, "FOCALBOT_IMAP_POLL", "between 1s and 24h"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD": "s3cret", "FOCALBOT_IMAP_POLL": "10ms"}, "FOCALBOT_IMAP_POLL", "between 1s and 24h"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD": "s3cret", "FOCALBOT_IMAP_DONE": "inbox"}, "FOCALBOT_IMAP_DONE", "the mailbox being read"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD": "s3cret", "FOCALBOT_IMAP_CA_FILE": empty}, "FOCALBOT_IMAP_CA_FILE", "no PEM certificate"},
		{map[string]string{"FOCALBOT_IMAP_URL": url, "FOCALBOT_IMAP_PASSWORD": "s3cret", "FOCALBOT_IMAP_CA_FILE": filepath.Join(dir, "missing")}, "FOCALBOT_IMAP_CA_FILE", "cannot read"},
		{map[string]string{"FOCALBOT_IMAP_CA_FILE": empty}, "FOCALBOT_IMAP_CA_FILE", "FOCALBOT_IMAP_URL is not"},
	} {
		_, err := Load(env(tc.env))
		if err == nil || !strings.HasPrefix(err.Error(), tc.name) || !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error %v, want one line naming %s and saying %q", tc.env, err, tc.name, tc.says)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%v: the error shows the password: %v", tc.env, err)
		}
	}
}

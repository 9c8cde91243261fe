package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "data" || c.DB != filepath.Join("data", "focalbot.db") || !reflect.DeepEqual(c.Secretariat, []string{"secretariat@example.org"}) ||
		c.TimeZone != "America/New_York" || c.LogFormat != "text" || c.LogLevel != slog.LevelInfo {
		t.Errorf("Load() = %+v, want the documented defaults", c)
	}
	if c.ConsoleUser() != "secretariat@example.org" {
		t.Errorf("ConsoleUser = %q", c.ConsoleUser())
	}
}

func TestFileAndEnvironment(t *testing.T) {
	file := filepath.Join(t.TempDir(), "focalbot.env")
	body := "# settings\nFOCALBOT_DATA_DIR=/var/lib/focalbot\nFOCALBOT_TZ=Europe/Copenhagen\nFOCALBOT_SECRETARIAT=U0SECRET01, Ruth@Example.org\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"FOCALBOT_CONFIG": file, "FOCALBOT_TZ": "africa/accra", "FOCALBOT_LOG_LEVEL": "debug"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/var/lib/focalbot" || c.DB != "/var/lib/focalbot/focalbot.db" {
		t.Errorf("the file's data dir was not used: %+v", c)
	}
	if c.TimeZone != "Africa/Accra" {
		t.Errorf("the environment should win over the file, and the zone be its IANA name: tz = %q", c.TimeZone)
	}
	if !reflect.DeepEqual(c.Secretariat, []string{"U0SECRET01", "ruth@example.org"}) || c.ConsoleUser() != "ruth@example.org" {
		t.Errorf("secretariat = %v, console user %q", c.Secretariat, c.ConsoleUser())
	}
	if c.LogLevel != slog.LevelDebug {
		t.Errorf("log level = %v", c.LogLevel)
	}
}

func TestBadValuesNameTheSetting(t *testing.T) {
	for _, c := range []struct{ name, value, says string }{
		{"FOCALBOT_TZ", "Mars/Base", "IANA"},
		{"FOCALBOT_TZ", "Local", "IANA"},
		{"FOCALBOT_LANGUAGE", "pt", "en, ar, zh-Hans, fr, ru or es"},
		{"FOCALBOT_LANGUAGE", "not a language", "en, ar, zh-Hans, fr, ru or es"},
		{"FOCALBOT_LOG_FORMAT", "xml", "text or json"},
		{"FOCALBOT_LOG_LEVEL", "loud", "debug, info, warn or error"},
		{"FOCALBOT_SECRETARIAT", "ruth", "not an e-mail address or a Slack user ID"},
		{"FOCALBOT_CONFIG", "/nonexistent/focalbot.env", "cannot read"},
		{"FOCALBOT_SMTP_URL", "ftp://user:s3cret@mail.example.org", "not an SMTP URL"},
		{"FOCALBOT_MAIL_FROM", "the secretariat", "not a mailbox"},
		{"FOCALBOT_PUBLIC_URL", "focalbot.example.org", "not an http(s) URL"},
	} {
		_, err := Load(env(map[string]string{c.name: c.value}))
		if err == nil || !strings.HasPrefix(err.Error(), c.name+": ") || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%s: error %v, want one line naming the setting and saying %q", c.name, c.value, err, c.says)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", c.name, err)
		}
	}
}

func TestMailFrom(t *testing.T) {
	c, err := Load(env(map[string]string{"FOCALBOT_MAIL_FROM": "Global Centre <Secretariat@GlobalR2P.example.org>"}))
	if err != nil || c.MailFrom != "secretariat@globalr2p.example.org" || c.MailFromName != "Global Centre" {
		t.Errorf("MailFrom = %q %q, %v", c.MailFromName, c.MailFrom, err)
	}
	if c, _ := Load(env(nil)); c.MailFrom != "secretariat@example.org" {
		t.Errorf("default MailFrom = %q, want the first secretariat e-mail", c.MailFrom)
	}
}

// Package config reads focalbot's settings from the environment and, when
// FOCALBOT_CONFIG names one, from a file of KEY=VALUE lines; the environment
// wins. It validates every value and knows nothing of the packages it configures.
package config

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/joho/godotenv"

	"focalbot/model"
)

// Config is every setting focalbot reads.
type Config struct {
	DataDir     string     // FOCALBOT_DATA_DIR: where the SQLite file and outboxes live
	DB          string     // FOCALBOT_DB: a postgres:// DSN or a SQLite file path
	Secretariat []string   // FOCALBOT_SECRETARIAT: e-mails or Slack IDs bootstrapped as secretariat
	TimeZone    string     // FOCALBOT_TZ: the secretariat's IANA zone
	LogFormat   string     // FOCALBOT_LOG_FORMAT: text or json
	LogLevel    slog.Level // FOCALBOT_LOG_LEVEL: debug, info, warn or error
}

// Setting describes one environment variable, for validation and the README.
type Setting struct {
	Name, Default, Help string
}

// Settings lists every variable Load reads, with its default.
var Settings = []Setting{
	{"FOCALBOT_CONFIG", "", "optional file of KEY=VALUE lines read before the environment"},
	{"FOCALBOT_DATA_DIR", "data", "directory for the embedded SQLite database and local outboxes"},
	{"FOCALBOT_DB", "<data dir>/focalbot.db", "SQLite file path, or a postgres:// DSN"},
	{"FOCALBOT_SECRETARIAT", "secretariat@example.org", "comma-separated e-mails or Slack user IDs made secretariat on first start"},
	{"FOCALBOT_TZ", "America/New_York", "the secretariat's IANA time zone"},
	{"FOCALBOT_LOG_FORMAT", "text", "log format: text or json"},
	{"FOCALBOT_LOG_LEVEL", "info", "log level: debug, info, warn or error"},
}

// Load reads the configuration through getenv (os.Getenv in production).
// Its error is one line naming the setting and what is wrong with it.
func Load(getenv func(string) string) (Config, error) {
	file := map[string]string{}
	if path := getenv("FOCALBOT_CONFIG"); path != "" {
		var err error
		if file, err = godotenv.Read(path); err != nil {
			return Config{}, fmt.Errorf("FOCALBOT_CONFIG: cannot read %s: %v", path, err)
		}
	}
	lookup := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return strings.TrimSpace(file[name])
	}
	get := func(name string) string {
		if v := lookup(name); v != "" {
			return v
		}
		for _, s := range Settings {
			if s.Name == name {
				return s.Default
			}
		}
		return ""
	}

	c := Config{
		DataDir:   get("FOCALBOT_DATA_DIR"),
		DB:        lookup("FOCALBOT_DB"),
		TimeZone:  get("FOCALBOT_TZ"),
		LogFormat: get("FOCALBOT_LOG_FORMAT"),
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "focalbot.db")
	}
	if _, err := model.LoadZone(c.TimeZone); err != nil {
		return Config{}, fmt.Errorf("FOCALBOT_TZ: unknown time zone %q (use an IANA name such as America/New_York)", c.TimeZone)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return Config{}, fmt.Errorf("FOCALBOT_LOG_FORMAT: %q is not a log format (use text or json)", c.LogFormat)
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("FOCALBOT_LOG_LEVEL"))); err != nil {
		return Config{}, fmt.Errorf("FOCALBOT_LOG_LEVEL: %q is not a log level (use debug, info, warn or error)", get("FOCALBOT_LOG_LEVEL"))
	}
	for _, id := range strings.Split(get("FOCALBOT_SECRETARIAT"), ",") {
		id = strings.TrimSpace(id)
		switch {
		case id == "":
		case strings.Contains(id, "@"):
			id = model.NormalizeEmail(id)
			if err := model.ValidateEmail(id); err != nil {
				return Config{}, fmt.Errorf("FOCALBOT_SECRETARIAT: %q is not an e-mail address or a Slack user ID", id)
			}
			c.Secretariat = append(c.Secretariat, id)
		case model.IsSlackUserID(id):
			c.Secretariat = append(c.Secretariat, id)
		default:
			return Config{}, fmt.Errorf("FOCALBOT_SECRETARIAT: %q is not an e-mail address or a Slack user ID", id)
		}
	}
	return c, nil
}

// ConsoleUser is who the console speaks as when --as is not given: the first
// secretariat e-mail address.
func (c Config) ConsoleUser() string {
	for _, id := range c.Secretariat {
		if strings.Contains(id, "@") {
			return id
		}
	}
	return ""
}

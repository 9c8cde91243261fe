// Package config reads focalbot's settings from the environment and, when
// FOCALBOT_CONFIG names one, from a file of KEY=VALUE lines; the environment
// wins. It validates every value and knows nothing of the packages it configures.
package config

import (
	"fmt"
	"focalbot/i18n"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
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
	Language    string     // FOCALBOT_LANGUAGE: the network's language, for readers who set none
	LogFormat   string     // FOCALBOT_LOG_FORMAT: text or json
	LogLevel    slog.Level // FOCALBOT_LOG_LEVEL: debug, info, warn or error
	LogLevelSet bool       // FOCALBOT_LOG_LEVEL was given, not defaulted

	SlackBotToken      Secret // SLACK_BOT_TOKEN(_FILE): xoxb-…; none means the console
	SlackAppToken      Secret // SLACK_APP_TOKEN(_FILE): xapp-…; chooses Socket Mode
	SlackSigningSecret Secret // SLACK_SIGNING_SECRET(_FILE): verifies HTTP requests from Slack
	SlackAPIURL        string // SLACK_API_URL: the Web API's base URL, ending in a slash
	SlackUnpaced       bool   // FOCALBOT_BENCHMARK_UNPACED: benchmarks only, Web API calls not paced to Slack's limits
	HTTPAddr           string // FOCALBOT_HTTP_ADDR: where the HTTP Events API, the feeds, health and metrics are served
	HTTPAddrSet        bool   // FOCALBOT_HTTP_ADDR was given, not defaulted: the console serves health and metrics there
	PublicURL          string // FOCALBOT_PUBLIC_URL: base URL of the HTTP server, for feed links
	SMTPURL            Secret // FOCALBOT_SMTP_URL(_FILE): where mail goes; none means .eml files
	MailFrom           string // FOCALBOT_MAIL_FROM: the organiser's address
	MailFromName       string // its display name, when FOCALBOT_MAIL_FROM gives one

	IMAP IMAP // FOCALBOT_IMAP_*: calendar replies read from a mailbox (config/imap.go)
}

// Secret is a setting never to be shown: it prints and logs as "(hidden)".
type Secret string

// String hides the secret.
func (Secret) String() string { return "(hidden)" }

// GoString hides the secret from %#v.
func (Secret) GoString() string { return "(hidden)" }

// LogValue hides the secret from log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("(hidden)") }

// Value is the secret itself.
func (s Secret) Value() string { return string(s) }

// Ways of running the bot, by which Slack settings are given.
const (
	ModeConsole = "console" // no Slack bot token
	ModeSocket  = "socket"  // bot token and app-level token: Slack Socket Mode
	ModeHTTP    = "http"    // bot token and signing secret: the HTTP Events API
)

// Mode is how the bot meets its users, chosen by the Slack settings.
func (c Config) Mode() string {
	switch {
	case c.SlackBotToken == "":
		return ModeConsole
	case c.SlackAppToken != "":
		return ModeSocket
	}
	return ModeHTTP
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
	{"FOCALBOT_LANGUAGE", "en", "the language of readers who have none in their profile nor from Slack: en, ar, zh-Hans, fr, ru or es"},
	{"FOCALBOT_LOG_FORMAT", "text", "log format: text or json"},
	{"FOCALBOT_LOG_LEVEL", "info", "log level: debug, info, warn or error"},
	{"SLACK_BOT_TOKEN", "", "the Slack app's bot token (xoxb-…); without it the bot runs in the console"},
	{"SLACK_BOT_TOKEN_FILE", "", "a file holding SLACK_BOT_TOKEN, instead of the variable"},
	{"SLACK_APP_TOKEN", "", "an app-level token (xapp-…) with connections:write: run in Socket Mode"},
	{"SLACK_APP_TOKEN_FILE", "", "a file holding SLACK_APP_TOKEN, instead of the variable"},
	{"SLACK_SIGNING_SECRET", "", "the app's signing secret: serve the HTTP Events API (when there is no app token)"},
	{"SLACK_SIGNING_SECRET_FILE", "", "a file holding SLACK_SIGNING_SECRET, instead of the variable"},
	{"SLACK_API_URL", "https://slack.com/api/", "the Slack Web API's base URL (GovSlack: https://slack-gov.com/api/)"},
	{"FOCALBOT_BENCHMARK_UNPACED", "", "benchmarks only: 1 lifts the pacing of Slack Web API calls to Slack's rate limits, to measure the bot rather than the limits; refused unless SLACK_API_URL is on a loopback address (a stand-in for Slack such as bench/loadgen)"},
	{"FOCALBOT_HTTP_ADDR", ":8080", "address of the HTTP server: Slack's HTTP Events API (events, slash commands, interactivity), the calendar feeds, /healthz, /readyz and /metrics"},
	{"FOCALBOT_PUBLIC_URL", "", "the public base URL of focalbot's HTTP server, e.g. https://focalbot.example.org: serves calendar feeds (at FOCALBOT_HTTP_ADDR) and makes their links"},
	{"FOCALBOT_SMTP_URL", "", "where invitations are mailed: smtp://user:password@host:587 (STARTTLS) or smtps://…:465, ?connections=N (default 3); without it, .eml files in <data dir>/outbox"},
	{"FOCALBOT_SMTP_URL_FILE", "", "a file holding FOCALBOT_SMTP_URL, instead of the variable"},
	{"FOCALBOT_MAIL_FROM", "<first e-mail of FOCALBOT_SECRETARIAT>", "the organiser's mailbox invitations come from and replies go to, e.g. \"Global Centre <secretariat@example.org>\""},
	{"FOCALBOT_IMAP_URL", "", "read calendar replies from this mailbox: imaps://user@mail.example.org/INBOX (TLS), or imap://… (STARTTLS); the user percent-encoded (secretariat%40example.org), no password in it"},
	{"FOCALBOT_IMAP_PASSWORD", "", "the mailbox's password (an app password where the provider has them)"},
	{"FOCALBOT_IMAP_PASSWORD_FILE", "", "a file holding FOCALBOT_IMAP_PASSWORD, instead of the variable"},
	{"FOCALBOT_IMAP_TOKEN_FILE", "", "a file holding an OAuth2 access token, read again at every login (XOAUTH2 or OAUTHBEARER), instead of a password"},
	{"FOCALBOT_IMAP_POLL", "1m", "how often to look for new mail when the server has no IDLE, and to try again a message that could not be stored"},
	{"FOCALBOT_IMAP_CA_FILE", "", "a PEM file of the certificates to trust for the IMAP server (a private CA), instead of the system's"},
	{"FOCALBOT_IMAP_DONE", "", "a folder to move handled messages to; without it they are flagged \\Seen and $Focalbot where they are"},
}

// Load reads the configuration through getenv: the program's environment,
// os.Getenv when focalbot runs from a shell, a test's own otherwise.
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
		Language:  get("FOCALBOT_LANGUAGE"),
		LogFormat: get("FOCALBOT_LOG_FORMAT"),
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "focalbot.db")
	}
	if !i18n.Supported(c.Language) {
		return Config{}, fmt.Errorf("FOCALBOT_LANGUAGE: focalbot does not write %q: use en, ar, zh-Hans, fr, ru or es", c.Language)
	}
	loc, err := model.LoadZone(c.TimeZone)
	if err != nil {
		return Config{}, fmt.Errorf("FOCALBOT_TZ: unknown time zone %q (use an IANA name such as America/New_York)", c.TimeZone)
	}
	c.TimeZone = loc.String() // the IANA name, as chat reads zones ("new york": America/New_York)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return Config{}, fmt.Errorf("FOCALBOT_LOG_FORMAT: %q is not a log format (use text or json)", c.LogFormat)
	}
	c.LogLevelSet = lookup("FOCALBOT_LOG_LEVEL") != ""
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
	if c.PublicURL = strings.TrimSuffix(lookup("FOCALBOT_PUBLIC_URL"), "/"); c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Config{}, fmt.Errorf("FOCALBOT_PUBLIC_URL: %q is not an http(s) URL, e.g. https://focalbot.example.org", c.PublicURL)
		}
	}
	if err := c.loadMail(lookup); err != nil {
		return Config{}, err
	}
	if err := c.loadSlack(lookup, get); err != nil {
		return Config{}, err
	}
	if err := c.loadIMAP(lookup, get); err != nil {
		return Config{}, err
	}
	return c, nil
}

// readSecret reads a secret from the variable name or from the file that
// name_FILE names, never both.
func readSecret(lookup func(string) string, name string) (Secret, error) {
	v, path := lookup(name), lookup(name+"_FILE")
	if v != "" && path != "" {
		return "", fmt.Errorf("%s and %s_FILE are both set; set one of them", name, name)
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: cannot read %s: %v", name, path, err)
		}
		if v = strings.TrimSpace(string(b)); v == "" {
			return "", fmt.Errorf("%s_FILE: %s is empty", name, path)
		}
	}
	return Secret(v), nil
}

// loadSlack reads and checks the Slack settings: a bad combination is an error.
func (c *Config) loadSlack(lookup, get func(string) string) error {
	secret := func(name string) (Secret, error) { return readSecret(lookup, name) }
	var err error
	if c.SlackBotToken, err = secret("SLACK_BOT_TOKEN"); err != nil {
		return err
	}
	if c.SlackAppToken, err = secret("SLACK_APP_TOKEN"); err != nil {
		return err
	}
	if c.SlackSigningSecret, err = secret("SLACK_SIGNING_SECRET"); err != nil {
		return err
	}
	bot, app := c.SlackBotToken.Value(), c.SlackAppToken.Value()
	switch {
	case bot != "" && !strings.HasPrefix(bot, "xoxb-"):
		return fmt.Errorf("SLACK_BOT_TOKEN: not a bot token (it starts with xoxb-; see OAuth & Permissions in the app's settings)")
	case app != "" && !strings.HasPrefix(app, "xapp-"):
		return fmt.Errorf("SLACK_APP_TOKEN: not an app-level token (it starts with xapp-; see Basic Information, App-Level Tokens)")
	case bot == "" && app != "":
		return fmt.Errorf("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Socket Mode needs both")
	case bot == "" && c.SlackSigningSecret != "":
		return fmt.Errorf("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not: the HTTP Events API needs both")
	case bot != "" && app == "" && c.SlackSigningSecret == "":
		return fmt.Errorf("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP Events API) is")
	}
	c.SlackAPIURL = get("SLACK_API_URL")
	if u, err := url.Parse(c.SlackAPIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("SLACK_API_URL: %q is not an http(s) URL, e.g. https://slack.com/api/", c.SlackAPIURL)
	}
	if !strings.HasSuffix(c.SlackAPIURL, "/") {
		c.SlackAPIURL += "/"
	}
	switch v := lookup("FOCALBOT_BENCHMARK_UNPACED"); v {
	case "", "0":
	case "1":
		if u, _ := url.Parse(c.SlackAPIURL); !loopback(u.Hostname()) {
			return fmt.Errorf("FOCALBOT_BENCHMARK_UNPACED: only for benchmarks against a stand-in for Slack on this machine: SLACK_API_URL must be on a loopback address such as http://127.0.0.1:9901/api/, not %s", u.Host)
		}
		c.SlackUnpaced = true
	default:
		return fmt.Errorf("FOCALBOT_BENCHMARK_UNPACED: %q is neither 1 (lift the pacing, for a benchmark) nor 0", v)
	}
	c.HTTPAddr = get("FOCALBOT_HTTP_ADDR")
	c.HTTPAddrSet = lookup("FOCALBOT_HTTP_ADDR") != ""
	return nil
}

// loopback reports whether host is this machine: localhost or a loopback IP.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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

// loadMail reads and checks the mail settings.
func (c *Config) loadMail(lookup func(string) string) error {
	var err error
	if c.SMTPURL, err = readSecret(lookup, "FOCALBOT_SMTP_URL"); err != nil {
		return err
	}
	if u := c.SMTPURL.Value(); u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "smtp" && p.Scheme != "smtps") || p.Host == "" {
			return fmt.Errorf("FOCALBOT_SMTP_URL: not an SMTP URL (write smtp://user:password@host:587 or smtps://user:password@host:465)")
		}
	}
	from := lookup("FOCALBOT_MAIL_FROM")
	if from == "" {
		c.MailFrom = c.ConsoleUser()
		return nil
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("FOCALBOT_MAIL_FROM: %q is not a mailbox (write name@example.org or \"Name <name@example.org>\")", from)
	}
	c.MailFrom, c.MailFromName = model.NormalizeEmail(a.Address), a.Name
	return nil
}

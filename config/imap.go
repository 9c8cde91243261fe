package config

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// IMAP is where calendar replies are read from by IMAP; URL empty: not at all.
type IMAP struct {
	URL       string        // FOCALBOT_IMAP_URL: imaps://user@host/Mailbox, or imap:// with STARTTLS; no password in it
	Password  Secret        // FOCALBOT_IMAP_PASSWORD(_FILE)
	TokenFile string        // FOCALBOT_IMAP_TOKEN_FILE: an OAuth2 access token, read again at every login
	Poll      time.Duration // FOCALBOT_IMAP_POLL: how often to look when the server has no IDLE
	Done      string        // FOCALBOT_IMAP_DONE: a folder to move handled messages to; empty: flag them
	CAFile    string        // FOCALBOT_IMAP_CA_FILE: PEM certificates to trust instead of the system's
}

// imapNames are the IMAP variables besides the URL.
var imapNames = []string{"FOCALBOT_IMAP_PASSWORD", "FOCALBOT_IMAP_PASSWORD_FILE", "FOCALBOT_IMAP_TOKEN_FILE", "FOCALBOT_IMAP_POLL", "FOCALBOT_IMAP_DONE", "FOCALBOT_IMAP_CA_FILE"}

// loadIMAP reads and checks the IMAP settings.
func (c *Config) loadIMAP(lookup, get func(string) string) error {
	c.IMAP.URL = lookup("FOCALBOT_IMAP_URL")
	if c.IMAP.URL == "" {
		for _, name := range imapNames {
			if lookup(name) != "" {
				return fmt.Errorf("%s is set but FOCALBOT_IMAP_URL is not: set the mailbox to read, e.g. imaps://secretariat%%40example.org@mail.example.org/INBOX", name)
			}
		}
		return nil
	}
	u, err := url.Parse(c.IMAP.URL)
	switch {
	case err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Hostname() == "":
		return fmt.Errorf("FOCALBOT_IMAP_URL: not an IMAP URL (write imaps://user@mail.example.org/INBOX, or imap://… for STARTTLS)")
	case u.User == nil || u.User.Username() == "":
		return fmt.Errorf("FOCALBOT_IMAP_URL: no user; write it before the host: imaps://secretariat%%40example.org@%s/INBOX", u.Host)
	case hasPassword(u):
		c.IMAP.URL = ""
		return fmt.Errorf("FOCALBOT_IMAP_URL: it holds a password; take it out and set FOCALBOT_IMAP_PASSWORD_FILE instead")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("FOCALBOT_IMAP_URL: the URL takes no ?query or #fragment")
	}
	if c.IMAP.Password, err = readSecret(lookup, "FOCALBOT_IMAP_PASSWORD"); err != nil {
		return err
	}
	c.IMAP.TokenFile = lookup("FOCALBOT_IMAP_TOKEN_FILE")
	switch {
	case c.IMAP.Password == "" && c.IMAP.TokenFile == "":
		return fmt.Errorf("FOCALBOT_IMAP_URL is set but neither FOCALBOT_IMAP_PASSWORD(_FILE) nor FOCALBOT_IMAP_TOKEN_FILE is: say how to log in")
	case c.IMAP.Password != "" && c.IMAP.TokenFile != "":
		return fmt.Errorf("FOCALBOT_IMAP_TOKEN_FILE and FOCALBOT_IMAP_PASSWORD are both set; set one of them")
	case c.IMAP.TokenFile != "":
		b, err := os.ReadFile(c.IMAP.TokenFile)
		if err != nil {
			return fmt.Errorf("FOCALBOT_IMAP_TOKEN_FILE: cannot read %s: %v", c.IMAP.TokenFile, err)
		}
		if strings.TrimSpace(string(b)) == "" {
			return fmt.Errorf("FOCALBOT_IMAP_TOKEN_FILE: %s is empty", c.IMAP.TokenFile)
		}
	}
	poll := get("FOCALBOT_IMAP_POLL")
	if c.IMAP.Poll, err = time.ParseDuration(poll); err != nil || c.IMAP.Poll < time.Second || c.IMAP.Poll > 24*time.Hour {
		return fmt.Errorf("FOCALBOT_IMAP_POLL: %q is not a duration between 1s and 24h, e.g. 1m or 30s", poll)
	}
	c.IMAP.Done = lookup("FOCALBOT_IMAP_DONE")
	mbox := strings.Trim(u.Path, "/")
	if mbox == "" {
		mbox = "INBOX"
	}
	if c.IMAP.Done != "" && strings.EqualFold(c.IMAP.Done, mbox) {
		return fmt.Errorf("FOCALBOT_IMAP_DONE: %q is the mailbox being read; name another folder, e.g. Replies/Done", c.IMAP.Done)
	}
	if c.IMAP.CAFile = lookup("FOCALBOT_IMAP_CA_FILE"); c.IMAP.CAFile != "" {
		b, err := os.ReadFile(c.IMAP.CAFile)
		if err != nil {
			return fmt.Errorf("FOCALBOT_IMAP_CA_FILE: cannot read %s: %v", c.IMAP.CAFile, err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(b) {
			return fmt.Errorf("FOCALBOT_IMAP_CA_FILE: %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", c.IMAP.CAFile)
		}
	}
	return nil
}

func hasPassword(u *url.URL) bool {
	_, ok := u.User.Password()
	return ok
}

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"focalbot/mail"
)

// invitationUID finds the calendar UID and SEQUENCE of the invitation
// mailed to whom, in the outbox folder, as the invitee's client reads it.
func invitationUID(t *testing.T, whom string) (uid, seq string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(getenvOf(t, "FOCALBOT_DATA_DIR"), "outbox", "*.eml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(b, []byte("To: "+whom)) && !bytes.Contains(b, []byte("<"+whom+">")) {
			continue
		}
		_, ics, _, err := mail.ExtractCalendar(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		u := regexp.MustCompile(`(?m)^UID:(\S+)\r?$`).FindSubmatch(ics)
		s := regexp.MustCompile(`(?m)^SEQUENCE:(\d+)\r?$`).FindSubmatch(ics)
		if u != nil && s != nil {
			return string(u[1]), string(s[1])
		}
	}
	t.Fatalf("no invitation to %s in the outbox folder (%d files)", whom, len(files))
	return "", ""
}

// outlookReply is a reply as Outlook sends it: no ORGANIZER, MAILTO: in
// capitals, a Windows zone name.
func outlookReply(from, uid, seq, partstat, msgID string) string {
	return strings.ReplaceAll(fmt.Sprintf(`From: %[1]s
To: ruth.adler@globalcentre.example.org
Subject: Accepted: Network meeting
Message-ID: <%[5]s>
MIME-Version: 1.0
Content-Type: text/calendar; charset="utf-8"; method=REPLY

BEGIN:VCALENDAR
METHOD:REPLY
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VEVENT
ATTENDEE;PARTSTAT=%[4]s:MAILTO:%[1]s
DTSTART;TZID=Eastern Standard Time:20270929T100000
UID:%[2]s
SEQUENCE:%[3]s
DTSTAMP:20260101T120000Z
END:VEVENT
END:VCALENDAR
`, from, uid, seq, partstat, msgID), "\n", "\r\n")
}

// TestInboxFromTheMailServer: a reply piped to focalbot inbox changes
// status as rsvp would, once however often the mail server delivers it;
// a stranger's changes nothing and inbox says why; a database that cannot
// be opened exits 75, for the mail server to try again.
func TestInboxFromTheMailServer(t *testing.T) {
	ruth := "ruth.adler@globalcentre.example.org"
	forEachBackend(t, func(t *testing.T) {
		mustRun(t, "", "import", "examples/r2p-2012.csv")
		mustRun(t, "meeting create title=\"Network meeting\" start=\"2027-09-29 10:00\" end=17:00 tz=America/New_York venue=\"New York\"\ninvite 1 Ghana, Denmark\n", "--as", ruth)
		uid, seq := invitationUID(t, "kwame.boateng@gh.example.org")

		raw := outlookReply("Kwame.Boateng@GH.example.org", uid, seq, "ACCEPTED", "r1@gh.example.org")
		for i := range 2 {
			out, errs, err := focalbot(t, raw, "inbox")
			if code := exitCode(err); code != 0 {
				t.Fatalf("delivery %d: exit %d: %v\n%s", i+1, code, err, errs)
			}
			if want := []string{"handled: recorded", "received before"}[i]; !strings.Contains(out, want) {
				t.Errorf("delivery %d says %q, want %q", i+1, out, want)
			}
		}
		status := mustRun(t, "status 1\n", "--as", ruth)
		if !strings.Contains(status, "coming: 1, maybe: 0, not coming: 0, no answer yet: 3") {
			t.Errorf("status after the reply:\n%s", status)
		}
		audit := mustRun(t, "audit Ghana\n", "--as", ruth)
		if n := strings.Count(audit, "(by e-mail)"); n != 1 {
			t.Errorf("the audit log shows %d answers by e-mail, want 1:\n%s", n, audit)
		}

		forged := outlookReply("mette.sorensen@dk.example.org", uid, seq, "DECLINED", "f1@elsewhere.example")
		forged = strings.Replace(forged, "From: mette.sorensen@dk.example.org", "From: eve@elsewhere.example", 1)
		if out, errs, err := focalbot(t, forged, "inbox"); exitCode(err) != 0 || !strings.Contains(out, "refused") {
			t.Fatalf("a stranger's reply: exit %d, %q %s", exitCode(err), out, errs)
		}
		// The mail server's log reads in the network's language.
		setenv(t, "FOCALBOT_LANGUAGE", "fr")
		forgedFr := strings.Replace(forged, "f1@elsewhere.example", "f2@elsewhere.example", 1)
		if out, errs, err := focalbot(t, forgedFr, "inbox"); exitCode(err) != 0 || !strings.Contains(out, ": rien (le message provient de eve@elsewhere.example, qui n'est ni le participant") {
			t.Fatalf("a stranger's reply, in French: exit %d, %q %s", exitCode(err), out, errs)
		}
		setenv(t, "FOCALBOT_LANGUAGE", "en")
		if _, _, err := focalbot(t, "not a mail at all\x00\x01", "inbox"); exitCode(err) != 0 {
			t.Fatalf("garbage: exit %d: %v", exitCode(err), err)
		}
		inbox := mustRun(t, "inbox\n", "--as", ruth)
		for _, want := range []string{"Held or refused, and why:", "neither the attendee mette.sorensen@dk.example.org", "handled  calendar reply from Kwame.Boateng@GH.example.org"} {
			if !strings.Contains(inbox, want) {
				t.Errorf("inbox does not say %q:\n%s", want, inbox)
			}
		}
		if out := mustRun(t, "inbox\n", "--as", "kwame.boateng@gh.example.org"); !strings.Contains(out, "Only the secretariat") {
			t.Errorf("a focal point's inbox:\n%s", out)
		}
		if status := mustRun(t, "status 1\n", "--as", ruth); !strings.Contains(status, "coming: 1, maybe: 0, not coming: 0, no answer yet: 3") {
			t.Errorf("status after the forged reply:\n%s", status)
		}
	})

	t.Run("the database cannot be opened", func(t *testing.T) {
		dir := t.TempDir()
		blocker := filepath.Join(dir, "file")
		if err := os.WriteFile(blocker, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		env(t, filepath.Join(blocker, "focalbot.db")) // a directory that cannot exist
		_, _, err := focalbot(t, outlookReply("kwame.boateng@gh.example.org", "x@y", "0", "ACCEPTED", "t1@gh.example.org"), "inbox")
		if code := exitCode(err); code != 75 {
			t.Fatalf("exit %d (%v), want 75", code, err)
		}
	})
}

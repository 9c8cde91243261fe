package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/config"
	"focalbot/i18n"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/internal/syncbuf"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// subjectKind is which of focalbot's mails raw is by its subject, in
// whichever of the catalog's languages it is written ("Reminder:",
// "Invitation:", "Updated invitation:", "Weekly digest", "Good morning"),
// or "".
func subjectKind(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("an unreadable mail: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("an unreadable subject %q: %v", msg.Header.Get("Subject"), err)
	}
	for _, notice := range []string{"Weekly digest", "Good morning"} { // to the secretariat, in English
		if strings.HasPrefix(subject, notice) {
			return notice
		}
	}
	for _, tag := range i18n.Languages {
		pr := i18n.Printer(tag)
		for kind, format := range map[string]string{"Reminder:": "Reminder: %s, %s", "Invitation:": "Invitation: %s, %s",
			"Updated invitation:": "Updated invitation: %s, %s"} {
			prefix, _, _ := strings.Cut(pr.Sprintf(format, "\x00", "\x00"), "\x00")
			if strings.HasPrefix(subject, prefix) {
				return kind
			}
		}
	}
	return ""
}

// focalbot runs the program as a user would, with input and the environment
// set up for this test, and returns what it printed.
func focalbot(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = runIn(t, context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func forEachBackend(t *testing.T, fn func(t *testing.T)) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			env(t, b.DSN(t))
			fn(t)
		})
	}
}

func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errs, err := focalbot(t, stdin, args...)
	if err != nil {
		t.Fatalf("focalbot %v: %v\nstderr: %s", args, err, errs)
	}
	return out
}

// TestSampleRoster imports the sample file, checks coverage, imports it again
// (nothing changes) and round-trips it through export.
func TestSampleRoster(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		out := mustRun(t, "", "import", "--dry-run", "examples/r2p-2012.csv")
		if !strings.Contains(out, "it would create 20, update 1 and leave 0 unchanged") {
			t.Fatalf("dry run: %s", out)
		}
		if out := mustRun(t, "coverage\n"); !strings.Contains(out, "0 of 193") {
			t.Fatalf("the dry run wrote something: %s", out)
		}
		// Ruth Adler was bootstrapped from FOCALBOT_SECRETARIAT by the runs above.
		out = mustRun(t, "", "import", "examples/r2p-2012.csv")
		if !strings.Contains(out, "20 created, 1 updated, 0 unchanged") {
			t.Fatalf("import: %s", out)
		}
		out = mustRun(t, "coverage\n")
		for _, want := range []string{"17 of 193", "African: 4 of 54", "Asia-Pacific: 3 of 54", "Eastern European: 2 of 23",
			"Latin American and Caribbean: 4 of 33", "Western European and Others: 4 of 29", "Australia, Denmark"} {
			if !strings.Contains(out, want) {
				t.Errorf("coverage does not say %q:\n%s", want, out)
			}
		}
		if out := mustRun(t, "", "import", "examples/r2p-2012.csv"); !strings.Contains(out, "0 created, 0 updated, 21 unchanged") {
			t.Errorf("a second import changed something: %s", out)
		}
		exported := mustRun(t, "", "export")
		if n := strings.Count(exported, "\n"); n != 22 {
			t.Errorf("export has %d lines, want a header and 21 people:\n%s", n, exported)
		}
		file := filepath.Join(t.TempDir(), "roster.csv")
		if err := os.WriteFile(file, []byte(exported), 0o600); err != nil {
			t.Fatal(err)
		}
		if out := mustRun(t, "", "import", file); !strings.Contains(out, "0 created, 0 updated, 21 unchanged") {
			t.Errorf("re-importing the export changed something: %s", out)
		}
		if out := mustRun(t, "pending\n"); !strings.Contains(out, "Alejandro Torres") {
			t.Errorf("the pending registration is missing: %s", out)
		}

		// A file with fewer columns changes only those columns.
		partial := filepath.Join(t.TempDir(), "titles.csv")
		if err := os.WriteFile(partial, []byte("email,name,title\nkwame.boateng@gh.example.org,Kwame Boateng,Ambassador\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out := mustRun(t, "", "import", partial); !strings.Contains(out, "0 created, 1 updated, 0 unchanged") {
			t.Errorf("partial import: %s", out)
		}
		out = mustRun(t, "roster Ghana\n")
		if !strings.Contains(out, "Kwame Boateng · focal point · Ambassador · Ministry of Foreign Affairs and Regional Integration · kwame.boateng@gh.example.org · +233 30 266 4951") {
			t.Errorf("a partial import lost the columns it did not name:\n%s", out)
		}
	})
}

// TestImportBadFile reports every bad line with its number and imports nothing.
func TestImportBadFile(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "bad.csv")
		csv := "name,email,country,role,tz,appointed\n" +
			"Good Person,good@example.org,Ghana,focal-point,Africa/Accra,2012-01-01\n" +
			"No Country,nocountry@example.org,Ghnaa,focal-point,,\n" +
			"Bad Mail,not-an-address,Denmark,,,\n" +
			"Bad Zone,zone@example.org,Denmark,,Mars/Base,\n" +
			"Bad Date,date@example.org,Denmark,,,29/09/2012\n" +
			"Too,many,fields,here,,,,\n" +
			"Twice,good@example.org,Ghana,,,\n" +
			"\"Unclosed,quote@example.org,Ghana,,,\n"
		if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		_, errs, err := focalbot(t, "", "import", file)
		if err == nil || !strings.Contains(err.Error(), "nothing was imported") {
			t.Fatalf("import of a bad file: err = %v", err)
		}
		for _, want := range []string{
			":3: Unknown country \"Ghnaa\". Did you mean Ghana",
			":4: \"not-an-address\" is not an e-mail address",
			":5: Unknown time zone \"Mars/Base\"",
			":6: \"29/09/2012\" is not a date",
			":7: It has 8 fields but the header has 6",
			":8: The e-mail address good@example.org is already on line 2",
			":9: This is not valid CSV",
		} {
			if !strings.Contains(errs, want) {
				t.Errorf("stderr does not report %q:\n%s", want, errs)
			}
		}
		if out := mustRun(t, "roster Ghana\n"); strings.Contains(out, "Good Person") {
			t.Errorf("a bad file was partly imported: %s", out)
		}
	})
}

// TestConsoleWorkflow keeps the roster through the piped console, as the
// secretariat and as a newcomer, with the clock set by --now.
func TestConsoleWorkflow(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		mustRun(t, "", "import", "examples/r2p-2012.csv")
		out := mustRun(t, `register Türkiye name="Deniz Yılmaz" title="Head of Department"
me
`, "--as", "deniz@tr.example.org", "--now", "2012-08-01T09:00:00-04:00")
		for _, want := range []string{"registered as a focal point for Türkiye", "pending approval", "Western European and Others"} {
			if !strings.Contains(out, want) {
				t.Errorf("newcomer's session does not say %q:\n%s", want, out)
			}
		}
		out = mustRun(t, `pending
approve deniz@tr.example.org
coverage
update jose.solis@cr.example.org title="Vice-Minister"
audit Costa Rica
roster WEOG
`, "--now", "2012-08-01T09:00:00-04:00")
		for _, want := range []string{"Deniz Yılmaz", "Approved: Deniz Yılmaz", "18 of 193",
			`job title: "Director de Política Exterior" → "Vice-Minister"`, "Wed 1 Aug 2012, 09:00 EDT", "person updated José María Solís", "deniz@tr.example.org"} {
			if !strings.Contains(out, want) {
				t.Errorf("secretariat's session does not say %q:\n%s", want, out)
			}
		}
		out = mustRun(t, "roster WEOG\nadd x@example.org name=X country=Peru\n", "--as", "sarah.whitfield@au.example.org")
		if strings.Contains(out, "deniz@tr.example.org") || !strings.Contains(out, "Deniz Yılmaz") {
			t.Errorf("a focal point sees another's e-mail, or not the name:\n%s", out)
		}
		if !strings.Contains(out, "Only the secretariat can do that.") {
			t.Errorf("a focal point could add people:\n%s", out)
		}
	})
}

// TestCommandLine covers version, help and mistakes on the command line.
func TestCommandLine(t *testing.T) {
	env(t, filepath.Join(t.TempDir(), "f.db"))
	if out := mustRun(t, "", "version"); !strings.HasPrefix(out, "focalbot ") {
		t.Errorf("version: %q", out)
	}
	for _, args := range [][]string{{"--help"}, {"import", "--help"}, {"export", "--help"}, {"version", "--help"}} {
		if _, errs, err := focalbot(t, "", args...); err == nil || !strings.Contains(err.Error(), "help requested") && !strings.Contains(errs, "Usage") {
			t.Errorf("%v: err = %v, stderr = %s", args, err, errs)
		}
	}
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"--now", "yesterday"}, `"yesterday" is not a time`},
		{[]string{"--now", "2013-03-10T02:30"}, `--now: "2013-03-10 02:30" does not exist in America/New_York: the clocks go forward from 02:00 EST to 03:00 EDT`},
		{[]string{"--now", "2012-11-04T01:30"}, "2012-11-04 01:30 -04:00 for the first (EDT), or 2012-11-04 01:30 -05:00 for the second (EST)"},
		{[]string{"--as", "not-an-address"}, "is not an e-mail address"},
		{[]string{"import"}, "import takes one CSV file"},
		{[]string{"import", "/nonexistent.csv"}, "cannot read /nonexistent.csv"},
	} {
		_, _, err := focalbot(t, "", c.args...)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v: err = %v, want it to say %q", c.args, err, c.says)
		}
	}
	setenv(t, "FOCALBOT_TZ", "Mars/Base")
	if _, _, err := focalbot(t, "coverage\n"); err == nil || !strings.HasPrefix(err.Error(), "FOCALBOT_TZ:") {
		t.Errorf("a bad setting: err = %v", err)
	}
}

// TestREADMEDocumentsEverything keeps the README's command and settings
// tables true: every declared command and every setting must appear.
func TestREADMEDocumentsEverything(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	e := bot.New(nil, clock.System{}, slog.New(slog.DiscardHandler), time.UTC)
	for _, c := range e.Commands() {
		if !strings.Contains(string(readme), "`"+c.Name) && !strings.Contains(string(readme), ", `"+c.Name) {
			t.Errorf("README.md does not document the command %q", c.Name)
		}
	}
	for _, s := range config.Settings {
		if !strings.Contains(string(readme), "`"+s.Name+"`") {
			t.Errorf("README.md does not document the setting %s", s.Name)
		}
	}
}

// TestSeedScenarioInTheConsole replays the second network meeting of 2012
// through the console: invitations, one change of time, answers and status;
// with no SMTP server configured the messages land as .eml files.
func TestSeedScenarioInTheConsole(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		mustRun(t, "", "import", "examples/r2p-2012.csv")
		now := "--now=2012-08-01T09:00:00-04:00"
		out := mustRun(t, `meeting create title="Second Meeting of the Global Network of R2P Focal Points" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York" hosts="Australia, Costa Rica, Denmark, Ghana"
invite 1 all
invite 1 guest amb.silva@br.example.org name="Amb. Maria Silva" country=Brazil
invite 1 guest envoy@no.example.org name="Kari Nordmann" country=Norway
meeting change 1 start="2012-09-29 11:00"
`, now, "--as", "ruth.adler@globalcentre.example.org")
		if !strings.Contains(out, "Meeting 1: 19 newly invited") || !strings.Contains(out, "version 1") {
			t.Fatalf("the secretariat's session:\n%s", out)
		}
		for _, who := range []string{"kwame.boateng@gh.example.org", "mette.sorensen@dk.example.org"} {
			if out := mustRun(t, "next\nrsvp yes\n", now, "--as", who); !strings.Contains(out, "11:00–18:00 EDT") || !strings.Contains(out, "your answer is coming") {
				t.Errorf("%s:\n%s", who, out)
			}
		}
		mustRun(t, "rsvp maybe\n", now, "--as", "jose.solis@cr.example.org")
		out = mustRun(t, "status 1\n", now, "--as", "ruth.adler@globalcentre.example.org")
		for _, want := range []string{"Invited: 21 — coming: 2, maybe: 1, not coming: 0, no answer yet: 18",
			"African: 1 of 54 — Ghana", "Western European and Others: 1 of 29 — Denmark"} {
			if !strings.Contains(out, want) {
				t.Errorf("status does not say %q:\n%s", want, out)
			}
		}
		files, err := filepath.Glob(filepath.Join(getenvOf(t, "FOCALBOT_DATA_DIR"), "outbox", "*.eml"))
		if err != nil {
			t.Fatal(err)
		}
		requests, updates := 0, 0
		for _, f := range files {
			b, _ := os.ReadFile(f)
			switch subjectKind(t, b) {
			case "Invitation:":
				requests++
			case "Updated invitation:":
				updates++
			}
			if !bytes.Contains(b, []byte("method=REQUEST")) {
				t.Errorf("%s is not an invitation", f)
			}
		}
		// Every invitee gets the update; an invitation still unsent when the
		// meeting moved was replaced by it, so at most one each.
		if updates != 21 || requests > 21 {
			t.Errorf("outbox folder: %d invitations and %d updates, want at most 21 and exactly 21", requests, updates)
		}
	})
}

// TestFeedsOverHTTP asks for the feed link in the console and reads it
// while the bot runs.
func TestFeedsOverHTTP(t *testing.T) {
	env(t, filepath.Join(t.TempDir(), "f.db"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	setenv(t, "FOCALBOT_HTTP_ADDR", addr)
	setenv(t, "FOCALBOT_PUBLIC_URL", "http://"+addr)
	mustRun(t, "", "import", "examples/r2p-2012.csv")
	mustRun(t, `meeting create title="Second Meeting" start="2012-09-29 10:00" end=17:00 venue="New York" public=yes
invite 1 Ghana
`, "--now=2012-08-01T09:00", "--as", "ruth.adler@globalcentre.example.org") // invitations go only to meetings to come

	in, w := io.Pipe()
	out := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- runIn(t, context.Background(), []string{"--as", "kwame.boateng@gh.example.org"}, in, out, io.Discard)
	}()
	fmt.Fprintln(w, "feed")
	var link string
	for deadline := time.Now().Add(10 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if i := strings.Index(out.String(), "http://"+addr+"/feeds/"); i >= 0 {
			link = strings.Fields(out.String()[i:])[0]
		}
	}
	if link == "" || strings.HasSuffix(link, "network.ics") {
		t.Fatalf("no feed link in:\n%s", out.String())
	}
	for _, u := range []string{link, "http://" + addr + "/feeds/network.ics"} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), "SUMMARY:Second Meeting") {
			t.Errorf("%s: %d\n%s", u, res.StatusCode, body)
		}
	}
	w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestWholeCycle2012To2013 runs the network's year in the console on a
// simulated clock, restarting the bot between sessions (sometimes after
// "downtime"): the series plans the 2013 meeting, a poll picks its slot,
// invitations go out, reminders and nudges arrive at their offsets,
// outreach follow-ups and weekly digests arrive; no message goes twice.
func TestWholeCycle2012To2013(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		mustRun(t, "", "import", "examples/r2p-2012.csv")
		ruth := "ruth.adler@globalcentre.example.org"
		session := func(now, as, script string, wants ...string) {
			t.Helper()
			out := mustRun(t, script, "--now="+now, "--as", as)
			for _, w := range wants {
				if !strings.Contains(out, w) {
					t.Fatalf("the session at %s as %s does not say %q:\n%s", now, as, w, out)
				}
			}
		}
		session("2012-10-01T09:00", ruth, `series create name="Annual Meeting of the Global Network of R2P Focal Points" rule=unga start="2012-09-29 10:00" duration=7h tz=America/New_York venue="New York" plan=120d
outreach owner Brazil Ruth Adler
outreach log Brazil Met the deputy permanent representative follow up 2012-10-15
clock advance 15d
`, "Series 1 created", "Next meeting: Sat 28 Sep 2013, 10:00–17:00 EDT", "Tue 16 Oct 2012, 09:00 EDT")
		// Months later: the series plans the 2013 meeting when it comes within 120 days.
		session("2013-05-28T09:00", ruth, `meetings
clock advance 4d
meetings
poll create 1 deadline="2013-06-10 17:00" slots="2013-09-21 10:00-17:00, 2013-09-28 10:00-17:00"
`, "No meetings", "Annual Meeting of the Global Network of R2P Focal Points — Sat 28 Sep 2013", "(draft)", "Poll 1 created")
		session("2013-06-01T10:00", "kwame.boateng@gh.example.org", "poll answer 1 1\n", "slots you can attend are now: 1")
		session("2013-06-01T10:05", "mette.sorensen@dk.example.org", "poll answer 1 1,2\n", "now: 1, 2")
		session("2013-06-01T10:10", "jose.solis@cr.example.org", "poll answer 1 1\n", "ahora: 1") // José reads Spanish
		session("2013-06-01T11:00", ruth, `clock advance 10d
poll pick 1 1
meeting schedule 1
invite 1 all
`, "Poll 1: slot 1 picked for meeting 1", "Meeting 1 is scheduled", "Invitations on their way: 19.", "Invited as its series asks: 19 new.",
			"Meeting 1: 0 newly invited, 19 invited already.")
		session("2013-06-12T09:00", "kwame.boateng@gh.example.org", "next\nrsvp yes\n", "Sat 21 Sep 2013, 10:00–17:00 EDT", "your answer is coming")
		// Back after the summer: reminders at 14 days, 2 days and 2 hours.
		session("2013-09-06T09:00", ruth, "clock advance 16d\noutbox\n", "Sun 22 Sep 2013, 09:00 EDT")

		out := mustRun(t, "outbox\n", "--now=2013-09-22T09:00", "--as", ruth)
		for _, want := range []string{"0 failed", "0 waiting"} {
			if !strings.Contains(out, want) {
				t.Errorf("outbox does not say %q:\n%s", want, out)
			}
		}
		count := map[string]int{}
		files, _ := filepath.Glob(filepath.Join(getenvOf(t, "FOCALBOT_DATA_DIR"), "outbox", "*.eml"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if kind := subjectKind(t, b); kind != "" {
				count["Subject: "+kind]++
			}
			if bytes.Contains(b, []byte("Subject: Reminder:")) && bytes.Contains(b, []byte("kwame.boateng")) &&
				bytes.Contains(b, []byte("We have not had your answer")) {
				t.Errorf("Kwame, who said yes, got a nudge")
			}
		}
		// 19 invitees × 3 offsets (Kwame reminded, the others nudged).
		if count["Subject: Reminder:"] != 57 || count["Subject: Invitation:"] != 19 {
			t.Errorf("mail in the outbox folder: %v", count)
		}
		// Notices to Ruth, the secretariat: the follow-up due each morning
		// (she owns Brazil's outreach) and the digest of each Monday lived.
		if count["Subject: Weekly digest"] != 7 || count["Subject: Good morning"] != 35 {
			t.Errorf("notices in the outbox folder: %v", count)
		}
	})
}

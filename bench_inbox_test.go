package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/config"
	"focalbot/inmail"
	"focalbot/internal/pgtest"
	"focalbot/model"
	"focalbot/network"
)

// inboxBench is a database with the sample roster and one meeting all of
// it is invited to, and the REPLY messages to feed it: b.N of them, each
// from one of the invitees in turn, each a new answer (the answer changes
// every time, with a later DTSTAMP), so that every message is recorded,
// trusted and answered through the same operation as rsvp.
type inboxBench struct {
	env    map[string]string
	emails []string
	uid    string
}

func newInboxBench(b *testing.B, dsn string) *inboxBench {
	b.Helper()
	dir := b.TempDir()
	if dsn == "" {
		dsn = filepath.Join(dir, "focalbot.db")
	}
	env := map[string]string{
		"FOCALBOT_DATA_DIR":    dir,
		"FOCALBOT_DB":          dsn,
		"FOCALBOT_SECRETARIAT": "ruth.adler@globalcentre.example.org",
		"FOCALBOT_TZ":          "America/New_York",
	}
	ctx := context.Background()
	do := func(stdin string, args ...string) {
		m := &Main{Args: args, Getenv: getenv(env), Stdin: strings.NewReader(stdin)}
		var errs bytes.Buffer
		m.Stderr = &errs
		err := m.Run(ctx)
		if cerr := m.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatalf("focalbot %v: %v\n%s", args, err, errs.String())
		}
	}
	do("", "import", "examples/r2p-2012.csv")
	do("meeting create title=\"Network meeting\" start=\"2027-09-29 10:00\" end=17:00 tz=America/New_York venue=\"New York\"\ninvite 1 all\n",
		"--as", "ruth.adler@globalcentre.example.org")
	m := &Main{Getenv: getenv(env)}
	cfg, err := m.config()
	if err != nil {
		b.Fatal(err)
	}
	a, err := m.open(ctx, cfg, nil, true)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	meeting, err := a.store.Meeting(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	invs, err := a.store.Invitations(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	ib := &inboxBench{env: env, uid: meeting.UID}
	for _, inv := range invs {
		ib.emails = append(ib.emails, inv.Email)
	}
	return ib
}

// benchDSN is the database the inbox benchmarks run on: an SQLite file
// (""), or with FOCALBOT_BENCH_BACKEND=postgres a fresh PostgreSQL
// database from pgtest.
func benchDSN(b *testing.B) string {
	if os.Getenv("FOCALBOT_BENCH_BACKEND") == "postgres" {
		return pgtest.DSN(b)
	}
	return ""
}

// message is the i-th REPLY.
func (ib *inboxBench) message(i int) []byte {
	who := ib.emails[i%len(ib.emails)]
	stat := []string{"ACCEPTED", "TENTATIVE", "DECLINED"}[(i/len(ib.emails))%3]
	stamp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	return []byte(strings.ReplaceAll(fmt.Sprintf(`From: <%[1]s>
To: ruth.adler@globalcentre.example.org
Subject: %[2]s: Network meeting
Message-ID: <bench-%[4]d@example.org>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=UTF-8

%[2]s.
--b
Content-Type: text/calendar; charset="utf-8"; method=REPLY
Content-Transfer-Encoding: 7bit

BEGIN:VCALENDAR
METHOD:REPLY
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VEVENT
ATTENDEE;PARTSTAT=%[2]s:MAILTO:%[1]s
DTSTART;TZID=Eastern Standard Time:20270929T100000
UID:%[3]s
SEQUENCE:0
DTSTAMP:%[5]s
END:VEVENT
END:VCALENDAR
--b--
`, who, stat, ib.uid, i, stamp.Format("20060102T150405Z")), "\n", "\r\n"))
}

// BenchmarkInboxPipe feeds b.N REPLY messages to the focalbot binary, one
// process per message, as a mail server's pipe transport runs it, one at a
// time. Its peer is BenchmarkInboxInProcess, the same messages through the
// same Ingest in one process: the difference is what a process per
// message costs (start, open the database, check its migrations).
//
//	go test -run '^$' -bench 'Inbox' -benchtime 10000x .
func BenchmarkInboxPipe(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "focalbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	ib := newInboxBench(b, benchDSN(b))
	var environ []string
	for k, v := range ib.env {
		environ = append(environ, k+"="+v)
	}
	environ = append(environ, "PATH="+os.Getenv("PATH"))
	msgs := make([][]byte, b.N)
	for i := range msgs {
		msgs[i] = ib.message(i)
	}
	var cpu time.Duration // of the processes, user and system
	b.ResetTimer()
	for i := range b.N {
		cmd := exec.Command(bin, "inbox")
		cmd.Env, cmd.Stdin = environ, bytes.NewReader(msgs[i])
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("handled")) {
			b.Fatalf("message %d: %v\n%s", i, err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/1000, "cpu-ms/message")
}

// BenchmarkInboxInProcess is BenchmarkInboxPipe's peer: the same messages
// through the same Ingest, in one process with the database open.
func BenchmarkInboxInProcess(b *testing.B) {
	ib := newInboxBench(b, benchDSN(b))
	ctx := context.Background()
	m := &Main{Getenv: getenv(ib.env)}
	cfg, err := config.Load(getenv(ib.env))
	if err != nil {
		b.Fatal(err)
	}
	a, err := m.open(ctx, cfg, clock.System{}, true)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	planner, err := a.planner(ctx)
	if err != nil {
		b.Fatal(err)
	}
	in := &inmail.Ingester{Store: a.store, Services: network.New(a.store, a.clock, a.zone, planner, nil), Clock: a.clock}
	msgs := make([][]byte, b.N)
	for i := range msgs {
		msgs[i] = ib.message(i)
	}
	b.ResetTimer()
	for i := range b.N {
		out, err := in.Ingest(ctx, msgs[i], model.ViaPipe)
		if err != nil || out.Mail.Status != model.MailHandled {
			b.Fatalf("message %d: %v %+v", i, err, out.Mail)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
}

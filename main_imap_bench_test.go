//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/internal/cputime"
	"focalbot/internal/imaptest"
	"focalbot/mailbox"
	"focalbot/metrics"
)

// BenchmarkIMAPReplies ingests 10,000 calendar REPLY messages read by
// IMAP from Dovecot (go-imap's own server where Dovecot is missing) into
// the real inmail and an SQLite file: 200 invitees answer a meeting 50
// times each, alternately yes and no with a later DTSTAMP each time, so
// that every message changes an answer. The peer, in the same run: the
// same messages into an ingester that only counts (the transport alone).
//
//	go test . -run '^$' -bench BenchmarkIMAPReplies -benchtime 1x -count 3
func BenchmarkIMAPReplies(b *testing.B) {
	const people, rounds = 200, 50
	var bk imaptest.Backend
	if d := startDovecotOrNil(b); d != nil {
		bk = d.Backend()
	} else {
		bk = imaptest.Start(b, imaptest.Options{}).Backend()
	}
	for _, mode := range []string{"inmail+sqlite", "transport"} {
		b.Run(mode, func(b *testing.B) {
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				dir := b.TempDir()
				env := map[string]string{
					"FOCALBOT_DATA_DIR":    dir,
					"FOCALBOT_DB":          filepath.Join(dir, "focalbot.db"),
					"FOCALBOT_SECRETARIAT": "ruth.adler@globalcentre.example.org",
					"FOCALBOT_TZ":          "America/New_York",
				}
				var csv strings.Builder
				csv.WriteString("name,email,country\n")
				countries := []string{"Ghana", "Denmark", "Australia", "Costa Rica", "Brazil", "Norway", "Kenya", "Mexico", "Japan", "Canada"}
				for i := range people {
					fmt.Fprintf(&csv, "Focal Point %d,fp%d@example.gov,%s\n", i, i, countries[i%len(countries)])
				}
				roster := filepath.Join(dir, "roster.csv")
				writeBench(b, roster, csv.String())
				runOnce(b, env, "", "import", roster)
				runOnce(b, env, `meeting create title="Annual Meeting" start="2030-09-29 10:00" end=17:00 venue="New York"`+"\ninvite 1 all\n", "--as", "ruth.adler@globalcentre.example.org")
				uid := outboxUID(filepath.Join(dir, "outbox"), "fp0@example.gov")
				if uid == "" {
					b.Fatal("no invitation in the outbox")
				}
				msgs := make([][]byte, 0, people*rounds)
				stamp := time.Now().UTC().Add(-time.Hour)
				for r := range rounds {
					for i := range people {
						part := "ACCEPTED"
						if r%2 == 1 {
							part = "DECLINED"
						}
						msgs = append(msgs, replyAt(fmt.Sprintf("fp%d@example.gov", i), uid, part, fmt.Sprintf("r%d-%d@example.gov", r, i), stamp.Add(time.Duration(r)*time.Second)))
					}
				}
				bk.Deliver(b, "INBOX", nil, msgs...)

				m := &Main{Getenv: getenv(env)}
				cfg, err := m.config()
				if err != nil {
					b.Fatal(err)
				}
				a, err := m.open(context.Background(), cfg, nil, true)
				if err != nil {
					b.Fatal(err)
				}
				planner, err := a.planner(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				var n atomic.Int64
				all := make(chan struct{})
				count := func() {
					if n.Add(1) == int64(len(msgs)) {
						close(all)
					}
				}
				var ing mailbox.Ingester = mailbox.IngestFunc(func(context.Context, []byte, string) error { count(); return nil })
				if mode == "inmail+sqlite" {
					real := a.imapIngester(planner, nil, metrics.New(a.store, nil))
					ing = mailbox.IngestFunc(func(ctx context.Context, raw []byte, via string) error {
						if err := real.Ingest(ctx, raw, via); err != nil {
							return err
						}
						count()
						return nil
					})
				}
				w, err := mailbox.New(mailbox.Config{URL: bk.URL("INBOX"), Password: bk.Password, TLS: bk.TLS, Poll: time.Hour}, ing, nil)
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				c0 := cputime.Self()
				b.StartTimer()
				go func() { done <- w.Run(ctx) }()
				<-all
				b.StopTimer()
				cpu += cputime.Self() - c0
				cancel()
				<-done
				if mode == "inmail+sqlite" {
					out := runOnce(b, env, "status 1\n", "--as", "ruth.adler@globalcentre.example.org")
					if !strings.Contains(out, fmt.Sprintf("not coming: %d", people)) {
						b.Errorf("after the last round every invitee declines; status says:\n%s", out)
					}
				}
				m.Close()
				bk.Expunge(b, "INBOX")
				b.StartTimer()
			}
			total := float64(b.N * people * rounds)
			b.ReportMetric(total/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(cpu.Microseconds())/total, "cpu-µs/msg")
		})
	}
}

// startDovecotOrNil starts Dovecot where it is installed.
func startDovecotOrNil(b *testing.B) *imaptest.Dovecot {
	if _, err := exec.LookPath("dovecot"); err != nil {
		if _, err := os.Stat("/usr/sbin/dovecot"); err != nil {
			b.Log("dovecot is not installed: go-imap's own server instead")
			return nil
		}
	}
	return imaptest.StartDovecot(b)
}

func writeBench(b *testing.B, path, s string) {
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		b.Fatal(err)
	}
}

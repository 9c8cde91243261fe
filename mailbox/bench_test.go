//go:build unix

package mailbox

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"focalbot/internal/cputime"
	"focalbot/internal/imaptest"
)

// benchMessages is how many REPLY messages each run ingests.
const benchMessages = 10_000

// benchReply is a REPLY as Outlook sends it, about 3 KB: a text part and
// the calendar as text/calendar; method=REPLY, each with its Message-ID.
func benchReply(i int) []byte {
	uid := "focalbot-meeting-1@example.org"
	cal := "BEGIN:VCALENDAR\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n" +
		"BEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Focal Point " + fmt.Sprint(i) + ":MAILTO:fp" + fmt.Sprint(i) + "@example.gov\r\n" +
		"SUMMARY;LANGUAGE=en-US:Accepted: Annual Meeting of the Global Network of R2P Focal Points\r\n" +
		"DTSTART;TZID=Eastern Standard Time:20300929T100000\r\nDTEND;TZID=Eastern Standard Time:20300929T170000\r\n" +
		"UID:" + uid + "\r\nSEQUENCE:0\r\nDTSTAMP:20300801T130000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	text := strings.Repeat("Focal Point has accepted this meeting. See you in New York.\r\n", 20)
	return []byte("From: Focal Point <fp" + fmt.Sprint(i) + "@example.gov>\r\n" +
		"To: secretariat@example.org\r\n" +
		"Subject: Accepted: Annual Meeting of the Global Network of R2P Focal Points\r\n" +
		"Message-ID: <bench-" + fmt.Sprint(i) + "@example.gov>\r\n" +
		"Date: Thu, 1 Aug 2030 13:00:00 +0000\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text +
		"--b1\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n" + cal +
		"--b1--\r\n")
}

// BenchmarkIMAPIngest reads 10,000 REPLY messages from a mailbox, from
// the start of Run to the last one flagged, into an Ingester that only
// counts them (the transport alone): through go-imap's own server and
// through Dovecot, fetching 32 messages at a time and, as the peer, one.
//
//	go test ./mailbox -run '^$' -bench BenchmarkIMAPIngest -benchtime 1x -count 3
func BenchmarkIMAPIngest(b *testing.B) {
	servers := []struct {
		name  string
		start func(b *testing.B) imaptest.Backend
	}{
		{"memserver", func(b *testing.B) imaptest.Backend { return imaptest.Start(b, imaptest.Options{}).Backend() }},
		{"dovecot", func(b *testing.B) imaptest.Backend { return imaptest.StartDovecot(b).Backend() }},
	}
	for _, srv := range servers {
		for _, batch := range []int{32, 1} {
			b.Run(fmt.Sprintf("%s/batch=%d", srv.name, batch), func(b *testing.B) {
				bk := srv.start(b)
				msgs := make([][]byte, benchMessages)
				size := 0
				for i := range msgs {
					msgs[i] = benchReply(i)
					size += len(msgs[i])
				}
				b.SetBytes(int64(size))
				var cpu time.Duration
				for range b.N {
					b.StopTimer()
					bk.Deliver(b, "INBOX", nil, msgs...)
					var n atomic.Int64
					all := make(chan struct{})
					ing := IngestFunc(func(context.Context, []byte, string) error {
						if n.Add(1) == benchMessages {
							close(all)
						}
						return nil
					})
					w, err := New(Config{URL: bk.URL("INBOX"), Password: bk.Password, TLS: bk.TLS, Poll: time.Hour, Batch: batch}, ing, nil)
					if err != nil {
						b.Fatal(err)
					}
					ctx, cancel := context.WithCancel(context.Background())
					done := make(chan error, 1)
					c0 := cputime.Self()
					b.StartTimer()
					go func() { done <- w.Run(ctx) }()
					<-all
					// The scan ends once the last batch's flags are set.
					for w.scans.Load() == 0 {
						time.Sleep(time.Millisecond)
					}
					b.StopTimer()
					cpu += cputime.Self() - c0
					cancel()
					<-done
					if left := len(unflagged(b, bk)); left != 0 {
						b.Fatalf("%d messages left unflagged", left)
					}
					bk.Expunge(b, "INBOX")
					b.StartTimer()
				}
				total := float64(b.N * benchMessages)
				b.ReportMetric(total/b.Elapsed().Seconds(), "msgs/s")
				b.ReportMetric(float64(cpu.Microseconds())/total, "cpu-µs/msg")
			})
		}
	}
}

func unflagged(b *testing.B, bk imaptest.Backend) []string {
	var out []string
	for id, f := range bk.Flags(b, "INBOX") {
		if !hasFlag(f, Keyword) {
			out = append(out, id)
		}
	}
	return out
}

package slack

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/storage"
)

// stuck is a handler that says it has begun and never finishes: the process
// is killed in the middle.
type stuck struct{}

func (stuck) Handle(ctx context.Context, c bot.Caller, text string) *bot.Reply {
	fmt.Println("HANDLING", text)
	select {}
}

// TestInboxKillHelper is the process that TestKilledAfterTheAck kills: a
// transport on FOCALBOT_INBOX_DSN against the fake Slack at
// FOCALBOT_INBOX_SLACK, over the HTTP Events API or (FOCALBOT_INBOX_SOCKET
// set) Socket Mode, whose handler never finishes.
func TestInboxKillHelper(t *testing.T) {
	dsn, api := os.Getenv("FOCALBOT_INBOX_DSN"), os.Getenv("FOCALBOT_INBOX_SLACK")
	if dsn == "" {
		t.Skip("run by TestKilledAfterTheAck")
	}
	clk := clock.Fixed(t0)
	s, err := storage.Open(context.Background(), dsn, storage.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Handler: stuck{}, Deliveries: s, Clock: clk, Log: slog.New(slog.NewTextHandler(os.Stderr, nil)),
		BotToken: "xoxb-test", SigningSecret: secret, APIURL: api, Workers: 1}
	if os.Getenv("FOCALBOT_INBOX_SOCKET") != "" {
		opt.AppToken = "xapp-test"
	}
	tr, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if opt.AppToken != "" {
		fmt.Println("LISTENING socket")
		t.Fatal(tr.RunSocketMode(context.Background()))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("LISTENING", ln.Addr().String())
	t.Fatal(tr.Serve(context.Background(), ln))
}

// TestKilledAfterTheAck proves that an event acked by a process killed
// (SIGKILL) before it had handled it is handled by another process, exactly
// once: not while the dead process's claim could still be good, and not
// again when Slack retries it; on SQLite and PostgreSQL, over the HTTP
// Events API and Socket Mode.
func TestKilledAfterTheAck(t *testing.T) {
	for _, backend := range storetest.Backends {
		for _, socket := range []bool{false, true} {
			name := backend.Name + "/http"
			if socket {
				name = backend.Name + "/socket"
			}
			t.Run(name, func(t *testing.T) { testKilledAfterTheAck(t, backend.DSN(t), socket) })
		}
	}
}

func testKilledAfterTheAck(t *testing.T, dsn string, socket bool) {
	fs := newFakeSlack(t)
	fs.addUser("U1", "ama@mfa.gov.gh", "Ama Owusu", "Africa/Accra")
	// The other process: a replica on the same database, running
	// already (and, later, the one left).
	b := startBot(t, fs, botOptions{dsn: dsn})
	b.addPerson(ama())

	cmd := exec.Command(os.Args[0], "-test.run=^TestInboxKillHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FOCALBOT_INBOX_DSN="+dsn, "FOCALBOT_INBOX_SLACK="+fs.GetAPIURL())
	if socket {
		cmd.Env = append(cmd.Env, "FOCALBOT_INBOX_SOCKET=1")
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addr, ok := strings.CutPrefix(next(t, lines, "the helper's address"), "LISTENING ")
	if !ok {
		t.Fatalf("the helper did not start:\n%s", stderr.String())
	}

	if socket {
		sc := next(t, fs.sockets, "the helper's socket mode connection")
		sc.send(t, envelope("env-1", "events_api", dm("Ev1", "U1", "me set title Ambassador"), 0))
		sc.ack(t, "env-1")
	} else {
		victim := &testBot{t: t, url: "http://" + addr}
		victim.event(dm("Ev1", "U1", "me set title Ambassador"))
	}
	if got := next(t, lines, "the work to begin"); got != "HANDLING me set title Ambassador" {
		t.Fatalf("the helper said %q", got)
	}
	// The replica leaves alone what the living process holds.
	b.tr.resume(context.Background())
	none(t, fs.posts, "answer while the first process holds the event")

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	// Once the dead process's claim has run out, the replica takes
	// the event up and answers it.
	b.clock.Advance(inboxLease + time.Second)
	b.tr.resume(context.Background())
	if got := next(t, fs.posts, "the answer after the kill"); got.Channel != "DU1" || !strings.Contains(got.Text, "updated") {
		t.Fatalf("answer %+v", got)
	}
	b.event(dm("Ev1", "U1", "me set title Ambassador"), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	b.event(dm("Ev2", "U1", "network"))
	if got := next(t, fs.posts, "the next answer"); !strings.Contains(got.Text, "R2P") {
		t.Fatalf("the event was handled twice: %+v", got)
	}
	b.tr.resume(context.Background())
	none(t, fs.posts, "post")

	if n := b.audited(t, "Ambassador"); n != 1 {
		t.Errorf("%d audited title changes; want 1", n)
	}
}

package smtptest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Outgoing is one message as a plain client sends it.
type Outgoing struct {
	From string
	To   []string
	Data []byte
}

// SendPlain is the peer of the SMTP benchmarks: bare go-smtp clients on
// conns connections at once, dialled before the clock starts, each sending
// the next of msgs as soon as it is free. It returns how long the sending
// took, and closes the clients.
func SendPlain(tb testing.TB, addr string, conns int, msgs []Outgoing) time.Duration {
	tb.Helper()
	clients := make([]*smtp.Client, conns)
	for i := range clients {
		c, err := smtp.Dial(addr)
		if err != nil {
			tb.Fatal(err)
		}
		defer c.Close()
		clients[i] = c
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
		errs []error
	)
	start := time.Now()
	for _, c := range clients {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(msgs) {
					return
				}
				if err := c.SendMail(msgs[i].From, msgs[i].To, bytes.NewReader(msgs[i].Data)); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("message %d: %w", i, err))
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if len(errs) > 0 {
		tb.Fatal(errs[0])
	}
	return took
}

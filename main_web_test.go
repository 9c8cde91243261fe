package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"focalbot/internal/storetest"
	"focalbot/internal/syncbuf"
)

// TestPersonalLinkEndToEnd: focalbot as it runs, with FOCALBOT_PUBLIC_URL:
// the invitation written to the outbox folder carries a link to the page
// on FOCALBOT_HTTP_ADDR; opening it answers nothing, pressing Accept does,
// and status in the console counts it.
func TestPersonalLinkEndToEnd(t *testing.T) {
	env(t, storetest.Backends[0].DSN(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	setenv(t, "FOCALBOT_HTTP_ADDR", addr)
	setenv(t, "FOCALBOT_PUBLIC_URL", "http://"+addr+"/")
	mustRun(t, "", "import", "examples/r2p-2012.csv")

	in, w := io.Pipe()
	out := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- runIn(t, context.Background(), []string{"--as", "ruth.adler@globalcentre.example.org"}, in, out, io.Discard)
	}()
	fmt.Fprintln(w, `meeting create title="Second Meeting" start="2030-09-29 10:00" end=17:00 venue="New York"`)
	fmt.Fprintln(w, "invite 1 Ghana")

	var link string
	linkRE := regexp.MustCompile(`http://` + regexp.QuoteMeta(addr) + `/a/[A-Za-z0-9_-]{43}`)
	for deadline := time.Now().Add(15 * time.Second); link == ""; time.Sleep(50 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(getenvOf(t, "FOCALBOT_DATA_DIR"), "outbox", "*.eml"))
		for _, f := range files {
			raw, _ := os.ReadFile(f)
			if bytes.Contains(raw, []byte("kwame.boateng@gh.example.org")) {
				link = linkRE.FindString(textOf(t, raw))
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no invitation with a personal link in the outbox folder; console:\n%s", out.String())
		}
	}

	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("Second Meeting")) {
		t.Fatalf("GET %s: %d\n%s", link, res.StatusCode, page)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if csrf == nil {
		t.Fatalf("no form token:\n%s", page)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noRedirect.PostForm(link, url.Values{"answer": {"yes"}, "csrf": {string(csrf[1])}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d", res.StatusCode)
	}

	fmt.Fprintln(w, "status 1")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "coming: 1,"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("status does not count the answer from the page:\n%s", out.String())
		}
	}
	w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// textOf is the decoded text part of a message.
func textOf(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			return ""
		}
		if h, ok := p.Header.(*gomail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				b, _ := io.ReadAll(p.Body)
				return string(b)
			}
		}
	}
}

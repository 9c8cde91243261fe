package web_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
)

// chromium is the browser the tests drive: FOCALBOT_CHROMIUM, or Debian's.
// Without one the browser tests skip, unless FOCALBOT_TEST_REQUIRE_CHROMIUM=1
// (CI, where .ci/run installed it) makes that a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("FOCALBOT_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if os.Getenv("FOCALBOT_TEST_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("FOCALBOT_TEST_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium, or set FOCALBOT_CHROMIUM)")
	}
	t.Skip("no Chromium found: install Debian's chromium (or set FOCALBOT_CHROMIUM) to run the browser tests")
	return ""
}

// browser starts headless Chromium with a fresh profile, closed when the
// test ends.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844), // a phone
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	tctx, cancelTimeout := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(tctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return tctx
}

// screenshot keeps what the browser shows in FOCALBOT_WEB_SCREENSHOTS, if set.
func screenshot(t *testing.T, bctx context.Context, name string) {
	dir := os.Getenv("FOCALBOT_WEB_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.WriteFile(dir+"/"+name+".png", png, 0o644); err != nil {
		t.Error(err)
	}
}

// TestBrowserAnswers: the link taken from a real .eml is opened in
// Chromium as a scanner would, and nothing changes; pressing Accept
// answers, and the page shows it; Decline, pressed with the keyboard,
// changes the answer; status agrees.
func TestBrowserAnswers(t *testing.T) {
	bctx := browser(t)
	s := storetest.Open(t, storetest.Backends[0].DSN(t), clock.Fixed(t0))
	w := newWorld(t, s)
	link := linkIn(t, w.mailTo(t, w.gh.Email, "Invitation:"))

	if err := chromedp.Do(bctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`button[value="yes"]`)),
	); err != nil {
		t.Fatal(err)
	}
	answer := text(t, bctx, `#answer`)
	lang, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(`html`), "lang"))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, bctx, "invitation")
	if answer != "You have not answered yet." || lang.Value != "en" {
		t.Fatalf("opened: answer %q, lang %q", answer, lang.Value)
	}
	if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseNone {
		t.Fatalf("opening the page in a browser answered: %s", inv.Response)
	}

	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`button[value="yes"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.current[value="yes"]`)),
	); err != nil {
		t.Fatal(err)
	}
	answer = text(t, bctx, `#answer`)
	screenshot(t, bctx, "accepted")
	if !strings.HasPrefix(answer, "Your answer: accepted") {
		t.Errorf("after Accept the page says %q", answer)
	}
	st, err := w.svc.MeetingStatus(ctx, network.As(w.sec), w.meeting.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range st.Invitations {
		if want := map[bool]model.Response{true: model.ResponseYes, false: model.ResponseNone}[inv.Email == w.gh.Email]; inv.Response != want {
			t.Errorf("status: %s %s, want %s", inv.Email, inv.Response, want)
		}
	}

	if err := chromedp.Do(bctx,
		chromedp.Focus(chromedp.CSS(`button[value="no"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`button.current[value="no"]`)),
	); err != nil {
		t.Fatal(err)
	}
	answer = text(t, bctx, `#answer`)
	location, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(answer, "Your answer: declined") || location != link {
		t.Errorf("after Decline by keyboard: %q at %s", answer, location)
	}
	if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseNo {
		t.Errorf("stored: %s", inv.Response)
	}
	if a := w.audits(t, "invitation.respond"); len(a) != 2 {
		t.Errorf("audit: %d entries, want 2", len(a))
	}
}

// TestBrowserPoll: a focal point ticks two slots of a poll in Chromium;
// the page comes back with them ticked and the answer recorded.
func TestBrowserPoll(t *testing.T) {
	bctx := browser(t)
	s := storetest.Open(t, storetest.Backends[0].DSN(t), clock.Fixed(t0))
	w := newWorld(t, s)
	slot := func(day int) model.Slot {
		return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
	}
	p, err := w.svc.CreatePoll(ctx, network.As(w.sec), network.NewPoll{Title: "Third Meeting", Deadline: time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC),
		Slots: []model.Slot{slot(23), slot(24), slot(27)}}, func(model.Poll, model.Person) string { return "Which times?" })
	if err != nil {
		t.Fatal(err)
	}
	w.dispatch(t)
	link := linkIn(t, w.mailTo(t, w.dk.Email, "Which dates suit you?"))

	if err := chromedp.Do(bctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#slot-1`)),
		chromedp.Click(chromedp.CSS(`label[for="slot-2"]`)), // the label ticks its box
		chromedp.Click(chromedp.CSS(`#slot-3`)),
	); err != nil {
		t.Fatal(err)
	}
	screenshot(t, bctx, "poll")
	if votes, _ := s.Votes(ctx, p.ID); len(votes) != 0 {
		t.Fatalf("ticking answered before the button: %+v", votes)
	}
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#slot-2[checked]`)),
	); err != nil {
		t.Fatal(err)
	}
	answer := text(t, bctx, `#answer`)
	if answer != "Your answer: you can attend slots 2, 3." {
		t.Errorf("after sending: %q", answer)
	}
	votes, err := s.Votes(ctx, p.ID)
	if err != nil || len(votes) != 1 || votes[0].Country != "DK" || len(votes[0].SlotIDs) != 2 {
		t.Fatalf("votes: %+v %v", votes, err)
	}
}

// text is the text of the element css selects.
func text(t *testing.T, bctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// TestBrowserDelegates: a focal point fills in "Send a colleague instead"
// in Chromium; the page comes back saying whom they sent.
func TestBrowserDelegates(t *testing.T) {
	bctx := browser(t)
	s := storetest.Open(t, storetest.Backends[0].DSN(t), clock.Fixed(t0))
	w := newWorld(t, s)
	link := linkIn(t, w.mailTo(t, w.dk.Email, "Invitation:"))
	if err := chromedp.Do(bctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#delegate-email`)),
		chromedp.SendKeys(chromedp.CSS(`#delegate-email`), "lars@um.example.dk"),
		chromedp.SendKeys(chromedp.CSS(`#delegate-name`), "Lars Holm"),
		chromedp.Click(chromedp.CSS(`form[action$="/delegate"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#delegated`)),
	); err != nil {
		t.Fatal(err)
	}
	screenshot(t, bctx, "delegated")
	if got := text(t, bctx, `#delegated`); got != "You sent Lars Holm in your place: their answer counts for your country." {
		t.Errorf("after delegating: %q", got)
	}
	if inv := w.invitation(t, w.dk.Email); inv.Response != model.ResponseDelegate {
		t.Errorf("Mette's invitation: %s", inv.Response)
	}
	w.invitation(t, "lars@um.example.dk") // invited
}

// TestBrowserRightToLeft: an Arabic reader's page runs right to left in
// Chromium (the legend of the answer starts at the right of its box), and
// pressing a translated button still answers.
func TestBrowserRightToLeft(t *testing.T) {
	bctx := browser(t)
	s := storetest.Open(t, storetest.Backends[0].DSN(t), clock.Fixed(t0))
	w := newWorld(t, s)
	_, link := w.readerLink(t, "Layla Haddad", "layla@mofa.example.eg", "EG", "Africa/Cairo", "ar")
	if err := chromedp.Do(bctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`button[value="yes"]`)),
	); err != nil {
		t.Fatal(err)
	}
	dir, err := chromedp.Run(bctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("main")).direction`))
	if err != nil {
		t.Fatal(err)
	}
	edges, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](`(() => { const f = document.querySelector("form fieldset").getBoundingClientRect(),
		l = document.querySelector("form legend").getBoundingClientRect(),
		b = document.querySelector("button[value=yes]").getBoundingClientRect();
		return [f.right - l.right, l.left - f.left, f.right - b.right, b.left - f.left]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, bctx, "arabic")
	if dir != "rtl" || len(edges) != 4 || edges[0] > edges[1] || edges[2] > edges[3] {
		t.Errorf("direction %q; legend and first button from the right and from the left: %v", dir, edges)
	}
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`button[value="yes"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.current[value="yes"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if inv := w.invitation(t, "layla@mofa.example.eg"); inv.Response != model.ResponseYes {
		t.Errorf("pressing the Arabic page's Accept recorded %q", inv.Response)
	}
}

package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/scheduler"
	"focalbot/storage"
)

// TestInvitationLink: the link in a real invitation opens a page that
// changes nothing, however often it is opened (as a scanner does); a POST
// without the page's CSRF token is refused and changes nothing; pressing
// Accept records the answer through the same operation as rsvp, audited
// "by web link", and the 303 leads back to the page, which shows it.
func TestInvitationLink(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		raw := w.mailTo(t, w.gh.Email, "Invitation:")
		link := linkIn(t, raw)
		if !strings.HasPrefix(link, w.srv.URL+"/a/") {
			t.Fatalf("link %s is not under the public URL %s", link, w.srv.URL)
		}
		if strings.Contains(string(raw), "rsvp yes") {
			t.Error("the invitation still tells e-mail readers to type chat commands")
		}

		var page string
		for range 3 { // a scanner, a preview, the reader
			resp, body := get(t, link)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET: %d\n%s", resp.StatusCode, body)
			}
			page = body
			checkHeaders(t, resp)
		}
		for _, want := range []string{`<html lang="en" dir="ltr">`, `name="viewport"`, "Second Meeting of the Network",
			"Sat 29 Sep 2012, 10:00–17:00 EDT (America/New_York)", "Sat 29 Sep 2012, 14:00–21:00 GMT (Africa/Accra)",
			"<legend>Your answer</legend>", "You have not answered yet."} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q:\n%s", want, page)
			}
		}
		for _, other := range []string{w.dk.Name, w.dk.Email, w.guest} {
			if strings.Contains(page, other) {
				t.Errorf("the page shows another invitee's %q", other)
			}
		}
		if _, err := http.Get(link + "/mute"); err != nil { // a scanner opens the other links too
			t.Fatal(err)
		}
		if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseNone {
			t.Fatalf("opening the page answered: %s", inv.Response)
		}
		if muted, _ := s.Muted(ctx, w.meeting.ID); muted[w.gh.ID] {
			t.Fatal("opening the mute page muted")
		}

		for name, form := range map[string]url.Values{
			"no token":    {"answer": {"yes"}},
			"wrong token": {"answer": {"yes"}, "csrf": {"x" + csrfOf(t, page)[1:]}},
		} {
			resp, body := post(t, link, form)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "nothing was changed") {
				t.Errorf("%s: %d\n%s", name, resp.StatusCode, body)
			}
		}
		if resp, body := post(t, link, url.Values{"answer": {"perhaps"}, "csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(body, "Choose Accept, Maybe or Decline.") {
			t.Errorf("a bad answer: %d\n%s", resp.StatusCode, body)
		}
		if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseNone {
			t.Fatalf("a refused POST answered: %s", inv.Response)
		}

		resp, _ := post(t, link, url.Values{"answer": {"yes"}, "csrf": {csrfOf(t, page)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != strings.TrimPrefix(link, w.srv.URL) {
			t.Fatalf("POST: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		st, err := w.svc.MeetingStatus(ctx, network.As(w.sec), w.meeting.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range st.Invitations {
			want := model.ResponseNone
			if inv.Email == w.gh.Email {
				want = model.ResponseYes
			}
			if inv.Response != want {
				t.Errorf("status: %s answered %s, want %s", inv.Email, inv.Response, want)
			}
		}
		audits := w.audits(t, "invitation.respond")
		if len(audits) != 1 || audits[0].Actor != "Kwame Mensah <kwame@mfa.example.gh> (by web link)" || audits[0].ActorID != w.gh.ID {
			t.Errorf("audit: %+v", audits)
		}
		if _, body := get(t, link); !strings.Contains(body, "Your answer: accepted") || !strings.Contains(body, `aria-pressed="true"`) {
			t.Errorf("the page does not show the answer:\n%s", body)
		}
	})
}

// TestGuestLink: a guest, not on the roster, answers and mutes through
// their link, by their invitation.
func TestGuestLink(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		link := linkIn(t, w.mailTo(t, w.guest, "Invitation:"))
		_, page := get(t, link)
		if !strings.Contains(page, "Invitation for Ana Ruiz") || strings.Contains(page, "Your time") {
			t.Errorf("guest's page:\n%s", page)
		}
		// A guest answers for no country: a colleague's answer counts as theirs.
		if !strings.Contains(page, "their answer counts as yours.") || strings.Contains(page, "your country") {
			t.Errorf("guest's page, sending a colleague:\n%s", page)
		}
		if resp, _ := post(t, link, url.Values{"answer": {"no"}, "csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST: %d", resp.StatusCode)
		}
		if inv := w.invitation(t, w.guest); inv.Response != model.ResponseNo {
			t.Fatalf("guest's answer: %s", inv.Response)
		}
		if a := w.audits(t, "invitation.respond"); len(a) != 1 || a[0].Actor != w.guest+" (by web link)" {
			t.Errorf("audit: %+v", a)
		}
		resp, _ := post(t, link+"/mute", url.Values{"List-Unsubscribe": {"One-Click"}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click: %d", resp.StatusCode)
		}
		muted, err := s.MutedInvitations(ctx, w.meeting.ID)
		if err != nil || !muted[w.invitation(t, w.guest).ID] || len(muted) != 1 {
			t.Fatalf("guest's mute: %v %v", muted, err)
		}
	})
}

// TestReminderOneClick: a nudge carries its personal link and RFC 8058
// headers; a GET of the unsubscribe address shows a button and mutes
// nothing; the one-click POST mutes that meeting's reminders for that
// invitee only.
func TestReminderOneClick(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		inv := w.invitation(t, w.gh.Email)
		items := w.planner.Reminder(model.KindNudge, 14*24*time.Hour, w.meeting, inv, &w.gh)
		if _, err := s.Enqueue(ctx, items); err != nil {
			t.Fatal(err)
		}
		w.dispatch(t)
		raw := w.mailTo(t, w.gh.Email, "Reminder:")
		h, err := header(raw)
		if err != nil {
			t.Fatal(err)
		}
		unsub := strings.Trim(h.Get("List-Unsubscribe"), "<>")
		if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || unsub != linkIn(t, raw)+"/mute" {
			t.Fatalf("List-Unsubscribe %q, -Post %q, link %s", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"), linkIn(t, raw))
		}
		if strings.Contains(string(raw), "mute ") || strings.Contains(string(raw), "rsvp yes") {
			t.Error("the nudge still tells e-mail readers to type chat commands")
		}
		resp, page := get(t, unsub)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "<button type=\"submit\">Stop the reminders</button>") {
			t.Fatalf("GET: %d\n%s", resp.StatusCode, page)
		}
		if muted, _ := s.Muted(ctx, w.meeting.ID); len(muted) != 0 {
			t.Fatalf("a GET muted: %v", muted)
		}
		if resp, _ := post(t, unsub, url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a POST with neither one-click nor CSRF: %d", resp.StatusCode)
		}
		req, _ := http.NewRequest("POST", unsub, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click POST: %d", resp.StatusCode)
		}
		muted, err := s.Muted(ctx, w.meeting.ID)
		if err != nil || !muted[w.gh.ID] || len(muted) != 1 {
			t.Fatalf("mutes after one-click: %v %v", muted, err)
		}
		if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseNone {
			t.Errorf("muting answered: %s", inv.Response)
		}
	})
}

// TestLinkThatNoLongerWorks: an unknown or malformed token is a 404, a
// link after its meeting ended, of a cancelled meeting or revoked is a
// 410; each with a page that says why, and a POST to it changes nothing.
func TestLinkThatNoLongerWorks(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		link := linkIn(t, w.mailTo(t, w.gh.Email, "Invitation:"))
		_, page := get(t, link)
		csrf := csrfOf(t, page)
		for _, u := range []string{w.srv.URL + "/a/" + strings.Repeat("A", 43), w.srv.URL + "/a/short", w.srv.URL + "/a/" + strings.Repeat("*", 43)} {
			resp, body := get(t, u)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "This link is not known") {
				t.Errorf("%s: %d\n%s", u, resp.StatusCode, body)
			}
		}

		w.clk.Set(w.meeting.End)
		resp, body := get(t, link)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "worked until the meeting ended, on Sat 29 Sep 2012, 17:00 EDT") {
			t.Errorf("ended: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := post(t, link, url.Values{"answer": {"yes"}, "csrf": {csrf}}); resp.StatusCode != http.StatusGone {
			t.Errorf("POST after the end: %d", resp.StatusCode)
		}
		w.clk.Set(t0)

		revokePage := link + "/revoke"
		if resp, _ := post(t, revokePage, url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("revoke without CSRF: %d", resp.StatusCode)
		}
		if resp, body := post(t, revokePage, url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "no longer works") {
			t.Errorf("revoke: %d\n%s", resp.StatusCode, body)
		}
		resp, body = get(t, link)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "This link was revoked") {
			t.Errorf("revoked: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := post(t, link, url.Values{"answer": {"yes"}, "csrf": {csrf}}); resp.StatusCode != http.StatusGone {
			t.Errorf("POST after revoking: %d", resp.StatusCode)
		}
		if a := w.audits(t, "link.revoke"); len(a) != 1 || !strings.HasSuffix(a[0].Actor, "(by web link)") {
			t.Errorf("audit of the revocation: %+v", a)
		}

		// Mette's link still works, until the meeting is cancelled.
		other := linkIn(t, w.mailTo(t, w.dk.Email, "Invitation:"))
		if resp, _ := get(t, other); resp.StatusCode != http.StatusOK {
			t.Fatalf("another invitee's link: %d", resp.StatusCode)
		}
		if _, _, err := w.svc.CancelMeeting(ctx, network.As(w.sec), w.meeting.ID); err != nil {
			t.Fatal(err)
		}
		resp, body = get(t, other)
		if resp.StatusCode != http.StatusGone || !strings.Contains(body, "is cancelled: this link no longer works") {
			t.Errorf("cancelled: %d\n%s", resp.StatusCode, body)
		}
		for _, e := range []string{w.gh.Email, w.dk.Email} {
			if inv := w.invitation(t, e); inv.Response != model.ResponseNone {
				t.Errorf("%s answered %s", e, inv.Response)
			}
		}
	})
}

// TestPollLink: a poll question by e-mail carries the person's link; the
// page shows the slots to tick; a bad slot is refused in place; the
// answer is recorded as poll answer would, for the person's country.
func TestPollLink(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		slot := func(day int) model.Slot {
			return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
		}
		p, err := w.svc.CreatePoll(ctx, network.As(w.sec), network.NewPoll{Title: "Third Meeting", Deadline: time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC),
			Slots: []model.Slot{slot(23), slot(24), slot(27)}}, func(model.Poll, model.Person) string { return "Which times? poll answer 1 …" })
		if err != nil {
			t.Fatal(err)
		}
		w.dispatch(t)
		raw := w.mailTo(t, w.gh.Email, "Which dates suit you?")
		if strings.Contains(string(raw), "poll answer") {
			t.Error("the poll mail still tells e-mail readers to type chat commands")
		}
		link := linkIn(t, raw)
		resp, page := get(t, link)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d\n%s", resp.StatusCode, page)
		}
		checkHeaders(t, resp)
		for _, want := range []string{`<input type="checkbox" name="slot" value="3" id="slot-3">`, `<label for="slot-1">Slot 1: Mon 23 Sep 2013, 10:00–17:00 EDT (America/New_York)`,
			"Your time: Mon 23 Sep 2013, 14:00–21:00 GMT (Africa/Accra)", "You have not answered yet."} {
			if !strings.Contains(page, want) {
				t.Errorf("the poll page lacks %q:\n%s", want, page)
			}
		}
		if resp, body := post(t, link, url.Values{"slot": {"1", "9"}, "csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(body, "&#34;9&#34; is not a slot of poll") {
			t.Errorf("slot 9: %d\n%s", resp.StatusCode, body)
		}
		if votes, _ := s.Votes(ctx, p.ID); len(votes) != 0 {
			t.Fatalf("a refused answer was recorded: %+v", votes)
		}
		if resp, _ := post(t, link, url.Values{"slot": {"1", "3"}, "csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST: %d", resp.StatusCode)
		}
		votes, err := s.Votes(ctx, p.ID)
		if err != nil || len(votes) != 1 || votes[0].PersonID != w.gh.ID || votes[0].Country != "GH" ||
			len(network.SlotNumbers(p, votes[0].SlotIDs)) != 2 || network.SlotNumbers(p, votes[0].SlotIDs)[1] != 3 {
			t.Fatalf("votes: %+v %v", votes, err)
		}
		if _, body := get(t, link); !strings.Contains(body, "Your answer: you can attend slots 1, 3.") || !strings.Contains(body, `value="3" id="slot-3" checked`) {
			t.Errorf("the page does not show the answer:\n%s", body)
		}
		if a := w.audits(t, "poll.vote"); len(a) != 1 || !strings.HasSuffix(a[0].Actor, "(by web link)") {
			t.Errorf("audit: %+v", a)
		}
		if resp, _ := get(t, link+"/mute"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a poll's mute page: %d", resp.StatusCode)
		}
		if _, err := w.svc.ClosePoll(ctx, network.As(w.sec), p.ID, nil); err != nil {
			t.Fatal(err)
		}
		if resp, body := get(t, link); resp.StatusCode != http.StatusGone || !strings.Contains(body, "is closed") {
			t.Errorf("closed poll: %d\n%s", resp.StatusCode, body)
		}
	})
}

// TestCrossSitePost: a form posted from another site is refused, even
// with the right CSRF token (Sec-Fetch-Site), and changes nothing.
func TestCrossSitePost(t *testing.T) {
	s := storetest.Open(t, storetest.Backends[0].DSN(t), clock.Fixed(t0))
	w := newWorld(t, s)
	link := linkIn(t, w.mailTo(t, w.gh.Email, "Invitation:"))
	_, page := get(t, link)
	req, _ := http.NewRequest("POST", link, strings.NewReader(url.Values{"answer": {"yes"}, "csrf": {csrfOf(t, page)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
	if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseNone {
		t.Errorf("a cross-site POST answered: %s", inv.Response)
	}
}

func checkHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"X-Content-Type-Options":  "nosniff",
		"Content-Type":            "text/html; charset=utf-8",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

// TestMutedByLinkGetNoReminders: after a focal point and a guest stopped a
// meeting's reminders by one-click POST, the scheduler queues reminders
// for that meeting to the other invitees only.
func TestMutedByLinkGetNoReminders(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, to := range []string{w.gh.Email, w.guest} {
			req, _ := http.NewRequest("POST", linkIn(t, w.mailTo(t, to, "Invitation:"))+"/mute", strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("one-click for %s: %d", to, resp.StatusCode)
			}
		}
		w.clk.Set(w.meeting.Start.Add(-36 * time.Hour)) // the 2-day reminder is due
		sched := &scheduler.Scheduler{Store: s, Clock: w.clk, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Planner: w.planner, Zone: ny, Polls: w.svc}
		if err := sched.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		items, err := s.Outbox(ctx, model.OutboxFilter{MeetingID: w.meeting.ID})
		if err != nil {
			t.Fatal(err)
		}
		reminded := map[string]int{}
		for _, it := range items {
			if it.Kind == model.KindReminder || it.Kind == model.KindNudge {
				reminded[it.Recipient]++
			}
		}
		if reminded[w.dk.Email] == 0 || reminded[w.gh.Email] != 0 || reminded[w.guest] != 0 {
			t.Errorf("reminders queued: %v", reminded)
		}
	})
}

// TestDelegateOnThePage: "Send a colleague instead" refuses a bad address
// next to its field, keeping what was typed, and changes nothing; a good
// one delegates as the delegate command does (audited by web link), the
// colleague is mailed an invitation with a link of their own, and the
// page then says whom the reader sent.
func TestDelegateOnThePage(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		link := linkIn(t, w.mailTo(t, w.gh.Email, "Invitation:"))
		_, page := get(t, link)
		if !strings.Contains(page, "<legend>Send a colleague instead</legend>") || !strings.Contains(page, `<label for="delegate-email">`) ||
			!strings.Contains(page, "their answer counts for your country.") {
			t.Fatalf("no delegation form:\n%s", page)
		}
		csrf := csrfOf(t, page)
		if resp, _ := post(t, link+"/delegate", url.Values{"email": {"ama@mfa.example.gh"}, "name": {"Ama Owusu"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF: %d", resp.StatusCode)
		}
		resp, body := post(t, link+"/delegate", url.Values{"email": {"not an address"}, "name": {"Ama Owusu"}, "csrf": {csrf}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `aria-invalid="true" aria-describedby="delegate-email-error"`) ||
			!strings.Contains(body, `value="Ama Owusu"`) || !strings.Contains(body, `id="delegate-email-error"`) {
			t.Errorf("a bad address: %d\n%s", resp.StatusCode, body)
		}
		if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseNone || len(w.audits(t, "invitation.delegate")) != 0 {
			t.Fatalf("a refused delegation changed something: %+v", inv)
		}

		resp, _ = post(t, link+"/delegate", url.Values{"email": {"ama@mfa.example.gh"}, "name": {"Ama Owusu"}, "title": {"Counsellor"}, "csrf": {csrf}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delegate: %d", resp.StatusCode)
		}
		if inv := w.invitation(t, w.gh.Email); inv.Response != model.ResponseDelegate || inv.DelegatedTo == 0 {
			t.Errorf("Kwame's invitation: %+v", inv)
		}
		if a := w.audits(t, "invitation.delegate"); len(a) != 1 || !strings.HasSuffix(a[0].Actor, "(by web link)") {
			t.Errorf("audit: %+v", a)
		}
		if _, body := get(t, link); !strings.Contains(body, "You sent Ama Owusu in your place") || strings.Contains(body, "<legend>Send a colleague instead</legend>") {
			t.Errorf("the page after delegating:\n%s", body)
		}
		w.dispatch(t)
		theirs := linkIn(t, w.mailTo(t, "ama@mfa.example.gh", "Invitation:"))
		if theirs == link {
			t.Fatal("the colleague got the same link")
		}
		if resp, body := get(t, theirs); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Invitation for Ama Owusu") || strings.Contains(body, w.gh.Email) {
			t.Errorf("the colleague's page: %d\n%s", resp.StatusCode, body)
		}
	})
}

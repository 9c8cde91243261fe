package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/pgtest"
	"focalbot/internal/smtptest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
	"focalbot/web"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	ctx   = context.Background()
	t0    = time.Date(2012, 9, 1, 12, 0, 0, 0, time.UTC)
	ny, _ = time.LoadLocation("America/New_York")
)

// world is focalbot as it runs: a store, the services, a real SMTP server
// the dispatcher sends to, and the site with the pages, on a test server
// whose address is FOCALBOT_PUBLIC_URL.
type world struct {
	store   *storage.Store
	svc     *network.Service
	clk     *clock.Offset
	smtp    *smtptest.Server
	email   *delivery.Email
	disp    *delivery.Dispatcher
	srv     *httptest.Server
	planner delivery.Planner

	sec, gh, dk model.Person
	meeting     model.Meeting
	guest       string // the guest's e-mail address
}

func newWorld(t *testing.T, s *storage.Store) *world {
	t.Helper()
	w := &world{store: s, clk: clock.Fixed(t0), smtp: smtptest.Start(t, smtptest.Config{})}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sender, err := mail.NewSMTP("smtp://" + w.smtp.Addr)
	if err != nil {
		t.Fatal(err)
	}
	w.planner = delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "secretariat@example.org"},
		Channels: []model.Channel{model.ChannelEmail}}
	w.email = &delivery.Email{Mail: sender, Clock: w.clk}
	w.disp = &delivery.Dispatcher{Store: s, Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: w.email},
		Clock: w.clk, Log: log, Planner: w.planner, Zone: ny}
	w.svc = network.New(s, w.clk, ny, w.planner, nil)
	secret, err := s.Secret(ctx, "web-forms")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&web.Handler{Service: w.svc, Secret: secret, Log: log}).Register(mux)
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	w.email.Links = web.Links{Service: w.svc, BaseURL: w.srv.URL}

	add := func(name, email, country, zone string, role model.Role) model.Person {
		p := model.Person{Name: name, Email: email, Country: country, Role: role, Status: model.StatusActive, TimeZone: zone}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	w.sec = add("Ruth", "secretariat@example.org", "", "", model.RoleSecretariat)
	w.gh = add("Kwame Mensah", "kwame@mfa.example.gh", "GH", "Africa/Accra", model.RoleFocalPoint)
	w.dk = add("Mette Jensen", "mette@um.example.dk", "DK", "Europe/Copenhagen", model.RoleFocalPoint)
	title, venue := "Second Meeting of the Network", "United Nations Headquarters"
	start := time.Date(2012, 9, 29, 10, 0, 0, 0, ny)
	end := start.Add(7 * time.Hour)
	m, err := w.svc.CreateMeeting(ctx, network.As(w.sec), network.MeetingChange{Title: &title, Start: &start, End: &end, Zone: ny, Venue: &venue}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Invite(ctx, network.As(w.sec), m.ID, network.Selection{People: []int64{w.gh.ID, w.dk.ID}}); err != nil {
		t.Fatal(err)
	}
	w.guest = "guest@mission.example.org"
	if _, err := w.svc.Invite(ctx, network.As(w.sec), m.ID, network.Selection{Guest: &model.Invitation{Name: "Ana Ruiz", Email: w.guest}}); err != nil {
		t.Fatal(err)
	}
	w.meeting = m
	w.dispatch(t)
	return w
}

func (w *world) dispatch(t *testing.T) {
	t.Helper()
	if _, err := w.disp.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
}

// mailTo is the last message the SMTP server received for to whose subject
// begins with subject.
func (w *world) mailTo(t *testing.T, to, subject string) []byte {
	t.Helper()
	var raw []byte
	for _, m := range w.smtp.Received() {
		if len(m.To) == 1 && m.To[0] == to {
			if h, _ := header(m.Data); strings.HasPrefix(h.Get("Subject"), subject) {
				raw = m.Data
			}
		}
	}
	if raw == nil {
		t.Fatalf("no mail %q… to %s among %d", subject, to, len(w.smtp.Received()))
	}
	return raw
}

func header(raw []byte) (gomail.Header, error) {
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return gomail.Header{}, err
	}
	defer r.Close()
	return r.Header, nil
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+/a/[A-Za-z0-9_-]{43}`)

// linkIn is the personal link in the text part of a real message, as a
// reader would copy it, decoded from its transfer encoding.
func linkIn(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				body, _ := io.ReadAll(p.Body)
				if l := linkRE.FindString(string(body)); l != "" {
					return l
				}
				t.Fatalf("no personal link in the text:\n%s", body)
			}
		}
	}
	t.Fatal("no text part")
	return ""
}

// invitation is the invitation of email to the world's meeting, as stored.
func (w *world) invitation(t *testing.T, email string) model.Invitation {
	t.Helper()
	invs, err := w.store.Invitations(ctx, w.meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		if inv.Email == email {
			return inv
		}
	}
	t.Fatalf("%s is not invited", email)
	return model.Invitation{}
}

// client follows no redirects, so that a test sees the 303.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func post(t *testing.T, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := client.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	return m[1]
}

// audits are the audit entries of an action.
func (w *world) audits(t *testing.T, action string) []model.AuditEntry {
	t.Helper()
	all, err := w.store.Audit(ctx, storage.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []model.AuditEntry
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

package bot_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/storage"
)

// mailbox delivers what the outbox holds into an .eml folder, as the
// console does, and reads back what arrived.
type mailbox struct {
	dir *mail.Dir
	d   *delivery.Dispatcher
}

func newMailbox(t *testing.T, s *storage.Store, clk clock.Clock) *mailbox {
	t.Helper()
	dir, err := mail.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &mailbox{dir: dir, d: &delivery.Dispatcher{Store: s, Clock: clk, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: &delivery.Email{Mail: dir, Clock: clk}}}}
}

// deliver sends what is due and returns the text of each message that
// arrived, by recipient; the folder is emptied.
func (m *mailbox) deliver(t *testing.T) map[string]string {
	t.Helper()
	if _, err := m.d.Dispatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(m.dir.Path(), "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := gomail.CreateReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		to, _ := r.Header.AddressList("To")
		subject, _ := r.Header.Subject()
		var text strings.Builder
		text.WriteString(subject + "\n")
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(p.Body)
			text.Write(b)
		}
		for _, a := range to {
			got[a.Address] += text.String()
		}
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

var codeIn = regexp.MustCompile(`me confirm email (\d{6})`)

// code is the confirmation code in the one message that arrived, to addr.
func (m *mailbox) code(t *testing.T, addr string) string {
	t.Helper()
	got := m.deliver(t)
	text, ok := got[addr]
	if len(got) != 1 || !ok {
		t.Fatalf("mail arrived for %v, want one message to %s", keys(got), addr)
	}
	c := codeIn.FindStringSubmatch(text)
	if c == nil {
		t.Fatalf("no code in the message to %s:\n%s", addr, text)
	}
	return c[1]
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// emailWorld is the world with an engine that plans mail from the
// secretariat's mailbox, over a store whose clock the test moves.
func emailWorld(t *testing.T, s *storage.Store) *world {
	w := newWorld(t, s)
	pl := delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
	w.engine = bot.New(s, clock.Fixed(start), slog.New(slog.NewTextHandler(w.logs, nil)), time.UTC, bot.WithDelivery(pl, func() {}))
	return w
}

const confirmSent = "If that address can be used, a message with a confirmation code is on its way to it; type me confirm email <code> within 24 hours."

// TestEmailChangeAnswersAlike: a member who asks for an address someone
// has gets the very answer of one who asks for a free address, and nothing
// changes; only the free address is mailed a code, and nobody else is told
// anything. The code, typed back, changes the address, audited as before.
func TestEmailChangeAnswersAlike(t *testing.T) {
	clk := clock.Fixed(start)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		clk.Set(start)
		w := emailWorld(t, s)
		box := newMailbox(t, s, clk)
		before := w.snapshot()

		taken := w.as("fp@example.org", "me set email ALT@example.org")
		if got := box.deliver(t); len(got) != 0 {
			t.Errorf("asking for an address someone has mailed %v", keys(got))
		}
		free := w.as("fp@example.org", "me set email kwame@gh.example.org")
		if taken.Text() != free.Text() || taken.Code != free.Code || taken.Text() != confirmSent || taken.Code != "" {
			t.Errorf("answers differ:\ntaken (%q): %s\nfree (%q): %s", taken.Code, taken.Text(), free.Code, free.Text())
		}
		if after := w.snapshot(); after != before {
			t.Errorf("asking changed the roster:\n%s", diff(before, after))
		}
		code := box.code(t, "kwame@gh.example.org")
		if r := w.as("fp@example.org", "me set email alt@example.org"); r.Text() != confirmSent {
			t.Errorf("asked again: %s", r.Text())
		}
		if got := box.deliver(t); len(got) != 0 {
			t.Errorf("asking for an address someone has mailed %v", keys(got))
		}
		// That request replaced the one for the free address.
		w.refuses(t, "fp", "me confirm email "+code, model.EINVALID, "not the one sent")

		w.as("fp@example.org", "me set email kwame@gh.example.org")
		code = box.code(t, "kwame@gh.example.org")
		w.expect(t, "fp", "me confirm email "+code, "E-mail: kwame@gh.example.org", "")
		if r := w.as("kwame@gh.example.org", "me"); !strings.Contains(r.Text(), "Kwame Boateng") {
			t.Errorf("the new address does not find Kwame: %s", r.Text())
		}
		kwame, _ := s.PersonByEmail(context.Background(), "kwame@gh.example.org")
		var audit []model.AuditEntry
		all, _ := s.Audit(context.Background(), model.AuditFilter{Subject: "person:" + strconv.FormatInt(kwame.ID, 10)})
		for _, a := range all {
			if a.Action == "person.update" {
				audit = append(audit, a)
			}
		}
		if len(audit) != 1 || !strings.Contains(audit[0].Before, "fp@example.org") || !strings.Contains(audit[0].After, "kwame@gh.example.org") {
			t.Errorf("audit: %+v", audit)
		}
		if r := w.as("kwame@gh.example.org", "me confirm email "+code); r.Code != model.EINVALID || !strings.Contains(r.Text(), "No change of e-mail address is waiting") {
			t.Errorf("the code used again: %s", r.Text())
		}
	})
}

// TestEmailChangeRefusals: a wrong code is refused and counts; five wrong
// ones cancel the change; a code is good for 24 hours; an address given to
// someone else between the request and the code is refused then. Each
// changes nothing on the roster.
func TestEmailChangeRefusals(t *testing.T) {
	clk := clock.Fixed(start)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		clk.Set(start)
		w := emailWorld(t, s)
		box := newMailbox(t, s, clk)
		wrong := func(code string) string { // a code that is not code
			if code == "000000" {
				return "000001"
			}
			return "000000"
		}

		w.refuses(t, "fp", "me confirm email 123456", model.EINVALID, "No change of e-mail address is waiting")
		w.refuses(t, "fp", "me confirm email", model.EINVALID, "Usage: me confirm email <code>")
		w.refuses(t, "fp", "me set email not-an-address", model.EINVALID, "name@example.org")

		w.as("fp@example.org", "me set email kwame@gh.example.org")
		code := box.code(t, "kwame@gh.example.org")
		w.refuses(t, "fp", "me confirm email "+wrong(code), model.EINVALID, "(4 tries left)")
		w.refuses(t, "fp", "me confirm email "+wrong(code), model.EINVALID, "(3 tries left)")
		w.refuses(t, "fp", "me confirm email "+wrong(code), model.EINVALID, "(2 tries left)")
		w.refuses(t, "fp", "me confirm email "+wrong(code), model.EINVALID, "(1 try left)")
		w.refuses(t, "fp", "me confirm email "+wrong(code), model.EINVALID, "5 times now, so the change of e-mail address is cancelled")
		w.refuses(t, "fp", "me confirm email "+code, model.EINVALID, "No change of e-mail address is waiting")

		w.as("fp@example.org", "me set email kwame@gh.example.org")
		code = box.code(t, "kwame@gh.example.org")
		clk.Advance(24 * time.Hour)
		w.refuses(t, "fp", "me confirm email "+code, model.EINVALID, "has expired")
		w.refuses(t, "fp", "me confirm email "+code, model.EINVALID, "No change of e-mail address is waiting")

		w.as("fp@example.org", "me set email kwame@gh.example.org")
		code = box.code(t, "kwame@gh.example.org")
		clk.Advance(24*time.Hour - time.Second)
		w.expect(t, "sec", "update alt@example.org email=kwame@gh.example.org", "Updated", "")
		w.refuses(t, "fp", "me confirm email "+code, model.ECONFLICT, "kwame@gh.example.org has been given to someone else on the roster since you asked")
		w.refuses(t, "fp", "me confirm email "+code, model.EINVALID, "No change of e-mail address is waiting")
	})
}

// TestEmailChangeBySecretariat: the secretariat, who sees the roster,
// changes its own address at once and is told plainly when someone has it;
// a member's other changes apply at once while the address waits.
func TestEmailChangeBySecretariat(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := emailWorld(t, s)
	box := newMailbox(t, s, clock.Fixed(start))
	w.refuses(t, "sec", "me set email fp@example.org", model.ECONFLICT, "Someone on the roster already has the e-mail address fp@example.org")
	w.expect(t, "sec", "me set email ruth@example.org", "E-mail: ruth@example.org", "")
	if got := box.deliver(t); len(got) != 0 {
		t.Errorf("the secretariat's change mailed %v", keys(got))
	}
	text := w.expect(t, "fp", "me set title=Director email=kwame@gh.example.org", "Title: Director", "E-mail: kwame@gh.example.org")
	if !strings.Contains(text, "E-mail: fp@example.org") || !strings.HasSuffix(text, confirmSent) {
		t.Errorf("me set with a title and an address:\n%s", text)
	}
	box.code(t, "kwame@gh.example.org")
}

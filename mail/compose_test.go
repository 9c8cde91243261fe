package mail

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

func readInvitation(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/invitation.ics")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// invitation is a realistic iMIP request from the secretariat to one focal point.
func invitation(t testing.TB) Message {
	return Message{
		From:      Address{Name: "Global Centre for the Responsibility to Protect", Email: "secretariat@focalbot.example.org"},
		To:        Address{Name: "José Ñúñez", Email: "jose.nunez@example.cr"},
		Subject:   "Invitation: Second Meeting of the Global Network of R2P Focal Points",
		Date:      time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC),
		MessageID: "outbox-17.meeting-2.seq-1@focalbot.example.org",
		Text:      "Saturday 29 September 2012, 10:00–17:00 New York (EDT).\r\nRalph Bunche Institute, 365 Fifth Avenue, New York.\r\n",
		HTML:      "<p>Saturday 29 September 2012, <b>10:00–17:00</b> New York (EDT).</p><p>Ralph Bunche Institute, 365 Fifth Avenue, New York.</p>",
		Calendar:  readInvitation(t),
		Method:    "REQUEST",
	}
}

// part is one leaf or multipart entity of a parsed message, in tree order.
type part struct {
	path   string // "" for the root, "0", "0.2", …
	typ    string
	params map[string]string
	header message.Header
	body   []byte // decoded; nil for multiparts
}

// parse reads raw with go-message and lists every entity in tree order.
func parse(t testing.TB, raw []byte) []part {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	var parts []part
	err = e.Walk(func(path []int, ent *message.Entity, err error) error {
		if err != nil {
			return err
		}
		typ, params, err := ent.Header.ContentType()
		if err != nil {
			return err
		}
		p := part{typ: typ, params: params, header: ent.Header}
		for i, n := range path {
			if i > 0 {
				p.path += "."
			}
			p.path += string(rune('0' + n))
		}
		if ent.MultipartReader() == nil {
			if p.body, err = io.ReadAll(ent.Body); err != nil {
				return err
			}
		}
		parts = append(parts, p)
		return nil
	})
	if err != nil {
		t.Fatalf("walk message: %v", err)
	}
	return parts
}

func TestComposeInvitationLayout(t *testing.T) {
	for _, tc := range []struct {
		method, file string
	}{
		{"REQUEST", "invite.ics"},
		{"CANCEL", "cancel.ics"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			m := invitation(t)
			m.Method = tc.method
			m.Calendar = bytes.Replace(m.Calendar, []byte("METHOD:REQUEST"), []byte("METHOD:"+tc.method), 1)
			raw, err := Compose(m)
			if err != nil {
				t.Fatal(err)
			}
			checkInvitationLayout(t, raw, m, tc.file)
		})
	}
}

// checkInvitationLayout proves raw has the layout Outlook, Gmail and
// Thunderbird read, with m's calendar intact.
func checkInvitationLayout(t *testing.T, raw []byte, m Message, file string) {
	t.Helper()
	checkLines(t, raw)
	got := parse(t, raw)
	want := []struct{ path, typ string }{
		{"", "multipart/mixed"},
		{"0", "multipart/alternative"},
		{"0.0", "text/plain"},
		{"0.1", "text/html"},
		{"0.2", "text/calendar"},
		{"1", "application/ics"},
	}
	if len(got) != len(want) {
		for _, p := range got {
			t.Logf("%q %s", p.path, p.typ)
		}
		t.Fatalf("got %d entities, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].path != w.path || got[i].typ != w.typ {
			t.Errorf("entity %d = %q %s, want %q %s", i, got[i].path, got[i].typ, w.path, w.typ)
		}
	}
	text, html, cal, att := got[2], got[3], got[4], got[5]
	for _, p := range []part{text, html, cal} {
		if cs := p.params["charset"]; !strings.EqualFold(cs, "utf-8") {
			t.Errorf("%s charset = %q, want UTF-8", p.typ, cs)
		}
	}
	if string(text.body) != m.Text || string(html.body) != m.HTML {
		t.Errorf("text or html changed in transit:\n%q\n%q", text.body, html.body)
	}
	if cal.params["method"] != m.Method {
		t.Errorf("text/calendar method = %q, want %q", cal.params["method"], m.Method)
	}
	if enc := cal.header.Get("Content-Transfer-Encoding"); enc != "base64" {
		t.Errorf("calendar part encoding = %q, want base64", enc)
	}
	if !bytes.Equal(cal.body, m.Calendar) {
		t.Errorf("calendar part differs from the calendar given:\n%q", cal.body)
	}
	if !bytes.Equal(att.body, m.Calendar) {
		t.Errorf("attachment differs from the calendar given")
	}
	disp, dparams, _ := att.header.ContentDisposition()
	if disp != "attachment" || dparams["filename"] != file || att.params["name"] != file {
		t.Errorf("attachment = %s %v name=%q, want attachment %s", disp, dparams, att.params["name"], file)
	}
	if enc := att.header.Get("Content-Transfer-Encoding"); enc != "base64" {
		t.Errorf("attachment encoding = %q, want base64", enc)
	}

	h := gomail.Header{Header: got[0].header}
	if id, _ := h.MessageID(); id != m.MessageID {
		t.Errorf("Message-ID = %q, want %q", id, m.MessageID)
	}
	if d, _ := h.Date(); !d.Equal(m.Date) {
		t.Errorf("Date = %v, want %v", d, m.Date)
	}
	if s, _ := h.Subject(); s != m.Subject {
		t.Errorf("Subject = %q, want %q", s, m.Subject)
	}
	checkAddress(t, h, "From", m.From)
	checkAddress(t, h, "To", m.To)
}

func checkAddress(t *testing.T, h gomail.Header, field string, want Address) {
	t.Helper()
	l, err := h.AddressList(field)
	if err != nil || len(l) != 1 {
		t.Fatalf("%s = %q: %v", field, h.Get(field), err)
	}
	if l[0].Name != want.Name || l[0].Address != want.Email {
		t.Errorf("%s = %q <%s>, want %q <%s>", field, l[0].Name, l[0].Address, want.Name, want.Email)
	}
}

// checkLines proves every line ends in CRLF and stays within RFC 5322's 998
// octets, and that the header is plain ASCII.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Errorf("message does not end in CRLF")
	}
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, c := range header {
		if c >= 0x80 {
			t.Fatalf("header has a non-ASCII byte at %d: %q", i, header)
		}
	}
	for i, line := range bytes.Split(raw, []byte("\n")) {
		if i > 0 && !bytes.HasSuffix(line, []byte("\r")) && len(line) > 0 {
			t.Fatalf("line %d is not ended by CRLF: %q", i, line)
		}
		if bytes.Count(line, []byte("\r")) > 1 || len(line) > 999 {
			t.Fatalf("line %d has a bare CR or is too long: %q", i, line)
		}
	}
}

func TestComposeHeaderInjection(t *testing.T) {
	const evil = "\r\nBcc: evil@example.org"
	for _, tc := range []struct {
		name string
		edit func(*Message)
	}{
		{"from name", func(m *Message) { m.From.Name += evil }},
		{"to name", func(m *Message) { m.To.Name += evil }},
		{"reply-to name", func(m *Message) { m.ReplyTo = &Address{Name: "Desk" + evil, Email: "desk@example.org"} }},
		{"subject", func(m *Message) { m.Subject += evil }},
		{"subject with bare LF", func(m *Message) { m.Subject += "\nBcc: evil@example.org" }},
		{"subject with bare CR", func(m *Message) { m.Subject += "\rBcc: evil@example.org" }},
		{"subject with Unicode line separator", func(m *Message) { m.Subject += "\u2028Bcc: evil@example.org" }},
		{"ascii-only subject", func(m *Message) { m.Subject = "Meeting" + evil + "\r\n\r\nbody" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := invitation(t)
			tc.edit(&m)
			raw, err := Compose(m)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, raw)
			root := parse(t, raw)[0]
			if root.header.Has("Bcc") {
				t.Errorf("a Bcc header was injected")
			}
			for _, f := range []string{"From", "To", "Subject", "Reply-To", "Date", "Message-Id"} {
				if n := len(root.header.Values(f)); n > 1 {
					t.Errorf("%d %s headers", n, f)
				}
			}
			header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			if bytes.Contains(bytes.ToLower(header), []byte("\r\nbcc:")) {
				t.Errorf("raw header has a Bcc line:\n%s", header)
			}
			h := gomail.Header{Header: root.header}
			if s, _ := h.Subject(); strings.ContainsAny(s, "\r\n") {
				t.Errorf("decoded subject keeps a line break: %q", s)
			}
		})
	}
}

func TestComposeNonASCIIHeaders(t *testing.T) {
	m := invitation(t)
	m.From.Name = "Centre mondial pour la responsabilité de protéger"
	m.To = Address{Name: "Nguyễn Thị Minh Khai", Email: "minh.khai@example.vn"}
	m.ReplyTo = &Address{Name: "秘书处", Email: "desk@focalbot.example.org"}
	m.Subject = "Réunion du réseau — 第二次会议 — Второе совещание сети координаторов по ответственности по защите"
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, raw) // the header is ASCII: RFC 2047 encoded words
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !bytes.Contains(header, []byte("=?utf-8?")) {
		t.Errorf("no RFC 2047 encoded word in header:\n%s", header)
	}
	checkInvitationLayout(t, raw, m, "invite.ics")
	h := gomail.Header{Header: parse(t, raw)[0].header}
	checkAddress(t, h, "Reply-To", *m.ReplyTo)
}

func TestComposePlainMail(t *testing.T) {
	m := invitation(t)
	m.Calendar, m.Method = nil, ""
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, raw)
	got := parse(t, raw)
	if len(got) != 3 || got[0].typ != "multipart/alternative" || got[1].typ != "text/plain" || got[2].typ != "text/html" {
		t.Fatalf("plain mail with HTML = %v, want multipart/alternative of text/plain and text/html", got)
	}

	m.HTML = ""
	raw, err = Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	got = parse(t, raw)
	if len(got) != 1 || got[0].typ != "text/plain" || string(got[0].body) != m.Text {
		t.Fatalf("text-only mail = %v, want one text/plain part", got)
	}
}

func TestComposeRandomMessageIDWhenNoneGiven(t *testing.T) {
	m := invitation(t)
	m.MessageID = ""
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	h := gomail.Header{Header: parse(t, raw)[0].header}
	id, err := h.MessageID()
	if err != nil || !strings.HasSuffix(id, "@focalbot.example.org") || len(id) < 30 {
		t.Errorf("Message-ID = %q (%v), want a random id at the From domain", id, err)
	}
}

func TestComposeRefusesBadMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Message)
		want string
	}{
		{"missing from address", func(m *Message) { m.From.Email = "" }, "missing from address"},
		{"missing to address", func(m *Message) { m.To = Address{Name: "Nobody"} }, "missing to address"},
		{"from address with a display name", func(m *Message) { m.From.Email = "Evil <evil@example.org>" }, "malformed from address"},
		{"to address carrying a header", func(m *Message) { m.To.Email = "a@example.org\r\nBcc: evil@example.org" }, "malformed to address"},
		{"two to addresses", func(m *Message) { m.To.Email = "a@example.org, b@example.org" }, "malformed to address"},
		{"malformed reply-to", func(m *Message) { m.ReplyTo = &Address{Email: "not an address"} }, "malformed reply-to address"},
		{"zero date", func(m *Message) { m.Date = time.Time{} }, "missing date"},
		{"message id with brackets", func(m *Message) { m.MessageID = "<a@b>" }, "malformed message id"},
		{"message id with CRLF", func(m *Message) { m.MessageID = "a@b\r\nBcc: x@y" }, "malformed message id"},
		{"message id without @", func(m *Message) { m.MessageID = "outbox-17" }, "malformed message id"},
		{"unknown method", func(m *Message) { m.Method = "COUNTER" }, "unknown calendar method"},
		{"missing method", func(m *Message) { m.Method = "" }, "unknown calendar method"},
		{"method differs from the calendar's", func(m *Message) { m.Method = "CANCEL" }, `calendar METHOD "REQUEST" differs`},
		{"calendar without METHOD", func(m *Message) {
			m.Calendar = bytes.Replace(m.Calendar, []byte("METHOD:REQUEST\r\n"), nil, 1)
		}, "calendar has no METHOD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := invitation(t)
			tc.edit(&m)
			raw, err := Compose(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Compose = %d bytes, %v; want an error containing %q", len(raw), err, tc.want)
			}
			if !Permanent(err) {
				t.Errorf("Permanent(%v) = false for a message that cannot be composed", err)
			}
		})
	}
}

func TestComposeAcceptsLowerCaseMethod(t *testing.T) {
	m := invitation(t)
	m.Method = "request"
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	if cal := parse(t, raw)[4]; cal.params["method"] != "REQUEST" {
		t.Errorf("method = %q, want REQUEST", cal.params["method"])
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"  Ama \t Mensah ":            "Ama Mensah",
		"a\r\nBcc: b":                 "a Bcc: b",
		"line\u2028separator\u0085x":  "line separator x",
		"José\x00Ñúñez":               "José Ñúñez",
		"":                            "",
		"\r\n":                        "",
		"Second Meeting\r\n\r\n\tR2P": "Second Meeting R2P",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestComposeListUnsubscribe: a plain mail with ListUnsubscribe carries
// RFC 2369's List-Unsubscribe and RFC 8058's one-click List-Unsubscribe-Post;
// a URL that is not http(s), or that could break out of its angle
// brackets or its header, is refused (permanently).
func TestComposeListUnsubscribe(t *testing.T) {
	m := invitation(t)
	m.Calendar, m.Method = nil, ""
	m.ListUnsubscribe = "https://focalbot.example.org/a/abc_DEF-123/mute"
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Header.Get("List-Unsubscribe"); got != "<https://focalbot.example.org/a/abc_DEF-123/mute>" {
		t.Errorf("List-Unsubscribe: %q", got)
	}
	if got := r.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post: %q", got)
	}
	for _, bad := range []string{"mailto:x@example.org", "https://x.example.org/a>\r\nBcc: y@example.org", "https://x.example.org/a b", "/a/relative", "https://"} {
		m.ListUnsubscribe = bad
		if _, err := Compose(m); err == nil || !Permanent(err) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	m.ListUnsubscribe = ""
	raw, _ = Compose(m)
	if bytes.Contains(raw, []byte("List-Unsubscribe")) {
		t.Error("List-Unsubscribe without a URL")
	}
}

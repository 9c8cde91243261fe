// Package mail holds focalbot's e-mail: composing iMIP messages (a calendar
// invitation, update, cancellation or plain mail as RFC 5322 bytes), delivering
// them over SMTP or into a folder of .eml files, saying which of its delivery
// errors are permanent (Permanent), and finding the calendar in a reply that comes
// back. It takes the calendar as bytes plus its METHOD and knows nothing of
// storage, chat, meetings or how the calendar was built.
package mail

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"

	gomail "github.com/emersion/go-message/mail"
)

// Address is a mailbox: a display name (may be empty) and a bare address.
type Address struct {
	Name, Email string
}

// Message is one e-mail to compose.
type Message struct {
	From    Address
	To      Address
	ReplyTo *Address

	Subject string
	Date    time.Time
	// MessageID is the Message-ID without angle brackets, such as
	// "outbox-42@focalbot.example.org". Give one that is stable per outbox row
	// so a retry is recognisable; when empty, a random one is made at the
	// From address's domain.
	MessageID string

	Text, HTML string

	// ListUnsubscribe, when set, is an http(s) URL that stops messages of
	// this kind: it is sent as List-Unsubscribe (RFC 2369) with
	// List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), so that
	// a mail client's "unsubscribe" POSTs to it without opening a page.
	ListUnsubscribe string

	// Calendar is the iCalendar object (nil for a plain mail) and Method its
	// METHOD: "REQUEST", "CANCEL", "PUBLISH" or "REPLY".
	Calendar []byte
	Method   string
}

// methods are the iTIP methods Compose sends.
var methods = map[string]bool{"REQUEST": true, "CANCEL": true, "PUBLISH": true, "REPLY": true}

// Compose renders m as RFC 5322 bytes with CRLF line endings.
//
// With a calendar the layout is the one Google, Yahoo and Thunderbird send and
// Outlook reads (Outlook looks only at the first child of multipart/mixed):
//
//	multipart/mixed
//	  multipart/alternative
//	    text/plain; charset=UTF-8
//	    text/html; charset=UTF-8             (when HTML is set)
//	    text/calendar; charset=UTF-8; method=<Method>   (base64)
//	  application/ics; name=invite.ics       (attachment copy, base64; cancel.ics for CANCEL)
//
// Without a calendar it is multipart/alternative of text and HTML, or a
// single text/plain part when HTML is empty.
//
// Names and the subject are made one line (CR, LF and other control
// characters become spaces) and encoded per RFC 2047 when not ASCII, so no
// user data can add a header. Compose returns an error for a missing or
// malformed From or To address, a zero Date, a malformed MessageID, an unknown
// Method, or a calendar whose METHOD property differs from Method; such an
// error is Permanent.
func Compose(m Message) ([]byte, error) {
	raw, err := compose(m)
	if err != nil {
		return nil, permanent(err)
	}
	return raw, nil
}

func compose(m Message) ([]byte, error) {
	from, err := mailbox("from", m.From)
	if err != nil {
		return nil, err
	}
	to, err := mailbox("to", m.To)
	if err != nil {
		return nil, err
	}
	if m.Date.IsZero() {
		return nil, errors.New("compose: missing date")
	}
	id := m.MessageID
	if id == "" {
		id, err = randomMessageID(from.Address)
		if err != nil {
			return nil, err
		}
	} else if err := checkMessageID(id); err != nil {
		return nil, err
	}

	var h gomail.Header
	h.SetDate(m.Date)
	h.SetAddressList("From", []*gomail.Address{from})
	h.SetAddressList("To", []*gomail.Address{to})
	if m.ReplyTo != nil {
		rt, err := mailbox("reply-to", *m.ReplyTo)
		if err != nil {
			return nil, err
		}
		h.SetAddressList("Reply-To", []*gomail.Address{rt})
	}
	h.SetSubject(oneLine(m.Subject))
	h.SetMessageID(id)
	if m.ListUnsubscribe != "" {
		if err := checkUnsubscribe(m.ListUnsubscribe); err != nil {
			return nil, err
		}
		h.Set("List-Unsubscribe", "<"+m.ListUnsubscribe+">")
		h.Set("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}

	var buf bytes.Buffer
	buf.Grow(len(m.Text) + len(m.HTML) + 3*len(m.Calendar) + 2048)
	if m.Calendar == nil {
		err = writePlain(&buf, h, m)
	} else {
		err = writeInvitation(&buf, h, m)
	}
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	return buf.Bytes(), nil
}

// checkUnsubscribe refuses a List-Unsubscribe URL that is not http(s), or
// that could break out of its angle brackets or its header.
func checkUnsubscribe(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		strings.ContainsAny(raw, "<>\r\n \t\"") {
		return fmt.Errorf("compose: List-Unsubscribe %q is not an http(s) URL", raw)
	}
	return nil
}

func writePlain(w io.Writer, h gomail.Header, m Message) error {
	if m.HTML == "" {
		h.SetContentType("text/plain", map[string]string{"charset": "UTF-8"})
		tw, err := gomail.CreateSingleInlineWriter(w, h)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(tw, m.Text); err != nil {
			return err
		}
		return tw.Close()
	}
	iw, err := gomail.CreateInlineWriter(w, h)
	if err != nil {
		return err
	}
	if err := writeTexts(iw, m); err != nil {
		return err
	}
	return iw.Close()
}

func writeInvitation(w io.Writer, h gomail.Header, m Message) error {
	method := strings.ToUpper(m.Method)
	if !methods[method] {
		return fmt.Errorf("unknown calendar method %q", m.Method)
	}
	inner, err := calendarMethod(m.Calendar)
	if err != nil {
		return err
	}
	if inner != method {
		return fmt.Errorf("calendar METHOD %q differs from method %q", inner, method)
	}

	mw, err := gomail.CreateWriter(w, h)
	if err != nil {
		return err
	}
	iw, err := mw.CreateInline()
	if err != nil {
		return err
	}
	if err := writeTexts(iw, m); err != nil {
		return err
	}
	var ch gomail.InlineHeader
	ch.SetContentType("text/calendar", map[string]string{"charset": "UTF-8", "method": method})
	ch.Set("Content-Transfer-Encoding", "base64")
	if err := writePart(iw.CreatePart(ch))(m.Calendar); err != nil {
		return fmt.Errorf("calendar part: %w", err)
	}
	if err := iw.Close(); err != nil {
		return err
	}

	name := "invite.ics"
	if method == "CANCEL" {
		name = "cancel.ics"
	}
	var ah gomail.AttachmentHeader
	ah.SetContentType("application/ics", map[string]string{"name": name})
	ah.SetFilename(name)
	if err := writePart(mw.CreateAttachment(ah))(m.Calendar); err != nil {
		return fmt.Errorf("attachment: %w", err)
	}
	return mw.Close()
}

// writeTexts writes the text/plain part and, when there is HTML, the
// text/html part.
func writeTexts(iw *gomail.InlineWriter, m Message) error {
	var th gomail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "UTF-8"})
	if err := writePart(iw.CreatePart(th))([]byte(m.Text)); err != nil {
		return fmt.Errorf("text part: %w", err)
	}
	if m.HTML == "" {
		return nil
	}
	var hh gomail.InlineHeader
	hh.SetContentType("text/html", map[string]string{"charset": "UTF-8"})
	if err := writePart(iw.CreatePart(hh))([]byte(m.HTML)); err != nil {
		return fmt.Errorf("html part: %w", err)
	}
	return nil
}

// writePart returns a function that writes b to a part just created and
// closes it, so a part is made and filled in one line.
func writePart(pw io.WriteCloser, err error) func(b []byte) error {
	return func(b []byte) error {
		if err != nil {
			return err
		}
		if _, err := pw.Write(b); err != nil {
			return err
		}
		return pw.Close()
	}
}

// mailbox checks a and returns it as a header address with a one-line name.
func mailbox(field string, a Address) (*gomail.Address, error) {
	email := strings.TrimSpace(a.Email)
	if email == "" {
		return nil, fmt.Errorf("compose: missing %s address", field)
	}
	p, err := netmail.ParseAddress(email)
	if err != nil || p.Name != "" || p.Address != email {
		return nil, fmt.Errorf("compose: malformed %s address %q", field, a.Email)
	}
	return &gomail.Address{Name: oneLine(a.Name), Address: email}, nil
}

// oneLine turns every control character (CR, LF, tab, and the Unicode line
// and paragraph separators) into a space, folds runs of spaces into one and
// trims the ends, so a header value made from user data stays one line.
func oneLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkMessageID accepts an RFC 5322 msg-id without its angle brackets:
// printable ASCII, no spaces or brackets, with one "@".
func checkMessageID(id string) error {
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' || c == '<' || c == '>' {
			return fmt.Errorf("compose: malformed message id %q", id)
		}
	}
	if strings.Count(id, "@") != 1 || strings.HasPrefix(id, "@") || strings.HasSuffix(id, "@") {
		return fmt.Errorf("compose: malformed message id %q", id)
	}
	return nil
}

func randomMessageID(from string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("compose: message id: %w", err)
	}
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return hex.EncodeToString(b[:]) + "@" + domain, nil
}

// calendarMethod returns the value of the VCALENDAR's METHOD property,
// upper-cased, or an error when it has none. Only the calendar's own
// properties (before its first component) are looked at.
func calendarMethod(ics []byte) (string, error) {
	sc := bufio.NewScanner(bytes.NewReader(ics))
	sc.Buffer(make([]byte, 0, 1024), len(ics)+1)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name = strings.ToUpper(name)
		if name == "METHOD" {
			return strings.ToUpper(strings.TrimSpace(value)), nil
		}
		if name == "BEGIN" && !strings.EqualFold(value, "VCALENDAR") {
			break
		}
	}
	return "", errors.New("calendar has no METHOD property")
}

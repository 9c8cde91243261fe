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
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
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

func writePlain(w *bytes.Buffer, h gomail.Header, m Message) error {
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
	alt := boundary()
	h.SetContentType("multipart/alternative", map[string]string{"boundary": alt})
	if err := writeHeader(w, h); err != nil {
		return err
	}
	writeTexts(w, alt, m)
	closeMultipart(w, alt)
	return nil
}

func writeInvitation(w *bytes.Buffer, h gomail.Header, m Message) error {
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
	mixed, alt := boundary(), boundary()
	h.SetContentType("multipart/mixed", map[string]string{"boundary": mixed})
	if err := writeHeader(w, h); err != nil {
		return err
	}
	firstPart(w, mixed)
	w.WriteString("Content-Type: multipart/alternative;\r\n boundary=" + alt + "\r\n\r\n")
	writeTexts(w, alt, m)
	openPart(w, alt)
	w.WriteString("Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n" +
		"Content-Type: text/calendar; charset=UTF-8; method=" + method + "\r\n\r\n")
	writeBase64(w, m.Calendar)
	closeMultipart(w, alt)

	name := "invite.ics"
	if method == "CANCEL" {
		name = "cancel.ics"
	}
	openPart(w, mixed)
	w.WriteString("Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=" + name + "\r\n" +
		"Content-Type: application/ics; name=" + name + "\r\n\r\n")
	writeBase64(w, m.Calendar)
	closeMultipart(w, mixed)
	return nil
}

// The MIME structure is written directly rather than through go-message's
// part writers, which cost more than the rest of composing a message: only
// the message's own header (addresses, subject: user data, which go-message
// encodes and folds) goes through go-message. The parts' headers are fixed
// text, their boundaries random and their bodies quoted-printable (text)
// or base64 (the calendar), as go-message writes them.

// writeHeader writes the message's header with its MIME version.
func writeHeader(w *bytes.Buffer, h gomail.Header) error {
	h.Set("Mime-Version", "1.0")
	return textproto.WriteHeader(w, h.Header.Header)
}

// boundary is a random multipart boundary.
func boundary() string {
	var b [30]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// firstPart starts the first part of the multipart whose boundary is b,
// right after its header.
func firstPart(w *bytes.Buffer, b string) {
	w.WriteString("--" + b + "\r\n")
}

// openPart starts another part of the multipart whose boundary is b.
func openPart(w *bytes.Buffer, b string) {
	w.WriteString("\r\n--" + b + "\r\n")
}

// closeMultipart ends the multipart whose boundary is b.
func closeMultipart(w *bytes.Buffer, b string) {
	w.WriteString("\r\n--" + b + "--\r\n")
}

// writeTexts writes the text/plain part and, when there is HTML, the
// text/html part, in the multipart/alternative whose boundary is alt.
func writeTexts(w *bytes.Buffer, alt string, m Message) {
	firstPart(w, alt)
	w.WriteString("Content-Transfer-Encoding: quoted-printable\r\nContent-Disposition: inline\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n\r\n")
	writeQuoted(w, m.Text)
	if m.HTML == "" {
		return
	}
	openPart(w, alt)
	w.WriteString("Content-Transfer-Encoding: quoted-printable\r\nContent-Disposition: inline\r\n" +
		"Content-Type: text/html; charset=UTF-8\r\n\r\n")
	writeQuoted(w, m.HTML)
}

// writeQuoted writes s quoted-printable, its line ends as CRLF, as
// mime/quotedprintable writes it.
//
// Messages to many readers share most of their lines, so the encoding of a
// line is kept (qpLines) and the body put together line by line. That is
// the same as encoding it whole: quotedprintable's writer starts every line
// that follows an LF afresh (nothing on the line, no CR pending), so each
// line's encoding depends on that line alone. A CR would carry over
// (quotedprintable drops an LF that follows a CR, even with other bytes
// between), so a text with any CR is encoded whole.
func writeQuoted(w *bytes.Buffer, s string) {
	if strings.IndexByte(s, '\r') >= 0 {
		encodeQuoted(w, s)
		return
	}
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			encodeQuoted(w, s) // the last line, without its end
			return
		}
		w.WriteString(qpLines.get(s[:i+1]))
		s = s[i+1:]
	}
}

// encodeQuoted writes s quoted-printable with mime/quotedprintable.
func encodeQuoted(w *bytes.Buffer, s string) {
	qw := quotedprintable.NewWriter(w)
	_, _ = io.WriteString(qw, s) // a bytes.Buffer does not fail
	_ = qw.Close()
}

// qpLines keeps the quoted-printable encoding of lines ending in LF.
var qpLines = lineCache{m: map[string]string{}}

// A lineCache holds at most maxQPLines lines, none longer than
// maxQPLine; when full it starts again, so that the lines every message
// has are soon back and those of one reader alone (a name, a link) go.
type lineCache struct {
	mu sync.Mutex
	m  map[string]string
}

const (
	maxQPLines = 4096
	maxQPLine  = 1024
)

func (c *lineCache) get(line string) string {
	if len(line) > maxQPLine {
		var b bytes.Buffer
		encodeQuoted(&b, line)
		return b.String()
	}
	c.mu.Lock()
	q, ok := c.m[line]
	c.mu.Unlock()
	if ok {
		return q
	}
	var b bytes.Buffer
	b.Grow(len(line) + len(line)/8 + 8)
	encodeQuoted(&b, line)
	q = b.String()
	c.mu.Lock()
	if len(c.m) >= maxQPLines {
		clear(c.m)
	}
	c.m[strings.Clone(line)] = q
	c.mu.Unlock()
	return q
}

// writeBase64 writes b in base64, in lines of 76 characters.
func writeBase64(w *bytes.Buffer, b []byte) {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(b)))
	base64.StdEncoding.Encode(enc, b)
	for len(enc) > 76 {
		w.Write(enc[:76])
		w.WriteString("\r\n")
		enc = enc[76:]
	}
	w.Write(enc)
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

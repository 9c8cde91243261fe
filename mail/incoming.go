package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"time"

	"focalbot/model"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-smtp"
)

// Incoming is what focalbot reads from a received e-mail before deciding
// what it is: its identity, whether it is an automatic reply, what the
// receiving server said of its authenticity, a delivery status report, and
// its calendar. Reading it changes nothing.
type Incoming struct {
	MessageID string // without angle brackets; "" when it has none
	From      string // the bare address of From, as written; "" when it has none that reads
	Subject   string
	Date      time.Time // zero when missing or unreadable
	// Auto says why the mail is an automatic reply (RFC 3834
	// Auto-Submitted, X-Autoreply, X-Autorespond, Precedence, an
	// out-of-office subject), as a sentence of the catalog that each reader
	// sees in their language; zero when it is not one.
	Auto model.Msg
	// Forged says why the receiving server doubts that the mail comes from
	// its From domain (Authentication-Results, RFC 8601: DMARC failed, or
	// both DKIM and SPF did), as a sentence of the catalog; zero when it
	// says nothing of the kind.
	Forged model.Msg
	// Report is the delivery status notification (RFC 3464) the mail is, or
	// nil.
	Report *Report
	// Method is the iTIP method of the calendar (upper case), Calendar its
	// bytes in UTF-8; CalendarErr says why there is none (ErrNoCalendar,
	// wrapped) or why it could not be read.
	Method      string
	Calendar    []byte
	CalendarErr error
	// ForwardedFrom is the From of the message the calendar was found in,
	// when that is a message forwarded inside this one (message/rfc822);
	// "" when the calendar is the mail's own.
	ForwardedFrom string
}

// Report is a delivery status notification: a message of ours that a mail
// server could not deliver, or has not yet.
type Report struct {
	// OriginalMessageID is the Message-ID of the message reported on,
	// without angle brackets: from Original-Message-ID, or from the
	// returned message or its headers.
	OriginalMessageID string
	Recipients        []ReportRecipient
}

// ReportRecipient is one recipient of a delivery status notification.
type ReportRecipient struct {
	Recipient  string // Final-Recipient (or Original-Recipient), the bare address
	Action     string // failed, delayed, delivered, relayed, expanded (lower case)
	Status     string // e.g. 5.1.1
	Diagnostic string // Diagnostic-Code, e.g. "smtp; 550 5.1.1 user unknown"
}

// Err is the failure as the SMTP server would have answered it: an SMTP
// reply whose code is the Diagnostic-Code's, or else 550 for a 5.x.x status
// and 450 for a 4.x.x one. Permanent tells whether a retry would repeat it,
// as for a failure while sending; nil when the recipient is not failed or
// delayed.
func (r ReportRecipient) Err() error {
	if r.Action != "failed" && r.Action != "delayed" {
		return nil
	}
	e := &smtp.SMTPError{Code: 450, Message: r.Diagnostic}
	if strings.HasPrefix(r.Status, "5") || (r.Action == "failed" && r.Status == "") {
		e.Code = 550
	}
	if m := diagnosticCode.FindStringSubmatch(r.Diagnostic); m != nil {
		e.Code, _ = strconv.Atoi(m[1])
		e.Message = strings.TrimSpace(m[2])
	}
	if r.Action == "delayed" && e.Code >= 500 {
		e.Code = 450 // the server is still trying
	}
	if p := strings.Split(r.Status, "."); len(p) == 3 {
		for i := range p {
			e.EnhancedCode[i], _ = strconv.Atoi(p[i])
		}
	}
	if e.Message == "" {
		e.Message = "status " + r.Status
	}
	return e
}

// diagnosticCode reads "smtp; 550 5.1.1 <x@y>: user unknown".
var diagnosticCode = regexp.MustCompile(`(?i)^\s*smtp\s*;\s*([245]\d\d)[ -]?(.*)$`)

// Bounds on what ReadIncoming reads.
const (
	maxForwardDepth = 3       // message/rfc822 inside message/rfc822 …
	maxReportPart   = 1 << 20 // a delivery-status part or returned headers
)

// ReadIncoming reads a received e-mail. The mail is untrusted: whatever it
// holds gives a value or an error, never a panic. It fails only when the
// header cannot be read at all; a calendar that cannot be found or read
// is said in CalendarErr.
func ReadIncoming(raw []byte) (in Incoming, err error) {
	defer func() {
		if v := recover(); v != nil {
			in, err = Incoming{}, model.Errorf(model.EINVALID, msgNotMIME)
		}
	}()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return Incoming{}, model.Errorf(model.EINVALID, msgBadHeader, model.Clip(strings.TrimSpace(err.Error()), 120))
	}
	h := gomail.Header{Header: e.Header}
	in.MessageID, _ = h.MessageID()
	if in.MessageID == "" {
		in.MessageID = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	}
	if addrs, err := h.AddressList("From"); err == nil && len(addrs) > 0 {
		in.From = addrs[0].Address
	}
	in.Subject, err = h.Subject()
	if err != nil {
		in.Subject = h.Get("Subject")
	}
	in.Date, _ = h.Date()
	in.Auto = autoReply(e.Header, in.Subject)
	in.Forged = forged(e.Header, in.From)

	t, params, _ := e.Header.ContentType()
	if t == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
		in.Report, err = readReport(e)
		if err != nil {
			return Incoming{}, err
		}
		return in, nil
	}

	in.Method, in.Calendar, in.ForwardedFrom, in.CalendarErr = findCalendar(e, 0)
	if in.CalendarErr == nil && in.Method == "" {
		in.Method, _ = calendarMethod(in.Calendar)
	}
	return in, nil
}

// autoReply says why a mail is an automatic reply, or nothing (a zero Msg).
func autoReply(h message.Header, subject string) model.Msg {
	if v := strings.TrimSpace(h.Get("Auto-Submitted")); v != "" {
		if kw, _, _ := strings.Cut(v, ";"); !strings.EqualFold(strings.TrimSpace(kw), "no") {
			return model.NewMsg(msgAutoSubmitted, v)
		}
	}
	for _, name := range []string{"X-Autoreply", "X-Autorespond"} {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			return model.NewMsg(msgAutoHeader, name, v)
		}
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v == "auto_reply" || v == "bulk" || v == "junk" {
		return model.NewMsg(msgAutoHeader, "Precedence", v)
	}
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range outOfOffice {
		if strings.HasPrefix(s, p) {
			return model.NewMsg(msgAutoSubject, subject)
		}
	}
	return model.Msg{}
}

// outOfOffice are how out-of-office replies' subjects begin, in lower
// case, as Exchange, Gmail and others write them in the UN languages.
var outOfOffice = []string{
	"automatic reply:", "auto reply:", "autoreply:", "auto-reply:", "auto:", "out of office", "out of the office",
	"réponse automatique", "absence du bureau", "respuesta automática:", "fuera de la oficina",
	"автоматический ответ", "自动回复", "تلقائي", "رد تلقائي", "abwesenheitsnotiz", "automatische antwort",
}

// forged says why Authentication-Results doubt that the mail comes from
// the domain of from, or nothing (a zero Msg). Only failures count: a header that says
// "pass" proves nothing (anyone can write one), but a server that says
// DMARC failed, or that both DKIM and SPF did, is believed.
func forged(h message.Header, from string) model.Msg {
	domain := ""
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = strings.ToLower(from[i+1:])
	}
	about := func(d string) bool {
		d = strings.ToLower(strings.TrimSpace(d))
		if i := strings.LastIndexByte(d, '@'); i >= 0 {
			d = d[i+1:]
		}
		return d == "" || domain == "" || d == domain
	}
	fields := h.FieldsByKey("Authentication-Results")
	for fields.Next() {
		v, err := fields.Text()
		if err != nil {
			v = fields.Value()
		}
		server, results, err := authres.Parse(v)
		if err != nil {
			continue
		}
		var dkimFail, dkimPass, spfFail bool
		for _, r := range results {
			switch r := r.(type) {
			case *authres.DMARCResult:
				if r.Value == authres.ResultFail && about(r.From) {
					return model.NewMsg(msgDMARCFailed, server, domain)
				}
			case *authres.DKIMResult:
				if !about(r.Domain) {
					continue
				}
				switch r.Value {
				case authres.ResultPass:
					dkimPass = true
				case authres.ResultFail, authres.ResultPermError:
					dkimFail = true
				}
			case *authres.SPFResult:
				if r.Value == authres.ResultFail {
					spfFail = true
				}
			}
		}
		if dkimFail && !dkimPass && spfFail {
			return model.NewMsg(msgDKIMSPFFailed, server, domain)
		}
	}
	return model.Msg{}
}

// findCalendar finds the calendar in e, as ExtractCalendar does, looking
// into messages forwarded inside it too (message/rfc822, depth levels
// deep at most). from is the From of the forwarded message it was found
// in, "" when it is e's own.
func findCalendar(e *message.Entity, depth int) (method string, ics []byte, from string, err error) {
	var (
		attached  []byte // the first .ics attachment, used when no text/calendar
		forwarded []*message.Entity
	)
	err = e.Walk(func(_ []int, part *message.Entity, _ error) error {
		if part == nil || part.MultipartReader() != nil {
			return nil // a part in an unknown charset still reads, as is
		}
		t, params, _ := part.Header.ContentType()
		if t == "message/rfc822" && depth < maxForwardDepth {
			inner, err := message.Read(part.Body)
			if err == nil || message.IsUnknownCharset(err) || message.IsUnknownEncoding(err) {
				forwarded = append(forwarded, inner)
			}
			return nil
		}
		isCal := t == "text/calendar"
		if !isCal && !(attached == nil && isICSAttachment(part.Header, t)) {
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(part.Body, maxCalendar+1))
		if err != nil {
			return fmt.Errorf("read calendar part: %w", err)
		}
		if len(b) > maxCalendar {
			return fmt.Errorf("calendar part larger than %d bytes", maxCalendar)
		}
		if !isCal {
			attached = b
			return nil
		}
		ics, method = b, strings.ToUpper(params["method"])
		return errFound
	})
	if err != nil && err != errFound {
		return "", nil, "", fmt.Errorf("read mail: %w", err)
	}
	if ics == nil {
		ics = attached
	}
	if ics != nil {
		return method, ics, "", nil
	}
	for _, inner := range forwarded {
		m, b, _, err := findCalendar(inner, depth+1)
		if err != nil {
			continue
		}
		h := gomail.Header{Header: inner.Header}
		if addrs, err := h.AddressList("From"); err == nil && len(addrs) > 0 {
			from = addrs[0].Address
		}
		return m, b, from, nil
	}
	return "", nil, "", ErrNoCalendar
}

// readReport reads a delivery status notification: its message/delivery-status
// part (or message/global-delivery-status, RFC 6533) and the returned
// message or its headers, for the original Message-ID.
func readReport(e *message.Entity) (*Report, error) {
	r := &Report{}
	err := e.Walk(func(_ []int, part *message.Entity, _ error) error {
		if part == nil || part.MultipartReader() != nil {
			return nil
		}
		t, _, _ := part.Header.ContentType()
		switch t {
		case "message/delivery-status", "message/global-delivery-status":
			b, err := io.ReadAll(io.LimitReader(part.Body, maxReportPart))
			if err != nil {
				return fmt.Errorf("read the delivery status: %w", err)
			}
			readStatus(r, b)
		case "message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global", "message/global-headers":
			b, err := io.ReadAll(io.LimitReader(part.Body, maxReportPart))
			if err != nil {
				return fmt.Errorf("read the returned message: %w", err)
			}
			hdr, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(b))).ReadMIMEHeader()
			if id := strings.Trim(strings.TrimSpace(hdr.Get("Message-Id")), "<>"); id != "" && r.OriginalMessageID == "" {
				r.OriginalMessageID = id
			}
		}
		return nil
	})
	if err != nil {
		return nil, model.Errorf(model.EINVALID, msgBadReport, err.Error())
	}
	return r, nil
}

// readStatus reads the groups of fields of a delivery-status part: the
// message's first, then one per recipient (RFC 3464 section 2.1).
func readStatus(r *Report, b []byte) {
	tr := textproto.NewReader(bufio.NewReader(bytes.NewReader(b)))
	for i := 0; i < 1000; i++ {
		hdr, err := tr.ReadMIMEHeader()
		if len(hdr) > 0 {
			if id := strings.Trim(strings.TrimSpace(hdr.Get("Original-Message-Id")), "<>"); id != "" {
				r.OriginalMessageID = id
			}
			rcpt := hdr.Get("Final-Recipient")
			if rcpt == "" {
				rcpt = hdr.Get("Original-Recipient")
			}
			if rcpt != "" {
				if _, addr, ok := strings.Cut(rcpt, ";"); ok {
					rcpt = addr
				}
				r.Recipients = append(r.Recipients, ReportRecipient{
					Recipient:  strings.ToLower(strings.Trim(strings.TrimSpace(rcpt), "<>")),
					Action:     strings.ToLower(strings.TrimSpace(hdr.Get("Action"))),
					Status:     firstWord(hdr.Get("Status")),
					Diagnostic: strings.TrimSpace(hdr.Get("Diagnostic-Code")),
				})
			}
		}
		if err != nil {
			return
		}
	}
}

// firstWord is s's first word ("5.1.1" of "5.1.1 (user unknown)"), or "".
func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Why a mail is an automatic reply, or doubted, or cannot be read (for
// the inbox's reasons).
const (
	msgNotMIME       = "it is not a readable MIME message"
	msgBadHeader     = "its header is malformed (%s)"
	msgBadReport     = "it is a delivery report that cannot be read (%s)"
	msgAutoSubmitted = "an automatic reply (Auto-Submitted: %s)"
	msgAutoHeader    = "an automatic reply (%s: %s)"
	msgAutoSubject   = "an automatic reply (subject %q)"
	msgDMARCFailed   = "%s says DMARC failed for %s"
	msgDKIMSPFFailed = "%s says both DKIM and SPF failed for %s"
)

package mail

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // replies in ISO-8859-x, Windows-125x and the like
	gomail "github.com/emersion/go-message/mail"
)

// ErrNoCalendar is returned by ExtractCalendar for a mail that carries no
// calendar.
var ErrNoCalendar = errors.New("mail has no calendar part")

// errFound stops walking the MIME tree once the text/calendar part is read.
var errFound = errors.New("found")

// maxCalendar bounds the calendar read from a mail; replies are a few KiB.
const maxCalendar = 1 << 20

// ExtractCalendar finds the calendar in a received mail, such as a reply to
// an invitation, wherever it is in the MIME tree: a text/calendar part
// (preferred; Outlook puts it in multipart/alternative) or else an
// application/ics or *.ics attachment (as Gmail sends), in the mail or in a
// message forwarded inside it (message/rfc822). It returns the iTIP
// method (the part's method= parameter, or else the calendar's METHOD
// property; upper case, empty when neither says), the calendar bytes with
// transfer encoding undone and text converted to UTF-8, and the bare address
// of the mail's From.
//
// It returns ErrNoCalendar (wrapped) for a mail without a calendar, and an
// error for a mail that cannot be parsed, has no From, or whose calendar is
// larger than 1 MiB.
func ExtractCalendar(r io.Reader) (method string, ics []byte, from string, err error) {
	e, err := message.Read(r)
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return "", nil, "", fmt.Errorf("read mail: %w", err)
	}
	h := gomail.Header{Header: e.Header}
	addrs, err := h.AddressList("From")
	if err != nil || len(addrs) == 0 {
		return "", nil, "", fmt.Errorf("read mail: no usable From (%q)", h.Get("From"))
	}
	from = addrs[0].Address

	method, ics, _, err = findCalendar(e, 0)
	if errors.Is(err, ErrNoCalendar) {
		return "", nil, "", fmt.Errorf("read mail from %s: %w", from, ErrNoCalendar)
	} else if err != nil {
		return "", nil, "", err
	}
	if method == "" {
		method, _ = calendarMethod(ics)
	}
	return method, ics, from, nil
}

func isICSAttachment(h message.Header, mediaType string) bool {
	if mediaType == "application/ics" {
		return true
	}
	ah := gomail.AttachmentHeader{Header: h}
	name, _ := ah.Filename()
	return strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(strings.ToLower(name), ".ics")
}

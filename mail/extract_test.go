package mail

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestExtractCalendar(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		method     string
		from       string
		contains   []string
	}{
		{
			"Outlook: text/calendar inside multipart/alternative, base64",
			"reply-outlook.eml", "REPLY", "Jose.Nunez@example.cr",
			[]string{"PARTSTAT=ACCEPTED", "CN=José Ñúñez", "UID:meeting-2@focalbot.example.org", "SEQUENCE:1", "\r\nEND:VCALENDAR\r\n"},
		},
		{
			"Gmail: application/ics attachment only",
			"reply-gmail-attachment.eml", "REPLY", "ama.mensah@example.gh",
			[]string{"PARTSTAT=DECLINED", "mailto:ama.mensah@example.gh", "\r\nEND:VCALENDAR\r\n"},
		},
		{
			"Thunderbird: nested multiparts, ISO-8859-1, method only in the calendar",
			"reply-latin1-nested.eml", "REPLY", "jose.nunez@example.cr",
			[]string{"PARTSTAT=TENTATIVE", "CN=José Ñúñez", "Allí estaré."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			method, ics, from, err := ExtractCalendar(f)
			if err != nil {
				t.Fatal(err)
			}
			if method != tc.method || from != tc.from {
				t.Errorf("method, from = %q, %q; want %q, %q", method, from, tc.method, tc.from)
			}
			for _, s := range tc.contains {
				if !bytes.Contains(ics, []byte(s)) {
					t.Errorf("calendar lacks %q:\n%s", s, ics)
				}
			}
		})
	}
}

func TestExtractCalendarPlainMail(t *testing.T) {
	f, err := os.Open("testdata/plain.eml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, ics, from, err := ExtractCalendar(f)
	if !errors.Is(err, ErrNoCalendar) {
		t.Fatalf("ExtractCalendar = %d bytes, %v; want ErrNoCalendar", len(ics), err)
	}
	if !strings.Contains(err.Error(), "ama.mensah@example.gh") || from != "" {
		t.Errorf("error %q should name the sender", err)
	}
}

func TestExtractCalendarPrefersTheInlinePart(t *testing.T) {
	// What Compose sends has the calendar twice, inline and attached; the
	// inline text/calendar is the one read, and it comes back byte for byte.
	m := invitation(t)
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	method, ics, from, err := ExtractCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if method != "REQUEST" || from != m.From.Email || !bytes.Equal(ics, m.Calendar) {
		t.Errorf("ExtractCalendar(Compose(m)) = %q, %q, %d bytes (equal %v)", method, from, len(ics), bytes.Equal(ics, m.Calendar))
	}
}

func TestExtractCalendarRefusesBrokenMail(t *testing.T) {
	for name, raw := range map[string]string{
		"no From":          "To: a@example.org\r\nContent-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		"unparseable From": "From: <<<\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n",
		"header only":      "From: a@example.org",
		"too large": "From: a@example.org\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n" +
			strings.Repeat("X-JUNK:0123456789012345678901234567890123456789012345678901234567890\r\n", 20000),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := ExtractCalendar(strings.NewReader(raw))
			if err == nil {
				t.Fatal("ExtractCalendar accepted a broken mail")
			}
		})
	}
}

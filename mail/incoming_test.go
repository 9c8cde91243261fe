package mail

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"focalbot/i18n"
	"focalbot/model"
)

// TestForgedReadsAuthenticationResults: only a failure the receiving
// server reports for the From domain makes a mail doubted.
func TestForgedReadsAuthenticationResults(t *testing.T) {
	for _, tt := range []struct {
		name, results, want string
	}{
		{"all pass", "mx.example.org; dkim=pass header.d=um.example.dk; spf=pass smtp.mailfrom=um.example.dk; dmarc=pass header.from=um.example.dk", ""},
		{"DMARC fails", "mx.example.org; dmarc=fail (p=reject) header.from=um.example.dk", "DMARC failed for um.example.dk"},
		{"DMARC fails for another domain", "mx.example.org; dmarc=fail header.from=elsewhere.example", ""},
		{"DKIM and SPF fail", "mx.example.org; dkim=fail header.d=um.example.dk; spf=fail smtp.mailfrom=um.example.dk", "both DKIM and SPF failed"},
		{"only SPF fails (a forwarder)", "mx.example.org; dkim=pass header.d=um.example.dk; spf=fail smtp.mailfrom=um.example.dk", ""},
		{"only DKIM fails", "mx.example.org; dkim=fail header.d=um.example.dk; spf=pass smtp.mailfrom=um.example.dk", ""},
		{"a DKIM pass of the From domain beside a failing signature", "mx.example.org; dkim=fail header.d=um.example.dk; dkim=pass header.d=um.example.dk; spf=fail smtp.mailfrom=x.example", ""},
		{"unreadable", "this is not; =an authentication result", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := "Authentication-Results: " + tt.results + "\r\nFrom: Mette <Mette@UM.example.dk>\r\nSubject: x\r\n\r\nbody\r\n"
			in, err := ReadIncoming([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := in.Forged.String(); tt.want == "" && !in.Forged.IsZero() || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Fatalf("Forged = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAutoReply: every mark of an automatic reply is recognised, and
// Auto-Submitted: no is not one.
func TestAutoReply(t *testing.T) {
	for _, tt := range []struct {
		header string
		auto   bool
	}{
		{"Auto-Submitted: auto-replied", true},
		{"Auto-Submitted: auto-generated; owner-email=\"x@y\"", true},
		{"Auto-Submitted: no", false},
		{"X-Autoreply: yes", true},
		{"X-Autorespond: Out of office", true},
		{"Precedence: auto_reply", true},
		{"Precedence: bulk", true},
		{"Subject: Automatic reply: Network meeting", true},
		{"Subject: Réponse automatique : Network meeting", true},
		{"Subject: Accepted: Network meeting", false},
	} {
		raw := "From: a@b.example\r\n" + tt.header + "\r\n\r\nbody\r\n"
		in, err := ReadIncoming([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", tt.header, err)
		}
		if !in.Auto.IsZero() != tt.auto {
			t.Errorf("%s: Auto = %q, want an auto-reply: %v", tt.header, in.Auto, tt.auto)
		}
	}
}

// FuzzReadIncoming: hostile input gives an error or a value, never a panic.
func FuzzReadIncoming(f *testing.F) {
	f.Add([]byte("From: a@b\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; c@d\r\nAction: failed\r\nStatus:\r\n\r\n--x--\r\n"))
	f.Add([]byte("From: a@b\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, _ = ReadIncoming(raw)
	})
}

// TestReasonsInTheReadersLanguage: why a mail is doubted or an automatic
// reply is a sentence of the catalog, not English text, so that the inbox
// and the secretariat's notices say it in each reader's language.
func TestReasonsInTheReadersLanguage(t *testing.T) {
	raw := "Authentication-Results: mx.example.org; dmarc=fail header.from=um.example.dk\r\n" +
		"From: Mette <mette@um.example.dk>\r\nAuto-Submitted: auto-replied\r\nSubject: x\r\n\r\nbody\r\n"
	in, err := ReadIncoming([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, forged, auto string }{
		{"en", "mx.example.org says DMARC failed for um.example.dk", "an automatic reply (Auto-Submitted: auto-replied)"},
		{"fr", "mx.example.org signale l'échec de DMARC pour um.example.dk", "une réponse automatique (Auto-Submitted : auto-replied)"},
		{"es", "DMARC", "respuesta automática"},
		{"ru", "DMARC", "автоматический ответ"},
	} {
		p := i18n.PrinterFor(c.lang)
		render := func(f string, a ...any) string { return p.Sprintf(f, a...) }
		if got := in.Forged.Render(render); !strings.Contains(got, c.forged) || c.lang != "en" && strings.Contains(got, "says") {
			t.Errorf("%s: Forged reads %q, want %q", c.lang, got, c.forged)
		}
		if got := in.Auto.Render(render); !strings.Contains(got, c.auto) || c.lang != "en" && strings.Contains(got, "an automatic reply") {
			t.Errorf("%s: Auto reads %q, want %q", c.lang, got, c.auto)
		}
	}
}

// TestBadHeaderSaysLittle: a header that cannot be read is said in one
// short line, whatever the length of the line the library quotes.
func TestBadHeaderSaysLittle(t *testing.T) {
	raw := "From: a@b.example\r\n" + strings.Repeat("x", 5000) + "\r\n\r\nbody\r\n"
	_, err := ReadIncoming([]byte(raw))
	if err == nil {
		t.Fatal("a malformed header was read")
	}
	var e *model.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is no domain error", err)
	}
	if got := e.Msg().Render(fmt.Sprintf); strings.ContainsAny(got, "\r\n") || len([]rune(got)) > 150 || !strings.HasPrefix(got, "its header is malformed (message: malformed MIME header line: xxx") {
		t.Errorf("error: %q", got)
	}
}

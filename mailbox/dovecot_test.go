//go:build unix

package mailbox

import (
	"strings"
	"testing"

	"focalbot/internal/imaptest"
)

// TestDovecot runs the scenarios on a real Dovecot.
func TestDovecot(t *testing.T) {
	d := imaptest.StartDovecot(t)
	b := d.Backend()
	t.Run("scenario", func(t *testing.T) { scenario(t, b, "INBOX") })
	t.Run("done folder", func(t *testing.T) { doneFolder(t, b, "Replies", "Handled") })
	t.Run("UIDVALIDITY change", func(t *testing.T) { uidValidity(t, b, "Rebuilt") })
	if t.Failed() {
		t.Logf("dovecot's log:\n%s", d.Log())
	}
	if strings.Contains(d.Log(), "Panic") {
		t.Errorf("dovecot panicked:\n%s", d.Log())
	}
}

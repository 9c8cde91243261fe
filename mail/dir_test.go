package mail

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestDirWritesReadableEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	d, err := NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := invitation(t)
	raw, err := Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // a retry of the same message replaces its file
		if err := d.Send(context.Background(), m.From.Email, []string{m.To.Email}, raw); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := m.MessageID + ".eml"
	if len(entries) != 1 || entries[0].Name() != want {
		t.Fatalf("outbox folder holds %v, want only %s", entries, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, want))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, raw) {
		t.Errorf("file differs from the message sent")
	}
	checkInvitationLayout(t, b, m, "invite.ics")
}

func TestDirFileNames(t *testing.T) {
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	msg := func(id string) []byte {
		return []byte("Message-Id: " + id + "\r\nSubject: x\r\n\r\nbody\r\n")
	}
	for _, tc := range []struct{ name, id, want string }{
		{"safe id is the name", "<outbox-1@focalbot.example.org>", "outbox-1@focalbot.example.org.eml"},
		{"path separators are replaced", "<../../etc/passwd@x>", "_.._etc_passwd@x-"},
		{"ids differing only in unsafe characters do not collide", "<a/b@x>", "a_b@x-"},
		{"another", "<a:b@x>", "a_b@x-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, err := fileName(msg(tc.id))
			if err != nil {
				t.Fatal(err)
			}
			if name != tc.want && !(len(name) == len(tc.want)+12 && name[:len(tc.want)] == tc.want) {
				t.Errorf("fileName(%q) = %q, want %q", tc.id, name, tc.want)
			}
			if err := d.Send(context.Background(), "a@x", []string{"b@x"}, msg(tc.id)); err != nil {
				t.Fatal(err)
			}
		})
	}
	a, _ := fileName(msg("<a/b@x>"))
	b, _ := fileName(msg("<a:b@x>"))
	if a == b {
		t.Errorf("two ids share the file %s", a)
	}
	entries, _ := os.ReadDir(d.Path())
	if len(entries) != 4 {
		t.Errorf("folder holds %d files, want 4 (no temporary files left)", len(entries))
	}

	n1, _ := fileName([]byte("Subject: no id\r\n\r\nbody\r\n"))
	n2, _ := fileName([]byte("Subject: no id\r\n\r\nbody\r\n"))
	if n1 == n2 || filepath.Ext(n1) != ".eml" {
		t.Errorf("messages without Message-ID named %q and %q, want two random .eml names", n1, n2)
	}
}

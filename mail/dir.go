package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// Dir "delivers" messages by writing each one to a file in a folder, so the
// console demo shows real messages when no SMTP server is configured. Any
// mail program opens the files.
type Dir struct {
	path string
}

// NewDir returns a Dir writing into path, creating the folder if needed.
func NewDir(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o750); err != nil {
		return nil, fmt.Errorf("outbox folder: %w", err)
	}
	return &Dir{path: path}, nil
}

// Path returns the folder the messages are written to.
func (d *Dir) Path() string { return d.path }

// Send writes msg to <dir>/<Message-ID>.eml atomically (a temporary file
// renamed into place), so a reader never sees half a message. The name comes
// from the message's Message-ID, so sending the same message again replaces
// its file instead of adding one; a message without one gets a random name.
// The envelope (from, to) is not kept: the message's own From and To show it.
func (d *Dir) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write to outbox folder: %w", err)
	}
	name, err := fileName(msg)
	if err != nil {
		return fmt.Errorf("write to outbox folder: %w", err)
	}
	tmp, err := os.CreateTemp(d.path, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("write to outbox folder: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(msg); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(d.path, name)); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// fileName names the file for msg after its Message-ID: as it is when made
// only of safe characters, otherwise made safe and followed by a short hash of
// the original so two ids never share a file.
func fileName(msg []byte) (string, error) {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(msg)))
	if err != nil {
		return "", fmt.Errorf("read header: %w", err)
	}
	id := strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	if id == "" {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		return hex.EncodeToString(b[:]) + ".eml", nil
	}
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@._-+=", r) {
			return r
		}
		return '_'
	}, id)
	if safe == id && len(id) <= 100 && !strings.HasPrefix(id, ".") {
		return id + ".eml", nil
	}
	sum := sha256.Sum256([]byte(id))
	safe = strings.TrimLeft(safe, ".")
	if len(safe) > 80 {
		safe = safe[:80]
	}
	return safe + "-" + hex.EncodeToString(sum[:4]) + ".eml", nil
}

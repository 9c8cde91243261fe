package mail

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestQuotedLineByLineIsQuotedWhole: a text put together from the kept
// encodings of its lines is byte for byte what mime/quotedprintable writes
// for the whole text: lines of every length around the 76-character limit,
// spaces and tabs at their ends, '=' and non-ASCII near the limit, CRs
// (encoded whole), empty lines and no final LF; each text twice, the
// second time from the cache, and through a cache that starts again.
func TestQuotedLineByLineIsQuotedWhole(t *testing.T) {
	alphabet := []string{"a", "Z", " ", "\t", "=", "é", "\n", "\n", ".", "<p style=\"x\">", "\xff", "\r\n", "\r"}
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "\n", "\n\n", "x", "x \n", "x\t\n y", strings.Repeat("a", 75) + "\n", strings.Repeat("a", 76) + "\n",
		strings.Repeat("a", 74) + " \n", strings.Repeat("a", 73) + "=\n", strings.Repeat("é", 40) + "\n", strings.Repeat("a", 2000) + "\nend",
		"a\rb\nc", "a\r\xc3\xa9\nb"}
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(300) {
			if rng.IntN(4) == 0 {
				b.WriteString(strings.Repeat("w", rng.IntN(90)))
			}
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	for round := range 2 {
		for _, s := range texts {
			var got, want bytes.Buffer
			writeQuoted(&got, s)
			encodeQuoted(&want, s)
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("round %d: %q is encoded\n%q\nline by line, and whole\n%q", round, s, got.Bytes(), want.Bytes())
			}
		}
	}
	if n := len(qpLines.m); n == 0 || n > maxQPLines {
		t.Errorf("the cache holds %d lines, want 1 to %d", n, maxQPLines)
	}
}

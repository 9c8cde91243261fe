package calendar

import (
	"bytes"
	"strings"
	"testing"

	ical "github.com/emersion/go-ical"
)

// internals are what Go's runtime and go-ical put in panics and errors, and
// an answer about a calendar must never show.
var internals = []string{"runtime", "index out of range", "goroutine", "panic", "nil pointer", "ical:", "unexpected character", "%!"}

func showsInternals(err error) string {
	for _, s := range internals {
		if strings.Contains(err.Error(), s) {
			return s
		}
	}
	return ""
}

// TestMalformedRepliesGetPlainAnswers feeds ParseReply inputs on which go-ical
// panics and checks that the answer is the plain one, with no runtime text.
func TestMalformedRepliesGetPlainAnswers(t *testing.T) {
	for _, tt := range replyTests {
		if !strings.Contains(tt.err, "malformed") {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReply(strings.NewReader(tt.input), tt.sender)
			if err == nil || !strings.HasPrefix(err.Error(), "the calendar data is malformed: line ") {
				t.Fatalf("error %v, want one naming the malformed line", err)
			}
			if s := showsInternals(err); s != "" {
				t.Errorf("the answer shows %q: %v", s, err)
			}
			if goICALPanics([]byte(tt.input)) {
				t.Logf("go-ical panics on this input; ParseReply answered: %v", err)
			}
		})
	}
}

// TestEveryCutAndSlipGetsAPlainAnswer cuts each sample reply at every byte and
// slips each character that matters to the syntax in at every byte: whatever
// ParseReply answers shows no runtime text, and at least some of these
// inputs are ones on which go-ical panics.
func TestEveryCutAndSlipGetsAPlainAnswer(t *testing.T) {
	panics := 0
	check := func(input string) {
		t.Helper()
		if goICALPanics([]byte(input)) {
			panics++
		}
		_, err := ParseReply(strings.NewReader(input), "fp.ghana@gmail.com")
		if err == nil {
			return
		}
		if s := showsInternals(err); s != "" {
			t.Fatalf("the answer to %q shows %q: %v", input, s, err)
		}
	}
	for _, sample := range []string{gmailReply, severalReply} {
		for i := range len(sample) {
			check(sample[:i])
			for _, c := range []string{`"`, ";", ":", ",", "=", "\r\n", "\r\n ", "\n"} {
				check(sample[:i] + c + sample[i:])
			}
		}
	}
	if panics == 0 {
		t.Error("no input made go-ical panic: the test no longer tries what it should")
	}
}

// goICALPanics reports whether go-ical's decoder panics on data.
func goICALPanics(data []byte) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	_, _ = ical.NewDecoder(bytes.NewReader(data)).Decode()
	return false
}

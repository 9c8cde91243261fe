package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

// TestMsgKeepsItsArguments: a Msg read back from its JSON renders as the
// sentence it was made from: numbers stay numbers (a %d), words of the
// catalog and sentences inside it go through the printer given, and a
// domain error's message is a sentence of its own.
func TestMsgKeepsItsArguments(t *testing.T) {
	inner := Errorf(EINVALID, "line %d: %s", 3, "no name")
	m := NewMsg("%s answered %s to SEQUENCE %d of meeting %d; %v; %s; %v",
		"a@b.example", Word("accepted"), 2, int64(1422), errors.New("plain error"), NewMsg("bounced: %s %s", "5.1.1", "user unknown"), inner)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Msg
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := "a@b.example answered accepted to SEQUENCE 2 of meeting 1422; plain error; bounced: 5.1.1 user unknown; line 3: no name"
	if got := back.String(); got != want {
		t.Errorf("read back from %s:\n%q\nwant %q", b, got, want)
	}
	// A printer that marks what it translates: the format, the word and
	// the inner sentences, not the text given as it was.
	marked := back.Render(func(f string, a ...any) string { return "[" + fmt.Sprintf(f, a...) + "]" })
	wantMarked := "[a@b.example answered [accepted] to SEQUENCE 2 of meeting 1422; plain error; [bounced: 5.1.1 user unknown]; [line 3: no name]]"
	if marked != wantMarked {
		t.Errorf("rendered:\n%q\nwant %q", marked, wantMarked)
	}
	if !(Msg{}).IsZero() || m.IsZero() {
		t.Error("IsZero")
	}
	// A word with a per cent sign is not taken for a format.
	if got := NewMsg("PARTSTAT %s", Word("X-100%")).Render(func(f string, a ...any) string { return fmt.Sprintf(f, a...) }); got != "PARTSTAT X-100%" {
		t.Errorf("a word with %%: %q", got)
	}
}

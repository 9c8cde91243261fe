package model

import (
	"slices"
	"testing"
)

// TestOutboxKindsAsStored pins the strings the outbox's rows hold: a kind
// renamed here would leave the messages already queued unknown.
func TestOutboxKindsAsStored(t *testing.T) {
	for k, want := range map[OutboxKind]string{
		KindRequest: "request", KindCancel: "cancel", KindReminder: "reminder", KindNudge: "nudge",
		KindNotice: "notice", KindPoll: "poll", KindEmailConfirm: "email-confirm",
	} {
		if string(k) != want {
			t.Errorf("kind %q is stored as %q", want, k)
		}
	}
}

// TestOutboxKindSupersedes: a newer invitation replaces an older one still
// waiting, a cancellation replaces both; nothing else replaces anything.
func TestOutboxKindSupersedes(t *testing.T) {
	for _, tc := range []struct {
		kind OutboxKind
		want []OutboxKind
	}{
		{KindRequest, []OutboxKind{KindRequest}},
		{KindCancel, []OutboxKind{KindRequest, KindCancel}},
		{KindReminder, nil},
		{KindNudge, nil},
		{KindNotice, nil},
		{KindPoll, nil},
		{KindEmailConfirm, nil},
	} {
		if got := tc.kind.Supersedes(); !slices.Equal(got, tc.want) {
			t.Errorf("%s supersedes %v, want %v", tc.kind, got, tc.want)
		}
	}
}

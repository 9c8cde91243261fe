package delivery

import (
	"errors"
	"slices"
	"time"

	"focalbot/mail"
)

// Failure is the class of a failed send, which decides what the dispatcher
// does with the message. There are two, and Classify sorts every error into
// one of them.
type Failure int

const (
	// FailTemporary: the message stays queued and is tried again, after
	// Backoff or when the channel asks (RetryAfter), until it no longer
	// matters (its Deadline) or it has failed for MaxAge. Nothing is lost:
	// it is the class of every error not known to be permanent.
	FailTemporary Failure = iota
	// FailPermanent: the same send would be refused again. The message is
	// given up on at once and the secretariat is told.
	FailPermanent
)

// String is the class as the metrics and the logs name it.
func (f Failure) String() string {
	if f == FailPermanent {
		return "permanent"
	}
	return "temporary"
}

// Classify says what a failed send is. An error marked Permanent is
// permanent; every other error, known or not, is temporary: the default for
// an error no one knows is to keep the message queued within its deadline,
// since a retry loses nothing and a malformed request is already marked.
//
// Each channel's sender marks its own errors, through a translation kept
// here:
//
//   - e-mail (Email, mailFailure): permanent is what mail.Permanent knows a
//     retry would repeat: an SMTP 5xx reply (550 unknown user, 535 bad
//     credentials, 552 too large), a certificate that does not verify, a
//     domain that does not exist, STARTTLS required but not offered, an
//     envelope or a message that cannot be made. Temporary: an SMTP 4xx
//     reply, a connection refused, reset or timed out, a TLS handshake cut
//     short, anything else.
//   - Slack (SlackFailure): permanent are the answers in slackUnreachable (a
//     recipient Slack cannot deliver to: user_not_found, channel_not_found,
//     …) and slackMalformed (a request Slack refuses as such:
//     invalid_blocks, msg_too_long, …). Temporary: a rate limit (429; the
//     retry waits as long as Slack asked), an HTTP 5xx, a connection
//     failure, any other answer.
//   - every channel: a payload that does not decode, or a channel with no
//     sender, is permanent; a sender that panics is temporary.
func Classify(err error) Failure {
	if errors.As(err, new(permanent)) {
		return FailPermanent
	}
	return FailTemporary
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (e permanent) Error() string { return e.err.Error() }
func (e permanent) Unwrap() error { return e.err }

// Permanent wraps err so that Classify finds it FailPermanent: the
// dispatcher gives up on the item and tells the secretariat.
func Permanent(err error) error { return permanent{err} }

// RetryAfter is implemented by errors that say when to try again, such as
// Slack's rate-limit answer. Such an error is temporary, unless marked
// Permanent.
type RetryAfter interface{ RetryAfter() time.Duration }

// retryAfter is a temporary failure that says when to try again.
type retryAfter struct {
	err   error
	after time.Duration
}

func (e retryAfter) Error() string             { return e.err.Error() }
func (e retryAfter) Unwrap() error             { return e.err }
func (e retryAfter) RetryAfter() time.Duration { return e.after }

// mailFailure translates an e-mail send's error for Classify.
func mailFailure(err error) error {
	if err == nil || !mail.Permanent(err) {
		return err
	}
	return Permanent(err)
}

// SlackFailure translates a Slack send's error for Classify. code is
// Slack's error code ("user_not_found"), "" when err is no answer of
// Slack's; wait is how long Slack asked to wait when it rate-limited the
// send, else 0.
func SlackFailure(err error, code string, wait time.Duration) error {
	switch {
	case err == nil:
		return nil
	case wait > 0:
		return retryAfter{err: err, after: wait}
	case code != "" && (slices.Contains(slackUnreachable, code) || slices.Contains(slackMalformed, code)):
		return Permanent(err)
	}
	return err
}

// slackUnreachable are Slack's errors for a recipient it cannot deliver
// to: retrying will not help.
var slackUnreachable = []string{"user_not_found", "channel_not_found", "is_archived", "account_inactive",
	"user_disabled", "cannot_dm_bot", "not_in_channel", "messages_tab_disabled"}

// slackMalformed are Slack's errors for a request that is itself wrong
// (blocks beyond Slack's limits, a text too long or missing, bad
// arguments): the same request will be refused again.
var slackMalformed = []string{"invalid_blocks", "invalid_blocks_format", "msg_blocks_too_long", "invalid_arguments",
	"invalid_arg_name", "invalid_array_arg", "invalid_charset", "invalid_form_data", "invalid_post_type",
	"missing_post_type", "invalid_json", "json_not_object", "msg_too_long", "no_text", "too_many_attachments",
	"invalid_attachments", "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large"}

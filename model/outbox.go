package model

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Channel is how a message reaches someone.
type Channel string

// The channels focalbot sends through.
const (
	ChannelEmail Channel = "email"
	ChannelSlack Channel = "slack"
)

// OutboxStatus is where a message to send stands.
type OutboxStatus string

// The statuses of an outbox item.
const (
	OutboxPending    OutboxStatus = "pending"    // to send, now or at NextAttemptAt
	OutboxSent       OutboxStatus = "sent"       // handed to its channel
	OutboxFailed     OutboxStatus = "failed"     // refused for good; the secretariat is told
	OutboxSuperseded OutboxStatus = "superseded" // a newer message to the same person replaced it before it went
	OutboxSkipped    OutboxStatus = "skipped"    // decided against, e.g. a reminder whose moment passed while the bot was down
)

// OutboxKind is what an outbox message is. Storage keeps it as its string.
type OutboxKind string

// The kinds of outbox message.
const (
	KindRequest      OutboxKind = "request"       // an invitation, or an update of one (METHOD:REQUEST)
	KindCancel       OutboxKind = "cancel"        // a cancellation (METHOD:CANCEL)
	KindReminder     OutboxKind = "reminder"      // a reminder to someone coming (or maybe coming)
	KindNudge        OutboxKind = "nudge"         // a reminder to someone who has not answered
	KindNotice       OutboxKind = "notice"        // a plain message, e.g. to the secretariat
	KindPoll         OutboxKind = "poll"          // an availability poll's question: a notice, with the poll to answer on Slack
	KindEmailConfirm OutboxKind = "email-confirm" // the code that confirms a new e-mail address, mailed to that address only
)

// Supersedes lists the kinds of earlier unsent messages to the same
// invitee, on the same channel, that a message of kind k makes pointless: a
// newer invitation or a cancellation replaces an older one still waiting.
func (k OutboxKind) Supersedes() []OutboxKind {
	switch k {
	case KindRequest:
		return []OutboxKind{KindRequest}
	case KindCancel:
		return []OutboxKind{KindRequest, KindCancel}
	}
	return nil
}

// OutboxItem is a message to send, written in the same transaction as the
// change that causes it. Its Key is its idempotency key, e.g.
// "meeting:3/invitation:17/email/request/seq:2": there is never more than
// one item per key, so nothing is sent twice.
type OutboxItem struct {
	ID            int64
	Key           string
	Channel       Channel
	Kind          OutboxKind
	MeetingID     int64
	InvitationID  int64
	Recipient     string // an e-mail address or a Slack user ID
	Payload       string // what the sender renders the message from (JSON)
	Status        OutboxStatus
	DueAt         time.Time
	NextAttemptAt time.Time
	Attempts      int
	LastError     string
	FirstFailedAt time.Time // the first failed attempt since it was queued (or queued again); zero if none
	SentAt        time.Time
	CreatedAt     time.Time
	ClaimedBy     string // the claim holding the item, on items a claim returned
	// ClaimedUntil is when ClaimedBy's hold ends unless renewed. An item
	// pending and due may be written claimed already (ClaimedBy and
	// ClaimedUntil set), for the dispatcher that asked for it: see
	// delivery.Dispatcher.Reserve; the claim of any other is not written.
	ClaimedUntil time.Time
}

// Outage is a channel on which every attempt has failed temporarily since
// Since, with no send getting through in between.
type Outage struct {
	Channel    Channel
	Since      time.Time // the first failure
	Failures   int       // attempts failed since
	LastError  string
	NotifiedAt time.Time // when the secretariat was told; zero if not yet
}

// OutboxDepth is how many outbox items of a channel have a status.
type OutboxDepth struct {
	Channel Channel
	Status  OutboxStatus
	N       int
}

// MailRef is what identifies the e-mail sent for the item with this
// idempotency key: the local part of its Message-ID (before the "@"). A
// message sent again after a crash has the same one, and a delivery status
// notification (a bounce) names it, so it leads back to the item.
func MailRef(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}

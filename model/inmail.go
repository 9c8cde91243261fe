package model

import "time"

// MailStatus is what became of an incoming e-mail.
type MailStatus string

// The statuses of an incoming e-mail. Every message is recorded as
// MailReceived first, before anything it causes; it ends in one of the
// others.
const (
	MailReceived MailStatus = "received" // recorded; its effect not yet done
	MailHandled  MailStatus = "handled"  // it did what it asked: an answer recorded, a bounce marked, …
	MailIgnored  MailStatus = "ignored"  // deliberately left alone: an auto-reply, a mail without a calendar
	MailHeld     MailStatus = "held"     // it may be forged (its server says DMARC failed): kept for the secretariat
	MailRefused  MailStatus = "refused"  // it cannot count: a stranger, an unknown meeting, a malformed calendar
)

// MailVia is how an incoming e-mail reached focalbot.
type MailVia string

// The ways in of e-mail.
const (
	ViaPipe MailVia = "pipe" // focalbot inbox, from the mail server
	ViaIMAP MailVia = "imap"
)

// InboundMail is the record of one e-mail received: what it was and what
// focalbot did with it. A message is recorded once: by its Message-ID, or
// by the hash of its bytes when it has none or is delivered again under
// another one.
type InboundMail struct {
	ID         int64
	MessageID  string // without angle brackets; empty when it had none
	From       string // the bare address of From, as written
	Subject    string
	ReceivedAt time.Time
	Via        MailVia
	Size       int    // octets
	Hash       string // SHA-256 of the message's bytes, hex
	Kind       string // what it was: reply, counter, refresh, bounce, auto-reply, …
	MeetingID  int64  // the meeting it is about, when known
	Status     MailStatus
	Did        string // what it did, in words
	Reason     string // why it was ignored, held or refused
	// DidMsg and ReasonMsg are Did and Reason as sentences to translate
	// for their reader; zero for mail recorded before they were kept
	// (migration 0020), which shows Did and Reason as they are.
	DidMsg    Msg
	ReasonMsg Msg
	Raw       []byte // the message as received
}

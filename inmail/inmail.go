// Package inmail is the one way incoming e-mail enters focalbot, whether
// the mail server pipes it to `focalbot inbox` or it is fetched over IMAP:
// Ingest records each message durably, once, then does what it asks, if it
// may. A calendar REPLY becomes the attendee's answer through the same
// service operation as `rsvp` (network.Service.RespondTo); a COUNTER is
// shown to the secretariat; a REFRESH sends the attendee the current
// version; a delivery status notification marks our message failed; an
// automatic reply is recorded and ignored; a reply that may be forged is
// held for the secretariat; anything else is refused with the reason.
//
// It knows no transport (no pipe, no IMAP) and no database: the store is
// the small interface declared here, satisfied by focalbot/storage.
// Reading MIME and iCalendar is mail's and calendar's; roles and
// permissions are the services'.
package inmail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"focalbot/calendar"
	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/mail"
	"focalbot/model"
	"focalbot/network"
)

// Store is what Ingest needs from storage.
type Store interface {
	// RecordMail records a message unless it is recorded already (same
	// Message-ID or same hash), and says whether it was new.
	RecordMail(ctx context.Context, m model.InboundMail) (model.InboundMail, bool, error)
	// FinishMail records what became of a message.
	FinishMail(ctx context.Context, m model.InboundMail) error
	MeetingByUID(ctx context.Context, uid string) (model.Meeting, error)
	// InvitationByEmail is the invitation of a meeting sent to an
	// address; ENOTFOUND when there is none.
	InvitationByEmail(ctx context.Context, meetingID int64, email string) (model.Invitation, error)
	// IsDelegate reports whether from is recorded as a colleague sent
	// instead of the attendee of meeting meetingID.
	IsDelegate(ctx context.Context, meetingID int64, attendeeEmail, from string) (bool, error)
	OutboxByMailRef(ctx context.Context, ref string) (model.OutboxItem, error)
	Bounced(ctx context.Context, id int64, reason string) (bool, error)
	PersonByEmail(ctx context.Context, email string) (model.Person, error)
}

// Ingester takes incoming e-mail in. It is safe for concurrent use.
type Ingester struct {
	Store    Store
	Services *network.Service
	Clock    clock.Clock
	Log      *slog.Logger // nil discards
	// Counted, when set, is told the outcome of each message: its status
	// ("handled", "ignored", "held", "refused"), or "repeat" for one
	// received before (metrics.Metrics.MailIn, in a process that lives
	// long enough to be scraped, such as the IMAP reader).
	Counted func(outcome string)
}

// MaxSize is the largest message Ingest keeps whole; a larger one is
// recorded (its size and hash, without its bytes) and refused.
const MaxSize = 25 << 20

// Outcome is what Ingest made of a message.
type Outcome struct {
	Mail model.InboundMail // as recorded: its status, what it did and why
	// Repeat says the message was received before (same Message-ID or same
	// bytes): it did nothing this time, and Mail is the first record.
	Repeat bool
}

// Ingest records the message raw, received via (model.ViaPipe or
// model.ViaIMAP), and does what it asks.
//
// It returns an error only when the message could not be recorded or what
// it asks could not be done for a reason that may pass (the database is
// down): the caller then keeps the message to deliver it again (exit 75,
// or leave it unflagged), and delivering it again is safe, since whatever
// was done is keyed by the record. Every other message, however wrong,
// gives an Outcome: handled, ignored, held or refused, with the reason.
// A message received again does nothing twice.
func (in *Ingester) Ingest(ctx context.Context, raw []byte, via model.MailVia) (Outcome, error) {
	log := in.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sum := sha256.Sum256(raw)
	rec := model.InboundMail{Hash: hex.EncodeToString(sum[:]), Size: len(raw), Via: via, ReceivedAt: in.Clock.Now(), Kind: kindUnknown}
	msg, readErr := mail.ReadIncoming(raw)
	if readErr == nil {
		rec.MessageID, rec.From, rec.Subject = msg.MessageID, msg.From, truncate(msg.Subject, 500)
	}
	if len(raw) <= MaxSize {
		rec.Raw = raw
	}
	rec, isNew, err := in.Store.RecordMail(ctx, rec)
	if err != nil {
		return Outcome{}, fmt.Errorf("record incoming mail: %w", err)
	}
	if !isNew && rec.Status != model.MailReceived {
		log.Info("incoming mail received before; nothing done", "mail", rec.ID, "message_id", rec.MessageID, "status", rec.Status)
		in.count("repeat")
		return Outcome{Mail: rec, Repeat: true}, nil
	}

	d := &decision{Ingester: in, rec: &rec, msg: msg}
	switch {
	case len(raw) > MaxSize:
		d.refuse(kindUnknown, msgTooLarge, MaxSize>>20)
	case readErr != nil:
		d.refuse(kindBroken, msgBroken, readErr)
	default:
		err = d.decide(ctx)
	}
	if err != nil {
		return Outcome{}, err
	}
	if err := in.Store.FinishMail(ctx, rec); err != nil {
		return Outcome{}, fmt.Errorf("record what incoming mail %d did: %w", rec.ID, err)
	}
	log.Info("incoming mail", "mail", rec.ID, "via", via, "kind", rec.Kind, "status", rec.Status, "did", rec.Did, "reason", rec.Reason)
	in.count(string(rec.Status))
	return Outcome{Mail: rec}, nil
}

func (in *Ingester) count(outcome string) {
	if in.Counted != nil {
		in.Counted(outcome)
	}
}

// The kinds of incoming mail, as the inbox shows them.
const (
	kindUnknown = "mail"
	kindBroken  = "broken"
	kindReply   = "reply"
	kindCounter = "counter"
	kindRefresh = "refresh"
	kindBounce  = "bounce"
	kindAuto    = "auto-reply"
	kindInvite  = "calendar"
)

// decision is the deciding of one message: it sets rec's outcome.
type decision struct {
	*Ingester
	rec *model.InboundMail
	msg mail.Incoming
}

// set records the outcome: did and reason as sentences (each reader of
// inbox sees them in their language) and their English text.
func (d *decision) set(status model.MailStatus, kind string, did, reason model.Msg) {
	d.rec.Status, d.rec.Kind = status, kind
	d.rec.DidMsg, d.rec.ReasonMsg = did, reason
	d.rec.Did, d.rec.Reason = did.String(), reason.String()
}

func (d *decision) refuse(kind, format string, args ...any) {
	d.set(model.MailRefused, kind, model.NewMsg(msgDidNothing), model.NewMsg(format, args...))
}

func (d *decision) ignore(kind, format string, args ...any) {
	d.set(model.MailIgnored, kind, model.NewMsg(msgDidNothing), model.NewMsg(format, args...))
}

// decide sets what the message does, and does it. Its error is one that
// may pass (EINTERNAL): the message stays received, to be tried again.
func (d *decision) decide(ctx context.Context) error {
	msg := d.msg
	switch {
	case msg.Report != nil:
		return d.bounce(ctx)
	case !msg.Auto.IsZero():
		d.ignore(kindAuto, msgAutoIgnored, msg.Auto)
		return nil
	case msg.From == "":
		d.refuse(kindUnknown, msgNoFrom)
		return nil
	case errors.Is(msg.CalendarErr, mail.ErrNoCalendar):
		d.ignore(kindUnknown, msgNoCalendar)
		return nil
	case msg.CalendarErr != nil:
		d.refuse(kindBroken, msgBadCalendar, msg.CalendarErr)
		return nil
	}
	switch calendar.Method(msg.Method) {
	case calendar.MethodReply, calendar.MethodCounter, calendar.MethodRefresh:
	case calendar.MethodRequest, calendar.MethodCancel, calendar.MethodPublish:
		d.ignore(kindInvite, msgNotFromAttendee, msg.Method)
		return nil
	default:
		d.refuse(kindBroken, msgUnknownMethod, msg.Method)
		return nil
	}
	reply, err := calendar.ParseFromAttendee(strings.NewReader(string(msg.Calendar)), d.sender())
	if err != nil {
		d.refuse(kindFor(calendar.Method(msg.Method)), msgBadCalendar, err)
		return nil
	}
	kind := kindFor(reply.Method)
	m, inv, ok, err := d.trust(ctx, kind, reply)
	if err != nil || !ok {
		return err
	}
	d.rec.MeetingID = m.ID
	if !msg.Forged.IsZero() {
		d.set(model.MailHeld, kind, model.NewMsg(msgHeldDid), model.NewMsg(msgHeld, msg.Forged))
		return d.tell(ctx, "held", func(_ model.Person, lang language.Tag, p *message.Printer) string {
			return p.Sprintf(msgHeldNotice, model.Identifier(d.rec.ID), reply.Attendee.Email, model.Identifier(m.ID), m.TitleIn(lang.String()), msg.Forged.Render(func(f string, a ...any) string { return p.Sprintf(f, a...) }))
		})
	}
	who, err := d.Services.Mailer(ctx, inv.Email)
	if err != nil {
		return err
	}
	switch reply.Method {
	case calendar.MethodCounter:
		d.set(model.MailHandled, kind, model.NewMsg(msgCounterDid), model.Msg{})
		return d.tell(ctx, "counter", func(reader model.Person, lang language.Tag, p *message.Printer) string {
			from, to := proposed(reader, lang, m, reply)
			text := p.Sprintf(msgCounterNotice, reply.Attendee.Email, model.Identifier(m.ID), m.TitleIn(lang.String()), from, to)
			if reply.Comment != "" {
				text += p.Sprintf(msgCounterComment, reply.Comment)
			}
			return text
		})
	case calendar.MethodRefresh:
		if _, err := d.Services.Refresh(ctx, who, m.ID, fmt.Sprintf("mail:%d", d.rec.ID)); err != nil {
			return d.serviceRefused(kind, err)
		}
		d.set(model.MailHandled, kind, model.NewMsg(msgRefreshDid, m.ID, m.Sequence), model.Msg{})
		return nil
	}
	return d.answer(ctx, who, m, reply)
}

// sender is who the calendar is taken to come from: the mail's From, or
// for a reply forwarded inside the mail, the forwarded message's From.
func (d *decision) sender() string {
	if d.msg.ForwardedFrom != "" {
		return d.msg.ForwardedFrom
	}
	return d.msg.From
}

func kindFor(m calendar.Method) string {
	switch m {
	case calendar.MethodCounter:
		return kindCounter
	case calendar.MethodRefresh:
		return kindRefresh
	}
	return kindReply
}

// trust finds the meeting and invitation a calendar message is about, and
// decides whether it may count: its ATTENDEE was invited to that UID, and
// the mail comes from that attendee or a delegate recorded for them (or,
// for a reply forwarded inside the mail, from an active member of the
// secretariat passing on the attendee's own message). When it may not, it
// refuses the message and reports false.
func (d *decision) trust(ctx context.Context, kind string, reply calendar.Reply) (model.Meeting, model.Invitation, bool, error) {
	m, err := d.Store.MeetingByUID(ctx, reply.UID)
	if model.ErrorCode(err) == model.ENOTFOUND {
		d.refuse(kind, msgUnknownUID, reply.UID)
		return m, model.Invitation{}, false, nil
	} else if err != nil {
		return m, model.Invitation{}, false, err
	}
	d.rec.MeetingID = m.ID
	found, err := d.Store.InvitationByEmail(ctx, m.ID, reply.Attendee.Email)
	if model.ErrorCode(err) == model.ENOTFOUND {
		d.refuse(kind, msgNotInvited, reply.Attendee.Email, m.ID)
		return m, model.Invitation{}, false, nil
	} else if err != nil {
		return m, model.Invitation{}, false, err
	}
	inv := &found
	from := model.NormalizeEmail(d.msg.From)
	if d.msg.ForwardedFrom != "" {
		ok, err := d.forwardedBySecretariat(ctx, from)
		if err != nil {
			return m, *inv, false, err
		}
		if !ok {
			d.refuse(kind, msgForwardedByStranger, from)
			return m, *inv, false, nil
		}
		from = model.NormalizeEmail(d.msg.ForwardedFrom)
	}
	if from == reply.Attendee.Email {
		return m, *inv, true, nil
	}
	delegate, err := d.Store.IsDelegate(ctx, m.ID, inv.Email, from)
	if err != nil {
		return m, *inv, false, err
	}
	if !delegate {
		d.refuse(kind, msgStranger, from, reply.Attendee.Email)
		return m, *inv, false, nil
	}
	return m, *inv, true, nil
}

// forwardedBySecretariat reports whether from is an active member of the
// secretariat, who may pass on an attendee's reply.
func (d *decision) forwardedBySecretariat(ctx context.Context, from string) (bool, error) {
	p, err := d.Store.PersonByEmail(ctx, from)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return p.IsSecretariat(), nil
}

// answers maps a PARTSTAT to the answer it gives.
var answers = map[calendar.PartStat]model.Response{
	calendar.Accepted:  model.ResponseYes,
	calendar.Declined:  model.ResponseNo,
	calendar.Tentative: model.ResponseMaybe,
}

// delegate records a REPLY with PARTSTAT=DELEGATED through the service the
// delegate command uses: the colleague named in DELEGATED-TO is invited in
// the attendee's stead.
func (d *decision) delegate(ctx context.Context, who network.Caller, m model.Meeting, reply calendar.Reply) error {
	if reply.DelegatedTo == "" {
		d.refuse(kindReply, msgDelegatedToNobody)
		return nil
	}
	name := reply.DelegateName
	if name == "" {
		name = reply.DelegatedTo
	}
	seq := reply.Sequence
	got, err := d.Services.Delegate(ctx, who, m.ID, network.Delegate{Email: reply.DelegatedTo, Name: name, Sequence: &seq})
	if err != nil {
		return d.serviceRefused(kindReply, err)
	}
	if got.Stale {
		d.refuse(kindReply, msgStaleDelegation, reply.Attendee.Email, seq, m.ID, m.Sequence)
		return nil
	}
	d.set(model.MailHandled, kindReply, model.NewMsg(msgDelegated, reply.Attendee.Email, reply.DelegatedTo, m.ID), model.Msg{})
	return nil
}

// answer records a REPLY's answer through the service rsvp uses.
func (d *decision) answer(ctx context.Context, who network.Caller, m model.Meeting, reply calendar.Reply) error {
	if reply.Attendee.PartStat == calendar.Delegated {
		return d.delegate(ctx, who, m, reply)
	}
	resp, ok := answers[reply.Attendee.PartStat]
	if !ok {
		d.ignore(kindReply, msgNoAnswer, model.Word(string(reply.Attendee.PartStat)))
		return nil
	}
	seq := reply.Sequence
	if seq > m.Sequence {
		d.refuse(kindReply, msgFutureSequence, seq, m.ID, m.Sequence)
		return nil
	}
	a, err := d.Services.RespondTo(ctx, who, m.ID, resp, seq, reply.Stamp)
	if err != nil {
		return d.serviceRefused(kindReply, err)
	}
	if a.Stale {
		d.refuse(kindReply, msgStale, reply.Attendee.Email, model.Word(string(resp)), seq, m.ID, model.Word(string(a.Invitation.Response)), a.Invitation.ResponseSequence)
		return nil
	}
	d.set(model.MailHandled, kindReply, model.NewMsg(msgAnswered, reply.Attendee.Email, model.Word(string(resp)), m.ID, seq), model.Msg{})
	return nil
}

// serviceRefused refuses the message for a service's domain error (a
// meeting cancelled, say), with its message; an internal error is
// returned, for the message to be tried again.
func (d *decision) serviceRefused(kind string, err error) error {
	if model.ErrorCode(err) == model.EINTERNAL {
		return err
	}
	var e *model.Error
	if errors.As(err, &e) {
		d.refuse(kind, "%s", e.Msg())
	} else {
		d.refuse(kind, "%s", model.ErrorMessage(err))
	}
	return nil
}

// tell queues text for the secretariat, keyed by this message, so it is
// told once however often the message arrives.
// The text is written for each member (reader) in their language (p).
func (d *decision) tell(ctx context.Context, what string, text func(reader model.Person, lang language.Tag, p *message.Printer) string) error {
	return d.Services.TellSecretariat(ctx, network.System, fmt.Sprintf("mail:%d/%s", d.rec.ID, what), func(reader model.Person) string {
		lang := i18n.Reader(reader.Language)
		return text(reader, lang, i18n.Printer(lang))
	})
}

// proposed is a COUNTER's proposed start and end as reader reads dates:
// in their language (CLDR's forms) and their zone, or the meeting's when
// they have none ("samedi 1 juillet 2030, 06:00", "08:00 EDT"); as the
// calendar wrote them when it does not say in which zone they are.
func proposed(reader model.Person, lang language.Tag, m model.Meeting, reply calendar.Reply) (from, to string) {
	if reply.ProposedFrom.IsZero() || reply.ProposedTo.IsZero() {
		return reply.ProposedStart, reply.ProposedEnd
	}
	loc, err := model.LoadZone(reader.TimeZone)
	if err != nil {
		loc = m.Location()
	}
	return delivery.SpanEndsIn(lang, reply.ProposedFrom.In(loc), reply.ProposedTo.In(loc))
}

// bounce handles a delivery status notification: for one of our messages
// that a server refused for good, the message is marked failed, as an SMTP
// 5xx while sending marks it (mail.Permanent), and the secretariat learns
// who could not be reached.
func (d *decision) bounce(ctx context.Context) error {
	r := d.msg.Report
	ref, _, _ := strings.Cut(r.OriginalMessageID, "@")
	if ref == "" {
		d.ignore(kindBounce, msgBounceUnmatched, r.OriginalMessageID)
		return nil
	}
	item, err := d.Store.OutboxByMailRef(ctx, ref)
	if model.ErrorCode(err) == model.ENOTFOUND {
		d.ignore(kindBounce, msgBounceUnmatched, r.OriginalMessageID)
		return nil
	} else if err != nil {
		return err
	}
	d.rec.MeetingID = item.MeetingID
	var failed []mail.ReportRecipient
	for _, rc := range r.Recipients {
		if err := rc.Err(); err != nil && mail.Permanent(err) {
			failed = append(failed, rc)
		}
	}
	if len(failed) == 0 {
		d.ignore(kindBounce, msgBounceNotFailed, item.Recipient)
		return nil
	}
	reason := model.NewMsg(msgBounceReason, failed[0].Status, failed[0].Diagnostic)
	if _, err := d.Store.Bounced(ctx, item.ID, reason.String()); err != nil {
		return err
	}
	var rcpts []string
	for _, f := range failed {
		rcpts = append(rcpts, f.Recipient)
	}
	d.set(model.MailHandled, kindBounce, model.NewMsg(msgBounceDid, item.ID, string(item.Kind), item.Recipient), reason)
	return d.tell(ctx, "bounce", func(_ model.Person, _ language.Tag, p *message.Printer) string {
		return p.Sprintf(msgBounceNotice, string(item.Kind), item.Recipient, strings.Join(rcpts, ", "), reason.Render(func(f string, a ...any) string { return p.Sprintf(f, a...) }))
	})
}

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// What the inbox says a message did, and why; what the secretariat is told.
const (
	msgDidNothing          = "nothing"
	msgTooLarge            = "the message is larger than %d MiB"
	msgBroken              = "the message cannot be read: %v"
	msgNoFrom              = "the message has no From address that can be read"
	msgNoCalendar          = "no calendar in it: nothing to do"
	msgBadCalendar         = "the calendar cannot be read: %v"
	msgUnknownMethod       = "the calendar's METHOD %q is not one an attendee sends (REPLY, COUNTER, REFRESH)"
	msgNotFromAttendee     = "a calendar %s is an organiser's message, not an attendee's: nothing to do"
	msgAutoIgnored         = "%s: never taken for an answer"
	msgUnknownUID          = "no meeting has the calendar UID %q"
	msgNotInvited          = "%s was not invited to meeting %d"
	msgStranger            = "the message is from %s, who is neither the attendee %s nor a delegate recorded for them"
	msgForwardedByStranger = "a reply forwarded by %s, who is not of the secretariat"
	msgNoAnswer            = "PARTSTAT %s gives no answer (accepted, declined or tentative)"
	msgFutureSequence      = "it answers SEQUENCE %d, but meeting %d is at SEQUENCE %d"
	msgStale               = "stale: %s answered %s to SEQUENCE %d of meeting %d, but the answer %s to SEQUENCE %d, or a later one, is recorded and stands"
	msgAnswered            = "recorded %s's answer %s to meeting %d (SEQUENCE %d)"
	msgDelegated           = "recorded that %s sends %s instead to meeting %d; the colleague is invited"
	msgDelegatedToNobody   = "PARTSTAT DELEGATED without DELEGATED-TO: it does not say whom the attendee sends"
	msgStaleDelegation     = "stale: %s delegated in answer to SEQUENCE %d of meeting %d, which is at SEQUENCE %d now"
	msgHeld                = "held: %s"
	msgHeldDid             = "held for the secretariat; nothing changed"
	msgHeldNotice          = "Incoming mail %d was held: a calendar reply in the name of %s about meeting %d (%s), but %s. Nothing was changed. If the answer is genuine, record it with rsvp; see inbox."
	msgCounterDid          = "told the secretariat of the proposed new time; nothing changed"
	msgCounterNotice       = "%s proposes a new time for meeting %d (%s): from %s to %s. Nothing was changed; move the meeting with meeting change if you agree."
	msgCounterComment      = " Their comment: %q"
	msgRefreshDid          = "sent the current version of meeting %d (SEQUENCE %d) again"
	msgBounceUnmatched     = "a delivery report about %q, which is not a message of ours"
	msgBounceNotFailed     = "a delivery report for %s that says nothing failed for good (delayed or delivered)"
	msgBounceReason        = "bounced: %s %s"
	msgBounceDid           = "marked outbox message %d (the %s to %s) failed"
	msgBounceNotice        = "The %s to %s could not be delivered (%s): %s. Check the address on the roster; outbox shows the failed messages."
)

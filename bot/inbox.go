package bot

import (
	"context"

	"focalbot/model"
)

// inboxCommands are the commands about incoming e-mail.
func (e *Engine) inboxCommands() []*Command {
	return []*Command{
		{Name: "inbox", Description: "The latest e-mail received (calendar replies, bounces, automatic replies): what each did, and those held or refused, with why.",
			Access: Secretariat, Run: e.inbox},
	}
}

// inboxLatest is how many messages inbox lists, of each part.
const inboxLatest = 20

// inbox lists the latest incoming e-mail and, apart, the latest held or
// refused. Who may read it is the service's to decide (network.Inbox).
func (e *Engine) inbox(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) > 0 {
		return errUsage
	}
	latest, err := e.svc.Inbox(ctx, r.caller(), inboxLatest)
	if err != nil {
		return err
	}
	if len(latest) == 0 {
		w.Printf(msgInboxEmpty)
		return nil
	}
	w.Printf(msgInboxLatest)
	for _, m := range latest {
		w.Printf(msgInboxLine, w.deadline(m.ReceivedAt.In(e.zoneFor(r))), m.ID, w.mailWord(mailStatusWords, string(m.Status)),
			w.mailWord(mailKindWords, m.Kind), w.sender(m.From), w.said(m.DidMsg, m.Did))
	}
	stopped, err := e.svc.Inbox(ctx, r.caller(), inboxLatest, model.MailHeld, model.MailRefused)
	if err != nil {
		return err
	}
	if len(stopped) == 0 {
		w.Printf(msgInboxNoneStopped)
		return nil
	}
	w.Printf(msgInboxStopped)
	for _, m := range stopped {
		w.Printf(msgInboxWhy, w.deadline(m.ReceivedAt.In(e.zoneFor(r))), m.ID, w.mailWord(mailStatusWords, string(m.Status)),
			w.mailWord(mailKindWords, m.Kind), w.sender(m.From), w.said(m.ReasonMsg, m.Reason))
	}
	return nil
}

// mailWord is a mail's status or kind in the reader's language, as the
// words map has it; one it does not know is shown as recorded.
func (w *Reply) mailWord(words map[string]string, v string) string {
	if m, ok := words[v]; ok {
		return w.p.Sprintf(m)
	}
	return v
}

// sender is a received mail's sender as inbox shows it: a mail whose
// From cannot be read has none.
func (w *Reply) sender(from string) string {
	if from == "" {
		return w.p.Sprintf(msgMailNoSender)
	}
	return from
}

// said is a sentence of the inbox in the reader's language; text, as it
// was recorded, for mail received before sentences were kept.
func (w *Reply) said(m model.Msg, text string) string {
	if m.IsZero() {
		return text
	}
	return m.Render(func(format string, args ...any) string { return w.p.Sprintf(format, args...) })
}

// What inbox says.
const (
	msgInboxEmpty       = "No e-mail has been received yet: see README.md, Calendar replies by e-mail, to connect the mailbox."
	msgInboxLatest      = "The latest e-mail received:"
	msgInboxLine        = "  %s  mail %d  %s  %s from %s: %s"
	msgInboxNoneStopped = "None was held or refused."
	msgInboxStopped     = "Held or refused, and why:"
	msgInboxWhy         = "  %s  mail %d  %s  %s from %s: %s"

	// A received mail's status (model.MailStatus) and kind, as inbox
	// shows them.
	msgMailReceived    = "received"
	msgMailHandled     = "handled"
	msgMailIgnored     = "ignored"
	msgMailHeld        = "held for the secretariat"
	msgMailRefused     = "refused"
	msgMailKindMail    = "mail"
	msgMailKindBroken  = "unreadable mail"
	msgMailKindReply   = "calendar reply"
	msgMailKindCounter = "new time proposed"
	msgMailKindRefresh = "request for the invitation again"
	msgMailKindBounce  = "delivery report"
	msgMailKindAuto    = "automatic reply"
	msgMailKindInvite  = "calendar"
	msgMailNoSender    = "(sender unknown)"
)

var mailStatusWords = map[string]string{
	string(model.MailReceived): msgMailReceived, string(model.MailHandled): msgMailHandled, string(model.MailIgnored): msgMailIgnored,
	string(model.MailHeld): msgMailHeld, string(model.MailRefused): msgMailRefused,
}

// mailKindWords are the kinds inmail records (inmail.kindReply and the others).
var mailKindWords = map[string]string{
	"mail": msgMailKindMail, "broken": msgMailKindBroken, "reply": msgMailKindReply, "counter": msgMailKindCounter,
	"refresh": msgMailKindRefresh, "bounce": msgMailKindBounce, "auto-reply": msgMailKindAuto, "calendar": msgMailKindInvite,
}

package slack

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"focalbot/bot"
	"focalbot/calendar"
	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Buttons of an invitation: the value is the meeting's number.
const (
	actionRSVPYes   = "rsvp_yes"
	actionRSVPMaybe = "rsvp_maybe"
	actionRSVPNo    = "rsvp_no"
	blockAnswer     = "rsvp_answer" // the line under an invitation or a poll that shows the reader's answer

	blockPoll        = "poll"        // a poll question's slots and button
	actionPollSlots  = "poll_slots"  // the slots ticked; option values are slot numbers
	actionPollAnswer = "poll_answer" // the button; its value is the poll's number
)

// Send delivers an outbox item to its Slack recipient as a direct message:
// an invitation with Accept / Maybe / Decline buttons, a cancellation, a
// reminder or a notice. Times are Slack date tokens, shown in each reader's
// zone with the venue's as fallback. A recipient Slack cannot reach is a
// permanent failure; a rate limit says when to try again.
func (t *Transport) Send(ctx context.Context, it model.OutboxItem, p delivery.Payload) error {
	p = t.withLocale(ctx, it.Recipient, p)
	var err error
	switch p.Kind {
	case model.KindRequest, model.KindPoll:
		text, blocks := invitationBlocks(p)
		if p.Kind == model.KindPoll {
			text, blocks = pollBlocks(p)
		}
		var ch string
		if ch, err = t.api.openDM(ctx, it.Recipient); err == nil {
			err = t.postOnce(ctx, ch, it, text, blocks)
		}
		if err == nil && p.Kind == model.KindRequest {
			t.shareCalendar(ctx, ch, p)
		}
	default:
		err = t.DirectMessage(ctx, it.Recipient, outboxText(p))
	}
	return sendError(err)
}

// withLocale is p with its reader's Slack locale (users.info, through the
// users cache) as their language when their profile gives none, for the
// messages rendered here: invitations, polls, cancellations, reminders and
// nudges, and notices planned in every language (delivery.Planner.NoticeFor).
// A notice planned with one text (before NoticeFor) is sent as it is,
// without a look-up. When Slack cannot say, i18n.Reader falls back to the
// network's language.
func (t *Transport) withLocale(ctx context.Context, userID string, p delivery.Payload) delivery.Payload {
	switch p.Kind {
	case model.KindRequest, model.KindPoll, model.KindCancel, model.KindReminder, model.KindNudge:
	default:
		if len(p.Texts) == 0 {
			return p
		}
	}
	if strings.TrimSpace(p.Invitee.Language) == "" {
		p.Invitee.Language = t.users.caller(ctx, userID).Locale
	}
	return p
}

// shareCalendar puts the meeting's .ics file under an invitation, for
// calendars that take a file (answers go by the buttons). The message is
// what matters: a failed upload is logged, not retried, so that the
// invitation is never posted twice.
func (t *Transport) shareCalendar(ctx context.Context, channelID string, p delivery.Payload) {
	var ics bytes.Buffer
	_, lang := readerPrinter(p)
	ev := calendar.MeetingEvent(calendar.MethodPublish, p.Meeting, p.Organiser.Person(), t.clock.Now()).
		In(p.Meeting, lang.String(), i18n.Default().String())
	err := calendar.Encode(&ics, calendar.MethodPublish, ev)
	if err == nil {
		err = t.api.uploadFile(ctx, channelID, "invite.ics", p.Meeting.TitleIn(lang.String()), ics.Bytes())
	}
	if err != nil {
		t.log.Warn("cannot share the invitation's calendar file", "meeting", p.Meeting.ID, "err", err)
	}
}

// invitationBlocks is an invitation or its update: what, when, where, and
// the buttons to answer, in the reader's language: the meeting's
// delivery.Summary as Slack blocks. Its text, the notification's, is
// escaped too.
func invitationBlocks(p delivery.Payload) (string, []slackapi.Block) {
	m := p.Meeting
	pr, lang := readerPrinter(p)
	s := delivery.Summarize(m, lang, nil)
	heading := msgInvitation
	if m.Sequence > 0 {
		heading = msgInvitationChanged
	}
	lines := []string{pr.Sprintf(heading, model.Clip(s.Title, maxTitleShown)), pr.Sprintf(msgInvitationWhen, when(lang, m))}
	if s.Venue != "" {
		lines = append(lines, pr.Sprintf(msgInvitationWhere, model.Clip(s.Venue, maxTitleShown)))
	}
	if s.Online != "" {
		lines = append(lines, pr.Sprintf(msgInvitationOnline, model.Clip(s.Online, maxTitleShown)))
	}
	if s.Hosts != "" {
		lines = append(lines, pr.Sprintf(msgInvitationHosts, s.Hosts, model.Clip(s.Organiser, maxTitleShown)))
	}
	blocks := []slackapi.Block{section(strings.Join(lines, "\n"))} // section escapes all but the live dates
	if s.Agenda != "" {
		blocks = append(blocks, section(pr.Sprintf(msgInvitationAgenda, s.Agenda)))
	}
	id := strconv.FormatInt(m.ID, 10)
	blocks = append(blocks,
		slackapi.NewActionBlock("rsvp",
			button(actionRSVPYes, id, pr.Sprintf(msgButtonAccept), "primary"),
			button(actionRSVPMaybe, id, pr.Sprintf(msgButtonMaybe), ""),
			button(actionRSVPNo, id, pr.Sprintf(msgButtonDecline), "danger"),
			button(actionDelegate, id, pr.Sprintf(msgButtonDelegate), "")),
		slackapi.NewContextBlock(blockAnswer, mrkdwn(pr.Sprintf(msgInvitationHow, id))))
	return fallback(pr.Sprintf(msgInvitationFallback, model.Clip(s.Title, maxTitleShown), i18n.DateMedium(lang, m.Start.In(m.Location())))), blocks
}

// say renders a message of the catalog in the network's language, for an
// answer given before (or instead of) finding out who asks: in a channel,
// or when the bot is too busy to look.
func say(format string) string { return i18n.Printer(i18n.Default()).Sprintf(format) }

// sayTo renders a message of the catalog in the language of reply, for
// what the transport adds to an answer (where the rest of it is); in the
// network's when the reply has none.
func sayTo(reply *bot.Reply, format string) string {
	if reply == nil || reply.Language() == "" || reply.Language() == "und" {
		return say(format)
	}
	return i18n.Printer(i18n.Match(reply.Language())).Sprintf(format)
}

// readerPrinter is the catalog's printer for the reader of p, and their
// language: their profile's (or a guest's), else their Slack locale as
// Send's withLocale put it there, else the network's.
func readerPrinter(p delivery.Payload) (*message.Printer, language.Tag) {
	lang := i18n.Reader(p.Invitee.Language)
	return i18n.Printer(lang), lang
}

// maxTitleShown is where a title, a venue or an organiser is cut in a
// message, to leave room for the rest within Slack's limits.
const maxTitleShown = 300

// pollBlocks is an availability poll's question: its slots, in each
// reader's zone, to tick, and a button to send the answer. The question
// lists each slot in full; a checkbox shows its number and start only, as
// Slack allows an option 75 characters, date tokens included.
func pollBlocks(p delivery.Payload) (string, []slackapi.Block) {
	poll := p.Poll
	pr, lang := readerPrinter(p)
	var options []*slackapi.OptionBlockObject
	lines := []string{pr.Sprintf(msgPollQuestion, model.Clip(poll.Title, maxTitleShown), live(DateToken(lang, poll.Deadline, poll.Slots[0].Location())))}
	for i, sl := range poll.Slots {
		n := strconv.Itoa(i + 1)
		lines = append(lines, pr.Sprintf(msgPollSlotLabel, i+1, when(lang, model.Meeting{Start: sl.Start, End: sl.End, TimeZone: sl.TimeZone})))
		label := pr.Sprintf(msgPollSlotLabel, i+1, live(shortDate(lang, sl.Start, sl.Location())))
		if utf8.RuneCountInString(escape(label)) > maxOptionText {
			label = n
		}
		options = append(options, slackapi.NewOptionBlockObject(n, mrkdwn(label), nil))
	}
	id := strconv.FormatInt(poll.ID, 10)
	blocks := []slackapi.Block{
		section(strings.Join(lines, "\n")),
		slackapi.NewActionBlock(blockPoll,
			slackapi.NewCheckboxGroupsBlockElement(actionPollSlots, options...),
			button(actionPollAnswer, id, pr.Sprintf(msgButtonSendAnswer), "primary")),
		slackapi.NewContextBlock(blockAnswer, mrkdwn(pr.Sprintf(msgPollHow, id))),
	}
	return fallback(pr.Sprintf(msgPollFallback, model.Clip(poll.Title, maxTitleShown))), blocks
}

// maxOptionText is the most characters Slack allows an option's text.
const maxOptionText = 75

// pollAnswerer records an answer to a poll; *bot.Engine is one.
type pollAnswerer interface {
	AnswerPoll(ctx context.Context, c bot.Caller, pollID int64, slots []int) *bot.Reply
}

// pollJob sends the slots ticked in a poll's question to the engine's
// AnswerPoll, and shows the answer under the question, in place.
func (t *Transport) pollJob(cb slackapi.InteractionCallback, a *slackapi.BlockAction) job {
	return job{what: "button " + a.ActionID, run: func(ctx context.Context) {
		pa, ok := t.handler.(pollAnswerer)
		if !ok {
			t.log.Error("the handler cannot answer polls", "user", cb.User.ID)
			return
		}
		// The button's value is the poll's number, and the options' values
		// are slot numbers, as pollBlocks wrote them; anything else reads
		// as 0, which no poll has, so that the engine says what to fix.
		pollID, _ := strconv.ParseInt(a.Value, 10, 64)
		var slots []int
		if cb.BlockActionState != nil {
			for _, o := range cb.BlockActionState.Values[blockPoll][actionPollSlots].SelectedOptions {
				n, _ := strconv.Atoi(o.Value)
				slots = append(slots, n)
			}
		}
		t.answerInPlace(ctx, cb, pa.AnswerPoll(ctx, t.users.caller(ctx, cb.User.ID), pollID, slots).Text())
	}}
}

// answerInPlace replaces the answer line under a message with text,
// through the interaction's response_url, or sends text as a DM when it cannot.
func (t *Transport) answerInPlace(ctx context.Context, cb slackapi.InteractionCallback, text string) {
	blocks := slices.DeleteFunc(slices.Clone(cb.Message.Blocks.BlockSet), func(b slackapi.Block) bool {
		return b.ID() == blockAnswer
	})
	blocks = append(blocks, slackapi.NewContextBlock(blockAnswer, mrkdwn(text)))
	msg := &slackapi.WebhookMessage{ReplaceOriginal: true, Text: cb.Message.Text, Blocks: &slackapi.Blocks{BlockSet: blocks}}
	if err := t.api.respond(ctx, cb.ResponseURL, msg); err != nil {
		t.log.Error("cannot show the answer in place", "err", err)
		t.dm(ctx, cb.User.ID, text)
	}
}

// when is a meeting's start and end as Slack date tokens, for a reader of
// lang.
func when(lang language.Tag, m model.Meeting) string {
	return live(span(lang, m.Start, m.End, m.Location()))
}

// span is a time span as Slack date tokens, which each reader sees in their
// own zone; the fallbacks give the venue's time, each end with its own zone
// as delivery.SpanIn writes it, in the reader's language lang. Kept live
// (liveSpan), it is how the engine shows meeting times to Slack callers
// (bot.Caller.Span).
func span(lang language.Tag, start, end time.Time, venue *time.Location) string {
	_, to := delivery.SpanEndsIn(lang, start.In(venue), end.In(venue))
	return DateToken(lang, start, venue) + " – " + dateToken(end, "{time}", to)
}

// outboxText is a cancellation, a reminder, a nudge or a notice as text, in
// the reader's language (a notice's as it was written for it when planned).
func outboxText(p delivery.Payload) string {
	m := p.Meeting
	pr, lang := readerPrinter(p)
	title := model.Clip(m.TitleIn(lang.String()), maxTitleShown)
	switch p.Kind {
	case model.KindCancel:
		return pr.Sprintf(msgCancelled, title, when(lang, m))
	case model.KindReminder:
		return pr.Sprintf(msgReminder, model.Identifiers([]any{title, when(lang, m), m.ID})...)
	case model.KindNudge:
		if p.Country != "" { // to an alternate of a country still silent
			return pr.Sprintf(msgCountryNudge, model.Identifiers([]any{title, when(lang, m), p.Country, m.ID})...)
		}
		return pr.Sprintf(msgNudge, model.Identifiers([]any{title, when(lang, m), m.ID, m.ID})...)
	}
	return p.TextIn(lang)
}

// rsvpJob answers an invitation's button through the engine's Respond,
// and shows the answer under the invitation, in place.
func (t *Transport) rsvpJob(cb slackapi.InteractionCallback, a *slackapi.BlockAction) job {
	return job{what: "button " + a.ActionID, run: func(ctx context.Context) {
		if reply, ok := t.rsvp(ctx, cb.User.ID, a); ok {
			t.answerInPlace(ctx, cb, reply.Text())
		}
	}}
}

// sendError translates a failed send for the dispatcher, which classifies
// it (delivery.Classify): Slack's error code and the wait it asked for go to
// delivery.SlackFailure, which knows which codes are permanent.
func sendError(err error) error {
	if err == nil {
		return nil
	}
	var limited *slackapi.RateLimitedError
	var wait time.Duration
	if errors.As(err, &limited) {
		wait = limited.RetryAfter
	}
	return delivery.SlackFailure(err, slackCode(err), wait)
}

// slackCode is Slack's error code in err: its answer's, or the last part of
// a plain error, as slack-go returns some answers ("…: channel_not_found").
func slackCode(err error) string {
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// isSlackError reports whether err is Slack's answer with one of codes.
func isSlackError(err error, codes ...string) bool {
	return slices.Contains(codes, slackCode(err))
}

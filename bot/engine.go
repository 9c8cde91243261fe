// Package bot is focalbot's command engine: commands declared as data, parsed
// from a line of text, checked against the caller's role, run against the
// store, and answered from the message catalog. It knows no chat system: the
// console and Slack transports (bot/console, bot/slack) hand it a Caller and a
// line of text and show the Reply it returns.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/match"
	"focalbot/model"
	"focalbot/network"
)

// Store is what the engine needs from storage: what its services need
// (network.Store), and what it reads itself to identify callers and show the
// audit log, the feeds and the outbox.
type Store interface {
	PersonByEmail(ctx context.Context, email string) (model.Person, error)
	PersonBySlackID(ctx context.Context, slackID string) (model.Person, error)
	PersonBySlackIDOrEmail(ctx context.Context, slackID, email string) (model.Person, error)
	network.Store
}

// Option configures an engine.
type Option func(*Engine)

// WithFeeds sets the public base URL where calendar feeds are served, such
// as https://focalbot.example.org; without it the feed command says that
// feeds are not served.
func WithFeeds(baseURL string) Option {
	return func(e *Engine) { e.feedURL = strings.TrimSuffix(baseURL, "/") }
}

// WithDelivery sets how the engine plans messages (invitations, updates,
// cancellations) and how it tells the dispatcher that some are waiting.
func WithDelivery(pl delivery.Planner, kick func()) Option {
	return func(e *Engine) { e.planner, e.kick = pl, kick }
}

// WithHandoff hands the e-mails that an invitation, and a meeting
// scheduled, changed, moved or cancelled, queue to h, the dispatcher of this
// process, as they are written (network.Service.WithHandoff).
func WithHandoff(h network.Handoff) Option {
	return func(e *Engine) { e.handoff = h }
}

// Caller is who wrote, as far as the transport knows.
type Caller struct {
	Email    string // the console's --as, or the e-mail Slack gives
	SlackID  string
	Name     string // a display name from the transport, used when registering
	TimeZone string // the transport's idea of the caller's zone (Slack's tz)
	Locale   string // the transport's idea of the caller's language (Slack's locale, "fr-FR")
	// Span, when set, is how the transport shows a meeting's time so that
	// each reader sees it in their own zone (Slack's date tokens), in the
	// reader's language lang; without it the engine writes the venue's
	// time and the reader's.
	Span func(lang language.Tag, start, end time.Time, venue *time.Location) string
	// Mention, when set, is how the transport mentions a user of its own
	// by ID (a live Slack mention); without it the engine writes <@ID>.
	Mention func(slackID string) string
	// InChannel says that an answer meant for everyone (a Public command)
	// will be posted where others see it, not to the caller alone: the
	// answer then shows only what every member may see.
	InChannel bool
}

// Request is one command being run.
type Request struct {
	Caller Caller
	Person *model.Person // the caller on the roster; nil when not on it
	Args   Args
	Now    time.Time
	// Public says that others than the caller will see the answer: it
	// shows only what every member may see (see viewer).
	Public bool
}

// viewer is who the answer is for, as far as what it may show: the caller,
// or nobody in particular (nil) when the answer is public.
func (r *Request) viewer() *model.Person {
	if r.Public {
		return nil
	}
	return r.Person
}

// mention is how the caller's transport mentions a Slack user.
func (c Caller) mention(slackID string) string {
	if c.Mention != nil {
		return c.Mention(slackID)
	}
	return "<@" + slackID + ">"
}

// Actor is the caller as recorded in the audit log.
func (r *Request) Actor() model.Actor {
	if r.Person == nil {
		return model.Actor{Label: r.Caller.label()}
	}
	return model.ActorOf(*r.Person)
}

// caller is the request's caller for the services.
func (r *Request) caller() network.Caller {
	return network.Caller{Person: r.Person, Label: r.Caller.label(), Email: r.Caller.Email}
}

func (c Caller) label() string {
	switch {
	case c.Email != "":
		return c.Email
	case c.SlackID != "":
		return "<@" + c.SlackID + ">"
	}
	return "unknown"
}

// Reply is what the engine answers: lines of text in the caller's language.
type Reply struct {
	p      *message.Printer
	lang   language.Tag // the reader's language, one of i18n.Languages
	lines  []string
	Public bool   // meant for the whole channel, not just the caller
	Code   string // the domain error code when the command failed
}

// TextReply is a reply of plain text, for transports' tests and stand-ins.
func TextReply(text string) *Reply {
	return &Reply{p: printer(""), lang: i18n.Reader(), lines: []string{text}}
}

// Printf adds a line, translating format through the message catalog.
// Integers of type int64 are identifiers (meeting, person, poll and series
// numbers are int64 throughout package model) and are written as plain
// digits, so that they can be typed back: "status 1422". Quantities are ints
// and are written as the reader's language groups digits: "1,422 people".
func (w *Reply) Printf(format string, args ...any) {
	w.lines = append(w.lines, w.p.Sprintf(format, model.Identifiers(args)...))
}

// Text is the whole reply.
func (w *Reply) Text() string { return strings.Join(w.lines, "\n") }

// Engine runs commands. It is safe for concurrent use.
type Engine struct {
	store    Store
	clock    clock.Clock
	log      *slog.Logger
	zone     *time.Location // the secretariat's zone, for dates in the audit log
	commands []*Command
	planner  delivery.Planner
	kick     func()
	handoff  network.Handoff
	feedURL  string
	svc      *network.Service // the typed operations commands call
	simClock *clock.Offset
	advance  func(ctx context.Context, clk *clock.Offset, d time.Duration) (int, error)
}

// New returns an engine over store. zone is the secretariat's time zone.
// Without WithDelivery, invitations go out by e-mail from the network's
// secretariat with no organiser address set.
func New(store Store, clk clock.Clock, log *slog.Logger, zone *time.Location, opts ...Option) *Engine {
	e := &Engine{store: store, clock: clk, log: log.With("component", "engine"), zone: zone,
		planner: delivery.Planner{Channels: []model.Channel{model.ChannelEmail}}, kick: func() {}}
	for _, o := range opts {
		o(e)
	}
	e.svc = network.New(store, clk, zone, e.planner, e.kick)
	if e.handoff != nil {
		e.svc.WithHandoff(e.handoff)
	}
	e.commands = e.declare()
	return e
}

// Commands lists every command, in help order.
func (e *Engine) Commands() []*Command { return e.commands }

// Identify finds the caller on the roster: by Slack ID, else by e-mail. A
// Slack user found by e-mail is linked to their Slack ID for next time. It
// returns nil, nil for someone not on the roster.
func (e *Engine) Identify(ctx context.Context, c Caller) (*model.Person, error) {
	if c.SlackID == "" && c.Email == "" {
		return nil, nil
	}
	// By Slack ID first, else by e-mail: one statement.
	p, err := e.store.PersonBySlackIDOrEmail(ctx, c.SlackID, c.Email)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if c.SlackID != "" && p.SlackID == "" {
		p, err = e.store.UpdatePerson(ctx, model.System, p.ID, func(p *model.Person) error {
			p.SlackID = c.SlackID
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// Handle runs one line of text for caller and returns the reply. Domain errors
// become the reply; internal errors and panics are logged and answered with
// an apology, and never stop the bot.
func (e *Engine) Handle(ctx context.Context, caller Caller, text string) (w *Reply) {
	w = newReply("", caller.Locale)
	defer func() {
		if v := recover(); v != nil {
			e.log.Error("command panicked", "text", text, "panic", v, "stack", string(debug.Stack()))
			w.lines, w.Code = nil, model.EINTERNAL
			w.Printf(msgInternal)
		}
	}()
	person, err := e.Identify(ctx, caller)
	if err != nil {
		e.fail(w, text, err)
		return w
	}
	if person != nil {
		w.setLanguage(person.Language, caller.Locale)
	}
	words, err := tokenize(text)
	if err != nil {
		e.fail(w, text, err)
		return w
	}
	if len(words) == 0 {
		words = []string{"help"}
	}
	cmd, n := e.lookup(words)
	if cmd == nil {
		if subs := e.subcommands(words[:1]); len(subs) > 0 {
			e.fail(w, text, model.Errorf(model.EINVALID, msgNeedsSubcommand, words[0], synopses(subs), words[0]))
			return w
		}
		e.fail(w, text, e.unknownCommand(words[0]))
		return w
	}
	if !cmd.Access.allows(person) {
		e.fail(w, text, cmd.Access.denied())
		return w
	}
	w.Public = cmd.Public
	if n == len(words) && cmd.needsArguments() {
		e.fail(w, text, cmd.usageError())
		return w
	}
	r := &Request{Caller: caller, Person: person, Args: parseArgs(words[n:]), Now: e.clock.Now(), Public: cmd.Public && caller.InChannel}
	if err := cmd.Run(ctx, w, r); err != nil {
		if errors.Is(err, errUsage) {
			err = cmd.usageError()
		}
		w.lines = nil
		e.fail(w, text, err)
	}
	return w
}

func (e *Engine) fail(w *Reply, text string, err error) {
	w.Code = model.ErrorCode(err)
	var de *model.Error
	if w.Code == model.EINTERNAL {
		e.log.Error("command failed", "text", text, "err", err)
		w.Printf(msgInternal)
	} else if errors.As(err, &de) {
		w.Printf(de.Format, w.words(de.Args)...)
	}
}

// lookup finds the command whose name matches the most leading words.
func (e *Engine) lookup(words []string) (*Command, int) {
	var best *Command
	n := 0
	for _, c := range e.commands {
		name := strings.Fields(c.Name)
		if len(name) <= n || len(name) > len(words) {
			continue
		}
		ok := true
		for i, w := range name {
			if !strings.EqualFold(w, words[i]) {
				ok = false
				break
			}
		}
		if ok {
			best, n = c, len(name)
		}
	}
	return best, n
}

// subcommands are the commands whose names begin with words and go on, as
// "meeting create" and "meeting change" for "meeting", in help order.
func (e *Engine) subcommands(words []string) []*Command {
	var out []*Command
	for _, c := range e.commands {
		name := strings.Fields(c.Name)
		if len(name) <= len(words) {
			continue
		}
		ok := true
		for i, w := range words {
			ok = ok && strings.EqualFold(w, name[i])
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}

// synopses lists commands' names, separated by commas.
func synopses(cmds []*Command) string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func (e *Engine) unknownCommand(word string) error {
	best, bestD := "", 3
	for _, c := range e.commands {
		first := strings.Fields(c.Name)[0]
		if d := match.Distance(strings.ToLower(word), first); d < bestD {
			best, bestD = first, d
		}
	}
	if best != "" {
		return model.Errorf(model.EINVALID, msgUnknownCommandDidYouMean, word, best)
	}
	return model.Errorf(model.EINVALID, msgUnknownCommand, word)
}

// newReply is an empty reply in the language of a reader whose languages
// are langs, as printer picks it.
func newReply(langs ...string) *Reply {
	r := &Reply{}
	r.setLanguage(langs...)
	return r
}

// setLanguage makes the reply speak the reader's language: the first of
// langs that is set, else the network's (see printer).
func (w *Reply) setLanguage(langs ...string) {
	w.lang = i18n.Reader(langs...)
	w.p = i18n.Printer(w.lang)
}

// countryName is a country's short name in the reader's language.
func (w *Reply) countryName(c model.Country) string { return i18n.CountryName(w.lang, c.Alpha2) }

// group is a regional group's name in the reader's language.
func (w *Reply) group(g model.Group) string { return GroupName(w.p, g) }

// GroupName is a regional group's name in pr's language (its English
// name is the key of msgGroupAfrican and the others), as every reply and
// the Slack transport's forms and App Home write it.
func GroupName(pr *message.Printer, g model.Group) string {
	if m, ok := groupMsgs[g]; ok {
		return pr.Sprintf(m)
	}
	return g.Name()
}

// Language is the reader's language tag ("fr", "zh-Hans").
func (w *Reply) Language() string { return w.lang.String() }

// printer returns the catalog's printer for a reader: the first language
// set of langs (their profile's, then their chat system's locale), else the
// network's (FOCALBOT_LANGUAGE); see i18n.Reader.
func printer(langs ...string) *message.Printer { return i18n.Printer(i18n.Reader(langs...)) }

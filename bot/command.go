package bot

import (
	"context"
	"errors"
	"strings"

	"focalbot/model"
	"focalbot/roster"
)

// HandlerFunc runs a command, writing its answer to w. A domain error it
// returns replaces the answer; any other error is logged and apologised for.
type HandlerFunc func(ctx context.Context, w *Reply, r *Request) error

// Access is who may run a command: what help lists for a caller, and the
// engine's first answer to one who may not, before their arguments are
// read. It guards no data: every read and change a command makes goes
// through a service (package network), which checks the caller itself.
type Access int

// The levels of access, from the widest.
const (
	Anyone      Access = iota // anybody who can reach the bot, on the roster or not
	Member                    // anyone on the roster who is not inactive
	Secretariat               // active members of the secretariat
)

func (a Access) allows(p *model.Person) bool {
	switch a {
	case Anyone:
		return true
	case Member:
		return p != nil && p.Status != model.StatusInactive
	case Secretariat:
		return p.IsSecretariat()
	}
	return false
}

func (a Access) denied() error {
	if a == Secretariat {
		return model.Errorf(model.EFORBIDDEN, msgSecretariatOnly)
	}
	return model.Errorf(model.EFORBIDDEN, msgMembersOnly)
}

// Command is a command declared as data: help is generated from these.
type Command struct {
	Name        string   // the words that select it, e.g. "me set"
	Usage       string   // the arguments, e.g. "<field> <value>"
	Description string   // one line
	Examples    []string // whole command lines
	Access      Access
	Public      bool // on Slack, answer in the channel rather than privately
	Run         HandlerFunc
}

// Synopsis is the name with its usage.
func (c *Command) Synopsis() string { return strings.TrimSpace(c.Name + " " + c.Usage) }

// errUsage is what a handler returns when its arguments do not fit the
// command. The engine answers it with the command's own synopsis and first
// example (usageError), so a command's usage is written once: in its
// declaration.
var errUsage = errors.New("arguments do not fit the command's usage")

// needsArguments says that c's usage begins with a required argument, so
// that c alone, with nothing after its name, is answered with its usage.
func (c *Command) needsArguments() bool {
	return c.Usage != "" && !strings.HasPrefix(c.Usage, "[")
}

// usageError is the answer to c run with arguments that do not fit it.
func (c *Command) usageError() error {
	if len(c.Examples) > 0 {
		return model.Errorf(model.EINVALID, msgUsageExample, synopsisArg{c}, c.Examples[0])
	}
	return model.Errorf(model.EINVALID, msgUsage, synopsisArg{c})
}

// declare lists every command the engine knows.
func (e *Engine) declare() []*Command {
	cmds := e.coreCommands()
	cmds = append(cmds, e.cycleCommands()...)
	cmds = append(cmds, e.outreachCommands()...)
	cmds = append(cmds, e.inboxCommands()...)
	return append(cmds, e.pollCommands()...)
}

// coreCommands are the roster and meeting commands.
func (e *Engine) coreCommands() []*Command {
	return []*Command{
		{Name: "help", Usage: "[command]", Description: "List what you can ask, or explain one command.",
			Examples: []string{"help", "help roster"}, Access: Anyone, Run: e.help},
		{Name: "me", Description: "Show your profile.", Access: Member, Run: e.me},
		{Name: "me set", Usage: "<" + strings.Join(roster.SelfFields, "|") + "> <value>",
			Description: "Change your own profile; \"none\" clears an optional field. A new e-mail address is mailed a code to confirm it with.",
			Examples:    []string{"me set tz Africa/Accra", "me set title Director, Human Rights Department", "me set phone none"},
			Access:      Member, Run: e.meSet},
		{Name: "me confirm email", Usage: "<code>", Description: "Confirm your new e-mail address with the code mailed to it.",
			Examples: []string{"me confirm email 482913"}, Access: Member, Run: e.meConfirmEmail},
		{Name: "register", Usage: "<country> [name=…] [title=…] [ministry=…] [role=alternate]",
			Description: "Ask to join the roster as your country's focal point; the secretariat approves.",
			Examples:    []string{`register Ghana name="Ama Owusu" title="Director, Multilateral Affairs"`},
			Access:      Anyone, Run: e.register},
		{Name: "country", Usage: "<name or code>", Description: "Show a country: its regional group and focal points.",
			Examples: []string{"country Côte d'Ivoire", "country DK"}, Access: Anyone, Public: true, Run: e.country},
		{Name: "roster", Usage: "[country | regional group] [page <n>]", Description: "List the people on the roster, 50 to a page.",
			Examples: []string{"roster", "roster Denmark", "roster WEOG", "roster page 2"}, Access: Anyone, Public: true, Run: e.roster},
		{Name: "coverage", Description: "Countries with an active focal point, out of 193, by regional group.",
			Access: Anyone, Public: true, Run: e.coverage},
		{Name: "network", Description: "Show the network: its secretariat, address and facilitating group.",
			Access: Anyone, Public: true, Run: e.network},

		{Name: "add", Usage: "<e-mail> name=… country=… [role=…] [title=…] [ministry=…] [phone=…] [tz=…] [language=…] [slack=…] [status=…] [appointed=YYYY-MM-DD]",
			Description: "Add a person to the roster.",
			Examples:    []string{`add kofi@mfa.gov.gh name="Kofi Mensah" country=Ghana title="Director, Legal" tz=Africa/Accra`},
			Access:      Secretariat, Run: e.add},
		{Name: "update", Usage: "<person> field=value … (fields: " + roster.Keys(nil) + ")", Description: "Change someone's details (the same fields as add, and email=).",
			Examples: []string{`update kofi@mfa.gov.gh title="Ambassador"`, "update #12 role=alternate"},
			Access:   Secretariat, Run: e.update},
		{Name: "deactivate", Usage: "<person>", Description: "Take someone off the active roster (kept in the audit log).",
			Examples: []string{"deactivate kofi@mfa.gov.gh"}, Access: Secretariat, Run: e.deactivate},
		{Name: "pending", Description: "List registrations awaiting approval.", Access: Secretariat, Run: e.pending},
		{Name: "approve", Usage: "<person>", Description: "Approve a pending registration.",
			Examples: []string{"approve ama@mfa.gov.gh"}, Access: Secretariat, Run: e.decide(true)},
		{Name: "reject", Usage: "<person>", Description: "Reject a pending registration.",
			Examples: []string{"reject #14"}, Access: Secretariat, Run: e.decide(false)},
		{Name: "grant secretariat", Usage: "<person>", Description: "Make someone a member of the secretariat.",
			Examples: []string{"grant secretariat jo@globalr2p.org"}, Access: Secretariat, Run: e.grant},
		{Name: "revoke secretariat", Usage: "<person> [role=observer|focal-point|alternate] [country=…]",
			Description: "Take the secretariat role away (they become an observer unless role= says otherwise).",
			Examples:    []string{"revoke secretariat jo@globalr2p.org"}, Access: Secretariat, Run: e.revoke},
		{Name: "facilitators", Usage: "<country>, <country>, …", Description: "Set the facilitating group of governments.",
			Examples: []string{"facilitators Australia, Costa Rica, Denmark, Ghana"}, Access: Secretariat, Run: e.facilitators},
		{Name: "network set", Usage: `[name="…"] [secretariat="…"] [address="line 1|line 2"]`,
			Description: "Change the network's name, secretariat or postal address (separate address lines with |).",
			Examples:    []string{`network set name="Global Network of R2P Focal Points"`}, Access: Secretariat, Run: e.networkSet},
		{Name: "meetings", Description: "Meetings you are invited to, upcoming and past.", Access: Anyone, Run: e.meetings},
		{Name: "next", Description: "The next meeting you are invited to (for the secretariat: the next one it organises), in your time and the venue's.", Access: Anyone, Run: e.next},
		{Name: "rsvp", Usage: "yes|no|maybe [meeting] [for <person>]", Description: "Answer an invitation (the next meeting unless you give its number); the secretariat records an answer given by telephone or letter with for <person>.",
			Examples: []string{"rsvp yes", "rsvp maybe 2", "rsvp no 2 for kofi@mfa.gov.gh"}, Access: Anyone, Run: e.rsvp},
		{Name: "delegate", Usage: "<meeting> <e-mail> name=… [title=…]", Description: "Send a colleague to a meeting in your place: they are invited, and their answer counts for you.",
			Examples: []string{`delegate 2 ama.owusu@mfa.gov.gh name="Ama Owusu" title="Director, UN Affairs"`}, Access: Anyone, Run: e.delegate},
		{Name: "feed", Usage: "[reset]", Description: "The link to your calendar feed of meetings; reset makes a new one and revokes the old.",
			Access: Member, Run: e.feed},
		{Name: "meeting create", Usage: `title="…" start="YYYY-MM-DD HH:MM" [end=HH:MM | duration=7h] [tz=…] venue="…" [address="…"] [online=…] [hosts="…"] [agenda="…"] [public=yes] [draft=yes]`,
			Description: "Create a network meeting (hosts default to the facilitating group).",
			Examples:    []string{`meeting create title="Second Meeting of the Global Network of R2P Focal Points" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="New York"`},
			Access:      Secretariat, Run: e.meetingCreate},
		{Name: "meeting change", Usage: "<meeting> field=value … (fields: " + strings.Join(meetingFields, ", ") + ")", Description: "Change a meeting's time, place, title, hosts or agenda; invitees get an update.",
			Examples: []string{`meeting change 1 start="2012-09-29 11:00"`}, Access: Secretariat, Run: e.meetingChange},
		{Name: "meeting schedule", Usage: "<meeting>", Description: "Announce a draft meeting: its invitations go out.", Access: Secretariat, Run: e.meetingSchedule},
		{Name: "meeting cancel", Usage: "<meeting>", Description: "Cancel a meeting; every invitee's calendar removes it.", Access: Secretariat, Run: e.meetingCancel},
		{Name: "invite", Usage: `<meeting> all | <regional group> | <country>, … | <person> | guest <e-mail> name="…" [country=…] [language=…]`,
			Description: "Invite focal points and alternates, or a guest, to a meeting.",
			Examples:    []string{"invite 1 all", "invite 1 WEOG", "invite 1 Ghana, Denmark", `invite 1 guest amb@mission.example.org name="Amb. Jane Doe" country=Brazil`},
			Access:      Secretariat, Run: e.invite},
		{Name: "status", Usage: "[meeting] [yes | maybe | no | none | delegated | <country> | <regional group>] [page <n>]",
			Description: "Who was invited and who answered what, by country and regional group; 50 invitees a page, or only those of one answer, country or group. Without a meeting, the next one the secretariat organises.",
			Examples:    []string{"status 1", "status", "status 1 page 2", "status 1 Ghana", "status 1 declined"}, Access: Secretariat, Run: e.meetingStatus},
		{Name: "audit", Usage: "[person | country]", Description: "Show recent changes, for one person or country.",
			Examples: []string{"audit", "audit Ghana", "audit kofi@mfa.gov.gh"}, Access: Secretariat, Run: e.audit},
	}
}

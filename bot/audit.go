package bot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"focalbot/i18n"
	"focalbot/model"
	"focalbot/network"
)

// What the audit log calls its actions, subjects and fixed actors. An
// action, subject or actor the log does not know is shown as stored.
const (
	msgActionPersonCreate       = "person added"
	msgActionPersonUpdate       = "person updated"
	msgActionMeetingCreate      = "meeting created"
	msgActionMeetingUpdate      = "meeting changed"
	msgActionMeetingPlan        = "meeting planned from its series"
	msgActionMeetingAttendance  = "attendance recorded"
	msgActionInvitationCreate   = "invitation added"
	msgActionInvitationUpdate   = "invitation updated"
	msgActionInvitationRespond  = "answer recorded"
	msgActionInvitationRespFor  = "answer recorded on the invitee's behalf"
	msgActionInvitationDelegate = "invitation passed to a colleague"
	msgActionPollCreate         = "poll created"
	msgActionPollVote           = "poll answered"
	msgActionPollClose          = "poll closed"
	msgActionOutreachCreate     = "outreach begun"
	msgActionOutreachUpdate     = "outreach updated"
	msgActionOutreachNote       = "outreach note added"
	msgActionNetworkUpdate      = "network settings changed"
	msgActionSeriesCreate       = "series created"
	msgActionSeriesUpdate       = "series changed"
	msgActionLinkRevoke         = "personal links revoked"
	msgActionFeedReset          = "calendar feed address renewed"

	msgSubjectPerson     = "person %d"
	msgSubjectNamed      = "%s (#%d)"
	msgSubjectMeeting    = "meeting %d"
	msgSubjectPoll       = "poll %d"
	msgSubjectSeries     = "series %d"
	msgSubjectInvitation = "invitation %d"
	msgSubjectPollPerson = "poll %d, for %s"
	msgSubjectInvitee    = "%s, invitee %s"

	msgActorSystem    = "system"
	msgActorUnknown   = "unknown"
	msgActorImport    = "import of %s"
	msgActorByEmail   = "%s (by e-mail)"
	msgActorByWebLink = "%s (by web link)"

	msgInviteesAll = "every active focal point and alternate"

	msgFieldInvitees = "invitees"
	msgFieldJobTitle = "job title"
	msgFieldTitles   = "title in other languages"
	msgFieldAgendas  = "agenda in other languages"
	msgFieldAttended = "countries that came"
	msgAuditInLang   = "%s: %s"

	// msgSemicolons joins the parts of a line, as each language
	// punctuates a semicolon (French "%s ; %s", Chinese "%s；%s").
	msgSemicolons = "%s; %s"

	msgDurationDays    = "%d days"
	msgDurationHours   = "%d hours"
	msgDurationMinutes = "%d minutes"
)

func init() {
	i18n.RegisterPlurals(
		i18n.Plural{Key: msgDurationDays, Arg: 1, One: "%d day"},
		i18n.Plural{Key: msgDurationHours, Arg: 1, One: "%d hour"},
		i18n.Plural{Key: msgDurationMinutes, Arg: 1, One: "%d minute"},
	)
}

// auditActions name the audit log's actions, as the store records them.
var auditActions = map[string]string{
	"person.create": msgActionPersonCreate, "person.update": msgActionPersonUpdate,
	"meeting.create": msgActionMeetingCreate, "meeting.update": msgActionMeetingUpdate,
	"meeting.plan": msgActionMeetingPlan, "meeting.attendance": msgActionMeetingAttendance,
	"invitation.create": msgActionInvitationCreate, "invitation.update": msgActionInvitationUpdate,
	"invitation.respond": msgActionInvitationRespond, "invitation.respond_for": msgActionInvitationRespFor,
	"invitation.delegate": msgActionInvitationDelegate,
	"poll.create":         msgActionPollCreate, "poll.vote": msgActionPollVote, "poll.close": msgActionPollClose,
	"outreach.create": msgActionOutreachCreate, "outreach.update": msgActionOutreachUpdate,
	"outreach.note":  msgActionOutreachNote,
	"network.update": msgActionNetworkUpdate,
	"series.create":  msgActionSeriesCreate, "series.update": msgActionSeriesUpdate,
	"link.revoke": msgActionLinkRevoke, "feed.reset": msgActionFeedReset,
}

// auditAction is an action of the audit log in the reader's language.
func (w *Reply) auditAction(action string) string {
	if m, ok := auditActions[action]; ok {
		return w.p.Sprintf(m)
	}
	return action
}

// auditSubjectKinds name the subjects "kind:number" of the audit log.
var auditSubjectKinds = map[string]string{
	"meeting": msgSubjectMeeting, "poll": msgSubjectPoll, "series": msgSubjectSeries, "invitation": msgSubjectInvitation,
}

// auditNames are the names of the people the audit log's subjects are,
// by number (network.AuditLog.Names).
type auditNames map[int64]string

// person is "Ana Ruiz (#12)", or "person 12" for one no longer on the roster.
func (n auditNames) person(w *Reply, id int64) string {
	if name := n[id]; name != "" {
		return w.p.Sprintf(msgSubjectNamed, name, model.Identifier(id))
	}
	return w.p.Sprintf(msgSubjectPerson, model.Identifier(id))
}

// auditSubject is a subject of the audit log in words: "meeting 3",
// "Ana Ruiz (#12)", "Kenya" for its outreach; one it does not know as stored.
func (w *Reply) auditSubject(names auditNames, subject string) string {
	if subject == "network" {
		return "" // the action says it: "network settings changed"
	}
	kind, rest, ok := strings.Cut(subject, ":")
	if !ok {
		return subject
	}
	if kind == "outreach" {
		if _, known := model.CountryByCode(rest); known {
			return i18n.CountryName(w.lang, rest)
		}
		return subject
	}
	if kind == "poll" {
		if pollPart, personPart, ok := strings.Cut(rest, "/person:"); ok {
			poll, err1 := strconv.ParseInt(pollPart, 10, 64)
			person, err2 := strconv.ParseInt(personPart, 10, 64)
			if err1 == nil && err2 == nil {
				return w.p.Sprintf(msgSubjectPollPerson, model.Identifier(poll), names.person(w, person))
			}
			return subject
		}
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return subject
	}
	if kind == "person" {
		return names.person(w, id)
	}
	if m, ok := auditSubjectKinds[kind]; ok {
		return w.p.Sprintf(m, model.Identifier(id))
	}
	return subject
}

// auditInvitee is the invitee an invitation's entry is about, by the name
// its record keeps, when its changes do not show it (the name did not
// change); "" for other entries. The entry's subject is the meeting.
func auditInvitee(a model.AuditEntry) string {
	if !strings.HasPrefix(a.Action, "invitation.") {
		return ""
	}
	var before, after struct{ Name string }
	if json.Unmarshal([]byte(a.Before), &before) != nil || json.Unmarshal([]byte(a.After), &after) != nil {
		return ""
	}
	if before.Name == "" || before.Name != after.Name {
		return ""
	}
	return after.Name
}

// auditActor is who made a change, as the audit log recorded them: a
// person's name as stored, and the labels focalbot writes itself
// ("system", "import of people.csv", "… (by e-mail)") in the reader's
// language.
func (w *Reply) auditActor(a model.AuditEntry) string {
	label := a.Actor
	if a.ActorID != 0 {
		return w.actorVia(label)
	}
	switch {
	case label == model.System.Label:
		return w.p.Sprintf(msgActorSystem)
	case label == "unknown":
		return w.p.Sprintf(msgActorUnknown)
	case strings.HasPrefix(label, "import of "):
		return w.p.Sprintf(msgActorImport, strings.TrimPrefix(label, "import of "))
	}
	return w.actorVia(label)
}

// actorVia translates the way in that network.Caller.Actor writes after
// a caller's name ("Ana Ruiz <ana@example.org> (by e-mail)").
func (w *Reply) actorVia(label string) string {
	for _, v := range []struct{ suffix, msg string }{{" (" + network.ViaEmail + ")", msgActorByEmail}, {" (" + network.ViaWebLink + ")", msgActorByWebLink}} {
		if name, ok := strings.CutSuffix(label, v.suffix); ok {
			if name == "unknown" {
				name = w.p.Sprintf(msgActorUnknown)
			}
			return w.p.Sprintf(v.msg, name)
		}
	}
	return label
}

// duration is a length of time in the reader's words: "14 days", "6
// hours", "90 minutes" (the largest unit that divides it).
func (w *Reply) duration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return w.p.Sprintf(msgDurationDays, int(d/(24*time.Hour)))
	case d >= time.Hour && d%time.Hour == 0:
		return w.p.Sprintf(msgDurationHours, int(d/time.Hour))
	}
	return w.p.Sprintf(msgDurationMinutes, int(d/time.Minute))
}

// invitees writes a series' invitees (model.Invitees as the audit log's
// JSON holds it): a regional group, countries, or everyone.
func (w *Reply) invitees(v map[string]any) string {
	if g, _ := v["Group"].(string); g != "" {
		return w.group(model.Group(g))
	}
	cs, _ := v["Countries"].([]any)
	if len(cs) == 0 {
		return w.p.Sprintf(msgInviteesAll)
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = i18n.CountryName(w.lang, fmt.Sprint(c))
	}
	return i18n.JoinList(w.lang, names)
}

// inLanguages writes a text the secretariat gave in several languages
// (Titles, Agendas: {"fr": "…"}), language by language.
func (w *Reply) inLanguages(v map[string]any) string {
	langs := make([]string, 0, len(v))
	for l := range v {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	parts := make([]string, len(langs))
	for i, l := range langs {
		parts[i] = w.p.Sprintf(msgAuditInLang, l, fmt.Sprint(v[l]))
	}
	return i18n.JoinList(w.lang, parts)
}

// semicolons joins parts with semicolons, as the reader's language writes them.
func (w *Reply) semicolons(parts ...string) string {
	if len(parts) == 0 {
		return ""
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out = w.p.Sprintf(msgSemicolons, out, p)
	}
	return out
}

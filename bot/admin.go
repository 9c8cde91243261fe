package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/match"
	"focalbot/model"
	"focalbot/network"
)

func (e *Engine) add(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) != 1 {
		return errUsage
	}
	p, err := e.svc.AddPerson(ctx, r.caller(), append([]network.Change{{Field: "email", Value: r.Args.Words[0]}}, changes(r.Args)...))
	if err != nil {
		return err
	}
	w.Printf(msgAdded, e.personLine(w, p, r.Person))
	return e.notInvited(ctx, w, r, p)
}

// notInvited tells the secretariat, as someone joins the roster or is
// approved, of the meetings to come that they are not invited to (an
// earlier "invite <meeting> all" could not take them), with the command
// that invites them.
func (e *Engine) notInvited(ctx context.Context, w *Reply, r *Request, p model.Person) error {
	meetings, err := e.svc.NotInvitedTo(ctx, r.caller(), p)
	if err != nil {
		return err
	}
	for _, m := range meetings {
		w.Printf(msgNotInvitedYet, m.ID, m.TitleIn(w.Language()), p.Name, m.ID, p.ID)
	}
	return nil
}

// changes are the key=value options of a command as changes of a person's
// fields, in order.
func changes(a Args) []network.Change {
	out := make([]network.Change, len(a.Keys))
	for i, k := range a.Keys {
		out[i] = network.Change{Field: k, Value: a.Opts[k]}
	}
	return out
}

func (e *Engine) update(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 || len(r.Args.Keys) == 0 {
		return errUsage
	}
	target, err := e.findPerson(ctx, r.Args.Rest(0))
	if err != nil {
		return err
	}
	p, err := e.svc.UpdatePerson(ctx, r.caller(), target.ID, changes(r.Args))
	if err != nil {
		return err
	}
	if p.SameDetails(target) {
		w.Printf(msgUpdatedNothing, e.personLine(w, p, r.Person))
		return nil
	}
	w.Printf(msgUpdated, e.personLine(w, p, r.Person))
	return nil
}

func (e *Engine) deactivate(ctx context.Context, w *Reply, r *Request) error {
	target, err := e.findPerson(ctx, r.Args.Rest(0))
	if err != nil {
		return err
	}
	p, err := e.svc.Deactivate(ctx, r.caller(), target.ID)
	if err != nil {
		return err
	}
	w.Printf(msgUpdated, e.personLine(w, p, r.Person))
	return nil
}

// decide returns a handler that approves or rejects a pending registration.
func (e *Engine) decide(approve bool) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		target, err := e.findPerson(ctx, r.Args.Rest(0))
		if err != nil {
			return err
		}
		return e.decided(ctx, w, r, target.ID, approve)
	}
}

// decided approves or rejects the registration of the person id and says so.
func (e *Engine) decided(ctx context.Context, w *Reply, r *Request, id int64, approve bool) error {
	if approve {
		p, err := e.svc.Approve(ctx, r.caller(), id)
		if err != nil {
			return err
		}
		w.Printf(msgApproved, e.personLine(w, p, r.Person))
		return e.notInvited(ctx, w, r, p)
	}
	p, err := e.svc.Reject(ctx, r.caller(), id)
	if err != nil {
		return err
	}
	w.Printf(msgRejected, p.Name)
	return nil
}

func (e *Engine) pending(ctx context.Context, w *Reply, r *Request) error {
	people, err := e.svc.Pending(ctx, r.caller())
	if err != nil {
		return err
	}
	if len(people) == 0 {
		w.Printf(msgNoPending)
		return nil
	}
	w.Printf(msgPendingHeader, len(people))
	for _, p := range people {
		c, _ := model.CountryByCode(p.Country)
		w.Printf(msgCountryItem, w.countryName(c), e.personLine(w, p, r.Person))
	}
	return nil
}

func (e *Engine) grant(ctx context.Context, w *Reply, r *Request) error {
	target, err := e.findPerson(ctx, r.Args.Rest(0))
	if err != nil {
		return err
	}
	p, err := e.svc.GrantSecretariat(ctx, r.caller(), target.ID)
	if err != nil {
		return err
	}
	w.Printf(msgGranted, p.Name)
	if target.Status != model.StatusActive {
		w.Printf(msgGrantedActive, p.Name, w.status(target.Status))
	}
	return nil
}

func (e *Engine) revoke(ctx context.Context, w *Reply, r *Request) error {
	target, err := e.findPerson(ctx, r.Args.Rest(0))
	if err != nil {
		return err
	}
	p, err := e.svc.RevokeSecretariat(ctx, r.caller(), target.ID, changes(r.Args))
	if err != nil {
		return err
	}
	if r.Person != nil && p.ID == r.Person.ID {
		w.Printf(msgRevokedSelf, w.role(p.Role))
		return nil
	}
	w.Printf(msgRevoked, p.Name, w.role(p.Role))
	return nil
}

func (e *Engine) facilitators(ctx context.Context, w *Reply, r *Request) error {
	var codes, names []string
	for _, part := range strings.Split(r.Args.Rest(0), ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		c, err := match.Country(part)
		if err != nil {
			return err
		}
		if !slices.Contains(codes, c.Alpha2) {
			codes, names = append(codes, c.Alpha2), append(names, w.countryName(c))
		}
	}
	if len(codes) == 0 {
		return errUsage
	}
	_, was, err := e.svc.SetFacilitators(ctx, r.caller(), codes)
	if err != nil {
		return err
	}
	w.Printf(msgFacilitatorsSet, i18n.JoinList(w.lang, names))
	// The list replaces the group: say whom it drops, so that "facilitators
	// Germany", meant to add Germany, is seen for what it did.
	if gone := dropped(was, codes); len(gone) > 0 {
		w.Printf(msgFacilitatorsDropped, i18n.CountryNames(w.lang, gone))
	}
	return nil
}

// dropped are the codes of before that after no longer has: what a list
// given in place of another (attendance, the facilitating group) drops.
func dropped(before, after []string) []string {
	return slices.DeleteFunc(slices.Clone(before), func(c string) bool { return slices.Contains(after, c) })
}

func (e *Engine) networkSet(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Keys) == 0 || len(r.Args.Words) > 0 {
		return errUsage
	}
	var set network.NetworkSettings
	for _, k := range r.Args.Keys {
		v := r.Args.Opts[k]
		switch k {
		case "name":
			set.Name = &v
		case "secretariat":
			set.Secretariat = &v
		case "address":
			if v != "" {
				lines := strings.Split(v, "|")
				for i := range lines {
					lines[i] = strings.TrimSpace(lines[i])
				}
				v = strings.Join(lines, "\n")
			}
			set.Address = &v
		default:
			if v == "" {
				return model.Errorf(model.EINVALID, msgNetworkFieldEmpty, k)
			}
			return model.Errorf(model.EINVALID, msgNetworkUnknownField, k)
		}
		if v == "" {
			break // the service says what is wrong, before any later key
		}
	}
	if _, err := e.svc.SetNetwork(ctx, r.caller(), set); err != nil {
		return err
	}
	return e.network(ctx, w, r)
}

func (e *Engine) audit(ctx context.Context, w *Reply, r *Request) error {
	f := model.AuditFilter{Limit: 30}
	if q := r.Args.Rest(0); q != "" {
		if p, err := e.findPerson(ctx, q); err == nil {
			f.Subject = personSubject(p.ID)
		} else if c, cerr := match.Country(q); cerr == nil {
			f.Country = c.Alpha2
		} else {
			return model.Errorf(model.ENOTFOUND, msgAuditNoMatch, q)
		}
	}
	log, err := e.svc.Audit(ctx, r.caller(), f)
	if err != nil {
		return err
	}
	if len(log.Entries) == 0 {
		w.Printf(msgAuditEmpty)
		return nil
	}
	names, zone := auditNames(log.Names), e.zoneFor(r)
	for _, a := range log.Entries {
		subject := w.auditSubject(names, a.Subject)
		if who := auditInvitee(a); who != "" {
			subject = w.p.Sprintf(msgSubjectInvitee, subject, who)
		}
		when, who, what := w.deadline(a.At.In(zone)), w.auditActor(a), w.auditAction(a.Action)
		if changes := e.changes(w, zone, a.Action, a.Before, a.After, log.SlotNumbers); changes != "" {
			w.Printf(msgAuditLine, when, who, what, subject, changes)
		} else {
			w.Printf(msgAuditLineBare, when, who, what, subject) // nothing shown changed: no trailing gap
		}
	}
	return nil
}

// personSubject is how the audit log names a person.
func personSubject(id int64) string { return "person:" + strconv.FormatInt(id, 10) }

// changes summarises the fields that differ between two JSON objects of the
// audit log, each by its label in the catalog and its value in words
// (times in zone); a vote's slots by their numbers in their poll (slots,
// by slot ID).
func (e *Engine) changes(w *Reply, zone *time.Location, action, before, after string, slots map[int64]int) string {
	var b, a map[string]any
	_ = json.Unmarshal([]byte(before), &b)
	_ = json.Unmarshal([]byte(after), &a)
	if action == auditAttendance { // the countries that came, a list
		var bl, al []any
		_ = json.Unmarshal([]byte(before), &bl)
		_ = json.Unmarshal([]byte(after), &al)
		b, a = map[string]any{"Attended": bl}, map[string]any{"Attended": al}
	}
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	type change struct{ label, before, after string }
	var out []change
	for _, k := range keys {
		if auditHidden(k) {
			continue
		}
		bv, av := e.auditValue(w, zone, k, b[k]), e.auditValue(w, zone, k, a[k])
		switch k {
		case "SlotIDs":
			bv, av = auditSlots(w, b[k], slots), auditSlots(w, a[k], slots)
		case "Slots":
			bv, av = auditPollSlots(w, b[k]), auditPollSlots(w, a[k])
		}
		if bv != av {
			out = append(out, change{auditLabel(w, action, k), bv, av})
		}
	}
	slices.SortFunc(out, func(x, y change) int { return strings.Compare(x.label, y.label) })
	lines := make([]string, len(out))
	for i, c := range out {
		lines[i] = w.p.Sprintf(msgAuditChange, c.label, c.before, c.after)
	}
	return w.semicolons(lines...)
}

// auditSlots writes a vote's slots, IDs as the audit log keeps them, by
// their numbers in the poll ("1, 3"); a slot no longer known as "?".
func auditSlots(w *Reply, v any, slots map[int64]int) string {
	ids, _ := v.([]any)
	var nums []int
	for _, id := range ids {
		f, _ := id.(float64)
		nums = append(nums, slots[int64(f)])
	}
	slices.Sort(nums)
	parts := make([]string, len(nums))
	for i, n := range nums {
		parts[i] = "?"
		if n > 0 {
			parts[i] = strconv.Itoa(n)
		}
	}
	return i18n.JoinList(w.lang, parts)
}

// auditPollSlots writes a poll's slots as the poll shows them: by number,
// each in the zone it was proposed in ("1. Tue 5 Jan 2027, 09:00–11:00
// CET").
func auditPollSlots(w *Reply, v any) string {
	list, _ := v.([]any)
	parts := make([]string, 0, len(list))
	for i, x := range list {
		raw, _ := json.Marshal(x)
		var sl model.Slot
		if json.Unmarshal(raw, &sl) != nil {
			continue
		}
		loc := sl.Location()
		parts = append(parts, strconv.Itoa(i+1)+". "+delivery.SpanIn(w.lang, sl.Start.In(loc), sl.End.In(loc)))
	}
	return w.semicolons(parts...)
}

// auditLabels name the fields of the audit log's records, by the names
// their JSON carries.
var auditLabels = map[string]string{
	"Name": msgFieldName, "Email": msgFieldEmail, "Country": msgFieldCountry, "Role": msgFieldRole,
	"Status": msgFieldStatus, "Title": msgFieldTitle, "Organisation": msgFieldMinistry, "Phone": msgFieldPhone,
	"SlackID": msgFieldSlack, "TimeZone": msgFieldZone, "Language": msgFieldLanguage, "AppointedOn": msgFieldAppointed,
	"Sequence": msgFieldVersion, "ResponseSequence": msgFieldAnswerVersion, "Start": msgFieldStart, "End": msgFieldEnd, "Venue": msgFieldVenue,
	"Address": msgFieldAddress, "OnlineURL": msgFieldOnline, "Hosts": msgFieldHosts, "Organiser": msgFieldOrganiser,
	"Agenda": msgFieldAgenda, "Public": msgFieldPublic, "Occurrence": msgFieldOccurrence, "Reminders": msgFieldReminders,
	"Rule": msgFieldRule, "Duration": msgFieldDuration, "PlanAhead": msgFieldPlanAhead, "Active": msgFieldActive,
	"Secretariat": msgFieldSecretariat, "FacilitatingGroup": msgFieldFacilitators, "Response": msgFieldResponse,
	"RespondedAt": msgFieldRespondedAt, "ResponseStamp": msgFieldResponseStamp, "Stage": msgFieldStage, "FollowUp": msgFieldFollowUp, "Deadline": msgFieldDeadline,
	"SlotIDs": msgFieldSlots, "Slots": msgFieldSlots, "Text": msgFieldText, "Author": msgFieldAuthor, "At": msgFieldAt,
	"Invitees": msgFieldInvitees, "Titles": msgFieldTitles, "Agendas": msgFieldAgendas, "Attended": msgFieldAttended,
}

// auditAttendance is the action of recording a meeting's attendance, whose
// record is the list of the countries that came.
const auditAttendance = "meeting.attendance"

// auditHidden reports whether a field of the audit log's records is
// bookkeeping that nobody reads: numbers that link records (a delegation's
// two invitations: the colleague's own entry, beside it, names them), and
// the scheduler's marks.
func auditHidden(k string) bool {
	switch k {
	case "CreatedAt", "UpdatedAt", "UID", "RemindedThrough", "RemindedSequence", "DelegatedTo", "DelegatedFrom":
		return true
	}
	_, known := auditLabels[k]
	return !known && (strings.HasSuffix(k, "ID") || strings.HasSuffix(k, "IDs"))
}

// auditLabel is a field's label in the reader's language; a field the
// catalog does not know is written as words ("SomeField": "some field").
func auditLabel(w *Reply, action, k string) string {
	if k == "Title" && (strings.HasPrefix(action, "person.") || strings.HasPrefix(action, "invitation.")) {
		return w.p.Sprintf(msgFieldJobTitle) // a person's (or delegate's) title is their post
	}
	if m, ok := auditLabels[k]; ok {
		return w.p.Sprintf(m)
	}
	var b strings.Builder
	for i, r := range k {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// auditValue writes a value of the audit log in the reader's words: dates
// and times as their language writes them, in zone (the reader's, else the
// secretariat's: Engine.zoneFor; days as days), yes or no, durations as
// "14 days" or "90 minutes", countries by their name in the reader's
// language, lists as the language separates them, versions as numbers
// from 0. An empty value is "".
func (e *Engine) auditValue(w *Reply, zone *time.Location, k string, v any) string {
	version := k == "Sequence" || k == "ResponseSequence"
	if version && v == nil {
		v = float64(0) // a version's first number, which JSON leaves out
	}
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		return w.yesNo(v)
	case float64:
		switch k {
		case "Duration", "PlanAhead":
			return w.duration(time.Duration(v))
		}
		if v == 0 && !version {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			switch {
			case t.IsZero():
				return ""
			case k == "AppointedOn" || k == "FollowUp":
				return i18n.DateLong(w.lang, t.UTC())
			}
			return w.deadline(t.In(zone))
		}
		switch k {
		case "Country":
			if _, ok := model.CountryByCode(v); ok {
				return i18n.CountryName(w.lang, v)
			}
		case "Stage":
			return w.stage(model.Stage(v))
		case "Language":
			return i18n.LanguageName(w.lang, v)
		case "Role":
			return w.role(model.Role(v))
		case "Status": // a person's, a meeting's or a poll's
			if _, ok := meetingStatusNames[model.MeetingStatus(v)]; ok {
				return w.meetingStatus(model.MeetingStatus(v))
			}
			if m, ok := pollStatusNames[model.PollStatus(v)]; ok {
				return w.p.Sprintf(m)
			}
			return w.status(model.Status(v))
		case "Response":
			return w.response(model.Response(v))
		}
		return v
	case map[string]any:
		switch k {
		case "Invitees":
			return w.invitees(v)
		case "Titles", "Agendas":
			return w.inLanguages(v)
		}
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			if d, ok := x.(float64); ok && k == "Reminders" {
				parts = append(parts, w.duration(time.Duration(d)))
			} else if c, ok := model.CountryByCode(fmt.Sprint(x)); ok {
				parts = append(parts, i18n.CountryName(w.lang, c.Alpha2))
			} else {
				parts = append(parts, fmt.Sprint(x))
			}
		}
		return i18n.JoinList(w.lang, parts)
	}
	return fmt.Sprint(v)
}

// yesNo is a yes or no in the reader's language.
func (w *Reply) yesNo(b bool) string {
	if b {
		return w.p.Sprintf(msgYes)
	}
	return w.p.Sprintf(msgNo)
}

// findPerson resolves how a command names a person: #id, an e-mail address,
// a Slack mention or ID, or a name that matches exactly one person.
func (e *Engine) findPerson(ctx context.Context, ref string) (model.Person, error) {
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "":
		return model.Person{}, model.Errorf(model.EINVALID, msgNamePerson)
	case strings.HasPrefix(ref, "#"):
		id, err := strconv.ParseInt(model.ASCIIDigits(ref[1:]), 10, 64)
		if err != nil {
			return model.Person{}, model.Errorf(model.EINVALID, msgBadPersonID, ref)
		}
		return e.store.Person(ctx, id)
	case strings.Contains(ref, "@") && !strings.HasPrefix(ref, "<@"):
		return e.store.PersonByEmail(ctx, strings.TrimSuffix(strings.TrimPrefix(ref, "<mailto:"), ">"))
	case strings.HasPrefix(ref, "<@") || model.IsSlackUserID(ref):
		id, _, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(ref, "<@"), ">"), "|")
		return e.store.PersonBySlackID(ctx, id)
	}
	people, err := e.store.People(ctx, model.PeopleFilter{})
	if err != nil {
		return model.Person{}, err
	}
	q := match.Fold(ref)
	var found []model.Person
	for _, p := range people {
		if match.Fold(p.Name) == q {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		for _, p := range people {
			if strings.Contains(match.Fold(p.Name), q) {
				found = append(found, p)
			}
		}
	}
	switch len(found) {
	case 0:
		return model.Person{}, model.Errorf(model.ENOTFOUND, msgNoSuchPerson, ref)
	case 1:
		return found[0], nil
	}
	var ids []string
	for _, p := range found {
		ids = append(ids, fmt.Sprintf("%s #%d", p.Name, p.ID))
	}
	return model.Person{}, model.Errorf(model.EINVALID, msgAmbiguousPerson, ref, strings.Join(ids, ", "))
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"focalbot/delivery"
	"focalbot/match"
	"focalbot/model"
)

// meetingFields are the options of meeting create and meeting change.
var meetingFields = []string{"title", "start", "end", "duration", "tz", "venue", "address", "online", "hosts", "agenda", "public", "reminders"}

func (e *Engine) meetingCreate(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Keys) == 0 {
		return model.Errorf(model.EINVALID, msgUsage, `meeting create title="…" start="2012-09-29 10:00" end=17:00 tz=America/New_York venue="…" [hosts="…"] [agenda="…"] [draft=yes]`)
	}
	n, err := e.store.Network(ctx)
	if err != nil {
		return err
	}
	m := model.Meeting{TimeZone: e.zone.String(), Organiser: n.Secretariat, Status: model.MeetingScheduled,
		Hosts: slices.Clone(n.FacilitatingGroup)}
	opts := r.Args.Opts
	if d := opts["draft"]; d != "" {
		delete(opts, "draft")
		if d == "yes" || d == "true" {
			m.Status = model.MeetingDraft
		}
	}
	if err := setMeeting(&m, r.Args.Keys, opts); err != nil {
		return err
	}
	if m.End.IsZero() && !m.Start.IsZero() {
		m.End = m.Start.Add(2 * time.Hour)
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Ended(r.Now) {
		return model.Errorf(model.EINVALID, msgMeetingInPast, m.End.In(m.Location()).Format("Mon 2 Jan 2006 15:04 MST"))
	}
	if err := e.store.CreateMeeting(ctx, r.Actor(), &m); err != nil {
		return err
	}
	w.Printf(msgMeetingCreated, m.ID, m.Title)
	e.showMeeting(w, m, r)
	if m.Status == model.MeetingScheduled {
		w.Printf(msgMeetingInviteHint, m.ID, m.ID)
	}
	return nil
}

// setMeeting applies meeting options in order. Times are read in the
// meeting's zone, so tz= applies to the start and end given with it.
func setMeeting(m *model.Meeting, keys []string, opts map[string]string) error {
	if tz := opts["tz"]; tz != "" {
		loc, err := model.LoadZone(tz)
		if err != nil {
			return err
		}
		// Keep the wall-clock times when only the zone changes; a time
		// given with tz= replaces the old one, which then need not exist
		// in the new zone.
		given := func(ks ...string) bool {
			return slices.ContainsFunc(ks, func(k string) bool { return slices.Contains(keys, k) })
		}
		if !m.Start.IsZero() {
			s, e := m.Start.In(m.Location()), m.End.In(m.Location())
			if !given("start") {
				start, err := model.WallTime(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), 0, loc)
				if err != nil {
					return err
				}
				m.Start = start
			}
			if !given("start", "end", "duration") {
				end, err := model.WallTime(e.Year(), e.Month(), e.Day(), e.Hour(), e.Minute(), 0, loc)
				if err != nil {
					return err
				}
				m.End = end
			}
		}
		m.TimeZone = loc.String()
	}
	loc := m.Location()
	length := m.End.Sub(m.Start)
	for _, k := range keys {
		v := strings.TrimSpace(opts[k])
		switch k {
		case "tz", "draft":
		case "title":
			m.Title = v
		case "start":
			t, err := parseWhen(v, loc, time.Time{})
			if err != nil {
				return err
			}
			m.Start = t
			if !slices.Contains(keys, "end") && !slices.Contains(keys, "duration") && length > 0 {
				m.End = t.Add(length) // moving a meeting keeps its length
			}
		case "end":
			t, err := parseWhen(v, loc, m.Start)
			if err != nil {
				return err
			}
			m.End = t
		case "duration":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return model.Errorf(model.EINVALID, msgBadDuration, v)
			}
			m.End = m.Start.Add(d)
		case "venue":
			m.Venue = v
		case "address":
			m.Address = v
		case "online":
			m.OnlineURL = v
		case "agenda":
			m.Agenda = strings.ReplaceAll(v, `\n`, "\n")
		case "reminders":
			offsets, err := parseSpans(v)
			if err != nil {
				return err
			}
			m.Reminders = offsets
		case "public":
			switch strings.ToLower(v) {
			case "yes", "true":
				m.Public = true
			case "no", "false":
				m.Public = false
			default:
				return model.Errorf(model.EINVALID, msgYesOrNo, k, k)
			}
		case "hosts":
			m.Hosts = nil
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part == "" {
					continue
				}
				c, err := match.Country(part)
				if err != nil {
					return err
				}
				if !slices.Contains(m.Hosts, c.Alpha2) {
					m.Hosts = append(m.Hosts, c.Alpha2)
				}
			}
		default:
			return model.Errorf(model.EINVALID, msgUnknownMeetingField, k, strings.Join(meetingFields, ", "))
		}
	}
	m.Start, m.End = m.Start.UTC(), m.End.UTC()
	return nil
}

// parseWhen reads a date and time in loc; a time alone is on the day of base.
// A time written with its offset is that instant; any other is a wall time
// in loc, which model.WallTime refuses when loc's clocks skip it or show it twice.
func parseWhen(s string, loc *time.Location, base time.Time) (time.Time, error) {
	for _, layout := range []string{model.WallOffsetLayout, time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{model.WallLayout, "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return model.WallTime(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), loc)
		}
	}
	if !base.IsZero() {
		if t, err := time.Parse("15:04", s); err == nil {
			b := base.In(loc)
			return model.WallTime(b.Year(), b.Month(), b.Day(), t.Hour(), t.Minute(), 0, loc)
		}
	}
	return time.Time{}, model.Errorf(model.EINVALID, msgBadWhen, s)
}

// meetingArg reads the meeting number that a command starts with.
func (e *Engine) meetingArg(ctx context.Context, r *Request) (model.Meeting, error) {
	if len(r.Args.Words) == 0 {
		return model.Meeting{}, model.Errorf(model.EINVALID, msgNameMeeting)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Args.Words[0], "#"), 10, 64)
	if err != nil {
		return model.Meeting{}, model.Errorf(model.EINVALID, msgBadMeetingNumber, r.Args.Words[0])
	}
	return e.store.Meeting(ctx, id)
}

func (e *Engine) meetingChange(ctx context.Context, w *Reply, r *Request) error {
	m, err := e.meetingArg(ctx, r)
	if err != nil {
		return err
	}
	if len(r.Args.Keys) == 0 {
		return model.Errorf(model.EINVALID, msgUsage, "meeting change <number> field=value … (fields: "+strings.Join(meetingFields, ", ")+")")
	}
	people, err := e.peopleByID(ctx)
	if err != nil {
		return err
	}
	before := m
	m, err = e.store.UpdateMeeting(ctx, r.Actor(), m.ID, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
		if err := m.CheckOpen(); err != nil {
			return nil, err
		}
		old := *m
		if err := setMeeting(m, r.Args.Keys, r.Args.Opts); err != nil {
			return nil, err
		}
		if !m.Revise(old) {
			return nil, nil
		}
		return e.planAll(delivery.KindRequest, *m, invs, people), nil
	})
	if err != nil {
		return err
	}
	switch {
	case !m.Differs(before):
		w.Printf(msgMeetingUnchanged, m.ID)
		return nil
	case m.Status == model.MeetingDraft:
		w.Printf(msgDraftChanged, m.ID)
		e.showMeeting(w, m, r)
		return nil
	case m.Sequence == before.Sequence:
		w.Printf(msgMeetingSaved, m.ID, w.yesNo(m.Public), reminderList(m))
		return nil
	}
	e.kick()
	w.Printf(msgMeetingChanged, m.ID, m.Sequence)
	e.showMeeting(w, m, r)
	return nil
}

func (e *Engine) meetingSchedule(ctx context.Context, w *Reply, r *Request) error {
	return e.setMeetingStatus(ctx, w, r, model.MeetingScheduled, delivery.KindRequest, msgMeetingScheduled)
}

func (e *Engine) meetingCancel(ctx context.Context, w *Reply, r *Request) error {
	return e.setMeetingStatus(ctx, w, r, model.MeetingCancelled, delivery.KindCancel, msgMeetingCancelled)
}

// setMeetingStatus schedules or cancels a meeting and tells every invitee.
func (e *Engine) setMeetingStatus(ctx context.Context, w *Reply, r *Request, to model.MeetingStatus, kind, done string) error {
	m, err := e.meetingArg(ctx, r)
	if err != nil {
		return err
	}
	if to == model.MeetingScheduled {
		if err := m.CheckSchedulable(r.Now); err != nil {
			return err
		}
	}
	people, err := e.peopleByID(ctx)
	if err != nil {
		return err
	}
	// Confirming a draft of a series invites the series' invitees first:
	// the draft's invitations are stored, and scheduling sends them all.
	seriesInvited := -1
	if to == model.MeetingScheduled && m.Status == model.MeetingDraft && m.SeriesID != 0 {
		if seriesInvited, err = e.inviteSeriesInvitees(ctx, r, m, people); err != nil {
			return err
		}
	}
	invited := 0
	m, err = e.store.UpdateMeeting(ctx, r.Actor(), m.ID, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
		invited = len(invs)
		if to == model.MeetingScheduled {
			err = m.Schedule(r.Now)
		} else {
			var tell bool
			if tell, err = m.Cancel(); err == nil && !tell {
				return nil, nil // nobody was told of it
			}
		}
		if err != nil {
			return nil, err
		}
		return e.planAll(kind, *m, invs, people), nil
	})
	if err != nil {
		return err
	}
	e.kick()
	switch {
	case to != model.MeetingScheduled:
		w.Printf(done, m.ID, m.Title)
	case invited == 0:
		w.Printf(msgScheduledNobody, m.ID, m.Title, m.ID)
	default:
		w.Printf(done, m.ID, m.Title, invited)
	}
	if seriesInvited >= 0 {
		w.Printf(msgSeriesInvited, seriesInvited)
	}
	return nil
}

// inviteSeriesInvitees invites to draft m the default invitees of its
// series, on the roster of today, and returns how many were new.
func (e *Engine) inviteSeriesInvitees(ctx context.Context, r *Request, m model.Meeting, byID map[int64]model.Person) (int, error) {
	sr, err := e.store.Series(ctx, m.SeriesID)
	if err != nil {
		return 0, err
	}
	people, err := e.store.People(ctx, sr.Invitees.Filter())
	if err != nil {
		return 0, err
	}
	invitees := make([]model.Invitation, 0, len(people))
	for _, p := range people {
		invitees = append(invitees, model.Invitation{PersonID: p.ID, Name: p.Name, Email: p.Email, Country: p.Country})
	}
	// While m is a draft nothing is sent; should it have been scheduled
	// meanwhile, its new invitees are sent their invitations as usual.
	added, err := e.store.Invite(ctx, r.Actor(), m.ID, invitees, func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		return e.planAll(delivery.KindRequest, m, []model.Invitation{inv}, byID)
	})
	return len(added), err
}

// planAll plans one kind of message about m for every invitation.
func (e *Engine) planAll(kind string, m model.Meeting, invs []model.Invitation, people map[int64]model.Person) []model.OutboxItem {
	var items []model.OutboxItem
	for _, inv := range invs {
		var p *model.Person
		if person, ok := people[inv.PersonID]; ok {
			p = &person
		}
		items = append(items, e.planner.Invitation(kind, m, inv, p)...)
	}
	return items
}

func (e *Engine) peopleByID(ctx context.Context) (map[int64]model.Person, error) {
	all, err := e.store.People(ctx, model.PeopleFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]model.Person, len(all))
	for _, p := range all {
		byID[p.ID] = p
	}
	return byID, nil
}

func (e *Engine) invite(ctx context.Context, w *Reply, r *Request) error {
	m, err := e.meetingArg(ctx, r)
	if err != nil {
		return err
	}
	who := r.Args.Rest(1)
	if who == "" {
		return model.Errorf(model.EINVALID, msgUsage, `invite <meeting> all | <regional group> | <country>, … | <person> | guest <e-mail> name="…" [country=…]`)
	}
	var invitees []model.Invitation
	if strings.EqualFold(r.Args.Words[1], "guest") {
		inv, err := guest(r)
		if err != nil {
			return err
		}
		invitees = append(invitees, inv)
	} else {
		people, err := e.selectPeople(ctx, who)
		if err != nil {
			return err
		}
		for _, p := range people {
			invitees = append(invitees, model.Invitation{PersonID: p.ID, Name: p.Name, Email: p.Email, Country: p.Country})
		}
	}
	byID, err := e.peopleByID(ctx)
	if err != nil {
		return err
	}
	added, err := e.store.Invite(ctx, r.Actor(), m.ID, invitees, func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		return e.planAll(delivery.KindRequest, m, []model.Invitation{inv}, byID)
	})
	if err != nil {
		return err
	}
	e.kick()
	w.Printf(msgInvited, m.ID, len(added), len(invitees)-len(added))
	if m.Status == model.MeetingDraft && len(added) > 0 {
		w.Printf(msgInvitedDraft, m.ID)
	}
	return nil
}

// guest reads "guest <e-mail> name=… [country=…]".
func guest(r *Request) (model.Invitation, error) {
	if len(r.Args.Words) != 3 || r.Args.Opts["name"] == "" {
		return model.Invitation{}, model.Errorf(model.EINVALID, msgUsage, `invite <meeting> guest <e-mail> name="…" [country=…]`)
	}
	inv := model.Invitation{Email: model.NormalizeEmail(r.Args.Words[2]), Name: r.Args.Opts["name"]}
	if err := model.ValidateEmail(inv.Email); err != nil {
		return inv, err
	}
	if strings.ContainsAny(inv.Name, "\r\n") {
		return inv, model.Errorf(model.EINVALID, msgGuestName)
	}
	if c := r.Args.Opts["country"]; c != "" {
		country, err := match.Country(c)
		if err != nil {
			return inv, err
		}
		inv.Country = country.Alpha2
	}
	return inv, nil
}

// selectPeople reads whom to invite: "all" (active focal points and
// alternates), a regional group, countries separated by commas, or people.
func (e *Engine) selectPeople(ctx context.Context, who string) ([]model.Person, error) {
	f := model.PeopleFilter{Roles: []model.Role{model.RoleFocalPoint, model.RoleAlternate}, Statuses: []model.Status{model.StatusActive}}
	switch {
	case strings.EqualFold(who, "all"):
		return e.store.People(ctx, f)
	}
	if g, ok := model.ParseGroup(who); ok {
		for _, c := range model.CountriesInGroup(g) {
			f.Countries = append(f.Countries, c.Alpha2)
		}
		return e.store.People(ctx, f)
	}
	var out []model.Person
	for _, part := range strings.Split(who, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if c, err := match.Country(part); err == nil {
			f.Countries = []string{c.Alpha2}
			people, err := e.store.People(ctx, f)
			if err != nil {
				return nil, err
			}
			if len(people) == 0 {
				return nil, model.Errorf(model.ENOTFOUND, msgNoFocalPointIn, c.Name)
			}
			out = append(out, people...)
			continue
		}
		p, err := e.findPerson(ctx, part)
		if err != nil {
			if close := match.Suggest(part, 3); len(close) > 0 {
				names := make([]string, len(close))
				for i, c := range close {
					names[i] = c.Name
				}
				return nil, model.Errorf(model.ENOTFOUND, msgNoInviteeDidYouMean, part, strings.Join(names, ", "))
			}
			return nil, model.Errorf(model.ENOTFOUND, msgNoInvitee, part)
		}
		out = append(out, p)
	}
	return out, nil
}

func (e *Engine) meetingStatus(ctx context.Context, w *Reply, r *Request) error {
	m, err := e.meetingArg(ctx, r)
	if err != nil {
		return err
	}
	invs, err := e.store.Invitations(ctx, m.ID)
	if err != nil {
		return err
	}
	e.showMeeting(w, m, r)
	// Listed as shown: by country name, then by name.
	slices.SortStableFunc(invs, func(a, b model.Invitation) int {
		if c := strings.Compare(countryName(a.Country), countryName(b.Country)); c != 0 {
			return c
		}
		return strings.Compare(match.Fold(a.Name), match.Fold(b.Name))
	})
	counts := map[model.Response]int{}
	for _, inv := range invs {
		counts[inv.Response]++
	}
	w.Printf(msgStatusCounts, len(invs), counts[model.ResponseYes], counts[model.ResponseMaybe], counts[model.ResponseNo], counts[model.ResponseNone])
	coming := map[string]bool{}
	for _, inv := range invs {
		// A guest's country is the guest's, not a government's delegation.
		if inv.Response == model.ResponseYes && inv.Country != "" && inv.PersonID != 0 {
			coming[inv.Country] = true
		}
	}
	w.Printf(msgStatusCountries, len(coming))
	for _, g := range model.Groups {
		var names []string
		for _, c := range model.CountriesInGroup(g) {
			if coming[c.Alpha2] {
				names = append(names, c.Name)
			}
		}
		if len(names) > 0 {
			w.Printf(msgCoverageGroup, g.Name(), len(names), len(groupMembers(g)), strings.Join(names, ", "))
		}
	}
	for _, resp := range []model.Response{model.ResponseYes, model.ResponseMaybe, model.ResponseNo, model.ResponseNone} {
		var names []string
		for _, inv := range invs {
			if inv.Response == resp {
				names = append(names, inviteeLabel(inv))
			}
		}
		if len(names) > 0 {
			w.Printf(msgStatusList, w.response(resp), strings.Join(names, ", "))
		}
	}
	failed, err := e.store.Outbox(ctx, model.OutboxFilter{MeetingID: m.ID, Statuses: []model.OutboxStatus{model.OutboxFailed}})
	if err != nil {
		return err
	}
	for _, f := range failed {
		w.Printf(msgStatusFailed, f.Channel, f.Recipient, f.LastError)
	}
	count, err := e.store.OutboxCounts(ctx, model.OutboxFilter{MeetingID: m.ID, Statuses: []model.OutboxStatus{model.OutboxPending}})
	if err != nil {
		return err
	}
	if n := count[model.OutboxPending]; n > 0 {
		w.Printf(msgStatusPendingMail, n)
	}
	return nil
}

func inviteeLabel(inv model.Invitation) string {
	if c, ok := model.CountryByCode(inv.Country); ok {
		return fmt.Sprintf("%s (%s)", inv.Name, c.Name)
	}
	return inv.Name
}

func (e *Engine) meetings(ctx context.Context, w *Reply, r *Request) error {
	all, err := e.visibleMeetings(ctx, r)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Printf(msgNoMeetings)
		return nil
	}
	var upcoming, past []model.Meeting
	for _, m := range all {
		if m.End.After(r.Now) {
			upcoming = append(upcoming, m)
		} else {
			past = append(past, m)
		}
	}
	if len(upcoming) > 0 {
		w.Printf(msgMeetingsUpcoming)
		for _, m := range upcoming {
			w.Printf(msgMeetingLine, m.ID, m.Title, e.when(w, m, r), w.meetingStatus(m.Status))
		}
	}
	if len(past) > 0 {
		w.Printf(msgMeetingsPast)
		for i := len(past) - 1; i >= 0; i-- {
			m := past[i]
			w.Printf(msgMeetingLine, m.ID, m.Title, e.when(w, m, r), w.meetingStatus(m.Status))
		}
	}
	return nil
}

// visibleMeetings are all meetings for the secretariat, and for others the
// ones they are invited to (drafts excepted).
func (e *Engine) visibleMeetings(ctx context.Context, r *Request) ([]model.Meeting, error) {
	all, err := e.store.Meetings(ctx, model.MeetingFilter{})
	if err != nil || r.Person.IsSecretariat() {
		return all, err
	}
	invs, err := e.myInvitations(ctx, r)
	if err != nil {
		return nil, err
	}
	var out []model.Meeting
	for _, m := range all {
		if _, ok := invs[m.ID]; ok && m.Status != model.MeetingDraft {
			out = append(out, m)
		}
	}
	return out, nil
}

// myInvitations are the caller's invitations by meeting.
func (e *Engine) myInvitations(ctx context.Context, r *Request) (map[int64]model.Invitation, error) {
	var id int64
	email := r.Caller.Email
	if r.Person != nil {
		id = r.Person.ID
	}
	invs, err := e.store.InvitationsOf(ctx, id, email)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]model.Invitation, len(invs))
	for _, inv := range invs {
		out[inv.MeetingID] = inv
	}
	return out, nil
}

func (e *Engine) next(ctx context.Context, w *Reply, r *Request) error {
	if r.Person.IsSecretariat() {
		return e.nextOrganised(ctx, w, r)
	}
	m, inv, err := e.nextInvited(ctx, r)
	if err != nil {
		return err
	}
	e.showMeeting(w, m, r)
	w.Printf(msgYourAnswer, w.response(inv.Response), m.ID)
	return nil
}

// nextOrganised shows the secretariat the next meeting it organises,
// scheduled or draft, and their own answer when they are invited to it.
func (e *Engine) nextOrganised(ctx context.Context, w *Reply, r *Request) error {
	coming, err := e.store.Meetings(ctx, model.MeetingFilter{EndsAfter: r.Now, Statuses: []model.MeetingStatus{model.MeetingScheduled, model.MeetingDraft}})
	if err != nil {
		return err
	}
	if len(coming) == 0 {
		return model.Errorf(model.ENOTFOUND, msgNoOrganisedMeeting)
	}
	m := coming[0]
	invs, err := e.myInvitations(ctx, r)
	if err != nil {
		return err
	}
	e.showMeeting(w, m, r)
	if inv, ok := invs[m.ID]; ok && m.Status == model.MeetingScheduled {
		w.Printf(msgYourAnswer, w.response(inv.Response), m.ID)
	}
	w.Printf(msgYouOrganise, m.ID)
	return nil
}

// nextInvited is the next scheduled meeting the caller is invited to.
func (e *Engine) nextInvited(ctx context.Context, r *Request) (model.Meeting, model.Invitation, error) {
	invs, err := e.myInvitations(ctx, r)
	if err != nil {
		return model.Meeting{}, model.Invitation{}, err
	}
	upcoming, err := e.store.Meetings(ctx, model.MeetingFilter{EndsAfter: r.Now, Statuses: []model.MeetingStatus{model.MeetingScheduled}})
	if err != nil {
		return model.Meeting{}, model.Invitation{}, err
	}
	for _, m := range upcoming {
		if inv, ok := invs[m.ID]; ok {
			return m, inv, nil
		}
	}
	return model.Meeting{}, model.Invitation{}, model.Errorf(model.ENOTFOUND, msgNoNextMeeting)
}

func (e *Engine) rsvp(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 {
		return model.Errorf(model.EINVALID, msgUsage, "rsvp yes|no|maybe [meeting]")
	}
	resp, err := model.ParseResponse(r.Args.Words[0])
	if err != nil {
		return err
	}
	var (
		m   model.Meeting
		inv model.Invitation
	)
	if len(r.Args.Words) > 1 {
		r.Args.Words = r.Args.Words[1:]
		if m, err = e.meetingArg(ctx, r); err != nil {
			return err
		}
		invs, err := e.myInvitations(ctx, r)
		if err != nil {
			return err
		}
		var ok bool
		if inv, ok = invs[m.ID]; !ok {
			return model.Errorf(model.ENOTFOUND, msgNotInvited, m.ID)
		}
	} else if m, inv, err = e.nextInvited(ctx, r); err != nil {
		return err
	}
	if m.Status != model.MeetingScheduled {
		return model.Errorf(model.ECONFLICT, msgMeetingClosed, m.ID, m.Status)
	}
	if _, err := e.store.Respond(ctx, r.Actor(), inv.ID, resp, m.Sequence); err != nil && !errors.Is(err, model.ErrStaleResponse) {
		return err
	}
	w.Printf(msgAnswered, w.response(resp), m.Title)
	return nil
}

// showMeeting describes a meeting, its time in the venue's zone and in the reader's.
func (e *Engine) showMeeting(w *Reply, m model.Meeting, r *Request) {
	w.Printf(msgMeetingTitle, m.ID, m.Title, w.meetingStatus(m.Status))
	w.Printf(msgMeetingWhen, e.when(w, m, r))
	if m.Venue != "" {
		w.Printf(msgMeetingWhere, strings.TrimSuffix(m.Venue+", "+m.Address, ", "))
	}
	if m.OnlineURL != "" {
		w.Printf(msgMeetingOnline, m.OnlineURL)
	}
	if len(m.Hosts) > 0 {
		var names []string
		for _, h := range m.Hosts {
			c, _ := model.CountryByCode(h)
			names = append(names, c.Name)
		}
		w.Printf(msgMeetingHosts, strings.Join(names, ", "), m.Organiser)
	}
	if m.Agenda != "" {
		w.Printf(msgMeetingAgenda, m.Agenda)
	}
}

// when is a meeting's time in the venue's zone and, when it differs, in the reader's.
func (e *Engine) when(w *Reply, m model.Meeting, r *Request) string {
	venue := m.Location()
	if r.Caller.Span != nil {
		return r.Caller.Span(m.Start, m.End, venue)
	}
	text := delivery.Span(m.Start.In(venue), m.End.In(venue)) + " " + w.p.Sprintf(msgVenueTime, placeOf(venue))
	if loc := e.readerZone(r); loc != nil && loc.String() != venue.String() {
		if !delivery.SameClocks(m.Start, m.End, venue, loc) {
			text += "; " + w.p.Sprintf(msgYourTime, delivery.Span(m.Start.In(loc), m.End.In(loc)), loc.String())
		}
	}
	return text
}

// readerZone is the caller's zone: their profile's, else the transport's.
func (e *Engine) readerZone(r *Request) *time.Location {
	for _, z := range []string{personZone(r.Person), r.Caller.TimeZone} {
		if loc, err := model.LoadZone(z); err == nil {
			return loc
		}
	}
	return nil
}

func personZone(p *model.Person) string {
	if p == nil {
		return ""
	}
	return p.TimeZone
}

// placeOf is a zone's city, e.g. "New York" for America/New_York.
func placeOf(loc *time.Location) string {
	name := loc.String()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// The catalog's names of answers and meeting statuses.
var (
	responseNames = map[model.Response]string{model.ResponseYes: msgResponseYes, model.ResponseNo: msgResponseNo,
		model.ResponseMaybe: msgResponseMaybe, model.ResponseNone: msgResponseNone, model.ResponseDelegate: msgResponseDelegated}
	meetingStatusNames = map[model.MeetingStatus]string{model.MeetingDraft: msgMeetingDraft, model.MeetingScheduled: msgMeetingIsScheduled,
		model.MeetingCancelled: msgMeetingIsCancelled, model.MeetingHeld: msgMeetingHeld}
)

func (w *Reply) response(r model.Response) string {
	if m, ok := responseNames[r]; ok {
		return w.p.Sprintf(m)
	}
	return string(r)
}

func (w *Reply) meetingStatus(s model.MeetingStatus) string {
	if m, ok := meetingStatusNames[s]; ok {
		return w.p.Sprintf(m)
	}
	return string(s)
}

func (e *Engine) feed(ctx context.Context, w *Reply, r *Request) error {
	if e.feedURL == "" {
		return model.Errorf(model.ECONFLICT, msgNoFeeds)
	}
	reset := len(r.Args.Words) == 1 && strings.EqualFold(r.Args.Words[0], "reset")
	if len(r.Args.Words) > 0 && !reset {
		return model.Errorf(model.EINVALID, msgUsage, "feed [reset]")
	}
	token, err := e.store.FeedToken(ctx, r.Actor(), r.Person.ID, reset)
	if err != nil {
		return err
	}
	if reset {
		w.Printf(msgFeedReset)
	}
	w.Printf(msgFeed, e.feedURL+"/feeds/"+token+".ics", e.feedURL+"/feeds/network.ics")
	return nil
}

// reminderList writes a meeting's reminder offsets, e.g. "14d, 2d, 2h".
func reminderList(m model.Meeting) string {
	var parts []string
	for _, o := range m.ReminderOffsets() {
		switch {
		case o%(24*time.Hour) == 0:
			parts = append(parts, fmt.Sprintf("%dd", o/(24*time.Hour)))
		case o%time.Hour == 0:
			parts = append(parts, fmt.Sprintf("%dh", o/time.Hour))
		default:
			parts = append(parts, fmt.Sprintf("%dm", o/time.Minute))
		}
	}
	return strings.Join(parts, ", ")
}

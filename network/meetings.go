package network

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"focalbot/model"
)

// MeetingStore is what the meetings services need from storage.
type MeetingStore interface {
	Network(ctx context.Context) (model.Network, error)
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
	Series(ctx context.Context, id int64) (model.Series, error)

	CreateMeeting(ctx context.Context, actor model.Actor, m *model.Meeting) error
	Meeting(ctx context.Context, id int64) (model.Meeting, error)
	Meetings(ctx context.Context, f model.MeetingFilter) ([]model.Meeting, error)
	UpdateMeeting(ctx context.Context, actor model.Actor, id int64, change func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error)) (model.Meeting, error)
	UpdateMeetingQueued(ctx context.Context, actor model.Actor, id int64, change func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error)) (model.Meeting, []model.OutboxItem, error)
	Invite(ctx context.Context, actor model.Actor, meetingID int64, invitees []model.Invitation, plan func(m model.Meeting, inv model.Invitation) []model.OutboxItem) ([]model.Invitation, error)
	InviteInBatches(ctx context.Context, actor model.Actor, meetingID int64, invitees []model.Invitation,
		plan func(m model.Meeting, inv model.Invitation) []model.OutboxItem, committed func(added []model.Invitation, queued []model.OutboxItem)) ([]model.Invitation, error)
	Invitations(ctx context.Context, meetingID int64) ([]model.Invitation, error)
	InvitationsOf(ctx context.Context, personID int64, email string) ([]model.Invitation, error)
	Respond(ctx context.Context, actor model.Actor, invitationID int64, r model.Response, seq int, stamp time.Time) (model.Invitation, error)
	Outbox(ctx context.Context, f model.OutboxFilter) ([]model.OutboxItem, error)
	OutboxCounts(ctx context.Context, f model.OutboxFilter) (map[model.OutboxStatus]int, error)

	Mute(ctx context.Context, personID, meetingID int64, mute bool) error
	RecordAttendance(ctx context.Context, actor model.Actor, meetingID int64, countries []string) (model.Meeting, error)
	Attendance(ctx context.Context, meetingID int64) ([]string, error)
}

// Messages of the meetings services (the engine's catalog translates them).
const (
	msgMeetingInPast      = "That meeting would have ended on %s, which has passed: nobody can be invited to it. Check the date (start=\"YYYY-MM-DD HH:MM\")."
	msgNotInvited         = "You are not invited to meeting %d."
	msgNoNextMeeting      = "You are not invited to any coming meeting."
	msgNoOrganisedMeeting = "No meeting is coming: create one with meeting create, or see the past ones with meetings."
	msgNoFocalPointIn     = "%s has no active focal point to invite: invite a guest by e-mail instead."
	msgGuestName          = "A guest's name must be on one line."
	msgNoSuchMeeting      = "There is no meeting %d: see meetings."
)

// DefaultMeetingLength is how long a new meeting lasts when only its start
// is given.
const DefaultMeetingLength = 2 * time.Hour

// MeetingChange is a change to a meeting's fields: each field that is not
// nil is set. Times are instants; a new Zone without a new Start keeps the
// meeting's wall-clock start in the new zone (and its end too, unless End
// or Duration is given). A new Start without End or Duration keeps the
// meeting's length.
type MeetingChange struct {
	Title     *string
	Start     *time.Time
	End       *time.Time
	Duration  *time.Duration // the end, as a length from the start
	Zone      *time.Location
	Venue     *string
	Address   *string
	OnlineURL *string
	Hosts     *[]string // alpha-2 codes
	Agenda    *string
	// Titles and Agendas set the title and agenda in other languages, by
	// language tag ("fr", "zh-Hans"); an empty text removes that language's.
	Titles    map[string]string
	Agendas   map[string]string
	Public    *bool
	Reminders *[]time.Duration
}

// Apply makes the change to m (the create and change services use it; so
// may a command that edits a meeting it has not stored yet).
//
// Errors: EINVALID (in field "tz") for a wall-clock time the new zone skips
// or shows twice.
func (ch MeetingChange) Apply(m *model.Meeting) error {
	if ch.Zone != nil {
		loc := ch.Zone
		if !m.Start.IsZero() {
			s, e := m.Start.In(m.Location()), m.End.In(m.Location())
			if ch.Start == nil {
				start, err := model.WallTime(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), 0, loc)
				if err != nil {
					return inField(err, "tz")
				}
				m.Start = start
			}
			if ch.Start == nil && ch.End == nil && ch.Duration == nil {
				end, err := model.WallTime(e.Year(), e.Month(), e.Day(), e.Hour(), e.Minute(), 0, loc)
				if err != nil {
					return inField(err, "tz")
				}
				m.End = end
			}
		}
		m.TimeZone = loc.String()
	}
	length := m.End.Sub(m.Start)
	if ch.Start != nil {
		m.Start = *ch.Start
		if ch.End == nil && ch.Duration == nil && length > 0 {
			m.End = m.Start.Add(length) // moving a meeting keeps its length
		}
	}
	if ch.End != nil {
		m.End = *ch.End
	}
	if ch.Duration != nil {
		m.End = m.Start.Add(*ch.Duration)
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&m.Title, ch.Title)
	set(&m.Venue, ch.Venue)
	set(&m.Address, ch.Address)
	set(&m.OnlineURL, ch.OnlineURL)
	set(&m.Agenda, ch.Agenda)
	m.Titles = setTexts(m.Titles, ch.Titles)
	m.Agendas = setTexts(m.Agendas, ch.Agendas)
	if ch.Hosts != nil {
		m.Hosts = slices.Clone(*ch.Hosts)
	}
	if ch.Public != nil {
		m.Public = *ch.Public
	}
	if ch.Reminders != nil {
		m.Reminders = slices.Clone(*ch.Reminders)
	}
	m.Start, m.End = m.Start.UTC(), m.End.UTC()
	return nil
}

// setTexts applies changes to a meeting's texts by language: a text sets,
// an empty one removes. The result is a new map, or nil when empty.
func setTexts(have, change map[string]string) map[string]string {
	if len(change) == 0 {
		return have
	}
	out := maps.Clone(have)
	if out == nil {
		out = map[string]string{}
	}
	for lang, v := range change {
		if v == "" {
			delete(out, lang)
		} else {
			out[lang] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// CreateMeeting creates a meeting from ch, hosted by default by the
// facilitating group, organised by the secretariat, in the secretariat's
// zone unless ch gives one, ending DefaultMeetingLength after its start
// unless ch says when. A draft is announced later by ScheduleMeeting;
// otherwise the meeting is scheduled at once, with nobody invited yet.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; EINVALID for a bad
// meeting (naming the field) or one that would have ended; EINTERNAL.
func (s *Service) CreateMeeting(ctx context.Context, c Caller, ch MeetingChange, draft bool) (model.Meeting, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Meeting{}, err
	}
	n, err := s.store.Network(ctx)
	if err != nil {
		return model.Meeting{}, err
	}
	m := model.Meeting{TimeZone: s.zone.String(), Organiser: n.Secretariat, Status: model.MeetingScheduled,
		Hosts: slices.Clone(n.FacilitatingGroup)}
	if draft {
		m.Status = model.MeetingDraft
	}
	if err := ch.Apply(&m); err != nil {
		return model.Meeting{}, err
	}
	if m.End.IsZero() && !m.Start.IsZero() {
		m.End = m.Start.Add(DefaultMeetingLength)
	}
	if err := m.Validate(); err != nil {
		return model.Meeting{}, err
	}
	if m.Ended(s.clock.Now()) {
		return model.Meeting{}, model.FieldErrorf("start", model.EINVALID, msgMeetingInPast, model.Moment{Time: m.End.In(m.Location())})
	}
	if err := s.store.CreateMeeting(ctx, c.Actor(), &m); err != nil {
		return model.Meeting{}, err
	}
	return m, nil
}

// Changed is the outcome of ChangeMeeting: the meeting before and after.
// After.Sequence is above Before.Sequence when the invitees were sent the
// new version.
type Changed struct {
	Before, After model.Meeting
	Told          int // the invitees sent the new version
}

// Announced reports whether the change was sent to the invitees.
func (c Changed) Announced() bool { return c.After.Sequence != c.Before.Sequence }

// ChangeMeeting changes meeting id. A change its invitees see raises the
// sequence of a scheduled meeting and sends every invitee the new version
// (model.Meeting.Revise), saying what changed; a change of date or time
// also sends every answer back to needs-action (model.Meeting.MovesTime),
// while any other keeps them, and each calendar shows its invitee's
// answer (planRevision). A draft's changes, and settings such as its
// reminders, are saved only.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND;
// ECONFLICT for a cancelled or held meeting; EINVALID for a bad result
// (naming the field); EINTERNAL.
func (s *Service) ChangeMeeting(ctx context.Context, c Caller, id int64, ch MeetingChange) (Changed, error) {
	if err := c.requireSecretariat(); err != nil {
		return Changed{}, err
	}
	people, err := s.peopleByID(ctx)
	if err != nil {
		return Changed{}, err
	}
	var before model.Meeting
	told := 0
	after, err := s.updateMeeting(ctx, c, id, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
		before = *m
		before.Hosts = slices.Clone(m.Hosts)
		if err := m.CheckOpen(); err != nil {
			return nil, err
		}
		if err := ch.Apply(m); err != nil {
			return nil, err
		}
		if !m.Revise(before) {
			return nil, nil
		}
		told = len(invs)
		return s.planRevision(before, *m, invs, people), nil
	})
	if err != nil {
		return Changed{}, err
	}
	out := Changed{Before: before, After: after, Told: told}
	if out.Announced() {
		s.kick()
	}
	return out, nil
}

// Scheduled is the outcome of ScheduleMeeting.
type Scheduled struct {
	Meeting model.Meeting
	Invited int // the invitations sent
	// SeriesInvited is how many of its series' invitees a draft of a series
	// newly invited, or -1 for a meeting of no series.
	SeriesInvited int
}

// ScheduleMeeting announces draft id: its invitations go out. A draft of a
// series first invites the series' invitees, on the roster of today.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND;
// ECONFLICT for a meeting scheduled already, cancelled, held or over;
// EINTERNAL.
func (s *Service) ScheduleMeeting(ctx context.Context, c Caller, id int64) (Scheduled, error) {
	if err := c.requireSecretariat(); err != nil {
		return Scheduled{}, err
	}
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return Scheduled{}, err
	}
	if err := m.CheckSchedulable(s.clock.Now()); err != nil {
		return Scheduled{}, err
	}
	people, err := s.peopleByID(ctx)
	if err != nil {
		return Scheduled{}, err
	}
	out := Scheduled{SeriesInvited: -1}
	// Confirming a draft of a series invites the series' invitees first:
	// the draft's invitations are stored, and scheduling sends them all.
	if m.Status == model.MeetingDraft && m.SeriesID != 0 {
		if out.SeriesInvited, err = s.inviteSeriesInvitees(ctx, c, m, people); err != nil {
			return Scheduled{}, err
		}
	}
	out.Meeting, err = s.updateMeeting(ctx, c, id, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
		out.Invited = len(invs)
		if err := m.Schedule(s.clock.Now()); err != nil {
			return nil, err
		}
		return s.planAll(model.KindRequest, *m, invs, people), nil
	})
	if err != nil {
		return Scheduled{}, err
	}
	s.kick()
	return out, nil
}

// inviteSeriesInvitees invites to draft m the default invitees of its
// series, on the roster of today, and returns how many were new.
func (s *Service) inviteSeriesInvitees(ctx context.Context, c Caller, m model.Meeting, byID map[int64]model.Person) (int, error) {
	sr, err := s.store.Series(ctx, m.SeriesID)
	if err != nil {
		return 0, err
	}
	people, err := s.store.People(ctx, sr.Invitees.Filter())
	if err != nil {
		return 0, err
	}
	// While m is a draft nothing is sent; should it have been scheduled
	// meanwhile, its new invitees are sent their invitations as usual.
	added, err := s.store.Invite(ctx, c.Actor(), m.ID, invitations(people), s.planOne(byID))
	return len(added), err
}

// CancelMeeting cancels meeting id. A scheduled meeting's sequence rises
// and every invitee's calendar removes it; a draft was seen by nobody, and
// nobody is told. told is how many invitees are told.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND;
// ECONFLICT for a meeting cancelled already or held; EINTERNAL.
func (s *Service) CancelMeeting(ctx context.Context, c Caller, id int64) (m model.Meeting, told int, err error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Meeting{}, 0, err
	}
	people, err := s.peopleByID(ctx)
	if err != nil {
		return model.Meeting{}, 0, err
	}
	m, err = s.updateMeeting(ctx, c, id, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
		tell, err := m.Cancel()
		if err != nil || !tell {
			return nil, err
		}
		told = len(invs)
		return s.planAll(model.KindCancel, *m, invs, people), nil
	})
	if err != nil {
		return model.Meeting{}, 0, err
	}
	s.kick()
	return m, told, nil
}

// Selection is whom Invite invites: every active focal point and alternate
// (All), those of a regional group (Group), of countries (Countries, alpha-2
// codes), people on the roster (People, by ID), or one guest (Guest: Name,
// Email and optionally Country). The fields add up.
type Selection struct {
	All       bool
	Group     model.Group
	Countries []string
	People    []int64
	Guest     *model.Invitation
}

// Invited is the outcome of Invite.
type Invited struct {
	Meeting model.Meeting
	Added   []model.Invitation // the new invitations; with an error, those written before it
	Asked   int                // how many were selected, new or invited already
}

// Invite invites sel to meeting id, skipping those invited already. A
// scheduled meeting's new invitees are sent their invitations; a draft's
// are sent them when it is scheduled. The invitations are written in
// batches, each whole (its invitations, their audit entries and messages)
// and each sent as soon as it is written, while the next is written. An
// invite that stops half-way (the meeting cancelled meanwhile, the
// database gone) returns those it invited, in Added, with the error: the
// same invite run again invites the others, and only them.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND for the
// meeting, a person, or a country with no active focal point; EINVALID for a
// bad guest (naming the field "email" or "name"); ECONFLICT for a cancelled,
// held or past meeting; EINTERNAL.
func (s *Service) Invite(ctx context.Context, c Caller, id int64, sel Selection) (Invited, error) {
	if err := c.requireSecretariat(); err != nil {
		return Invited{}, err
	}
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return Invited{}, err
	}
	invitees, byID, err := s.selectInvitees(ctx, sel)
	if err != nil {
		return Invited{}, err
	}
	plan, committed := s.planOne(byID), func([]model.Invitation, []model.OutboxItem) { s.kick() }
	if s.handoff != nil {
		plan, committed = s.handOver(plan)
	}
	added, err := s.store.InviteInBatches(ctx, c.Actor(), m.ID, invitees, plan, committed)
	return Invited{Meeting: m, Added: added, Asked: len(invitees)}, err
}

// handOver wraps plan so that the messages it plans are written claimed
// for the dispatcher of this process (s.handoff), on the channels it takes
// (the store keeps the claim of those pending and due now only), and
// returns it with the function to call after each
// batch commits, which hands those messages over: the dispatcher sends
// them as they come, without claiming each from the store again. A
// message the dispatcher does not take in time stays in the outbox,
// claimed until its claim ends, and is then claimed from there as any
// other. The claims are asked for once a channel and batch, when first
// needed, so that a long invite's last batches get claims as fresh as its
// first's.
func (s *Service) handOver(plan func(m model.Meeting, inv model.Invitation) []model.OutboxItem) (
	func(m model.Meeting, inv model.Invitation) []model.OutboxItem, func([]model.Invitation, []model.OutboxItem)) {
	h := holds{handoff: s.handoff}
	claimed := func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		return h.claim(plan(m, inv))
	}
	committed := func(_ []model.Invitation, queued []model.OutboxItem) {
		s.handoff.Offer(queued)
		h.reset()
		s.kick()
	}
	return claimed, committed
}

// updateMeeting is the store's UpdateMeeting. With the dispatcher of this
// process (s.handoff), the messages change plans are written claimed for
// it and handed over once the change commits, as Invite's are (handOver):
// a meeting moved or cancelled for 2,000 invitees sends its updates
// without claiming each from the store again.
func (s *Service) updateMeeting(ctx context.Context, c Caller, id int64,
	change func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error)) (model.Meeting, error) {
	if s.handoff == nil {
		return s.store.UpdateMeeting(ctx, c.Actor(), id, change)
	}
	h := holds{handoff: s.handoff}
	m, queued, err := s.store.UpdateMeetingQueued(ctx, c.Actor(), id, func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error) {
		h.reset() // a transaction tried again claims afresh
		items, err := change(m, invs)
		return h.claim(items), err
	})
	if err == nil {
		s.handoff.Offer(queued)
	}
	return m, err
}

// holds are the claims of one hand-over, asked of the dispatcher once a
// channel, when first needed.
type holds struct {
	handoff Handoff
	by      map[model.Channel]hold
}

// hold is a claim Handoff.Reserve gave, or its refusal (ok false: the
// channel's messages are claimed from the store as usual).
type hold struct {
	token string
	until time.Time
	ok    bool
}

// claim marks items claimed for the dispatcher, on the channels it takes,
// and returns them.
func (h *holds) claim(items []model.OutboxItem) []model.OutboxItem {
	for i, it := range items {
		c, seen := h.by[it.Channel]
		if !seen {
			c.token, c.until, c.ok = h.handoff.Reserve(it.Channel)
			if h.by == nil {
				h.by = map[model.Channel]hold{}
			}
			h.by[it.Channel] = c
		}
		if c.ok {
			items[i].ClaimedBy, items[i].ClaimedUntil = c.token, c.until
		}
	}
	return items
}

// reset forgets the claims asked for, so that the next items get fresh ones.
func (h *holds) reset() { clear(h.by) }

// selectInvitees are the invitations sel asks for, and the people on the
// roster among them, by ID (read once, for planning their messages).
func (s *Service) selectInvitees(ctx context.Context, sel Selection) ([]model.Invitation, map[int64]model.Person, error) {
	var out []model.Invitation
	byID := map[int64]model.Person{}
	add := func(people []model.Person) {
		for _, p := range people {
			byID[p.ID] = p
		}
		out = append(out, invitations(people)...)
	}
	if g := sel.Guest; g != nil {
		inv := model.Invitation{Email: model.NormalizeEmail(g.Email), Name: g.Name, Country: g.Country, Language: g.Language}
		if err := model.ValidateEmail(inv.Email); err != nil {
			return nil, nil, inField(err, "email")
		}
		if strings.ContainsAny(inv.Name, "\r\n") {
			return nil, nil, model.FieldErrorf("name", model.EINVALID, msgGuestName)
		}
		out = append(out, inv)
	}
	f := model.PeopleFilter{Roles: []model.Role{model.RoleFocalPoint, model.RoleAlternate}, Statuses: []model.Status{model.StatusActive}}
	if sel.All || sel.Group != "" {
		v := model.Invitees{Group: sel.Group}
		if sel.All {
			v = model.Invitees{}
		}
		people, err := s.store.People(ctx, v.Filter())
		if err != nil {
			return nil, nil, err
		}
		add(people)
	}
	for _, code := range sel.Countries {
		country, ok := model.CountryByCode(code)
		if !ok {
			return nil, nil, model.Errorf(model.EINVALID, "Unknown invitee country code %q.", code)
		}
		f.Countries = []string{code}
		people, err := s.store.People(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		if len(people) == 0 {
			return nil, nil, model.Errorf(model.ENOTFOUND, msgNoFocalPointIn, country)
		}
		add(people)
	}
	if len(sel.People) > 0 {
		all, err := s.peopleByID(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, pid := range sel.People {
			p, ok := all[pid]
			if !ok {
				return nil, nil, model.Errorf(model.ENOTFOUND, "There is no person #%d on the roster.", pid)
			}
			add([]model.Person{p})
		}
	}
	return out, byID, nil
}

// invitations are the invitations of people on the roster.
func invitations(people []model.Person) []model.Invitation {
	out := make([]model.Invitation, 0, len(people))
	for _, p := range people {
		out = append(out, model.Invitation{PersonID: p.ID, Name: p.Name, Email: p.Email, Country: p.Country})
	}
	return out
}

// Answered is the outcome of Respond.
type Answered struct {
	Meeting    model.Meeting
	Invitation model.Invitation // as recorded
	// Stale says that the answer was to an older version of the meeting
	// than one recorded before, which stands (model.Invitation.Answer).
	Stale bool
}

// Respond records the caller's answer to meeting id, or, for id 0, to the
// next scheduled meeting they are invited to. The answer is to the meeting's
// current sequence; the precedence of answers is model.Invitation.Answer's.
//
// Errors: ENOTFOUND for the meeting, an invitation the caller does not
// have, or no coming meeting; ECONFLICT for a meeting that is not
// scheduled, or a caller who sent a colleague (Delegate); EINVALID for
// ResponseDelegate; EINTERNAL.
func (s *Service) Respond(ctx context.Context, c Caller, id int64, resp model.Response) (Answered, error) {
	return s.RespondTo(ctx, c, id, resp, -1, time.Time{})
}

// RespondTo is Respond for an answer given to sequence seq of the meeting
// (a calendar reply), or, for seq -1, to its current sequence, and made at
// stamp (the reply's DTSTAMP; zero for now): between answers to one
// sequence the one made later wins (model.Invitation.AnswerStamped).
//
// Errors: as Respond's.
func (s *Service) RespondTo(ctx context.Context, c Caller, id int64, resp model.Response, seq int, stamp time.Time) (Answered, error) {
	var (
		m   model.Meeting
		inv model.Invitation
		err error
	)
	if id != 0 {
		if m, err = s.store.Meeting(ctx, id); err != nil {
			return Answered{}, err
		}
		invs, err := s.invitationsOf(ctx, c)
		if err != nil {
			return Answered{}, err
		}
		var ok bool
		if inv, ok = invs[m.ID]; !ok {
			return Answered{}, model.Errorf(model.ENOTFOUND, msgNotInvited, m.ID)
		}
	} else if m, inv, err = s.nextInvited(ctx, c); err != nil {
		return Answered{}, err
	}
	if err := m.Answerable(); err != nil {
		return Answered{}, err
	}
	if err := model.CheckAnswer(resp); err != nil {
		return Answered{}, err
	}
	if seq < 0 {
		seq = m.Sequence
	}
	out := Answered{Meeting: m}
	out.Invitation, err = s.store.Respond(ctx, c.Actor(), inv.ID, resp, seq, stamp)
	if err == model.ErrStaleResponse {
		out.Stale, err = true, nil
	}
	if err != nil {
		return Answered{}, err
	}
	return out, nil
}

// invitationsOf are the caller's invitations by meeting: a person's, or a
// guest's by e-mail address.
func (s *Service) invitationsOf(ctx context.Context, c Caller) (map[int64]model.Invitation, error) {
	var id int64
	if c.Person != nil {
		id = c.Person.ID
	} else if c.Email == "" {
		return map[int64]model.Invitation{}, nil
	}
	invs, err := s.store.InvitationsOf(ctx, id, c.Email)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]model.Invitation, len(invs))
	for _, inv := range invs {
		out[inv.MeetingID] = inv
	}
	return out, nil
}

// nextInvited is the next scheduled meeting the caller is invited to.
func (s *Service) nextInvited(ctx context.Context, c Caller) (model.Meeting, model.Invitation, error) {
	invs, err := s.invitationsOf(ctx, c)
	if err != nil {
		return model.Meeting{}, model.Invitation{}, err
	}
	upcoming, err := s.store.Meetings(ctx, model.MeetingFilter{EndsAfter: s.clock.Now(), Statuses: []model.MeetingStatus{model.MeetingScheduled}})
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

// Next is the outcome of NextMeeting.
type Next struct {
	Meeting    model.Meeting
	Invitation *model.Invitation // the caller's, when they are invited
	Organised  bool              // the caller is of the secretariat, which organises it
}

// NextMeeting is, for the secretariat, the next meeting it organises,
// scheduled or draft, with their own invitation to it if it is scheduled;
// for anyone else the next scheduled meeting they are invited to.
//
// Errors: ENOTFOUND when there is none; EINTERNAL.
func (s *Service) NextMeeting(ctx context.Context, c Caller) (Next, error) {
	if !c.secretariat() {
		m, inv, err := s.nextInvited(ctx, c)
		if err != nil {
			return Next{}, err
		}
		return Next{Meeting: m, Invitation: &inv}, nil
	}
	coming, err := s.store.Meetings(ctx, model.MeetingFilter{EndsAfter: s.clock.Now(), Statuses: []model.MeetingStatus{model.MeetingScheduled, model.MeetingDraft}})
	if err != nil {
		return Next{}, err
	}
	if len(coming) == 0 {
		return Next{}, model.Errorf(model.ENOTFOUND, msgNoOrganisedMeeting)
	}
	out := Next{Meeting: coming[0], Organised: true}
	invs, err := s.invitationsOf(ctx, c)
	if err != nil {
		return Next{}, err
	}
	if inv, ok := invs[out.Meeting.ID]; ok && out.Meeting.Status == model.MeetingScheduled {
		out.Invitation = &inv
	}
	return out, nil
}

// NotInvitedTo are the scheduled meetings not yet started that p, an
// active focal point or alternate, is not invited to: what the secretariat
// may want to invite someone to as they join the roster or are approved
// (an earlier "invite <meeting> all" did not take them). Nothing for
// anyone else.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; EINTERNAL.
func (s *Service) NotInvitedTo(ctx context.Context, c Caller, p model.Person) ([]model.Meeting, error) {
	if err := c.requireSecretariat(); err != nil {
		return nil, err
	}
	if p.Status != model.StatusActive || p.Role != model.RoleFocalPoint && p.Role != model.RoleAlternate {
		return nil, nil
	}
	now := s.clock.Now()
	coming, err := s.store.Meetings(ctx, model.MeetingFilter{EndsAfter: now, Statuses: []model.MeetingStatus{model.MeetingScheduled}})
	if err != nil || len(coming) == 0 {
		return nil, err
	}
	invs, err := s.store.InvitationsOf(ctx, p.ID, p.Email)
	if err != nil {
		return nil, err
	}
	invited := make(map[int64]bool, len(invs))
	for _, inv := range invs {
		invited[inv.MeetingID] = true
	}
	var out []model.Meeting
	for _, m := range coming {
		if m.Start.After(now) && !invited[m.ID] {
			out = append(out, m)
		}
	}
	return out, nil
}

// Meetings are the meetings the caller may see (canSeeMeeting), earliest
// first.
//
// Errors: EINTERNAL only.
func (s *Service) Meetings(ctx context.Context, c Caller) ([]model.Meeting, error) {
	all, err := s.store.Meetings(ctx, model.MeetingFilter{})
	if err != nil || c.secretariat() {
		return all, err
	}
	invs, err := s.invitationsOf(ctx, c)
	if err != nil {
		return nil, err
	}
	var out []model.Meeting
	for _, m := range all {
		if _, ok := invs[m.ID]; c.canSeeMeeting(m, ok) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Meeting is meeting id, for a caller who may see it (canSeeMeeting).
//
// Errors: ENOTFOUND, also for a meeting the caller may not see; EINTERNAL.
func (s *Service) Meeting(ctx context.Context, c Caller, id int64) (model.Meeting, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil || c.secretariat() {
		return m, err
	}
	invs, err := s.invitationsOf(ctx, c)
	if err != nil {
		return model.Meeting{}, err
	}
	if _, ok := invs[m.ID]; !c.canSeeMeeting(m, ok) {
		return model.Meeting{}, model.Errorf(model.ENOTFOUND, msgNoSuchMeeting, id)
	}
	return m, nil
}

// Status is the outcome of MeetingStatus: a meeting, its invitations, and
// its messages that failed or are waiting.
type Status struct {
	Meeting     model.Meeting
	Invitations []model.Invitation
	Failed      []model.OutboxItem // the latest failed, at most as many as asked
	FailedCount int                // every failed message, Failed's and the rest
	Pending     int
}

// MeetingStatus is who was invited to meeting id and what they answered,
// with the state of its messages: the latest failed ones, at most failed
// of them (the rest are counted, not read), and how many are waiting.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND;
// EINTERNAL.
func (s *Service) MeetingStatus(ctx context.Context, c Caller, id int64, failed int) (Status, error) {
	if err := c.requireSecretariat(); err != nil {
		return Status{}, err
	}
	var out Status
	var err error
	if out.Meeting, err = s.store.Meeting(ctx, id); err != nil {
		return Status{}, err
	}
	if out.Invitations, err = s.store.Invitations(ctx, id); err != nil {
		return Status{}, err
	}
	count, err := s.store.OutboxCounts(ctx, model.OutboxFilter{MeetingID: id,
		Statuses: []model.OutboxStatus{model.OutboxFailed, model.OutboxPending}})
	if err != nil {
		return Status{}, err
	}
	out.FailedCount, out.Pending = count[model.OutboxFailed], count[model.OutboxPending]
	if out.FailedCount > 0 && failed > 0 {
		out.Failed, err = s.store.Outbox(ctx, model.OutboxFilter{MeetingID: id,
			Statuses: []model.OutboxStatus{model.OutboxFailed}, Latest: failed})
		if err != nil {
			return Status{}, err
		}
	}
	return out, nil
}

// Mute stops (mute) or restarts the caller's reminders of meeting id, or,
// for id 0, of every meeting. A guest (a caller not on the roster, known
// by the e-mail address invited) mutes one meeting they are invited to.
//
// Errors: EFORBIDDEN for a caller neither an active member nor a guest
// invited; ENOTFOUND for the meeting, or one the guest is not invited to;
// EINTERNAL.
func (s *Service) Mute(ctx context.Context, c Caller, id int64, mute bool) error {
	if c.Person == nil && c.Email != "" && id != 0 {
		m, err := s.store.Meeting(ctx, id)
		if err != nil {
			return err
		}
		invs, err := s.invitationsOf(ctx, c)
		if err != nil {
			return err
		}
		inv, ok := invs[m.ID]
		if !ok {
			return model.Errorf(model.ENOTFOUND, msgNotInvited, m.ID)
		}
		return s.store.MuteInvitation(ctx, inv.ID, mute)
	}
	if err := c.requireMember(); err != nil {
		return err
	}
	if id != 0 {
		if _, err := s.store.Meeting(ctx, id); err != nil {
			return err
		}
	}
	return s.store.Mute(ctx, c.Person.ID, id, mute)
}

// Attendance is the outcome of RecordAttendance and Attendance: a meeting
// and the countries that came, by code.
type Attendance struct {
	Meeting   model.Meeting
	Countries []string
}

// RecordAttendance records which countries came to meeting id (alpha-2
// codes, replacing what was recorded) and marks it held.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND;
// EINVALID for an unknown country code; ECONFLICT for a meeting not yet
// started, a draft or a cancelled one; EINTERNAL.
func (s *Service) RecordAttendance(ctx context.Context, c Caller, id int64, countries []string) (Attendance, error) {
	if err := c.requireSecretariat(); err != nil {
		return Attendance{}, err
	}
	var codes []string
	for _, code := range countries {
		if _, ok := model.CountryByCode(code); !ok {
			return Attendance{}, model.Errorf(model.EINVALID, "Unknown country code %q.", code)
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	m, err := s.store.RecordAttendance(ctx, c.Actor(), id, codes)
	if err != nil {
		return Attendance{}, err
	}
	return s.attendance(ctx, m)
}

// Attendance is what was recorded of who came to meeting id.
//
// Errors: EFORBIDDEN for a caller not of the secretariat; ENOTFOUND;
// EINTERNAL.
func (s *Service) Attendance(ctx context.Context, c Caller, id int64) (Attendance, error) {
	if err := c.requireSecretariat(); err != nil {
		return Attendance{}, err
	}
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return Attendance{}, err
	}
	return s.attendance(ctx, m)
}

func (s *Service) attendance(ctx context.Context, m model.Meeting) (Attendance, error) {
	codes, err := s.store.Attendance(ctx, m.ID)
	if err != nil {
		return Attendance{}, err
	}
	return Attendance{Meeting: m, Countries: codes}, nil
}

// planAll plans one kind of message about m for every invitation.
func (s *Service) planAll(kind model.OutboxKind, m model.Meeting, invs []model.Invitation, people map[int64]model.Person) []model.OutboxItem {
	var items []model.OutboxItem
	for _, inv := range invs {
		var p *model.Person
		if person, ok := people[inv.PersonID]; ok {
			p = &person
		}
		items = append(items, s.planner.Invitation(kind, m, inv, p)...)
	}
	return items
}

// planOne plans the invitation of one new invitee, for the store's Invite.
func (s *Service) planOne(people map[int64]model.Person) func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
	return func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		return s.planAll(model.KindRequest, m, []model.Invitation{inv}, people)
	}
}

// peopleByID is the whole roster by ID.
func (s *Service) peopleByID(ctx context.Context) (map[int64]model.Person, error) {
	all, err := s.store.People(ctx, model.PeopleFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]model.Person, len(all))
	for _, p := range all {
		byID[p.ID] = p
	}
	return byID, nil
}

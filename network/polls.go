package network

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"focalbot/model"
)

// PollStore is what the polls services need from storage.
type PollStore interface {
	CreatePoll(ctx context.Context, actor model.Actor, p *model.Poll, notices func(p model.Poll) []model.OutboxItem) error
	Poll(ctx context.Context, id int64) (model.Poll, error)
	Polls(ctx context.Context, openOnly bool) ([]model.Poll, error)
	Vote(ctx context.Context, actor model.Actor, pollID, personID int64, country string, slotIDs []int64) (model.Vote, error)
	Votes(ctx context.Context, pollID int64) ([]model.Vote, error)
	ClosePoll(ctx context.Context, actor model.Actor, id int64, notices func(p model.Poll, votes []model.Vote) []model.OutboxItem) (model.Poll, error)

	Meeting(ctx context.Context, id int64) (model.Meeting, error)
	UpdateMeeting(ctx context.Context, actor model.Actor, id int64, change func(m *model.Meeting, invs []model.Invitation) ([]model.OutboxItem, error)) (model.Meeting, error)
	InvitationsOf(ctx context.Context, personID int64, email string) ([]model.Invitation, error)
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
	Network(ctx context.Context) (model.Network, error)
}

// What the polls services answer.
const (
	msgBadSlotNumber = "%q is not a slot of poll %d: give numbers from 1 to %d, e.g. 1,2, or none." // a poll has 2 slots at least
	msgPollStillOpen = "Poll %d is still open: close it first with poll close %d, and see the ranking."
	msgPollNoMeeting = "Poll %d is not for a meeting: create one at slot %d with meeting create title=\"%s\" start=\"%s\" end=\"%s\" tz=%s venue=\"…\" draft=yes"
)

// The lines of a poll's ranking (see Ranking.Render).
const (
	msgPollRank        = "  %d. Slot %d, %s — can attend: %d, countries: %d, regional groups: %d of 5"
	msgPollRankMissing = "     Missing hosts: %s"
	msgPollPickHint    = "Pick a slot with: poll pick %d <slot number>."
)

// System is the caller for what the network does by itself, such as the
// scheduler closing a poll at its deadline. It acts as the secretariat and
// is recorded in the audit log as model.System.
var System = Caller{Person: systemPerson}

// systemPerson is System's person: only a Caller made from this very
// pointer is the system, so no transport can forge it.
var systemPerson = &model.Person{Name: model.System.Label, Role: model.RoleSecretariat, Status: model.StatusActive}

// NewPoll is what a poll is created from.
type NewPoll struct {
	MeetingID int64  // the meeting the poll is for; 0 when it has none yet
	Title     string // empty: the meeting's title, or the network's name
	// Hosts are the countries (alpha-2) whose presence is required; nil:
	// the meeting's hosts, or the network's facilitating group. An empty,
	// non-nil list requires none.
	Hosts    []string
	Deadline time.Time
	Slots    []model.Slot // 2 to 6, in any order
}

// CreatePoll puts a poll's slots to every active focal point and alternate.
// ask writes the question as each of them reads it (their language and
// zone); the questions are queued with the poll, in one transaction.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ENOTFOUND for
// an unknown meeting; ECONFLICT for a cancelled or held meeting; EINVALID
// for a bad poll or a deadline that has passed; EINTERNAL.
func (s *Service) CreatePoll(ctx context.Context, c Caller, np NewPoll, ask func(p model.Poll, to model.Person) string) (model.Poll, error) {
	if err := c.requireSecretariat(); err != nil {
		return model.Poll{}, err
	}
	p := model.Poll{MeetingID: np.MeetingID, Title: np.Title, Hosts: np.Hosts, Deadline: np.Deadline, Slots: np.Slots}
	if np.MeetingID != 0 {
		m, err := s.store.Meeting(ctx, np.MeetingID)
		if err != nil {
			return model.Poll{}, err
		}
		p.Title = cmpOr(p.Title, m.Title)
		if np.Hosts == nil {
			p.Hosts = m.Hosts
		}
	} else {
		n, err := s.store.Network(ctx)
		if err != nil {
			return model.Poll{}, err
		}
		p.Title = cmpOr(p.Title, n.Name)
		if np.Hosts == nil {
			p.Hosts = n.FacilitatingGroup
		}
	}
	members, err := s.store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleFocalPoint, model.RoleAlternate},
		Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return model.Poll{}, err
	}
	questions := func(p model.Poll) []model.OutboxItem {
		var items []model.OutboxItem
		for _, m := range members {
			items = append(items, s.planner.PollQuestion(p, m, ask(p, m))...)
		}
		return items
	}
	if err := s.store.CreatePoll(ctx, c.Actor(), &p, questions); err != nil {
		return model.Poll{}, err
	}
	s.kick()
	return p, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// PollView is a poll as one caller may see it.
type PollView struct {
	Poll      model.Poll
	Answers   int         // people who answered
	Countries int         // countries with an answer
	Answerer  bool        // the caller answers polls, for their country
	Mine      *model.Vote // the caller's answer, if they gave one
	Ranking   *Ranking    // the ranking so far, for the secretariat only
}

// Poll shows a poll to the caller: the network's members and the invitees
// of the poll's meeting see it.
//
// Errors: EFORBIDDEN for anyone else (also when the poll does not exist and
// they are not a member, so that they learn nothing); ENOTFOUND; EINTERNAL.
func (s *Service) Poll(ctx context.Context, c Caller, id int64) (PollView, error) {
	p, err := s.store.Poll(ctx, id)
	if model.ErrorCode(err) == model.ENOTFOUND && !c.member() {
		return PollView{}, model.Errorf(model.EFORBIDDEN, msgPollNotYours)
	} else if err != nil {
		return PollView{}, err
	}
	if ok, err := s.canSeePoll(ctx, c, p); err != nil {
		return PollView{}, err
	} else if !ok {
		return PollView{}, model.Errorf(model.EFORBIDDEN, msgPollNotYours)
	}
	votes, err := s.store.Votes(ctx, p.ID)
	if err != nil {
		return PollView{}, err
	}
	v := PollView{Poll: p, Answers: len(votes), Countries: countries(votes), Answerer: c.answersPolls()}
	if v.Answerer {
		for _, vote := range votes {
			if vote.PersonID == c.Person.ID {
				v.Mine = &vote
			}
		}
	}
	if c.secretariat() {
		r := rank(p, votes)
		v.Ranking = &r
	}
	return v, nil
}

// OpenPolls lists the open polls the caller may see, the earliest deadline first.
//
// Errors: EINTERNAL only.
func (s *Service) OpenPolls(ctx context.Context, c Caller) ([]model.Poll, error) {
	polls, err := s.store.Polls(ctx, true)
	if err != nil {
		return nil, err
	}
	var out []model.Poll
	for _, p := range polls {
		if ok, err := s.canSeePoll(ctx, c, p); err != nil {
			return nil, err
		} else if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Vote records the caller's answer to a poll, for their country: the slots
// they can attend, by number from 1, none when slots is empty. Their latest
// answer counts, until the poll closes at its deadline.
//
// Errors: EFORBIDDEN unless the caller is an active focal point or
// alternate; ENOTFOUND for an unknown poll; EINVALID (field "slots") for a
// number the poll has no slot for; ECONFLICT for a closed poll or a passed
// deadline; EINTERNAL.
func (s *Service) Vote(ctx context.Context, c Caller, pollID int64, slots []int) (model.Poll, model.Vote, error) {
	if err := c.MayAnswerPolls(); err != nil {
		return model.Poll{}, model.Vote{}, err
	}
	p, err := s.store.Poll(ctx, pollID)
	if err != nil {
		return model.Poll{}, model.Vote{}, err
	}
	var ids []int64
	for _, n := range slots {
		if n < 1 || n > len(p.Slots) {
			return model.Poll{}, model.Vote{}, BadSlotNumber(p, strconv.Itoa(n))
		}
		ids = append(ids, p.Slots[n-1].ID)
	}
	v, err := s.store.Vote(ctx, c.Actor(), p.ID, c.Person.ID, c.Person.Country, ids)
	if err != nil {
		return model.Poll{}, model.Vote{}, err
	}
	return p, v, nil
}

// BadSlotNumber is the error for word, given as a slot of p that p does not have.
func BadSlotNumber(p model.Poll, word string) error {
	return model.FieldErrorf("slots", model.EINVALID, msgBadSlotNumber, word, p.ID, len(p.Slots))
}

// SlotNumbers are the numbers, from 1, of the slots of p with those IDs, in
// the poll's order.
func SlotNumbers(p model.Poll, ids []int64) []int {
	var nums []int
	for i, sl := range p.Slots {
		if slices.Contains(ids, sl.ID) {
			nums = append(nums, i+1)
		}
	}
	return nums
}

// Ranking is a poll's slots ranked by model.Rank's rule, best first.
type Ranking struct {
	Poll      model.Poll
	Answers   int // people who answered
	Countries int // countries with an answer
	Slots     []RankedSlot
}

// RankedSlot is one line of a ranking.
type RankedSlot struct {
	model.SlotScore
	Number int // the slot's number in the poll, from 1
}

// rank ranks a poll's slots by its votes.
func rank(p model.Poll, votes []model.Vote) Ranking {
	number := map[int64]int{}
	for i, sl := range p.Slots {
		number[sl.ID] = i + 1
	}
	r := Ranking{Poll: p, Answers: len(votes), Countries: countries(votes)}
	for _, sc := range model.Rank(p, votes) {
		r.Slots = append(r.Slots, RankedSlot{SlotScore: sc, Number: number[sc.Slot.ID]})
	}
	return r
}

// Render writes the ranking, one line per printf call, through the
// caller's message catalog: each slot with its place and number, what it
// scores, the hosts it misses, and how to pick one. when writes a slot's
// time as the reader's channel shows times, and countries a list of
// countries by code as the reader reads them (i18n.CountryNames). Every
// channel (chat, the scheduler's notice, Slack) renders a ranking with it.
func (r Ranking) Render(printf func(format string, args ...any), when func(model.Slot) string, countries func(codes []string) string) {
	for i, sl := range r.Slots {
		printf(msgPollRank, i+1, sl.Number, when(sl.Slot), sl.Headcount, sl.Countries, sl.GroupsRepresented)
		if len(sl.HostsMissing) > 0 {
			printf(msgPollRankMissing, countries(sl.HostsMissing))
		}
	}
	printf(msgPollPickHint, r.Poll.ID)
}

// countries counts the countries with a vote.
func countries(votes []model.Vote) int {
	seen := map[string]bool{}
	for _, v := range votes {
		seen[v.Country] = true
	}
	return len(seen)
}

// ClosePoll closes an open poll and ranks its slots. With notice, the
// active members of the secretariat are sent notice's text of the ranking,
// each as notice writes it for them (in their language), in the same
// transaction, once per poll.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat (or System);
// ENOTFOUND; ECONFLICT when it is closed already; EINTERNAL.
func (s *Service) ClosePoll(ctx context.Context, c Caller, id int64, notice func(r Ranking, reader model.Person) string) (Ranking, error) {
	if err := c.requireSecretariat(); err != nil {
		return Ranking{}, err
	}
	var plan func(p model.Poll, votes []model.Vote) []model.OutboxItem
	if notice != nil {
		sec, err := s.store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleSecretariat}, Statuses: []model.Status{model.StatusActive}})
		if err != nil {
			return Ranking{}, err
		}
		plan = func(p model.Poll, votes []model.Vote) []model.OutboxItem {
			r := rank(p, votes)
			var items []model.OutboxItem
			for _, person := range sec {
				items = append(items, s.planner.NoticeFor(fmt.Sprintf("poll:%d/closed", p.ID), person, func(reader model.Person) string { return notice(r, reader) })...)
			}
			return items
		}
	}
	p, err := s.store.ClosePoll(ctx, c.Actor(), id, plan)
	if err != nil {
		return Ranking{}, err
	}
	if plan != nil {
		s.kick()
	}
	votes, err := s.store.Votes(ctx, p.ID)
	if err != nil {
		return Ranking{}, err
	}
	return rank(p, votes), nil
}

// Pick is what picking a poll's slot did to its meeting.
type Pick struct {
	Poll    model.Poll
	Number  int           // the slot picked, from 1
	Before  model.Meeting // the meeting before it moved
	Meeting model.Meeting // the meeting now
	Told    int           // the invitees sent the new time
}

// PickSlot moves the meeting of a closed poll to its slot number n. The new
// time raises the meeting's sequence and sends its invitees an update, as
// when its time is changed by hand; a draft's new time is seen by nobody
// until it is scheduled.
//
// Errors: EFORBIDDEN unless the caller is of the secretariat; ENOTFOUND;
// ECONFLICT for a poll still open, a poll with no meeting (the message
// says how to create one at the slot) or a cancelled or held meeting;
// EINVALID (field "slots") for a number the poll has no slot for; EINTERNAL.
func (s *Service) PickSlot(ctx context.Context, c Caller, pollID int64, n int) (Pick, error) {
	if err := c.requireSecretariat(); err != nil {
		return Pick{}, err
	}
	p, err := s.store.Poll(ctx, pollID)
	if err != nil {
		return Pick{}, err
	}
	if p.Status != model.PollClosed {
		return Pick{}, model.Errorf(model.ECONFLICT, msgPollStillOpen, p.ID, p.ID)
	}
	if n < 1 || n > len(p.Slots) {
		return Pick{}, BadSlotNumber(p, strconv.Itoa(n))
	}
	slot := p.Slots[n-1]
	if p.MeetingID == 0 {
		loc := slot.Location()
		return Pick{}, model.Errorf(model.ECONFLICT, msgPollNoMeeting, p.ID, n, p.Title,
			typedTime(slot.Start, loc), typedTime(slot.End, loc), loc.String())
	}
	// The new time is a change of time, by the same rules (ChangeMeeting).
	start, end := slot.Start.UTC(), slot.End.UTC()
	ch, err := s.ChangeMeeting(ctx, c, p.MeetingID, MeetingChange{Start: &start, End: &end})
	if err != nil {
		return Pick{}, err
	}
	return Pick{Poll: p, Number: n, Before: ch.Before, Meeting: ch.After, Told: ch.Told}, nil
}

// typedTime writes t as it is typed for start= and end= in loc: as the wall
// time, or with its offset when loc's clocks show that wall time twice.
func typedTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if _, err := model.WallTime(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, loc); err != nil {
		return t.Format(model.WallOffsetLayout)
	}
	return t.Format(model.WallLayout)
}

// canSeePoll reports whether the caller may see p (see Caller.maySeePoll).
func (s *Service) canSeePoll(ctx context.Context, c Caller, p model.Poll) (bool, error) {
	return c.maySeePoll(p, func(meetingID int64) (bool, error) {
		var id int64
		if c.Person != nil {
			id = c.Person.ID
		}
		email := c.Label // a guest is known by the address they write from
		if !strings.Contains(email, "@") || strings.HasPrefix(email, "<@") {
			email = ""
		}
		invs, err := s.store.InvitationsOf(ctx, id, email)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(invs, func(inv model.Invitation) bool { return inv.MeetingID == meetingID }), nil
	})
}

package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"focalbot/model"
)

// PollStore is what the availability poll commands need from storage.
type PollStore interface {
	CreatePoll(ctx context.Context, actor model.Actor, p *model.Poll, notices func(p model.Poll) []model.OutboxItem) error
	Poll(ctx context.Context, id int64) (model.Poll, error)
	Polls(ctx context.Context, openOnly bool) ([]model.Poll, error)
	Vote(ctx context.Context, actor model.Actor, pollID, personID int64, country string, slotIDs []int64) (model.Vote, error)
	Votes(ctx context.Context, pollID int64) ([]model.Vote, error)
	ClosePoll(ctx context.Context, actor model.Actor, id int64, notices func(p model.Poll, votes []model.Vote) []model.OutboxItem) (model.Poll, error)
}

// Availability polls.
const (
	msgPollUsageCreate     = `poll create <meeting|0> deadline="YYYY-MM-DD HH:MM" [tz=…] slots="YYYY-MM-DD HH:MM-HH:MM, …" [title="…"] [hosts="…"]`
	msgPollUsageAnswer     = "poll answer <poll> <slot numbers, e.g. 1,3 | none>"
	msgPollUsagePick       = "poll pick <poll> <slot number>"
	msgPollUnknownField    = "Unknown poll field %q: use deadline=, tz=, slots=\"…, …\" (all the slots in one, separated by commas), title= or hosts=."
	msgBadSlot             = "%q is not a slot: write it as YYYY-MM-DD HH:MM-HH:MM, e.g. 2013-09-23 10:00-17:00, and separate slots with commas."
	msgNamePoll            = "Say which poll, by its number (see poll)."
	msgBadPollNumber       = "%q is not a poll number: see poll."
	msgBadSlotNumber       = "%q is not a slot of poll %d: give numbers from 1 to %d, e.g. 1,3, or none."
	msgPollCreated         = "Poll %d created: %s, %d slots."
	msgPollQuestion        = "Which of these times can you attend for %s?"
	msgPollCreatedHint     = "Focal points and alternates answer with: poll answer %d <slot numbers | none>. See the answers with poll %d; close it with poll close %d."
	msgPollHeader          = "Poll %d: %s"
	msgPollOpenUntil       = "Open for answers until %s."
	msgPollIsClosed        = "Closed: it takes no more answers."
	msgPollHosts           = "Host countries, whose presence is required: %s"
	msgPollSlot            = "  %d. %s"
	msgPollYourAnswer      = "Your answer — the slots you can attend: %s."
	msgPollYourAnswerNone  = "Your answer: you can attend none of the slots."
	msgPollChangeAnswer    = "Change it with: poll answer %d <slot numbers | none>"
	msgPollNotAnswered     = "You have not answered yet: poll answer %d <slot numbers, e.g. 1,3 | none>"
	msgPollNoAnswer        = "You did not answer this poll."
	msgPollAnswers         = "Answers: %d (countries: %d)."
	msgPollAnswered        = "Thank you: for poll %d, the slots you can attend are now: %s."
	msgPollAnsweredNone    = "Thank you: for poll %d, you can attend none of the slots."
	msgPollAnswerersOnly   = "Only active focal points and alternates answer polls, for their country."
	msgPollNotYours        = "This poll is for the network's members and the meeting's invitees."
	msgPollClosedNow       = "Poll %d is closed. Answers: %d (countries: %d)."
	msgPollRanking         = "Ranking (every host present first, then more regional groups, countries and people; a tie goes to the earlier slot):"
	msgPollRank            = "  %d. Slot %d, %s — can attend: %d, countries: %d, regional groups: %d of 5"
	msgPollRankMissing     = "     Missing hosts: %s"
	msgPollPickHint        = "Pick a slot with: poll pick %d <slot number>."
	msgPollStillOpen       = "Poll %d is still open: close it first with poll close %d, and see the ranking."
	msgPollNoMeeting       = "Poll %d is not for a meeting: create one at slot %d with meeting create title=\"%s\" start=\"%s\" end=\"%s\" tz=%s venue=\"…\" draft=yes"
	msgPollPicked          = "Poll %d: slot %d picked for meeting %d."
	msgNoPolls             = "No polls are open."
	msgPollsHeader         = "Open polls:"
	msgPollLine            = "  %d. %s — answers until %s"
	msgPollDeadlineYourTZ  = "%s (%s time); your time: %s"
	msgPollDeadlineVenueTZ = "%s (%s time)"
)

// pollFields are the options of poll create.
var pollFields = []string{"deadline", "tz", "slots", "title", "hosts"}

// deadlineLayout shows a poll's deadline.
const deadlineLayout = "Mon 2 Jan 2006, 15:04 MST"

// pollCommands declares the availability poll commands.
func (e *Engine) pollCommands() []*Command {
	return []*Command{
		{Name: "poll", Usage: "[poll]", Description: "The open polls, or one poll's slots in your time and the venue's, with your answer.",
			Examples: []string{"poll", "poll 1"}, Access: Anyone, Run: e.pollShow},
		{Name: "poll create", Usage: strings.TrimPrefix(msgPollUsageCreate, "poll create "),
			Description: "Put 2 to 6 candidate slots for a meeting (0: none yet) to the focal points; hosts default to the meeting's, or the facilitating group.",
			Examples: []string{`poll create 2 deadline="2013-06-14 17:00" tz=America/New_York slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00, 2013-09-27 10:00-17:00"`,
				`poll create 0 title="Third network meeting" deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`},
			Access: Secretariat, Run: e.pollCreate},
		{Name: "poll answer", Usage: strings.TrimPrefix(msgPollUsageAnswer, "poll answer "),
			Description: "Say which slots of a poll you can attend (focal points and alternates); your latest answer counts.",
			Examples:    []string{"poll answer 1 1,3", "poll answer 1 none"}, Access: Member, Run: e.pollAnswer},
		{Name: "poll close", Usage: "<poll>", Description: "Close a poll and rank its slots: hosts present, then regional groups, countries, people.",
			Examples: []string{"poll close 1"}, Access: Secretariat, Run: e.pollClose},
		{Name: "poll pick", Usage: strings.TrimPrefix(msgPollUsagePick, "poll pick "),
			Description: "Move the poll's meeting to a slot of a closed poll; invitees get an update.",
			Examples:    []string{"poll pick 1 2"}, Access: Secretariat, Run: e.pollPick},
	}
}

func (e *Engine) pollCreate(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) != 1 || r.Args.Opts["deadline"] == "" || r.Args.Opts["slots"] == "" {
		return model.Errorf(model.EINVALID, msgUsage, msgPollUsageCreate)
	}
	for _, k := range r.Args.Keys {
		if !slices.Contains(pollFields, k) {
			return model.Errorf(model.EINVALID, msgPollUnknownField, k)
		}
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Args.Words[0], "#"), 10, 64)
	if err != nil || id < 0 {
		return model.Errorf(model.EINVALID, msgBadMeetingNumber, r.Args.Words[0])
	}
	p := model.Poll{MeetingID: id}
	loc := e.zone
	if id != 0 {
		m, err := e.store.Meeting(ctx, id)
		if err != nil {
			return err
		}
		p.Title, p.Hosts, loc = m.Title, m.Hosts, m.Location()
	} else {
		n, err := e.store.Network(ctx)
		if err != nil {
			return err
		}
		p.Title, p.Hosts = n.Name, n.FacilitatingGroup
	}
	opts := r.Args.Opts
	if tz := opts["tz"]; tz != "" {
		if loc, err = model.LoadZone(tz); err != nil {
			return err
		}
	}
	if t := opts["title"]; t != "" {
		p.Title = t
	}
	if _, ok := opts["hosts"]; ok {
		// hosts= reads exactly as it does for a meeting.
		var m model.Meeting
		if err := setMeeting(&m, []string{"hosts"}, opts); err != nil {
			return err
		}
		p.Hosts = m.Hosts
	}
	if p.Deadline, err = parseWhen(opts["deadline"], loc, time.Time{}); err != nil {
		return err
	}
	if p.Slots, err = parseSlots(opts["slots"], loc); err != nil {
		return err
	}
	members, err := e.store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleFocalPoint, model.RoleAlternate},
		Statuses: []model.Status{model.StatusActive}})
	if err != nil {
		return err
	}
	// Every focal point and alternate is asked, in their own language and zone.
	ask := func(p model.Poll) []model.OutboxItem {
		var items []model.OutboxItem
		for _, m := range members {
			items = append(items, e.planner.PollQuestion(p, m, e.pollQuestion(p, m, r.Now))...)
		}
		return items
	}
	if err := e.store.CreatePoll(ctx, r.Actor(), &p, ask); err != nil {
		return err
	}
	e.kick()
	w.Printf(msgPollCreated, p.ID, p.Title, len(p.Slots))
	e.showPoll(w, r, p)
	w.Printf(msgPollCreatedHint, p.ID, p.ID, p.ID)
	return nil
}

// parseSlots reads slots separated by commas, each "YYYY-MM-DD HH:MM-HH:MM"
// (or ending on another day: "YYYY-MM-DD HH:MM-YYYY-MM-DD HH:MM"), in loc.
// It leaves their number and order to the poll's validation.
func parseSlots(s string, loc *time.Location) ([]model.Slot, error) {
	var slots []model.Slot
	for _, part := range strings.Split(s, ",") {
		part = strings.Join(strings.Fields(part), " ")
		if part == "" {
			continue
		}
		day, times, _ := strings.Cut(part, " ")
		from, to, ok := strings.Cut(times, "-")
		if !ok {
			return nil, model.Errorf(model.EINVALID, msgBadSlot, part)
		}
		start, err := parseWhen(day+" "+strings.TrimSpace(from), loc, time.Time{})
		if err != nil {
			return nil, slotError(err, part)
		}
		end, err := parseWhen(strings.TrimSpace(to), loc, start)
		if err != nil {
			return nil, slotError(err, part)
		}
		slots = append(slots, model.Slot{Start: start.UTC(), End: end.UTC(), TimeZone: loc.String()})
	}
	return slots, nil
}

// slotError is parseWhen's error for a slot: how to write a slot when the
// time could not be read, else the error itself, such as a time that the
// zone's clocks skip.
func slotError(err error, part string) error {
	var e *model.Error
	if errors.As(err, &e) && e.Format == msgBadWhen {
		return model.Errorf(model.EINVALID, msgBadSlot, part)
	}
	return err
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

// pollArg reads the poll number that a command starts with.
func (e *Engine) pollArg(ctx context.Context, r *Request) (model.Poll, error) {
	if len(r.Args.Words) == 0 {
		return model.Poll{}, model.Errorf(model.EINVALID, msgNamePoll)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.Args.Words[0], "#"), 10, 64)
	if err != nil {
		return model.Poll{}, model.Errorf(model.EINVALID, msgBadPollNumber, r.Args.Words[0])
	}
	return e.store.Poll(ctx, id)
}

// canSeePoll: members of the network, and the invitees of the poll's meeting.
func (e *Engine) canSeePoll(ctx context.Context, r *Request, p model.Poll) (bool, error) {
	if Member.allows(r.Person) {
		return true, nil
	}
	if p.MeetingID == 0 {
		return false, nil
	}
	invs, err := e.myInvitations(ctx, r)
	if err != nil {
		return false, err
	}
	_, ok := invs[p.MeetingID]
	return ok, nil
}

// canAnswerPoll: active focal points and alternates, who answer for their country.
func canAnswerPoll(p *model.Person) bool {
	return p != nil && p.Status == model.StatusActive && p.Country != "" &&
		(p.Role == model.RoleFocalPoint || p.Role == model.RoleAlternate)
}

func (e *Engine) pollShow(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 {
		return e.pollList(ctx, w, r)
	}
	p, err := e.pollArg(ctx, r)
	if model.ErrorCode(err) == model.ENOTFOUND && !Member.allows(r.Person) {
		return model.Errorf(model.EFORBIDDEN, msgPollNotYours)
	} else if err != nil {
		return err
	}
	if ok, err := e.canSeePoll(ctx, r, p); err != nil {
		return err
	} else if !ok {
		return model.Errorf(model.EFORBIDDEN, msgPollNotYours)
	}
	votes, err := e.store.Votes(ctx, p.ID)
	if err != nil {
		return err
	}
	e.showPoll(w, r, p)
	if canAnswerPoll(r.Person) {
		showAnswer(w, p, votes, r.Person.ID)
	}
	w.Printf(msgPollAnswers, len(votes), countries(votes))
	if r.Person.IsSecretariat() {
		e.showRanking(w, r, p, votes)
	}
	return nil
}

// showAnswer shows a person's answer to a poll, or how to give one.
func showAnswer(w *Reply, p model.Poll, votes []model.Vote, personID int64) {
	for _, v := range votes {
		if v.PersonID != personID {
			continue
		}
		if len(v.SlotIDs) == 0 {
			w.Printf(msgPollYourAnswerNone)
		} else {
			w.Printf(msgPollYourAnswer, slotNumbers(p, v.SlotIDs))
		}
		if p.Status == model.PollOpen {
			w.Printf(msgPollChangeAnswer, p.ID)
		}
		return
	}
	if p.Status == model.PollOpen {
		w.Printf(msgPollNotAnswered, p.ID)
	} else {
		w.Printf(msgPollNoAnswer)
	}
}

// pollList lists the open polls the caller can see.
func (e *Engine) pollList(ctx context.Context, w *Reply, r *Request) error {
	polls, err := e.store.Polls(ctx, true)
	if err != nil {
		return err
	}
	var shown int
	for _, p := range polls {
		if ok, err := e.canSeePoll(ctx, r, p); err != nil {
			return err
		} else if !ok {
			continue
		}
		if shown++; shown == 1 {
			w.Printf(msgPollsHeader)
		}
		w.Printf(msgPollLine, p.ID, p.Title, e.pollDeadline(w, r, p))
	}
	if shown == 0 {
		w.Printf(msgNoPolls)
	}
	return nil
}

// showPoll describes a poll: its title, deadline, hosts and numbered slots,
// each in the venue's time and the reader's.
func (e *Engine) showPoll(w *Reply, r *Request, p model.Poll) {
	w.Printf(msgPollHeader, p.ID, p.Title)
	if p.Status == model.PollOpen {
		w.Printf(msgPollOpenUntil, e.pollDeadline(w, r, p))
	} else {
		w.Printf(msgPollIsClosed)
	}
	if len(p.Hosts) > 0 {
		w.Printf(msgPollHosts, countryNames(p.Hosts))
	}
	for i, s := range p.Slots {
		w.Printf(msgPollSlot, i+1, e.slotTime(w, r, s))
	}
}

// slotTime is a slot's time in its venue's zone and, when it differs, in the reader's.
func (e *Engine) slotTime(w *Reply, r *Request, s model.Slot) string {
	return e.when(w, model.Meeting{Start: s.Start, End: s.End, TimeZone: s.TimeZone}, r)
}

// pollDeadline is a poll's deadline in its venue's zone and, when it differs, in the reader's.
func (e *Engine) pollDeadline(w *Reply, r *Request, p model.Poll) string {
	venue := time.UTC
	if len(p.Slots) > 0 {
		venue = p.Slots[0].Location()
	}
	at := p.Deadline.In(venue)
	if loc := e.readerZone(r); loc != nil && at.Format("-0700") != p.Deadline.In(loc).Format("-0700") {
		return w.p.Sprintf(msgPollDeadlineYourTZ, at.Format(deadlineLayout), placeOf(venue), p.Deadline.In(loc).Format(deadlineLayout))
	}
	return w.p.Sprintf(msgPollDeadlineVenueTZ, at.Format(deadlineLayout), placeOf(venue))
}

func (e *Engine) pollAnswer(ctx context.Context, w *Reply, r *Request) error {
	if !canAnswerPoll(r.Person) {
		return model.Errorf(model.EFORBIDDEN, msgPollAnswerersOnly)
	}
	if len(r.Args.Words) < 2 {
		return model.Errorf(model.EINVALID, msgUsage, msgPollUsageAnswer)
	}
	p, err := e.pollArg(ctx, r)
	if err != nil {
		return err
	}
	ids, err := slotChoice(p, r.Args.Rest(1))
	if err != nil {
		return err
	}
	v, err := e.store.Vote(ctx, r.Actor(), p.ID, r.Person.ID, r.Person.Country, ids)
	if err != nil {
		return err
	}
	if len(v.SlotIDs) == 0 {
		w.Printf(msgPollAnsweredNone, p.ID)
	} else {
		w.Printf(msgPollAnswered, p.ID, slotNumbers(p, v.SlotIDs))
	}
	return nil
}

// slotChoice reads slot numbers ("1,3", "1 3") or "none" into slot IDs.
func slotChoice(p model.Poll, s string) ([]int64, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return nil, nil
	}
	var ids []int64
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		n, err := strconv.Atoi(word)
		if err != nil || n < 1 || n > len(p.Slots) {
			return nil, model.Errorf(model.EINVALID, msgBadSlotNumber, word, p.ID, len(p.Slots))
		}
		ids = append(ids, p.Slots[n-1].ID)
	}
	return ids, nil
}

// pollQuestion is the message that asks a focal point which slots they can attend.
func (e *Engine) pollQuestion(p model.Poll, to model.Person, now time.Time) string {
	w, r := &Reply{p: printer(to.Language)}, &Request{Person: &to, Now: now}
	w.Printf(msgPollQuestion, p.Title)
	for i, s := range p.Slots {
		w.Printf(msgPollSlot, i+1, e.slotTime(w, r, s))
	}
	w.Printf(msgPollOpenUntil, e.pollDeadline(w, r, p))
	w.Printf(msgPollNotAnswered, p.ID)
	return w.Text()
}

// slotNumbers lists the numbers of the slots with those IDs, e.g. "1, 3".
func slotNumbers(p model.Poll, ids []int64) string {
	var nums []string
	for i, s := range p.Slots {
		if slices.Contains(ids, s.ID) {
			nums = append(nums, strconv.Itoa(i+1))
		}
	}
	return strings.Join(nums, ", ")
}

func (e *Engine) pollClose(ctx context.Context, w *Reply, r *Request) error {
	p, err := e.pollArg(ctx, r)
	if err != nil {
		return err
	}
	if p, err = e.store.ClosePoll(ctx, r.Actor(), p.ID, nil); err != nil {
		return err
	}
	votes, err := e.store.Votes(ctx, p.ID)
	if err != nil {
		return err
	}
	w.Printf(msgPollClosedNow, p.ID, len(votes), countries(votes))
	e.showRanking(w, r, p, votes)
	return nil
}

// showRanking ranks a poll's slots by model.Rank's rule.
func (e *Engine) showRanking(w *Reply, r *Request, p model.Poll, votes []model.Vote) {
	number := map[int64]int{}
	for i, s := range p.Slots {
		number[s.ID] = i + 1
	}
	w.Printf(msgPollRanking)
	for i, sc := range model.Rank(p, votes) {
		w.Printf(msgPollRank, i+1, number[sc.Slot.ID], e.slotTime(w, r, sc.Slot), sc.Headcount, sc.Countries, sc.GroupsRepresented)
		if len(sc.HostsMissing) > 0 {
			w.Printf(msgPollRankMissing, countryNames(sc.HostsMissing))
		}
	}
	w.Printf(msgPollPickHint, p.ID)
}

// pollPick moves the poll's meeting to the chosen slot through meeting
// change, so that the new time raises the meeting's sequence and its
// invitees get an update exactly as when the time is changed by hand.
func (e *Engine) pollPick(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) != 2 {
		return model.Errorf(model.EINVALID, msgUsage, msgPollUsagePick)
	}
	p, err := e.pollArg(ctx, r)
	if err != nil {
		return err
	}
	if p.Status != model.PollClosed {
		return model.Errorf(model.ECONFLICT, msgPollStillOpen, p.ID, p.ID)
	}
	n, err := strconv.Atoi(r.Args.Words[1])
	if err != nil || n < 1 || n > len(p.Slots) {
		return model.Errorf(model.EINVALID, msgBadSlotNumber, r.Args.Words[1], p.ID, len(p.Slots))
	}
	slot := p.Slots[n-1]
	if p.MeetingID == 0 {
		loc := slot.Location()
		return model.Errorf(model.ECONFLICT, msgPollNoMeeting, p.ID, n, p.Title,
			typedTime(slot.Start, loc), typedTime(slot.End, loc), loc.String())
	}
	w.Printf(msgPollPicked, p.ID, n, p.MeetingID)
	change := &Request{Caller: r.Caller, Person: r.Person, Now: r.Now, Args: Args{
		Words: []string{strconv.FormatInt(p.MeetingID, 10)},
		Keys:  []string{"start", "end"},
		Opts:  map[string]string{"start": slot.Start.Format(time.RFC3339), "end": slot.End.Format(time.RFC3339)},
	}}
	return e.meetingChange(ctx, w, change)
}

// countries counts the countries with a vote.
func countries(votes []model.Vote) int {
	seen := map[string]bool{}
	for _, v := range votes {
		seen[v.Country] = true
	}
	return len(seen)
}

// countryNames names countries given by code, e.g. "Denmark, Ghana".
func countryNames(codes []string) string {
	names := make([]string, len(codes))
	for i, code := range codes {
		names[i] = code
		if c, ok := model.CountryByCode(code); ok {
			names[i] = c.Name
		}
	}
	return strings.Join(names, ", ")
}

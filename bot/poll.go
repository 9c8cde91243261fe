package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"focalbot/i18n"
	"focalbot/model"
	"focalbot/network"

	"golang.org/x/text/language"
)

// Availability polls.
const (
	msgPollUnknownField    = "Unknown poll field %q: use deadline=, tz=, slots=\"…, …\" (all the slots in one, separated by commas), title= or hosts=."
	msgBadSlot             = "%q is not a slot: write it as YYYY-MM-DD HH:MM-HH:MM, e.g. 2013-09-23 10:00-17:00, and separate slots with commas."
	msgNamePoll            = "Say which poll, by its number (see poll)."
	msgBadPollNumber       = "%q is not a poll number: see poll."
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
	msgPollClosedNow       = "Poll %d is closed. Answers: %d (countries: %d)."
	msgPollRanking         = "Ranking (every host present first, then more regional groups, countries and people; a tie goes to the earlier slot):"
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
		{Name: "poll create", Usage: `<meeting|0> deadline="YYYY-MM-DD HH:MM" [tz=…] slots="YYYY-MM-DD HH:MM-HH:MM, …" [title="…"] [hosts="…"]`,
			Description: "Put 2 to 6 candidate slots for a meeting (0: none yet) to the focal points; hosts default to the meeting's, or the facilitating group.",
			Examples: []string{`poll create 2 deadline="2013-06-14 17:00" tz=America/New_York slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00, 2013-09-27 10:00-17:00"`,
				`poll create 0 title="Third network meeting" deadline="2013-06-14 17:00" slots="2013-09-23 10:00-17:00, 2013-09-24 10:00-17:00"`},
			Access: Secretariat, Run: e.pollCreate},
		{Name: "poll answer", Usage: "<poll> <slot numbers, e.g. 1,3 | none>",
			Description: "Say which slots of a poll you can attend (focal points and alternates); your latest answer counts.",
			Examples:    []string{"poll answer 1 1,3", "poll answer 1 none"}, Access: Member, Run: e.pollAnswer},
		{Name: "poll close", Usage: "<poll>", Description: "Close a poll and rank its slots: hosts present, then regional groups, countries, people.",
			Examples: []string{"poll close 1"}, Access: Secretariat, Run: e.pollClose},
		{Name: "poll pick", Usage: "<poll> <slot number>",
			Description: "Move the poll's meeting to a slot of a closed poll; invitees get an update.",
			Examples:    []string{"poll pick 1 2"}, Access: Secretariat, Run: e.pollPick},
	}
}

func (e *Engine) pollCreate(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) != 1 || r.Args.Opts["deadline"] == "" || r.Args.Opts["slots"] == "" {
		return errUsage
	}
	for _, k := range r.Args.Keys {
		if !slices.Contains(pollFields, k) {
			return model.Errorf(model.EINVALID, msgPollUnknownField, k)
		}
	}
	id, err := parseNumber(r.Args.Words[0])
	if err != nil || id < 0 {
		return model.Errorf(model.EINVALID, msgBadMeetingNumber, r.Args.Words[0])
	}
	np := network.NewPoll{MeetingID: id, Title: r.Args.Opts["title"]}
	// Times are read in the meeting's zone, unless tz= says another.
	loc := e.zone
	if id != 0 {
		m, err := e.svc.Meeting(ctx, r.caller(), id)
		if err != nil {
			return err
		}
		loc = m.Location()
	}
	opts := r.Args.Opts
	if tz := opts["tz"]; tz != "" {
		if loc, err = model.LoadZone(tz); err != nil {
			return err
		}
	}
	if _, ok := opts["hosts"]; ok {
		// hosts= reads exactly as it does for a meeting.
		var m model.Meeting
		if err := setMeeting(&m, []string{"hosts"}, opts); err != nil {
			return err
		}
		np.Hosts = append([]string{}, m.Hosts...)
	}
	if np.Deadline, err = parseWhen(opts["deadline"], loc, time.Time{}); err != nil {
		return err
	}
	if np.Slots, err = parseSlots(opts["slots"], loc); err != nil {
		return err
	}
	// Every focal point and alternate is asked, in their own language and zone.
	ask := func(p model.Poll, to model.Person) string { return e.pollQuestion(p, to, r.Now) }
	p, err := e.svc.CreatePoll(ctx, r.caller(), np, ask)
	if err != nil {
		return err
	}
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

// pollNumber reads the poll number that a command starts with.
func pollNumber(r *Request) (int64, error) {
	if len(r.Args.Words) == 0 {
		return 0, model.Errorf(model.EINVALID, msgNamePoll)
	}
	id, err := parseNumber(r.Args.Words[0])
	if err != nil {
		return 0, model.Errorf(model.EINVALID, msgBadPollNumber, r.Args.Words[0])
	}
	return id, nil
}

func (e *Engine) pollShow(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 {
		return e.pollList(ctx, w, r)
	}
	id, err := pollNumber(r)
	if err != nil {
		return err
	}
	v, err := e.svc.Poll(ctx, r.caller(), id)
	if err != nil {
		return err
	}
	e.showPoll(w, r, v.Poll)
	if v.Answerer {
		showAnswer(w, v.Poll, v.Mine)
	}
	w.Printf(msgPollAnswers, v.Answers, v.Countries)
	if v.Ranking != nil {
		e.showRanking(w, r, *v.Ranking)
	}
	return nil
}

// showAnswer shows a person's answer to a poll (nil: none yet), or how to give one.
func showAnswer(w *Reply, p model.Poll, v *model.Vote) {
	if v == nil {
		if p.Status == model.PollOpen {
			w.Printf(msgPollNotAnswered, p.ID)
		} else {
			w.Printf(msgPollNoAnswer)
		}
		return
	}
	if len(v.SlotIDs) == 0 {
		w.Printf(msgPollYourAnswerNone)
	} else {
		w.Printf(msgPollYourAnswer, slotNumbers(p, v.SlotIDs))
	}
	if p.Status == model.PollOpen {
		w.Printf(msgPollChangeAnswer, p.ID)
	}
}

// pollList lists the open polls the caller can see.
func (e *Engine) pollList(ctx context.Context, w *Reply, r *Request) error {
	polls, err := e.svc.OpenPolls(ctx, r.caller())
	if err != nil {
		return err
	}
	if len(polls) == 0 {
		w.Printf(msgNoPolls)
		return nil
	}
	w.Printf(msgPollsHeader)
	for _, p := range polls {
		w.Printf(msgPollLine, p.ID, p.Title, e.pollDeadline(w, r, p))
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
		w.Printf(msgPollHosts, i18n.CountryNames(w.lang, p.Hosts))
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
// deadline writes a moment as deadlineLayout does, in the reader's
// language: "samedi 29 septembre 2012, 10:00 EDT".
func (w *Reply) deadline(t time.Time) string {
	if w.lang == i18n.English || w.lang == (language.Tag{}) {
		return t.Format(deadlineLayout)
	}
	return i18n.DateTime(w.lang, t) + " " + t.Format("MST")
}

func (e *Engine) pollDeadline(w *Reply, r *Request, p model.Poll) string {
	venue := time.UTC
	if len(p.Slots) > 0 {
		venue = p.Slots[0].Location()
	}
	at := p.Deadline.In(venue)
	if loc := e.readerZone(r); loc != nil && at.Format("-0700") != p.Deadline.In(loc).Format("-0700") {
		return w.p.Sprintf(msgPollDeadlineYourTZ, w.deadline(at), w.place(venue), w.deadline(p.Deadline.In(loc)))
	}
	return w.p.Sprintf(msgPollDeadlineVenueTZ, w.deadline(at), w.place(venue))
}

func (e *Engine) pollAnswer(ctx context.Context, w *Reply, r *Request) error {
	c := r.caller()
	if err := c.MayAnswerPolls(); err != nil {
		return err
	}
	if len(r.Args.Words) < 2 {
		return errUsage
	}
	id, err := pollNumber(r)
	if err != nil {
		return err
	}
	nums, ok := slotChoice(r.Args.Rest(1))
	if !ok { // a word that is not a number: say which numbers the poll has
		v, err := e.svc.Poll(ctx, c, id)
		if err != nil {
			return err
		}
		return badSlotChoice(v.Poll, r.Args.Rest(1))
	}
	p, v, err := e.svc.Vote(ctx, c, id, nums)
	if err != nil {
		return err
	}
	w.pollAnswered(p, v)
	return nil
}

// pollAnswered confirms an answer to a poll.
func (w *Reply) pollAnswered(p model.Poll, v model.Vote) {
	if len(v.SlotIDs) == 0 {
		w.Printf(msgPollAnsweredNone, p.ID)
	} else {
		w.Printf(msgPollAnswered, p.ID, slotNumbers(p, v.SlotIDs))
	}
}

// slotWords splits slot numbers written "1,3" or "1 3".
func slotWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

// slotChoice reads slot numbers ("1,3", "1 3") or "none" (no number); it
// reports false for a word that is not a number.
func slotChoice(s string) ([]int, bool) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return nil, true
	}
	var nums []int
	for _, word := range slotWords(s) {
		n, err := strconv.Atoi(model.ASCIIDigits(word))
		if err != nil {
			return nil, false
		}
		nums = append(nums, n)
	}
	return nums, true
}

// badSlotChoice is the error for the first word of s that is not a slot of p.
func badSlotChoice(p model.Poll, s string) error {
	for _, word := range slotWords(s) {
		if n, err := strconv.Atoi(model.ASCIIDigits(word)); err != nil || n < 1 || n > len(p.Slots) {
			return network.BadSlotNumber(p, word)
		}
	}
	return nil
}

// pollQuestion is the message that asks a focal point which slots they can attend.
func (e *Engine) pollQuestion(p model.Poll, to model.Person, now time.Time) string {
	w, r := newReply(to.Language), &Request{Person: &to, Now: now}
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
	for _, n := range network.SlotNumbers(p, ids) {
		nums = append(nums, strconv.Itoa(n))
	}
	return strings.Join(nums, ", ")
}

func (e *Engine) pollClose(ctx context.Context, w *Reply, r *Request) error {
	id, err := pollNumber(r)
	if err != nil {
		return err
	}
	rk, err := e.svc.ClosePoll(ctx, r.caller(), id, nil)
	if err != nil {
		return err
	}
	w.Printf(msgPollClosedNow, rk.Poll.ID, rk.Answers, rk.Countries)
	e.showRanking(w, r, rk)
	return nil
}

// showRanking shows a poll's ranking, each slot in the venue's time and the reader's.
func (e *Engine) showRanking(w *Reply, r *Request, rk network.Ranking) {
	w.Printf(msgPollRanking)
	rk.Render(w.Printf, func(s model.Slot) string { return e.slotTime(w, r, s) },
		func(codes []string) string { return i18n.CountryNames(w.lang, codes) })
}

// pollPick moves the poll's meeting to the chosen slot, as a change of its
// time: the new time raises the meeting's sequence and its invitees get an
// update exactly as when the time is changed by hand.
func (e *Engine) pollPick(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) != 2 {
		return errUsage
	}
	id, err := pollNumber(r)
	if err != nil {
		return err
	}
	c, word := r.caller(), r.Args.Words[1]
	n, nan := strconv.Atoi(model.ASCIIDigits(word))
	if nan != nil {
		n = 0 // no slot has it: the service answers what comes first (the poll is open, say)
	}
	pick, err := e.svc.PickSlot(ctx, c, id, n)
	if nan != nil && model.ErrorField(err) == "slots" {
		v, err := e.svc.Poll(ctx, c, id)
		if err != nil {
			return err
		}
		return network.BadSlotNumber(v.Poll, word)
	} else if err != nil {
		return err
	}
	m := pick.Meeting
	w.Printf(msgPollPicked, pick.Poll.ID, pick.Number, m.ID)
	switch {
	case m.Start.Equal(pick.Before.Start) && m.End.Equal(pick.Before.End):
		w.Printf(msgMeetingUnchanged, m.ID)
	case m.Status == model.MeetingDraft:
		w.Printf(msgDraftChanged, m.ID)
		e.showMeeting(w, m, r)
	default:
		w.changed(m, pick.Told)
		e.showMeeting(w, m, r)
	}
	return nil
}

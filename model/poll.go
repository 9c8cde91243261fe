package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// PollStatus is where an availability poll stands.
type PollStatus string

// The statuses of a poll.
const (
	PollOpen   PollStatus = "open"   // taking answers until its deadline
	PollClosed PollStatus = "closed" // ranked; the secretariat picks a slot
)

// Limits on a poll's slots.
const (
	MinPollSlots = 2
	MaxPollSlots = 6
)

// Poll is an availability poll: candidate slots for a meeting put to the
// focal points, who answer which ones they can attend.
type Poll struct {
	ID        int64
	MeetingID int64 // the meeting the poll is for; 0 when it has none yet
	Title     string
	Deadline  time.Time // UTC; answers are taken until then
	Status    PollStatus
	Slots     []Slot   // by start, earliest first; a slot's number is its place here, from 1
	Hosts     []string // alpha-2 codes of the countries whose presence is required
}

// Slot is one candidate time of a poll.
type Slot struct {
	ID       int64
	Start    time.Time // UTC
	End      time.Time // UTC
	TimeZone string    // the venue's IANA zone, in which the slot was proposed
}

// Location is the slot's time zone; UTC if the zone is unknown.
func (s Slot) Location() *time.Location {
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Vote is one person's answer to a poll: the slots they can attend, none
// when they can attend none. A person's latest vote replaces their earlier one.
type Vote struct {
	PollID   int64
	PersonID int64
	Country  string  // alpha-2 code of the country they answer for
	SlotIDs  []int64 // the slots they can attend
}

// Validate checks a poll and says what to fix (EINVALID). It sorts the slots
// by start. Whether the deadline is still to come depends on the clock, so
// the store checks it.
func (p *Poll) Validate() error {
	p.Title = strings.TrimSpace(p.Title)
	switch {
	case p.Title == "":
		return Errorf(EINVALID, "A poll needs a title: title=\"…\".")
	case len(p.Title) > MaxTitleLen:
		return Errorf(EINVALID, "The title is too long (at most %d characters).", MaxTitleLen)
	case strings.ContainsAny(p.Title, "\r\n\x00"):
		return Errorf(EINVALID, "The title must be on one line.")
	case p.Status != PollOpen && p.Status != PollClosed:
		return Errorf(EINVALID, "Unknown poll status %q.", p.Status)
	case p.Deadline.IsZero():
		return Errorf(EINVALID, "A poll needs a deadline: deadline=\"2013-06-01 17:00\".")
	case len(p.Slots) < MinPollSlots || len(p.Slots) > MaxPollSlots:
		return Errorf(EINVALID, "A poll offers %d to %d slots, not %d.", MinPollSlots, MaxPollSlots, len(p.Slots))
	}
	if err := ValidateYear(p.Deadline); err != nil {
		return err
	}
	slices.SortStableFunc(p.Slots, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	for i, s := range p.Slots {
		if err := ValidateYear(s.Start); err != nil {
			return err
		}
		if err := ValidateYear(s.End); err != nil {
			return err
		}
		switch {
		case !s.End.After(s.Start):
			return Errorf(EINVALID, "Slot %d must end after it starts.", i+1)
		case s.End.Sub(s.Start) > MaxMeetingLen:
			return Errorf(EINVALID, "Slot %d lasts more than 14 days.", i+1)
		case i > 0 && s.Start.Equal(p.Slots[i-1].Start) && s.End.Equal(p.Slots[i-1].End):
			return Errorf(EINVALID, "Slots %d and %d are the same time: offer each time once.", i, i+1)
		}
		if _, err := LoadZone(s.TimeZone); err != nil {
			return err
		}
	}
	if !p.Deadline.Before(p.Slots[0].Start) {
		return Errorf(EINVALID, "The deadline must come before the first slot starts.")
	}
	for _, h := range p.Hosts {
		if _, ok := CountryByCode(h); !ok {
			return Errorf(EINVALID, "Unknown host country code %q.", h)
		}
	}
	return nil
}

// SlotScore is how well one slot of a poll suits those who answered.
type SlotScore struct {
	Slot              Slot
	Headcount         int      // people who can attend
	Countries         int      // countries with someone who can attend
	GroupsRepresented int      // UN regional groups, of 5, with a country that can attend
	HostsMissing      []string // host countries (alpha-2) with nobody who can attend
	// Score packs the ranking rule into one number, higher is better:
	// 10¹²·(every host can come) + 10⁹·groups + 10⁶·countries + people.
	// Equal scores are ties, broken by the earlier start.
	Score int64
}

// Rank scores every slot of p by the votes and orders them, best first:
//
//  1. a slot that some host country cannot attend ranks below every slot
//     that all host countries can attend;
//  2. then the more of the 5 UN regional groups represented, the higher;
//  3. then the more countries, the higher;
//  4. then the more people, the higher;
//  5. a tie goes to the earlier start.
//
// A country is represented when anyone voting for it can attend; each vote
// is one person. Votes for slots the poll does not have are ignored.
func Rank(p Poll, votes []Vote) []SlotScore {
	scores := make([]SlotScore, len(p.Slots))
	for i, slot := range p.Slots {
		countries := map[string]bool{}
		groups := map[Group]bool{}
		sc := SlotScore{Slot: slot}
		for _, v := range votes {
			if !slices.Contains(v.SlotIDs, slot.ID) {
				continue
			}
			sc.Headcount++
			code := strings.ToUpper(strings.TrimSpace(v.Country))
			if c, ok := CountryByCode(code); ok {
				countries[c.Alpha2] = true
				groups[c.Group] = true
			}
		}
		for _, h := range p.Hosts {
			if !countries[strings.ToUpper(h)] {
				sc.HostsMissing = append(sc.HostsMissing, h)
			}
		}
		sc.Countries, sc.GroupsRepresented = len(countries), len(groups)
		if len(sc.HostsMissing) == 0 {
			sc.Score = 1_000_000_000_000
		}
		sc.Score += int64(sc.GroupsRepresented)*1_000_000_000 + int64(sc.Countries)*1_000_000 + int64(min(sc.Headcount, 999_999))
		scores[i] = sc
	}
	slices.SortStableFunc(scores, func(a, b SlotScore) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return a.Slot.Start.Compare(b.Slot.Start)
	})
	return scores
}

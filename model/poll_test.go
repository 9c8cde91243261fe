package model

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// pollSlot is slot id on the id-th day of September 2013, 14:00–17:00 UTC, so
// that a higher id starts later.
func pollSlot(id int64) Slot {
	start := time.Date(2013, 9, int(id), 14, 0, 0, 0, time.UTC)
	return Slot{ID: id, Start: start, End: start.Add(3 * time.Hour), TimeZone: "America/New_York"}
}

// testPoll has slots 1, 2 and 3, given latest first to prove that Rank
// orders ties by start, not by the order it is given.
func testPoll(hosts ...string) Poll {
	return Poll{ID: 1, Title: "Third meeting", Status: PollOpen, Hosts: hosts,
		Deadline: time.Date(2013, 6, 1, 21, 0, 0, 0, time.UTC),
		Slots:    []Slot{pollSlot(3), pollSlot(2), pollSlot(1)}}
}

var nextPerson int64

func vote(country string, slots ...int64) Vote {
	nextPerson++
	return Vote{PollID: 1, PersonID: nextPerson, Country: country, SlotIDs: slots}
}

func TestRankOrder(t *testing.T) {
	cases := []struct {
		name  string
		hosts []string
		votes []Vote
		want  []int64 // slot IDs, best first
	}{
		{"a slot a host cannot attend ranks below every slot all hosts can, however many come",
			[]string{"GH", "DK"},
			[]Vote{vote("GH", 1, 2), vote("DK", 2), vote("JP", 1), vote("PL", 1), vote("CR", 1), vote("BR", 1), vote("FR", 1)},
			[]int64{2, 1, 3}},
		{"among slots missing a host, the rest of the rule still orders them",
			[]string{"GH", "DK"},
			[]Vote{vote("GH", 3), vote("JP", 3), vote("PL", 2)},
			[]int64{3, 2, 1}},
		{"more regional groups beat more countries",
			nil,
			[]Vote{vote("GH", 1, 2), vote("NG", 1), vote("ZA", 1), vote("DK", 2)},
			[]int64{2, 1, 3}},
		{"more countries beat more people",
			nil,
			[]Vote{vote("GH", 1, 2), vote("GH", 1), vote("GH", 1), vote("NG", 2)},
			[]int64{2, 1, 3}},
		{"more people break a tie of groups and countries",
			nil,
			[]Vote{vote("GH", 1, 2), vote("DK", 1, 2), vote("DK", 2)},
			[]int64{2, 1, 3}},
		{"a full tie goes to the earlier start",
			nil,
			[]Vote{vote("GH", 1, 2, 3)},
			[]int64{1, 2, 3}},
		{"with no votes every host is missing and the earliest comes first",
			[]string{"GH"},
			nil,
			[]int64{1, 2, 3}},
		{"country codes count in any case and as alpha-3",
			[]string{"DK"},
			[]Vote{vote("gh", 1), vote("DNK", 3)},
			[]int64{3, 1, 2}},
		{"an answer of none and votes for other slots count nowhere",
			nil,
			[]Vote{vote("GH"), vote("DK", 99), vote("JP", 3)},
			[]int64{3, 1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []int64
			for _, s := range Rank(testPoll(c.hosts...), c.votes) {
				got = append(got, s.Slot.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("ranking %v, want %v", got, c.want)
			}
		})
	}
}

func TestRankScores(t *testing.T) {
	votes := []Vote{vote("GH", 1), vote("GH", 1), vote("DK", 1), vote("JP", 1, 2), vote("AU", 2)}
	got := Rank(testPoll("AU", "DK", "GH"), votes)
	var lines []string
	for _, s := range got {
		lines = append(lines, fmt.Sprintf("slot %d: %d people, %d countries, %d groups, missing %v, score %d",
			s.Slot.ID, s.Headcount, s.Countries, s.GroupsRepresented, s.HostsMissing, s.Score))
	}
	want := []string{
		"slot 1: 4 people, 3 countries, 3 groups, missing [AU], score 3003000004",
		"slot 2: 2 people, 2 countries, 2 groups, missing [DK GH], score 2002000002",
		"slot 3: 0 people, 0 countries, 0 groups, missing [AU DK GH], score 0",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("scores:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	all := Rank(testPoll("GH"), []Vote{vote("GH", 2)})
	if all[0].Slot.ID != 2 || all[0].Score != 1_001_001_000_001 || all[0].HostsMissing != nil {
		t.Errorf("a slot every host can attend: %+v", all[0])
	}
}

func TestPollValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Poll)
		says   string // empty when valid
	}{
		{"a poll of 3 slots with hosts is valid", func(p *Poll) {}, ""},
		{"two slots are enough", func(p *Poll) { p.Slots = p.Slots[:2] }, ""},
		{"one slot is too few", func(p *Poll) { p.Slots = p.Slots[:1] }, "2 to 6 slots, not 1"},
		{"seven slots are too many", func(p *Poll) {
			p.Slots = append(p.Slots, pollSlot(4), pollSlot(5), pollSlot(6), pollSlot(7))
		}, "2 to 6 slots, not 7"},
		{"a slot must end after it starts", func(p *Poll) { p.Slots[0].End = p.Slots[0].Start }, "must end after it starts"},
		{"a slot may not last over 14 days", func(p *Poll) { p.Slots[0].End = p.Slots[0].Start.Add(15 * 24 * time.Hour) }, "more than 14 days"},
		{"the same time twice is refused", func(p *Poll) { p.Slots[0] = pollSlot(2) }, "the same time"},
		{"a slot needs a known zone", func(p *Poll) { p.Slots[1].TimeZone = "Mars/Olympus" }, "IANA"},
		{"the deadline comes before the first slot", func(p *Poll) { p.Deadline = pollSlot(1).Start }, "before the first slot"},
		{"a deadline is required", func(p *Poll) { p.Deadline = time.Time{} }, "deadline="},
		{"a title is required", func(p *Poll) { p.Title = "  " }, "title="},
		{"a title is one line", func(p *Poll) { p.Title = "a\nb" }, "one line"},
		{"hosts are country codes", func(p *Poll) { p.Hosts = []string{"XX"} }, "XX"},
		{"the status is open or closed", func(p *Poll) { p.Status = "maybe" }, "status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testPoll("GH", "DK")
			c.change(&p)
			err := p.Validate()
			if c.says == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				for i := 1; i < len(p.Slots); i++ {
					if p.Slots[i].Start.Before(p.Slots[i-1].Start) {
						t.Errorf("slots not sorted by start: %+v", p.Slots)
					}
				}
				return
			}
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.says) {
				t.Errorf("Validate = %v, want EINVALID saying %q", err, c.says)
			}
		})
	}
}

package calendar

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// cacheNames are attendee names that test what the per-message lines must
// get right: non-ASCII names, names long enough to fold (with two-, three-
// and four-octet characters across the fold), names go-ical quotes (with
// ':', ';' or ','), a double quote (which becomes an apostrophe), line
// breaks and control characters, and no name at all.
var cacheNames = []string{
	"Ama Mensah",
	"",
	"Mette Sørensen",
	"김지원",
	"عبد الله الأحمد",
	"Арсений Иванов",
	"José María Pérez-Ñúñez, Embajador: Misión \"Permanente\"",
	"Amb. Doe; Head of Mission",
	strings.Repeat("Nataša Kovač ", 12),
	strings.Repeat("a", 50) + "ø" + strings.Repeat("b", 70) + "김" + strings.Repeat("c", 70) + "𝄞",
	strings.Repeat("김", 60),
	"Line\r\nbreak\tand\x00control",
}

// attendeeLists are the attendees of one message to each name: the
// invitee alone, with an answer, or in a delegation (both parties).
func attendeeLists(i int, name string) [][]Attendee {
	me := Person{Name: name, Email: fmt.Sprintf("fp%d@mission.example.org", i)}
	other := Person{Name: strings.Repeat("Lars Nielsen ", i%4+1), Email: fmt.Sprintf("delegate%d@um.example.dk", i)}
	return [][]Attendee{
		{{Person: me, PartStat: NeedsAction, RSVP: true}},
		{{Person: me, PartStat: []PartStat{Accepted, Declined, Tentative, ""}[i%4], RSVP: true}},
		{{Person: me, PartStat: Delegated, DelegatedTo: other.Email}, {Person: other, PartStat: NeedsAction, RSVP: true, DelegatedFrom: me.Email}},
		{{Person: other, PartStat: Delegated, DelegatedTo: me.Email}, {Person: me, PartStat: Tentative, RSVP: true, DelegatedFrom: other.Email}},
	}
}

// TestCacheIsEncode proves that Cache.Encode writes, byte for byte, what
// Encode writes: for every invitation and cancellation of the golden files
// (zones with and without DST, UTC, a long agenda that folds, names that
// need quoting), each sent to every name of cacheNames at several stamps,
// alone or with a delegate, answers kept or not; every calendar passes the
// structure checks of the golden tests; and one cache shared by all of
// them never gives one event's lines to another.
func TestCacheIsEncode(t *testing.T) {
	var c Cache
	utcEvent := seedMeeting(t)
	utcEvent.UID, utcEvent.Zone = "utc@focalbot.globalr2p.example.org", nil
	utcEvent.Start, utcEvent.End = utcEvent.Start.UTC(), utcEvent.End.UTC()
	events := []struct {
		name   string
		method Method
		ev     Event
	}{{"utc", MethodRequest, utcEvent}}
	for _, g := range goldenCases(t) {
		if (g.method == MethodRequest || g.method == MethodCancel) && len(g.events) == 1 {
			events = append(events, struct {
				name   string
				method Method
				ev     Event
			}{g.name, g.method, g.events[0]})
		}
	}
	stamps := []time.Time{seedNow, seedNow.Add(time.Second), time.Date(2013, 1, 2, 3, 4, 5, 0, zone(t, "Asia/Tokyo"))}
	for _, e := range events {
		t.Run(e.name, func(t *testing.T) {
			for round := range 2 { // built, then from the cache
				for i, name := range cacheNames {
					for _, attendees := range attendeeLists(i, name) {
						for _, keep := range []bool{false, true} {
							ev := e.ev
							ev.Attendees, ev.KeepAnswers, ev.Stamp = attendees, keep, stamps[(i+round)%len(stamps)]
							var direct, cached bytes.Buffer
							if err := Encode(&direct, e.method, ev); err != nil {
								t.Fatal(err)
							}
							if err := c.Encode(&cached, e.method, ev); err != nil {
								t.Fatal(err)
							}
							if !bytes.Equal(direct.Bytes(), cached.Bytes()) {
								t.Fatalf("round %d, %q, %d attendees, keep %v: the cache wrote\n%s\nEncode wrote\n%s", round, name, len(attendees), keep, cached.Bytes(), direct.Bytes())
							}
							if round == 0 && keep {
								checkStructure(t, cached.Bytes(), e.method, []Event{ev})
							}
						}
					}
				}
			}
		})
	}
	// "delegated" is "request" to other attendees: one event less.
	if n := len(c.m); n != len(events)-1 {
		t.Errorf("the cache holds %d events, want %d (one for each)", n, len(events)-1)
	}
}

// TestCacheKeysEveryField changes, one at a time, each field of an event
// that the shared lines show, and proves that the cache writes the changed
// event (as Encode does), not the one it prepared first.
func TestCacheKeysEveryField(t *testing.T) {
	var c Cache
	base := seedMeeting(t)
	base.Attendees = base.Attendees[:1]
	cph := zone(t, "Europe/Copenhagen")
	edits := map[string]func(*Event){
		"none":                 func(*Event) {},
		"uid":                  func(e *Event) { e.UID = "other@focalbot.globalr2p.example.org" },
		"sequence":             func(e *Event) { e.Sequence = 3 },
		"summary":              func(e *Event) { e.Summary = "Another title" },
		"description":          func(e *Event) { e.Description = longAgenda },
		"no description":       func(e *Event) { e.Description = "" },
		"language":             func(e *Event) { e.Language = "fr" },
		"description language": func(e *Event) { e.Language, e.DescriptionLanguage = "fr", "en" },
		"location":             func(e *Event) { e.Location = "Copenhagen" },
		"url":                  func(e *Event) { e.URL = "https://meet.example.org/other" },
		"start":                func(e *Event) { e.Start = e.Start.Add(-time.Hour) },
		"end":                  func(e *Event) { e.End = e.End.Add(time.Hour) },
		"no end":               func(e *Event) { e.End = time.Time{} },
		"zone":                 func(e *Event) { e.Zone = cph },
		"utc":                  func(e *Event) { e.Zone = time.UTC },
		"organizer":            func(e *Event) { e.Organizer = Person{Name: "Secretariat", Email: "sec@globalr2p.example.org"} },
	}
	for _, method := range []Method{MethodRequest, MethodCancel} {
		for round := range 2 {
			for name, edit := range edits {
				ev := base
				edit(&ev)
				var direct, cached bytes.Buffer
				if err := Encode(&direct, method, ev); err != nil {
					t.Fatal(err)
				}
				if err := c.Encode(&cached, method, ev); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(direct.Bytes(), cached.Bytes()) {
					t.Fatalf("%s, %s, round %d: the cache wrote\n%s\nEncode wrote\n%s", method, name, round, cached.Bytes(), direct.Bytes())
				}
			}
		}
	}
}

// TestCacheErrorsAreEncodes checks that what Encode refuses the cache
// refuses with the same error, writing nothing, and that a refused event
// does not spoil the next one.
func TestCacheErrorsAreEncodes(t *testing.T) {
	var c Cache
	ok := seedMeeting(t)
	edits := map[string]func(*Event){
		"no UID":            func(e *Event) { e.UID = " " },
		"no DTSTAMP":        func(e *Event) { e.Stamp = time.Time{} },
		"cancelled request": func(e *Event) { e.Cancelled = true },
		"no attendee":       func(e *Event) { e.Attendees = nil },
		"bad address":       func(e *Event) { e.Attendees = []Attendee{{Person: Person{Email: "Ana <ana@example.org>"}}} },
		"bad delegate": func(e *Event) {
			e.Attendees = []Attendee{{Person: ok.Attendees[0].Person, DelegatedTo: "not an address"}}
		},
		"unknown answer": func(e *Event) {
			e.KeepAnswers, e.Attendees = true, []Attendee{{Person: ok.Attendees[0].Person, PartStat: "MAYBE"}}
		},
		"relative URL": func(e *Event) { e.URL = "/meetings/2" },
	}
	for name, edit := range edits {
		for round := range 2 {
			ev := ok
			edit(&ev)
			want := Encode(new(bytes.Buffer), MethodRequest, ev)
			var buf bytes.Buffer
			err := c.Encode(&buf, MethodRequest, ev)
			if err == nil || want == nil || err.Error() != want.Error() || buf.Len() > 0 {
				t.Fatalf("%s, round %d: error %v (%d bytes written), want Encode's %v and nothing", name, round, err, buf.Len(), want)
			}
			var direct, cached bytes.Buffer
			if err := Encode(&direct, MethodRequest, ok); err != nil {
				t.Fatal(err)
			}
			if err := c.Encode(&cached, MethodRequest, ok); err != nil || !bytes.Equal(direct.Bytes(), cached.Bytes()) {
				t.Fatalf("after %s: %v", name, err)
			}
		}
	}
}

// TestCacheConcurrent encodes from many goroutines at once, more events
// than the cache keeps (so that it starts again meanwhile); run it with
// -race.
func TestCacheConcurrent(t *testing.T) {
	var c Cache
	base := seedMeeting(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 3 * maxPrepared {
				ev := base
				ev.Sequence = (i + g) % (2 * maxPrepared)
				ev.Attendees = []Attendee{{Person: Person{Name: cacheNames[i%len(cacheNames)], Email: fmt.Sprintf("p%d@example.org", i)}}}
				var direct, cached bytes.Buffer
				if err := Encode(&direct, MethodRequest, ev); err != nil {
					t.Error(err)
					return
				}
				if err := c.Encode(&cached, MethodRequest, ev); err != nil || !bytes.Equal(direct.Bytes(), cached.Bytes()) {
					t.Errorf("sequence %d: %v, or not what Encode writes", ev.Sequence, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkInvitationCached is BenchmarkInvitation through a Cache, each
// message to another attendee at another stamp, as an invitation to many
// people is written.
func BenchmarkInvitationCached(b *testing.B) {
	ev := seedMeeting(b)
	var (
		c   Cache
		buf bytes.Buffer
		i   int
	)
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		ev.Attendees = []Attendee{{Person: Person{Name: cacheNames[i%len(cacheNames)], Email: fmt.Sprintf("fp%d@example.org", i%100)}}}
		ev.Stamp = seedNow.Add(time.Duration(i) * time.Second)
		if err := c.Encode(&buf, MethodRequest, ev); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

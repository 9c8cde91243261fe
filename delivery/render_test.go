package delivery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/model"
)

// TestRenderedOnceSameAsRenderedEach proves that a message rendered once
// for a meeting and filled in with each reader's name is, for every reader,
// the message rendered for them alone: names that HTML escapes, readers in
// other zones and languages, every kind that is rendered from templates,
// and a meeting whose title holds the very mark that stands for the name.
func TestRenderedOnceSameAsRenderedEach(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	m := model.Meeting{ID: 7, UID: "m7@focalbot.test", Title: "Third Meeting <of> the Network & Friends", Sequence: 1,
		Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "United Nations Headquarters", Address: "405 East 42nd Street",
		Hosts: []string{"AU", "GH"}, Organiser: "Global Centre", Agenda: "1. Opening\n2. <b>Next</b> steps", Status: model.MeetingScheduled}
	marked := m
	marked.ID, marked.UID, marked.Title = 8, "m8@focalbot.test", "A meeting called "+markName
	pl := Planner{Organiser: Organiser{Name: "Global Centre", Email: "sec@globalcentre.example.org"}, Channels: []model.Channel{model.ChannelEmail}}
	people := []model.Person{
		{ID: 1, Name: `Ama "Kofi" O'Brien & <Sons> +1`, Email: "ama@example.org", TimeZone: "Africa/Accra", Language: "en"},
		{ID: 2, Name: "Søren Kierkegaard", Email: "soren@example.dk", TimeZone: "Europe/Copenhagen", Language: "fr"},
		{ID: 3, Name: "Plain Name", Email: "plain@example.org", TimeZone: "America/New_York"},
		{ID: 4, Name: "Second In Accra", Email: "second@example.org", TimeZone: "Africa/Accra", Language: "en"},
	}
	var items []model.OutboxItem
	for _, mt := range []model.Meeting{m, marked} {
		for _, p := range people {
			inv := model.Invitation{ID: p.ID, MeetingID: mt.ID, PersonID: p.ID, Name: p.Name, Email: p.Email}
			items = append(items, pl.Invitation(model.KindRequest, mt, inv, &p)...)
			items = append(items, pl.Invitation(model.KindCancel, mt, inv, &p)...)
			items = append(items, pl.Reminder(model.KindReminder, 48*time.Hour, mt, inv, &p)...)
			items = append(items, pl.Reminder(model.KindNudge, 2*time.Hour, mt, inv, &p)...)
		}
	}
	clk := clock.Fixed(time.Date(2013, 9, 20, 12, 0, 0, 0, time.UTC))
	cached, each := &Email{Clock: clk}, &Email{Clock: clk}
	var dc decoder
	for round := range 2 { // the second round reads everything from the cache
		for i, it := range items {
			// Every other reader has a personal link, as with
			// FOCALBOT_PUBLIC_URL set: it is theirs alone.
			var link Link
			if i%2 == 0 && it.Kind != model.KindCancel {
				link = Link{Page: fmt.Sprintf("https://focal.example.org/a/tok%dEN_-", i), Unsubscribe: fmt.Sprintf("https://focal.example.org/a/tok%dEN_-/mute", i)}
			}
			p, err := dc.decode(it)
			if err != nil {
				t.Fatal(err)
			}
			if p.snapshot == "" {
				t.Fatal("a decoder's payload has no snapshot")
			}
			want, err := Decode(it)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cached.message(it, p, link)
			if err != nil {
				t.Fatal(err)
			}
			exp, err := each.message(it, want, link)
			if err != nil {
				t.Fatal(err)
			}
			if link.Page != "" && (!strings.Contains(got.Text, link.Page) || !strings.Contains(got.HTML, link.Page)) {
				t.Fatalf("round %d, %s for %s: the reader's link is missing:\n%s", round, it.Kind, p.Invitee.Name, got.Text)
			}
			if got.Subject != exp.Subject || got.Text != exp.Text || got.HTML != exp.HTML {
				t.Fatalf("round %d, %s for %s: rendered once\n%s\n%s\nwant\n%s\n%s", round, it.Kind, p.Invitee.Name, got.Text, got.HTML, exp.Text, exp.HTML)
			}
			if string(got.Calendar) != string(exp.Calendar) {
				t.Fatalf("%s for %s: calendars differ", it.Kind, p.Invitee.Name)
			}
		}
	}
	// Four kinds of the first meeting, for three zone and language pairs
	// (two readers share Accra and English), with and without a link for
	// the three kinds that carry one; the meeting with the mark in its
	// title is rendered for each reader.
	if n := len(cached.rendered.m); n > 4*3+3*3 || n < 4*3 {
		t.Errorf("the cache holds %d rendered messages, want between %d and %d", n, 4*3, 4*3+3*3)
	}
}

// TestDecoderReadsAsDecode proves that a decoder, which reads each meeting
// snapshot once and the payloads that carry the snapshot it read last
// without reading their meeting again, reads every payload as Decode does:
// payloads of two meetings in turn, notices, poll questions, and payloads
// that only look like the ones it knows.
func TestDecoderReadsAsDecode(t *testing.T) {
	pl := Planner{Organiser: Organiser{Name: "Global Centre", Email: "sec@globalcentre.example.org"},
		Channels: []model.Channel{model.ChannelEmail, model.ChannelSlack}}
	a := model.Meeting{ID: 1, Title: "First", Start: time.Date(2013, 9, 28, 14, 0, 0, 0, time.UTC), End: time.Date(2013, 9, 28, 21, 0, 0, 0, time.UTC),
		TimeZone: "America/New_York", Hosts: []string{"DK"}, Status: model.MeetingScheduled}
	b := a
	b.ID, b.Title, b.Hosts = 2, `Second "quoted" \ meeting`, []string{"GH", "AU"}
	p := model.Person{ID: 9, Name: "Kofi", Email: "kofi@example.org", SlackID: "U9", TimeZone: "Africa/Accra"}
	var items []model.OutboxItem
	for i := range 3 {
		for _, m := range []model.Meeting{a, b} {
			inv := model.Invitation{ID: int64(i + 1), MeetingID: m.ID, PersonID: p.ID, Name: p.Name}
			items = append(items, pl.Reminder(model.KindNudge, time.Duration(i+1)*time.Hour, m, inv, &p)...)
			items = append(items, pl.Invitation(model.KindRequest, m, inv, &p)...)
		}
	}
	items = append(items, pl.Notice("n", p, "A notice")...)
	items = append(items, pl.PollQuestion(model.Poll{ID: 3, Title: "When?"}, p, "Which slots?")...)
	items = append(items, pl.Notice("n2", p, "Another")...)
	// Payloads that begin as the known ones do but are not what encode writes.
	first := items[0].Payload
	odd := []string{
		first[:len(first)-1] + `,"Meeting":{"ID":5}}`,
		strings.Replace(first, `{"Kind":"nudge"`, `{"Kind":"nu\"dge"`, 1),
	}
	for i, s := range odd { // once after the payload they copy, once at the end
		it := model.OutboxItem{ID: int64(100 + i), Payload: s}
		items = append(items, it)
		items = slices.Insert(items, 1, it)
	}
	var dc decoder
	for _, it := range items {
		got, gotErr := dc.decode(it)
		want, wantErr := Decode(it)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("item %d: decoder error %v, Decode error %v", it.ID, gotErr, wantErr)
		}
		got.snapshot = ""
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("payload %s:\ndecoder %+v\nDecode  %+v", it.Payload, got, want)
		}
	}
}

// TestWireFormsHaveEveryField: the payload forms that encode writes and a
// decoder reads have every field of Payload, so that none is dropped on the
// way through the outbox.
func TestWireFormsHaveEveryField(t *testing.T) {
	for _, form := range []reflect.Type{reflect.TypeFor[encodedPayload](), reflect.TypeFor[wirePayload]()} {
		for f := range reflect.TypeFor[Payload]().Fields() {
			if !f.IsExported() {
				continue
			}
			if _, ok := form.FieldByName(f.Name); !ok {
				t.Errorf("%s has no field %s: encode or a decoder would drop it", form.Name(), f.Name)
			}
		}
	}
}

// TestEncodeAsMarshal proves that encode, which marshals a meeting once for
// the payloads that carry it, writes what json.Marshal writes for each:
// meetings in turn, a meeting changed in place after it was encoded (its
// hosts, its start in another zone at the same instant), nil and empty
// slices, and payloads of every kind.
func TestEncodeAsMarshal(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	a := model.Meeting{ID: 1, Title: "First", Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Hosts: []string{"DK"}, Status: model.MeetingScheduled}
	b := a
	b.ID, b.Hosts, b.Reminders = 2, []string{"GH", "AU"}, []time.Duration{}
	check := func(p Payload) {
		t.Helper()
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := encode(p); got != string(want) {
			t.Fatalf("encode\n%s\nwant\n%s", got, want)
		}
	}
	who := Invitee{Name: "Kofi", Email: "kofi@example.org", TimeZone: "Africa/Accra"}
	for range 2 {
		check(Payload{Kind: model.KindRequest, Meeting: a, Invitee: who})
		check(Payload{Kind: model.KindReminder, Meeting: a, Invitee: who, Offset: time.Hour})
		check(Payload{Kind: model.KindRequest, Meeting: b, Invitee: who})
		check(Payload{Kind: model.KindRequest, Meeting: b, Invitee: who, Previous: &a, AskAgain: true})
		check(Payload{Kind: model.KindNudge, Meeting: b, Invitee: who, Offset: time.Hour, Country: "Costa Rica"})
	}
	check(Payload{Kind: model.KindRequest, Meeting: a, Invitee: who})
	a.Hosts[0] = "GH" // changed in place, right after it was encoded
	check(Payload{Kind: model.KindRequest, Meeting: a, Invitee: who})
	a.Start = a.Start.UTC() // the same instant, written in UTC
	check(Payload{Kind: model.KindRequest, Meeting: a, Invitee: who})
	a.Hosts = nil
	check(Payload{Kind: model.KindRequest, Meeting: a, Invitee: who})
	a.Hosts = []string{}
	check(Payload{Kind: model.KindRequest, Meeting: a, Invitee: who})
	check(Payload{Kind: model.KindNotice, Invitee: who, Text: "A notice"})
	check(Payload{Kind: model.KindPoll, Invitee: who, Text: "Which?", Poll: &model.Poll{ID: 3, Title: "When?"}})
}

// TestSpliceFillsAsTheReplacerWould: a rendered text cut at its marks and
// filled in is what replacing the marks gives, for marks side by side, at
// the ends, and text that starts like a mark without being one; a name is
// escaped as the HTML templates escape it, every ASCII character and some
// others (invalid UTF-8 too).
func TestSpliceFillsAsTheReplacerWould(t *testing.T) {
	link := Link{Page: "https://focal.example.org/a/tokEN_-", Unsubscribe: "https://focal.example.org/a/tokEN_-/mute"}
	for _, s := range []string{
		"", "plain", markName, markName + markName, markPrefix, markPrefix + markName,
		"Dear " + markName + ",\nsee " + markPage + " or stop: " + markUnsub,
		markEmail + " " + markSlack + " QXZfocalbotNam " + markPage + markUnsub + "QXZ",
		"QXZfocalbotQXZfocalbotNameQXZfocalbot",
	} {
		for _, name := range []string{"Ama", "", markPage, "José Ñúñez"} {
			want := strings.NewReplacer(markName, name, markPage, link.Page, markUnsub, link.Unsubscribe).Replace(s)
			if got := splice(s).fill(name, link); got != want {
				t.Errorf("splice(%q).fill(%q) = %q, want %q", s, name, got, want)
			}
		}
	}
	names := []string{"Søren", "\xff\xfe bad", "a\u2028b", "\uFFFD", "日本"}
	for c := range 128 {
		names = append(names, "x"+string(rune(c))+"y")
	}
	for _, name := range names {
		var want bytes.Buffer
		if err := nameHTML.Execute(&want, name); err != nil {
			t.Fatal(err)
		}
		if got, err := escapeName(name); err != nil || got != want.String() {
			t.Errorf("escapeName(%q) = %q, %v; want %q", name, got, err, want.String())
		}
	}
}

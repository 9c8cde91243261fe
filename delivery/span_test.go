package delivery_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/mail"
	"focalbot/model"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestSpan writes spans in their zone, each end labelled with its own zone
// when the clocks change in between.
func TestSpan(t *testing.T) {
	ny, moscow := zone(t, "America/New_York"), zone(t, "Europe/Moscow")
	at := func(loc *time.Location, utc string) time.Time {
		u, err := time.Parse(time.RFC3339, utc)
		if err != nil {
			t.Fatal(err)
		}
		return u.In(loc)
	}
	tests := []struct {
		name       string
		start, end time.Time
		want       string
	}{
		{"an ordinary span names its zone once", at(ny, "2012-09-29T14:00:00Z"), at(ny, "2012-09-29T21:00:00Z"),
			"Sat 29 Sep 2012, 10:00–17:00 EDT"},
		{"four hours across fall back label each end", at(ny, "2012-11-04T04:30:00Z"), at(ny, "2012-11-04T08:30:00Z"),
			"Sun 4 Nov 2012, 00:30 EDT–03:30 EST"},
		{"one hour from the first 01:30 to the second", at(ny, "2012-11-04T05:30:00Z"), at(ny, "2012-11-04T06:30:00Z"),
			"Sun 4 Nov 2012, 01:30 EDT–01:30 EST"},
		{"across spring forward", at(ny, "2013-03-10T06:30:00Z"), at(ny, "2013-03-10T08:30:00Z"),
			"Sun 10 Mar 2013, 01:30 EST–04:30 EDT"},
		{"within the repeated hour, after the change", at(ny, "2012-11-04T06:00:00Z"), at(ny, "2012-11-04T06:30:00Z"),
			"Sun 4 Nov 2012, 01:00–01:30 EST"},
		{"over several days, both dates and zones", at(ny, "2012-09-29T14:00:00Z"), at(ny, "2012-09-30T21:00:00Z"),
			"Sat 29 Sep 2012, 10:00 EDT – Sun 30 Sep 2012, 17:00 EDT"},
		{"over several days across a change", at(ny, "2012-11-03T14:00:00Z"), at(ny, "2012-11-04T22:00:00Z"),
			"Sat 3 Nov 2012, 10:00 EDT – Sun 4 Nov 2012, 17:00 EST"},
		{"one abbreviation, two offsets", at(moscow, "2014-10-25T20:30:00Z"), at(moscow, "2014-10-25T23:30:00Z"),
			"Sun 26 Oct 2014, 00:30 MSK (UTC+04:00)–02:30 MSK (UTC+03:00)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := delivery.Span(tt.start, tt.end); got != tt.want {
				t.Errorf("Span = %q; want %q", got, tt.want)
			}
		})
	}
}

// TestSameClocks judges a reader's zone at both ends of a span: Santo
// Domingo keeps UTC−4 all year, as New York does before it falls back.
func TestSameClocks(t *testing.T) {
	ny, sd := zone(t, "America/New_York"), zone(t, "America/Santo_Domingo")
	start := time.Date(2012, 11, 4, 4, 30, 0, 0, time.UTC)
	if delivery.SameClocks(start, start.Add(4*time.Hour), ny, sd) {
		t.Error("New York and Santo Domingo show the same times across New York's fall back")
	}
	if !delivery.SameClocks(start, start.Add(time.Hour), ny, sd) {
		t.Error("New York and Santo Domingo differ before New York falls back")
	}
	if !delivery.SameClocks(start, start.Add(4*time.Hour), ny, zone(t, "America/Toronto")) {
		t.Error("New York and Toronto differ")
	}
}

// TestMailSpansAcrossAClockChange renders the mail of each kind for a
// meeting that begins in EDT and ends in EST, to a reader whose clocks stay
// at UTC−4, and checks that the text and HTML bodies label each end.
func TestMailSpansAcrossAClockChange(t *testing.T) {
	ctx := context.Background()
	dir, err := mail.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &delivery.Email{Mail: dir, Clock: clock.Fixed(time.Date(2012, 10, 1, 12, 0, 0, 0, time.UTC))}
	start := time.Date(2012, 11, 4, 4, 30, 0, 0, time.UTC)
	m := model.Meeting{ID: 1, UID: "m1@example.org", Title: "Night session", Start: start, End: start.Add(4 * time.Hour),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
	org := delivery.Organiser{Name: "Secretariat", Email: "sec@example.org"}
	inv := delivery.Invitee{Name: "Ana", Email: "ana@do.example.org", TimeZone: "America/Santo_Domingo"}
	const (
		venue  = "Sun 4 Nov 2012, 00:30 EDT–03:30 EST (America/New_York)"
		reader = "Sun 4 Nov 2012, 00:30–04:30 AST (America/Santo_Domingo)"
	)
	updated := m
	updated.Sequence = 1
	for _, p := range []delivery.Payload{
		{Kind: model.KindRequest, Meeting: m, Invitee: inv, Organiser: org},
		{Kind: model.KindRequest, Meeting: updated, Invitee: inv, Organiser: org},
		{Kind: model.KindCancel, Meeting: updated, Invitee: inv, Organiser: org},
		{Kind: model.KindReminder, Meeting: m, Invitee: inv, Organiser: org, Offset: 48 * time.Hour},
		{Kind: model.KindNudge, Meeting: m, Invitee: inv, Organiser: org, Offset: 48 * time.Hour},
	} {
		key := string(p.Kind) + "/seq:" + string(rune('0'+p.Meeting.Sequence))
		if err := e.Send(ctx, model.OutboxItem{Key: key, Recipient: inv.Email}, p); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		files, err := filepath.Glob(filepath.Join(dir.Path(), "*.eml"))
		if err != nil || len(files) != 1 {
			t.Fatalf("%s: outbox folder holds %v (%v)", key, files, err)
		}
		data, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(files[0]); err != nil {
			t.Fatal(err)
		}
		ps := parts(t, data)
		for _, media := range []string{"text/plain", "text/html"} {
			if body := ps[media]; !strings.Contains(body, venue) || !strings.Contains(body, reader) {
				t.Errorf("%s: the %s body does not show %q and %q:\n%s", key, media, venue, reader, body)
			}
		}
	}
}

package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/recur"
	"focalbot/scheduler"
	"focalbot/storage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	ctx   = context.Background()
	ny, _ = time.LoadLocation("America/New_York")
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
	pl    = delivery.Planner{Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}, Channels: []model.Channel{model.ChannelEmail}}
)

func newScheduler(s *storage.Store, clk clock.Clock) *scheduler.Scheduler {
	return &scheduler.Scheduler{Store: s, Clock: clk, Log: quiet, Planner: pl, Zone: ny, Polls: network.New(s, clk, ny, pl, nil)}
}

func person(t *testing.T, s *storage.Store, name, email, country string, role model.Role) model.Person {
	t.Helper()
	p := model.Person{Name: name, Email: email, Country: country, Role: role, Status: model.StatusActive}
	if err := s.CreatePerson(ctx, model.System, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlanSeriesOnce plans the 2013 meeting of the annual series when it
// enters the 120-day window, once, however often and by however many
// schedulers it is ticked.
func TestPlanSeriesOnce(t *testing.T) {
	start := time.Date(2013, 5, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(start)
		person(t, s, "Ruth", "ruth@example.org", "", model.RoleSecretariat)
		rule, _ := recur.ParseRule("unga")
		sr := model.Series{Name: "Annual meeting", Rule: rule, Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), TimeZone: "America/New_York",
			Duration: 7 * time.Hour, Venue: "New York", Hosts: []string{"AU", "CR", "DK", "GH"}, PlanAhead: 120 * 24 * time.Hour, Active: true}
		if err := s.CreateSeries(ctx, model.System, &sr); err != nil {
			t.Fatal(err)
		}
		a, b := newScheduler(s, clk), newScheduler(s, clk)
		if err := a.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.Meetings(ctx, model.MeetingFilter{}); len(ms) != 0 {
			t.Fatalf("planned %d meetings 150 days ahead", len(ms))
		}
		clk.Set(time.Date(2013, 6, 1, 9, 0, 0, 0, ny)) // 119 days before 28 September 2013
		var wg sync.WaitGroup
		for _, sc := range []*scheduler.Scheduler{a, b, a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); sc.Tick(ctx) }()
		}
		wg.Wait()
		ms, _ := s.Meetings(ctx, model.MeetingFilter{})
		if len(ms) != 1 || ms[0].Status != model.MeetingDraft || !ms[0].Start.Equal(time.Date(2013, 9, 28, 10, 0, 0, 0, ny)) || ms[0].SeriesID != sr.ID {
			t.Fatalf("planned %+v", ms)
		}
		notices, _ := s.Outbox(ctx, model.OutboxFilter{})
		if len(notices) != 1 || !strings.Contains(notices[0].Payload, "meeting schedule") {
			t.Fatalf("notices = %+v", notices)
		}
	})
}

// world is a scheduled meeting with one invitee of each kind.
type world struct {
	s       *storage.Store
	clk     *clock.Offset
	meeting model.Meeting
	want    map[string]string // invitee e-mail → the kind of reminder they should get ("" for none)
}

func newWorld(t *testing.T, s *storage.Store, at time.Time) *world {
	t.Helper()
	w := &world{s: s, clk: clock.Fixed(at)}
	person(t, s, "Ruth", "ruth@example.org", "", model.RoleSecretariat)
	m := model.Meeting{Title: "Third Meeting", Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny), End: time.Date(2013, 9, 28, 17, 0, 0, 0, ny),
		TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingScheduled}
	if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	w.meeting = m
	answers := []struct {
		email string
		r     model.Response
		mute  bool
		want  model.OutboxKind
	}{
		{"yes@gh.example.org", model.ResponseYes, false, model.KindReminder},
		{"maybe@dk.example.org", model.ResponseMaybe, false, model.KindReminder},
		{"silent@cr.example.org", model.ResponseNone, false, model.KindNudge},
		{"no@au.example.org", model.ResponseNo, false, ""},
		{"muted@cl.example.org", model.ResponseYes, true, ""},
	}
	w.want = map[string]string{}
	for _, a := range answers {
		p := person(t, s, a.email, a.email, strings.ToUpper(strings.Split(strings.Split(a.email, "@")[1], ".")[0]), model.RoleFocalPoint)
		invs, err := s.Invite(ctx, model.System, m.ID, []model.Invitation{{PersonID: p.ID, Name: p.Name, Email: p.Email, Country: p.Country}},
			func(model.Meeting, model.Invitation) []model.OutboxItem { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if a.r != model.ResponseNone {
			if _, err := s.Respond(ctx, model.System, invs[0].ID, a.r, 0, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		if a.mute {
			if err := s.Mute(ctx, p.ID, m.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		w.want[a.email] = string(a.want)
	}
	return w
}

// reminders returns the queued reminders by invitee: kind and offset, by status.
func (w *world) reminders(t *testing.T) map[string][]string {
	t.Helper()
	items, err := w.s.Outbox(ctx, model.OutboxFilter{MeetingID: w.meeting.ID})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, it := range items {
		if it.Kind == model.KindReminder || it.Kind == model.KindNudge {
			p, _ := delivery.Decode(it)
			out[it.Recipient] = append(out[it.Recipient], string(it.Kind)+" "+p.Offset.String()+" "+string(it.Status))
		}
	}
	return out
}

// TestRemindersThroughTheWeeks moves the clock through the weeks before
// the meeting, an hour at a time: each invitee gets what their answer calls
// for at 14 days, 2 days and 2 hours, exactly once.
func TestRemindersThroughTheWeeks(t *testing.T) {
	at := time.Date(2013, 9, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at)
		sc := newScheduler(s, w.clk)
		if _, err := sc.Advance(ctx, w.clk, 28*24*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		got := w.reminders(t)
		for email, kind := range w.want {
			var want []string
			if kind != "" {
				want = []string{kind + " 336h0m0s pending", kind + " 48h0m0s pending", kind + " 2h0m0s pending"}
			}
			if strings.Join(got[email], "|") != strings.Join(want, "|") {
				t.Errorf("%s got %v, want %v", email, got[email], want)
			}
		}
	})
}

// TestCatchUpAfterDowntime: the bot is down from 20 days before the meeting
// until 1 day before. At restart the 2-day reminder still goes (the meeting
// has not started and the 2-hour one is not due); the 14-day one is skipped
// and recorded. After the meeting has started, nothing more goes.
func TestCatchUpAfterDowntime(t *testing.T) {
	at := time.Date(2013, 9, 8, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at)
		sc := newScheduler(s, w.clk)
		if err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		w.clk.Set(time.Date(2013, 9, 27, 9, 0, 0, 0, ny))
		if err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		got := w.reminders(t)["yes@gh.example.org"]
		if want := "reminder 336h0m0s skipped|reminder 48h0m0s pending"; strings.Join(got, "|") != want {
			t.Errorf("after downtime: %v, want %s", got, want)
		}
		w.clk.Set(time.Date(2013, 9, 28, 11, 0, 0, 0, ny)) // the meeting began an hour ago
		if err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.reminders(t)["yes@gh.example.org"]; len(got) != 2 {
			t.Errorf("a reminder went after the meeting began: %v", got)
		}
	})
}

// TestMovingAMeetingRemindsForTheNewTime: reminders follow the meeting's
// current version.
func TestMovingAMeetingRemindsForTheNewTime(t *testing.T) {
	at := time.Date(2013, 9, 14, 11, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at)
		sc := newScheduler(s, w.clk)
		if err := sc.Tick(ctx); err != nil { // the 14-day reminders
			t.Fatal(err)
		}
		_, err := s.UpdateMeeting(ctx, model.System, w.meeting.ID, func(m *model.Meeting, _ []model.Invitation) ([]model.OutboxItem, error) {
			m.Start, m.End, m.Sequence = m.Start.AddDate(0, 0, 14), m.End.AddDate(0, 0, 14), m.Sequence+1
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sc.Advance(ctx, w.clk, 20*24*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		got := w.reminders(t)["yes@gh.example.org"]
		if len(got) != 2 || !strings.Contains(got[0], "336h") || !strings.Contains(got[1], "336h") { // 14 days before the old date, then before the new one
			t.Errorf("reminders = %v", got)
		}
	})
}

// counter is a sender that counts what it sends, by outbox key.
type counter struct {
	mu   sync.Mutex
	sent map[string]int
}

func (c *counter) Send(_ context.Context, it model.OutboxItem, _ delivery.Payload) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[it.Key]++
	return nil
}

// TestTwoProcessesOnePostgres runs two focalbot "processes" — each with its
// own connection pool, scheduler and dispatcher — on one PostgreSQL database
// through a simulated week and a half around a meeting, ticking and
// dispatching at the same moments, and counts every message: each is sent
// exactly once.
func TestTwoProcessesOnePostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	at := time.Date(2013, 9, 16, 7, 0, 0, 0, ny) // a Monday morning, 12 days before the meeting
	clk := clock.Fixed(at)
	s1 := storetest.Open(t, dsn, clk)
	s2 := storetest.Open(t, dsn, clk)
	w := newWorld(t, s1, at)
	rule, _ := recur.ParseRule("unga")
	sr := model.Series{Name: "Annual meeting", Rule: rule, Start: time.Date(2013, 9, 28, 10, 0, 0, 0, ny), TimeZone: "America/New_York",
		Duration: 7 * time.Hour, Venue: "New York", PlanAhead: 370 * 24 * time.Hour, Active: true}
	if err := s1.CreateSeries(ctx, model.System, &sr); err != nil {
		t.Fatal(err)
	}
	sent := &counter{sent: map[string]int{}}
	type process struct {
		sched *scheduler.Scheduler
		disp  *delivery.Dispatcher
	}
	var procs []process
	for _, s := range []*storage.Store{s1, s2} {
		procs = append(procs, process{
			sched: newScheduler(s, clk),
			disp: &delivery.Dispatcher{Store: s, Clock: clk, Log: quiet, Planner: pl, Batch: 3,
				Senders: map[model.Channel]delivery.Sender{model.ChannelEmail: sent}},
		})
	}
	for range 14 * 24 { // two weeks, an hour at a time
		clk.Advance(time.Hour)
		var wg sync.WaitGroup
		for _, p := range procs {
			wg.Add(2)
			go func() { defer wg.Done(); p.sched.Tick(ctx) }()
			go func() { defer wg.Done(); p.disp.Dispatch(ctx) }()
		}
		wg.Wait()
	}
	for _, p := range procs {
		if _, err := p.disp.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s1.Outbox(ctx, model.OutboxFilter{Statuses: []model.OutboxStatus{model.OutboxSent}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[model.OutboxKind]int{}
	for _, it := range items {
		if sent.sent[it.Key] != 1 {
			t.Errorf("%s sent %d times", it.Key, sent.sent[it.Key])
		}
		kinds[it.Kind]++
	}
	if len(sent.sent) != len(items) {
		t.Errorf("sent %d messages, the outbox records %d", len(sent.sent), len(items))
	}
	// 2 reminders and 1 nudge at 14 days (caught up at the first tick: the
	// 2-day one was not yet due), 2 days and 2 hours; notices to the one
	// secretariat member: drafts of the series' 2013 and 2014 meetings, the
	// attendance prompt and the digests of two Mondays.
	if kinds[model.KindReminder] != 6 || kinds[model.KindNudge] != 3 || kinds[model.KindNotice] != 5 {
		t.Errorf("sent by kind: %v", kinds)
	}
	if ms, _ := s1.Meetings(ctx, model.MeetingFilter{}); len(ms) != 3 || w.meeting.ID != ms[0].ID {
		t.Errorf("meetings = %d, want the meeting and two drafts", len(ms))
	}
}

// TestPollClosesAtItsDeadline: the tick after a poll's deadline closes it
// and sends the secretariat the ranking, once.
func TestPollClosesAtItsDeadline(t *testing.T) {
	at := time.Date(2013, 5, 1, 9, 0, 0, 0, ny)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(at)
		person(t, s, "Ruth", "ruth@example.org", "", model.RoleSecretariat)
		gh := person(t, s, "Kwame", "kwame@gh.example.org", "GH", model.RoleFocalPoint)
		slot := func(day int) model.Slot {
			return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
		}
		p := model.Poll{Title: "2013 meeting", Deadline: at.Add(48 * time.Hour), Hosts: []string{"GH"}, Slots: []model.Slot{slot(21), slot(28)}}
		if err := s.CreatePoll(ctx, model.System, &p, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Vote(ctx, model.System, p.ID, gh.ID, "GH", []int64{p.Slots[1].ID}); err != nil {
			t.Fatal(err)
		}
		sc := newScheduler(s, clk)
		if _, err := sc.Advance(ctx, clk, 72*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		closed, _ := s.Poll(ctx, p.ID)
		notices, _ := s.Outbox(ctx, model.OutboxFilter{})
		if closed.Status != model.PollClosed || len(notices) != 1 || !strings.Contains(notices[0].Payload, "1. Slot 2, Sat 28 Sep 2013") {
			t.Errorf("poll %s; notices %+v", closed.Status, notices)
		}
	})
}

// countingStore counts the scheduler's look-ups of follow-ups due.
type countingStore struct {
	*storage.Store
	followUpsDue int
}

func (c *countingStore) FollowUpsDue(ctx context.Context, day time.Time) ([]model.Outreach, error) {
	c.followUpsDue++
	return c.Store.FollowUpsDue(ctx, day)
}

// TestFollowUpsEachMorning: an owner in Copenhagen gets the follow-ups due
// by each day once, from 08:00 their time; none before.
func TestFollowUpsEachMorning(t *testing.T) {
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	at := time.Date(2012, 10, 15, 0, 0, 0, 0, cph)
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(at)
		owner := model.Person{Name: "Anna", Email: "anna@example.org", TimeZone: "Europe/Copenhagen", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &owner); err != nil {
			t.Fatal(err)
		}
		_, err := s.UpdateOutreach(ctx, model.System, "BR", func(o *model.Outreach) error {
			o.Stage, o.OwnerID, o.FollowUp = model.StageContacted, owner.ID, time.Date(2012, 10, 15, 0, 0, 0, 0, time.UTC)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Bo owns nothing due: he gets nothing.
		bo := model.Person{Name: "Bo", Email: "bo@example.org", TimeZone: "Europe/Copenhagen", Role: model.RoleSecretariat, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &bo); err != nil {
			t.Fatal(err)
		}
		counted := &countingStore{Store: s}
		sc := newScheduler(s, clk)
		sc.Store = counted
		if _, err := sc.Advance(ctx, clk, 7*time.Hour, nil); err != nil { // until 07:00 in Copenhagen
			t.Fatal(err)
		}
		if items, _ := s.Outbox(ctx, model.OutboxFilter{}); len(items) != 0 {
			t.Fatalf("follow-ups sent before 08:00: %+v", items)
		}
		if _, err := sc.Advance(ctx, clk, 36*time.Hour, nil); err != nil { // through the next morning
			t.Fatal(err)
		}
		// Each morning's first tick looks for follow-ups, the rest of the
		// day's ticks do not. (Monday's digest looks once more.)
		if counted.followUpsDue != 3 {
			t.Errorf("follow-ups were looked for %d times over two mornings and a digest, want 3", counted.followUpsDue)
		}
		all, _ := s.Outbox(ctx, model.OutboxFilter{})
		var items []model.OutboxItem
		for _, it := range all {
			if strings.HasSuffix(it.Key, fmt.Sprintf("/to:%d/email", bo.ID)) && !strings.HasPrefix(it.Key, "digest:") {
				t.Errorf("Bo, with nothing due, was sent %s: %s", it.Key, it.Payload)
			} else if strings.HasPrefix(it.Key, "followups:") {
				items = append(items, it)
			} else if !strings.HasPrefix(it.Key, "digest:2012-10-15") || !strings.Contains(it.Payload, "Outreach follow-ups due: 1.") {
				t.Errorf("unexpected notice %s: %s", it.Key, it.Payload)
			}
		}
		if len(items) != 2 || !strings.Contains(items[0].Key, "followups:2012-10-15") || !strings.Contains(items[1].Key, "followups:2012-10-16") ||
			!strings.Contains(items[0].Payload, "Brazil (contacted)") {
			t.Errorf("follow-up notices: %+v", items)
		}
	})
}

// TestAChangeSendsNoPassedReminderAgain: the 14-day reminders go; five days
// later a change raises the sequence, and nobody gets a second "begins in 14
// days" — neither when the meeting keeps its time (a new link) nor when it
// moves earlier, nor the invitee who has answered since their 14-day nudge.
// The 2-day and 2-hour reminders still go, once.
func TestAChangeSendsNoPassedReminderAgain(t *testing.T) {
	at := time.Date(2013, 9, 14, 11, 0, 0, 0, ny) // an hour after the 14-day moment
	for _, c := range []struct {
		name   string
		change func(m *model.Meeting)
	}{
		{"a new link", func(m *model.Meeting) { m.OnlineURL = "https://meet.example.org/r2p" }},
		{"moved three days earlier", func(m *model.Meeting) { m.Start, m.End = m.Start.AddDate(0, 0, -3), m.End.AddDate(0, 0, -3) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
				w := newWorld(t, s, at)
				sc := newScheduler(s, w.clk)
				if err := sc.Tick(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := sc.Advance(ctx, w.clk, 5*24*time.Hour, nil); err != nil {
					t.Fatal(err)
				}
				invs, _ := s.Invitations(ctx, w.meeting.ID)
				for _, inv := range invs {
					if inv.Email == "silent@cr.example.org" {
						if _, err := s.Respond(ctx, model.System, inv.ID, model.ResponseYes, 0, time.Time{}); err != nil {
							t.Fatal(err)
						}
					}
				}
				_, err := s.UpdateMeeting(ctx, model.System, w.meeting.ID, func(m *model.Meeting, _ []model.Invitation) ([]model.OutboxItem, error) {
					c.change(m)
					m.Sequence++
					return nil, nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := sc.Advance(ctx, w.clk, 10*24*time.Hour, nil); err != nil {
					t.Fatal(err)
				}
				got := w.reminders(t)
				want := map[string]string{
					"yes@gh.example.org":   "reminder 336h0m0s pending|reminder 48h0m0s pending|reminder 2h0m0s pending",
					"maybe@dk.example.org": "reminder 336h0m0s pending|reminder 48h0m0s pending|reminder 2h0m0s pending",
					// No dispatcher runs here: the 14-day nudge still waited when
					// the invitee answered, and an answer stops it (skipNudges).
					"silent@cr.example.org": "nudge 336h0m0s skipped|reminder 48h0m0s pending|reminder 2h0m0s pending",
				}
				for email, w := range want {
					if g := strings.Join(got[email], "|"); g != w {
						t.Errorf("%s got %s, want %s", email, g, w)
					}
				}
			})
		})
	}
}

// TestTicksUseUpNoMeetingNumbers: four schedulers planning a draft at once,
// then a month of hourly ticks that find it planned, leave the meeting
// numbers dense: the next meeting is 2.
func TestTicksUseUpNoMeetingNumbers(t *testing.T) {
	at := time.Date(2013, 6, 1, 9, 0, 0, 0, ny) // the 2013 occurrence is within the 120-day window
	storetest.ForEachBackend(t, clock.Fixed(at), func(t *testing.T, s *storage.Store) {
		clk := clock.Fixed(at)
		person(t, s, "Ruth", "ruth@example.org", "", model.RoleSecretariat)
		rule, _ := recur.ParseRule("unga")
		sr := model.Series{Name: "Annual meeting", Rule: rule, Start: time.Date(2012, 9, 29, 10, 0, 0, 0, ny), TimeZone: "America/New_York",
			Duration: 7 * time.Hour, Venue: "New York", PlanAhead: 120 * 24 * time.Hour, Active: true}
		if err := s.CreateSeries(ctx, model.System, &sr); err != nil {
			t.Fatal(err)
		}
		sc := newScheduler(s, clk)
		// Schedulers ticking at the same moment take turns: the draft is planned once.
		var wg sync.WaitGroup
		for _, sc := range []*scheduler.Scheduler{sc, newScheduler(s, clk), sc, newScheduler(s, clk)} {
			wg.Add(1)
			go func() { defer wg.Done(); sc.Tick(ctx) }()
		}
		wg.Wait()
		if n, err := sc.Advance(ctx, clk, 30*24*time.Hour, nil); err != nil || n != 720 {
			t.Fatalf("ticks %d, %v", n, err)
		}
		m := model.Meeting{Title: "Workshop", Start: clk.Now().Add(30 * 24 * time.Hour), End: clk.Now().Add(31 * 24 * time.Hour),
			TimeZone: "America/New_York", Venue: "New York", Status: model.MeetingDraft}
		if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.Meetings(ctx, model.MeetingFilter{}); len(ms) != 2 || m.ID != 2 {
			t.Errorf("after 720 ticks: %d meetings, the new one is meeting %d, want 2", len(ms), m.ID)
		}
	})
}

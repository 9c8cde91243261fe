package network_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/network"
	"focalbot/storage"
)

var (
	ctx     = context.Background()
	t0      = time.Date(2013, 5, 1, 12, 0, 0, 0, time.UTC)
	ny, _   = time.LoadLocation("America/New_York")
	planner = delivery.Planner{Channels: []model.Channel{model.ChannelEmail}}
)

// pollWorld is a store with a secretariat, focal points of Ghana, Denmark
// and Japan, an alternate for Ghana, an observer, and a scheduled meeting
// hosted by Ghana and Denmark to which they are all invited.
type pollWorld struct {
	store                     *storage.Store
	svc                       *network.Service
	sec, gh, dk, jp, alt, obs model.Person
	meeting                   model.Meeting
}

func newPollWorld(t *testing.T, s *storage.Store) *pollWorld {
	t.Helper()
	w := &pollWorld{store: s, svc: network.New(s, clock.Fixed(t0), time.UTC, planner, nil)}
	add := func(name, email, country string, role model.Role) model.Person {
		p := model.Person{Name: name, Email: email, Country: country, Role: role, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	w.sec = add("Ruth", "sec@example.org", "", model.RoleSecretariat)
	w.gh = add("Kwame", "gh@example.org", "GH", model.RoleFocalPoint)
	w.dk = add("Mette", "dk@example.org", "DK", model.RoleFocalPoint)
	w.jp = add("Aiko", "jp@example.org", "JP", model.RoleFocalPoint)
	w.alt = add("Ama", "alt@example.org", "GH", model.RoleAlternate)
	w.obs = add("Olga", "obs@example.org", "", model.RoleObserver)
	w.meeting = model.Meeting{Title: "Third Meeting", Start: time.Date(2013, 9, 23, 14, 0, 0, 0, time.UTC), End: time.Date(2013, 9, 23, 21, 0, 0, 0, time.UTC),
		TimeZone: "America/New_York", Venue: "New York", Hosts: []string{"GH", "DK"}, Status: model.MeetingDraft}
	if err := s.CreateMeeting(ctx, model.System, &w.meeting); err != nil {
		t.Fatal(err)
	}
	var invs []model.Invitation
	for _, p := range []model.Person{w.gh, w.dk, w.jp, w.alt} {
		invs = append(invs, model.Invitation{PersonID: p.ID, Email: p.Email, Name: p.Name, Country: p.Country})
	}
	invs = append(invs, model.Invitation{Email: "guest@mission.example.org", Name: "A Guest"})
	if _, err := s.Invite(ctx, model.System, w.meeting.ID, invs, nil); err != nil {
		t.Fatal(err)
	}
	m, err := s.UpdateMeeting(ctx, model.System, w.meeting.ID, func(m *model.Meeting, _ []model.Invitation) ([]model.OutboxItem, error) {
		m.Status = model.MeetingScheduled
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.meeting = m
	return w
}

func slot(day int) model.Slot {
	return model.Slot{Start: time.Date(2013, 9, day, 10, 0, 0, 0, ny), End: time.Date(2013, 9, day, 17, 0, 0, 0, ny), TimeZone: "America/New_York"}
}

// createPoll puts three slots (23, 24 and 27 September) to the focal points.
func (w *pollWorld) createPoll(t *testing.T, meetingID int64) model.Poll {
	t.Helper()
	p, err := w.svc.CreatePoll(ctx, network.As(w.sec), network.NewPoll{MeetingID: meetingID, Deadline: t0.Add(14 * 24 * time.Hour),
		Slots: []model.Slot{slot(27), slot(23), slot(24)}}, func(p model.Poll, to model.Person) string {
		return fmt.Sprintf("poll %d for %s", p.ID, to.Name)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCreatePoll: a poll for a meeting takes its title and hosts, and asks
// every active focal point and alternate, in the same transaction.
func TestCreatePoll(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		if _, err := w.svc.CreatePoll(ctx, network.As(w.gh), network.NewPoll{Deadline: t0.Add(time.Hour), Slots: []model.Slot{slot(23), slot(24)}},
			nil); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("a focal point created a poll: %v", err)
		}
		p := w.createPoll(t, w.meeting.ID)
		if p.Title != "Third Meeting" || !slices.Equal(p.Hosts, []string{"GH", "DK"}) || !p.Slots[0].Start.Equal(slot(23).Start) {
			t.Errorf("poll = %+v", p)
		}
		items, err := s.Outbox(ctx, model.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var asked []string
		for _, it := range items {
			if it.Kind == model.KindPoll {
				pl, _ := delivery.Decode(it)
				asked = append(asked, pl.Text)
			}
		}
		slices.Sort(asked)
		if want := []string{"poll 1 for Aiko", "poll 1 for Ama", "poll 1 for Kwame", "poll 1 for Mette"}; !slices.Equal(asked, want) {
			t.Errorf("asked %q, want %q", asked, want)
		}
		q, err := w.svc.CreatePoll(ctx, network.As(w.sec), network.NewPoll{Hosts: []string{}, Deadline: t0.Add(time.Hour), Slots: []model.Slot{slot(23), slot(24)}},
			func(model.Poll, model.Person) string { return "?" })
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Network(ctx); q.Title != n.Name || len(q.Hosts) != 0 {
			t.Errorf("a poll with no meeting and no hosts: %+v", q)
		}
	})
}

// TestVote: focal points and alternates answer for their country, the
// latest answer counts, and a bad answer changes nothing.
func TestVote(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		p := w.createPoll(t, w.meeting.ID)
		vote := func(who model.Person, slots ...int) error {
			_, _, err := w.svc.Vote(ctx, network.As(who), p.ID, slots)
			return err
		}
		for _, err := range []error{vote(w.gh, 1, 2), vote(w.alt), vote(w.alt, 2), vote(w.dk, 3, 2)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		refusals := []struct {
			name string
			err  error
			code string
		}{
			{"an observer does not answer", vote(w.obs, 1), model.EFORBIDDEN},
			{"the secretariat does not answer", vote(w.sec, 1), model.EFORBIDDEN},
			{"the system does not answer", func() error { _, _, err := w.svc.Vote(ctx, network.System, p.ID, nil); return err }(), model.EFORBIDDEN},
			{"a slot the poll does not have", vote(w.gh, 4), model.EINVALID},
			{"slot 0", vote(w.gh, 0), model.EINVALID},
			{"an unknown poll", func() error { _, _, err := w.svc.Vote(ctx, network.As(w.gh), 99, nil); return err }(), model.ENOTFOUND},
		}
		for _, r := range refusals {
			if model.ErrorCode(r.err) != r.code {
				t.Errorf("%s: %v, want %s", r.name, r.err, r.code)
			}
		}
		if err := vote(w.gh, 4); model.ErrorField(err) != "slots" || !strings.Contains(model.ErrorMessage(err), `"4" is not a slot of poll 1: give numbers from 1 to 3`) {
			t.Errorf("a bad slot: %v (field %q)", err, model.ErrorField(err))
		}
		votes, err := s.Votes(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		for _, v := range votes {
			got[v.PersonID] = fmt.Sprint(v.Country, network.SlotNumbers(p, v.SlotIDs))
		}
		want := map[int64]string{w.gh.ID: "GH[1 2]", w.alt.ID: "GH[2]", w.dk.ID: "DK[2 3]"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("votes %v, want %v", got, want)
		}
		if _, err := w.svc.ClosePoll(ctx, network.As(w.sec), p.ID, nil); err != nil {
			t.Fatal(err)
		}
		if err := vote(w.jp, 1); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("an answer after the poll closed: %v", err)
		}
	})
}

// TestVoteUntilTheDeadline: an answer after the deadline is refused even
// before the scheduler closes the poll.
func TestVoteUntilTheDeadline(t *testing.T) {
	clk := clock.Fixed(t0)
	storetest.ForEachBackend(t, clk, func(t *testing.T, s *storage.Store) {
		clk.Set(t0)
		w := newPollWorld(t, s)
		p := w.createPoll(t, w.meeting.ID)
		clk.Set(p.Deadline)
		if _, _, err := w.svc.Vote(ctx, network.As(w.gh), p.ID, []int{1}); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("an answer at the deadline: %v", err)
		}
	})
}

// TestPollVisibility: members and the meeting's invitees (guests too) see
// a poll; nobody else does, nor learns whether it exists.
func TestPollVisibility(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		p := w.createPoll(t, w.meeting.ID)
		other := w.createPoll(t, 0)
		guest := network.Caller{Label: "guest@mission.example.org"}
		stranger := network.Caller{Label: "who@example.org"}
		cases := []struct {
			name   string
			c      network.Caller
			id     int64
			code   string
			listed int
		}{
			{"an observer sees every poll", network.As(w.obs), p.ID, "", 2},
			{"a guest invited to the meeting sees its poll", guest, p.ID, "", 1},
			{"a guest does not see a poll without a meeting", guest, other.ID, model.EFORBIDDEN, 1},
			{"a stranger sees none", stranger, p.ID, model.EFORBIDDEN, 0},
			{"a stranger does not learn that a poll does not exist", stranger, 99, model.EFORBIDDEN, 0},
			{"a member learns it", network.As(w.obs), 99, model.ENOTFOUND, 2},
			{"a Slack mention is no e-mail address", network.Caller{Label: "<@guest@mission.example.org>"}, p.ID, model.EFORBIDDEN, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if _, err := w.svc.Poll(ctx, c.c, c.id); model.ErrorCode(err) != c.code {
					t.Errorf("poll %d: %v, want %q", c.id, err, c.code)
				}
				if ps, err := w.svc.OpenPolls(ctx, c.c); err != nil || len(ps) != c.listed {
					t.Errorf("listed %d polls (%v), want %d", len(ps), err, c.listed)
				}
			})
		}
		v, err := w.svc.Poll(ctx, network.As(w.obs), p.ID)
		if err != nil || v.Answerer || v.Ranking != nil {
			t.Errorf("an observer's view: %+v, %v", v, err)
		}
		if v, _ := w.svc.Poll(ctx, network.As(w.sec), p.ID); v.Ranking == nil || v.Answerer {
			t.Errorf("the secretariat's view has no ranking: %+v", v)
		}
		w.svc.Vote(ctx, network.As(w.gh), p.ID, []int{2})
		if v, _ := w.svc.Poll(ctx, network.As(w.gh), p.ID); !v.Answerer || v.Mine == nil || v.Answers != 1 || v.Countries != 1 {
			t.Errorf("a focal point's view: %+v", v)
		}
	})
}

// TestClosePollRanks: closing ranks the slots (every host present first,
// then regional groups, countries, people); the system closes a poll as
// the scheduler does, telling the secretariat once; nobody else may.
func TestClosePollRanks(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		p := w.createPoll(t, w.meeting.ID)
		w.svc.Vote(ctx, network.As(w.gh), p.ID, []int{1, 2})
		w.svc.Vote(ctx, network.As(w.dk), p.ID, []int{2})
		w.svc.Vote(ctx, network.As(w.jp), p.ID, []int{1, 3})
		if _, err := w.svc.ClosePoll(ctx, network.As(w.gh), p.ID, nil); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("a focal point closed a poll: %v", err)
		}
		var noticed []string
		r, err := w.svc.ClosePoll(ctx, network.System, p.ID, func(r network.Ranking, _ model.Person) string {
			var b strings.Builder
			r.Render(func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }, func(sl model.Slot) string { return sl.Start.In(ny).Format("Mon 2") },
				func(codes []string) string { return strings.Join(codes, "+") })
			noticed = append(noticed, b.String())
			return b.String()
		})
		if err != nil {
			t.Fatal(err)
		}
		var order []int
		for _, sl := range r.Slots {
			order = append(order, sl.Number)
		}
		if !slices.Equal(order, []int{2, 1, 3}) || r.Answers != 3 || r.Countries != 3 || r.Poll.Status != model.PollClosed {
			t.Errorf("ranking %v, answers %d, countries %d, status %s", order, r.Answers, r.Countries, r.Poll.Status)
		}
		want := "  1. Slot 2, Tue 24 — can attend: 2, countries: 2, regional groups: 2 of 5\n" +
			"  2. Slot 1, Mon 23 — can attend: 2, countries: 2, regional groups: 2 of 5\n     Missing hosts: DK\n" +
			"  3. Slot 3, Fri 27 — can attend: 1, countries: 1, regional groups: 1 of 5\n     Missing hosts: GH+DK\n" +
			"Pick a slot with: poll pick 1 <slot number>.\n"
		if len(noticed) != 1 || noticed[0] != want {
			t.Errorf("rendered:\n%q\nwant:\n%q", noticed, want)
		}
		items, _ := s.Outbox(ctx, model.OutboxFilter{})
		var notices int
		for _, it := range items {
			if strings.HasPrefix(it.Key, fmt.Sprintf("poll:%d/closed", p.ID)) {
				notices++
			}
		}
		if notices != 1 {
			t.Errorf("%d notices of the closed poll, want one to the one member of the secretariat", notices)
		}
		if audit, _ := s.Audit(ctx, model.AuditFilter{Limit: 1}); len(audit) != 1 || audit[0].Actor != model.System.Label || audit[0].ActorID != 0 {
			t.Errorf("the close is audited as %+v", audit)
		}
		if _, err := w.svc.ClosePoll(ctx, network.As(w.sec), p.ID, nil); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("closing a closed poll: %v", err)
		}
	})
}

// TestPickSlot moves the poll's scheduled meeting to the slot: its
// sequence rises and every invitee is sent an update; picking from an open
// poll, a slot it lacks, or a poll with no meeting changes nothing.
func TestPickSlot(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		p := w.createPoll(t, w.meeting.ID)
		none := w.createPoll(t, 0)
		if _, err := w.svc.PickSlot(ctx, network.As(w.sec), p.ID, 2); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("picking from an open poll: %v", err)
		}
		for _, id := range []int64{p.ID, none.ID} {
			if _, err := w.svc.ClosePoll(ctx, network.As(w.sec), id, nil); err != nil {
				t.Fatal(err)
			}
		}
		refusals := []struct {
			name string
			c    network.Caller
			poll int64
			n    int
			code string
			says string
		}{
			{"a focal point may not pick", network.As(w.gh), p.ID, 2, model.EFORBIDDEN, "secretariat"},
			{"a slot the poll lacks", network.As(w.sec), p.ID, 4, model.EINVALID, "from 1 to 3"},
			{"a poll with no meeting says how to create one", network.As(w.sec), none.ID, 1, model.ECONFLICT,
				`meeting create title="Global Network of R2P Focal Points" start="2013-09-23 10:00" end="2013-09-23 17:00" tz=America/New_York`},
			{"an unknown poll", network.As(w.sec), 99, 1, model.ENOTFOUND, "no poll 99"},
		}
		for _, r := range refusals {
			if _, err := w.svc.PickSlot(ctx, r.c, r.poll, r.n); model.ErrorCode(err) != r.code || !strings.Contains(model.ErrorMessage(err), r.says) {
				t.Errorf("%s: %v, want %s saying %q", r.name, err, r.code, r.says)
			}
		}
		if m, _ := s.Meeting(ctx, w.meeting.ID); m.Sequence != 0 || !m.Start.Equal(w.meeting.Start) {
			t.Fatalf("a refused pick changed the meeting: %+v", m)
		}
		pick, err := w.svc.PickSlot(ctx, network.As(w.sec), p.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := slot(24)
		if !pick.Meeting.Start.Equal(want.Start) || !pick.Meeting.End.Equal(want.End) || pick.Meeting.Sequence != 1 || pick.Before.Sequence != 0 || pick.Number != 2 {
			t.Errorf("pick = %+v", pick)
		}
		items, _ := s.Outbox(ctx, model.OutboxFilter{MeetingID: w.meeting.ID})
		updates := 0
		for _, it := range items {
			if strings.HasSuffix(it.Key, "/request/seq:1") {
				updates++
			}
		}
		if updates != 5 {
			t.Errorf("%d updates, want one per invitee (5)", updates)
		}
		again, err := w.svc.PickSlot(ctx, network.As(w.sec), p.ID, 2)
		if err != nil || again.Meeting.Sequence != 1 {
			t.Errorf("picking the same slot again: sequence %d, %v", again.Meeting.Sequence, err)
		}
	})
}

// TestAuditNumbersAVotesSlots: the audit log keeps a vote's slots by their
// IDs; Audit gives each slot's number in its poll, so that the log can say
// which slots were ticked as the poll shows them.
func TestAuditNumbersAVotesSlots(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		w := newPollWorld(t, s)
		p := w.createPoll(t, w.meeting.ID)
		if _, _, err := w.svc.Vote(ctx, network.As(w.gh), p.ID, []int{3, 1}); err != nil {
			t.Fatal(err)
		}
		log, err := w.svc.Audit(ctx, network.As(w.sec), model.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, a := range log.Entries {
			if a.Action != "poll.vote" {
				continue
			}
			var v struct{ SlotIDs []int64 }
			if err := json.Unmarshal([]byte(a.After), &v); err != nil {
				t.Fatal(err)
			}
			for _, id := range v.SlotIDs {
				got = append(got, log.SlotNumbers[id])
			}
		}
		if log.Names[w.gh.ID] != "Kwame" {
			t.Errorf("the voter of poll:N/person:M is not named: %v", log.Names)
		}
		slices.Sort(got)
		if !slices.Equal(got, []int{1, 3}) {
			t.Errorf("the vote's slots by number: %v, want [1 3] (numbers %v)", got, log.SlotNumbers)
		}
	})
}

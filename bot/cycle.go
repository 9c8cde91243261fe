package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/match"
	"focalbot/model"
	"focalbot/recur"
)

// WithSimulatedClock lets the secretariat move the bot's clock on with
// "clock advance", ticking the scheduler on the way (console demos).
func WithSimulatedClock(clk *clock.Offset, advance func(ctx context.Context, clk *clock.Offset, d time.Duration) (int, error)) Option {
	return func(e *Engine) { e.simClock, e.advance = clk, advance }
}

func (e *Engine) cycleCommands() []*Command {
	return []*Command{
		{Name: "series", Description: "The meeting series and their next meetings.", Access: Secretariat, Run: e.seriesList},
		{Name: "series create", Usage: `name="…" rule=<unga|yearly|twice-a-year|quarterly|monthly|RRULE> start="YYYY-MM-DD HH:MM" duration=7h [tz=…] venue="…" [address=…] [hosts=…] [plan=120d] [reminders=14d,2d,2h] [invitees=all|<regional group>|<countries>]`,
			Description: "Define a recurring meeting; drafts are planned when an occurrence comes within the planning window, and confirming one invites the series' invitees (all active focal points and alternates unless invitees= says otherwise).",
			Examples:    []string{`series create name="Annual Meeting of the Global Network of R2P Focal Points" rule=unga start="2012-09-29 10:00" duration=7h tz=America/New_York venue="New York" plan=120d`},
			Access:      Secretariat, Run: e.seriesCreate},
		{Name: "series stop", Usage: "<series>", Description: "Stop planning a series.", Access: Secretariat, Run: e.seriesActive(false)},
		{Name: "series start", Usage: "<series>", Description: "Plan a stopped series again.", Access: Secretariat, Run: e.seriesActive(true)},
		{Name: "mute", Usage: "<meeting> | all", Description: "Stop reminders for one meeting, or for all.", Examples: []string{"mute 1", "mute all"},
			Access: Member, Run: e.mute(true)},
		{Name: "unmute", Usage: "<meeting> | all", Description: "Get reminders again.", Access: Member, Run: e.mute(false)},
		{Name: "attendance", Usage: "<meeting> [<country>, …]", Description: "Record which countries came (marks the meeting held), or show it.",
			Examples: []string{"attendance 1 Ghana, Denmark, Costa Rica, Australia"}, Access: Secretariat, Run: e.attendance},
		{Name: "outbox", Usage: "[meeting]", Description: "The latest messages sent, waiting or failed.", Access: Secretariat, Run: e.outbox},
		{Name: "outbox retry", Usage: "[meeting|all]", Description: "Send failed messages again, of one meeting or all (those that still matter).",
			Examples: []string{"outbox retry all", "outbox retry 1"}, Access: Secretariat, Run: e.outboxRetry},
		{Name: "clock", Description: "The bot's time (in a console demo: clock advance <duration> moves it on).", Access: Secretariat, Run: e.clockShow},
		{Name: "clock advance", Usage: "<duration, e.g. 14d or 6h>", Description: "Move the simulated clock on, running every scheduled job on the way (console only).",
			Examples: []string{"clock advance 14d"}, Access: Secretariat, Run: e.clockAdvance},
	}
}

// parseSpan reads a duration with days: "14d", "2d12h", "90m", "2h".
func parseSpan(typed string) (time.Duration, error) {
	s := strings.TrimSpace(strings.ToLower(model.ASCIIDigits(typed)))
	bad := model.Errorf(model.EINVALID, msgBadSpan, typed)
	var d time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, bad
		}
		d, s = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	if s != "" {
		rest, err := time.ParseDuration(s)
		if err != nil || rest < 0 {
			return 0, bad
		}
		d += rest
	}
	if d <= 0 {
		return 0, bad
	}
	return d, nil
}

// parseSpans reads "14d,2d,2h".
func parseSpans(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		d, err := parseSpan(part)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, model.ValidateReminders(out)
}

func (e *Engine) seriesCreate(ctx context.Context, w *Reply, r *Request) error {
	o := r.Args.Opts
	var err error
	sr := model.Series{Name: o["name"], Venue: o["venue"], Address: o["address"], TimeZone: e.zone.String()}
	for _, k := range r.Args.Keys {
		switch k {
		case "name", "venue", "address":
		case "rule":
			if sr.Rule, err = recur.ParseRule(o[k]); err != nil {
				return err
			}
		case "tz":
			loc, err := model.LoadZone(o[k])
			if err != nil {
				return err
			}
			sr.TimeZone = loc.String()
		case "duration":
			if sr.Duration, err = parseSpan(o[k]); err != nil {
				return err
			}
		case "plan":
			if sr.PlanAhead, err = parseSpan(o[k]); err != nil {
				return err
			}
		case "reminders":
			if sr.Reminders, err = parseSpans(o[k]); err != nil {
				return err
			}
		case "hosts":
			m := model.Meeting{}
			if err := setMeeting(&m, []string{"hosts"}, o); err != nil {
				return err
			}
			sr.Hosts = append([]string{}, m.Hosts...) // none, when hosts= is empty
		case "invitees":
			if sr.Invitees, err = parseInvitees(o[k]); err != nil {
				return err
			}
		case "start":
		default:
			return model.Errorf(model.EINVALID, msgUnknownSeriesField, k)
		}
	}
	if sr.Rule == "" {
		return errUsage
	}
	loc, _ := model.LoadZone(sr.TimeZone)
	if sr.Start, err = parseWhen(o["start"], loc, time.Time{}); err != nil {
		return err
	}
	plan, err := e.svc.CreateSeries(ctx, r.caller(), sr)
	if err != nil {
		return err
	}
	sr, next := plan.Series, plan.Next
	w.Printf(msgSeriesCreated, sr.ID, sr.Name)
	// A start the rule does not take (rule=unga, a Monday) moves to the
	// rule's first day: said, not done silently.
	if first, ok, err := recur.Next(sr, sr.Start.Add(-time.Second)); err == nil && ok {
		if first.In(loc).Format(time.DateOnly) != sr.Start.In(loc).Format(time.DateOnly) {
			w.Printf(msgSeriesStartMoved, i18n.DateMedium(w.lang, sr.Start.In(loc)), i18n.DateMedium(w.lang, first.In(loc)))
		}
	}
	if plan.HasNext {
		w.Printf(msgSeriesNext, delivery.SpanIn(w.lang, next.In(loc), next.Add(sr.Duration).In(loc)), i18n.DateMedium(w.lang, next.Add(-sr.PlanAhead).In(loc)))
	} else {
		w.Printf(msgSeriesEnded)
	}
	switch v := sr.Invitees; {
	case v.All():
		w.Printf(msgSeriesInviteesAll)
	case v.Group != "":
		w.Printf(msgSeriesInviteesGroup, w.group(v.Group))
	default:
		w.Printf(msgSeriesInviteesCountries, i18n.CountryNames(w.lang, v.Countries))
	}
	return nil
}

// parseInvitees reads a series' default invitees: "all", a regional group,
// or countries separated by commas.
func parseInvitees(s string) (model.Invitees, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "all") {
		return model.Invitees{}, nil
	}
	if g, ok := model.ParseGroup(s); ok {
		return model.Invitees{Group: g}, nil
	}
	var v model.Invitees
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		c, err := match.Country(part)
		if err != nil {
			return model.Invitees{}, err
		}
		if !slices.Contains(v.Countries, c.Alpha2) {
			v.Countries = append(v.Countries, c.Alpha2)
		}
	}
	if len(v.Countries) == 0 {
		return model.Invitees{}, model.Errorf(model.EINVALID, msgBadInvitees)
	}
	return v, nil
}

func (e *Engine) seriesList(ctx context.Context, w *Reply, r *Request) error {
	all, err := e.svc.SeriesList(ctx, r.caller())
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Printf(msgNoSeries)
		return nil
	}
	for _, plan := range all {
		sr, next := plan.Series, "—"
		if plan.HasNext {
			loc, _ := model.LoadZone(sr.TimeZone)
			next = delivery.SpanIn(w.lang, plan.Next.In(loc), plan.Next.Add(sr.Duration).In(loc))
		}
		w.Printf(msgSeriesLine, sr.ID, sr.Name, sr.Rule, next, w.yesNo(sr.Active))
	}
	return nil
}

func (e *Engine) seriesActive(active bool) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		id, err := parseNumber(r.Args.Rest(0))
		if err != nil {
			return model.Errorf(model.EINVALID, msgBadSeriesNumber, r.Args.Rest(0))
		}
		sr, err := e.svc.SetSeriesActive(ctx, r.caller(), id, active)
		if err != nil {
			return err
		}
		w.Printf(msgSeriesActive, sr.ID, sr.Name, w.yesNo(sr.Active))
		return nil
	}
}

// mute returns a handler that mutes or unmutes reminders.
func (e *Engine) mute(on bool) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		var id int64
		if !strings.EqualFold(r.Args.Rest(0), "all") {
			var err error
			if id, err = meetingID(r); err != nil {
				return err
			}
		}
		if err := e.svc.Mute(ctx, r.caller(), id, on); err != nil {
			return err
		}
		switch {
		case on && id == 0:
			w.Printf(msgMutedAll)
		case on:
			w.Printf(msgMuted, id)
		case id == 0:
			w.Printf(msgUnmutedAll)
		default:
			w.Printf(msgUnmuted, id)
		}
		return nil
	}
}

func (e *Engine) attendance(ctx context.Context, w *Reply, r *Request) error {
	id, err := meetingID(r)
	if err != nil {
		return err
	}
	a, err := e.svc.Attendance(ctx, r.caller(), id)
	if err != nil {
		return err
	}
	var gone []string // recorded before, and not in the list given
	if list := r.Args.Rest(1); list != "" {
		var codes []string
		for _, part := range strings.Split(list, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			c, err := match.Country(part)
			if err != nil {
				return err
			}
			codes = append(codes, c.Alpha2)
		}
		before := a.Countries
		if a, err = e.svc.RecordAttendance(ctx, r.caller(), id, codes); err != nil {
			return err
		}
		// A list replaces the one before: say whom it drops, so that
		// "attendance 1 Peru", meant to add Peru, is seen for what it did.
		gone = dropped(before, a.Countries)
	}
	m, codes := a.Meeting, a.Countries
	if len(codes) == 0 {
		w.Printf(msgAttendanceNone, m.ID, m.TitleIn(w.Language()), w.meetingStatus(m.Status), m.ID)
	} else {
		w.Printf(msgAttendance, m.ID, m.TitleIn(w.Language()), w.meetingStatus(m.Status), len(codes), i18n.CountryNames(w.lang, codes))
	}
	if len(gone) > 0 {
		w.Printf(msgAttendanceDropped, len(gone), i18n.CountryNames(w.lang, gone), id)
	}
	return nil
}

func (e *Engine) outbox(ctx context.Context, w *Reply, r *Request) error {
	var id int64
	if len(r.Args.Words) > 0 {
		var err error
		if id, err = meetingID(r); err != nil {
			return err
		}
	}
	out, err := e.svc.Outbox(ctx, r.caller(), id, 20)
	if err != nil {
		return err
	}
	count, total := out.Counts, 0
	for _, n := range count {
		total += n
	}
	if total == 0 {
		w.Printf(msgOutboxEmpty)
		return nil
	}
	w.Printf(msgOutboxCounts, total, count[model.OutboxSent], count[model.OutboxPending], count[model.OutboxFailed],
		count[model.OutboxSuperseded], count[model.OutboxSkipped])
	for _, it := range out.Latest {
		when := it.DueAt
		if !it.SentAt.IsZero() {
			when = it.SentAt
		}
		when = when.In(e.zoneFor(r))
		w.Printf(msgOutboxLine, w.clock(when)+" "+when.Format("MST"), w.outboxStatus(it.Status), it.Key, it.Recipient)
	}
	return nil
}

// outboxRetry queues failed messages again (network.Service.RetryFailed):
// each as the same item, a new attempt, never a second copy of one that
// went; those that no longer matter stay failed.
func (e *Engine) outboxRetry(ctx context.Context, w *Reply, r *Request) error {
	var id int64
	if len(r.Args.Words) > 0 && !strings.EqualFold(r.Args.Words[0], "all") {
		var err error
		if id, err = meetingID(r); err != nil {
			return err
		}
	}
	n, stale, err := e.svc.RetryFailed(ctx, r.caller(), id, r.Now)
	if err != nil {
		return err
	}
	if n == 0 && stale == 0 {
		w.Printf(msgOutboxRetryNone)
		return nil
	}
	if n > 0 {
		w.Printf(msgOutboxRetried, n)
	}
	if stale > 0 {
		w.Printf(msgOutboxRetryStale, stale)
	}
	return nil
}

func (e *Engine) clockShow(ctx context.Context, w *Reply, r *Request) error {
	w.Printf(msgClock, w.deadline(r.Now.In(e.zoneFor(r))))
	if e.simClock == nil {
		w.Printf(msgClockReal)
	}
	return nil
}

func (e *Engine) clockAdvance(ctx context.Context, w *Reply, r *Request) error {
	if e.simClock == nil {
		return model.Errorf(model.ECONFLICT, msgClockReal)
	}
	d, err := parseSpan(r.Args.Rest(0))
	if err != nil {
		return err
	}
	if d > 400*24*time.Hour {
		return model.Errorf(model.EINVALID, msgClockTooFar)
	}
	ticks, err := e.advance(ctx, e.simClock, d)
	if err != nil {
		return fmt.Errorf("advance the clock: %w", err)
	}
	w.Printf(msgClockAdvanced, w.deadline(e.simClock.Now().In(e.zoneFor(r))), ticks)
	return nil
}

// outboxStatus is an outbox message's status in the reader's language.
func (w *Reply) outboxStatus(st model.OutboxStatus) string {
	if m, ok := outboxStatusWords[st]; ok {
		return w.p.Sprintf(m)
	}
	return string(st)
}

// The outbox's statuses as outbox shows them.
const (
	msgOutboxPending    = "waiting"
	msgOutboxSent       = "sent"
	msgOutboxFailed     = "failed"
	msgOutboxSuperseded = "replaced"
	msgOutboxSkipped    = "skipped"
)

var outboxStatusWords = map[model.OutboxStatus]string{
	model.OutboxPending: msgOutboxPending, model.OutboxSent: msgOutboxSent, model.OutboxFailed: msgOutboxFailed,
	model.OutboxSuperseded: msgOutboxSuperseded, model.OutboxSkipped: msgOutboxSkipped,
}

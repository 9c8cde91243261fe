package bot

import (
	"context"
	"errors"
	"fmt"
	"focalbot/i18n"
	"slices"
	"strconv"
	"strings"
	"time"

	"focalbot/delivery"
	"focalbot/match"
	"focalbot/model"
	"focalbot/network"
)

// meetingFields are the options of meeting create and meeting change.
var meetingFields = []string{"title", "start", "end", "duration", "tz", "venue", "address", "online", "hosts", "agenda", "public", "reminders"}

func (e *Engine) meetingCreate(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Keys) == 0 {
		return errUsage
	}
	opts := r.Args.Opts
	draft := false
	if d := opts["draft"]; d != "" {
		delete(opts, "draft")
		draft = d == "yes" || d == "true"
	}
	ch, err := meetingChangeOf(model.Meeting{TimeZone: e.zone.String()}, r.Args.Keys, opts)
	if err != nil {
		return err
	}
	m, err := e.svc.CreateMeeting(ctx, r.caller(), ch, draft)
	if err != nil {
		return err
	}
	e.renderCreated(w, m, r)
	return nil
}

// renderCreated shows a new meeting, with how to invite to it.
func (e *Engine) renderCreated(w *Reply, m model.Meeting, r *Request) {
	w.Printf(msgMeetingCreated, m.ID, m.TitleIn(w.Language()))
	e.showMeeting(w, m, r)
	if m.Status == model.MeetingScheduled {
		w.Printf(msgMeetingInviteHint, m.ID, m.ID)
	}
}

// setMeeting applies meeting options to m, as meetingChangeOf reads them.
func setMeeting(m *model.Meeting, keys []string, opts map[string]string) error {
	ch, err := meetingChangeOf(*m, keys, opts)
	if err != nil {
		return err
	}
	return ch.Apply(m)
}

// meetingChangeOf reads meeting options as a change to m. Times are read in
// the meeting's zone, so tz= applies to the start and end given with it; an
// end written as a time alone is on the day of the start. An error about
// one option names it as its field.
func meetingChangeOf(m model.Meeting, keys []string, opts map[string]string) (network.MeetingChange, error) {
	var ch network.MeetingChange
	loc := m.Location()
	if tz := opts["tz"]; tz != "" {
		zone, err := model.LoadZone(tz)
		if err != nil {
			return ch, inField(err, "tz")
		}
		ch.Zone, loc = zone, zone
	}
	// The day an end written as a time alone falls on: the start's, given
	// or kept (on the same wall-clock day when only the zone changes).
	base := m.Start
	if !base.IsZero() && ch.Zone != nil {
		s := m.Start.In(m.Location())
		if t, err := model.WallTime(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), 0, loc); err == nil {
			base = t
		}
	}
	for _, k := range keys {
		v := strings.TrimSpace(opts[k])
		if field, lang, ok := strings.Cut(k, "."); ok && (field == "title" || field == "agenda") {
			tag, err := textLanguage(k, lang)
			if err != nil {
				return ch, err
			}
			if field == "title" {
				if ch.Titles == nil {
					ch.Titles = map[string]string{}
				}
				ch.Titles[tag] = v
			} else {
				if ch.Agendas == nil {
					ch.Agendas = map[string]string{}
				}
				ch.Agendas[tag] = strings.ReplaceAll(v, `\n`, "\n")
			}
			continue
		}
		switch k {
		case "tz", "draft":
		case "title":
			ch.Title = &v
		case "start":
			t, err := parseWhen(v, loc, time.Time{})
			if err != nil {
				return ch, inField(err, k)
			}
			ch.Start, base = &t, t
		case "end":
			t, err := parseWhen(v, loc, base)
			if err != nil {
				return ch, inField(err, k)
			}
			ch.End = &t
		case "duration":
			d, err := parseSpan(v)
			if err != nil {
				return ch, inField(err, k)
			}
			ch.Duration = &d
		case "venue":
			ch.Venue = &v
		case "address":
			ch.Address = &v
		case "online":
			ch.OnlineURL = &v
		case "agenda":
			agenda := strings.ReplaceAll(v, `\n`, "\n")
			ch.Agenda = &agenda
		case "reminders":
			offsets, err := parseSpans(v)
			if err != nil {
				return ch, inField(err, k)
			}
			ch.Reminders = &offsets
		case "public":
			var public bool
			switch strings.ToLower(v) {
			case "yes", "true":
				public = true
			case "no", "false":
			default:
				return ch, model.FieldErrorf(k, model.EINVALID, msgYesOrNo, k, k)
			}
			ch.Public = &public
		case "hosts":
			hosts, err := hostCodes(v)
			if err != nil {
				return ch, inField(err, k)
			}
			ch.Hosts = &hosts
		default:
			return ch, model.Errorf(model.EINVALID, msgUnknownMeetingField, k, strings.Join(meetingFields, ", "))
		}
	}
	return ch, nil
}

// hostCodes reads countries separated by commas as alpha-2 codes, each once.
func hostCodes(v string) ([]string, error) {
	var hosts []string
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		c, err := match.Country(part)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(hosts, c.Alpha2) {
			hosts = append(hosts, c.Alpha2)
		}
	}
	return hosts, nil
}

// inField names the field of a domain error that names none.
func inField(err error, field string) error {
	var e *model.Error
	if errors.As(err, &e) {
		return e.InField(field)
	}
	return err
}

// parseWhen reads a date and time in loc; a time alone is on the day of base.
// A time written with its offset is that instant; any other is a wall time
// in loc, which model.WallTime refuses when loc's clocks skip it or show it twice.
func parseWhen(typed string, loc *time.Location, base time.Time) (time.Time, error) {
	s := model.ASCIIDigits(typed)
	for _, layout := range []string{model.WallOffsetLayout, time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{model.WallLayout, "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return model.WallTime(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), loc)
		}
	}
	if !base.IsZero() {
		if t, err := time.Parse("15:04", s); err == nil {
			b := base.In(loc)
			return model.WallTime(b.Year(), b.Month(), b.Day(), t.Hour(), t.Minute(), 0, loc)
		}
	}
	return time.Time{}, model.Errorf(model.EINVALID, msgBadWhen, typed)
}

// meetingID reads the meeting number that a command starts with.
func meetingID(r *Request) (int64, error) {
	if len(r.Args.Words) == 0 {
		return 0, model.Errorf(model.EINVALID, msgNameMeeting)
	}
	id, err := parseNumber(r.Args.Words[0])
	if err != nil {
		return 0, model.Errorf(model.EINVALID, msgBadMeetingNumber, r.Args.Words[0])
	}
	return id, nil
}

// parseNumber reads a meeting's or a poll's number as typed: "2" or "#2",
// in any script's digits ("٢").
func parseNumber(s string) (int64, error) {
	return strconv.ParseInt(strings.TrimPrefix(model.ASCIIDigits(s), "#"), 10, 64)
}

// visibleMeetingArg reads the meeting number that a command starts with,
// and the meeting, if the caller may see it.
func (e *Engine) visibleMeetingArg(ctx context.Context, r *Request) (model.Meeting, error) {
	id, err := meetingID(r)
	if err != nil {
		return model.Meeting{}, err
	}
	return e.svc.Meeting(ctx, r.caller(), id)
}

func (e *Engine) meetingChange(ctx context.Context, w *Reply, r *Request) error {
	m, err := e.visibleMeetingArg(ctx, r)
	if err != nil {
		return err
	}
	if len(r.Args.Keys) == 0 {
		return errUsage
	}
	if err := m.CheckOpen(); err != nil {
		return err
	}
	ch, err := meetingChangeOf(m, r.Args.Keys, r.Args.Opts)
	if err != nil {
		return err
	}
	res, err := e.svc.ChangeMeeting(ctx, r.caller(), m.ID, ch)
	if err != nil {
		return err
	}
	m = res.After
	switch {
	case !m.Differs(res.Before):
		w.Printf(msgMeetingUnchanged, m.ID)
		return nil
	case m.Status == model.MeetingDraft:
		w.Printf(msgDraftChanged, m.ID)
		e.showMeeting(w, m, r)
		return nil
	case !res.Announced():
		w.Printf(msgMeetingSaved, m.ID, w.yesNo(m.Public), reminderList(m))
		return nil
	}
	w.changed(m, res.Told)
	e.showMeeting(w, m, r)
	return nil
}

func (e *Engine) meetingSchedule(ctx context.Context, w *Reply, r *Request) error {
	id, err := meetingID(r)
	if err != nil {
		return err
	}
	res, err := e.svc.ScheduleMeeting(ctx, r.caller(), id)
	if err != nil {
		return err
	}
	e.renderScheduled(w, res)
	return nil
}

// renderScheduled tells how many were sent their invitations.
func (e *Engine) renderScheduled(w *Reply, res network.Scheduled) {
	m := res.Meeting
	if res.Invited == 0 {
		w.Printf(msgScheduledNobody, m.ID, m.TitleIn(w.Language()), m.ID)
	} else {
		w.Printf(msgMeetingScheduled, m.ID, m.TitleIn(w.Language()), res.Invited)
	}
	if res.SeriesInvited >= 0 {
		w.Printf(msgSeriesInvited, res.SeriesInvited)
	}
}

func (e *Engine) meetingCancel(ctx context.Context, w *Reply, r *Request) error {
	id, err := meetingID(r)
	if err != nil {
		return err
	}
	m, told, err := e.svc.CancelMeeting(ctx, r.caller(), id)
	if err != nil {
		return err
	}
	w.cancelled(m, told)
	return nil
}

// changed says that m has a new version, and who is told: every invitee,
// or nobody when none has been sent an invitation yet.
func (w *Reply) changed(m model.Meeting, told int) {
	if told == 0 {
		w.Printf(msgMeetingChangedUntold, m.ID, m.Sequence)
		return
	}
	w.Printf(msgMeetingChanged, m.ID, m.Sequence)
}

// cancelled says that m is cancelled, and who is told: every invitee, or
// nobody when none had been sent an invitation (a draft, or a meeting
// nobody was invited to).
func (w *Reply) cancelled(m model.Meeting, told int) {
	if told == 0 {
		w.Printf(msgMeetingCancelledUntold, m.ID, m.TitleIn(w.Language()))
		return
	}
	w.Printf(msgMeetingCancelled, m.ID, m.TitleIn(w.Language()))
}

func (e *Engine) invite(ctx context.Context, w *Reply, r *Request) error {
	m, err := e.visibleMeetingArg(ctx, r)
	if err != nil {
		return err
	}
	who := r.Args.Rest(1)
	if who == "" {
		return errUsage
	}
	var sel network.Selection
	if strings.EqualFold(r.Args.Words[1], "guest") {
		inv, err := guest(r)
		if err != nil {
			return err
		}
		sel.Guest = &inv
	} else if sel, err = e.selection(ctx, who); err != nil {
		return err
	}
	res, err := e.svc.Invite(ctx, r.caller(), m.ID, sel)
	if err != nil && len(res.Added) > 0 {
		// Those invited before it stopped stay invited: say so, then why.
		w.Printf(msgInviteStopped, m.ID, len(res.Added), res.Asked)
		e.fail(w, "invite", err)
		return nil
	}
	if err != nil {
		return err
	}
	w.Printf(msgInvited, m.ID, len(res.Added), res.Asked-len(res.Added))
	if res.Meeting.Status == model.MeetingDraft && len(res.Added) > 0 {
		w.Printf(msgInvitedDraft, m.ID)
	}
	return nil
}

// textLanguage reads the language of a meeting's text in another language
// (title.fr=…): one of the languages focalbot writes, other than English,
// whose text is title= and agenda= themselves.
func textLanguage(key, lang string) (string, error) {
	tag := i18n.Match(lang)
	if !i18n.Supported(lang) || tag == i18n.English {
		return "", model.FieldErrorf(key, model.EINVALID, msgTextLanguage, key, lang)
	}
	return tag.String(), nil
}

// guestLanguage reads a guest's language=: one of the languages focalbot
// writes, by its code or its name (as a profile's, match.Language).
func guestLanguage(v string) (string, error) {
	if code, ok := match.Language(v); ok {
		v = code
	}
	if !i18n.Supported(v) {
		return "", model.FieldErrorf("language", model.EINVALID, msgGuestLanguage, v)
	}
	return i18n.Match(v).String(), nil
}

// guest reads "guest <e-mail> name=… [country=…] [language=…]".
func guest(r *Request) (model.Invitation, error) {
	if len(r.Args.Words) != 3 || r.Args.Opts["name"] == "" {
		return model.Invitation{}, errUsage
	}
	inv := model.Invitation{Email: r.Args.Words[2], Name: r.Args.Opts["name"]}
	if err := model.ValidateEmail(model.NormalizeEmail(inv.Email)); err != nil {
		return inv, err
	}
	if c := r.Args.Opts["country"]; c != "" {
		country, err := match.Country(c)
		if err != nil {
			return inv, err
		}
		inv.Country = country.Alpha2
	}
	if l := r.Args.Opts["language"]; l != "" {
		lang, err := guestLanguage(l)
		if err != nil {
			return inv, err
		}
		inv.Language = lang
	}
	return inv, nil
}

// selection reads whom to invite: "all" (active focal points and
// alternates), a regional group, countries separated by commas, or people.
func (e *Engine) selection(ctx context.Context, who string) (network.Selection, error) {
	var sel network.Selection
	if strings.EqualFold(who, "all") {
		sel.All = true
		return sel, nil
	}
	if g, ok := model.ParseGroup(who); ok {
		sel.Group = g
		return sel, nil
	}
	for _, part := range strings.Split(who, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if c, err := match.Country(part); err == nil {
			sel.Countries = append(sel.Countries, c.Alpha2)
			continue
		}
		p, err := e.findPerson(ctx, part)
		if err != nil {
			if close := match.Suggest(part, 3); len(close) > 0 {
				return sel, model.Errorf(model.ENOTFOUND, msgNoInviteeDidYouMean, part, model.CountryChoice(close))
			}
			return sel, model.Errorf(model.ENOTFOUND, msgNoInvitee, part)
		}
		sel.People = append(sel.People, p.ID)
	}
	return sel, nil
}

func (w *Reply) inviteeLabel(inv model.Invitation) string {
	if c, ok := model.CountryByCode(inv.Country); ok {
		return w.p.Sprintf(msgInviteeCountry, inv.Name, w.countryName(c))
	}
	return inv.Name
}

func (e *Engine) meetings(ctx context.Context, w *Reply, r *Request) error {
	all, err := e.svc.Meetings(ctx, r.caller())
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Printf(msgNoMeetings)
		return nil
	}
	var upcoming, past []model.Meeting
	for _, m := range all {
		if m.End.After(r.Now) {
			upcoming = append(upcoming, m)
		} else {
			past = append(past, m)
		}
	}
	if len(upcoming) > 0 {
		w.Printf(msgMeetingsUpcoming)
		for _, m := range upcoming {
			w.Printf(msgMeetingLine, m.ID, m.TitleIn(w.Language()), e.when(w, m, r), w.meetingStatus(m.Status))
		}
	}
	if len(past) > 0 {
		w.Printf(msgMeetingsPast)
		for i := len(past) - 1; i >= 0; i-- {
			m := past[i]
			w.Printf(msgMeetingLine, m.ID, m.TitleIn(w.Language()), e.when(w, m, r), w.meetingStatus(m.Status))
		}
	}
	return nil
}

func (e *Engine) next(ctx context.Context, w *Reply, r *Request) error {
	next, err := e.svc.NextMeeting(ctx, r.caller())
	if err != nil {
		return err
	}
	e.showMeeting(w, next.Meeting, r)
	if next.Invitation != nil {
		w.Printf(msgYourAnswer, w.response(next.Invitation.Response), next.Meeting.ID)
	}
	if next.Organised {
		w.Printf(msgYouOrganise, next.Meeting.ID)
	}
	return nil
}

func (e *Engine) rsvp(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 {
		return errUsage
	}
	resp, err := model.ParseResponse(r.Args.Words[0])
	if _, nerr := parseNumber(r.Args.Words[0]); err != nil && nerr == nil && len(r.Args.Words) > 1 {
		// "rsvp 2 yes": the meeting before the answer is taken as meant.
		if resp2, err2 := model.ParseResponse(r.Args.Words[1]); err2 == nil {
			r.Args.Words[0], r.Args.Words[1] = r.Args.Words[1], r.Args.Words[0]
			resp, err = resp2, nil
		}
	}
	if err != nil {
		return err
	}
	var id int64
	if len(r.Args.Words) > 2 {
		return e.rsvpFor(ctx, w, r, resp, r.Args.Words[1:])
	}
	if len(r.Args.Words) > 1 {
		r.Args.Words = r.Args.Words[1:]
		if id, err = meetingID(r); err != nil {
			return err
		}
	}
	a, err := e.svc.Respond(ctx, r.caller(), id, resp)
	if err != nil {
		return err
	}
	w.Printf(msgAnswered, w.response(resp), a.Meeting.Title)
	return nil
}

// showMeeting describes a meeting, its time in the venue's zone and in the
// reader's: its delivery.Summary, as chat text.
func (e *Engine) showMeeting(w *Reply, m model.Meeting, r *Request) {
	s := delivery.Summarize(m, w.lang, e.readerZone(r))
	w.Printf(msgMeetingTitle, s.ID, s.Title, w.meetingStatus(s.Status))
	w.Printf(msgMeetingWhen, e.spanText(w, s, m, r))
	if s.Venue != "" {
		w.Printf(msgMeetingWhere, s.Venue)
	}
	if s.Online != "" {
		w.Printf(msgMeetingOnline, s.Online)
	}
	if s.Hosts != "" {
		w.Printf(msgMeetingHosts, s.Hosts, s.Organiser)
	}
	if s.Agenda != "" {
		w.Printf(msgMeetingAgenda, s.Agenda)
	}
}

// when is a meeting's time in the venue's zone and, when it differs, in the reader's.
func (e *Engine) when(w *Reply, m model.Meeting, r *Request) string {
	return e.spanText(w, delivery.Summarize(m, w.lang, e.readerZone(r)), m, r)
}

// spanText writes a summary's spans as chat says them: "… (New York time);
// your time: … (Europe/Paris)", or as the transport shows times (Slack's
// date tokens, each reader's own zone).
func (e *Engine) spanText(w *Reply, s delivery.Summary, m model.Meeting, r *Request) string {
	if r.Caller.Span != nil {
		return r.Caller.Span(w.lang, m.Start, m.End, m.Location())
	}
	text := w.p.Sprintf(msgVenueTime, s.VenueSpan, w.place(m.Location()))
	if s.ReaderSpan != "" {
		text = w.semicolons(text, w.p.Sprintf(msgYourTime, s.ReaderSpan, s.ReaderZone))
	}
	return text
}

// readerZone is the caller's zone: their profile's, else the transport's.
func (e *Engine) readerZone(r *Request) *time.Location {
	for _, z := range []string{personZone(r.Person), r.Caller.TimeZone} {
		if loc, err := model.LoadZone(z); err == nil {
			return loc
		}
	}
	return nil
}

// zoneFor is the zone the times of records are shown to the caller in
// (the audit log, the outbox, the inbox, outreach, the clock): the
// caller's own, else the secretariat's (FOCALBOT_TZ). Each time written
// names its zone.
func (e *Engine) zoneFor(r *Request) *time.Location {
	if loc := e.readerZone(r); loc != nil {
		return loc
	}
	return e.zone
}

func personZone(p *model.Person) string {
	if p == nil {
		return ""
	}
	return p.TimeZone
}

// place is a zone's city in the reader's language, from CLDR: "New York"
// for America/New_York, "纽约" in Chinese, "Nueva York" in Spanish.
func (w *Reply) place(loc *time.Location) string {
	return i18n.ZoneCity(w.lang, loc.String())
}

// The catalog's names of answers, meeting statuses and poll statuses.
var (
	responseNames = map[model.Response]string{model.ResponseYes: msgResponseYes, model.ResponseNo: msgResponseNo,
		model.ResponseMaybe: msgResponseMaybe, model.ResponseNone: msgResponseNone, model.ResponseDelegate: msgResponseDelegated}
	meetingStatusNames = map[model.MeetingStatus]string{model.MeetingDraft: msgMeetingDraft, model.MeetingScheduled: msgMeetingIsScheduled,
		model.MeetingCancelled: msgMeetingIsCancelled, model.MeetingHeld: msgMeetingHeld}
	pollStatusNames = map[model.PollStatus]string{model.PollOpen: msgPollStatusOpen, model.PollClosed: msgPollStatusClosed}
)

func (w *Reply) response(r model.Response) string {
	if m, ok := responseNames[r]; ok {
		return w.p.Sprintf(m)
	}
	return string(r)
}

func (w *Reply) meetingStatus(s model.MeetingStatus) string {
	if m, ok := meetingStatusNames[s]; ok {
		return w.p.Sprintf(m)
	}
	return string(s)
}

func (e *Engine) feed(ctx context.Context, w *Reply, r *Request) error {
	if e.feedURL == "" {
		return model.Errorf(model.ECONFLICT, msgNoFeeds)
	}
	reset := len(r.Args.Words) == 1 && strings.EqualFold(r.Args.Words[0], "reset")
	if len(r.Args.Words) > 0 && !reset {
		return errUsage
	}
	token, err := e.svc.FeedToken(ctx, r.caller(), reset)
	if err != nil {
		return err
	}
	if reset {
		w.Printf(msgFeedReset)
	}
	w.Printf(msgFeed, e.feedURL+"/feeds/"+token+".ics", e.feedURL+"/feeds/network.ics")
	return nil
}

// reminderList writes a meeting's reminder offsets, e.g. "14d, 2d, 2h".
func reminderList(m model.Meeting) string {
	var parts []string
	for _, o := range m.ReminderOffsets() {
		switch {
		case o%(24*time.Hour) == 0:
			parts = append(parts, fmt.Sprintf("%dd", o/(24*time.Hour)))
		case o%time.Hour == 0:
			parts = append(parts, fmt.Sprintf("%dh", o/time.Hour))
		default:
			parts = append(parts, fmt.Sprintf("%dm", o/time.Minute))
		}
	}
	return strings.Join(parts, ", ")
}

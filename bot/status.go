package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"focalbot/i18n"
	"focalbot/match"
	"focalbot/model"
)

// Messages of status's pages and filters.
const (
	msgStatusPeopleOf    = "People (%s):"
	msgStatusBadPage     = "A page is a number from 1, e.g. status %d page 2."
	msgStatusNoPage      = "There is no page %d: the last page of the status of meeting %d here is %d (%d people to a page)."
	msgStatusMoreFailed  = "Not delivered and not named here: %d more; outbox %d shows the latest messages."
	msgStatusUnknownPart = "%q is neither an answer (yes, maybe, no, none, delegated), a regional group nor a country: see help status."
)

// statusPage is how many invitees a page of status shows, as the roster's.
const statusPage = rosterPage

// statusFailed is how many undelivered messages status names, the latest;
// the rest it counts without reading them, and outbox shows them.
const statusFailed = 10

// statusAnswers are the words that select invitees by their answer; the
// command words stay English, as elsewhere.
var statusAnswers = map[string]model.Response{
	"yes": model.ResponseYes, "coming": model.ResponseYes,
	"maybe": model.ResponseMaybe,
	"no":    model.ResponseNo, "declined": model.ResponseNo,
	"none": model.ResponseNone, "silent": model.ResponseNone,
	"delegated": model.ResponseDelegate,
}

// statusOrder is the order status lists the answers in.
var statusOrder = []model.Response{model.ResponseYes, model.ResponseMaybe, model.ResponseNo, model.ResponseNone, model.ResponseDelegate}

// statusFilter is which invitees status shows: all, those of an answer,
// of a regional group's countries, or of one country.
type statusFilter struct {
	words     string // as typed, for the next page's command
	label     string // as shown, in the reader's language
	answer    model.Response
	countries map[string]bool
}

// keep says whether the filter selects inv.
func (f statusFilter) keep(inv model.Invitation) bool {
	switch {
	case f.answer != "":
		return inv.Response == f.answer
	case f.countries != nil:
		return f.countries[inv.Country]
	}
	return true
}

// parseStatusArgs reads "status <meeting> [answer | group | country] [page <n>]".
func parseStatusArgs(w *Reply, r *Request) (id int64, f statusFilter, page int, err error) {
	if id, err = meetingID(r); err != nil {
		return 0, f, 0, err
	}
	words, page := r.Args.Words[1:], 1
	if n := len(words); n >= 1 && strings.EqualFold(words[n-1], "page") {
		return 0, f, 0, model.Errorf(model.EINVALID, msgStatusBadPage, id)
	}
	if n := len(words); n >= 2 && strings.EqualFold(words[n-2], "page") {
		p, err := strconv.Atoi(model.ASCIIDigits(words[n-1]))
		if err != nil || p < 1 {
			return 0, f, 0, model.Errorf(model.EINVALID, msgStatusBadPage, id)
		}
		words, page = words[:n-2], p
	}
	f.words = strings.Join(words, " ")
	if f.words == "" {
		return id, f, page, nil
	}
	if a, ok := statusAnswers[strings.ToLower(f.words)]; ok {
		f.answer, f.label = a, w.response(a)
		return id, f, page, nil
	}
	f.countries = map[string]bool{}
	if g, ok := model.ParseGroup(f.words); ok {
		for _, c := range model.CountriesInGroup(g) {
			f.countries[c.Alpha2] = true
		}
		f.label = w.group(g)
		return id, f, page, nil
	}
	c, err := match.Country(f.words)
	if err != nil {
		// A near country's name is suggested; words like none of them are
		// told what status takes.
		if model.ErrorCode(err) == model.ENOTFOUND && len(match.Suggest(f.words, 1)) == 0 {
			return 0, f, 0, model.Errorf(model.EINVALID, msgStatusUnknownPart, f.words)
		}
		return 0, f, 0, err
	}
	f.countries[c.Alpha2], f.label = true, w.countryName(c)
	return id, f, page, nil
}

// meetingStatus answers "status <meeting> [answer | group | country] [page
// <n>]": the meeting, its countries by answer and regional group, and its
// invitees by answer, statusPage of them a page, the last line naming the
// command for the next page. With a filter it shows only the invitees
// selected. The countries and the undelivered messages are shown on the
// first page of the unfiltered answer. Every invitation is read and counted
// (the counts are of all of them), but only the names near the page are
// folded and sorted, and only a page of them is written.
func (e *Engine) meetingStatus(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 { // status alone: the next meeting the secretariat organises
		next, err := e.svc.NextMeeting(ctx, r.caller())
		if err != nil {
			return err
		}
		r.Args.Words = []string{strconv.FormatInt(next.Meeting.ID, 10)}
	}
	id, f, page, err := parseStatusArgs(w, r)
	if err != nil {
		return err
	}
	st, err := e.svc.MeetingStatus(ctx, r.caller(), id, statusFailed)
	if err != nil {
		return err
	}
	m, invs := st.Meeting, st.Invitations
	byID := make(map[int64]model.Invitation, len(invs))
	for _, inv := range invs {
		byID[inv.ID] = inv
	}
	var sel []model.Invitation
	for _, inv := range invs {
		if f.keep(inv) {
			sel = append(sel, inv)
		}
	}
	pages := max(1, (len(sel)+statusPage-1)/statusPage)
	if page > pages {
		return model.Errorf(model.EINVALID, msgStatusNoPage, page, id, pages, statusPage)
	}
	e.showMeeting(w, m, r)
	full := f.words == "" && page == 1
	if full {
		// The country is the unit first (a guest's country is the guest's,
		// not a government's delegation: model.Invitation.ForCountry),
		// then the people.
		e.statusByCountry(w, invs)
	}
	if f.label != "" {
		w.Printf(msgStatusPeopleOf, f.label)
	} else {
		w.Printf(msgStatusPeople)
	}
	counts := map[model.Response]int{}
	for _, inv := range sel {
		counts[inv.Response]++
	}
	w.Printf(msgStatusCounts, len(sel), counts[model.ResponseYes], counts[model.ResponseMaybe], counts[model.ResponseNo], counts[model.ResponseNone])

	// Listed as shown: by answer, then by country name in the reader's
	// language (i18n.CountryKey), then by name. The list is sorted by
	// answer and country (each country's key looked up once); only the runs of one answer and country that the page reaches
	// are then sorted by name, each name folded once: the cost of names
	// grows with the page, not with the meeting.
	rank := map[model.Response]int{}
	for i, a := range statusOrder {
		rank[a] = i
	}
	type keyed struct {
		inv           *model.Invitation // not a copy: the sort moves less
		rank          int
		country, name string
	}
	countryKeys := map[string]string{}
	list := make([]keyed, len(sel))
	for i := range sel {
		inv := &sel[i]
		ck, ok := countryKeys[inv.Country]
		if !ok {
			ck = i18n.CountryKey(w.lang, inv.Country)
			countryKeys[inv.Country] = ck
		}
		rk, ok := rank[inv.Response]
		if !ok {
			rk = len(statusOrder)
		}
		list[i] = keyed{inv: inv, rank: rk, country: ck}
	}
	sameRun := func(a, b keyed) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.country, b.country)
	}
	slices.SortStableFunc(list, sameRun)
	from := min((page-1)*statusPage, len(list))
	to := min(from+statusPage, len(list))
	for start := from; start < to; {
		// The run of one answer and country that holds list[start].
		lo, hi := start, start
		for lo > 0 && sameRun(list[lo-1], list[start]) == 0 {
			lo--
		}
		for hi < len(list) && sameRun(list[hi], list[start]) == 0 {
			hi++
		}
		run := list[lo:hi]
		for i := range run {
			run[i].name = match.Fold(run[i].inv.Name)
		}
		slices.SortStableFunc(run, func(a, b keyed) int { return strings.Compare(a.name, b.name) })
		start = hi
	}
	shown := list[from:to]
	for _, resp := range statusOrder {
		var names []string
		for _, k := range shown {
			if k.inv.Response == resp {
				names = append(names, statusLabel(w, *k.inv, byID))
			}
		}
		if len(names) > 0 {
			w.Printf(msgStatusList, w.response(resp), i18n.JoinList(w.lang, names))
		}
	}
	if full {
		for _, it := range st.Failed {
			w.Printf(msgStatusFailed, it.Channel, it.Recipient, it.LastError)
		}
		if more := st.FailedCount - len(st.Failed); more > 0 {
			w.Printf(msgStatusMoreFailed, more, id)
		}
		if n := st.Pending; n > 0 {
			w.Printf(msgStatusPendingMail, n)
		}
	}
	switch {
	case page < pages:
		next := strings.TrimSpace("status " + strconv.FormatInt(id, 10) + " " + f.words)
		w.Printf(msgRosterPage, page, pages, next+" page "+strconv.Itoa(page+1))
	case pages > 1:
		w.Printf(msgRosterLast, page, pages)
	}
	return nil
}

package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"focalbot/i18n"
	"focalbot/match"
	"focalbot/model"
	"focalbot/network"
)

// Outreach.
const (
	msgOutreachHeader      = "Outreach: %d countries without an active focal point."
	msgOutreachHeaderGroup = "Outreach in the %s group: %d countries without an active focal point."
	msgOutreachGroup       = "%s group (%d):"
	msgOutreachStage       = "  %s (%d):"
	msgOutreachItem        = "    • %s — %s"
	msgOutreachNames       = "    %s"
	msgOutreachStageListed = "  %s (%d): outreach %s lists them"
	msgOutreachCountry     = "%s (%s group): %s — %s"
	msgOutreachAppointed   = "%s (%s group): appointed — active focal point: %s"
	msgOutreachLog         = "Log:"
	msgOutreachLogLine     = "  • %s %s: %s"
	msgOutreachNoNotes     = "No notes yet: outreach log %s <note> adds one."
	msgOutreachNoted       = "Noted for %s."
	msgOutreachDue         = "Follow-ups due by %s (%d):"
	msgOutreachNoneDue     = "No follow-ups due by %s."
	msgOutreachDueItem     = "  • %s — %s; %s"
	msgOutreachOwner       = "owner %s"
	msgOutreachNoOwner     = "no owner"
	msgOutreachFollowUp    = "follow up %s"
	msgOutreachOverdue     = "follow up %s (overdue)"
	msgOutreachNoOwnerHint = "No one owns the outreach to %s, so no one is reminded: outreach owner %s <person> sets one."
	msgOutreachNoOptions   = "A note cannot hold words with = in them such as %s=…: write them another way (e.g. %s: …)."
	msgOutreachBadDate     = "%q is not a date: write it as YYYY-MM-DD, e.g. 2012-10-15."

	msgStageNotContacted = "not contacted"
	msgStageContacted    = "contacted"
	msgStageInterested   = "interested"
	msgStageAppointed    = "appointed"
	msgStageDeclined     = "declined"
)

// stageNames are the catalog's names of the outreach stages.
var stageNames = map[model.Stage]string{model.StageNotContacted: msgStageNotContacted, model.StageContacted: msgStageContacted,
	model.StageInterested: msgStageInterested, model.StageAppointed: msgStageAppointed, model.StageDeclined: msgStageDeclined}

// stage is a stage's name in the reader's language.
func (w *Reply) stage(s model.Stage) string {
	if m, ok := stageNames[s]; ok {
		return w.p.Sprintf(m)
	}
	return string(s)
}

// outreachCommands declares the outreach commands.
func (e *Engine) outreachCommands() []*Command {
	return []*Command{
		{Name: "outreach", Usage: "[country | regional group | due]",
			Description: "The outreach pipeline: countries without an active focal point by stage, with owner and follow-up; one country's log; or the follow-ups due today.",
			Examples:    []string{"outreach", "outreach GRULAC", "outreach Kenya", "outreach due"},
			Access:      Secretariat, Run: e.outreach},
		{Name: "outreach log", Usage: "<country> <note…> [follow up YYYY-MM-DD]",
			Description: "Add a note to the outreach log of a country (a first note marks it contacted), and the day to follow up.",
			Examples:    []string{"outreach log Kenya Met the deputy permanent representative follow up 2012-10-15"},
			Access:      Secretariat, Run: e.outreachLog},
		{Name: "outreach stage", Usage: "<country> <not-contacted|contacted|interested|appointed|declined>",
			Description: "Move a country along the outreach pipeline.",
			Examples:    []string{"outreach stage Kenya interested"}, Access: Secretariat, Run: e.outreachStage},
		{Name: "outreach owner", Usage: "<country> <person|none>",
			Description: "Put a member of the secretariat in charge of the outreach to a country.",
			Examples:    []string{"outreach owner Kenya jo@globalr2p.org"}, Access: Secretariat, Run: e.outreachOwner},
		{Name: "outreach follow-up", Usage: "<country> <YYYY-MM-DD|none>",
			Description: "Set or clear the day to follow up with a country; its owner is reminded that morning.",
			Examples:    []string{"outreach follow-up Kenya 2012-10-15"}, Access: Secretariat, Run: e.outreachFollowUp},
	}
}

// outreachWorld is what the outreach views need besides the records: the
// owners' names, each read when first shown (not the whole roster: the
// cost of a view grows with what it shows), and the caller's today.
type outreachWorld struct {
	owner func(id int64) (model.Person, bool)
	err   *error    // the first failure to read an owner, for done
	today time.Time // the caller's today, as midnight UTC
}

func (e *Engine) outreachWorld(ctx context.Context, r *Request) (outreachWorld, error) {
	var failed error
	known := map[int64]*model.Person{} // nil: no such person
	owner := func(id int64) (model.Person, bool) {
		p, ok := known[id]
		if !ok {
			found, err := e.store.Person(ctx, id)
			switch {
			case err == nil:
				p = &found
			case model.ErrorCode(err) != model.ENOTFOUND && failed == nil:
				failed = err
			}
			known[id] = p
		}
		if p == nil {
			return model.Person{}, false
		}
		return *p, true
	}
	return outreachWorld{owner: owner, err: &failed, today: e.outreachToday(r)}, nil
}

// done is the first failure to read an owner while the view was written,
// which then is not shown.
func (ow outreachWorld) done() error { return *ow.err }

// outreachToday is the caller's date, as midnight UTC.
func (e *Engine) outreachToday(r *Request) time.Time {
	return network.OutreachToday(r.Now, e.zoneFor(r))
}

// details is the owner and follow-up of o, for one line.
func (ow outreachWorld) details(w *Reply, o model.Outreach) string {
	parts := []string{w.p.Sprintf(msgOutreachNoOwner)}
	if p, ok := ow.owner(o.OwnerID); o.OwnerID != 0 && ok {
		parts[0] = w.p.Sprintf(msgOutreachOwner, p.Name)
	}
	switch {
	case o.FollowUp.IsZero():
	case o.FollowUp.Before(ow.today) && o.Stage.Open():
		parts = append(parts, w.p.Sprintf(msgOutreachOverdue, w.day(o.FollowUp)))
	default:
		parts = append(parts, w.p.Sprintf(msgOutreachFollowUp, w.day(o.FollowUp)))
	}
	return w.semicolons(parts...)
}

// day writes a calendar day in the reader's language ("15 octobre 2012");
// English keeps the form a follow-up is typed in ("2012-10-15").
func (w *Reply) day(t time.Time) string { return fmt.Sprint(i18n.Argument(w.lang, model.Day{Time: t})) }

// clock writes a moment without its zone in the reader's language;
// English keeps "2012-08-01 09:00".
func (w *Reply) clock(t time.Time) string {
	if i18n.Match(w.lang.String()) == i18n.English {
		return t.Format("2006-01-02 15:04")
	}
	return i18n.DateTime(w.lang, t)
}

// outreach shows the pipeline, a regional group's part of it, one
// country's outreach, or the follow-ups due.
func (e *Engine) outreach(ctx context.Context, w *Reply, r *Request) error {
	q := r.Args.Rest(0)
	if len(r.Args.Keys) > 0 {
		return errUsage
	}
	ow, err := e.outreachWorld(ctx, r)
	if err != nil {
		return err
	}
	switch g, isGroup := model.ParseGroup(q); {
	case q == "":
		err = e.outreachPipeline(ctx, w, r, ow, model.Groups, false)
	case strings.EqualFold(q, "due"):
		err = e.outreachDue(ctx, w, r, ow)
	case isGroup:
		err = e.outreachPipeline(ctx, w, r, ow, []model.Group{g}, true)
	default:
		c, cerr := match.Country(q)
		if cerr != nil {
			return cerr
		}
		err = e.outreachCountry(ctx, w, r, ow, c)
	}
	if err != nil {
		return err
	}
	return ow.done()
}

// outreachPipeline lists the countries of groups that have no active focal
// point, by stage: each with its owner and follow-up, except those not
// contacted that have neither, which are named only when full is set.
func (e *Engine) outreachPipeline(ctx context.Context, w *Reply, r *Request, ow outreachWorld, groups []model.Group, full bool) error {
	pl, err := e.svc.OutreachPipeline(ctx, r.caller(), groups)
	if err != nil {
		return err
	}
	if full {
		w.Printf(msgOutreachHeaderGroup, w.group(groups[0]), pl.Total)
	} else {
		w.Printf(msgOutreachHeader, pl.Total)
	}
	// The whole pipeline longer than a screen is summarised: each stage of
	// each group counted, outreach <group> listing it.
	summarise := !full && outreachLines(pl, groups) > outreachScreen
	for _, g := range groups {
		entries := pl.Groups[g]
		if len(entries) == 0 {
			continue
		}
		if !full {
			w.Printf(msgOutreachGroup, w.group(g), len(entries))
		}
		for _, st := range model.Stages {
			var listed []network.OutreachChange
			var bare []string
			for _, en := range entries {
				switch {
				case en.Outreach.Stage != st:
				case st == model.StageNotContacted && en.Outreach.OwnerID == 0 && en.Outreach.FollowUp.IsZero():
					bare = append(bare, en.Country.Alpha2)
				default:
					listed = append(listed, en)
				}
			}
			if len(listed)+len(bare) == 0 {
				continue
			}
			if summarise || len(bare) > 0 && !full {
				w.Printf(msgOutreachStageListed, w.stage(st), len(listed)+len(bare), g)
			} else {
				w.Printf(msgOutreachStage, w.stage(st), len(listed)+len(bare))
			}
			if summarise {
				continue
			}
			// Each list in the order of the countries' names in the reader's language.
			slices.SortStableFunc(listed, func(a, b network.OutreachChange) int {
				return strings.Compare(i18n.CountryKey(w.lang, a.Country.Alpha2), i18n.CountryKey(w.lang, b.Country.Alpha2))
			})
			for _, en := range listed {
				w.Printf(msgOutreachItem, w.countryName(en.Country), ow.details(w, en.Outreach))
			}
			if len(bare) > 0 && full {
				w.Printf(msgOutreachNames, i18n.CountryNames(w.lang, bare))
			}
		}
	}
	return nil
}

// outreachScreen is the most lines the whole pipeline shows in full: about
// a screen, as a page of the roster.
const outreachScreen = rosterPage

// outreachLines is how many lines the pipeline of groups takes when every
// country with an owner or a follow-up is listed: a line a group, a stage
// and a country listed.
func outreachLines(pl network.Pipeline, groups []model.Group) int {
	n := 1
	for _, g := range groups {
		entries := pl.Groups[g]
		if len(entries) == 0 {
			continue
		}
		n++
		stages := map[model.Stage]bool{}
		for _, en := range entries {
			stages[en.Outreach.Stage] = true
			if en.Outreach.Stage != model.StageNotContacted || en.Outreach.OwnerID != 0 || !en.Outreach.FollowUp.IsZero() {
				n++
			}
		}
		n += len(stages)
	}
	return n
}

// outreachCountry shows a country's stage, owner, follow-up and log. A
// country with an active focal point is appointed, whatever is recorded.
func (e *Engine) outreachCountry(ctx context.Context, w *Reply, r *Request, ow outreachWorld, c model.Country) error {
	v, err := e.svc.OutreachOf(ctx, r.caller(), c)
	if err != nil {
		return err
	}
	o, notes := v.Outreach, v.Notes
	outreachLine(w, ow, c, o, v.FocalPoints)
	if len(notes) == 0 {
		w.Printf(msgOutreachNoNotes, w.countryName(c))
		return nil
	}
	loc := e.zoneFor(r)
	w.Printf(msgOutreachLog)
	for _, n := range notes {
		at := n.At.In(loc)
		w.Printf(msgOutreachLogLine, w.clock(at)+" "+at.Format("MST"), n.Author, n.Text) // in the reader's zone, named
	}
	return nil
}

// outreachDue lists the follow-ups due by the caller's today: those whose
// owners are reminded.
func (e *Engine) outreachDue(ctx context.Context, w *Reply, r *Request, ow outreachWorld) error {
	due, err := e.svc.FollowUpsDue(ctx, r.caller(), ow.today)
	if err != nil {
		return err
	}
	if len(due) == 0 {
		w.Printf(msgOutreachNoneDue, w.day(ow.today))
		return nil
	}
	w.Printf(msgOutreachDue, w.day(ow.today), len(due))
	for _, o := range due {
		c, _ := model.CountryByCode(o.Country)
		w.Printf(msgOutreachDueItem, w.countryName(c), w.stage(o.Stage), ow.details(w, o))
	}
	return nil
}

// maxCountryWords is the most words a country's name takes ("United
// Kingdom of Great Britain and Northern Ireland").
const maxCountryWords = 8

// leadingCountry finds the country named by the most leading words and
// returns it with the words that follow. When no leading words name a
// country, the error is that of the first word, with suggestions.
func leadingCountry(words []string) (model.Country, []string, error) {
	for n := min(len(words), maxCountryWords); n >= 1; n-- {
		if c, err := match.Country(strings.Join(words[:n], " ")); err == nil {
			return c, words[n:], nil
		}
	}
	first := ""
	if len(words) > 0 {
		first = words[0]
	}
	_, err := match.Country(first)
	return model.Country{}, nil, err
}

// parseOutreachDay reads a follow-up day; whether it has passed is the
// service's to judge.
func parseOutreachDay(s string) (time.Time, error) {
	d, err := time.Parse("2006-01-02", model.ASCIIDigits(s))
	if err != nil {
		return time.Time{}, model.FieldErrorf("follow_up", model.EINVALID, msgOutreachBadDate, s)
	}
	return d, nil
}

// trailingFollowUp splits "… follow up 2012-10-15" (or "follow-up", or
// "followup") from the end of words. Words ending in "follow up" and no
// date are left as they are: "we will follow up" is part of a note.
func trailingFollowUp(words []string) ([]string, time.Time, error) {
	n := len(words)
	if n < 2 || words[n-1] == "" || words[n-1][0] < '0' || words[n-1][0] > '9' {
		return words, time.Time{}, nil
	}
	var rest []string
	switch {
	case n >= 3 && strings.EqualFold(words[n-3], "follow") && strings.EqualFold(words[n-2], "up"):
		rest = words[:n-3]
	case strings.EqualFold(words[n-2], "follow-up") || strings.EqualFold(words[n-2], "followup"):
		rest = words[:n-2]
	default:
		return words, time.Time{}, nil
	}
	d, err := parseOutreachDay(words[n-1])
	if err != nil {
		return nil, time.Time{}, err
	}
	return rest, d, nil
}

func (e *Engine) outreachLog(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Keys) > 0 {
		k := r.Args.Keys[0]
		return model.Errorf(model.EINVALID, msgOutreachNoOptions, k, k)
	}
	if len(r.Args.Words) == 0 {
		return errUsage
	}
	c, words, err := leadingCountry(r.Args.Words)
	if err != nil {
		return err
	}
	ow, err := e.outreachWorld(ctx, r)
	if err != nil {
		return err
	}
	words, followUp, err := trailingFollowUp(words)
	if err != nil {
		return err
	}
	ch, err := e.svc.LogOutreach(ctx, r.caller(), c, strings.Join(words, " "), followUp, e.zoneFor(r))
	if err != nil {
		return err
	}
	w.Printf(msgOutreachNoted, w.countryName(c))
	outreachSummary(w, ow, ch)
	return ow.done()
}

func (e *Engine) outreachStage(ctx context.Context, w *Reply, r *Request) error {
	words := r.Args.Words
	if len(words) < 2 || len(r.Args.Keys) > 0 {
		return errUsage
	}
	// The stage is the shortest tail that reads as one: "not contacted".
	i := 1
	for ; i < len(words); i++ {
		if _, err := model.ParseStage(strings.Join(words[i:], " ")); err == nil {
			break
		}
	}
	if i == len(words) {
		_, err := model.ParseStage(words[len(words)-1])
		return err
	}
	st, _ := model.ParseStage(strings.Join(words[i:], " "))
	c, err := match.Country(strings.Join(words[:i], " "))
	if err != nil {
		return err
	}
	return e.showOutreachChange(ctx, w, r, func(ctx context.Context) (network.OutreachChange, error) {
		return e.svc.SetOutreachStage(ctx, r.caller(), c, st)
	})
}

func (e *Engine) outreachOwner(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) < 2 || len(r.Args.Keys) > 0 {
		return errUsage
	}
	c, rest, err := leadingCountry(r.Args.Words)
	if err != nil {
		return err
	} else if len(rest) == 0 {
		return errUsage
	}
	var owner int64
	if ref := strings.Join(rest, " "); !strings.EqualFold(ref, "none") {
		p, err := e.findPerson(ctx, ref)
		if err != nil {
			return err
		}
		owner = p.ID
	}
	return e.showOutreachChange(ctx, w, r, func(ctx context.Context) (network.OutreachChange, error) {
		return e.svc.SetOutreachOwner(ctx, r.caller(), c, owner)
	})
}

func (e *Engine) outreachFollowUp(ctx context.Context, w *Reply, r *Request) error {
	words := r.Args.Words
	if len(words) < 2 || len(r.Args.Keys) > 0 {
		return errUsage
	}
	c, err := match.Country(strings.Join(words[:len(words)-1], " "))
	if err != nil {
		return err
	}
	var day time.Time
	if last := words[len(words)-1]; !strings.EqualFold(last, "none") {
		if day, err = parseOutreachDay(last); err != nil {
			return err
		}
	}
	return e.showOutreachChange(ctx, w, r, func(ctx context.Context) (network.OutreachChange, error) {
		return e.svc.SetOutreachFollowUp(ctx, r.caller(), c, day, e.zoneFor(r))
	})
}

// showOutreachChange runs an outreach change and shows the result.
func (e *Engine) showOutreachChange(ctx context.Context, w *Reply, r *Request, change func(ctx context.Context) (network.OutreachChange, error)) error {
	ow, err := e.outreachWorld(ctx, r)
	if err != nil {
		return err
	}
	ch, err := change(ctx)
	if err != nil {
		return err
	}
	outreachSummary(w, ow, ch)
	return ow.done()
}

// outreachLine shows a country's line: appointed, with its focal points,
// when it has any (whatever its outreach records), else its stage and
// details. It reports whether the country is appointed.
func outreachLine(w *Reply, ow outreachWorld, c model.Country, o model.Outreach, focalPoints []string) bool {
	if len(focalPoints) > 0 {
		w.Printf(msgOutreachAppointed, w.countryName(c), w.group(c.Group), i18n.JoinList(w.lang, focalPoints))
		return true
	}
	w.Printf(msgOutreachCountry, w.countryName(c), w.group(c.Group), w.stage(o.Stage), ow.details(w, o))
	return false
}

// outreachSummary shows a country's outreach in one line, and a hint when a
// follow-up has no owner to be reminded.
func outreachSummary(w *Reply, ow outreachWorld, ch network.OutreachChange) {
	c, o := ch.Country, ch.Outreach
	if outreachLine(w, ow, c, o, ch.FocalPoints) {
		return
	}
	if o.OwnerID == 0 && !o.FollowUp.IsZero() && o.Stage.Open() {
		w.Printf(msgOutreachNoOwnerHint, w.countryName(c), w.countryName(c))
	}
}

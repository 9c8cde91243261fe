package bot

import (
	"context"
	"strconv"
	"strings"

	"focalbot/i18n"
	"focalbot/match"
	"focalbot/model"
	"focalbot/network"

	"golang.org/x/text/language"
)

func (e *Engine) help(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) > 0 {
		cmd, n := e.lookup(r.Args.Words)
		subs := e.subcommands(r.Args.Words)
		if (cmd == nil || n != len(r.Args.Words)) && len(subs) == 0 {
			return e.unknownCommand(r.Args.Rest(0))
		}
		if cmd != nil && n == len(r.Args.Words) {
			w.Printf(msgHelpSynopsis, w.usage(cmd), w.p.Sprintf(cmd.Description))
			for _, ex := range cmd.Examples {
				w.Printf(msgHelpExample, ex)
			}
			if !cmd.Access.allows(r.Person) {
				w.Printf(msgHelpNotForYou)
			}
		}
		if len(subs) > 0 {
			w.Printf(msgHelpSubcommands, strings.Join(r.Args.Words, " "))
			shown := 0
			for _, c := range subs {
				if c.Access.allows(r.Person) {
					w.Printf(msgHelpLine, w.usage(c), w.p.Sprintf(c.Description))
					shown++
				}
			}
			if shown == 0 {
				w.Printf(msgHelpNotForYou)
			}
		}
		return nil
	}
	w.Printf(msgHelpIntro)
	for _, cmd := range e.commands {
		if cmd.Access.allows(r.Person) {
			w.Printf(msgHelpLine, w.usage(cmd), w.p.Sprintf(cmd.Description))
		}
	}
	if r.Person == nil {
		w.Printf(msgHelpRegister)
	}
	return nil
}

func (e *Engine) me(ctx context.Context, w *Reply, r *Request) error {
	e.profile(ctx, w, r.Person, r.Person, r)
	return nil
}

func (e *Engine) meSet(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) < 2 && len(r.Args.Keys) == 0 {
		return errUsage
	}
	var ch []network.Change
	if len(r.Args.Words) > 0 {
		ch = append(ch, network.Change{Field: r.Args.Words[0], Value: r.Args.Rest(1)})
	}
	return e.profileSet(ctx, w, r, append(ch, changes(r.Args)...))
}

// profileSet makes changes to the caller's profile and shows it.
func (e *Engine) profileSet(ctx context.Context, w *Reply, r *Request, changes []network.Change) error {
	up, err := e.svc.UpdateProfile(ctx, r.caller(), changes, func(to model.Person, code, network string) string {
		return w.p.Sprintf(msgEmailCodeMail, code, to.Name, to.Email, network, code)
	})
	if err != nil {
		return err
	}
	// The answer speaks the language the profile now has.
	w.setLanguage(up.Person.Language, r.Caller.Locale)
	if up.EmailPending && !up.Others {
		w.Printf(msgEmailConfirmSent)
		return nil
	}
	w.Printf(msgProfileUpdated)
	e.profile(ctx, w, &up.Person, &up.Person, r)
	if l := up.Person.Language; l != "" && l != r.Person.Language && !i18n.Supported(l) {
		w.Printf(msgProfileLanguageUnserved, i18n.LanguageName(w.lang, l))
	}
	if up.EmailPending {
		w.Printf(msgEmailConfirmSent)
	}
	return nil
}

func (e *Engine) meConfirmEmail(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 || len(r.Args.Keys) > 0 {
		return errUsage
	}
	p, err := e.svc.ConfirmEmail(ctx, r.caller(), r.Args.Rest(0))
	if err != nil {
		return err
	}
	w.Printf(msgProfileUpdated)
	e.profile(ctx, w, &p, &p, r)
	return nil
}

func (e *Engine) register(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 {
		return errUsage
	}
	c, err := match.Country(r.Args.Rest(0))
	if err != nil {
		return err
	}
	return e.registered(ctx, w, r, c, changes(r.Args))
}

// registered registers the caller for country c and says so.
func (e *Engine) registered(ctx context.Context, w *Reply, r *Request, c model.Country, ch []network.Change) error {
	who := network.Applicant{Name: r.Caller.Name, Email: r.Caller.Email, SlackID: r.Caller.SlackID, TimeZone: r.Caller.TimeZone}
	if _, err := e.svc.Register(ctx, r.caller(), c.Alpha2, who, ch); err != nil {
		return err
	}
	w.Printf(msgRegistered, w.countryName(c))
	return nil
}

func (e *Engine) country(ctx context.Context, w *Reply, r *Request) error {
	if len(r.Args.Words) == 0 {
		return errUsage
	}
	c, err := match.Country(r.Args.Rest(0))
	if err != nil {
		return err
	}
	return e.countryShown(ctx, w, r, c)
}

// countryShown shows country c and its people to the request's viewer.
func (e *Engine) countryShown(ctx context.Context, w *Reply, r *Request, c model.Country) error {
	people, err := e.svc.Roster(ctx, r.viewer(), []string{c.Alpha2})
	if err != nil {
		return err
	}
	n, err := e.store.Network(ctx)
	if err != nil {
		return err
	}
	w.Printf(msgCountryHeader, w.countryName(c), c.Alpha2, c.Alpha3, w.group(c.Group))
	if c.Observer {
		w.Printf(msgCountryObserver)
	}
	if len(c.AltNames) > 0 {
		w.Printf(msgCountryAlso, i18n.JoinList(w.lang, c.AltNames))
	}
	if others := match.Confusable(c); len(others) > 0 {
		codes := make([]string, len(others))
		for i, o := range others {
			codes[i] = o.Alpha2
		}
		w.Printf(msgCountryConfusable, i18n.CountryNames(w.lang, codes))
	}
	for _, code := range n.FacilitatingGroup {
		if code == c.Alpha2 {
			w.Printf(msgCountryFacilitator)
		}
	}
	if c.Note != "" {
		w.Printf(msgCountryNote, c.Note)
	}
	for _, p := range people {
		w.Printf(msgListItem, e.personLine(w, p, r.viewer()))
	}
	if len(people) == 0 {
		w.Printf(msgCountryNoFocalPoint)
	}
	return nil
}

func (e *Engine) network(ctx context.Context, w *Reply, r *Request) error {
	n, err := e.store.Network(ctx)
	if err != nil {
		return err
	}
	w.Printf(msgNetwork, n.Name, n.Secretariat, strings.ReplaceAll(n.Address, "\n", ", "), i18n.CountryNames(w.lang, n.FacilitatingGroup))
	return nil
}

// profile shows one person in full, contact details only to those allowed.
func (e *Engine) profile(ctx context.Context, w *Reply, p, viewer *model.Person, r *Request) {
	w.Printf(msgProfileName, p.Name, p.ID)
	w.Printf(msgProfileRole, w.role(p.Role), w.status(p.Status))
	if c, ok := model.CountryByCode(p.Country); ok {
		w.Printf(msgProfileCountry, w.countryName(c), w.group(c.Group))
	}
	if p.Title != "" {
		w.Printf(msgProfileTitle, p.Title)
	}
	if p.Organisation != "" {
		w.Printf(msgProfileMinistry, p.Organisation)
	}
	if network.MaySeeContact(viewer, *p) {
		if p.Email != "" {
			w.Printf(msgProfileEmail, p.Email)
		}
		if p.Phone != "" {
			w.Printf(msgProfilePhone, p.Phone)
		}
	}
	if p.SlackID != "" {
		w.Printf(msgProfileSlack, r.Caller.mention(p.SlackID))
	}
	if loc, err := model.LoadZone(p.TimeZone); err == nil {
		now := r.Now.In(loc)
		if w.lang == i18n.English || w.lang == (language.Tag{}) {
			w.Printf(msgProfileZone, p.TimeZone, now.Format("Mon 2 Jan 15:04"))
		} else {
			w.Printf(msgProfileZone, p.TimeZone, i18n.DateTime(w.lang, now))
		}
	} else {
		w.Printf(msgProfileNoZone)
	}
	if p.Language != "" {
		// The code as typed to set it, its case as the standard writes it
		// ("zh-Hans"), after the language's name in the reader's.
		code := p.Language
		if t, err := language.Parse(code); err == nil {
			code = t.String()
		}
		if name := i18n.LanguageName(w.lang, code); name != code {
			w.Printf(msgProfileLanguageNamed, name, code)
		} else {
			w.Printf(msgProfileLanguage, code)
		}
	}
	if !p.AppointedOn.IsZero() {
		w.Printf(msgProfileAppointed, i18n.Argument(w.lang, model.Day{Time: p.AppointedOn}))
	}
}

// personLine is one person on one line, contact details only to those allowed.
func (e *Engine) personLine(w *Reply, p model.Person, viewer *model.Person) string {
	parts := []string{p.Name, w.role(p.Role)}
	if p.Status != model.StatusActive {
		parts[1] += " (" + w.status(p.Status) + ")"
	}
	if p.Title != "" {
		parts = append(parts, p.Title)
	}
	if p.Organisation != "" {
		parts = append(parts, p.Organisation)
	}
	if network.MaySeeContact(viewer, p) {
		if p.Email != "" {
			parts = append(parts, p.Email)
		}
		if p.Phone != "" {
			parts = append(parts, p.Phone)
		}
	}
	if network.MaySeePending(viewer) {
		parts = append(parts, "#"+strconv.FormatInt(p.ID, 10))
	}
	return strings.Join(parts, " · ")
}

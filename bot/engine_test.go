package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/roster"
	"focalbot/storage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var start = time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC)

// world is an engine over a store with one person of each kind.
type world struct {
	t      *testing.T
	store  *storage.Store
	engine *bot.Engine
	logs   *bytes.Buffer
}

func newWorld(t *testing.T, s *storage.Store) *world {
	t.Helper()
	logs := &bytes.Buffer{}
	w := &world{t: t, store: s, logs: logs,
		engine: bot.New(s, clock.Fixed(start), slog.New(slog.NewTextHandler(logs, nil)), time.UTC)}
	people := []model.Person{
		{Name: "Ruth Adler", Email: "sec@example.org", Role: model.RoleSecretariat, Status: model.StatusActive, TimeZone: "America/New_York"},
		{Name: "Kwame Boateng", Email: "fp@example.org", Phone: "+233 30 266 4951", Country: "GH", Role: model.RoleFocalPoint, Status: model.StatusActive},
		{Name: "Anders Holm", Email: "alt@example.org", Country: "DK", Role: model.RoleAlternate, Status: model.StatusActive},
		{Name: "Olga Observer", Email: "obs@example.org", Role: model.RoleObserver, Status: model.StatusActive},
		{Name: "Alejandro Torres", Email: "pending@example.org", Country: "MX", Role: model.RoleFocalPoint, Status: model.StatusPending},
		{Name: "Ina Gone", Email: "inactive@example.org", Country: "NG", Role: model.RoleFocalPoint, Status: model.StatusInactive},
		{Name: "Tara Target", Email: "target@example.org", Country: "CL", Role: model.RoleFocalPoint, Status: model.StatusPending},
	}
	for i := range people {
		if err := s.CreatePerson(context.Background(), model.System, &people[i]); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// as runs a line as the person with that e-mail.
func (w *world) as(email, line string) *bot.Reply {
	return w.engine.Handle(context.Background(), bot.Caller{Email: email}, line)
}

// snapshot is the whole roster and audit log, to prove nothing changed.
func (w *world) snapshot() string {
	w.t.Helper()
	ctx := context.Background()
	people, err := w.store.People(ctx, model.PeopleFilter{})
	if err != nil {
		w.t.Fatal(err)
	}
	var b strings.Builder
	if err := roster.Write(&b, people); err != nil {
		w.t.Fatal(err)
	}
	audit, err := w.store.Audit(ctx, model.AuditFilter{Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	n, err := w.store.Network(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	fmt.Fprintf(&b, "audit entries: %d\nnetwork: %+v\n", len(audit), n)
	return b.String()
}

// The callers of the permission matrix, one of each kind.
var callers = []string{"guest", "pending", "fp", "alt", "obs", "inactive", "sec"}

var (
	everyone    = callers
	members     = []string{"pending", "fp", "alt", "obs", "sec"}
	secretariat = []string{"sec"}
)

// TestPermissionMatrix runs every command as every kind of caller. The table
// says independently of the declarations who may run what, and a test below
// checks that it covers every declared command.
func TestPermissionMatrix(t *testing.T) {
	matrix := []struct {
		line    string
		allowed []string
	}{
		{"help", everyone},
		{"me", members},
		{"me set title Director", members},
		{"me confirm email 123456", members},
		{"country Ghana", everyone},
		{"roster", everyone},
		{"coverage", everyone},
		{"network", everyone},
		{"add new%d@example.org name=\"New Person\" country=Peru", secretariat},
		{"update target@example.org title=Ambassador", secretariat},
		{"deactivate target@example.org", secretariat},
		{"pending", secretariat},
		{"approve target@example.org", secretariat},
		{"reject target@example.org", secretariat},
		{"grant secretariat target@example.org", secretariat},
		{"revoke secretariat target@example.org", secretariat},
		{"facilitators Australia, Costa Rica, Denmark, Ghana", secretariat},
		{"network set name=\"Global Network of R2P Focal Points\"", secretariat},
		{"audit", secretariat},
		{"meetings", everyone},
		{"feed", members},
		{"next", everyone},
		{"rsvp yes", everyone},
		{"rsvp yes 1 for fp@example.org", secretariat},
		{`delegate 1 colleague%d@example.org name="A Colleague"`, everyone},
		{`meeting create title="Network meeting" start="2012-09-29 10:00" end=17:00 venue="New York"`, secretariat},
		{"meeting change 1 venue=Geneva", secretariat},
		{"invite 1 all", secretariat},
		{"status 1", secretariat},
		{`poll create 0 deadline="2012-09-01 12:00" slots="2012-09-28 10:00-13:00, 2012-09-29 10:00-13:00"`, secretariat},
		{"poll", everyone},
		{"poll 1", members},
		{"poll answer 1 1", []string{"fp", "alt"}},
		{"poll close 1", secretariat},
		{"poll pick 1 1", secretariat},
		{"meeting schedule 1", secretariat},
		{"meeting cancel 1", secretariat},
		{"series", secretariat},
		{`series create name="Annual meeting" rule=unga start="2012-09-29 10:00" duration=7h venue="New York"`, secretariat},
		{"series stop 1", secretariat},
		{"series start 1", secretariat},
		{"mute all", members},
		{"unmute all", members},
		{"attendance 1", secretariat},
		{"outbox", secretariat},
		{"inbox", secretariat},
		{"outbox retry all", secretariat},
		{"clock", secretariat},
		{"clock advance 1d", secretariat},
		{"outreach", secretariat},
		{"outreach Kenya", secretariat},
		{"outreach log Kenya Called the mission. follow up 2012-12-01", secretariat},
		{"outreach stage Kenya interested", secretariat},
		{"outreach owner Kenya sec@example.org", secretariat},
		{"outreach follow-up Kenya 2012-12-01", secretariat},
		// Last: an inactive person who registers is pending afterwards.
		{"register Chile", everyone},
	}
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		covered := map[string]bool{}
		for i, row := range matrix {
			for _, who := range callers {
				email := who + "@example.org"
				if who == "guest" {
					email = fmt.Sprintf("guest%d@example.org", i) // a new stranger each time
				}
				line := row.line
				if strings.Contains(line, "%d") {
					line = fmt.Sprintf(line, i*100+len(covered))
				}
				allowed := contains(row.allowed, who)
				before := w.snapshot()
				r := w.as(email, line)
				covered[strings.Fields(line)[0]] = true
				if allowed && r.Code == model.EFORBIDDEN {
					t.Errorf("%s: %q was refused but should be allowed: %s", who, line, r.Text())
				}
				if !allowed {
					if r.Code != model.EFORBIDDEN {
						t.Errorf("%s: %q was allowed (code %q) but should be refused: %s", who, line, r.Code, r.Text())
					}
					if after := w.snapshot(); after != before {
						t.Errorf("%s: refused %q still changed something", who, line)
					}
				}
			}
		}
		for _, c := range w.engine.Commands() {
			if !covered[strings.Fields(c.Name)[0]] {
				t.Errorf("command %q is missing from the permission matrix", c.Name)
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestBadInputChangesNothing sends mistakes of every kind and checks that the
// answer says what to fix and that nothing changed.
func TestBadInputChangesNothing(t *testing.T) {
	cases := []struct {
		name, as, line, code, says string
	}{
		{"unknown country gets suggestions", "sec", `add x@example.org name=X country=Ghnaa`, model.ENOTFOUND, "Did you mean Ghana"},
		{"unknown country when registering", "guest", `register Danmark name="A B"`, model.ENOTFOUND, "Denmark"},
		{"malformed e-mail", "sec", `add not-an-address name=X country=Ghana`, model.EINVALID, "name@example.org"},
		{"duplicate e-mail", "sec", `add fp@example.org name=X country=Ghana`, model.ECONFLICT, "fp@example.org"},
		{"unknown time zone", "fp", `me set tz Mars/Olympus`, model.EINVALID, "IANA"},
		{"wrong date", "sec", `update fp@example.org appointed=29/09/2012`, model.EINVALID, "YYYY-MM-DD"},
		{"impossible date", "sec", `update fp@example.org appointed=2012-02-30`, model.EINVALID, "YYYY-MM-DD"},
		{"unknown field", "sec", `update fp@example.org colour=blue`, model.EINVALID, "use one of"},
		{"own role is not self-service", "fp", `me set role secretariat`, model.EINVALID, "use one of"},
		{"bad phone", "fp", `me set phone call me maybe`, model.EINVALID, "digits"},
		{"bad role", "sec", `update fp@example.org role=king`, model.EINVALID, "focal-point"},
		{"unclosed quote", "sec", `add y@example.org name="Y country=Ghana`, model.EINVALID, "quotation mark"},
		{"unknown command", "fp", `coverge`, model.EINVALID, "Did you mean coverage"},
		{"unknown person", "sec", `deactivate nobody@example.org`, model.ENOTFOUND, ""},
		{"approve someone not pending", "sec", `approve fp@example.org`, model.ECONFLICT, "not pending"},
		{"last secretariat cannot leave", "sec", `revoke secretariat sec@example.org`, model.ECONFLICT, "last active member"},
		{"last secretariat cannot be deactivated", "sec", `deactivate sec@example.org`, model.ECONFLICT, "last active member"},
		{"register twice", "fp", `register Ghana`, model.ECONFLICT, "already on the roster"},
		{"register with no name", "guest", `register Ghana`, model.EINVALID, "name="},
		{"unknown facilitator", "sec", `facilitators Australia, Atlantis`, model.ENOTFOUND, "Atlantis"},
		{"unknown group or country", "fp", `roster Narnia`, model.ENOTFOUND, "Narnia"},
	}
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { w.refuses(t, c.as, c.line, c.code, c.says) })
		}
	})
}

// refuses runs line as the person with the local part as, and checks that it
// fails with code, says says, and changes nothing.
func (w *world) refuses(t *testing.T, as, line, code, says string) {
	t.Helper()
	before := w.snapshot()
	r := w.as(as+"@example.org", line)
	if r.Code != code {
		t.Errorf("%q: code = %q, want %q; reply: %s", line, r.Code, code, r.Text())
	}
	if !strings.Contains(r.Text(), says) {
		t.Errorf("%q: reply %q does not say %q", line, r.Text(), says)
	}
	if after := w.snapshot(); after != before {
		t.Errorf("%q was refused but changed the data:\n%s", line, diff(before, after))
	}
}

func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}

// TestVisibility: names, titles and countries for all; e-mail and phone only
// for the secretariat and the person themselves.
func TestVisibility(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		for _, c := range []struct {
			as            string
			seesOthers    bool
			seesOwnDetail bool
		}{
			{"guest", false, false}, {"alt", false, false}, {"fp", false, true}, {"sec", true, false},
		} {
			r := w.as(c.as+"@example.org", "roster Ghana").Text()
			if !strings.Contains(r, "Kwame Boateng") {
				t.Errorf("%s: roster does not show the name: %s", c.as, r)
			}
			shows := strings.Contains(r, "fp@example.org") && strings.Contains(r, "+233")
			if want := c.seesOthers || c.seesOwnDetail; shows != want {
				t.Errorf("%s sees Kwame's e-mail and phone = %v, want %v: %s", c.as, shows, want, r)
			}
			if r := w.as(c.as+"@example.org", "country GH").Text(); strings.Contains(r, "@") != c.seesOthers && c.as != "fp" {
				t.Errorf("%s: country shows e-mail = %v: %s", c.as, !c.seesOthers, r)
			}
		}
		if r := w.as("fp@example.org", "me").Text(); !strings.Contains(r, "fp@example.org") || !strings.Contains(r, "+233") {
			t.Errorf("me does not show one's own contact details: %s", r)
		}
	})
}

// TestRegistrationWorkflow follows a stranger from registering to coverage.
func TestRegistrationWorkflow(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		steps := []struct{ as, line, want string }{
			{"ama@example.org", `register Cote d’Ivoire name="Ama Kouassi" title="Director, Legal"`, "pending approval"},
			{"ama@example.org", "me", "Côte d'Ivoire"},
			{"ama@example.org", "me set tz Africa/Abidjan", "Africa/Abidjan"},
			{"sec@example.org", "pending", "Ama Kouassi"},
			{"sec@example.org", "coverage", "1 of 193"},
			{"sec@example.org", "approve Ama Kouassi", "Approved: Ama Kouassi"},
			{"fp@example.org", "coverage", "2 of 193"},
			{"fp@example.org", "coverage", "African: 2 of 54 — Côte d'Ivoire, Ghana"},
			{"sec@example.org", "update ama@example.org role=alternate", "alternate"},
			{"sec@example.org", "coverage", "1 of 193"},
			{"sec@example.org", "audit Côte d'Ivoire", `role: "focal point" → "alternate"`},
			{"sec@example.org", "grant secretariat alt@example.org", "is now a member of the secretariat"},
			{"alt@example.org", "revoke secretariat sec@example.org role=focal-point country=USA", "now focal point"},
			{"sec@example.org", "pending", "Only the secretariat"},
			{"alt@example.org", "facilitators australia, costa rica, DNK, GH", "Australia, Costa Rica, Denmark, Ghana"},
			{"fp@example.org", "country Ghana", "facilitating group"},
			{"fp@example.org", "country Congo", "Not to be confused with: Democratic Republic of the Congo."},
			{"fp@example.org", "country congo dr", "Democratic Republic of the Congo (CD, COD)"},
			{"fp@example.org", "country Guinea", "Not to be confused with: Equatorial Guinea, Guinea-Bissau, Papua New Guinea."},
			{"alt@example.org", "grant secretariat obs@example.org", "is now a member"},
			{"alt@example.org", "revoke secretariat alt@example.org role=alternate", "You are no longer a member of the secretariat; you are now alternate."},
			{"alt@example.org", "pending", "Only the secretariat"},
		}
		for _, st := range steps {
			r := w.as(st.as, st.line)
			if !strings.Contains(r.Text(), st.want) {
				t.Fatalf("%s: %q answered:\n%s\nwant it to contain %q", st.as, st.line, r.Text(), st.want)
			}
		}
	})
}

// panicky is a store whose People and CoveredCountries panic, to prove the
// engine survives.
type panicky struct{ *storage.Store }

func (panicky) People(context.Context, model.PeopleFilter) ([]model.Person, error) {
	panic("boom")
}

func (panicky) CoveredCountries(context.Context) ([]string, error) {
	panic("boom")
}

func TestPanicIsAnsweredAndLogged(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	logs := &bytes.Buffer{}
	e := bot.New(panicky{s}, clock.Fixed(start), slog.New(slog.NewTextHandler(logs, nil)), time.UTC)
	r := e.Handle(context.Background(), bot.Caller{Email: "x@example.org"}, "coverage")
	if r.Code != model.EINTERNAL || !strings.Contains(r.Text(), "Sorry") {
		t.Errorf("reply = %q (%s), want an apology", r.Text(), r.Code)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic was not logged: %s", logs)
	}
	if r := e.Handle(context.Background(), bot.Caller{Email: "x@example.org"}, "help"); r.Code != "" {
		t.Errorf("the engine did not survive the panic: %s", r.Text())
	}
}

// TestGrantSaysItActivates: granting the secretariat to someone inactive
// or pending makes them active, and the answer says so; to someone active
// it says nothing of it.
func TestGrantSaysItActivates(t *testing.T) {
	w := newWorld(t, storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start)))
	for _, c := range []struct{ line, want, not string }{
		{"grant secretariat inactive@example.org", "Ina Gone is now a member of the secretariat.\nIna Gone was inactive: with the role, they are active.", ""},
		{"grant secretariat pending@example.org", "Alejandro Torres was pending approval: with the role, they are active.", ""},
		{"grant secretariat alt@example.org", "Anders Holm is now a member of the secretariat.", "with the role"},
	} {
		got := w.as("sec@example.org", c.line).Text()
		if !strings.Contains(got, c.want) || (c.not != "" && strings.Contains(got, c.not)) {
			t.Errorf("%s:\n%s\nwant %q", c.line, got, c.want)
		}
	}
}

// TestUpdateThatChangesNothing: an update to the details someone has
// already says so, and the log records nothing; a real change is
// "Updated".
func TestUpdateThatChangesNothing(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	w := newWorld(t, s)
	if got := w.as("sec@example.org", "update alt@example.org role=alternate").Text(); !strings.HasPrefix(got, "Nothing to change, these are the details already: Anders Holm · alternate") {
		t.Errorf("an update to the same role: %s", got)
	}
	if got := w.as("sec@example.org", "update alt@example.org title=Adviser").Text(); !strings.HasPrefix(got, "Updated: Anders Holm · alternate · Adviser") {
		t.Errorf("a real update: %s", got)
	}
	entries, err := s.Audit(context.Background(), model.AuditFilter{Subject: "person:3"})
	if err != nil {
		t.Fatal(err)
	}
	updates := 0
	for _, a := range entries {
		if a.Action == "person.update" {
			updates++
		}
	}
	if updates != 1 {
		t.Errorf("%d person.update entries, want 1 (the title)", updates)
	}
}

// TestJoiningSaysWhichMeetingsToInvite: someone approved or added as a
// focal point or alternate while a meeting is coming, to which "invite
// all" went before they were on the roster, is named with the command that
// invites them; a draft, a meeting they are invited to and a role that is
// not invited say nothing.
func TestJoiningSaysWhichMeetingsToInvite(t *testing.T) {
	storetest.ForEachBackend(t, clock.Fixed(start), func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s)
		w.as("sec@example.org", `meeting create title="Second meeting" start="2012-09-29 10:00" venue=NY`)
		w.as("sec@example.org", `meeting create title="Draft" start="2012-10-29 10:00" venue=NY draft=yes`)
		w.as("sec@example.org", "invite 1 all")
		got := w.as("sec@example.org", "approve pending@example.org").Text()
		if want := "Meeting 1, Second meeting, is coming, and Alejandro Torres is not invited to it: invite 1 #5 invites them."; !strings.Contains(got, want) || strings.Contains(got, "Draft") {
			t.Errorf("approve:\n%s\nwant %q", got, want)
		}
		if r := w.as("sec@example.org", "invite 1 #5"); !strings.Contains(r.Text(), "1 newly invited") {
			t.Errorf("the command the hint gives: %s", r.Text())
		}
		if got := w.as("sec@example.org", "add new@example.org name=Nadia country=Peru role=alternate").Text(); !strings.Contains(got, "Nadia is not invited to it: invite 1 #8") {
			t.Errorf("add:\n%s", got)
		}
		if got := w.as("sec@example.org", "add obs2@example.org name=Oscar role=observer").Text(); strings.Contains(got, "not invited") {
			t.Errorf("an observer added:\n%s", got)
		}
		w.as("sec@example.org", "update new@example.org status=inactive")
		if got := w.as("sec@example.org", "approve target@example.org").Text(); !strings.Contains(got, "invite 1 #7") {
			t.Errorf("approve:\n%s", got)
		}
	})
}

// TestZoneTypedLoosely: a zone typed in lower case or as its city is
// stored as its IANA name, for a profile and a meeting alike.
func TestZoneTypedLoosely(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/z.db", clock.Fixed(start))
	w := newWorld(t, s)
	if got := w.as("fp@example.org", "me set tz accra").Text(); !strings.Contains(got, "Time zone: Africa/Accra") {
		t.Errorf("me set tz accra:\n%s", got)
	}
	p, err := s.PersonByEmail(context.Background(), "fp@example.org")
	if err != nil || p.TimeZone != "Africa/Accra" {
		t.Errorf("stored zone %q, %v", p.TimeZone, err)
	}
	if got := w.as("sec@example.org", `meeting create title="M" start="2012-09-29 10:00" tz="europe/copenhagen" venue=Copenhagen`).Text(); !strings.Contains(got, "CEST (Copenhagen time)") {
		t.Errorf("meeting create tz=europe/copenhagen:\n%s", got)
	}
	w.refuses(t, "fp", "me set tz geneva", model.EINVALID, `Unknown time zone "geneva"`)
}

// TestFacilitatorsSayWhatTheyDrop: a group replaces the one before, and
// the answer names the countries no longer in it; a group that keeps
// every country says nothing of it.
func TestFacilitatorsSayWhatTheyDrop(t *testing.T) {
	w := newWorld(t, storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start)))
	w.expect(t, "sec", "facilitators Australia, Costa Rica, Denmark, Ghana", "The facilitating group is now: Australia, Costa Rica, Denmark, Ghana.", "No longer")
	w.expect(t, "sec", "facilitators Australia, Costa Rica, Denmark, Ghana, Germany", "Ghana, Germany.", "No longer")
	w.expect(t, "sec", "facilitators Germany",
		"The facilitating group is now: Germany.\nNo longer in it: Australia, Costa Rica, Denmark, Ghana. To add a country, give the whole group: facilitators <country>", "")
}

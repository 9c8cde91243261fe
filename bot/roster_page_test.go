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
	"focalbot/bot/console"
	"focalbot/clock"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

// TestRosterPages proves that a roster longer than a page is shown 50
// people at a time, in country-name order, each page saying how to see the
// next, with the filter kept; and that a bad page number is refused.
func TestRosterPages(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	var rows []storage.ImportRow
	// Denmark (DK) sorts before Ghana by name, Zambia after; 120 people.
	for i, c := range []string{"ZM", "GH", "DK"} {
		for j := range 40 {
			role := model.RoleAlternate
			if j == 0 {
				role = model.RoleFocalPoint
			}
			rows = append(rows, storage.ImportRow{Person: model.Person{Name: fmt.Sprintf("Person %d-%02d", i, j), Country: c,
				Email: fmt.Sprintf("p%d-%02d@example.org", i, j), Role: role, Status: model.StatusActive}})
		}
	}
	if _, err := s.ImportPeople(context.Background(), model.System, rows, false); err != nil {
		t.Fatal(err)
	}
	e := bot.New(s, clock.Fixed(start), slog.New(slog.DiscardHandler), time.UTC)
	ask := func(line string) *bot.Reply {
		return e.Handle(context.Background(), bot.Caller{Email: "p0-01@example.org"}, line)
	}
	count := func(text string) int { return strings.Count(text, "  • ") }

	one := ask("roster").Text()
	if !strings.HasPrefix(one, "Roster: 120 people.") || count(one) != 50 || !strings.Contains(one, "Page 1 of 3. For the next one: roster page 2") {
		t.Fatalf("roster:\n%s", one)
	}
	if !strings.Contains(one, "Denmark") || strings.Contains(one, "Zambia") {
		t.Errorf("page 1 is not in country-name order (Denmark, Ghana, Zambia):\n%s", one)
	}
	three := ask("roster page 3").Text()
	if count(three) != 20 || !strings.Contains(three, "Zambia") || !strings.Contains(three, "Page 3 of 3, the last.") {
		t.Errorf("roster page 3:\n%s", three)
	}
	africa := ask("roster African page 1").Text()
	if !strings.Contains(africa, "Roster for African: 80 people.") || !strings.Contains(africa, "roster African page 2") {
		t.Errorf("roster African page 1:\n%s", africa)
	}
	if small := ask("roster Denmark").Text(); count(small) != 40 || strings.Contains(small, "Page") {
		t.Errorf("a roster of one page says nothing of pages:\n%s", small)
	}
	for _, bad := range []string{"roster page 0", "roster page two", "roster page", "roster page 4"} {
		if r := ask(bad); r.Code != model.EINVALID {
			t.Errorf("%s: %s (%s), want EINVALID", bad, r.Text(), r.Code)
		}
	}
	// The page asked for and the last one, with no count of pages to
	// agree with ("1 pages").
	for line, want := range map[string]string{
		"roster page 4":         "There is no page 4: the last page of the roster here is 3 (50 people to a page).",
		"roster Denmark page 2": "There is no page 2: the last page of the roster here is 1 (50 people to a page).",
	} {
		if r := ask(line); r.Text() != want {
			t.Errorf("%s: %q, want %q", line, r.Text(), want)
		}
	}
}

// TestStatusPages proves that status of a meeting with more invitees than
// a page lists them 50 at a time (by answer, country name and name), each
// page naming the command for the next, the countries and undelivered
// messages on the first; that an answer, a country or a regional group
// selects invitees, the filter kept from page to page; that the undelivered
// messages named are at most ten, the rest counted; and that bad pages and
// words are refused, saying what to type.
func TestStatusPages(t *testing.T) {
	s, e, m := statusWorld(t, []string{"ZM", "GH", "DK"}, 40, 40)
	// Denmark declines; Ghana's first says yes; every invitation's e-mail failed.
	invs, err := s.Invitations(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs {
		resp := model.Response("")
		switch {
		case inv.Country == "DK":
			resp = model.ResponseNo
		case inv.Name == "Person 1-00":
			resp = model.ResponseYes
		}
		if resp != "" {
			if _, err := s.RespondFor(context.Background(), model.System, inv.ID, resp, m.Sequence); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.DB().Exec("UPDATE outbox SET status = 'failed', last_error = '550 no such user'").Error; err != nil {
		t.Fatal(err)
	}
	// Invited last of Zambia, first of it by name: a run of one answer and
	// country that two pages share is sorted by name across both.
	if err := s.DB().Exec("UPDATE invitations SET name = 'Aaron Zed' WHERE name = 'Person 0-39'").Error; err != nil {
		t.Fatal(err)
	}
	ask := func(line string) *bot.Reply {
		return e.Handle(context.Background(), bot.Caller{Email: "sec@example.org"}, line)
	}
	names := func(text string) int { return strings.Count(text, "Person ") + strings.Count(text, "Aaron Zed") }

	one := ask("status 1").Text()
	for _, want := range []string{"Countries invited: 3 — coming: 1, maybe: 0, declined: 1, silent: 1", "Invited: 120 — coming: 1, maybe: 0, not coming: 40, no answer yet: 79",
		"coming: Person 1-00 (Ghana)", "Not delivered and not named here: 110 more; outbox 1 shows the latest messages.",
		"Page 1 of 3. For the next one: status 1 page 2"} {
		if !strings.Contains(one, want) {
			t.Errorf("status 1 lacks %q:\n%s", want, one)
		}
	}
	if n := names(one); n != 50 {
		t.Errorf("status 1 names %d invitees, want 50:\n%s", n, one)
	}
	if n := strings.Count(one, "Not delivered (email to "); n != 10 {
		t.Errorf("status 1 names %d undelivered messages, want 10:\n%s", n, one)
	}
	// Coming first, then not coming (Denmark), then silent: page 1 ends in Ghana.
	if !strings.Contains(one, "not coming: Person 2-00 (Denmark)") || strings.Contains(one, "Zambia)") {
		t.Errorf("page 1 is not by answer, then country name:\n%s", one)
	}
	three := ask("status 1 page 3").Text()
	if names(three) != 20 || !strings.Contains(three, "Page 3 of 3, the last.") || strings.Contains(three, "Countries invited") ||
		strings.Contains(three, "Not delivered") || !strings.Contains(three, "no answer yet: Person 0-19 (Zambia), Person 0-20 (Zambia)") ||
		strings.Contains(three, "Aaron") {
		t.Errorf("status 1 page 3:\n%s", three)
	}
	if two := ask("status 1 page 2").Text(); !strings.Contains(two, "(Ghana), Aaron Zed (Zambia), Person 0-00 (Zambia)") {
		t.Errorf("status 1 page 2 is not by name within Zambia:\n%s", two)
	}
	declined := ask("status 1 declined").Text()
	if !strings.Contains(declined, "People (not coming):\nInvited: 40 — coming: 0, maybe: 0, not coming: 40, no answer yet: 0") ||
		names(declined) != 40 || strings.Contains(declined, "Page") || strings.Contains(declined, "Countries invited") {
		t.Errorf("status 1 declined:\n%s", declined)
	}
	if ghana := ask("status 1 Ghana").Text(); !strings.Contains(ghana, "People (Ghana):") || names(ghana) != 40 || strings.Contains(ghana, "Denmark") {
		t.Errorf("status 1 Ghana:\n%s", ghana)
	}
	africa := ask("status 1 African").Text()
	if !strings.Contains(africa, "Invited: 80") || names(africa) != 50 || !strings.Contains(africa, "For the next one: status 1 African page 2") {
		t.Errorf("status 1 African:\n%s", africa)
	}
	if two := ask("status 1 African page 2").Text(); names(two) != 30 || !strings.Contains(two, "Page 2 of 2, the last.") {
		t.Errorf("status 1 African page 2:\n%s", two)
	}
	// E-mail addresses only where a message to one was not delivered, as
	// before: never beside an invitee's name.
	for _, text := range []string{one, three, declined, africa} {
		for _, l := range strings.Split(text, "\n") {
			if strings.Contains(l, "@") && !strings.HasPrefix(l, "Not delivered (email to ") {
				t.Errorf("an e-mail address is shown: %s", l)
			}
		}
	}
	for line, want := range map[string]string{
		"status 1 page 0":   "A page is a number from 1, e.g. status 1 page 2.",
		"status 1 page two": "A page is a number from 1, e.g. status 1 page 2.",
		"status 1 page":     "A page is a number from 1, e.g. status 1 page 2.",
		"status 1 page 4":   "There is no page 4: the last page of the status of meeting 1 here is 3 (50 people to a page).",
		"status 1 xyzzy":    `"xyzzy" is neither an answer (yes, maybe, no, none, delegated), a regional group nor a country: see help status.`,
	} {
		if r := ask(line); r.Code != model.EINVALID || r.Text() != want {
			t.Errorf("%s: %q (%s), want EINVALID: %q", line, r.Text(), r.Code, want)
		}
	}
	if r := ask("status 1 Ghanaa"); r.Code != model.ENOTFOUND || !strings.Contains(r.Text(), "Ghana") {
		t.Errorf("status 1 Ghanaa: %q (%s), want the country suggested", r.Text(), r.Code)
	}
	if r := e.Handle(context.Background(), bot.Caller{Email: "p0-01@example.org"}, "status 1"); r.Code != model.EFORBIDDEN {
		t.Errorf("status 1 by a focal point: %q (%s), want EFORBIDDEN", r.Text(), r.Code)
	}
}

// TestStatusPagesInTheConsole: the console, given the next page's command
// as status names it, shows that page.
func TestStatusPagesInTheConsole(t *testing.T) {
	_, e, _ := statusWorld(t, []string{"ZM", "GH", "DK"}, 40, 40)
	var out bytes.Buffer
	c := &console.Console{Handler: e, Caller: bot.Caller{Email: "sec@example.org"}, In: strings.NewReader("status 1\nstatus 1 page 2\nstatus 1 Zambia\n"), Out: &out}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	answers := strings.Split(strings.TrimSpace(out.String()), "\n\n")
	if len(answers) != 3 || !strings.HasSuffix(answers[0], "Page 1 of 3. For the next one: status 1 page 2") ||
		!strings.HasSuffix(answers[1], "Page 2 of 3. For the next one: status 1 page 3") ||
		strings.Count(answers[1], "Person ") != 50 || strings.Count(answers[2], "Person ") != 40 || strings.Contains(answers[2], "Ghana") {
		t.Errorf("the console printed %d answers:\n%s", len(answers), out.String())
	}
}

// statusWorld is a roster of perCountry people in each of countries (the
// first of each a focal point, the rest alternates), a member of the
// secretariat, and meeting 1 with the first invited of each country
// invited, an e-mail queued to each.
func statusWorld(tb testing.TB, countries []string, perCountry, invited int) (*storage.Store, *bot.Engine, model.Meeting) {
	tb.Helper()
	ctx := context.Background()
	s := storetest.Open(tb, tb.TempDir()+"/f.db", clock.Fixed(start))
	rows := []storage.ImportRow{{Person: model.Person{Name: "Sec", Email: "sec@example.org", Role: model.RoleSecretariat, Status: model.StatusActive}}}
	for i, c := range countries {
		for j := range perCountry {
			role := model.RoleAlternate
			if j == 0 {
				role = model.RoleFocalPoint
			}
			rows = append(rows, storage.ImportRow{Person: model.Person{Name: fmt.Sprintf("Person %d-%02d", i, j), Country: c,
				Email: fmt.Sprintf("p%d-%02d@example.org", i, j), Role: role, Status: model.StatusActive}})
		}
	}
	if _, err := s.ImportPeople(ctx, model.System, rows, false); err != nil {
		tb.Fatal(err)
	}
	m := model.Meeting{Title: "Annual meeting", Start: start.AddDate(0, 1, 0), End: start.AddDate(0, 1, 0).Add(7 * time.Hour),
		TimeZone: "UTC", Venue: "New York", Status: model.MeetingScheduled}
	if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
		tb.Fatal(err)
	}
	people, err := s.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleFocalPoint, model.RoleAlternate}})
	if err != nil {
		tb.Fatal(err)
	}
	var invs []model.Invitation
	for _, p := range people {
		var i, j int
		if _, err := fmt.Sscanf(p.Name, "Person %d-%d", &i, &j); err != nil {
			tb.Fatal(err)
		}
		if j < invited {
			invs = append(invs, model.Invitation{PersonID: p.ID, Name: p.Name, Email: p.Email, Country: p.Country})
		}
	}
	if _, err := s.Invite(ctx, model.System, m.ID, invs, func(m model.Meeting, inv model.Invitation) []model.OutboxItem {
		return []model.OutboxItem{{Key: fmt.Sprintf("meeting:%d/invitation:%d/email/request/seq:%d", m.ID, inv.ID, m.Sequence),
			Channel: model.ChannelEmail, Kind: model.KindRequest, MeetingID: m.ID, InvitationID: inv.ID, Recipient: inv.Email}}
	}); err != nil {
		tb.Fatal(err)
	}
	return s, bot.New(s, clock.Fixed(start), slog.New(slog.DiscardHandler), time.UTC), m
}

// TestOutreachSummarised: the whole outreach pipeline, every country
// without a focal point and each with an owner, is longer than a screen,
// so each group's stages are counted and outreach <group> named to list
// them; a group's pipeline lists its countries in full, each owner named.
func TestOutreachSummarised(t *testing.T) {
	s := storetest.Open(t, t.TempDir()+"/f.db", clock.Fixed(start))
	e := bot.New(s, clock.Fixed(start), slog.New(slog.DiscardHandler), time.UTC)
	ownEveryCountry(t, s)
	ask := func(line string) string {
		r := e.Handle(context.Background(), bot.Caller{Email: "sec@example.org"}, line)
		if r.Code != "" {
			t.Fatalf("%s: %s", line, r.Text())
		}
		return r.Text()
	}
	all := ask("outreach")
	members := len(model.MemberStates())
	if !strings.HasPrefix(all, fmt.Sprintf("Outreach: %d countries without an active focal point.", members)) ||
		!strings.Contains(all, "  contacted (54): outreach AG lists them") || strings.Contains(all, "•") {
		t.Errorf("outreach is not summarised:\n%s", all)
	}
	if n := strings.Count(all, "\n") + 1; n > 50 {
		t.Errorf("outreach takes %d lines, more than a screen:\n%s", n, all)
	}
	africa := ask("outreach African")
	if n := strings.Count(africa, "    • "); n != 54 || !strings.Contains(africa, "    • Ghana — owner Sec") {
		t.Errorf("outreach African lists %d countries, want 54 each with its owner:\n%s", n, africa)
	}
}

// ownEveryCountry puts a member of the secretariat (sec@example.org, added
// here) in charge of the outreach to every member state, contacted.
func ownEveryCountry(tb testing.TB, s *storage.Store) {
	tb.Helper()
	ctx := context.Background()
	sec := model.Person{Name: "Sec", Email: "sec@example.org", Role: model.RoleSecretariat, Status: model.StatusActive}
	if err := s.CreatePerson(ctx, model.System, &sec); err != nil {
		tb.Fatal(err)
	}
	for _, c := range model.MemberStates() {
		if _, err := s.UpdateOutreach(ctx, model.System, c.Alpha2, func(o *model.Outreach) error {
			o.OwnerID, o.Stage = sec.ID, model.StageContacted
			return nil
		}); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkRoster10k answers roster (its first and its last page) and
// coverage with 10,000 people on the roster, 20 countries; status of a
// meeting with 2,000 of them invited (a page, the last page, a country, an
// answer); and outreach with every country missing (no focal points among
// 10,000 alternates) and an owner for each (issue 12: a cost that grows
// with what the answer shows).
//
//	go test ./bot -run '^$' -bench Roster10k
func BenchmarkRoster10k(b *testing.B) {
	s := storetest.Open(b, b.TempDir()+"/f.db", clock.Fixed(start))
	countries := []string{"GH", "DK", "CR", "AU", "BR", "CA", "CL", "FI", "FR", "DE", "IN", "JP", "KE", "MX", "NO", "PE", "QA", "RW", "ES", "SE"}
	rows := make([]storage.ImportRow, 10000)
	for i := range rows {
		role := model.RoleAlternate
		if i < len(countries) {
			role = model.RoleFocalPoint
		}
		rows[i] = storage.ImportRow{Person: model.Person{Name: fmt.Sprintf("Person %05d", i), Country: countries[i%len(countries)],
			Email: fmt.Sprintf("p%05d@example.org", i), Role: role, Status: model.StatusActive}}
	}
	if _, err := s.ImportPeople(context.Background(), model.System, rows, false); err != nil {
		b.Fatal(err)
	}
	e := bot.New(s, clock.Fixed(start), slog.New(slog.DiscardHandler), time.UTC)
	answer := func(e *bot.Engine, as string, lines ...string) {
		for _, line := range lines {
			b.Run(strings.ReplaceAll(line, " ", "_"), func(b *testing.B) {
				size := 0
				for b.Loop() {
					r := e.Handle(context.Background(), bot.Caller{Email: as}, line)
					if r.Code != "" {
						b.Fatalf("%s: %s", line, r.Text())
					}
					size = len(r.Text())
				}
				b.ReportMetric(float64(size), "answer-bytes")
			})
		}
	}
	answer(e, "p00001@example.org", "roster", "roster page 200", "roster Ghana", "coverage")

	// 10,000 people, 100 of each country invited; a quarter declined.
	ss, se, _ := statusWorld(b, countries, 500, 100)
	if err := ss.DB().Exec("UPDATE invitations SET response = ? WHERE id % 4 = 0", model.ResponseNo).Error; err != nil {
		b.Fatal(err)
	}
	answer(se, "sec@example.org", "status 1", "status 1 page 40", "status 1 Ghana", "status 1 declined")

	// Every country missing: 10,000 alternates, no focal point.
	noFocal := storetest.Open(b, b.TempDir()+"/o.db", clock.Fixed(start)) // every country missing
	for i := range rows {
		rows[i].Person.Role = model.RoleAlternate
	}
	if _, err := noFocal.ImportPeople(context.Background(), model.System, rows, false); err != nil {
		b.Fatal(err)
	}
	ownEveryCountry(b, noFocal)
	answer(bot.New(noFocal, clock.Fixed(start), slog.New(slog.DiscardHandler), time.UTC), "sec@example.org",
		"outreach", "outreach African", "outreach Ghana")
}

package slack

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"focalbot/model"
	"focalbot/storage"
)

// TestStatusAndOutreachOverSlack proves that in Slack, as in the console,
// status of a meeting with more invitees than a page shows 50 of them
// and names the command for the next page, which works when typed; that a
// filter selects invitees; that a focal point is refused without a name
// shown; and that the whole outreach pipeline, longer than a screen, is
// summarised by group.
func TestStatusAndOutreachOverSlack(t *testing.T) {
	fs := newFakeSlack(t)
	b := startBot(t, fs, botOptions{dsn: sqliteDSN(t)})
	roster(b) // U1 Ama, a focal point of Ghana; U2 Ruth, of the secretariat
	ctx := context.Background()
	var rows []storage.ImportRow
	for i, c := range []string{"ZM", "DK", "KE"} {
		for j := range 40 {
			rows = append(rows, storage.ImportRow{Person: model.Person{Name: fmt.Sprintf("Person %d-%02d", i, j), Country: c,
				Email: fmt.Sprintf("p%d-%02d@example.org", i, j), Role: model.RoleAlternate, Status: model.StatusActive}})
		}
	}
	if _, err := b.store.ImportPeople(ctx, model.System, rows, false); err != nil {
		t.Fatal(err)
	}
	m := model.Meeting{Title: "Annual meeting", Start: t0.AddDate(0, 1, 0), End: t0.AddDate(0, 1, 0).Add(7 * time.Hour),
		TimeZone: "UTC", Venue: "New York", Status: model.MeetingScheduled}
	if err := b.store.CreateMeeting(ctx, model.System, &m); err != nil {
		t.Fatal(err)
	}
	people, err := b.store.People(ctx, model.PeopleFilter{Roles: []model.Role{model.RoleAlternate}})
	if err != nil {
		t.Fatal(err)
	}
	var invs []model.Invitation
	for _, p := range people {
		invs = append(invs, model.Invitation{PersonID: p.ID, Name: p.Name, Email: p.Email, Country: p.Country})
	}
	if _, err := b.store.Invite(ctx, model.System, m.ID, invs, func(model.Meeting, model.Invitation) []model.OutboxItem { return nil }); err != nil {
		t.Fatal(err)
	}
	names := func(text string) int { return strings.Count(text, "Person ") }

	b.event(dm("Ev1", "U2", "status 1"))
	one := next(t, fs.posts, "status 1").Text
	if names(one) != 50 || !strings.Contains(one, "Invited: 120") || !strings.Contains(one, "Page 1 of 3. For the next one: status 1 page 2") {
		t.Errorf("status 1 in Slack:\n%s", one)
	}
	b.event(dm("Ev2", "U2", "status 1 page 3"))
	if three := next(t, fs.posts, "status 1 page 3").Text; names(three) != 20 || !strings.Contains(three, "Page 3 of 3, the last.") {
		t.Errorf("status 1 page 3 in Slack:\n%s", three)
	}
	b.event(dm("Ev3", "U2", "status 1 Denmark"))
	if dk := next(t, fs.posts, "status 1 Denmark").Text; names(dk) != 40 || !strings.Contains(dk, "People (Denmark):") || strings.Contains(dk, "Kenya") {
		t.Errorf("status 1 Denmark in Slack:\n%s", dk)
	}
	b.event(dm("Ev4", "U1", "status 1"))
	if refused := next(t, fs.posts, "status 1 by a focal point").Text; names(refused) != 0 || strings.Contains(refused, "Invited:") {
		t.Errorf("a focal point sees the status:\n%s", refused)
	}

	ruth, err := b.store.PersonByEmail(ctx, "ruth@globalr2p.example.org")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range model.MemberStates() {
		if _, err := b.store.UpdateOutreach(ctx, model.System, c.Alpha2, func(o *model.Outreach) error {
			o.OwnerID = ruth.ID
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	b.event(dm("Ev5", "U2", "outreach"))
	all := next(t, fs.posts, "outreach").Text
	if !strings.Contains(all, "outreach AG lists them") || strings.Contains(all, "•") || strings.Count(all, "\n") >= 50 {
		t.Errorf("outreach in Slack is not summarised:\n%s", all)
	}
	b.event(dm("Ev6", "U2", "outreach WEOG"))
	if weog := next(t, fs.posts, "outreach WEOG").Text; !strings.Contains(weog, "• Norway — owner Ruth Adler") {
		t.Errorf("outreach WEOG in Slack:\n%s", weog)
	}
}

package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"focalbot/bot"
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
}

// BenchmarkRoster10k answers roster (its first and its last page) and
// coverage with 10,000 people on the roster, 20 countries (issue 12: a cost
// that grows with what the answer shows).
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
	for _, line := range []string{"roster", "roster page 200", "roster Ghana", "coverage"} {
		b.Run(strings.ReplaceAll(line, " ", "_"), func(b *testing.B) {
			size := 0
			for b.Loop() {
				r := e.Handle(context.Background(), bot.Caller{Email: "p00001@example.org"}, line)
				if r.Code != "" {
					b.Fatalf("%s: %s", line, r.Text())
				}
				size = len(r.Text())
			}
			b.ReportMetric(float64(size), "answer-bytes")
		})
	}
}

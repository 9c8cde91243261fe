package feed_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"focalbot/clock"
	"focalbot/delivery"
	"focalbot/feed"
	"focalbot/internal/pgtest"
	"focalbot/internal/storetest"
	"focalbot/model"
	"focalbot/storage"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var ctx = context.Background()

func TestFeeds(t *testing.T) {
	t0 := time.Date(2012, 8, 1, 13, 0, 0, 0, time.UTC)
	storetest.ForEachBackend(t, clock.Fixed(t0), func(t *testing.T, s *storage.Store) {
		mk := func(title string, public bool, status model.MeetingStatus) model.Meeting {
			m := model.Meeting{Title: title, Start: t0.Add(24 * time.Hour), End: t0.Add(26 * time.Hour), TimeZone: "America/New_York",
				Venue: "New York", Status: status, Public: public}
			if err := s.CreateMeeting(ctx, model.System, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		open := mk("Open Network Meeting", true, model.MeetingScheduled)
		private := mk("Facilitators Lunch", false, model.MeetingScheduled)
		mk("Draft Meeting", true, model.MeetingDraft)
		cancelled := mk("Cancelled Public Meeting", true, model.MeetingCancelled)

		p := model.Person{Name: "Mette", Email: "mette@dk.example.org", Country: "DK", Role: model.RoleFocalPoint, Status: model.StatusActive}
		if err := s.CreatePerson(ctx, model.System, &p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Invite(ctx, model.System, private.ID, []model.Invitation{{PersonID: p.ID, Name: p.Name, Email: p.Email}},
			func(model.Meeting, model.Invitation) []model.OutboxItem { return nil }); err != nil {
			t.Fatal(err)
		}
		token, err := s.FeedToken(ctx, model.System, p.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := s.FeedToken(ctx, model.System, p.ID, false); again != token {
			t.Fatal("asking for the feed again changed its link")
		}
		srv := httptest.NewServer(&feed.Handler{Store: s, Clock: clock.Fixed(t0), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Organiser: delivery.Organiser{Name: "Global Centre", Email: "sec@example.org"}})
		defer srv.Close()
		get := func(path string) (int, string) {
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode == 200 && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
				t.Errorf("%s: Content-Type %q", path, res.Header.Get("Content-Type"))
			}
			return res.StatusCode, string(b)
		}

		code, body := get(feed.NetworkPath)
		if code != 200 || !strings.Contains(body, "METHOD:PUBLISH") || !strings.Contains(body, open.UID) ||
			!strings.Contains(body, cancelled.UID) || strings.Contains(body, "Draft Meeting") || strings.Contains(body, private.UID) {
			t.Errorf("network feed (%d):\n%s", code, body)
		}
		code, body = get("/feeds/" + token + ".ics")
		if code != 200 || !strings.Contains(body, private.UID) || strings.Contains(body, open.UID) || strings.Contains(body, "mailto:mette") {
			t.Errorf("personal feed (%d):\n%s", code, body)
		}
		// Resetting revokes the old link.
		fresh, err := s.FeedToken(ctx, model.System, p.ID, true)
		if err != nil || fresh == token {
			t.Fatalf("reset: %q, %v", fresh, err)
		}
		if code, _ := get("/feeds/" + token + ".ics"); code != 404 {
			t.Errorf("a revoked link answered %d", code)
		}
		if code, _ := get("/feeds/" + fresh + ".ics"); code != 200 {
			t.Errorf("the new link answered %d", code)
		}
		for _, bad := range []string{"/feeds/", "/feeds/nope.ics", "/feeds/a/b.ics", "/feeds/" + fresh} {
			if code, _ := get(bad); code != 404 {
				t.Errorf("%s answered %d, want 404", bad, code)
			}
		}
		res, _ := http.Post(srv.URL+feed.NetworkPath, "text/plain", nil)
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST answered %d", res.StatusCode)
		}
	})
}

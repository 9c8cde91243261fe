package slack

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"focalbot/clock"
)

// slowUserInfo answers users.info after a pause, counting the calls.
type slowUserInfo struct {
	api   // the rest is not called
	calls atomic.Int32
}

func (s *slowUserInfo) userInfo(_ context.Context, userID string) (*slackapi.User, error) {
	s.calls.Add(1)
	time.Sleep(50 * time.Millisecond)
	u := &slackapi.User{ID: userID, RealName: "Ama " + userID, TZ: "Africa/Accra"}
	u.Profile.Email = userID + "@example.org"
	return u, nil
}

// A burst of messages from two users who are not known yet costs one
// users.info call each, not one per message.
func TestConcurrentLookupsOfOneUserShareACall(t *testing.T) {
	a := &slowUserInfo{}
	u := newUsers(a, clock.Fixed(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)), slog.New(slog.DiscardHandler))
	var wg sync.WaitGroup
	for i := range 40 {
		id := []string{"U1", "U2"}[i%2]
		wg.Go(func() {
			if c := u.caller(context.Background(), id); c.Email != strings.ToLower(id)+"@example.org" || c.TimeZone != "Africa/Accra" {
				t.Errorf("caller(%s) = %+v", id, c)
			}
		})
	}
	wg.Wait()
	if n := a.calls.Load(); n != 2 {
		t.Errorf("users.info called %d times for 2 users; want 2", n)
	}
	u.caller(context.Background(), "U1")
	if n := a.calls.Load(); n != 2 {
		t.Errorf("users.info called again for a user just looked up (%d calls)", n)
	}
}

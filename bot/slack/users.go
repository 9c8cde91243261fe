package slack

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"focalbot/bot"
	"focalbot/clock"
	"focalbot/model"
)

// callerTTL is how long a user's profile from users.info is trusted.
const callerTTL = 5 * time.Minute

// users finds out who a Slack user is, through users.info, and remembers
// it for callerTTL so that a conversation costs one lookup. Concurrent
// lookups of one user (a burst of their messages) share one users.info call.
type users struct {
	api   api
	clock clock.Clock
	log   *slog.Logger
	calls singleflight.Group

	mu    sync.Mutex
	cache map[string]cachedCaller
}

type cachedCaller struct {
	caller bot.Caller
	at     time.Time
}

func newUsers(a api, clk clock.Clock, log *slog.Logger) *users {
	return &users{api: a, clock: clk, log: log, cache: map[string]cachedCaller{}}
}

// caller returns who userID is. When Slack cannot say, the caller is known
// by Slack ID alone, which still finds a person already linked to it.
func (u *users) caller(ctx context.Context, userID string) bot.Caller {
	now := u.clock.Now()
	u.mu.Lock()
	c, ok := u.cache[userID]
	u.mu.Unlock()
	if ok && now.Sub(c.at) < callerTTL {
		return c.caller
	}
	v, _, _ := u.calls.Do(userID, func() (any, error) {
		// Not the first caller's ctx alone: the others wait on this call
		// too. It ends when the first caller's work is cancelled, though,
		// and then everyone goes by the Slack ID alone, as on any failure.
		return u.lookUp(ctx, userID, now), nil
	})
	return v.(bot.Caller)
}

// lookUp asks users.info who userID is and remembers the answer.
func (u *users) lookUp(ctx context.Context, userID string, now time.Time) bot.Caller {
	info, err := u.api.userInfo(ctx, userID)
	if err != nil {
		u.log.Warn("cannot look up slack user; going by their ID alone", "user", userID, "err", err)
		return bot.Caller{SlackID: userID, Span: liveSpan, Mention: liveMention}
	}
	caller := bot.Caller{
		SlackID:  userID,
		Email:    model.NormalizeEmail(info.Profile.Email),
		Name:     firstOf(info.RealName, info.Profile.RealName, info.Profile.DisplayName, info.Name),
		TimeZone: info.TZ,
		Locale:   info.Locale,
		Span:     liveSpan,
		Mention:  liveMention,
	}
	u.mu.Lock()
	if len(u.cache) > 10000 {
		clear(u.cache)
	}
	u.cache[userID] = cachedCaller{caller: caller, at: now}
	u.mu.Unlock()
	return caller
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// handleIn runs text from a Slack user through the engine, telling it
// whether an answer meant for everyone will be posted in a channel, where
// others see it (a mention in a channel, a slash command).
func (t *Transport) handleIn(ctx context.Context, userID, text string, inChannel bool) *bot.Reply {
	caller := t.users.caller(ctx, userID)
	caller.InChannel = inChannel
	return t.handler.Handle(ctx, caller, normalize(text, t.botUserID))
}

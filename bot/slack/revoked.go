package slack

import (
	"errors"
	"sync"
	"sync/atomic"
)

// refusedTokenCodes are Slack's answers that a token will not work again
// (revoked, the app uninstalled, the workspace or bot user deleted): the
// transport stops using it rather than try again and again.
var refusedTokenCodes = []string{"token_revoked", "invalid_auth", "account_inactive"}

// errStopped is the answer to every call to Slack once a token was refused.
var errStopped = errors.New("slack: the token was refused for good; not calling slack until restarted with a valid one")

// refusedToken is Slack's code in err when it says a token will not work
// again, else "".
func refusedToken(err error) string {
	if err == nil {
		return ""
	}
	for _, code := range refusedTokenCodes {
		if isSlackError(err, code) {
			return code
		}
	}
	return ""
}

// stop is the transport's record that Slack refused a token for good:
// closed once, it stops the calls to Slack and Socket Mode's reconnects.
type stop struct {
	once    sync.Once
	done    chan struct{}
	stopped atomic.Bool
}

func newStop() *stop { return &stop{done: make(chan struct{})} }

// isStopped reports whether Slack refused a token for good.
func (s *stop) isStopped() bool { return s.stopped.Load() }

// stopUsingTokens records that Slack refused the token for good, and says
// so once, as an alert: an administrator must reinstall the app or give a
// new token. Calls to Slack fail at once from now on, and Socket Mode stops
// reconnecting; what comes in over HTTP is still acked.
func (t *Transport) stopUsingTokens(token, why string) {
	t.stop.once.Do(func() {
		t.stop.stopped.Store(true)
		close(t.stop.done)
		t.log.Error("ALERT: slack refused the token for good; focalbot stops using slack until it is restarted with a valid token (reinstall the app if it was uninstalled)",
			"alert", true, "token", token, "why", why)
	})
}

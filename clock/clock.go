// Package clock is the only place in focalbot that reads the system time for
// the bot's work. Everything else is handed a Clock, so tests and the
// console's --now flag can set the time and move it on without sleeping.
// (The metrics time what they measure, scheduler ticks and Slack's
// acknowledgements, with Go's own clock: real seconds, whatever the bot's
// clock says.)
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real wall clock.
type System struct{}

// Now returns the current time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Offset is a clock that runs at the real pace from a chosen start, and can be
// moved on by hand. It is safe for concurrent use.
type Offset struct {
	mu     sync.Mutex
	offset time.Duration
	frozen bool
	at     time.Time
}

// StartingAt returns a clock that reads start now and then advances in real time.
func StartingAt(start time.Time) *Offset {
	return &Offset{offset: time.Until(start)}
}

// Fixed returns a clock that stands still at t until advanced; for tests.
func Fixed(t time.Time) *Offset {
	return &Offset{frozen: true, at: t.UTC()}
}

// Now returns the clock's current time in UTC.
func (c *Offset) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return time.Now().Add(c.offset).UTC()
}

// Advance moves the clock on by d.
func (c *Offset) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	c.at = c.at.Add(d)
}

// Set moves the clock to t.
func (c *Offset) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
	c.at = t.UTC()
}

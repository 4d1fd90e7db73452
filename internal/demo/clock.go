package demo

import (
	"sync"
	"time"
)

// Clock is the store's clock while the demo loads: it reads its base (the
// real time, or a test's clock) until Set moves it to an event of the
// backdated history, and reads the base again after Reset. The app passes
// Clock.Now as store.Options.Now when it loads the demo, so that every row
// the history writes (created_at, facts, claims, audit entries) carries
// the time the event happened.
type Clock struct {
	mu   sync.Mutex
	base func() time.Time
	set  time.Time
}

// NewClock returns a clock reading base (time.Now when nil) until Set.
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.set.IsZero() {
		return c.set
	}
	return c.base()
}

// Base reads the base clock, whatever Set said.
func (c *Clock) Base() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base()
}

// Set makes the clock read t until the next Set or Reset.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set = t
}

// Reset makes the clock read its base again.
func (c *Clock) Reset() { c.Set(time.Time{}) }

package store

import (
	"context"
	"sync"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A read cache lives for one request that only reads (web sets it up for
// GET): the read models of a page each load the engagement they are about
// (to check the caller may see it) and the workspace's time zone, the
// same rows again and again. With the cache the read pool answers each
// once per request. Reads in a write transaction never use it, so a write
// always decides on what the database holds.

type readCacheKey struct{}

type readCache struct {
	mu          sync.Mutex
	engagements map[engagementKey]engagement.Engagement
	zones       map[int64]string
}

// engagementKey is an engagement as seen by one caller: the scope
// (engagementScope) depends on who asks.
type engagementKey struct {
	p  tandem.Principal
	id int64
}

// WithReadCache returns ctx with a cache of rows read for one request that
// does not write: see readcache.go.
func WithReadCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, readCacheKey{}, &readCache{})
}

// cacheOf is ctx's read cache for reads through q, nil when there is none
// or q is a write transaction.
func cacheOf(ctx context.Context, q querier) *readCache {
	if _, pool := q.(*DB); !pool {
		return nil
	}
	c, _ := ctx.Value(readCacheKey{}).(*readCache)
	return c
}

func (c *readCache) engagement(k engagementKey) (*engagement.Engagement, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.engagements[k]
	return &e, ok
}

func (c *readCache) putEngagement(k engagementKey, e *engagement.Engagement) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engagements == nil {
		c.engagements = map[engagementKey]engagement.Engagement{}
	}
	c.engagements[k] = *e
}

func (c *readCache) zone(workspaceID int64) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tz, ok := c.zones[workspaceID]
	return tz, ok
}

func (c *readCache) putZone(workspaceID int64, tz string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.zones == nil {
		c.zones = map[int64]string{}
	}
	c.zones[workspaceID] = tz
}

package store

import (
	"context"
	"slices"
	"sync"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/sales"
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
	// salesAccounts are accounts of the sales base read this request as
	// one caller may see them (loadSalesAccount), unmasked: the account's
	// page reads the account, its contacts and its timeline, each of
	// which checks the caller may see it. What is returned to a caller
	// is masked by whoever returns it (sales.ViewAccount), as before.
	salesAccounts map[salesAccountKey]sales.Account
	zones         map[int64]string
	// versions are an engagement's terms versions, oldest first, decoded
	// once: the scorecard, the forecast and the invoice each read them.
	// Those who get them only read them.
	versions map[engagementKey][]contract.Version
	// storedVersions are versions read with their engagement
	// (engagementIn), their terms not yet decoded: a page that never
	// asks for them does not pay for decoding them.
	storedVersions map[engagementKey][]storedVersion
	// aggregates are the aggregate rows of one engagement read this
	// request (fromAggregates): the forecast scores the period the invoice
	// it projects has just scored, which the scorecard's trend has read.
	aggregates []aggregateRead
	// scores are the scorecards of many engagements computed this request
	// (scoreMany): the portfolio's trends of months and its worth score
	// the same months.
	scores map[scoresKey][]Scorecard
}

// scoresKey is one engagement's scorecards over a run of periods, as one
// caller sees them.
type scoresKey struct {
	k     engagementKey
	kind  string
	first int64 // the first period's start (Unix seconds)
	n     int
}

func periodsKey(k engagementKey, periods []kpi.Period) scoresKey {
	return scoresKey{k: k, kind: periods[0].Kind, first: periods[0].Start.Unix(), n: len(periods)}
}

func (c *readCache) scorecards(k scoresKey) ([]Scorecard, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	scs, ok := c.scores[k]
	return scs, ok
}

func (c *readCache) putScorecards(k scoresKey, scs []Scorecard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scores == nil {
		c.scores = map[scoresKey][]Scorecard{}
	}
	c.scores[k] = scs
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

// salesAccountKey is an account of the sales base as seen by one caller
// (salesAccountScope depends on who asks).
type salesAccountKey struct {
	p  tandem.Principal
	id int64
}

func (c *readCache) salesAccount(k salesAccountKey) (sales.Account, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.salesAccounts[k]
	return a, ok
}

func (c *readCache) putSalesAccount(k salesAccountKey, a sales.Account) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.salesAccounts == nil {
		c.salesAccounts = map[salesAccountKey]sales.Account{}
	}
	c.salesAccounts[k] = a
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

// storedVersion is a terms version with its terms as stored (JSON).
type storedVersion struct {
	v     contract.Version
	terms string
}

// termsVersions are the engagement's versions read this request, decoded
// on first use; false when none were read.
func (c *readCache) termsVersions(k engagementKey) ([]contract.Version, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if vs, ok := c.versions[k]; ok {
		return vs, true, nil
	}
	stored, ok := c.storedVersions[k]
	if !ok {
		return nil, false, nil
	}
	vs := make([]contract.Version, len(stored))
	for i, x := range stored {
		vs[i] = x.v
		if err := unmarshalTerms(x.terms, &vs[i].Terms); err != nil {
			return nil, false, err
		}
	}
	delete(c.storedVersions, k)
	if c.versions == nil {
		c.versions = map[engagementKey][]contract.Version{}
	}
	c.versions[k] = vs
	return vs, true, nil
}

func (c *readCache) putStoredVersions(k engagementKey, vs []storedVersion) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.versions[k]; ok {
		return
	}
	if c.storedVersions == nil {
		c.storedVersions = map[engagementKey][]storedVersion{}
	}
	c.storedVersions[k] = vs
}

func (c *readCache) putTermsVersions(k engagementKey, vs []contract.Version) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.versions == nil {
		c.versions = map[engagementKey][]contract.Version{}
	}
	c.versions[k] = vs
}

// aggregateRead is one read of fromAggregates: its arguments and rows.
type aggregateRead struct {
	workspaceID, engagementID int64
	kinds                     []string
	spans                     []kpi.Span
	withSketch                bool
	rows                      []metric.DayRow
}

// aggregateRows are the rows fromAggregates would read for want, from a
// read this request of the same engagement, sketches, spans among its
// spans and kinds among its kinds: the rows of those kinds on the days of
// those spans. The weeks and days a span is read as depend on the span
// alone (kpi.Coverage), so those rows are the ones a read of want gets.
func (c *readCache) aggregateRows(want aggregateRead) ([]metric.DayRow, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.aggregates {
		if r.workspaceID != want.workspaceID || r.engagementID != want.engagementID || r.withSketch != want.withSketch ||
			!subset(want.kinds, r.kinds) || !subset(want.spans, r.spans) {
			continue
		}
		if slices.Equal(want.kinds, r.kinds) && slices.Equal(want.spans, r.spans) {
			return r.rows, true
		}
		out := []metric.DayRow{}
		for _, row := range r.rows {
			if !slices.Contains(want.kinds, row.Kind) {
				continue
			}
			for _, sp := range want.spans {
				if row.Day >= sp.From && row.Day < sp.To {
					out = append(out, row)
					break
				}
			}
		}
		return out, true
	}
	return nil, false
}

func (c *readCache) putAggregateRows(r aggregateRead) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.aggregates = append(c.aggregates, r)
}

// subset says every element of xs is in ys.
func subset[T comparable](xs, ys []T) bool {
	for _, x := range xs {
		if !slices.Contains(ys, x) {
			return false
		}
	}
	return true
}

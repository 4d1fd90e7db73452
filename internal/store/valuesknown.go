package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// What a batch knows of the periods its values were entered for.
//
// A value entered (OwnMetricStore.Enter) reads the metric's definition
// and, on PostgreSQL, takes the period's lock; reads the period's values
// it replaces, and the fact the one that counted counts through; marks
// them replaced; moves that fact to the new value; and inserts the new
// value. On PostgreSQL each was a round trip, six a value, and the values
// of one period follow each other in the writer: a metric's value entered
// again and again from 50 connections (`tandem bench http`'s write_value,
// an integration sending a running figure) was 700–1,100 a second.
//
// Within one batch the writer now remembers, after a value is entered:
//   - the definition as the caller's scope read it (the engagement's
//     status and start, the zone, the metric of the terms in force), by
//     scope, engagement, metric and period: the next value of the period
//     entered by someone of the same scope checks it again in Go — live,
//     the period begun, may this side enter it — without a statement, and
//     on PostgreSQL holds the period's lock already, taken by the
//     statement that read it;
//   - the period's values in the states the entry replaced — all of them,
//     read or written by the batch under the period's lock — and the fact
//     the one that counts counts through, as it stands: locked by the
//     batch (replacedFact) or recorded by it.
//
// The next value of the period finds there what it replaces. A value not
// yet inserted (the new value is a kept row, keptrows.go) is marked
// replaced in the batch's memory and inserted so; one already in the
// database by one UPDATE at the batch's end, before the values it
// inserts (replaceByID). The fact's new value goes to the batch's end
// (later.factChanges), as its aggregates already did (keepChange): a
// batch of a period's values writes the fact once. On PostgreSQL a
// batch of one period's values is thus five round trips whatever its
// size (TestPGValueBatchRoundTrips).
//
// What is remembered is what the statements would have read: nothing but
// a value entry changes a period's values without its lock (decide and
// the surveys take it), a batch holds each lock it took until its COMMIT,
// and any statement of the batch that may write and is not a value
// entry's — an engagement ended, terms amended, a membership changed, a
// value confirmed — forgets it all (Tx.settle). As with the accounts
// read at a batch's start (accountreads.go), a definition remembered may
// miss what a transaction beside the writer committed since the earlier
// job read it: a race between requests running at once, decided either
// way, never a read through another scope. A batch run again carefully
// remembers nothing.

// defKey names a definition as read by one scope: the metric of an
// engagement, and the period by its kind and its first day as a calendar
// date (the lock's name, periodLockKey).
type defKey struct {
	scope        scopeKey
	engagement   int64
	metric, kind string
	start        tandem.Date
}

// knownDef is what definition read and decided for a defKey.
type knownDef struct {
	def      *contract.MetricDef
	per      kpi.Period
	loc      *time.Location
	status   engagement.Status
	startsOn tandem.Date
}

// periodKey names one metric's period of an engagement; start is the
// period's first day in the workspace's zone.
type periodKey struct {
	ws, engagement int64
	metric, kind   string
	start          tandem.Date
}

func periodOf(p tandem.Principal, v *ownmetric.Value) periodKey {
	return periodKey{ws: p.WorkspaceID, engagement: v.EngagementID, metric: v.Metric, kind: v.PeriodKind, start: v.PeriodStart}
}

// knownPeriod is every value of a period in the states listed, each with
// the fact it counts through (a confirmed one) as it stands.
type knownPeriod struct {
	states []string
	values []periodValue
}

// covers reports whether every value in the given states is known.
func (k *knownPeriod) covers(states []string) bool {
	for _, s := range states {
		if !slices.Contains(k.states, s) {
			return false
		}
	}
	return true
}

// valuesKnown is what a batch remembers (see the top of this file).
type valuesKnown struct {
	defs    map[defKey]knownDef
	periods map[periodKey]*knownPeriod
}

// newValuesKnown is an empty memory; its maps are made by the first value
// remembered, so that a batch without values allocates none.
func newValuesKnown() *valuesKnown { return &valuesKnown{} }

// forgetValues forgets what the batch knows of periods once q, a
// statement of tx that may write, runs outside a value entry (Tx.settle).
func (l *later) forgetValues(tx *Tx, q string) {
	if k := l.known; k != nil && !tx.entering && !l.writing && (len(k.defs) > 0 || len(k.periods) > 0) && !isSelect(q) {
		clear(k.defs)
		clear(k.periods)
	}
}

// knownDef returns the definition the batch read for k, if it did.
func (tx *Tx) knownDef(k defKey) (knownDef, bool) {
	if tx.later == nil || tx.later.known == nil || !tx.entering {
		return knownDef{}, false
	}
	d, ok := tx.later.known.defs[k]
	return d, ok
}

// knowDef remembers a definition read for k.
func (tx *Tx) knowDef(k defKey, d knownDef) {
	if tx.later != nil && tx.later.known != nil && tx.entering {
		known := tx.later.known
		if known.defs == nil {
			known.defs = map[defKey]knownDef{}
		}
		known.defs[k] = d
	}
}

// knownPeriod returns what the batch knows of the period k when it knows
// every value in the given states.
func (tx *Tx) knownPeriod(k periodKey, states []string) *knownPeriod {
	if tx.later == nil || tx.later.known == nil || !tx.entering {
		return nil
	}
	if kp := tx.later.known.periods[k]; kp != nil && kp.covers(states) {
		return kp
	}
	return nil
}

// knowPeriod remembers that the period k has no value in the given
// states but those the batch adds (addValue).
func (tx *Tx) knowPeriod(k periodKey, states []string) {
	if tx.later != nil && tx.later.known != nil && tx.entering {
		known := tx.later.known
		if known.periods == nil {
			known.periods = map[periodKey]*knownPeriod{}
		}
		known.periods[k] = &knownPeriod{states: slices.Clone(states)}
	}
}

// addValue remembers a value the batch entered for the period k, if it
// knows the period's values in x's state.
func (tx *Tx) addValue(k periodKey, x periodValue) {
	if tx.later == nil || tx.later.known == nil {
		return
	}
	if kp := tx.later.known.periods[k]; kp != nil && slices.Contains(kp.states, x.state) {
		kp.values = append(kp.values, x)
	}
}

// replaceKnown marks replaced the values of kp in the given states: a
// kept one in the batch's memory, the others by one UPDATE. It returns
// them, and keeps the others in kp.
func (tx *Tx) replaceKnown(ctx context.Context, kp *knownPeriod, ws int64, states []string) ([]periodValue, error) {
	var replaced, kept []periodValue
	var ids []int64
	for _, x := range kp.values {
		if !slices.Contains(states, x.state) {
			kept = append(kept, x)
			continue
		}
		replaced = append(replaced, x)
		if !tx.later.replaceKeptValue(x.id) {
			ids = append(ids, x.id)
		}
	}
	if len(ids) > 0 {
		if err := tx.replaceByID(ctx, ws, ids); err != nil {
			return nil, err
		}
	}
	kp.values = kept
	return replaced, nil
}

// replaceByID marks the values ids of workspace ws, in the database,
// replaced: at once, or in a batch of the writer at its end with the
// values it inserts (later.replaced, written by writeRows before a
// statement naming manual_values, keptrows.go) — on PostgreSQL with its
// COMMIT, not in a round trip of its own.
func (tx *Tx) replaceByID(ctx context.Context, ws int64, ids []int64) error {
	if l := tx.later; l != nil {
		if err := ctx.Err(); err != nil {
			return err // as a statement of a job whose caller left (Tx.stmtCtx)
		}
		l.replaced = append(l.replaced, replacedValues{ws: ws, ids: ids})
		return nil
	}
	return replacedValues{ws: ws, ids: ids}.write(ctx, tx)
}

// replacedValues are values of a workspace a batch marks replaced at its
// end (replaceByID).
type replacedValues struct {
	ws  int64
	ids []int64
}

// write marks the values replaced, in tx.
func (r replacedValues) write(ctx context.Context, tx *Tx) error {
	_, err := tx.exec(ctx, replaceByIDSQL(len(r.ids)), append([]any{r.ws}, anyArgs(r.ids...)...)...)
	return err
}

// writeReplaced marks the values kept as replaced replaced.
func (l *later) writeReplaced(ctx context.Context, tx *Tx) error {
	for _, r := range l.replaced {
		if err := r.write(ctx, tx); err != nil {
			return err
		}
	}
	clear(l.replaced)
	l.replaced = l.replaced[:0]
	return nil
}

// replaceByIDSQL marks n values replaced by their ids (the workspace's
// first).
func replaceByIDSQL(n int) string {
	return `UPDATE manual_values SET state = '` + ownmetric.Replaced + `', fact_id = 0 WHERE workspace_id = ? AND id IN (` + placeholders(n) + `)`
}

// valueRows are the values entered, kept in a batch (keptrows.go) until
// a statement names manual_values.
var valueRows = newKeptTable("manual_values", `workspace_id, engagement_id, metric, period_kind, period_start, value, scale,
	note, state, side, entered_by, entered_at, fact_id`, "manual_values")

// The positions of a kept value's state and fact among its row's values
// (the id first).
const (
	keptValueState = 9
	keptValueFact  = 13
)

// replaceKeptValue marks the value id replaced if the batch keeps it not
// yet inserted, and reports whether it does.
func (l *later) replaceKeptValue(id int64) bool {
	for _, r := range l.rows {
		if r.t != valueRows {
			continue
		}
		w := r.t.width + 1
		for i := 0; i+w <= len(r.args); i += w {
			if r.args[i] == any(id) {
				r.args[i+keptValueState], r.args[i+keptValueFact] = ownmetric.Replaced, int64(0)
				return true
			}
		}
	}
	return false
}

// factChange is a fact's row as a value entered again left it, written at
// the batch's end or before a statement naming facts (later.go).
type factChange struct {
	ws, id, subjectID int64
	at                time.Time
	value             int64
	data              string
}

// keepFactChange keeps c, replacing what was kept for its fact.
func (l *later) keepFactChange(ctx context.Context, c factChange) error {
	if err := ctx.Err(); err != nil {
		return err // as a statement of a job whose caller left (Tx.stmtCtx)
	}
	for i := range l.factChanges {
		if l.factChanges[i].ws == c.ws && l.factChanges[i].id == c.id {
			l.factChanges[i] = c
			return nil
		}
	}
	l.factChanges = append(l.factChanges, c)
	return nil
}

// changeFactSQL writes a factChange.
const changeFactSQL = `UPDATE facts SET subject_id = ?, at = ?, value = ?, data = ? WHERE workspace_id = ? AND id = ?`

// changeFactQueuedSQL is changeFactSQL queued in a PostgreSQL batch's
// pipeline: the server refuses it when it finds no fact (migration 0052).
const changeFactQueuedSQL = `WITH u AS (` + changeFactSQL + ` RETURNING 1)
	SELECT tandem_expect_rows((SELECT COUNT(*) FROM u), 1, 'store: the fact of a replaced value is gone')`

// writeFactChanges writes the facts' changes kept. Each must find its
// fact: the batch locked it (replacedFact) or recorded it. Queued with a
// PostgreSQL batch's end (pgbatch.go), the server checks it, so that the
// writer need not wait for its count before the rest is sent.
func (l *later) writeFactChanges(ctx context.Context, tx *Tx) error {
	for _, c := range l.factChanges {
		if tx.queueing() {
			if _, err := tx.exec(ctx, changeFactQueuedSQL, c.subjectID, c.at, c.value, c.data, c.ws, c.id); err != nil {
				return err
			}
			continue
		}
		n, err := tx.changed(ctx, changeFactSQL, c.subjectID, c.at, c.value, c.data, c.ws, c.id)
		if err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("store: the fact %d of a replaced value is gone", c.id)
		}
	}
	clear(l.factChanges)
	l.factChanges = l.factChanges[:0]
	return nil
}

// namesFacts reports whether q may read or write facts.
func namesFacts(q string) bool { return strings.Contains(q, "facts") }

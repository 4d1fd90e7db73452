package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// OwnMetricStore keeps the values of manual metrics (ownmetric.Value). A value
// counts through a fact of kind metric.ManualKind(metric, period kind)
// dated on the period's first day (so it counts for the periods
// kpi.ValueCountsFor names, and no other), recorded when the client enters or confirms it and
// deleted when a later value replaces it, so the KPI aggregates, the
// scorecards and `tandem kpi verify` treat it like every other fact.
type OwnMetricStore struct{ db *DB }

const ownValueCols = `v.id, v.workspace_id, v.engagement_id, v.metric, v.period_kind, v.period_start, v.value, v.scale, v.note, v.state, v.side,
	v.entered_by, eu.name, v.entered_at, COALESCE(v.decided_by, 0), COALESCE(du.name, ''), v.decided_at, v.reason, v.fact_id`

// valuesOrder lists a metric's values period by period, the latest entry
// first: by when they were entered, not by id — a value entered in a
// batch of the writer on PostgreSQL takes its id from the instance's pool
// (keptrows.go), which may be lower than one inserted meanwhile by
// another instance or a job run alone.
const valuesOrder = `v.period_start DESC, v.entered_at DESC, v.id DESC`

const ownValueFrom = ` FROM manual_values v JOIN engagements e ON e.id = v.engagement_id AND e.workspace_id = v.workspace_id
	JOIN users eu ON eu.id = v.entered_by LEFT JOIN users du ON du.id = v.decided_by`

func scanOwnMetricValue(s scanner, v *ownmetric.Value) error {
	if err := s.Scan(&v.ID, &v.WorkspaceID, &v.EngagementID, &v.Metric, &v.PeriodKind, dateScan{&v.PeriodStart}, &v.Value, &v.Scale,
		&v.Note, &v.State, &v.Side, &v.EnteredBy, &v.EnteredByName, &v.EnteredAt, &v.DecidedBy, &v.DecidedByName,
		nullTime{&v.DecidedAt}, &v.Reason, &v.FactID); err != nil {
		return err
	}
	v.EnteredAt = v.EnteredAt.UTC()
	return nil
}

// MaxOwnMetricValues bounds the values Values lists.
const MaxOwnMetricValues = 500

// Values lists an engagement's own metric values, the latest period first and,
// within a period, the latest entry first; metric, when not empty, keeps
// that metric's only. Anyone who may see the engagement may call it.
func (s *OwnMetricStore) Values(ctx context.Context, p tandem.Principal, engagementID int64, metricKey string) (_ []ownmetric.Value, err error) {
	defer wrap(&err, "OwnMetricStore.Values(%d)", engagementID)
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("v.workspace_id = ? AND v.engagement_id = ?", p.WorkspaceID, engagementID)
	if metricKey != "" {
		w.add("v.metric = ?", metricKey)
	}
	return scanAll(ctx, s.db, scanOwnMetricValue, `SELECT `+ownValueCols+ownValueFrom+w.String()+fmt.Sprintf(` ORDER BY `+valuesOrder+` LIMIT %d`, MaxOwnMetricValues), w.args...)
}

// Value returns own metric value id of an engagement that p may see.
// ENotFound otherwise (a value of another engagement included).
func (s *OwnMetricStore) Value(ctx context.Context, p tandem.Principal, engagementID, id int64) (_ *ownmetric.Value, err error) {
	defer wrap(&err, "OwnMetricStore.Value(%d, %d)", engagementID, id)
	var w where
	engagementScope(&w, p)
	w.add("v.engagement_id = ? AND v.id = ?", engagementID, id)
	return ownValueWhere(ctx, s.db, w)
}

// ownValueIn reads one own metric value p may see through q, or
// tandem.ErrNotFound.
func ownValueIn(ctx context.Context, q querier, p tandem.Principal, id int64) (*ownmetric.Value, error) {
	var w where
	engagementScope(&w, p)
	w.add("v.id = ?", id)
	return ownValueWhere(ctx, q, w)
}

func ownValueWhere(ctx context.Context, q querier, w where) (*ownmetric.Value, error) {
	return scanOne(ctx, q, scanOwnMetricValue, `SELECT `+ownValueCols+ownValueFrom+w.String(), w.args...)
}

// Enter records a value of a manual metric for the period of v.PeriodKind
// containing v.PeriodStart (which becomes that period's first day), in
// the workspace's time zone. The metric must be a manual metric of the
// terms in force on the period's last day, and the period must have begun.
//
// The client's owners and managers enter values that count at once,
// replacing the value that counted for that period, if any. The partner's
// managers and the agents on the engagement report values of metrics whose
// source is the partner; they count once the client confirms them
// (Confirm), and the client's deciders are notified. A partner's report
// replaces its earlier pending report for the period.
//
// Errors: EInvalid (with the field), EConflict (the engagement is not
// live), EForbidden, ENotFound.
func (s *OwnMetricStore) Enter(ctx context.Context, p tandem.Principal, v *ownmetric.Value) (err error) {
	defer wrap(&err, "OwnMetricStore.Enter")
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		tx.entering = true // what its batch knows of periods stays true (valuesknown.go)
		// On PostgreSQL the statement that reads the definition also
		// takes the period's lock (lockPeriod): one round trip less.
		def, per, loc, err := definition(ctx, tx, p, v.EngagementID, v.Metric, v.PeriodKind, v.PeriodStart, tx.now, true)
		if err != nil {
			return err
		}
		if err := v.CheckAgainst(def); err != nil {
			return err
		}
		v.PeriodStart = tandem.DateOf(per.Start)
		v.WorkspaceID, v.EnteredBy, v.EnteredByName, v.EnteredAt = p.WorkspaceID, p.UserID, p.UserName, tx.now
		action := v.Enter(p.Side())
		reporters, counted, err := replaceValues(ctx, tx, p, v, v.Superseded(true))
		if err != nil {
			return err
		}
		if counted != nil {
			v.FactID = counted.id // the fact the replaced value counted through, now v's
		}
		id, err := tx.insertKept(ctx, valueRows,
			p.WorkspaceID, v.EngagementID, v.Metric, v.PeriodKind, v.PeriodStart.String(), v.Value, v.Scale, v.Note, v.State, v.Side,
			p.UserID, tx.now, v.FactID)
		if err != nil {
			return err
		}
		v.ID = id
		if len(reporters) > 0 && v.ReplacesReports() {
			if err := tell(ctx, tx, p, v.EngagementID, id, v.Replaced(reporters, def.Name, per.String())); err != nil {
				return err
			}
		}
		entered := periodValue{id: id, state: v.State, enteredBy: p.UserID}
		if v.Counts() {
			if entered.f, err = countValue(ctx, tx, p, v, loc, counted); err != nil {
				return err
			}
		} else if err := tell(ctx, tx, p, v.EngagementID, id, v.Reported(action, def.Name, per.String())); err != nil {
			return err
		}
		tx.addValue(periodOf(p, v), entered)
		return tx.record(ctx, p, action, "engagement", v.EngagementID, map[string]any{
			"value_id": id, "metric": v.Metric, "period_kind": v.PeriodKind, "period_start": v.PeriodStart.String(),
			"value": v.Value, "scale": v.Scale, "note": v.Note})
	})
}

// lockPeriod makes, on PostgreSQL, the transactions that change the
// values of one metric's period (entering one, deciding on a report) wait
// for each other until commit: each replaces the value that counts, and
// two at once both replaced the same one — the second then found its fact
// gone and answered 404 (write_value of `tandem bench http` on
// PostgreSQL), or both made theirs count. The statements after it see
// what the one before committed. SQLite's single writer runs them one
// after the other anyway. It reports whether it waited for a lock (what
// was read before it may have changed).
func lockPeriod(ctx context.Context, tx *Tx, p tandem.Principal, v *ownmetric.Value) (bool, error) {
	if tx.db.dialect.name() != "postgres" {
		return false, nil
	}
	_, err := tx.exec(ctx, `SELECT `+lockPeriodSQL, periodLockKey(p, v.EngagementID, v.Metric, v.PeriodKind, v.PeriodStart))
	return err == nil, err
}

// lockPeriodSQL takes the lock of a period's values, named by
// periodLockKey.
const lockPeriodSQL = `pg_advisory_xact_lock(hashtextextended(?, 0))`

// periodLockKey names the lock of the values of one metric's period
// (lockPeriod); start is the period's first day.
func periodLockKey(p tandem.Principal, engagementID int64, metric, kind string, start tandem.Date) string {
	return fmt.Sprintf("manual_values %d %d %s %s %s", p.WorkspaceID, engagementID, metric, kind, start)
}

// replaceValuesSQL marks a period's pending values replaced (read through
// manual_values_engagement, which ends with the state) and returns who
// entered them.
//
// The states in these statements are written out, not bound: SQLite
// decides whether the partial index manual_values_confirmed (state =
// 'confirmed') serves a statement from the value bound to "state = ?", so
// such a statement was compiled again at every execution (a tenth of the
// writer's time entering a value).
const replaceValuesSQL = `UPDATE manual_values SET state = '` + ownmetric.Replaced + `' WHERE workspace_id = ? AND engagement_id = ? AND metric = ?
	AND period_kind = ? AND period_start = ? AND state = '` + ownmetric.Pending + `' RETURNING entered_by`

// replaceConfirmedSQL reads the value that counts for a period and its
// fact.
const replaceConfirmedSQL = `SELECT v.id, v.state, v.entered_by, COALESCE(f.id, 0), f.day, COALESCE(f.value, 0) FROM manual_values v
	LEFT JOIN facts f ON f.workspace_id = v.workspace_id AND f.id = v.fact_id
	WHERE v.workspace_id = ? AND v.engagement_id = ? AND v.metric = ? AND v.period_kind = ? AND v.period_start = ?
	AND v.state = '` + ownmetric.Confirmed + `'`

// replaceBothSQL reads the value that counts for a period, with its fact,
// and the period's pending values, each half through the index by its
// state as the statements of one state are. Not "state IN (…)": a plan
// PostgreSQL made while the table was small read such a list as a filter
// of every value the period ever had, and a value entered again and
// again replaces one each time. The arguments are the period's, twice.
const replaceBothSQL = replaceConfirmedSQL + `
	UNION ALL SELECT id, state, entered_by, 0, NULL, 0 FROM manual_values
	WHERE workspace_id = ? AND engagement_id = ? AND metric = ? AND period_kind = ? AND period_start = ? AND state = '` + ownmetric.Pending + `'`

// countedFact is the fact through which a replaced value counted, kept
// for the value that replaces it (countValue).
type countedFact struct {
	id    int64
	day   tandem.Date
	value int64
}

// periodValue is a value replaceValues replaces: its id, state and who
// entered it, and the fact it counts through (f.id 0: none).
type periodValue struct {
	id, enteredBy int64
	state         string
	f             countedFact
}

func scanPeriodValue(s scanner, x *periodValue) error {
	return s.Scan(&x.id, &x.state, &x.enteredBy, &x.f.id, dateScan{&x.f.day}, &x.f.value)
}

// replaceValues marks the values of v's metric and period in the given
// states (ownmetric.Value.Superseded: confirmed, pending) as replaced. It
// returns who entered the pending values it replaced (at most one report
// waits, but it reads them all), and, when the value that counted is
// replaced by v, which counts too, the fact it counted through, which
// countValue then makes v's.
//
// Pending values alone are replaced by one UPDATE that returns who
// entered them. With the value that counts, one statement reads the
// values to replace (replaceBothSQL) and one replaces them by id — where
// a period's pending values were replaced by a statement of their own
// even when there were none, as a value the client enters again finds.
func replaceValues(ctx context.Context, tx *Tx, p tandem.Principal, v *ownmetric.Value, states []string) (reporters []int64, counted *countedFact, err error) {
	var confirmed, pending bool
	for _, st := range states {
		switch st {
		case ownmetric.Confirmed:
			confirmed = true
		case ownmetric.Pending:
			pending = true
		default:
			return nil, nil, fmt.Errorf("store: values %s are not replaced", st)
		}
	}
	if !confirmed && !pending {
		return nil, nil, nil
	}
	key := periodOf(p, v)
	if kp := tx.knownPeriod(key, states); kp != nil {
		// The batch knows them (valuesknown.go).
		found, err := tx.replaceKnown(ctx, kp, p.WorkspaceID, states)
		if err != nil {
			return nil, nil, err
		}
		return replacedOnes(ctx, tx, p, v, found, true)
	}
	period := []any{p.WorkspaceID, v.EngagementID, v.Metric, v.PeriodKind, v.PeriodStart.String()}
	if !confirmed {
		reporters, err := scanAll(ctx, readAtOnce{tx}, scanInt64, replaceValuesSQL, period...)
		if err != nil {
			return nil, nil, err
		}
		tx.knowPeriod(key, states)
		return reporters, nil, nil
	}
	q, args := replaceConfirmedSQL, period
	if pending {
		q, args = replaceBothSQL, append(period, period...)
	}
	found, err := scanAll(ctx, readAtOnce{tx}, scanPeriodValue, q, args...)
	if err != nil {
		return nil, nil, err
	}
	tx.knowPeriod(key, states)
	if len(found) == 0 {
		return nil, nil, nil
	}
	ids := make([]int64, 0, len(found))
	for _, x := range found {
		ids = append(ids, x.id)
	}
	if err := tx.replaceByID(ctx, p.WorkspaceID, ids); err != nil {
		return nil, nil, err
	}
	return replacedOnes(ctx, tx, p, v, found, false)
}

// replacedOnes returns who entered the pending values among those
// replaced, and what becomes of the fact through which the one that
// counted counted (replacedFact; current: as it stands).
func replacedOnes(ctx context.Context, tx *Tx, p tandem.Principal, v *ownmetric.Value, replaced []periodValue, current bool) (reporters []int64, counted *countedFact, err error) {
	var counts *periodValue
	for i := range replaced {
		x := &replaced[i]
		if x.state == ownmetric.Pending {
			reporters = append(reporters, x.enteredBy)
		} else {
			counts = x
		}
	}
	if counts == nil {
		return reporters, nil, nil
	}
	counted, err = replacedFact(ctx, tx, p, v, counts.f, current)
	return reporters, counted, err
}

// replacedFact decides what becomes of the fact f through which the value
// that counted for v's period, now replaced, counted (f.id 0: none). When
// v counts too and the fact's kind keeps no sketch, the fact is returned
// for v to count through (countValue changes it in place); otherwise it
// is deleted and that day's aggregates are computed again. current: f is
// known as it stands (valuesknown.go), not read again.
func replacedFact(ctx context.Context, tx *Tx, p tandem.Principal, v *ownmetric.Value, f countedFact, current bool) (*countedFact, error) {
	if f.id != 0 && !current && tx.db.dialect.name() == "postgres" {
		// The fact as it stands, under its row's lock: a correction or a
		// deletion committed since the read above is seen, one under way
		// waited for (UpdateFact and DeleteFact change the fact's row
		// first, then rewrite its week), so that the difference countValue
		// adds starts from the fact's real value.
		err := tx.queryRow(ctx, `SELECT day, value FROM facts WHERE workspace_id = ? AND id = ? FOR UPDATE`, p.WorkspaceID, f.id).
			Scan(dateScan{&f.day}, &f.value)
		if errors.Is(err, sql.ErrNoRows) {
			f.id = 0
		} else if err != nil {
			return nil, err
		}
	}
	if f.id == 0 {
		// Its fact was deleted (KPIStore.DeleteFact): nothing to reuse or
		// delete; a value that counts gets a new one.
		return nil, nil
	}
	kind := metric.ManualKind(v.Metric, v.PeriodKind)
	if spec, _ := fact.Lookup(fact.Kind(kind)); v.Counts() && spec.Sketch == nil {
		return &f, nil
	}
	if _, err := tx.exec(ctx, `DELETE FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, f.id); err != nil {
		return nil, err
	}
	return nil, recomputeDay(ctx, tx, p.WorkspaceID, v.EngagementID, kind, f.day.String())
}

// countValue records the fact through which a confirmed value counts,
// links it to the value and returns it. Given the fact the value it
// replaced counted through (replaceValues), on the same day, it changes
// that fact in place instead — its subject, value and data — and adds the
// difference to its day's and week's aggregates: a value entered again is
// one fact and two rows changed, not a fact deleted, its day and week
// computed again from their facts and another fact recorded. In a batch
// of the writer both changes wait for its end (later.go), the fact's in
// later.factChanges.
func countValue(ctx context.Context, tx *Tx, p tandem.Principal, v *ownmetric.Value, loc *time.Location, old *countedFact) (countedFact, error) {
	at := kpi.PeriodOfDate(v.PeriodKind, v.PeriodStart, loc).Start // the first instant of the period's first day
	day, week := (&kpi.DayCache{Loc: loc}).Of(at)
	counts := countedFact{value: v.Value}
	var err error
	if counts.day, err = tandem.ParseDate(day); err != nil {
		return counts, err
	}
	data := fact.ManualValue{Metric: v.Metric, PeriodKind: string(v.PeriodKind), Scale: int64(v.Scale), Side: string(v.Side)}
	kind := fact.Manual(v.Metric, v.PeriodKind)
	if old != nil {
		// The difference goes to the batch's aggregates (later.go) or,
		// outside a batch, to d, written below.
		d := metric.NewDeltas()
		changed := false
		if old.day.String() == day {
			if l := tx.later; l != nil {
				if changed, err = l.keepChange(ctx, p.WorkspaceID, v.EngagementID, kind, day, week, old.value, v.Value); err != nil {
					return counts, err
				}
			} else {
				changed = d.Change(v.EngagementID, kind, day, week, old.value, v.Value)
			}
		}
		if changed {
			js, err := fact.Encode(data)
			if err != nil {
				return counts, err
			}
			counts.id = old.id
			c := factChange{ws: p.WorkspaceID, id: old.id, subjectID: v.ID, at: at, value: v.Value, data: string(js)}
			if l := tx.later; l != nil {
				// The fact is the batch's: locked by it (replacedFact) or
				// recorded by it.
				if err := l.keepFactChange(ctx, c); err != nil {
					return counts, err
				}
				return counts, linkFact(ctx, tx, p, v, old.id)
			}
			n, err := tx.changed(ctx, changeFactSQL, c.subjectID, c.at, c.value, c.data, c.ws, c.id)
			if err != nil {
				return counts, err
			}
			if n != 1 {
				return counts, fmt.Errorf("store: the fact %d of a replaced value is gone", old.id)
			}
			if err := flushDeltas(ctx, tx, p.WorkspaceID, d); err != nil {
				return counts, err
			}
			return counts, linkFact(ctx, tx, p, v, old.id)
		}
		// Another day (the workspace's time zone changed since): the old
		// fact goes, the new one is recorded below.
		if _, err := tx.exec(ctx, `DELETE FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, old.id); err != nil {
			return counts, err
		}
		if err := recomputeDay(ctx, tx, p.WorkspaceID, v.EngagementID, string(kind), old.day.String()); err != nil {
			return counts, err
		}
	}
	if _, err := recordFact(ctx, tx, p, Fact{EngagementID: v.EngagementID, SubjectID: v.ID, At: at, Value: v.Value, Data: data}); err != nil {
		return counts, err
	}
	// Through facts_engagement_day: the fact is on the period's first day.
	if err := tx.queryRow(ctx, `SELECT MAX(id) FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ? AND subject_id = ?`,
		p.WorkspaceID, v.EngagementID, string(kind), v.PeriodStart.String(), v.ID).Scan(&counts.id); err != nil {
		return counts, err
	}
	return counts, linkFact(ctx, tx, p, v, counts.id)
}

// linkFact records that v counts through the fact id, unless v was
// written with it (Enter).
func linkFact(ctx context.Context, tx *Tx, p tandem.Principal, v *ownmetric.Value, id int64) error {
	if v.FactID == id {
		return nil
	}
	v.FactID = id
	_, err := tx.exec(ctx, `UPDATE manual_values SET fact_id = ? WHERE workspace_id = ? AND id = ?`, id, p.WorkspaceID, v.ID)
	return err
}

// Confirm makes a value the partner reported count: it replaces the value
// that counted for the period, if any, and the partner's people are
// notified. Owners and managers may call it. Errors: EConflict (not
// pending), ENotFound, EForbidden.
func (s *OwnMetricStore) Confirm(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "OwnMetricStore.Confirm(%d)", id)
	return s.decide(ctx, p, id, true, "")
}

// Reject turns down a value the partner reported, with a reason; the
// reporter is notified. Owners and managers may call it. Errors: EInvalid
// (reason), EConflict (not pending), ENotFound, EForbidden.
func (s *OwnMetricStore) Reject(ctx context.Context, p tandem.Principal, id int64, reason string) (err error) {
	defer wrap(&err, "OwnMetricStore.Reject(%d)", id)
	return s.decide(ctx, p, id, false, reason)
}

func (s *OwnMetricStore) decide(ctx context.Context, p tandem.Principal, id int64, confirm bool, reason string) error {
	if err := access.Can(p, access.Respond); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		v, err := ownValueIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if locked, err := lockPeriod(ctx, tx, p, v); err != nil {
			return err
		} else if locked {
			if v, err = ownValueIn(ctx, tx, p, id); err != nil { // as it is now that no one else changes the period
				return err
			}
		}
		action, err := v.Decide(confirm, reason)
		if err != nil {
			return err
		}
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		_, counted, err := replaceValues(ctx, tx, p, v, v.Superseded(false))
		if err != nil {
			return err
		}
		if err := tx.execOne(ctx, ownmetric.ErrNotPending, `UPDATE manual_values SET state = ?, decided_by = ?, decided_at = ?, reason = ?
			WHERE workspace_id = ? AND id = ? AND state = '`+ownmetric.Pending+`'`, v.State, p.UserID, tx.now, reason, p.WorkspaceID, id); err != nil {
			return err
		}
		if v.Counts() {
			if _, err := countValue(ctx, tx, p, v, loc, counted); err != nil {
				return err
			}
		}
		return tellAndRecord(ctx, tx, p, v.EngagementID, id, v.Decided(action, reason), action, map[string]any{
			"value_id": id, "metric": v.Metric, "period_kind": v.PeriodKind, "period_start": v.PeriodStart.String(), "reason": reason})
	})
}

// definition loads through tx what entering a value needs and decides
// whether p may enter it at now: p may enter values (the client) or
// report them (the partner, for metrics whose source is the partner), the
// engagement is live, the period has begun, and the metric is a manual
// metric of the terms in force on the period's last day. One statement reads
// the engagement as p may see it (engagementScope: ENotFound otherwise),
// its status and start, the workspace's time zone and the hash of the
// terms in force on the period's last day — a calendar date, the same in
// every zone — where three read them one after the other, twice a value
// (the form's check, then the write; a form's typed value is now read in
// the write, ownmetric.Typed). The terms are found decoded by their hash;
// a second statement reads their text only when they are not. With lock,
// on PostgreSQL, the statement also takes the period's lock (lockPeriod).
func definition(ctx context.Context, tx *Tx, p tandem.Principal, engagementID int64, key, kind string, day tandem.Date, now time.Time,
	lock bool) (*contract.MetricDef, kpi.Period, *time.Location, error) {
	var per kpi.Period
	if err := access.Can(p, access.ValuesWrite); err != nil {
		return nil, per, nil, err
	}
	if err := access.Can(p, access.EngagementsRead); err != nil {
		return nil, per, nil, err
	}
	utc := kpi.PeriodOfDate(kind, day, time.UTC)
	known := defKey{scope: scopeOf(p), engagement: engagementID, metric: key, kind: kind, start: tandem.DateOf(utc.Start)}
	if d, ok := tx.knownDef(known); ok {
		// Read by an earlier value of the batch (valuesknown.go), whose
		// statement took the period's lock.
		return d.checked(p, now)
	}
	lastDay := kpi.LastDay(utc)
	var w where
	engagementScope(&w, p)
	w.add("e.id = ?", engagementID)
	var e engagement.Engagement
	var tz string
	var hash sql.NullString
	inForce := []any{p.WorkspaceID, engagementID, lastDay.String()}
	args := slices.Clone(inForce)
	locked := ""
	if lock && tx.db.dialect.name() == "postgres" {
		// The period's first day is the same in every zone (a calendar
		// date, as lastDay): the lock is named as lockPeriod names it
		// once the zone is known. Taken while the statement runs, after
		// its snapshot: what it read may have changed meanwhile, as when
		// the lock was taken by the next statement; the statements after
		// it see what the transactions it waited for committed.
		locked = `, (SELECT 1 FROM (SELECT ` + lockPeriodSQL + `) l)`
		args = append(args, periodLockKey(p, engagementID, key, kind, known.start))
	}
	var one sql.NullInt64
	dest := []any{&e.Status, dateScan{&e.StartsOn}, &tz, &hash}
	if locked != "" {
		dest = append(dest, &one)
	}
	if err := tx.queryRow(ctx, `SELECT e.status, e.starts_on, ws.time_zone, (SELECT v.terms_hash`+versionInForceFrom+`)`+locked+`
		FROM engagements e JOIN workspaces ws ON ws.id = e.workspace_id`+w.String(),
		append(args, w.args...)...).Scan(dest...); err != nil {
		return nil, per, nil, notFound(err)
	}
	d := knownDef{loc: kpi.Zone(tz), status: e.Status, startsOn: e.StartsOn}
	d.per = kpi.PeriodOfDate(kind, day, d.loc)
	if err := d.open(now); err != nil {
		return nil, d.per, nil, err
	}
	// The terms decoded by their hash (migration 0049); their text is read
	// when they are not kept, or the version has no hash (NULL: also when
	// there is no version).
	terms, ok := decodedTerms.known(hash.String)
	if !ok {
		var raw string
		if err := tx.queryRow(ctx, `SELECT v.terms`+versionInForceFrom, inForce...).Scan(&raw); err != nil {
			return nil, d.per, nil, notFound(err)
		}
		var err error
		if terms, err = decodedTerms.get(raw); err != nil {
			return nil, d.per, nil, err
		}
	}
	d.def = metricDefIn(terms, key)
	if err := ownmetric.MayEnter(p.Side(), d.def); err != nil {
		return nil, d.per, nil, err
	}
	if lock {
		tx.knowDef(known, d)
	}
	return d.def, d.per, d.loc, nil
}

// open decides, from what definition read, whether a value of the period
// may be entered at now: the engagement is live and the period has
// begun.
func (d knownDef) open(now time.Time) error {
	if err := ownmetric.CheckLive(&engagement.Engagement{Status: d.status}); err != nil {
		return err
	}
	return ownmetric.CheckPeriod(d.per, now, d.startsOn)
}

// checked is definition's answer from what an earlier value of the batch
// read: open, and p's side may enter the metric.
func (d knownDef) checked(p tandem.Principal, now time.Time) (*contract.MetricDef, kpi.Period, *time.Location, error) {
	if err := d.open(now); err != nil {
		return nil, d.per, nil, err
	}
	if err := ownmetric.MayEnter(p.Side(), d.def); err != nil {
		return nil, d.per, nil, err
	}
	return d.def, d.per, d.loc, nil
}

// MetricDefs returns the engagement's own metrics in the terms in force
// today, for forms. Anyone who may see the engagement may call it.
func (s *OwnMetricStore) MetricDefs(ctx context.Context, p tandem.Principal, engagementID int64) ([]contract.MetricDef, error) {
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	v, err := termsInForce(ctx, s.db, p, engagementID, tandem.DateOf(s.db.Now().In(loc)))
	if err != nil {
		return nil, err
	}
	return v.Terms.Metrics, nil
}

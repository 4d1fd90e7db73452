package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
	"modernc.org/sqlite"
)

// aggSlots is how many rows an aggregate key (workspace, engagement, kind,
// day or week) may have on PostgreSQL (migration 0048: the column slot,
// part of the primary key). Recording a fact adds its delta to the row of
// its transaction's slot, aggSlotSQL: the connection's backend process id
// modulo aggSlots, the same for every statement of a transaction, so
// that a transaction locks one row per key and batches still lock rows in
// key order (no deadlock); transactions on connections of different
// slots add to different rows of a hot key (an engagement's calls of the
// day) and do not wait for each other's COMMIT. A key's aggregate is the sum
// of its slots' rows: n and the sums add up, sketches merge (exact and
// canonical). No reader takes one slot's row for the key's: only the sum
// counts (a delta that changed a recorded fact's value without adding a
// fact would leave a slot's row with n 0). Recomputing a key deletes
// every slot's row and writes slot 0 (recomputeDayRow, putWeek), so a
// key has rows only while it has facts. SQLite, one writer, has one row
// per key and no column slot.
const aggSlots = 8

// aggSlotSQL is the slot a PostgreSQL transaction writes (aggSlots).
var aggSlotSQL = `pg_backend_pid() % ` + strconv.Itoa(aggSlots)

// aggTuple is the VALUES tuple of one row of aggUpsertSQL; with the
// connection's slot when slotted.
func aggTuple(slotted bool) string {
	if slotted {
		return `(?, ?, ?, ?, ` + aggSlotSQL + `, ?, ?, ?, ?, ?, ?)`
	}
	return `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
}

// aggKeyCols is the conflict target of an aggregate table whose rows are
// by col (day or week): the key, with the slot on PostgreSQL.
func aggKeyCols(col string, slotted bool) string {
	if slotted {
		return `workspace_id, engagement_id, kind, ` + col + `, slot`
	}
	return `workspace_id, engagement_id, kind, ` + col
}

// slottedAggregates reports whether the aggregate rows of q's database
// have slots (PostgreSQL, aggSlots): a key may have several rows, to be
// summed.
func slottedAggregates(q querier) bool {
	switch q := q.(type) {
	case *DB:
		return q.dialect.name() == "postgres"
	case *Tx:
		return q.db.dialect.name() == "postgres"
	case readTx:
		return q.db.dialect.name() == "postgres"
	}
	return true // unknown: merge, which is always right
}

// mergeSlots merges the rows of rows that have the same key (the slots'
// rows of one aggregate key on PostgreSQL, aggSlots) into the first of
// them with add, keeping the order of the first rows.
func mergeSlots[T any, K comparable](rows []T, key func(T) K, add func(into *T, x T)) []T {
	first := make(map[K]int, len(rows))
	out := rows[:0]
	for _, x := range rows {
		k := key(x)
		if i, ok := first[k]; ok {
			add(&out[i], x)
			continue
		}
		first[k] = len(out)
		out = append(out, x)
	}
	return out
}

// aggUpsertSQL adds a delta (n and the sums of one or more facts) to an
// aggregate row of table (kpi_daily by day, kpi_weekly by week), creating
// it if needed; when slotted (PostgreSQL), to the row of the connection's
// slot (aggSlots).
func aggUpsertSQL(table, col string, slotted bool) string {
	cols := col
	if slotted {
		cols += `, slot`
	}
	return `INSERT INTO ` + table + ` (workspace_id, engagement_id, kind, ` + cols + `, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero)
		VALUES ` + aggTuple(slotted) + `
		ON CONFLICT (` + aggKeyCols(col, slotted) + `) DO UPDATE SET n = ` + table + `.N + excluded.N,
		sum_value = ` + table + `.sum_value + excluded.sum_value, sum_sq_value = ` + table + `.sum_sq_value + excluded.sum_sq_value,
		sum_flag = ` + table + `.sum_flag + excluded.sum_flag, sum_amount = ` + table + `.sum_amount + excluded.sum_amount,
		n_zero = ` + table + `.n_zero + excluded.n_zero`
}

// aggUpsertSketchSQL is aggUpsertSQL for a row with a sketch on
// PostgreSQL (slotted): a new row is written with the delta's sketch; an
// existing row keeps its sketch, and the statement returns n and the
// sketch as they stand, so that the caller merges the delta's sketch into
// the stored one and writes it back (dailySketchSQL, same slot). The
// returned n equals the delta's n exactly when the row is new (a stored
// row has n > 0).
func aggUpsertSketchSQL(table, col string) string {
	return strings.Replace(aggUpsertSQL(table, col, true), `n_zero)
		VALUES `+aggTuple(true), `n_zero, sketch)
		VALUES `+strings.TrimSuffix(aggTuple(true), `)`)+`, ?)`, 1) + ` RETURNING n, sketch`
}

// aggMergeSketchSQL is aggUpsertSQL for a row with a sketch on SQLite: the
// delta's sketch is merged into the stored one by the SQL function
// sketchMergeFunc in the same statement, so that the row is written once
// instead of upserted, read back, merged in Go and updated.
func aggMergeSketchSQL(table, col string) string {
	return strings.Replace(aggUpsertSQL(table, col, false), `n_zero)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, 1) + `, sketch = ` + sketchMergeFunc + `(` + table + `.Sketch, excluded.Sketch)`
}

// sketchMergeFunc is the SQL function, registered with the SQLite driver,
// that merges two encoded kpi.Sketch values (either may be NULL or empty)
// and returns the encoding of the merge: what flushDeltas would write
// after reading the stored sketch back.
const sketchMergeFunc = "tandem_sketch_merge"

var registerSQLiteFuncs = sync.OnceValue(func() error {
	// tandem_sha256_hex(text) is termsHash, for migration 0049.
	if err := sqlite.RegisterDeterministicScalarFunction("tandem_sha256_hex", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, ok := args[0].(string)
		if !ok {
			return nil, nil
		}
		return termsHash(s), nil
	}); err != nil {
		return err
	}
	return sqlite.RegisterDeterministicScalarFunction(sketchMergeFunc, 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		a, _ := args[0].([]byte)
		b, _ := args[1].([]byte)
		m, err := kpi.MergeEncoded(a, b)
		if err != nil {
			return nil, fmt.Errorf("store: aggregate sketch: %w", err)
		}
		if m == nil {
			return nil, nil // NULL, not an empty blob
		}
		return m, nil
	})
})

// flushDeltas adds the deltas of a batch of facts (metric.Deltas, what
// recordFact and RecordFacts sum) to kpi_daily and kpi_weekly in tx, one upsert per
// row, in key order (so that concurrent batches on PostgreSQL lock rows in
// the same order); on PostgreSQL, to the rows of the connection's slot
// (aggSlots). A row with a sketch is, on SQLite, upserted with the
// stored sketch merged in SQL (sketchMergeFunc); on PostgreSQL it is
// upserted with RETURNING: the upsert locks the row and returns the stored
// sketch, which is merged with the delta's and written back in the same
// transaction.
func flushDeltas(ctx context.Context, tx *Tx, workspaceID int64, b *metric.Deltas) error {
	onSQLite := tx.db.dialect.name() == "sqlite"
	type statements struct {
		m                            map[metric.AggKey]*metric.Sums
		upsert, upsertSk, set, merge string
	}
	tables := [2]statements{{b.Daily, dailyUpsertSQL, "", "", dailyMergeSketchSQL},
		{b.Weekly, weeklyUpsertSQL, "", "", weeklyMergeSketchSQL}}
	if !onSQLite { // the connection's slot (aggSlots), sketches read back
		tables = [2]statements{{b.Daily, dailySlotUpsertSQL, dailyUpsertSketchSQL, dailySketchSQL, ""},
			{b.Weekly, weeklySlotUpsertSQL, weeklyUpsertSketchSQL, weeklySketchSQL, ""}}
		// Every fact's day is in a week of b.Weekly.
		if err := lockWeeks(ctx, tx, workspaceID, false, slices.Collect(maps.Keys(b.Weekly))...); err != nil {
			return err
		}
	}
	for _, t := range tables {
		keys := metric.SortedKeys(t.m)
		// On PostgreSQL, the rows without a sketch go in multi-row upserts
		// (the keys are distinct), which saves a round trip per row; on SQLite
		// a multi-row statement writes a statement journal, and a prepared
		// single-row upsert is faster.
		if tx.db.dialect.name() == "postgres" {
			var plain []metric.AggKey
			for _, k := range keys {
				if t.m[k].Sketch == nil {
					plain = append(plain, k)
				}
			}
			for len(plain) > 1 {
				c := plain[:min(len(plain), aggChunk)]
				plain = plain[len(c):]
				args := make([]any, 0, len(c)*10)
				for _, k := range c {
					r := t.m[k]
					args = append(args, workspaceID, k.EngagementID, k.Kind, k.Day, r.N, r.SumValue, r.SumSqValue, r.SumFlag, r.SumAmount, r.NZero)
					delete(t.m, k)
				}
				tuples := strings.TrimSuffix(strings.Repeat(aggTuple(true)+", ", len(c)), ", ")
				if _, err := tx.exec(ctx, strings.Replace(t.upsert, aggTuple(true), tuples, 1), args...); err != nil {
					return err
				}
			}
		}
		for _, k := range keys {
			r := t.m[k]
			if r == nil {
				continue // written above
			}
			args := []any{workspaceID, k.EngagementID, k.Kind, k.Day, r.N, r.SumValue, r.SumSqValue, r.SumFlag, r.SumAmount, r.NZero}
			if r.Sketch == nil {
				if _, err := tx.prepared(ctx, t.upsert, args...); err != nil {
					return err
				}
				continue
			}
			mine, err := r.Sketch.MarshalBinary()
			if err != nil {
				return err
			}
			if onSQLite {
				// One statement: the stored sketch is merged in SQL.
				if _, err := tx.prepared(ctx, t.merge, append(args, mine)...); err != nil {
					return err
				}
				continue
			}
			var n int64
			var blob []byte
			if err := tx.preparedRow(ctx, t.upsertSk, append(args, mine)...).Scan(&n, &blob); err != nil {
				return err
			}
			if n == r.N {
				continue // a new row, written with the delta's sketch
			}
			merged, err := kpi.MergeEncoded(blob, mine)
			if err != nil {
				return fmt.Errorf("store: aggregate sketch: %w", err)
			}
			if _, err := tx.prepared(ctx, t.set, merged, workspaceID, k.EngagementID, k.Kind, k.Day); err != nil {
				return err
			}
		}
	}
	return nil
}

// squareKinds is the SQL list of the kinds that keep Σvalue² (constant
// names from metric.Kinds, quoted).
func squareKinds() string {
	var q []string
	for _, k := range metric.Kinds {
		if k.Squares {
			q = append(q, "'"+strings.ReplaceAll(k.Name, "'", "''")+"'")
		}
	}
	if len(q) == 0 {
		return "''"
	}
	return strings.Join(q, ", ")
}

// factSums is the select list that recomputes aggregates from facts.
func factSums() string {
	return `COUNT(*), CAST(COALESCE(SUM(value), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN kind IN (` + squareKinds() + `) THEN value * value ELSE 0 END), 0) AS BIGINT),
		CAST(COALESCE(SUM(flag), 0) AS BIGINT), CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN value = 0 THEN 1 ELSE 0 END), 0) AS BIGINT)`
}

// recomputeDay rewrites one aggregate row from that day's facts, deleting
// it when none are left, and then its week's row (recomputeWeek).
func recomputeDay(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string) error {
	if err := lockWeeks(ctx, tx, workspaceID, true, metric.AggKey{EngagementID: engagementID, Kind: kind, Day: day}); err != nil {
		return err
	}
	if err := recomputeDayRow(ctx, tx, workspaceID, engagementID, kind, day); err != nil {
		return err
	}
	return recomputeWeek(ctx, tx, workspaceID, engagementID, kind, day)
}

// lockWeeks takes, on PostgreSQL, the lock of the aggregate weeks of keys
// (a kind's rows of an engagement's week: its days' kpi_daily rows and
// its kpi_weekly row) until tx ends: shared to add deltas to them
// (flushDeltas), exclusive to rewrite them from the facts (recomputeDay).
// Without it a rewrite lost a delta: it read the day's facts without a
// fact another transaction had not committed yet, then deleted the rows
// that transaction had added to once it committed (READ COMMITTED reads
// the rows again), and wrote the sums without it. Adders do not wait for
// each other; a rewrite waits for the adders before it to commit, and the
// adders after it for the rewrite (and then add to what it wrote). The
// locks are taken in the order of their numbers, so that two
// transactions taking several never wait for each other in a circle.
// SQLite's single writer runs one transaction at a time.
func lockWeeks(ctx context.Context, tx *Tx, workspaceID int64, exclusive bool, keys ...metric.AggKey) error {
	if tx.db.dialect.name() != "postgres" || len(keys) == 0 {
		return nil
	}
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		week, err := kpi.WeekOf(k.Day)
		if err != nil {
			return err
		}
		names = append(names, fmt.Sprintf("kpi %d %d %s %s", workspaceID, k.EngagementID, k.Kind, week))
	}
	fn := "pg_advisory_xact_lock_shared"
	if exclusive {
		fn = "pg_advisory_xact_lock"
	}
	// PostgreSQL evaluates a volatile function of the select list after
	// the ORDER BY, row by row.
	_, err := tx.exec(ctx, `SELECT `+fn+`(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(CAST(? AS text[])) AS k) x ORDER BY h`, names)
	return err
}

// recomputeWeek rewrites the kpi_weekly row of the week of day from that
// week's kpi_daily rows, every slot's (exact, sketches included: merging
// is exact and canonical), deleting it when the week has none.
func recomputeWeek(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string) error {
	week, err := kpi.WeekOf(day)
	if err != nil {
		return err
	}
	days, err := scanAll(ctx, tx, func(s scanner, r *metric.Sums) error { return scanSums(s, r) },
		`SELECT n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM kpi_daily
		WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?`,
		workspaceID, engagementID, kind, week, kpi.AddDays(week, 7))
	if err != nil {
		return err
	}
	var w metric.Sums
	for i := range days {
		w.Add(days[i])
	}
	return putWeek(ctx, tx, workspaceID, metric.AggKey{EngagementID: engagementID, Kind: kind, Day: week}, &w)
}

// scanAggRow scans a kpi_daily row's values (n … n_zero, sketch), after
// the columns in lead.
func scanSums(s scanner, r *metric.Sums, lead ...any) error {
	var blob []byte
	if err := s.Scan(append(lead, &r.N, &r.SumValue, &r.SumSqValue, &r.SumFlag, &r.SumAmount, &r.NZero, &blob)...); err != nil {
		return err
	}
	var err error
	if r.Sketch, err = kpi.DecodeSketch(blob); err != nil {
		return fmt.Errorf("store: kpi_daily sketch: %w", err)
	}
	return nil
}

// putWeek writes a kpi_weekly row as w (deleting it when w.N is 0). On
// PostgreSQL the week's rows of every slot are deleted and w is written
// as slot 0 (aggSlots).
func putWeek(ctx context.Context, tx *Tx, workspaceID int64, k metric.AggKey, w *metric.Sums) error {
	slotted := tx.db.dialect.name() == "postgres"
	if w.N == 0 || slotted {
		_, err := tx.exec(ctx, `DELETE FROM kpi_weekly WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND week = ?`,
			workspaceID, k.EngagementID, k.Kind, k.Day)
		if err != nil || w.N == 0 {
			return err
		}
	}
	blob, err := kpi.EncodeSketch(w.Sketch)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO kpi_weekly (workspace_id, engagement_id, kind, week, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (`+aggKeyCols("week", slotted)+`) DO UPDATE SET n = excluded.N, sum_value = excluded.sum_value,
		sum_sq_value = excluded.sum_sq_value, sum_flag = excluded.sum_flag, sum_amount = excluded.sum_amount,
		n_zero = excluded.n_zero, sketch = excluded.Sketch`,
		workspaceID, k.EngagementID, k.Kind, k.Day, w.N, w.SumValue, w.SumSqValue, w.SumFlag, w.SumAmount, w.NZero, blob)
	return err
}

// backfillWeekly builds kpi_weekly from kpi_daily when the first is empty
// and the second is not: data recorded before migration 0009. It runs when
// the store opens, in one transaction.
func (s *KPIStore) backfillWeekly(ctx context.Context) error {
	var one int
	if err := s.db.w.QueryRowContext(ctx, `SELECT 1 FROM kpi_weekly LIMIT 1`).Scan(&one); err != sql.ErrNoRows {
		return err // nil when it has rows
	}
	if err := s.db.w.QueryRowContext(ctx, `SELECT 1 FROM kpi_daily LIMIT 1`).Scan(&one); err != nil {
		if err == sql.ErrNoRows {
			return nil
		}
		return err
	}
	return s.db.transactBulk(ctx, func(tx *Tx) error {
		type daily struct {
			ws int64
			k  metric.AggKey
			d  tandem.Date
			r  metric.Sums
		}
		days, err := scanAll(ctx, tx, func(s scanner, x *daily) error {
			return scanSums(s, &x.r, &x.ws, &x.k.EngagementID, &x.k.Kind, dateScan{&x.d})
		}, `SELECT workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM kpi_daily`)
		if err != nil {
			return err
		}
		weeks := map[int64]map[metric.AggKey]*metric.Sums{} // by workspace
		for i := range days {
			x := &days[i]
			x.k.Day = kpi.MondayOf(x.d.Time()).Format(time.DateOnly)
			m := weeks[x.ws]
			if m == nil {
				m = map[metric.AggKey]*metric.Sums{}
				weeks[x.ws] = m
			}
			if m[x.k] == nil {
				m[x.k] = &metric.Sums{}
			}
			m[x.k].Add(x.r)
		}
		for ws, m := range weeks {
			for k, w := range m {
				if err := putWeek(ctx, tx, ws, k, w); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// recomputeDayRow rewrites one kpi_daily row from that day's facts,
// deleting it when none are left. On PostgreSQL the day's rows of every
// slot are deleted and the day is written as slot 0 (aggSlots).
func recomputeDayRow(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string) error {
	var s metric.Sums
	if err := tx.queryRow(ctx, `SELECT `+factSums()+` FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
		workspaceID, engagementID, kind, day).Scan(&s.N, &s.SumValue, &s.SumSqValue, &s.SumFlag, &s.SumAmount, &s.NZero); err != nil {
		return err
	}
	slotted := tx.db.dialect.name() == "postgres"
	if s.N == 0 || slotted {
		_, err := tx.exec(ctx, `DELETE FROM kpi_daily WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
			workspaceID, engagementID, kind, day)
		if err != nil || s.N == 0 {
			return err
		}
	}
	var blob []byte
	if f := metric.KindOf(kind).SketchField; f != "" {
		rows, err := tx.query(ctx, `SELECT data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
			workspaceID, engagementID, kind, day)
		if err != nil {
			return err
		}
		sk, err := sketchOf(rows, fact.Kind(kind))
		if err != nil {
			return err
		}
		if blob, err = kpi.EncodeSketch(sk); err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO kpi_daily (workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (`+aggKeyCols("day", slotted)+`) DO UPDATE SET n = excluded.N, sum_value = excluded.sum_value,
		sum_sq_value = excluded.sum_sq_value, sum_flag = excluded.sum_flag, sum_amount = excluded.sum_amount,
		n_zero = excluded.n_zero, sketch = excluded.Sketch`,
		workspaceID, engagementID, kind, day, s.N, s.SumValue, s.SumSqValue, s.SumFlag, s.SumAmount, s.NZero, blob)
	return err
}

// sketchOf builds a sketch from rows of one column, a fact's data, adding
// the integer field; it closes rows.
func sketchOf(rows *sql.Rows, kind fact.Kind) (*kpi.Sketch, error) {
	defer rows.Close()
	sk := &kpi.Sketch{}
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, err
		}
		v, ok, err := fact.SketchValue(kind, js)
		if err != nil {
			return nil, err
		}
		if ok {
			sk.Add(v)
		}
	}
	return sk, rows.Err()
}

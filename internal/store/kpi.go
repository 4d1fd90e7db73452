package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// KPIStore is the KPI engine's storage: per-day aggregates of the facts
// (table kpi_daily), scorecards and trends read from them, explanations
// down to the facts, and Verify, which recomputes every aggregate from the
// raw facts.
//
// Aggregates are kept current in the transaction that records a fact
// (recordFact → addToDaily): one upsert adds the fact to its row (workspace,
// engagement, kind, local day) — n, Σvalue, Σvalue² (kinds that need it),
// Σflag, Σamount_minor, the facts with value 0 — and, for a kind with a
// sketch (metric.Kinds: lead_time_s of deliverable.accepted), the upsert
// returns the stored sketch, the fact's value is added to it and the row is
// written back. The read-modify-write is safe without dialect code: on
// SQLite the write transaction holds the database's one write lock; on
// PostgreSQL the upsert itself takes the row's lock until commit, so a
// concurrent transaction recording a fact for the same row waits at its own
// upsert and then reads the sketch this one wrote.
//
// Editing or deleting a fact (UpdateFact, DeleteFact) recomputes the
// aggregate rows of the days it leaves and enters from that day's facts
// (recomputeDay): one day of one engagement and kind is a handful of rows
// through the facts_engagement_day index, and recomputing is exact for
// the sketch too, which cannot subtract a value. A row whose day has no
// facts left is deleted.
type KPIStore struct {
	db    *DB
	stmts map[string]*sql.Stmt // the hot statements of recording a fact, prepared on the writer
}

// The statements recording a fact runs, prepared once when the database is
// opened (recordFact and addToDaily run them through Tx.prepared): parsing
// SQL is most of the cost of an insert on SQLite.
const (
	workspaceZoneSQL = `SELECT time_zone FROM workspaces WHERE id = ?`
	dailyUpsertSQL   = `INSERT INTO kpi_daily (workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero)
		VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, engagement_id, kind, day) DO UPDATE SET n = kpi_daily.n + 1,
		sum_value = kpi_daily.sum_value + excluded.sum_value, sum_sq_value = kpi_daily.sum_sq_value + excluded.sum_sq_value,
		sum_flag = kpi_daily.sum_flag + excluded.sum_flag, sum_amount = kpi_daily.sum_amount + excluded.sum_amount,
		n_zero = kpi_daily.n_zero + excluded.n_zero`
	dailyUpsertSketchSQL = dailyUpsertSQL + ` RETURNING sketch`
	dailySketchSQL       = `UPDATE kpi_daily SET sketch = ? WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`
)

// newKPIStore prepares the statements of recording a fact on the writer
// (no transaction runs yet when the database is opened). A statement that
// fails to prepare is simply run unprepared.
func newKPIStore(ctx context.Context, db *DB) *KPIStore {
	s := &KPIStore{db: db, stmts: map[string]*sql.Stmt{}}
	for _, q := range []string{workspaceZoneSQL, insertFactSQL, dailyUpsertSQL, dailyUpsertSketchSQL, dailySketchSQL} {
		if st, err := db.w.PrepareContext(ctx, db.dialect.rebind(q)); err == nil {
			s.stmts[q] = st
		}
	}
	return s
}

// prepared runs q, one of the statements newKPIStore prepared, in tx (or
// unprepared when it is not one of them).
func (tx *Tx) prepared(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st := tx.db.KPI.stmt(q)
	if st == nil {
		return tx.exec(ctx, q, args...)
	}
	ts := tx.tx.StmtContext(ctx, st)
	defer ts.Close() // leaves the statement prepared on the connection
	return ts.ExecContext(ctx, args...)
}

// preparedRow is prepared for a query returning one row.
func (tx *Tx) preparedRow(ctx context.Context, q string, args ...any) *sql.Row {
	st := tx.db.KPI.stmt(q)
	if st == nil {
		return tx.queryRow(ctx, q, args...)
	}
	// The row's statement stays open until Scan; the transaction closes it.
	return tx.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

func (s *KPIStore) stmt(q string) *sql.Stmt {
	if s == nil {
		return nil
	}
	return s.stmts[q]
}

// ---------------------------------------------------------------- facts

// RecordedFact is a fact as stored, with its id and local day.
type RecordedFact struct {
	ID           int64
	EngagementID int64
	Kind         string
	SubjectID    int64
	At           time.Time
	Day          tandem.Date
	Value        int64
	Flag         bool
	AmountMinor  int64
	Currency     string
	Data         map[string]any
}

const factCols = `id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data`

func scanFact(s interface{ Scan(...any) error }, f *RecordedFact) error {
	var flag int64
	var js string
	if err := s.Scan(&f.ID, &f.EngagementID, &f.Kind, &f.SubjectID, &f.At, dateScan{&f.Day}, &f.Value, &flag, &f.AmountMinor, &f.Currency, &js); err != nil {
		return err
	}
	f.At, f.Flag = f.At.UTC(), flag != 0
	var err error
	f.Data, err = decodeData(js)
	return err
}

// decodeData decodes a fact's data, keeping numbers exact (json.Number).
func decodeData(js string) (map[string]any, error) {
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("store: fact data: %w", err)
	}
	return m, nil
}

// dataInt reads an integer field of a fact's data, as written by Go code
// (int, int64, float64) or decoded from JSON (json.Number).
func dataInt(data map[string]any, key string) (int64, bool) {
	switch v := data[key].(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		return int64(v), true
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, true
		}
		if f, err := v.Float64(); err == nil {
			return int64(f), true
		}
	}
	return 0, false
}

// zones caches time.LoadLocation, which reads the zone file every time.
var zones sync.Map // IANA name → *time.Location

// zone returns the location named tz, UTC when unknown.
func zone(tz string) *time.Location {
	if l, ok := zones.Load(tz); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	zones.Store(tz, l)
	return l
}

// workspaceLoc returns the workspace's time zone (UTC if unknown).
func workspaceLoc(ctx context.Context, row func(context.Context, string, ...any) *sql.Row, workspaceID int64) (*time.Location, error) {
	var tz string
	if err := row(ctx, `SELECT time_zone FROM workspaces WHERE id = ?`, workspaceID).Scan(&tz); err != nil {
		return nil, notFound(err)
	}
	return zone(tz), nil
}

// RecordFacts records a batch of facts in one transaction, each exactly as
// the work, notice and request stores record theirs (recordFact: the fact
// and its day's aggregates), and one audit entry for the batch. It is the
// batch ingestion path (imports, synthetic load); owners and managers may
// call it, for engagements of their workspace. A once-only fact (penalty.*,
// breach.*) already recorded for its subject is skipped; n counts the facts
// recorded.
func (s *KPIStore) RecordFacts(ctx context.Context, p tandem.Principal, facts []Fact) (n int, err error) {
	defer wrap(&err, "KPIStore.RecordFacts(%d)", len(facts))
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return 0, err
	}
	if len(facts) == 0 {
		return 0, nil
	}
	var ids []int64
	for _, f := range facts {
		if f.Kind == "" {
			return 0, invalid("kind", "validation.required")
		}
		if !slices.Contains(ids, f.EngagementID) {
			ids = append(ids, f.EngagementID)
		}
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		n = 0
		for _, id := range ids {
			var one int
			if err := tx.queryRow(ctx, `SELECT 1 FROM engagements WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id).Scan(&one); err != nil {
				return notFound(err)
			}
		}
		for _, f := range facts {
			ok, err := recordFact(ctx, tx, p, f)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return tx.record(ctx, p, "facts.recorded", "workspace", p.WorkspaceID, map[string]any{"count": n, "engagements": ids})
	})
	return n, err
}

// addToDaily adds one recorded fact to its day's aggregate row (see
// KPIStore).
func addToDaily(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string, value int64, flag bool, amount int64, data map[string]any) error {
	k := metric.KindOf(kind)
	var sq, fl, zero int64
	if k.Squares {
		sq = value * value
	}
	if flag {
		fl = 1
	}
	if value == 0 {
		zero = 1
	}
	args := []any{workspaceID, engagementID, kind, day, value, sq, fl, amount, zero}
	v, hasSketch := int64(0), false
	if k.SketchField != "" {
		v, hasSketch = dataInt(data, k.SketchField)
	}
	if !hasSketch {
		_, err := tx.prepared(ctx, dailyUpsertSQL, args...)
		return err
	}
	// The upsert locks the row (PostgreSQL) and returns the sketch as it
	// stands; the merged sketch is written back in the same transaction.
	var blob []byte
	if err := tx.preparedRow(ctx, dailyUpsertSketchSQL, args...).Scan(&blob); err != nil {
		return err
	}
	var sk kpi.Sketch
	if len(blob) > 0 {
		if err := sk.UnmarshalBinary(blob); err != nil {
			return fmt.Errorf("store: kpi_daily sketch: %w", err)
		}
	}
	sk.Add(v)
	b, err := sk.MarshalBinary()
	if err != nil {
		return err
	}
	_, err = tx.prepared(ctx, dailySketchSQL, b, workspaceID, engagementID, kind, day)
	return err
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
// it when none are left.
func recomputeDay(ctx context.Context, tx *Tx, workspaceID, engagementID int64, kind, day string) error {
	var s metric.Sums
	if err := tx.queryRow(ctx, `SELECT `+factSums()+` FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
		workspaceID, engagementID, kind, day).Scan(&s.N, &s.SumValue, &s.SumSqValue, &s.SumFlag, &s.SumAmount, &s.NZero); err != nil {
		return err
	}
	if s.N == 0 {
		_, err := tx.exec(ctx, `DELETE FROM kpi_daily WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
			workspaceID, engagementID, kind, day)
		return err
	}
	var blob []byte
	if f := metric.KindOf(kind).SketchField; f != "" {
		rows, err := tx.query(ctx, `SELECT data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day = ?`,
			workspaceID, engagementID, kind, day)
		if err != nil {
			return err
		}
		sk, err := sketchOf(rows, f)
		if err != nil {
			return err
		}
		if sk.Count() > 0 {
			if blob, err = sk.MarshalBinary(); err != nil {
				return err
			}
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO kpi_daily (workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, engagement_id, kind, day) DO UPDATE SET n = excluded.n, sum_value = excluded.sum_value,
		sum_sq_value = excluded.sum_sq_value, sum_flag = excluded.sum_flag, sum_amount = excluded.sum_amount,
		n_zero = excluded.n_zero, sketch = excluded.sketch`,
		workspaceID, engagementID, kind, day, s.N, s.SumValue, s.SumSqValue, s.SumFlag, s.SumAmount, s.NZero, blob)
	return err
}

// sketchOf builds a sketch from rows of one column, a fact's data, adding
// the integer field; it closes rows.
func sketchOf(rows *sql.Rows, field string) (*kpi.Sketch, error) {
	defer rows.Close()
	sk := &kpi.Sketch{}
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, err
		}
		d, err := decodeData(js)
		if err != nil {
			return nil, err
		}
		if v, ok := dataInt(d, field); ok {
			sk.Add(v)
		}
	}
	return sk, rows.Err()
}

// getFact reads a fact of p's workspace that p may see.
func (s *KPIStore) getFact(ctx context.Context, p tandem.Principal, id int64) (*RecordedFact, error) {
	var f RecordedFact
	if err := scanFact(s.db.queryRow(ctx, `SELECT `+factCols+` FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id), &f); err != nil {
		return nil, notFound(err)
	}
	if _, err := s.db.Engagements.Get(ctx, p, f.EngagementID); err != nil {
		return nil, err
	}
	return &f, nil
}

// DeleteFact deletes a fact recorded by mistake and recomputes its day's
// aggregates, with an audit entry holding the fact as it was. Owners and
// managers may call it. Errors: ENotFound, EForbidden.
func (s *KPIStore) DeleteFact(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "KPIStore.DeleteFact(%d)", id)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	if _, err := s.getFact(ctx, p, id); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var f RecordedFact
		if err := scanFact(tx.queryRow(ctx, `SELECT `+factCols+` FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id), &f); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id); err != nil {
			return err
		}
		if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, f.Kind, f.Day.String()); err != nil {
			return err
		}
		return tx.record(ctx, p, "fact.deleted", "engagement", f.EngagementID, map[string]any{
			"fact_id": id, "kind": f.Kind, "subject_id": f.SubjectID, "at": f.At, "day": f.Day.String(),
			"value": f.Value, "flag": f.Flag, "amount_minor": f.AmountMinor, "currency": f.Currency, "data": f.Data})
	})
}

// FactEdit is a correction of a recorded fact: the fields that are set
// replace the stored ones. Kind, engagement and subject never change.
type FactEdit struct {
	At          *time.Time // moves the fact, possibly to another day
	Value       *int64
	Flag        *bool
	AmountMinor *int64
	Data        map[string]any // replaces the data when not nil
}

// UpdateFact corrects a recorded fact and recomputes the aggregates of the
// day it leaves and the day it lands on, with an audit entry of the
// changes. Owners and managers may call it. Errors: ENotFound, EForbidden.
func (s *KPIStore) UpdateFact(ctx context.Context, p tandem.Principal, id int64, e FactEdit) (err error) {
	defer wrap(&err, "KPIStore.UpdateFact(%d)", id)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	if _, err := s.getFact(ctx, p, id); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var f RecordedFact
		if err := scanFact(tx.queryRow(ctx, `SELECT `+factCols+` FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id), &f); err != nil {
			return notFound(err)
		}
		loc, err := workspaceLoc(ctx, tx.queryRow, p.WorkspaceID)
		if err != nil {
			return err
		}
		nf := f
		if e.At != nil {
			nf.At = e.At.UTC().Truncate(time.Microsecond)
			nf.Day = tandem.DateOf(nf.At.In(loc))
		}
		if e.Value != nil {
			nf.Value = *e.Value
		}
		if e.Flag != nil {
			nf.Flag = *e.Flag
		}
		if e.AmountMinor != nil {
			nf.AmountMinor = *e.AmountMinor
		}
		if e.Data != nil {
			nf.Data = e.Data
		}
		js, err := json.Marshal(nf.Data)
		if err != nil {
			return err
		}
		flag := 0
		if nf.Flag {
			flag = 1
		}
		if _, err := tx.exec(ctx, `UPDATE facts SET at = ?, day = ?, value = ?, flag = ?, amount_minor = ?, data = ? WHERE workspace_id = ? AND id = ?`,
			nf.At, nf.Day.String(), nf.Value, flag, nf.AmountMinor, string(js), p.WorkspaceID, id); err != nil {
			return err
		}
		if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, f.Kind, f.Day.String()); err != nil {
			return err
		}
		if nf.Day != f.Day {
			if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, f.Kind, nf.Day.String()); err != nil {
				return err
			}
		}
		before := map[string]any{"at": f.At, "day": f.Day.String(), "value": f.Value, "flag": f.Flag, "amount_minor": f.AmountMinor, "data": f.Data}
		after := map[string]any{"at": nf.At, "day": nf.Day.String(), "value": nf.Value, "flag": nf.Flag, "amount_minor": nf.AmountMinor, "data": nf.Data}
		return tx.record(ctx, p, "fact.updated", "engagement", f.EngagementID, map[string]any{
			"fact_id": id, "kind": f.Kind, "changes": changes(before, after)})
	})
}

// ------------------------------------------------------------ scorecards

// Scorecard is an engagement's scorecard for one period (kpi.Scorecard)
// with the version of the terms whose KPIs it scores.
type Scorecard struct {
	kpi.Scorecard
	EngagementID int64
	TermsVersion int
}

// dayRow is one day's aggregates of one kind.
type dayRow struct {
	kind string
	day  string
	sums metric.Sums
}

// source reads the per-day rows of an engagement for the given kinds over
// the days [from, to), with sketches when withSketch.
type source func(ctx context.Context, workspaceID, engagementID int64, kinds []string, from, to string, withSketch bool) ([]dayRow, error)

// fromAggregates reads the rows of kpi_daily: what scorecards use.
func (s *KPIStore) fromAggregates(ctx context.Context, workspaceID, engagementID int64, kinds []string, from, to string, withSketch bool) ([]dayRow, error) {
	sk := "NULL"
	if withSketch {
		sk = "sketch"
	}
	args := []any{workspaceID, engagementID}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, from, to)
	rows, err := s.db.query(ctx, `SELECT kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, `+sk+` FROM kpi_daily
		WHERE workspace_id = ? AND engagement_id = ? AND kind IN (`+placeholders(len(kinds))+`) AND day >= ? AND day < ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dayRow
	for rows.Next() {
		var r dayRow
		var d tandem.Date
		var blob []byte
		if err := rows.Scan(&r.kind, dateScan{&d}, &r.sums.N, &r.sums.SumValue, &r.sums.SumSqValue, &r.sums.SumFlag, &r.sums.SumAmount, &r.sums.NZero, &blob); err != nil {
			return nil, err
		}
		r.day = d.String()
		if len(blob) > 0 {
			r.sums.Sketch = &kpi.Sketch{}
			if err := r.sums.Sketch.UnmarshalBinary(blob); err != nil {
				return nil, fmt.Errorf("store: kpi_daily sketch: %w", err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// fromFacts computes the same rows from the raw facts (GROUP BY over the
// facts, sketches rebuilt from each fact's data): the baseline the
// benchmark compares against, and what Verify checks the aggregates with.
func (s *KPIStore) fromFacts(ctx context.Context, workspaceID, engagementID int64, kinds []string, from, to string, withSketch bool) ([]dayRow, error) {
	args := []any{workspaceID, engagementID}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, from, to)
	cond := `workspace_id = ? AND engagement_id = ? AND kind IN (` + placeholders(len(kinds)) + `) AND day >= ? AND day < ?`
	rows, err := s.db.query(ctx, `SELECT kind, day, `+factSums()+` FROM facts WHERE `+cond+` GROUP BY kind, day`, args...)
	if err != nil {
		return nil, err
	}
	var out []dayRow
	index := map[[2]string]int{}
	for rows.Next() {
		var r dayRow
		var d tandem.Date
		if err := rows.Scan(&r.kind, dateScan{&d}, &r.sums.N, &r.sums.SumValue, &r.sums.SumSqValue, &r.sums.SumFlag, &r.sums.SumAmount, &r.sums.NZero); err != nil {
			rows.Close()
			return nil, err
		}
		r.day = d.String()
		index[[2]string{r.kind, r.day}] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !withSketch {
		return out, nil
	}
	for _, k := range kinds {
		field := metric.KindOf(k).SketchField
		if field == "" {
			continue
		}
		rows, err := s.db.query(ctx, `SELECT day, data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind = ? AND day >= ? AND day < ?`,
			workspaceID, engagementID, k, from, to)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d tandem.Date
			var js string
			if err := rows.Scan(dateScan{&d}, &js); err != nil {
				rows.Close()
				return nil, err
			}
			data, err := decodeData(js)
			if err != nil {
				rows.Close()
				return nil, err
			}
			v, ok := dataInt(data, field)
			if !ok {
				continue
			}
			r := &out[index[[2]string{k, d.String()}]]
			if r.sums.Sketch == nil {
				r.sums.Sketch = &kpi.Sketch{}
			}
			r.sums.Sketch.Add(v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// termsAt picks, from an engagement's versions, the one in force on day
// (as ContractStore.InForce does: the latest effective date on or before
// it, the highest number breaking ties; version 1 before the first date).
func termsAt(versions []contract.Version, day string) *contract.Version {
	var best *contract.Version
	for i := range versions {
		v := &versions[i]
		if v.EffectiveFrom > day && v.Number != 1 {
			continue
		}
		if best == nil || v.EffectiveFrom > best.EffectiveFrom || (v.EffectiveFrom == best.EffectiveFrom && v.Number > best.Number) {
			best = v
		}
	}
	return best
}

// lastDay is the local date of the last day of period p.
func lastDay(p kpi.Period) tandem.Date {
	return tandem.DateOf(p.End.Add(-time.Nanosecond).In(p.End.Location()))
}

// periodKPIs are the KPIs of v measured over periods of kind.
func periodKPIs(v *contract.Version, kind string) []contract.KPI {
	if v == nil {
		return nil
	}
	var out []contract.KPI
	for _, k := range v.Terms.KPIs {
		if k.Period == kind {
			out = append(out, k)
		}
	}
	return out
}

// scorecards builds an engagement's scorecards for periods (one kind,
// chronological) from src.
//
// Which KPIs: those of the terms in force on the period's last day whose
// period is the period's kind. An amendment effective mid-period thus
// scores the whole period — every fact in it — against the KPIs, targets
// and weights as amended: the terms the two sides had agreed by the time
// the period closed.
func (s *KPIStore) scorecards(ctx context.Context, p tandem.Principal, engagementID int64, periods []kpi.Period, src source) ([]Scorecard, []metric.Aggregates, error) {
	versions, err := s.db.Contracts.Versions(ctx, p, engagementID) // checks that p may see the engagement
	if err != nil {
		return nil, nil, err
	}
	if len(periods) == 0 {
		return nil, nil, nil
	}
	terms := make([]*contract.Version, len(periods))
	var kinds []string
	withSketch := false
	for i, per := range periods {
		terms[i] = termsAt(versions, lastDay(per).String())
		for _, k := range periodKPIs(terms[i], per.Kind) {
			m, _ := metric.Lookup(k.Metric)
			for _, kind := range m.Kinds {
				if !slices.Contains(kinds, kind) {
					kinds = append(kinds, kind)
				}
			}
			withSketch = withSketch || m.UsesSketch
		}
	}
	sort.Strings(kinds)
	starts := make([]string, len(periods))
	for i, per := range periods {
		starts[i] = tandem.DateOf(per.Start.In(per.Start.Location())).String()
	}
	end := tandem.DateOf(periods[len(periods)-1].End.In(periods[len(periods)-1].End.Location())).String()
	aggs := make([]metric.Aggregates, len(periods))
	for i := range aggs {
		aggs[i] = metric.Aggregates{}
	}
	if len(kinds) > 0 {
		rows, err := src(ctx, p.WorkspaceID, engagementID, kinds, starts[0], end, withSketch)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			i := sort.SearchStrings(starts, r.day)
			if i == len(starts) || starts[i] != r.day {
				i--
			}
			if i < 0 {
				continue
			}
			sum := aggs[i][r.kind]
			sum.Add(r.sums)
			aggs[i][r.kind] = sum
		}
	}
	out := make([]Scorecard, len(periods))
	for i, per := range periods {
		ks := periodKPIs(terms[i], per.Kind)
		actuals := map[string]kpi.Value{}
		for _, k := range ks {
			m, _ := metric.Lookup(k.Metric)
			if v, ok := m.Value(aggs[i]); ok {
				actuals[k.Key] = v
			}
		}
		out[i] = Scorecard{Scorecard: kpi.BuildScorecard(per, ks, actuals, kpi.DefaultConfig()), EngagementID: engagementID}
		if terms[i] != nil {
			out[i].TermsVersion = terms[i].Number
		}
	}
	return out, aggs, nil
}

// Scorecard returns an engagement's scorecard for period (computed in the
// workspace's time zone, e.g. kpi.PeriodOf): each KPI of the terms in force
// on the period's last day whose period is period.Kind, with its actual
// read from the aggregates, target, status and score; the weighted total
// and the standing. Anyone who may see the engagement may call it.
func (s *KPIStore) Scorecard(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period) (_ *Scorecard, err error) {
	defer wrap(&err, "KPIStore.Scorecard(%d, %s)", engagementID, period)
	if !kpi.ValidKind(period.Kind) {
		return nil, invalid("period", "validation.one_of")
	}
	scs, _, err := s.scorecards(ctx, p, engagementID, []kpi.Period{period}, s.fromAggregates)
	if err != nil {
		return nil, err
	}
	return &scs[0], nil
}

// Periods returns the last n periods of kind (week, month, quarter) in the
// workspace's time zone, oldest first, the last one containing now.
func (s *KPIStore) Periods(ctx context.Context, p tandem.Principal, kind string, n int) ([]kpi.Period, error) {
	if !kpi.ValidKind(kind) || n < 1 || n > kpi.MaxPeriods {
		return nil, invalid("period", "validation.one_of")
	}
	loc, err := workspaceLoc(ctx, s.db.queryRow, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := make([]kpi.Period, n)
	per := kpi.PeriodOf(kind, s.db.Now(), loc)
	for i := n - 1; i >= 0; i-- {
		out[i] = per
		per = per.Prev()
	}
	return out, nil
}

// Trend returns an engagement's scorecards for the last n periods of kind,
// oldest first, the last one the current period (see Scorecard), read from
// the aggregates in one query. kpi.Overall over their totals gives the
// overall score.
func (s *KPIStore) Trend(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int) (_ []Scorecard, err error) {
	defer wrap(&err, "KPIStore.Trend(%d, %s, %d)", engagementID, kind, n)
	periods, err := s.Periods(ctx, p, kind, n)
	if err != nil {
		return nil, err
	}
	scs, _, err := s.scorecards(ctx, p, engagementID, periods, s.fromAggregates)
	return scs, err
}

// TrendFromFacts is Trend computed from the raw facts instead of the
// aggregates (GROUP BY over the facts, sketches rebuilt from each fact):
// the slow way every report would take without kpi_daily, kept as the
// benchmark's baseline and as a cross-check. It gives the same scorecards.
func (s *KPIStore) TrendFromFacts(ctx context.Context, p tandem.Principal, engagementID int64, kind string, n int) (_ []Scorecard, err error) {
	defer wrap(&err, "KPIStore.TrendFromFacts(%d, %s, %d)", engagementID, kind, n)
	periods, err := s.Periods(ctx, p, kind, n)
	if err != nil {
		return nil, err
	}
	scs, _, err := s.scorecards(ctx, p, engagementID, periods, s.fromFacts)
	return scs, err
}

// Explained is one figure of a scorecard with everything behind it.
type Explained struct {
	Period       kpi.Period
	KPI          contract.KPI
	TermsVersion int
	Row          kpi.Row         // actual, target, threshold, score, status
	Explanation  kpi.Explanation // the metric's arithmetic, then the score's
	Facts        []RecordedFact  // the facts of the metric's kinds in the period, oldest first
	FactsTotal   int             // how many there are; Facts holds at most MaxExplainFacts
}

// MaxExplainFacts bounds the facts Explain lists.
const MaxExplainFacts = 1000

// Explain returns how a KPI's figure on an engagement's scorecard for
// period came about: the metric's formula with the period's summed
// aggregates substituted, the score's arithmetic (kpi.ExplainScore), and
// the facts it was computed from (ids, kinds, days, values). Anyone who may
// see the engagement may call it. ENotFound when the terms in force have
// no KPI kpiKey for periods of that kind.
func (s *KPIStore) Explain(ctx context.Context, p tandem.Principal, engagementID int64, period kpi.Period, kpiKey string) (_ *Explained, err error) {
	defer wrap(&err, "KPIStore.Explain(%d, %s, %s)", engagementID, period, kpiKey)
	if !kpi.ValidKind(period.Kind) {
		return nil, invalid("period", "validation.one_of")
	}
	scs, aggs, err := s.scorecards(ctx, p, engagementID, []kpi.Period{period}, s.fromAggregates)
	if err != nil {
		return nil, err
	}
	sc := scs[0]
	x := &Explained{Period: period, TermsVersion: sc.TermsVersion}
	found := false
	for _, r := range sc.Rows {
		if r.KPI.Key == kpiKey {
			x.KPI, x.Row, found = r.KPI, r, true
		}
	}
	if !found {
		return nil, tandem.ErrNotFound
	}
	m, _ := metric.Lookup(x.KPI.Metric)
	_, _, e := m.Explain(aggs[0])
	x.Explanation.Steps = append(e.Steps, x.Row.Explanation.Steps...)
	x.Facts = []RecordedFact{}
	if len(m.Kinds) == 0 {
		return x, nil
	}
	from := tandem.DateOf(period.Start.In(period.Start.Location())).String()
	to := tandem.DateOf(period.End.In(period.End.Location())).String()
	args := []any{p.WorkspaceID, engagementID}
	for _, k := range m.Kinds {
		args = append(args, k)
	}
	args = append(args, from, to)
	cond := ` FROM facts WHERE workspace_id = ? AND engagement_id = ? AND kind IN (` + placeholders(len(m.Kinds)) + `) AND day >= ? AND day < ?`
	if err := s.db.queryRow(ctx, `SELECT COUNT(*)`+cond, args...).Scan(&x.FactsTotal); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+factCols+cond+fmt.Sprintf(` ORDER BY day, at, id LIMIT %d`, MaxExplainFacts), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f RecordedFact
		if err := scanFact(rows, &f); err != nil {
			return nil, err
		}
		x.Facts = append(x.Facts, f)
	}
	return x, rows.Err()
}

// ---------------------------------------------------------------- verify

// Mismatch is the first difference Verify found between the stored
// aggregates and those recomputed from the facts, in the order of
// (workspace, engagement, kind, day). Stored is "missing" for a day with
// facts but no aggregate row; Recomputed is "missing" for a row whose day
// has no facts.
type Mismatch struct {
	WorkspaceID, EngagementID int64
	Kind, Day, Column         string
	Stored, Recomputed        string
}

func (m *Mismatch) Error() string {
	return fmt.Sprintf("kpi_daily differs from the facts: workspace %d, engagement %d, kind %s, day %s, %s: stored %s, recomputed %s",
		m.WorkspaceID, m.EngagementID, m.Kind, m.Day, m.Column, m.Stored, m.Recomputed)
}

type dailyKey struct {
	ws, eng   int64
	kind, day string
}

func (a dailyKey) less(b dailyKey) bool {
	if a.ws != b.ws {
		return a.ws < b.ws
	}
	if a.eng != b.eng {
		return a.eng < b.eng
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.day < b.day
}

type dailyVals struct {
	n, sumValue, sumSq, sumFlag, sumAmount, nZero int64
	sketch                                        []byte
}

// Verify recomputes every aggregate row from the raw facts (GROUP BY over
// all facts, sketches rebuilt from each fact's data) and compares them with
// kpi_daily, column by column and the sketch byte for byte (its encoding
// is canonical). It returns nil when they agree, and otherwise the first
// difference in key order. It reads every fact: an operator's check
// ("tandem kpi verify"), not a request path.
func (s *KPIStore) Verify(ctx context.Context) (_ *Mismatch, err error) {
	defer wrap(&err, "KPIStore.Verify")
	stored := map[dailyKey]dailyVals{}
	rows, err := s.db.query(ctx, `SELECT workspace_id, engagement_id, kind, day, n, sum_value, sum_sq_value, sum_flag, sum_amount, n_zero, sketch FROM kpi_daily`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k dailyKey
		var v dailyVals
		var d tandem.Date
		if err := rows.Scan(&k.ws, &k.eng, &k.kind, dateScan{&d}, &v.n, &v.sumValue, &v.sumSq, &v.sumFlag, &v.sumAmount, &v.nZero, &v.sketch); err != nil {
			rows.Close()
			return nil, err
		}
		k.day = d.String()
		stored[k] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Sketches recomputed from the facts of the kinds that keep one.
	sketches := map[dailyKey]*kpi.Sketch{}
	for _, kind := range metric.Kinds {
		if kind.SketchField == "" {
			continue
		}
		rows, err := s.db.query(ctx, `SELECT workspace_id, engagement_id, day, data FROM facts WHERE kind = ?`, kind.Name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			k := dailyKey{kind: kind.Name}
			var d tandem.Date
			var js string
			if err := rows.Scan(&k.ws, &k.eng, dateScan{&d}, &js); err != nil {
				rows.Close()
				return nil, err
			}
			k.day = d.String()
			data, err := decodeData(js)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if v, ok := dataInt(data, kind.SketchField); ok {
				if sketches[k] == nil {
					sketches[k] = &kpi.Sketch{}
				}
				sketches[k].Add(v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var first *Mismatch
	var firstKey dailyKey
	note := func(k dailyKey, col, st, re string) {
		if first == nil || k.less(firstKey) {
			first, firstKey = &Mismatch{WorkspaceID: k.ws, EngagementID: k.eng, Kind: k.kind, Day: k.day, Column: col, Stored: st, Recomputed: re}, k
		}
	}
	rows, err = s.db.query(ctx, `SELECT workspace_id, engagement_id, kind, day, `+factSums()+` FROM facts GROUP BY workspace_id, engagement_id, kind, day`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k dailyKey
		var v dailyVals
		var d tandem.Date
		if err := rows.Scan(&k.ws, &k.eng, &k.kind, dateScan{&d}, &v.n, &v.sumValue, &v.sumSq, &v.sumFlag, &v.sumAmount, &v.nZero); err != nil {
			return nil, err
		}
		k.day = d.String()
		if sk := sketches[k]; sk != nil && sk.Count() > 0 {
			if v.sketch, err = sk.MarshalBinary(); err != nil {
				return nil, err
			}
		}
		st, ok := stored[k]
		if !ok {
			note(k, "row", "missing", fmt.Sprintf("n=%d", v.n))
			continue
		}
		delete(stored, k)
		for _, c := range []struct {
			col    string
			st, re int64
		}{{"n", st.n, v.n}, {"sum_value", st.sumValue, v.sumValue}, {"sum_sq_value", st.sumSq, v.sumSq},
			{"sum_flag", st.sumFlag, v.sumFlag}, {"sum_amount", st.sumAmount, v.sumAmount}, {"n_zero", st.nZero, v.nZero}} {
			if c.st != c.re {
				note(k, c.col, fmt.Sprint(c.st), fmt.Sprint(c.re))
				break
			}
		}
		if !bytes.Equal(st.sketch, v.sketch) {
			note(k, "sketch", sketchText(st.sketch), sketchText(v.sketch))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, st := range stored {
		note(k, "row", fmt.Sprintf("n=%d", st.n), "missing")
	}
	return first, nil
}

// sketchText describes an encoded sketch for a Mismatch.
func sketchText(b []byte) string {
	if len(b) == 0 {
		return "none"
	}
	var sk kpi.Sketch
	if err := sk.UnmarshalBinary(b); err != nil {
		return fmt.Sprintf("undecodable (%d bytes)", len(b))
	}
	return fmt.Sprintf("%d values, min %d, max %d, %d bytes", sk.Count(), sk.Min(), sk.Max(), len(b))
}

// Facts lists an engagement's facts of the given kinds (all kinds when
// none) on the local days [from, to), oldest first, at most limit (1 to
// MaxExplainFacts). Anyone who may see the engagement may call it.
func (s *KPIStore) Facts(ctx context.Context, p tandem.Principal, engagementID int64, kinds []string, from, to tandem.Date, limit int) (_ []RecordedFact, err error) {
	defer wrap(&err, "KPIStore.Facts(%d)", engagementID)
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), MaxExplainFacts)
	var w where
	w.add("workspace_id = ?", p.WorkspaceID)
	w.add("engagement_id = ?", engagementID)
	if len(kinds) > 0 {
		args := make([]any, len(kinds))
		for i, k := range kinds {
			args[i] = k
		}
		w.add("kind IN ("+placeholders(len(kinds))+")", args...)
	}
	w.add("day >= ?", from.String())
	w.add("day < ?", to.String())
	rows, err := s.db.query(ctx, `SELECT `+factCols+` FROM facts`+w.String()+fmt.Sprintf(` ORDER BY day, at, id LIMIT %d`, limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RecordedFact{}
	for rows.Next() {
		var f RecordedFact
		if err := scanFact(rows, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

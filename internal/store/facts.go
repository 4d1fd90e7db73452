package store

// Facts are recorded here, each in the transaction of what gave it; the
// KPI aggregates are kept current in the same transaction (see kpi.go).

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Fact is one recorded fact for the KPI engine; see the facts table.
type Fact struct {
	EngagementID int64
	Kind         fact.Kind // empty: the payload's (Data.FactKind)
	SubjectID    int64
	At           time.Time
	Value        int64
	Flag         bool
	AmountMinor  int64
	Currency     string
	Data         fact.Payload
}

// insertFactSQL records a fact; a once-only kind is skipped for a subject
// that has one.
const insertFactSQL = `INSERT INTO facts (workspace_id, engagement_id, kind, subject_id, at, day, value, flag, amount_minor, currency, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, kind, subject_id) WHERE kind LIKE 'penalty.%' OR kind LIKE 'breach.%' DO NOTHING`

// recordFact writes a fact and adds it to its day's and week's KPI
// aggregates (kpi_daily, kpi_weekly) through metric.Deltas, as RecordFacts does
// for a batch; its day is the local date in the workspace's time zone. A
// penalty or breach fact is recorded at most once per subject: a second
// attempt reports false.
func recordFact(ctx context.Context, tx *Tx, p tandem.Principal, f Fact) (bool, error) {
	var tz string
	if err := tx.preparedRow(ctx, workspaceZoneSQL, p.WorkspaceID).Scan(&tz); err != nil {
		return false, err
	}
	return recordFactInZone(ctx, tx, p, f, tz)
}

// recordFactInZone is recordFact for a caller that has read the
// workspace's time zone (tz) already.
func recordFactInZone(ctx context.Context, tx *Tx, p tandem.Principal, f Fact, tz string) (bool, error) {
	if err := f.resolve(); err != nil {
		return false, err
	}
	if f.At.IsZero() {
		f.At = tx.now
	}
	days := kpi.DayCache{Loc: kpi.Zone(tz)}
	day, week := days.Of(f.At)
	args, err := factArgs(p.WorkspaceID, f, day)
	if err != nil {
		return false, err
	}
	if l := tx.later; l != nil && !onceOnly(string(f.Kind)) {
		// Kept for the batch's end (later.go): recorded as surely as now.
		err := l.keepFact(ctx, p.WorkspaceID, args, func(d *metric.Deltas) {
			d.Add(f.EngagementID, f.Kind, day, week, f.Value, f.Flag, f.AmountMinor, f.Data)
		})
		return err == nil, err
	}
	res, err := tx.prepared(ctx, insertFactSQL, args...)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	// Keep the KPI aggregates current in this same transaction.
	agg := metric.NewDeltas()
	agg.Add(f.EngagementID, f.Kind, day, week, f.Value, f.Flag, f.AmountMinor, f.Data)
	return true, flushDeltas(ctx, tx, p.WorkspaceID, agg)
}

// resolve takes the fact's kind from its payload when it has none, and
// refuses a kind outside the catalogue (fact.Lookup) or a payload of
// another kind: nothing records a kind that no reader knows.
func (f *Fact) resolve() error {
	if f.Kind == "" && f.Data != nil {
		f.Kind = f.Data.FactKind()
	}
	if !fact.Known(f.Kind) {
		return invalid("kind", "fact.unknown_kind")
	}
	if f.Data != nil && f.Data.FactKind() != f.Kind {
		return invalid("data", "fact.payload_mismatch")
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/metric"
	"github.com/tandemhq/tandem/internal/tandem"
)

// RecordedFact is a fact as stored, with its id and local day.
type RecordedFact struct {
	ID           int64
	EngagementID int64
	Kind         fact.Kind
	SubjectID    int64
	At           time.Time
	Day          tandem.Date
	Value        int64
	Flag         bool
	AmountMinor  int64
	Currency     string
	Data         fact.Payload
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
	f.Data, err = fact.Decode(f.Kind, []byte(js))
	return err
}

// RecordFacts records a batch of facts in one transaction, each exactly as
// the work, notice and request stores record theirs (recordFact: the fact,
// its local day, its day's and week's aggregates), and one audit entry for
// the batch. It is the batch ingestion path (imports, synthetic load);
// owners and managers may call it, for engagements of their workspace. A
// once-only fact (penalty.*, breach.*) already recorded for its subject is
// skipped; n counts the facts recorded.
//
// The batch is written in bulk: the workspace's time zone is read once and
// each fact's local day is taken from the day before it when it falls in
// the same one (kpi.DayCache); facts go in multi-row INSERTs of factsChunk
// (once-only kinds one at a time, to learn whether they were recorded);
// and the aggregates are summed in memory first (metric.Deltas), sketches
// merged, so that each (engagement, kind, day) and (engagement, kind,
// week) of the batch costs one upsert, not one per fact.
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
		if f.Kind == "" && f.Data == nil {
			return 0, invalid("kind", "validation.required")
		}
		if err := f.resolve(); err != nil {
			return 0, err
		}
		if !slices.Contains(ids, f.EngagementID) {
			ids = append(ids, f.EngagementID)
		}
	}
	err = s.db.transactBulk(ctx, func(tx *Tx) error {
		n = 0
		// Every engagement must be of p's workspace: one query for the batch.
		var found int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM engagements WHERE workspace_id = ? AND id IN (`+placeholders(len(ids))+`)`,
			append([]any{p.WorkspaceID}, anyArgs(ids...)...)...).Scan(&found); err != nil {
			return err
		}
		if found != len(ids) {
			return tandem.ErrNotFound
		}
		var err error
		if n, err = recordFactsIn(ctx, tx, p.WorkspaceID, facts); err != nil {
			return err
		}
		return tx.record(ctx, p, "facts.recorded", "workspace", p.WorkspaceID, map[string]any{"count": n, "engagements": ids})
	})
	return n, err
}

// recordFactsIn writes facts of a workspace in tx, in bulk: the
// workspace's time zone is read once and each fact's local day taken from
// the day before it when it falls in the same one (kpi.DayCache); facts go
// in multi-row INSERTs (once-only kinds one at a time, skipped when
// already recorded); the aggregates are summed in memory
// (metric.Deltas) and upserted once per (engagement, kind, day) and
// (engagement, kind, week). It returns how many facts were recorded. The
// caller has checked that the facts' engagements are of the workspace.
func recordFactsIn(ctx context.Context, tx *Tx, workspaceID int64, facts []Fact) (n int, err error) {
	var tz string
	if err := tx.preparedRow(ctx, workspaceZoneSQL, workspaceID).Scan(&tz); err != nil {
		return 0, err
	}
	days := kpi.DayCache{Loc: kpi.Zone(tz)}
	agg := metric.NewDeltas()
	// Facts waiting for a multi-row INSERT, which saves a round trip
	// (PostgreSQL) or a statement's overhead (SQLite) per fact: up to
	// factsGathered of them go out through insertGathered (what they share
	// — the workspace, mostly the engagement, the kind, the currency —
	// bound once per chunk), fewer than bulkChunk through the prepared
	// insertFactsSQL of factsChunk and insertFactSQL for the rest. On
	// SQLite such an INSERT keeps a statement journal of the pages it
	// changes; the writer keeps it in memory (temp_store, see openSQLite),
	// not in a temporary file.
	rows := make([]any, 0, min(len(facts), factsGathered)*factWidth)
	flush := func(all bool) error {
		if len(rows) >= factsGathered*factWidth || all && len(rows) >= bulkChunk*factWidth {
			if err := insertGathered(ctx, tx, insertFactsHead, factWidth, rows); err != nil {
				return err
			}
			clear(rows)
			rows = rows[:0]
			return nil
		}
		if !all {
			return nil
		}
		i := 0
		for ; len(rows)-i >= factsChunk*factWidth; i += factsChunk * factWidth {
			if _, err := tx.prepared(ctx, insertFactsSQL, rows[i:i+factsChunk*factWidth]...); err != nil {
				return err
			}
		}
		for ; i < len(rows); i += factWidth {
			if _, err := tx.prepared(ctx, insertFactSQL, rows[i:i+factWidth]...); err != nil {
				return err
			}
		}
		clear(rows)
		rows = rows[:0]
		return nil
	}
	for _, f := range facts {
		if err := f.resolve(); err != nil {
			return 0, err
		}
		if f.At.IsZero() {
			f.At = tx.now
		}
		day, week := days.Of(f.At)
		args, err := factArgs(workspaceID, f, day)
		if err != nil {
			return 0, err
		}
		if onceOnly(string(f.Kind)) {
			// In order, after the facts before it; skipped if already recorded.
			if err := flush(true); err != nil {
				return 0, err
			}
			res, err := tx.prepared(ctx, insertFactSQL, args...)
			if err != nil {
				return 0, err
			}
			if k, err := res.RowsAffected(); err != nil || k != 1 {
				if err != nil {
					return 0, err
				}
				continue
			}
		} else {
			rows = append(rows, args...)
			if err := flush(false); err != nil {
				return 0, err
			}
		}
		agg.Add(f.EngagementID, f.Kind, day, week, f.Value, f.Flag, f.AmountMinor, f.Data)
		n++
	}
	if err := flush(true); err != nil {
		return 0, err
	}
	if err := flushDeltas(ctx, tx, workspaceID, agg); err != nil {
		return 0, err
	}
	return n, nil
}

// onceOnly reports whether facts of kind are recorded at most once per
// subject (the facts_once index: kind LIKE 'penalty.%' OR 'breach.%'). It
// answers yes for a superset — case-insensitively, as SQLite's LIKE
// compares — which only sends such a fact down the one-at-a-time path.
func onceOnly(kind string) bool {
	if len(kind) < 7 {
		return false
	}
	return strings.EqualFold(kind[:7], "breach.") || (len(kind) >= 8 && strings.EqualFold(kind[:8], "penalty."))
}

// factArgs are the values of insertFactSQL (and of one row of
// insertFactsSQL) for f on its local day.
func factArgs(workspaceID int64, f Fact, day string) ([]any, error) {
	js, err := fact.Encode(f.Data)
	if err != nil {
		return nil, err
	}
	return []any{workspaceID, f.EngagementID, string(f.Kind), f.SubjectID, f.At.UTC(), day, f.Value, int64(boolInt(f.Flag)), f.AmountMinor, f.Currency, string(js)}, nil
}

// loadFact reads fact id of p's workspace through q, of an engagement p
// may see, or tandem.ErrNotFound.
func loadFact(ctx context.Context, q querier, p tandem.Principal, id int64) (*RecordedFact, error) {
	f, err := scanOne(ctx, q, scanFact, `SELECT `+factCols+` FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	if _, err := loadEngagement(ctx, q, p, f.EngagementID); err != nil {
		return nil, err
	}
	return f, nil
}

// DeleteFact deletes a fact recorded by mistake and recomputes its day's
// aggregates, with an audit entry holding the fact as it was. Owners and
// managers may call it. Errors: ENotFound, EForbidden.
func (s *KPIStore) DeleteFact(ctx context.Context, p tandem.Principal, id int64) (err error) {
	defer wrap(&err, "KPIStore.DeleteFact(%d)", id)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		f, err := loadFact(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM facts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id); err != nil {
			return err
		}
		if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, string(f.Kind), f.Day.String()); err != nil {
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
	Data        fact.Payload // replaces the data when not nil (of the fact's kind)
}

// UpdateFact corrects a recorded fact and recomputes the aggregates of the
// day it leaves and the day it lands on, with an audit entry of the
// changes. Owners and managers may call it. Errors: ENotFound, EForbidden.
func (s *KPIStore) UpdateFact(ctx context.Context, p tandem.Principal, id int64, e FactEdit) (err error) {
	defer wrap(&err, "KPIStore.UpdateFact(%d)", id)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		f, err := loadFact(ctx, tx, p, id)
		if err != nil {
			return err
		}
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		nf := *f
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
			if e.Data.FactKind() != f.Kind {
				return invalid("data", "fact.payload_mismatch")
			}
			nf.Data = e.Data
		}
		js, err := fact.Encode(nf.Data)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE facts SET at = ?, day = ?, value = ?, flag = ?, amount_minor = ?, data = ? WHERE workspace_id = ? AND id = ?`,
			nf.At, nf.Day.String(), nf.Value, boolInt(nf.Flag), nf.AmountMinor, string(js), p.WorkspaceID, id); err != nil {
			return err
		}
		// Both weeks at once, in lockWeeks' order.
		if err := lockWeeks(ctx, tx, p.WorkspaceID, true, metric.AggKey{EngagementID: f.EngagementID, Kind: string(f.Kind), Day: f.Day.String()},
			metric.AggKey{EngagementID: f.EngagementID, Kind: string(f.Kind), Day: nf.Day.String()}); err != nil {
			return err
		}
		if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, string(f.Kind), f.Day.String()); err != nil {
			return err
		}
		if nf.Day != f.Day {
			if err := recomputeDay(ctx, tx, p.WorkspaceID, f.EngagementID, string(f.Kind), nf.Day.String()); err != nil {
				return err
			}
		}
		before := map[string]any{"at": f.At, "day": f.Day.String(), "value": f.Value, "flag": f.Flag, "amount_minor": f.AmountMinor, "data": f.Data}
		after := map[string]any{"at": nf.At, "day": nf.Day.String(), "value": nf.Value, "flag": nf.Flag, "amount_minor": nf.AmountMinor, "data": nf.Data}
		return tx.record(ctx, p, "fact.updated", "engagement", f.EngagementID, map[string]any{
			"fact_id": id, "kind": f.Kind, "changes": audit.Changes(before, after)})
	})
}

// Facts lists an engagement's facts of the given kinds (all kinds when
// none) on the local days [from, to), oldest first, at most limit (1 to
// MaxExplainFacts). Anyone who may see the engagement may call it.
func (s *KPIStore) Facts(ctx context.Context, p tandem.Principal, engagementID int64, kinds []string, from, to tandem.Date, limit int) (_ []RecordedFact, err error) {
	defer wrap(&err, "KPIStore.Facts(%d)", engagementID)
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), MaxExplainFacts)
	var w where
	w.add("workspace_id = ?", p.WorkspaceID)
	w.add("engagement_id = ?", engagementID)
	if len(kinds) > 0 {
		w.add("kind IN ("+placeholders(len(kinds))+")", anyArgs(kinds...)...)
	}
	w.add("day >= ?", from.String())
	w.add("day < ?", to.String())
	return scanAll(ctx, s.db, scanFact, `SELECT `+factCols+` FROM facts`+w.String()+fmt.Sprintf(` ORDER BY day, at, id LIMIT %d`, limit), w.args...)
}

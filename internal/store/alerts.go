package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/forecast"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// AlertStore is the daily KPI evaluation and the alerts it raises.
//
// The evaluation scores every KPI of every live engagement (active or
// pilot) for the current period and the one before it (the period that
// just closed gets its final word), of each period kind its terms use, and
// keeps each KPI's status per period in kpi_status. When a KPI turns off
// track — its status is off track and was not at the last evaluation —
// the evaluation records an alert (table alerts), an in-app notification
// "alert.kpi_off_track" to each of the client's deciders and the partner's
// people on the engagement, and an audit entry, all in one transaction.
//
// The period in progress is judged as the portfolio judges it
// (forecast.Judge): a count or a sum by where it will land at the pace of
// the business days up to yesterday — the evaluation runs at night, on the
// days that have ended — and not at all before the period's first business
// day has ended. Its alert's data then says "projected": true, and its
// score is the projected one. The period just closed is judged as
// measured.
//
// Exactly once: an alert is unique per engagement, KPI, period and status
// (the alerts table's unique key). An evaluation that finds the alert
// already recorded — run again, run by another instance at the same time,
// or a KPI that went off track, recovered and fell off track again in the
// same period — writes no alert, notification or audit entry.
//
// The alerts rows are the events e-mail and webhooks will send (they set
// delivered_at); the breach and penalty facts, which notify when they are
// recorded, are kept once per subject in the facts table.
type AlertStore struct{ db *DB }

// EvaluateDue runs the daily evaluation, at to, of every workspace whose
// evaluation time falls in (from, to] (see kpi.EvaluationDue). The scheduler
// calls it once per hourly slot. It returns how many alerts it recorded.
func (s *AlertStore) EvaluateDue(ctx context.Context, from, to time.Time) (_ int, err error) {
	defer wrap(&err, "AlertStore.EvaluateDue")
	type ws struct {
		id int64
		tz string
	}
	wss, err := scanAll(ctx, s.db, func(r scanner, w *ws) error { return r.Scan(&w.id, &w.tz) }, `SELECT id, time_zone FROM workspaces ORDER BY id`)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, w := range wss {
		if !kpi.EvaluationDue(kpi.Zone(w.tz), from, to) {
			continue
		}
		n, err := s.EvaluateWorkspace(ctx, w.id, to)
		total += n
		if err != nil {
			if ctx.Err() != nil {
				return total, err
			}
			errs = append(errs, fmt.Errorf("workspace %d: %w", w.id, err))
		}
	}
	return total, errors.Join(errs...)
}

// EvaluateWorkspace evaluates the KPIs of every live engagement of a
// workspace at the instant at (see AlertStore) and returns how many alerts
// it recorded. It acts as store.System(workspace, "scheduler").
func (s *AlertStore) EvaluateWorkspace(ctx context.Context, workspaceID int64, at time.Time) (_ int, err error) {
	defer wrap(&err, "AlertStore.EvaluateWorkspace(%d)", workspaceID)
	p := System(workspaceID, "scheduler")
	_, loc, err := workspaceZone(ctx, s.db, workspaceID)
	if err != nil {
		return 0, err
	}
	type live struct {
		id    int64
		title string
	}
	in, args := liveStatuses()
	engs, err := scanAll(ctx, s.db, func(r scanner, e *live) error { return r.Scan(&e.id, &e.title) },
		`SELECT id, title FROM engagements WHERE workspace_id = ? AND status IN (`+in+`) ORDER BY id`, append([]any{workspaceID}, args...)...)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, e := range engs {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, err := s.evaluateEngagement(ctx, p, loc, e.id, e.title, at)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("engagement %d: %w", e.id, err))
		}
	}
	return total, errors.Join(errs...)
}

// evaluateEngagement scores an engagement's KPIs for the current and the
// previous period of each kind its terms (any version) use.
func (s *AlertStore) evaluateEngagement(ctx context.Context, p tandem.Principal, loc *time.Location, engagementID int64, title string, at time.Time) (int, error) {
	versions, err := loadVersions(ctx, s.db, p, engagementID)
	if err != nil {
		return 0, err
	}
	total := 0
	// The evaluation judges the days that have ended: a period in
	// progress by its pace up to yesterday (forecast.Judge), so that the
	// first days of a month do not raise an alert for every count.
	yesterday := at.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
	for _, per := range kpi.EvaluatedPeriods(kpi.KindsInUse(versions), at, loc) {
		scs, _, err := scorecards(ctx, s.db, p, engagementID, []kpi.Period{per}, fromAggregates, false)
		if err != nil {
			return total, err
		}
		sc := scs[0]
		j := forecast.Judge(sc.Scorecard, sc.Metrics, sc.Calendar, yesterday)
		sc.Scorecard = j.Scorecard
		n, err := s.record(ctx, p, engagementID, title, &sc, j.Projected)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// record keeps the statuses of a scorecard's KPIs and raises the alert of
// each KPI that turned off track, in one transaction; it returns how many
// alerts it recorded. projected says the scorecard judges a period in
// progress at its pace (the alert's data says so too).
func (s *AlertStore) record(ctx context.Context, p tandem.Principal, engagementID int64, title string, sc *Scorecard, projected bool) (int, error) {
	if len(sc.Rows) == 0 {
		return 0, nil
	}
	per := sc.Period
	start := tandem.DateOf(per.Start).String()
	label := per.String()
	n := 0
	err := s.db.transact(ctx, func(tx *Tx) error {
		n = 0
		for _, r := range sc.Rows {
			var prev string
			err := tx.queryRow(ctx, `SELECT status FROM kpi_status WHERE workspace_id = ? AND engagement_id = ? AND kpi_key = ? AND period_kind = ? AND period_start = ?`,
				p.WorkspaceID, engagementID, r.KPI.Key, per.Kind, start).Scan(&prev)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			var score any
			if r.Scored {
				score = r.Score
			}
			if _, err := tx.exec(ctx, `INSERT INTO kpi_status (workspace_id, engagement_id, kpi_key, period_kind, period_start, status, score, evaluated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (workspace_id, engagement_id, kpi_key, period_kind, period_start)
				DO UPDATE SET status = excluded.status, score = excluded.score, evaluated_at = excluded.evaluated_at`,
				p.WorkspaceID, engagementID, r.KPI.Key, per.Kind, start, string(r.Status), score, tx.now); err != nil {
				return err
			}
			if !kpi.TurnedOffTrack(kpi.Status(prev), r.Status) {
				continue
			}
			data := map[string]any{"kpi": r.KPI.Key, "name": r.KPI.Name, "metric": r.KPI.Metric, "engagement": title,
				"period": label, "status": string(r.Status), "previous": prev, notification.ScoreArg: r.Score}
			if projected {
				data["projected"] = true
			}
			js, err := json.Marshal(data)
			if err != nil {
				return err
			}
			var id int64
			err = tx.queryRow(ctx, `INSERT INTO alerts (workspace_id, engagement_id, kind, kpi_key, period_kind, period_start, period, status, previous, score, data, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (workspace_id, engagement_id, kpi_key, period_kind, period_start, status) DO NOTHING
				RETURNING id`,
				p.WorkspaceID, engagementID, kpi.AlertKPIOffTrack, r.KPI.Key, per.Kind, start, label, string(r.Status), prev, score, string(js), tx.now).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // already raised for this period
			}
			if err != nil {
				return err
			}
			if err := tellAndRecord(ctx, tx, p, engagementID, id, kpi.OffTrackMessage(r, label, title, projected), kpi.AlertKPIOffTrack, data); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// liveStatuses is the SQL list of placeholders and the arguments of the
// statuses of a live engagement (engagement.Status.Live).
func liveStatuses() (string, []any) {
	var args []any
	for _, st := range engagement.Statuses {
		if st.Live() {
			args = append(args, string(st))
		}
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", "), args
}

// Alerts lists the alerts of an engagement p may see, oldest first.
func (s *AlertStore) Alerts(ctx context.Context, p tandem.Principal, engagementID int64) (_ []kpi.Alert, err error) {
	defer wrap(&err, "AlertStore.Alerts(%d)", engagementID)
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	return scanAll(ctx, s.db, scanAlert, `SELECT id, engagement_id, kind, kpi_key, period_kind, period_start, period, status, previous, score, created_at, delivered_at
		FROM alerts WHERE workspace_id = ? AND engagement_id = ? ORDER BY id`, p.WorkspaceID, engagementID)
}

func scanAlert(r scanner, a *kpi.Alert) error {
	var score sql.NullInt64
	if err := r.Scan(&a.ID, &a.EngagementID, &a.Kind, &a.KPIKey, &a.PeriodKind, dateScan{&a.PeriodStart}, &a.Period,
		&a.Status, &a.Previous, &score, &a.CreatedAt, nullTime{&a.DeliveredAt}); err != nil {
		return err
	}
	a.Score, a.HasScore = int(score.Int64), score.Valid
	return nil
}

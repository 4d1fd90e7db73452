package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// JobStore coordinates scheduled work between every Tandem instance that
// shares the database, so that each scheduled slot of a job runs once.
//
// A job (table jobs) has the slot due next (next_run) and a lease: the
// instance holding it and until when. An instance claims a due slot with
// one conditional UPDATE — due, and not held or the lease expired — that
// both SQLite (one writer at a time) and PostgreSQL (the row's lock; a
// second UPDATE waiting on it re-checks the condition against the row the
// first one committed) let only one instance win, without advisory locks.
// The winner runs the slot, renewing its lease while it runs (Renew), and
// then, in one transaction, clears the lease, moves next_run to the next
// slot and marks the slot's run finished (Finish). Every statement after
// the claim names the holder, so an instance that lost its lease (it
// stalled past it, and another took the slot over) changes nothing.
//
// Every slot has one row in job_runs (unique on job and slot): who ran it,
// when, how many facts or alerts it recorded, the error if any. An
// instance that dies mid-run leaves the row unfinished and the lease
// running out; once it has, another instance claims the same slot and runs
// it again on the same row (attempts + 1). The jobs themselves are
// idempotent (each fact, penalty or alert is recorded at most once), so a
// slot taken over this way still has its effects once.
type JobStore struct{ db *DB }

// JobClaim is a slot an instance has claimed and is running.
type JobClaim struct {
	Job          string
	ScheduledFor time.Time // the slot
	Holder       string
	LeaseUntil   time.Time
	Attempt      int // 1, or more when the slot was taken over
}

// JobRun is a row of job_runs: one slot of a job as it was run.
type JobRun struct {
	Job          string
	ScheduledFor time.Time
	Holder       string
	Attempts     int
	Started      time.Time
	Finished     time.Time // zero while running (or when its holder died)
	Result       int
	Error        string
}

// jobRunRetention is how long finished runs are kept.
const jobRunRetention = 30 * 24 * time.Hour

// Ensure registers a job whose first slot is first; a job already
// registered (by this or another instance) keeps its schedule.
func (s *JobStore) Ensure(ctx context.Context, name string, first time.Time) (err error) {
	defer wrap(&err, "JobStore.Ensure(%s)", name)
	return s.db.transact(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO jobs (name, next_run) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, first.UTC().Truncate(time.Microsecond))
		return err
	})
}

// Due returns the names of the jobs that are due now and not held by a live
// lease: a read, so that an idle tick takes no write lock.
func (s *JobStore) Due(ctx context.Context) (_ []string, err error) {
	defer wrap(&err, "JobStore.Due")
	now := s.db.Now()
	return scanAll(ctx, s.db, scanString, `SELECT name FROM jobs WHERE next_run <= ? AND (holder IS NULL OR lease_until < ?) ORDER BY name`, now, now)
}

// Claim claims the due slot of job name for holder with a lease of the
// given length, and records (or, taking over from a holder whose lease
// expired, updates) the slot's run. It returns nil when the job is not due
// or another instance holds it.
func (s *JobStore) Claim(ctx context.Context, name, holder string, lease time.Duration) (_ *JobClaim, err error) {
	defer wrap(&err, "JobStore.Claim(%s)", name)
	var c *JobClaim
	err = s.db.transact(ctx, func(tx *Tx) error {
		c = nil
		now := tx.now
		until := now.Add(lease)
		if n, err := tx.changed(ctx, `UPDATE jobs SET holder = ?, lease_until = ?
			WHERE name = ? AND next_run <= ? AND (holder IS NULL OR lease_until < ?)`, holder, until, name, now, now); err != nil || n != 1 {
			return err
		}
		var slot time.Time
		if err := tx.queryRow(ctx, `SELECT next_run FROM jobs WHERE name = ?`, name).Scan(&slot); err != nil {
			return err
		}
		slot = slot.UTC()
		var attempt int
		err = tx.queryRow(ctx, `INSERT INTO job_runs (job, scheduled_for, holder, started_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (job, scheduled_for) DO UPDATE SET holder = excluded.holder, started_at = excluded.started_at,
			attempts = job_runs.attempts + 1, error = 'taken over from ' || job_runs.holder
			WHERE job_runs.finished_at IS NULL
			RETURNING attempts`, name, slot, holder, now).Scan(&attempt)
		if errors.Is(err, sql.ErrNoRows) {
			// Cannot happen while next_run moves on in the transaction
			// that finishes a run; refuse rather than run a slot twice.
			return fmt.Errorf("store: job %s: slot %s already ran", name, slot.Format(time.RFC3339))
		}
		if err != nil {
			return err
		}
		c = &JobClaim{Job: name, ScheduledFor: slot, Holder: holder, LeaseUntil: until, Attempt: attempt}
		return nil
	})
	return c, err
}

// Renew extends c's lease by lease from now; false means c's holder no
// longer holds the job (its lease expired and another instance took the
// slot over), and should stop.
func (s *JobStore) Renew(ctx context.Context, c *JobClaim, lease time.Duration) (ok bool, err error) {
	defer wrap(&err, "JobStore.Renew(%s)", c.Job)
	err = s.db.transact(ctx, func(tx *Tx) error {
		until := tx.now.Add(lease)
		n, err := tx.changed(ctx, `UPDATE jobs SET lease_until = ? WHERE name = ? AND holder = ? AND next_run = ?`,
			until, c.Job, c.Holder, c.ScheduledFor)
		if ok = err == nil && n == 1; ok {
			c.LeaseUntil = until
		}
		return err
	})
	return ok, err
}

// Finish records c's run as done — result is what it recorded, runErr its
// error (nil if none) — releases the lease and schedules the job's next
// slot at next, in one transaction. false means c's holder had lost the
// job meanwhile: nothing was changed, the instance that took the slot over
// finishes it.
func (s *JobStore) Finish(ctx context.Context, c *JobClaim, result int, runErr error, next time.Time) (ok bool, err error) {
	defer wrap(&err, "JobStore.Finish(%s)", c.Job)
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		ok = false
		if n, err := tx.changed(ctx, `UPDATE jobs SET holder = NULL, lease_until = NULL, next_run = ?
			WHERE name = ? AND holder = ? AND next_run = ?`, next.UTC().Truncate(time.Microsecond), c.Job, c.Holder, c.ScheduledFor); err != nil || n != 1 {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE job_runs SET finished_at = ?, result = ?, error = ?
			WHERE job = ? AND scheduled_for = ? AND holder = ?`, tx.now, result, msg, c.Job, c.ScheduledFor, c.Holder); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM job_runs WHERE job = ? AND scheduled_for < ? AND finished_at IS NOT NULL`,
			c.Job, tx.now.Add(-jobRunRetention)); err != nil {
			return err
		}
		ok = true
		return nil
	})
	return ok, err
}

// Release gives c's slot back unfinished (the instance is stopping, or the
// run was interrupted): the lease is cleared at once, so that another
// instance (or this one, later) runs the slot again without waiting for
// the lease to run out. reason is kept on the run.
func (s *JobStore) Release(ctx context.Context, c *JobClaim, reason string) (err error) {
	defer wrap(&err, "JobStore.Release(%s)", c.Job)
	return s.db.transact(ctx, func(tx *Tx) error {
		if n, err := tx.changed(ctx, `UPDATE jobs SET holder = NULL, lease_until = NULL WHERE name = ? AND holder = ? AND next_run = ?`,
			c.Job, c.Holder, c.ScheduledFor); err != nil || n != 1 {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE job_runs SET error = ? WHERE job = ? AND scheduled_for = ? AND holder = ? AND finished_at IS NULL`,
			reason, c.Job, c.ScheduledFor, c.Holder)
		return err
	})
}

// Next returns job name's next slot and its current holder ("" when none).
func (s *JobStore) Next(ctx context.Context, name string) (next time.Time, holder string, err error) {
	defer wrap(&err, "JobStore.Next(%s)", name)
	var h sql.NullString
	if err := s.db.queryRow(ctx, `SELECT next_run, holder FROM jobs WHERE name = ?`, name).Scan(&next, &h); err != nil {
		return time.Time{}, "", notFound(err)
	}
	return next.UTC(), h.String, nil
}

// Runs returns the recorded runs of job name, oldest slot first; all jobs
// when name is "".
func (s *JobStore) Runs(ctx context.Context, name string) (_ []JobRun, err error) {
	defer wrap(&err, "JobStore.Runs(%s)", name)
	q := `SELECT job, scheduled_for, holder, attempts, started_at, finished_at, result, error FROM job_runs`
	var args []any
	if name != "" {
		q += ` WHERE job = ?`
		args = append(args, name)
	}
	return scanAll(ctx, s.db, func(row scanner, r *JobRun) error {
		if err := row.Scan(&r.Job, &r.ScheduledFor, &r.Holder, &r.Attempts, &r.Started, nullTime{&r.Finished}, &r.Result, &r.Error); err != nil {
			return err
		}
		r.ScheduledFor, r.Started = r.ScheduledFor.UTC(), r.Started.UTC()
		if !r.Finished.IsZero() {
			r.Finished = r.Finished.UTC()
		}
		return nil
	}, q+` ORDER BY job, scheduled_for`, args...)
}

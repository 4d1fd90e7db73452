package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/store"
)

// The scheduler runs Tandem's scheduled work so that each scheduled slot of
// each job runs once, however many instances share the database.
//
// Every instance looks for due jobs every tick (10 s); the database decides
// which instance runs a due slot (store.JobStore: a conditional UPDATE that
// takes a lease), the winner runs it, renewing its lease while it runs,
// and then records it done and schedules the next slot in one transaction.
// An instance that dies mid-run stops renewing; once its lease (2 min) has
// run out, another instance takes the slot over and runs it again — every
// job is idempotent, so its effects still happen once.
//
// The jobs:
//   - sweep.late_notices and sweep.sla_breaches, every minute: the
//     late-notice penalties and SLA breaches due (NoticeStore.SweepOverdue,
//     RequestStore.SweepBreaches);
//   - sweep.sales_claims, every minute: claims of paid results whose
//     acceptance window ended unanswered are accepted (ClaimStore.SweepExpired;
//     each claim once, whichever instance gets there first);
//   - sweep.terminations, every minute: the partner's access to an
//     engagement whose termination's effective day has begun in its
//     workspace's time zone closes (TerminationStore.RevokeDue);
//   - sweep.action_items, every minute: the owner of a meeting's action item
//     that became overdue (its due date passed in the workspace's time zone)
//     is told once (MeetingStore.SweepOverdueActions; a guarded UPDATE marks
//     it alerted, so two instances alert once);
//   - kpi.evaluation, every hour: the daily KPI evaluation and its alerts
//     (AlertStore.EvaluateDue) of the workspaces for which 02:00 in their
//     own time zone fell in the past hour — so each workspace is evaluated
//     once a day, at the first hourly slot at or after its local 02:00;
//   - invoice.drafts, every hour: the drafts of the invoicing period that
//     ended in the past hour in a workspace's own time zone, for every live
//     engagement (InvoiceStore.DraftEnded) — each period once, at the first
//     hourly slot after its end;
//   - mail.outbox, every minute, and mail.digests, every hour, when SMTP
//     is configured: the outbox is sent (mailer.deliver; each message
//     claimed by one sender) and each person's digest is written at 08:00
//     in their workspace's time zone (MailStore.QueueDigests).
//   - survey.rounds, every hour: the pulse survey round of the current
//     period of every live engagement whose survey was configured
//     (SurveyStore.SendDue) — each period's round once.

// schedulerSettings are the scheduler's timings.
type schedulerSettings struct {
	tick       time.Duration // how often an instance looks for due jobs
	lease      time.Duration // how long a claim holds unless renewed (renewed every lease/3)
	grace      time.Duration // how long a run in progress may go on once the instance stops
	sweep      time.Duration // the slot of the sweeps
	evaluation time.Duration // the slot of the KPI evaluation (each workspace once a day)
	// mail, when set (SMTP is configured), sends the outbox and writes the
	// digests (jobs mail.outbox and mail.digests).
	mail *mailer
	// extra, when set (by tests), returns jobs to run besides the others;
	// holder names the instance.
	extra func(holder string) []job
}

var defaultSchedulerSettings = schedulerSettings{
	tick:       10 * time.Second,
	lease:      2 * time.Minute,
	grace:      shutdownTimeout,
	sweep:      time.Minute,
	evaluation: time.Hour,
}

// job is scheduled work. run gets the slot it runs for and the clock's
// reading when it starts, and returns how many facts or alerts it
// recorded.
type job struct {
	name  string
	every time.Duration // the slot length; slots are aligned to it (UTC)
	// catchUp is how far back missed slots (all instances were down) are
	// still run one by one; older ones, and all of them when 0, are skipped
	// for the current slot.
	catchUp time.Duration
	run     func(ctx context.Context, slot, now time.Time) (int, error)
}

// next is the slot after slot, as of now.
func (j job) next(slot, now time.Time) time.Time {
	next := slot.Add(j.every)
	if floor := now.Add(-j.catchUp).Truncate(j.every); next.Before(floor) {
		next = floor
	}
	return next
}

// jobs are the scheduled jobs.
func jobs(db *store.DB, set schedulerSettings) []job {
	js := []job{
		{name: "sweep.late_notices", every: set.sweep, run: func(ctx context.Context, _, now time.Time) (int, error) {
			return db.Notices.SweepOverdue(ctx, now)
		}},
		{name: "sweep.sla_breaches", every: set.sweep, run: func(ctx context.Context, _, now time.Time) (int, error) {
			return db.Requests.SweepBreaches(ctx, now)
		}},
		{name: "sweep.sales_claims", every: set.sweep, run: func(ctx context.Context, _, now time.Time) (int, error) {
			return db.Claims().SweepExpired(ctx, now)
		}},
		{name: "sweep.terminations", every: set.sweep, run: func(ctx context.Context, _, _ time.Time) (int, error) {
			return db.Terminations().RevokeDue(ctx)
		}},
		{name: "sweep.action_items", every: set.sweep, run: func(ctx context.Context, _, now time.Time) (int, error) {
			return db.Meetings.SweepOverdueActions(ctx, now)
		}},
		{name: "kpi.evaluation", every: set.evaluation, catchUp: 24 * time.Hour, run: func(ctx context.Context, slot, _ time.Time) (int, error) {
			return db.Alerts.EvaluateDue(ctx, slot.Add(-set.evaluation), slot)
		}},
		{name: "invoice.drafts", every: set.evaluation, catchUp: 24 * time.Hour, run: func(ctx context.Context, slot, _ time.Time) (int, error) {
			return db.Invoices().DraftEnded(ctx, slot.Add(-set.evaluation), slot)
		}},
		{name: "survey.rounds", every: set.evaluation, run: func(ctx context.Context, _, _ time.Time) (int, error) {
			return db.Surveys().SendDue(ctx)
		}},
	}
	if set.mail != nil {
		js = append(js,
			job{name: "mail.outbox", every: set.sweep, run: func(ctx context.Context, _, _ time.Time) (int, error) {
				return set.mail.deliver(ctx)
			}},
			job{name: "mail.digests", every: set.evaluation, catchUp: 24 * time.Hour, run: func(ctx context.Context, slot, _ time.Time) (int, error) {
				return db.Mail().QueueDigests(ctx, slot.Add(-set.evaluation), slot)
			}})
	}
	return js
}

// newHolder names this instance in the jobs' leases: host, process and a
// random part (several instances may share a process in tests).
func newHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

type scheduler struct {
	db     *store.DB
	log    *slog.Logger
	holder string
	set    schedulerSettings
	jobs   map[string]job
	order  []job
}

// schedule starts the scheduler with the settings set; it runs until ctx
// ends, and wg waits for a run in progress to finish (or to be given back,
// past the grace period).
func schedule(ctx context.Context, wg *sync.WaitGroup, log *slog.Logger, db *store.DB, set schedulerSettings) {
	s := &scheduler{db: db, holder: newHolder(), set: set, jobs: map[string]job{}}
	js := jobs(db, s.set)
	if set.extra != nil {
		js = append(js, set.extra(s.holder)...)
	}
	s.log = log.With("holder", s.holder)
	for _, j := range js {
		s.jobs[j.name] = j
	}
	s.order = js
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.loop(ctx)
	}()
}

func (s *scheduler) loop(ctx context.Context) {
	s.log.Info("scheduler started", "tick", s.set.tick.String(), "jobs", len(s.order))
	t := time.NewTicker(s.set.tick)
	defer t.Stop()
	registered := false
	for {
		if !registered {
			registered = s.register(ctx)
		}
		if registered {
			s.runDue(ctx)
		}
		select {
		case <-ctx.Done():
			s.log.Info("scheduler stopped")
			return
		case <-t.C:
		}
	}
}

// register makes sure every job has a row, its first slot the current one.
func (s *scheduler) register(ctx context.Context) bool {
	now := s.db.Now()
	for _, j := range s.order {
		if err := s.db.Jobs.Ensure(ctx, j.name, now.Truncate(j.every)); err != nil {
			if ctx.Err() == nil {
				s.log.Error("scheduler: register job", "job", j.name, "err", err)
			}
			return false
		}
	}
	return true
}

// runDue claims and runs every due slot, a job's missed slots one after
// the other.
func (s *scheduler) runDue(ctx context.Context) {
	names, err := s.db.Jobs.Due(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("scheduler: due jobs", "err", err)
		}
		return
	}
	for _, name := range names {
		j, ok := s.jobs[name]
		if !ok {
			continue // a job this version does not know
		}
		for ctx.Err() == nil {
			// Once claimed, a slot is run and finished (or given back) even
			// if the instance is stopping: the claim must not be cut off
			// between its commit and our reading of it.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			c, err := s.db.Jobs.Claim(cctx, name, s.holder, s.set.lease)
			cancel()
			if err != nil {
				s.log.Error("scheduler: claim", "job", name, "err", err)
				break
			}
			if c == nil {
				break // not due any more, or another instance has it
			}
			s.runOne(ctx, j, c)
		}
	}
}

var (
	errLostLease = errors.New("the lease was lost to another instance")
	errStopping  = errors.New("the instance stopped before the run finished")
)

// runOne runs a claimed slot. The run's context outlives ctx by the grace
// period, so that stopping the instance lets a run in progress finish; it
// is cancelled when the lease is lost (another instance took the slot
// over). A run cut short by stopping gives its slot back at once.
func (s *scheduler) runOne(ctx context.Context, j job, c *store.JobClaim) {
	rctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancel(nil)
	done := make(chan struct{})
	var keeper sync.WaitGroup
	keeper.Add(1)
	go func() {
		defer keeper.Done()
		renew := time.NewTicker(max(s.set.lease/3, time.Millisecond))
		defer renew.Stop()
		stop := ctx.Done()
		var grace <-chan time.Time
		for {
			select {
			case <-done:
				return
			case <-stop:
				stop, grace = nil, time.After(s.set.grace)
			case <-grace:
				cancel(errStopping)
				return
			case <-renew.C:
				ok, err := s.db.Jobs.Renew(rctx, c, s.set.lease)
				if err == nil && !ok {
					cancel(errLostLease)
					return
				}
				if err != nil && rctx.Err() == nil {
					s.log.Warn("scheduler: renew lease", "job", j.name, "err", err)
				}
			}
		}
	}()
	if c.Attempt > 1 {
		s.log.Info("scheduler: taking over a run whose holder stopped", "job", j.name, "slot", c.ScheduledFor, "attempt", c.Attempt)
	}
	n, err := j.run(rctx, c.ScheduledFor, s.db.Now())
	close(done)
	keeper.Wait()

	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	switch cause := context.Cause(rctx); {
	case errors.Is(cause, errLostLease):
		s.log.Warn("scheduler: lost the lease mid-run; the instance that took over finishes the slot", "job", j.name, "slot", c.ScheduledFor)
		return
	case err != nil && errors.Is(cause, errStopping):
		if rerr := s.db.Jobs.Release(fctx, c, errStopping.Error()); rerr != nil {
			s.log.Error("scheduler: release", "job", j.name, "err", rerr)
		}
		s.log.Warn("scheduler: run interrupted by shutdown; the slot is given back", "job", j.name, "slot", c.ScheduledFor)
		return
	}
	ok, ferr := s.db.Jobs.Finish(fctx, c, n, err, j.next(c.ScheduledFor, s.db.Now()))
	switch {
	case ferr != nil:
		s.log.Error("scheduler: finish", "job", j.name, "err", ferr)
	case !ok:
		s.log.Warn("scheduler: lost the lease before finishing", "job", j.name, "slot", c.ScheduledFor)
	case err != nil:
		s.log.Error("scheduled job", "job", j.name, "slot", c.ScheduledFor, "recorded", n, "err", err)
	case n > 0:
		s.log.Info("scheduled job", "job", j.name, "slot", c.ScheduledFor, "recorded", n)
	default:
		s.log.Debug("scheduled job", "job", j.name, "slot", c.ScheduledFor)
	}
}

package store

// Time entries (package timesheet): recorded by the partner's people,
// approved or rejected by the client's owner or manager; the approved ones
// are the time the invoice prices (approvedTime, read by invoiceInput).

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/timesheet"
)

// TimeEntryStore keeps engagements' time entries.
type TimeEntryStore struct{ db *DB }

// TimeEntries returns the time entry store.
func (db *DB) TimeEntries() *TimeEntryStore { return &TimeEntryStore{db} }

// MaxTimeEntries bounds the entries List returns.
const MaxTimeEntries = 500

const timeEntryCols = `t.id, t.engagement_id, t.membership_id, t.user_id, u.name, t.day, t.minutes, t.service_key, t.note, t.state,
	t.recorded_at, COALESCE(du.name, ''), t.decided_at, t.reason`

const timeEntryFrom = ` FROM time_entries t JOIN engagements e ON e.id = t.engagement_id AND e.workspace_id = t.workspace_id
	JOIN users u ON u.id = t.user_id LEFT JOIN users du ON du.id = t.decided_by`

func scanTimeEntry(r scanner, x *timesheet.Entry) error {
	if err := r.Scan(&x.ID, &x.EngagementID, &x.MembershipID, &x.UserID, &x.Person, dateScan{&x.Day}, &x.Minutes, &x.Service,
		&x.Note, &x.State, &x.RecordedAt, &x.DecidedBy, nullTime{&x.DecidedAt}, &x.Reason); err != nil {
		return err
	}
	x.RecordedAt = x.RecordedAt.UTC()
	return nil
}

// List returns an engagement's time entries, the latest day first (at
// most MaxTimeEntries). Everyone who sees the engagement may call it
// (access.TimeRead); ENotFound for one p may not see.
func (s *TimeEntryStore) List(ctx context.Context, p tandem.Principal, engagementID int64) (_ []timesheet.Entry, err error) {
	defer wrap(&err, "TimeEntryStore.List(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.TimeRead, engagementID); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("t.workspace_id = ? AND t.engagement_id = ?", p.WorkspaceID, engagementID)
	return scanAll(ctx, s.db, scanTimeEntry, `SELECT `+timeEntryCols+timeEntryFrom+w.String()+
		fmt.Sprintf(` ORDER BY t.day DESC, t.id DESC LIMIT %d`, MaxTimeEntries), w.args...)
}

// Entry returns time entry id of an engagement p may see; ENotFound
// otherwise (an entry of another engagement included).
func (s *TimeEntryStore) Entry(ctx context.Context, p tandem.Principal, engagementID, id int64) (_ *timesheet.Entry, err error) {
	defer wrap(&err, "TimeEntryStore.Entry(%d, %d)", engagementID, id)
	if err := access.Can(p, access.TimeRead); err != nil {
		return nil, err
	}
	return timeEntryIn(ctx, s.db, p, engagementID, id)
}

// timeEntryIn reads one time entry of an engagement p may see through q,
// or tandem.ErrNotFound.
func timeEntryIn(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) (*timesheet.Entry, error) {
	var w where
	engagementScope(&w, p)
	w.add("t.workspace_id = ? AND t.engagement_id = ? AND t.id = ?", p.WorkspaceID, engagementID, id)
	return scanOne(ctx, q, scanTimeEntry, `SELECT `+timeEntryCols+timeEntryFrom+w.String(), w.args...)
}

// Services returns the services of the engagement's terms in force today
// (in the workspace's time zone), for the form recording time. Access as
// List.
func (s *TimeEntryStore) Services(ctx context.Context, p tandem.Principal, engagementID int64) (_ []contract.Service, err error) {
	defer wrap(&err, "TimeEntryStore.Services(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.TimeRead, engagementID); err != nil {
		return nil, err
	}
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	v, err := termsInForce(ctx, s.db, p, engagementID, tandem.DateOf(s.db.Now().In(loc)))
	if err != nil {
		return nil, err
	}
	return v.Terms.Services, nil
}

// Record stores the caller's own time entry x (x.EngagementID, Day,
// Minutes, Service, Note) as pending: the partner's manager or an agent on
// the engagement (access.TimeRecord) of a live engagement, under the rules
// of timesheet.Check — the service of the terms in force on the day, a
// day that has begun in the workspace's time zone, the caller's entries
// of that day in the workspace at most 24 hours, the period of the day
// not invoiced. Errors: EInvalid (fields), EConflict (not live, period
// closed), EForbidden, ENotFound.
func (s *TimeEntryStore) Record(ctx context.Context, p tandem.Principal, x *timesheet.Entry) (err error) {
	defer wrap(&err, "TimeEntryStore.Record(%d)", x.EngagementID)
	if err := access.Can(p, access.TimeRecord); err != nil {
		return err
	}
	x.Normalize()
	if err := x.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := engagementIn(ctx, tx, p, x.EngagementID)
		if err != nil {
			return err
		}
		if err := timesheet.CheckLive(e); err != nil {
			return err
		}
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		v, err := termsInForce(ctx, tx, p, x.EngagementID, x.Day)
		if err != nil {
			return err
		}
		var other int64
		if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM time_entries
			WHERE workspace_id = ? AND membership_id = ? AND day = ? AND state <> ?`,
			p.WorkspaceID, p.MembershipID, x.Day.String(), timesheet.Rejected).Scan(&other); err != nil {
			return err
		}
		closed, err := periodClosed(ctx, tx, p, x.EngagementID, x.Day)
		if err != nil {
			return err
		}
		if err := timesheet.Check(x, tandem.DateOf(tx.now.In(loc)), v.Terms.Services, other, closed); err != nil {
			return err
		}
		x.MembershipID, x.UserID, x.Person, x.RecordedAt = p.MembershipID, p.UserID, p.UserName, tx.now
		x.ID, err = tx.insert(ctx, `INSERT INTO time_entries (workspace_id, engagement_id, membership_id, user_id, day, minutes,
			service_key, note, state, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, x.EngagementID,
			p.MembershipID, p.UserID, x.Day.String(), x.Minutes, x.Service, x.Note, x.State, tx.now)
		if err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, x.EngagementID, x.ID, x.Submitted(), "time.recorded", map[string]any{
			"time_entry_id": x.ID, "day": x.Day.String(), "minutes": x.Minutes, "service": x.Service, "note": x.Note})
	})
}

// Approve approves a pending time entry: it is priced on the draft
// invoice of its period. Owners and managers (access.TimeApprove).
// Errors: EConflict (not pending, period closed), ENotFound, EForbidden.
func (s *TimeEntryStore) Approve(ctx context.Context, p tandem.Principal, engagementID, id int64) (err error) {
	defer wrap(&err, "TimeEntryStore.Approve(%d)", id)
	return s.decide(ctx, p, engagementID, id, true, "")
}

// Reject rejects a pending time entry with a reason; it is not priced.
// Access and errors as Approve, and EInvalid (reason).
func (s *TimeEntryStore) Reject(ctx context.Context, p tandem.Principal, engagementID, id int64, reason string) (err error) {
	defer wrap(&err, "TimeEntryStore.Reject(%d)", id)
	return s.decide(ctx, p, engagementID, id, false, reason)
}

func (s *TimeEntryStore) decide(ctx context.Context, p tandem.Principal, engagementID, id int64, approve bool, reason string) error {
	if err := access.Can(p, access.TimeApprove); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x, err := timeEntryIn(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		closed, err := periodClosed(ctx, tx, p, engagementID, x.Day)
		if err != nil {
			return err
		}
		was := x.State
		action, err := x.Decide(approve, reason, closed)
		if err != nil {
			return err
		}
		if err := tx.execOne(ctx, timesheet.ErrNotPending, `UPDATE time_entries SET state = ?, decided_by = ?, decided_at = ?, reason = ?
			WHERE workspace_id = ? AND id = ? AND state = ?`, x.State, p.UserID, tx.now, x.Reason, p.WorkspaceID, id, was); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, engagementID, id, x.Decided(), action, map[string]any{
			"time_entry_id": id, "day": x.Day.String(), "minutes": x.Minutes, "reason": x.Reason})
	})
}

// periodClosed reports, through q, whether an invoice of the engagement
// whose period contains day is no longer a draft (timesheet.Closed).
func periodClosed(ctx context.Context, q querier, p tandem.Principal, engagementID int64, day tandem.Date) (bool, error) {
	sts, err := scanAll(ctx, q, scanString, `SELECT status FROM invoices
		WHERE workspace_id = ? AND engagement_id = ? AND period_start <= ? AND period_end >= ?`,
		p.WorkspaceID, engagementID, day.String(), day.String())
	if err != nil {
		return false, err
	}
	for _, st := range sts {
		if timesheet.Closed(invoice.Status(st)) {
			return true, nil
		}
	}
	return false, nil
}

// approvedTime reads through q the approved time entries of an engagement
// (the caller has checked that p sees it) on the local days from..to
// inclusive ("2026-11-01", "2026-11-30"), as the invoice prices them.
func approvedTime(ctx context.Context, q querier, p tandem.Principal, engagementID int64, from, to string) ([]invoice.TimeEntry, error) {
	m, err := approvedTimeOf(ctx, q, p, []int64{engagementID}, from, to)
	return nonNil(m[engagementID]), err
}

// approvedTimeOf is approvedTime for several engagements at once, in one
// statement: each one's entries by its id.
func approvedTimeOf(ctx context.Context, q querier, p tandem.Principal, ids []int64, from, to string) (map[int64][]invoice.TimeEntry, error) {
	args := append(append([]any{p.WorkspaceID}, anyArgs(ids...)...), from, to, timesheet.Approved)
	xs, err := scanAll(ctx, q, scanTimeEntry, `SELECT `+timeEntryCols+timeEntryFrom+`
		WHERE t.workspace_id = ? AND t.engagement_id IN (`+placeholders(len(ids))+`) AND t.day >= ? AND t.day <= ? AND t.state = ?
		ORDER BY t.day, t.id`, args...)
	if err != nil {
		return nil, err
	}
	out := map[int64][]invoice.TimeEntry{}
	for i := range xs {
		if te, ok := xs[i].Priced(); ok {
			out[xs[i].EngagementID] = append(out[xs[i].EngagementID], te)
		}
	}
	return out, nil
}

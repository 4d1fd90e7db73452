package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Sales activities: logging one (with its facts, in its transaction), an
// account's timeline, status changes, the agent's Today and the client's
// recordings to review. The batch ingestion of dialers is in
// sales_batch.go. Every read and write is scoped like the base
// (salesAccountScope): an activity of an account p may not see is
// ENotFound, exactly like a missing one.

const salesActivityCols = `x.id, x.workspace_id, x.engagement_id, x.account_id, a.name, COALESCE(x.contact_id, 0), COALESCE(c.name, ''),
	COALESCE(x.deal_id, 0), x.agent_membership_id, COALESCE(u.name, ''), x.kind, x.at, x.direction, x.outcome, x.duration_s,
	COALESCE(x.recording_file_id, 0), x.recording_url, x.status, x.scheduled_at, x.done_at, x.amount_minor, x.currency,
	COALESCE(x.file_id, 0), x.notes, x.quality, x.quality_comment, x.created_at`

const salesActivityFrom = ` FROM sales_activities x JOIN sales_accounts a ON a.id = x.account_id
	LEFT JOIN sales_contacts c ON c.id = x.contact_id
	LEFT JOIN memberships m ON m.id = x.agent_membership_id LEFT JOIN users u ON u.id = m.user_id`

func scanSalesActivity(s scanner, x *sales.Activity) error {
	err := s.Scan(&x.ID, &x.WorkspaceID, &x.EngagementID, &x.AccountID, &x.AccountName, &x.ContactID, &x.ContactName,
		&x.DealID, &x.AgentID, &x.AgentName, &x.Kind, &x.At, &x.Direction, &x.Outcome, &x.DurationS,
		&x.RecordingFileID, &x.RecordingURL, &x.Status, nullTime{&x.ScheduledAt}, nullTime{&x.DoneAt}, &x.AmountMinor, &x.Currency,
		&x.FileID, &x.Notes, &x.Quality, &x.QualityComment, &x.CreatedAt)
	x.At, x.CreatedAt = x.At.UTC(), x.CreatedAt.UTC()
	return err
}

// loadSalesAccount reads an account p may see (scoped like the base), or
// ENotFound; once a request that only reads (readcache.go), whatever
// asks for it: the account's page, its contacts and its timeline.
func loadSalesAccount(ctx context.Context, q querier, p tandem.Principal, id int64) (*sales.Account, error) {
	c, k := cacheOf(ctx, q), salesAccountKey{p, id}
	if c != nil {
		if a, ok := c.salesAccount(k); ok {
			return &a, nil
		}
	}
	var w where
	salesAccountScope(&w, p)
	w.add("a.id = ?", id)
	var a sales.Account
	if err := scanSalesAccount(q.queryRow(ctx, `SELECT `+salesAccountCols+salesAccountFrom+w.String(), w.args...), &a); err != nil {
		return nil, notFound(err)
	}
	if c != nil {
		c.putSalesAccount(k, a)
	}
	return &a, nil
}

// accountToLog reads what logging an activity on account id needs of it
// (sales.PrepareLog: its name and engagement) and the currency and time
// zone of p's workspace (its facts' days), in one statement, when p may
// see the account; ENotFound otherwise. Not the whole account: a call is
// logged thousands of times a day, and reading the whole account (its
// agent's and engagement's names, its count of contacts) was a sixth of a
// logged call's CPU.
//
// In a batch of the writer on PostgreSQL the account may have been read
// with the batch's others at its start (accountreads.go; LogActivity
// names it, readingAccount).
func accountToLog(ctx context.Context, tx *Tx, p tandem.Principal, id int64) (_ *sales.Account, currency, zone string, _ error) {
	if r, ok := tx.later.readBefore(p, id); ok {
		if err := ctx.Err(); err != nil {
			return nil, "", "", err // as a statement of a job whose caller left (Tx.stmtCtx)
		}
		a := r.acct
		return &a, r.currency, r.zone, nil
	}
	var w where
	salesAccountScope(&w, p)
	w.add("a.id = ?", id)
	var r readAccount
	if err := scanAccountToLog(tx.queryRow(ctx, accountToLogSQL+w.String(), w.args...), &r); err != nil {
		return nil, "", "", notFound(err)
	}
	return &r.acct, r.currency, r.zone, nil
}

// accountToLogSQL reads what logging on an account needs (accountToLog),
// its scope's WHERE to follow.
const accountToLogSQL = `SELECT a.id, a.workspace_id, a.name, COALESCE(a.engagement_id, 0), ws.currency, ws.time_zone
		FROM sales_accounts a JOIN workspaces ws ON ws.id = a.workspace_id`

func scanAccountToLog(s scanner, r *readAccount) error {
	return s.Scan(&r.acct.ID, &r.acct.WorkspaceID, &r.acct.Name, &r.acct.EngagementID, &r.currency, &r.zone)
}

// loadSalesActivity reads an activity of an account p may see, or ENotFound.
func loadSalesActivity(ctx context.Context, q querier, p tandem.Principal, id int64) (*sales.Activity, error) {
	var w where
	salesAccountScope(&w, p)
	w.add("x.id = ?", id)
	w.add("x.workspace_id = ?", p.WorkspaceID)
	var x sales.Activity
	if err := scanSalesActivity(q.queryRow(ctx, `SELECT `+salesActivityCols+salesActivityFrom+w.String(), w.args...), &x); err != nil {
		return nil, notFound(err)
	}
	return &x, nil
}

// workspaceCurrency is the currency amounts of a workspace are in.
func workspaceCurrency(ctx context.Context, q querier, workspaceID int64) (string, error) {
	var cur string
	if err := q.queryRow(ctx, `SELECT currency FROM workspaces WHERE id = ?`, workspaceID).Scan(&cur); err != nil {
		return "", notFound(err)
	}
	return cur, nil
}

// LogOptions are what is logged with an activity: a call's recording and
// a proposal's document (either may be nil), a follow-up to log with it on
// the same account (the Today form's "call back in two days"), and an
// open follow-up of the account that this activity does (DoneFollowUp, an
// id; 0 for none) — all in the activity's transaction.
type LogOptions struct {
	Recording    *file.File
	Document     *file.File
	FollowUp     *sales.Activity
	DoneFollowUp int64
}

// LogActivity logs an activity p did on an account p may see (agent: the
// accounts assigned to them; partner manager: those of the partner's
// engagements; the client's owner and manager: any assigned account),
// with its files, the facts it records (sales.Activity.LogFacts) and an
// audit entry, in one transaction. On success *a is the activity as
// stored, its names included — what SalesStore.Activity would read back
// (TestLoggedActivityIsWhatIsStored) — so the caller need not read it
// again. Errors: EInvalid (field errors),
// EConflict (the account is not assigned to an engagement), ENotFound (an
// account p may not see), EForbidden.
func (s *SalesStore) LogActivity(ctx context.Context, p tandem.Principal, a *sales.Activity, files LogOptions) (err error) {
	defer wrap(&err, "SalesStore.LogActivity(%d)", a.AccountID)
	if err := access.Can(p, access.SalesLog); err != nil {
		return err
	}
	if files.Recording != nil {
		a.RecordingFileID = -1 // validated as "has a recording"; set below
	}
	if files.Document != nil {
		a.FileID = -1
	}
	return s.db.transact(readingAccount(ctx, p, a.AccountID), func(tx *Tx) error {
		acct, cur, tz, err := accountToLog(ctx, tx, p, a.AccountID)
		if err != nil {
			return err
		}
		contactOK := false
		if a.ContactID != 0 {
			err := tx.queryRow(ctx, `SELECT name FROM sales_contacts WHERE id = ? AND account_id = ? AND workspace_id = ?`,
				a.ContactID, acct.ID, p.WorkspaceID).Scan(&a.ContactName)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			contactOK = err == nil
		}
		if err := sales.PrepareLog(p, *acct, contactOK, a, cur, tx.now); err != nil {
			return err
		}
		a.AgentName = p.UserName
		if files.Recording != nil {
			if err := insertFile(ctx, tx, p, files.Recording); err != nil {
				return err
			}
			a.RecordingFileID = files.Recording.ID
		}
		if files.Document != nil {
			if err := insertFile(ctx, tx, p, files.Document); err != nil {
				return err
			}
			a.FileID = files.Document.ID
		}
		if a.ID, err = tx.insertKept(ctx, activityRows, activityArgs(a)...); err != nil {
			return err
		}
		if err := noteLastCalls(ctx, tx, []sales.Activity{*a}); err != nil {
			return err
		}
		for _, f := range a.LogFacts() {
			if _, err := recordFactInZone(ctx, tx, p, activityFact(a, f), tz); err != nil {
				return err
			}
		}
		audit := map[string]any{"account_id": a.AccountID, "kind": a.Kind, "engagement_id": a.EngagementID}
		if fu := files.FollowUp; fu != nil {
			fu.AccountID, fu.ContactID = a.AccountID, a.ContactID
			if err := sales.PrepareLog(p, *acct, true, fu, cur, tx.now); err != nil {
				return prefixFields(err, "follow_up.")
			}
			if fu.ID, err = tx.insertKept(ctx, activityRows, activityArgs(fu)...); err != nil {
				return err
			}
			audit["follow_up_id"], audit["follow_up_due"] = fu.ID, fu.ScheduledAt
		}
		if files.DoneFollowUp != 0 {
			x, err := loadSalesActivity(ctx, tx, p, files.DoneFollowUp)
			if err != nil {
				return err
			}
			if x.AccountID != a.AccountID {
				return tandem.ErrNotFound
			}
			if err := doneFollowUp(ctx, tx, p, x); err != nil {
				return err
			}
			audit["follow_up_done"] = x.ID
		}
		return tx.record(ctx, p, "sales.activity_logged", "sales_activity", a.ID, audit)
	})
}

// activityCols are the columns an activity is inserted with.
const activityCols = `workspace_id, engagement_id, account_id, contact_id, deal_id, agent_membership_id, kind, at, direction, outcome,
	duration_s, recording_file_id, recording_url, status, scheduled_at, done_at, amount_minor, currency, file_id, notes, created_at`

const activityNCols = 21

// activityRows are the activities a batch's jobs keep (keptrows.go): no
// row of another table refers to an activity and no trigger reads them,
// so only a statement naming the table needs them written.
var activityRows = newKeptTable("sales_activities", activityCols, "sales_activities")

func activityArgs(a *sales.Activity) []any {
	return []any{a.WorkspaceID, a.EngagementID, a.AccountID, nullID(a.ContactID), nullID(a.DealID), a.AgentID, string(a.Kind), a.At,
		string(a.Direction), string(a.Outcome), a.DurationS, nullID(a.RecordingFileID), a.RecordingURL, string(a.Status),
		nullTimeArg(a.ScheduledAt), nullTimeArg(a.DoneAt), a.AmountMinor, a.Currency, nullID(a.FileID), a.Notes, a.CreatedAt}
}

// activityFact is the store's fact of an activity's sales.Fact.
func activityFact(a *sales.Activity, f sales.Fact) Fact {
	return Fact{EngagementID: a.EngagementID, SubjectID: a.ID, At: f.At, Value: f.Value, Flag: f.Flag,
		AmountMinor: f.AmountMinor, Currency: f.Currency, Data: f.Data}
}

// Activities lists the activities of an account p may see, newest first
// (at most 500): its timeline. An account p may not see is ENotFound.
func (s *SalesStore) Activities(ctx context.Context, p tandem.Principal, accountID int64) (_ []sales.Activity, err error) {
	defer wrap(&err, "SalesStore.Activities(%d)", accountID)
	if err := access.Can(p, access.SalesRead); err != nil {
		return nil, err
	}
	if _, err := loadSalesAccount(ctx, s.db, p, accountID); err != nil {
		return nil, err
	}
	// Each meeting says whether a claim holds it already (open, decided,
	// or disputed as often as a subject may be claimed), so that the
	// timeline offers no second claim: a column of the same statement,
	// each meeting's claims found through sales_claims_attempt.
	return scanAll(ctx, s.db, func(r scanner, x *sales.Activity) error {
		return scanSalesActivity(scanPlus{r, []any{&x.Claimed}}, x)
	}, `SELECT `+salesActivityCols+`, (x.kind = ? AND EXISTS (SELECT 1 FROM sales_claims k
		WHERE k.workspace_id = x.workspace_id AND k.kind = ? AND k.subject_id = x.id AND `+claimHolds("k")+`))`+
		salesActivityFrom+` WHERE x.account_id = ? AND x.workspace_id = ? ORDER BY x.at DESC, x.id DESC LIMIT 500`,
		string(sales.KindMeeting), string(sales.ClaimMeeting), string(sales.ClaimDisputed), sales.MaxAttempts, accountID, p.WorkspaceID)
}

// Activity returns one activity of an account p may see, or ENotFound.
func (s *SalesStore) Activity(ctx context.Context, p tandem.Principal, id int64) (_ *sales.Activity, err error) {
	defer wrap(&err, "SalesStore.Activity(%d)", id)
	if err := access.Can(p, access.SalesRead); err != nil {
		return nil, err
	}
	return loadSalesActivity(ctx, s.db, p, id)
}

// ActivityChange is a change to a logged activity: a follow-up done, or a
// meeting's or proposal's new status.
type ActivityChange struct {
	Done   bool
	Status sales.ActivityStatus
}

// ChangeActivity marks a follow-up done (recording whether on time) or
// moves a meeting, presentation or proposal to its outcome, on an account
// p may log on. Errors: EInvalid, EConflict (already done or decided),
// ENotFound, EForbidden.
func (s *SalesStore) ChangeActivity(ctx context.Context, p tandem.Principal, id int64, ch ActivityChange) (_ *sales.Activity, err error) {
	defer wrap(&err, "SalesStore.ChangeActivity(%d)", id)
	if err := access.Can(p, access.SalesLog); err != nil {
		return nil, err
	}
	var x *sales.Activity
	err = s.db.transact(ctx, func(tx *Tx) error {
		var err error
		if x, err = loadSalesActivity(ctx, tx, p, id); err != nil {
			return err
		}
		from := x.Status
		if ch.Done {
			if err := doneFollowUp(ctx, tx, p, x); err != nil {
				return err
			}
		} else {
			if err := x.SetStatus(ch.Status); err != nil {
				return err
			}
			res, err := tx.exec(ctx, `UPDATE sales_activities SET status = ? WHERE id = ? AND workspace_id = ? AND status = ?`,
				string(x.Status), x.ID, p.WorkspaceID, string(from))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return sales.ErrStatusDecided
			}
		}
		return tx.record(ctx, p, "sales.activity_changed", "sales_activity", x.ID,
			map[string]any{"kind": x.Kind, "from": from, "status": x.Status, "done": ch.Done})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// doneFollowUp marks a follow-up done now and records whether on time; a
// concurrent change that came first is ErrAlreadyDone.
func doneFollowUp(ctx context.Context, tx *Tx, p tandem.Principal, x *sales.Activity) error {
	f, err := x.Done(tx.now)
	if err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE sales_activities SET done_at = ? WHERE id = ? AND workspace_id = ? AND done_at IS NULL`,
		x.DoneAt, x.ID, p.WorkspaceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return sales.ErrAlreadyDone
	}
	_, err = recordFact(ctx, tx, p, activityFact(x, f))
	return err
}

// Today is an agent's day: open follow-ups due by the end of the day
// (overdue ones flagged by the reader with sales.Activity.Overdue),
// meetings and presentations planned for the day, and the call list.
type Today struct {
	FollowUps []sales.Activity
	// Deals are p's own open deals with no next step, or one already
	// past (sales.Deal.NeedsNextStep), the longest neglected first.
	Deals    []sales.Deal
	Meetings []sales.Activity
	CallList []CallListEntry
}

// CallListEntry is an account of the call list: assigned to the agent,
// those with a follow-up due by the end of the day first, then those never
// called, then the longest not called.
type CallListEntry struct {
	Account    sales.Account
	Due        bool      // a follow-up is due by the end of the day
	LastCallAt time.Time // zero: never called
	ContactID  int64     // the account's first contact (decision makers first), 0 for none
	Contact    string
	Phone      sales.Detail // that contact's first phone number as p may see it (masked for a partner's people); zero for none
}

// TodayLimit is how many accounts the call list holds.
const TodayLimit = 50

// openActivities reads Today's open timed activities of p that match xw
// (follow-ups due, today's meetings), earliest first, at most 200, of the
// accounts p still sees: one taken back is no longer p's.
//
// PostgreSQL checks each activity's account one by one (LATERAL … LIMIT 1)
// while it reads them in the order of Today's index: its statistics cannot
// tell that open follow-ups are one activity in ten thousand (it judged an
// agent's at 1,300 where there were 9), and it then read all the agent's
// 2,000 accounts to join them (4 of Today's 14 ms in the base).
func (s *SalesStore) openActivities(ctx context.Context, p tandem.Principal, xw where) ([]sales.Activity, error) {
	const order = ` ORDER BY x.scheduled_at, x.id LIMIT 200`
	if s.db.dialect.name() != "postgres" {
		var w where
		salesAccountScope(&w, p)
		w.conds, w.args = append(w.conds, xw.conds...), append(w.args, xw.args...)
		return scanAll(ctx, s.db, scanSalesActivity, `SELECT `+salesActivityCols+salesActivityFrom+w.String()+order, w.args...)
	}
	var aw where
	aw.add("a.id = x.account_id")
	salesAccountScope(&aw, p)
	return scanAll(ctx, s.db, scanSalesActivity, `SELECT `+salesActivityCols+` FROM sales_activities x
		CROSS JOIN LATERAL (SELECT a.name FROM sales_accounts a`+aw.String()+` LIMIT 1) a
		LEFT JOIN sales_contacts c ON c.id = x.contact_id
		LEFT JOIN memberships m ON m.id = x.agent_membership_id LEFT JOIN users u ON u.id = m.user_id`+xw.String()+order,
		append(aw.args, xw.args...)...)
}

// Today is p's Today at now: the follow-ups and meetings of p's membership,
// and the call list of the accounts p may log on (for an agent, those
// assigned to them). The day ends at midnight in the workspace's time zone.
func (s *SalesStore) Today(ctx context.Context, p tandem.Principal, now time.Time) (_ *Today, err error) {
	defer wrap(&err, "SalesStore.Today")
	if err := access.Can(p, access.SalesLog); err != nil {
		return nil, err
	}
	loc, err := workspaceLocation(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	lt := now.In(loc)
	dayStart := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc).UTC()
	dayEnd := time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc).UTC()
	t := &Today{}
	var w where
	w.add("x.agent_membership_id = ?", p.MembershipID)
	w.add("x.kind = ?", string(sales.KindFollowUp))
	w.add("x.scheduled_at < ?", dayEnd)
	w.add("x.done_at IS NULL")
	// Overdue ones first: the earliest due time first.
	if t.FollowUps, err = s.openActivities(ctx, p, w); err != nil {
		return nil, err
	}
	today := tandem.DateOf(lt)
	w = where{}
	dealScope(&w, p)
	w.add("d.owner_membership_id = ?", p.MembershipID)
	w.add("d.closed_at IS NULL")
	w.add("(d.next_step_on IS NULL OR d.next_step_on < ?)", dateArg(today))
	deals, err := scanAll(ctx, s.db, scanDeal, `SELECT `+dealCols+dealFrom+w.String()+
		` ORDER BY CASE WHEN d.next_step_on IS NULL THEN 0 ELSE 1 END, d.next_step_on, d.updated_at, d.id LIMIT 200`, w.args...)
	if err != nil {
		return nil, err
	}
	for _, d := range deals {
		if d.NeedsNextStep(today) {
			t.Deals = append(t.Deals, d)
		}
	}
	w = where{}
	w.add("x.agent_membership_id = ?", p.MembershipID)
	w.add("x.kind IN (?, ?)", string(sales.KindMeeting), string(sales.KindPresentation))
	w.add("x.scheduled_at >= ?", dayStart)
	w.add("x.scheduled_at < ?", dayEnd)
	w.add("x.done_at IS NULL") // never set on a meeting: lets Today's index (open, timed activities) serve
	if t.Meetings, err = s.openActivities(ctx, p, w); err != nil {
		return nil, err
	}
	// The call list: accounts p may log on (an agent's own only), those
	// with a due follow-up of p first, then never called, then the oldest call.
	w = where{}
	salesAccountScope(&w, p)
	w.add("a.engagement_id IS NOT NULL")
	switch sales.ScopeOf(p.Role) {
	case sales.ScopePartner: // a partner manager: the team's accounts without an agent, and their own
		w.add("(a.agent_membership_id IS NULL OR a.agent_membership_id = ?)", p.MembershipID)
	case sales.ScopeWorkspace: // the client's people: accounts assigned to them, if any
		w.add("a.agent_membership_id = ?", p.MembershipID)
	}
	// A derived table, so that the order may use the computed columns
	// (PostgreSQL allows an output name in ORDER BY only on its own).
	// "due": the accounts of p's open follow-ups due by the day's end, one
	// set read once (sales_activities_today), not a count per account; the
	// last call: kept on the account (last_call_at, noteLastCalls).
	// The order is decided on the accounts' narrow rows (id, name, due, last
	// call), and only the TodayLimit chosen are read whole (their
	// engagement, agent and count of contacts): an agent with thousands of
	// accounts no longer has each one's joins and count computed.
	order := `ORDER BY CASE WHEN t.due > 0 THEN 0 WHEN t.last_call IS NULL THEN 1 ELSE 2 END, t.last_call, t.name, t.id`
	rows, err := s.db.query(ctx, `SELECT `+salesAccountCols+`, t.due, t.last_call FROM (SELECT * FROM (SELECT a.id, a.name,
		CASE WHEN a.id IN (SELECT f.account_id FROM sales_activities f WHERE f.agent_membership_id = ? AND f.kind = ?
			AND f.done_at IS NULL AND f.scheduled_at < ?) THEN 1 ELSE 0 END AS due,
		a.last_call_at AS last_call
		FROM sales_accounts a`+w.String()+`) t `+order+` LIMIT `+fmt.Sprint(TodayLimit)+`) t
		CROSS JOIN sales_accounts a LEFT JOIN engagements e ON e.id = a.engagement_id
		LEFT JOIN memberships m ON m.id = a.agent_membership_id LEFT JOIN users u ON u.id = m.user_id
		WHERE a.id = t.id `+order,
		append([]any{p.MembershipID, string(sales.KindFollowUp), dayEnd}, w.args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byAccount := map[int64]int{}
	var ids []any
	for rows.Next() {
		var e CallListEntry
		var due int
		var last sql.NullString
		var a sales.Account
		var tags string
		if err := rows.Scan(&a.ID, &a.WorkspaceID, &a.Name, &a.RegNumber, &a.Country, &a.City, &a.Website, &a.Industry, &a.Size, &a.Status,
			&a.Source, &tags, &a.Notes, &a.EngagementID, &a.EngagementTitle, &a.AgentID, &a.AgentName, &a.Contacts, &a.CreatedAt, &a.UpdatedAt,
			&due, &last); err != nil {
			return nil, err
		}
		a.Tags = sales.SplitTags(tags)
		e.Account, e.Due = sales.ViewAccount(p.Role, a), due > 0
		if last.Valid {
			e.LastCallAt = parseDBTime(last.String)
		}
		byAccount[a.ID] = len(t.CallList)
		ids = append(ids, a.ID)
		t.CallList = append(t.CallList, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(ids) > 0 {
		crows, err := s.db.query(ctx, `SELECT account_id, id, name FROM sales_contacts WHERE workspace_id = ? AND account_id IN (`+
			placeholders(len(ids))+`) ORDER BY account_id, decision_maker DESC, name, id`, append([]any{p.WorkspaceID}, ids...)...)
		if err != nil {
			return nil, err
		}
		defer crows.Close()
		for crows.Next() {
			var acct, id int64
			var name string
			if err := crows.Scan(&acct, &id, &name); err != nil {
				return nil, err
			}
			if e := &t.CallList[byAccount[acct]]; e.ContactID == 0 {
				e.ContactID, e.Contact = id, name
			}
		}
		if err := crows.Err(); err != nil {
			return nil, err
		}
		crows.Close()
		// Each card's contact's first phone number, through the allow-list
		// (sales.ViewContact): masked for a partner's people.
		var cids []any
		byContact := map[int64]int{}
		for i, e := range t.CallList {
			if e.ContactID != 0 {
				byContact[e.ContactID] = i
				cids = append(cids, e.ContactID)
			}
		}
		if len(cids) > 0 {
			type phone struct {
				contact int64
				d       sales.Detail
			}
			// By the contacts' index: "+workspace_id" keeps SQLite (no
			// statistics) from choosing the (workspace, field, value) index,
			// which read every phone of the workspace (2 ms of the agent's
			// home on the demo's 6,000 details, 0.1 ms by contact).
			phones, err := scanAll(ctx, s.db, func(r scanner, x *phone) error { return r.Scan(&x.contact, &x.d.ID, &x.d.Value) },
				`SELECT contact_id, id, value FROM sales_contact_details WHERE +workspace_id = ? AND field = ? AND contact_id IN (`+
					placeholders(len(cids))+`) ORDER BY contact_id, position, id`, append([]any{p.WorkspaceID, string(sales.FieldPhone)}, cids...)...)
			if err != nil {
				return nil, err
			}
			for _, x := range phones {
				if e := &t.CallList[byContact[x.contact]]; e.Phone.ID == 0 {
					x.d.Field = sales.FieldPhone
					e.Phone = sales.ViewContact(p.Role, sales.Contact{Phones: []sales.Detail{x.d}}).Phones[0]
				}
			}
		}
	}
	return t, nil
}

// parseDBTime reads a timestamp an aggregate (MAX) returned as text: SQLite
// gives back the stored text, PostgreSQL a time the driver formats.
func parseDBTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// Recordings lists an engagement's calls with a recording, newest first
// (at most 200): what the client listens to and rates. Owners and managers
// may call it; an engagement p may not see is ENotFound.
func (s *SalesStore) Recordings(ctx context.Context, p tandem.Principal, engagementID int64) (_ []sales.Activity, err error) {
	defer wrap(&err, "SalesStore.Recordings(%d)", engagementID)
	if err := access.Can(p, access.SalesReview); err != nil {
		return nil, err
	}
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	var w where
	salesAccountScope(&w, p)
	w.add("x.engagement_id = ?", engagementID)
	w.add("x.workspace_id = ?", p.WorkspaceID)
	w.add("x.kind = ?", string(sales.KindCall))
	w.add("(x.recording_file_id IS NOT NULL OR x.recording_url <> '')")
	return scanAll(ctx, s.db, scanSalesActivity, `SELECT `+salesActivityCols+salesActivityFrom+w.String()+
		` ORDER BY x.at DESC, x.id DESC LIMIT 200`, w.args...)
}

// RateCall stores the client's rating of a recorded call of an engagement,
// audited. Owners and managers may call it; errors: EInvalid, ENotFound.
func (s *SalesStore) RateCall(ctx context.Context, p tandem.Principal, engagementID, id int64, r sales.Rating) (err error) {
	defer wrap(&err, "SalesStore.RateCall(%d)", id)
	if err := access.Can(p, access.SalesReview); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x, err := loadSalesActivity(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if x.EngagementID != engagementID {
			return tandem.ErrNotFound
		}
		if err := r.Validate(*x); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE sales_activities SET quality = ?, quality_comment = ?, rated_by = ?, rated_at = ?
			WHERE id = ? AND workspace_id = ?`, r.Quality, r.Comment, nullID(p.MembershipID), tx.now, x.ID, p.WorkspaceID); err != nil {
			return err
		}
		return tx.record(ctx, p, "sales.call_rated", "sales_activity", x.ID,
			map[string]any{"quality": r.Quality, "comment": r.Comment, "previous": x.Quality})
	})
}

// ActivityFile returns a file of an activity p may see: its recording or
// its document. Any other file id is ENotFound.
func (s *SalesStore) ActivityFile(ctx context.Context, p tandem.Principal, activityID, fileID int64) (_ *file.File, err error) {
	defer wrap(&err, "SalesStore.ActivityFile(%d)", activityID)
	if err := access.Can(p, access.SalesRead); err != nil {
		return nil, err
	}
	x, err := loadSalesActivity(ctx, s.db, p, activityID)
	if err != nil {
		return nil, err
	}
	if fileID == 0 || (fileID != x.RecordingFileID && fileID != x.FileID) {
		return nil, tandem.ErrNotFound
	}
	return s.db.loadFile(ctx, p.WorkspaceID, fileID)
}

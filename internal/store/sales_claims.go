package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ClaimStore keeps the claims of paid results (package sales, claim.go):
// the partner claims, the client accepts, disputes or reverses, and the
// sweep accepts what the window left unanswered. A fact is recorded only
// on acceptance (and reversal), in the transaction that decides it.
type ClaimStore struct{ db *DB }

// Claims returns the store of claims.
func (db *DB) Claims() *ClaimStore { return &ClaimStore{db} }

// claimScope limits claims (aliased c, joined with their engagement e) to
// what p may see: the client's people every claim of the workspace; a
// partner's manager those of the partner's engagements; an agent only the
// claims they made themselves, on engagements they are assigned to.
func claimScope(w *where, p tandem.Principal) {
	engagementScope(w, p)
	// Every caller names the engagement (or the claim): "+" keeps SQLite
	// (no statistics) from reading the workspace's every claim by
	// sales_claims_attempt instead of the engagement's by
	// sales_claims_engagement (0.7 of the 1.4 ms the homes spent on what
	// waits, with 400 claims).
	w.add("+c.workspace_id = ?", p.WorkspaceID)
	if !p.Role.IsClient() {
		w.add("c.partner_id = ?", p.PartnerID)
	}
	if p.Role == tandem.RoleVendorAgent {
		w.add("c.membership_id = ?", p.MembershipID)
	}
}

const claimCols = `c.id, c.workspace_id, c.engagement_id, c.kind, c.subject_id, COALESCE(sd.title, a.name, ''), COALESCE(a.id, 0), COALESCE(a.name, ''), c.note, c.held_at,
	c.revenue_minor, c.currency, c.opened_on, c.attempt, c.status, c.membership_id, c.user_id, COALESCE(cu.name, ''), c.partner_id,
	c.claimed_at, c.window_ends, c.decided_at, COALESCE(c.decided_by, 0), COALESCE(du.name, ''), c.expired, c.dispute_reason,
	c.reversed_at, c.reverse_reason`

// claimFrom joins a claim's subject for its name: a deal (its title), a
// meeting activity, and the account of either (or the lead's own), with
// the parameters of claimJoin. There is no foreign key to deals and
// activities (migration 0018): a subject gone leaves the name empty.
const claimFrom = ` FROM sales_claims c JOIN engagements e ON e.id = c.engagement_id
	LEFT JOIN sales_deals sd ON sd.id = c.subject_id AND sd.workspace_id = c.workspace_id AND c.kind = ?
	LEFT JOIN sales_activities sx ON sx.id = c.subject_id AND sx.workspace_id = c.workspace_id AND c.kind = ?
	LEFT JOIN sales_accounts a ON a.workspace_id = c.workspace_id
		AND a.id = CASE WHEN c.kind = ? THEN c.subject_id ELSE COALESCE(sd.account_id, sx.account_id) END
	LEFT JOIN users cu ON cu.id = c.user_id LEFT JOIN users du ON du.id = c.decided_by`

// claimJoin are the parameters of claimFrom's joins, first in a where's args.
func claimJoin() []any {
	return []any{string(sales.ClaimDeal), string(sales.ClaimMeeting), string(sales.ClaimLead)}
}

func scanClaim(s scanner, c *sales.Claim) error {
	var opened string
	var expired int64
	if err := s.Scan(&c.ID, &c.WorkspaceID, &c.EngagementID, &c.Kind, &c.SubjectID, &c.SubjectName, &c.AccountID, &c.AccountName, &c.Note, nullTime{&c.HeldAt},
		&c.Revenue.Amount, &c.Revenue.Currency, &opened, &c.Attempt, &c.Status, &c.ClaimantID, &c.ClaimantUserID, &c.ClaimantName,
		&c.PartnerID, &c.ClaimedAt, &c.WindowEnds, nullTime{&c.DecidedAt}, &c.DeciderUserID, &c.DeciderName, &expired,
		&c.DisputeReason, nullTime{&c.ReversedAt}, &c.ReverseReason); err != nil {
		return err
	}
	c.Expired = expired != 0
	if opened != "" {
		c.OpenedOn, _ = tandem.ParseDate(opened)
	}
	for _, t := range []*time.Time{&c.HeldAt, &c.ClaimedAt, &c.WindowEnds, &c.DecidedAt, &c.ReversedAt} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return nil
}

// loadClaim reads a claim of an engagement (0: any) p may see, or
// ENotFound.
func loadClaim(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) (*sales.Claim, error) {
	var w where
	w.args = append(w.args, claimJoin()...)
	claimScope(&w, p)
	w.add("c.id = ?", id)
	if engagementID != 0 {
		w.add("c.engagement_id = ?", engagementID)
	}
	var c sales.Claim
	if err := scanClaim(q.queryRow(ctx, `SELECT `+claimCols+claimFrom+w.String(), w.args...), &c); err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// ClaimFilter narrows a list of claims.
type ClaimFilter struct {
	Status sales.ClaimStatus // "" for all
	Kind   sales.ClaimKind   // "" for all (the claims page)
}

// List lists the claims of an engagement p may see (see claimScope), open
// ones first by the end of their window, then the decided ones newest
// first. Errors: ENotFound (an engagement p may not see), EForbidden.
func (s *ClaimStore) List(ctx context.Context, p tandem.Principal, engagementID int64, f ClaimFilter) (_ []sales.Claim, err error) {
	defer wrap(&err, "ClaimStore.List(%d)", engagementID)
	if err := access.Can(p, access.SalesClaimsRead); err != nil {
		return nil, err
	}
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	var w where
	w.args = append(w.args, claimJoin()...)
	claimScope(&w, p)
	w.add("c.engagement_id = ?", engagementID)
	if f.Status != "" {
		w.add("c.status = ?", string(f.Status))
	}
	out, err := scanAll(ctx, s.db, scanClaim, `SELECT `+claimCols+claimFrom+w.String()+
		` ORDER BY CASE WHEN c.status = ? THEN 0 ELSE 1 END, CASE WHEN c.status = ? THEN c.window_ends END, c.id DESC LIMIT 500`,
		append(w.args, string(sales.ClaimOpen), string(sales.ClaimOpen))...)
	if out == nil {
		out = []sales.Claim{}
	}
	return out, err
}

// Get returns one claim of an engagement (0: any) p may see, or
// ENotFound — also for a claim of another partner, or of another agent.
func (s *ClaimStore) Get(ctx context.Context, p tandem.Principal, engagementID, id int64) (_ *sales.Claim, err error) {
	defer wrap(&err, "ClaimStore.Get(%d)", id)
	if err := access.Can(p, access.SalesClaimsRead); err != nil {
		return nil, err
	}
	return loadClaim(ctx, s.db, p, engagementID, id)
}

// Create records a claim of the partner's person p on an engagement they
// work (sales.Prepare decides), and tells the client's owners and
// managers. A lead's subject must be an account assigned to the engagement
// that p sees. Errors: EInvalid, EConflict (claimed already, not live),
// ENotFound (an engagement, or a lead's account, deal or meeting, p may
// not see — the same answer as a missing one), EForbidden.
func (s *ClaimStore) Create(ctx context.Context, p tandem.Principal, engagementID int64, n sales.NewClaim) (_ *sales.Claim, err error) {
	defer wrap(&err, "ClaimStore.Create(%d)", engagementID)
	if err := access.Can(p, access.SalesClaim); err != nil {
		return nil, err
	}
	var c *sales.Claim
	err = s.db.transact(ctx, func(tx *Tx) error {
		et, err := loadEngagementTerms(ctx, tx, p, engagementID, tx.now)
		if err != nil {
			return err
		}
		if err := n.ValidateSubject(); err != nil {
			return err
		}
		if err := claimSubject(ctx, tx, p, et, &n); err != nil {
			return err
		}
		prior, err := scanAll(ctx, tx, func(r scanner, x *sales.Prior) error { return r.Scan(&x.Status, &x.Attempt, &x.Note) },
			`SELECT status, attempt, note FROM sales_claims WHERE workspace_id = ? AND kind = ? AND subject_id = ?`,
			p.WorkspaceID, string(n.Kind), n.SubjectID)
		if err != nil {
			return err
		}
		if c, err = sales.Prepare(n, et.e, p.Role, p.PartnerID, et.terms, et.cal, tx.now, prior); err != nil {
			return err
		}
		c.ClaimantID, c.ClaimantUserID, c.ClaimantName = p.MembershipID, p.UserID, p.UserName
		id, err := tx.insert(ctx, `INSERT INTO sales_claims (workspace_id, engagement_id, kind, subject_id, note, held_at, revenue_minor,
			currency, opened_on, attempt, status, membership_id, user_id, partner_id, claimed_at, window_ends)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.WorkspaceID, c.EngagementID, string(c.Kind), c.SubjectID, c.Note, nullTimeArg(c.HeldAt), c.Revenue.Amount,
			c.Revenue.Currency, dateText(c.OpenedOn), c.Attempt, string(c.Status), c.ClaimantID, c.ClaimantUserID, c.PartnerID,
			c.ClaimedAt.UTC(), c.WindowEnds.UTC())
		if err != nil {
			if tx.db.dialect.isUniqueViolation(err) {
				return tandem.Errorf(tandem.EConflict, i18n.K("claims.already_claimed"))
			}
			return err
		}
		c.ID = id
		if err := tell(ctx, tx, p, c.EngagementID, c.ID, c.Made()); err != nil {
			return err
		}
		return tx.record(ctx, p, "sales.claim_made", "sales_claim", c.ID, map[string]any{"engagement_id": c.EngagementID,
			"kind": c.Kind, "subject_id": c.SubjectID, "attempt": c.Attempt, "window_ends": c.WindowEnds})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// claimSubject checks, in the claim's transaction, the deal or meeting a
// claim names and fills what follows from it (sales.NewClaim.FromDeal,
// FromMeeting): the subject (deal, meeting, or a lead's account) must be
// one p may see, of the claim's
// engagement — else ENotFound, like a missing one. The claims table keeps
// no foreign key to deals and activities; this is the check.
func claimSubject(ctx context.Context, tx *Tx, p tandem.Principal, et *engagementTerms, n *sales.NewClaim) error {
	switch n.Kind {
	case sales.ClaimDeal:
		d, err := loadDeal(ctx, tx, p, n.SubjectID)
		if err != nil {
			return err
		}
		if d.EngagementID != et.e.ID {
			return tandem.ErrNotFound
		}
		return n.FromDeal(d, sales.SalesTerms(&et.terms), et.loc)
	case sales.ClaimMeeting:
		a, err := loadSalesActivity(ctx, tx, p, n.SubjectID)
		if err != nil {
			return err
		}
		if a.EngagementID != et.e.ID {
			return tandem.ErrNotFound
		}
		return n.FromMeeting(a)
	case sales.ClaimLead:
		// The lead's account: one p sees, assigned to the claim's
		// engagement — else ENotFound, as for a deal or a meeting.
		var w where
		salesAccountScope(&w, p)
		w.add("a.id = ?", n.SubjectID)
		w.add("a.engagement_id = ?", et.e.ID)
		var id int64
		return notFound(tx.queryRow(ctx, `SELECT a.id FROM sales_accounts a`+w.String(), w.args...).Scan(&id))
	}
	return nil
}

func dateText(d tandem.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Decide accepts or disputes an open claim of an engagement (0: any) for
// the client (owners and
// managers): on acceptance the result's fact is recorded in the same
// transaction; the claimant is told either way. Errors: EInvalid,
// EConflict (decided already, window ended for a dispute), ENotFound,
// EForbidden.
func (s *ClaimStore) Decide(ctx context.Context, p tandem.Principal, engagementID, id int64, d sales.Decision, reason string) (_ *sales.Claim, err error) {
	defer wrap(&err, "ClaimStore.Decide(%d)", id)
	if err := access.Can(p, access.SalesClaimsDecide); err != nil {
		return nil, err
	}
	var c *sales.Claim
	err = s.db.transact(ctx, func(tx *Tx) error {
		if c, err = loadClaim(ctx, tx, p, engagementID, id); err != nil {
			return err
		}
		if err := c.Decide(p.Role, p.UserID, d, reason, tx.now); err != nil {
			return err
		}
		c.DeciderName = p.UserName
		if err := changeOne(ctx, tx, i18n.K("claims.not_open"), `UPDATE sales_claims SET status = ?, decided_at = ?, decided_by = ?,
			dispute_reason = ? WHERE id = ? AND workspace_id = ? AND status = ?`, string(c.Status), c.DecidedAt, p.UserID,
			c.DisputeReason, c.ID, p.WorkspaceID, string(sales.ClaimOpen)); err != nil {
			return err
		}
		return s.decided(ctx, tx, p, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// decided records what a decision on c gives, in tx: the fact of an
// accepted claim, the claimant's notification and the audit entry.
func (s *ClaimStore) decided(ctx context.Context, tx *Tx, p tandem.Principal, c *sales.Claim) error {
	if c.Status == sales.ClaimAccepted {
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if err := recordClaimFact(ctx, tx, p, c, c.AcceptedFact(loc)); err != nil {
			return err
		}
	}
	if err := tell(ctx, tx, p, c.EngagementID, c.ID, c.Decided()); err != nil {
		return err
	}
	return tx.record(ctx, p, "sales.claim_"+string(c.Status), "sales_claim", c.ID, map[string]any{"engagement_id": c.EngagementID,
		"kind": c.Kind, "subject_id": c.SubjectID, "expired": c.Expired, "reason": c.DisputeReason})
}

func recordClaimFact(ctx context.Context, tx *Tx, p tandem.Principal, c *sales.Claim, f sales.Fact) error {
	_, err := recordFact(ctx, tx, p, Fact{EngagementID: c.EngagementID, SubjectID: c.ID, At: tx.now, Value: f.Value, Flag: f.Flag,
		AmountMinor: f.AmountMinor, Currency: f.Currency, Data: f.Data})
	return err
}

// Reverse records, for the client (owners and managers), that the
// customer cancelled an accepted won deal: within the clawback of the
// terms in force today it becomes a negative result (its fact in the same
// transaction). Errors: EInvalid (no reason), EConflict (not an accepted
// won deal, clawback over), ENotFound, EForbidden.
func (s *ClaimStore) Reverse(ctx context.Context, p tandem.Principal, engagementID, id int64, reason string) (_ *sales.Claim, err error) {
	defer wrap(&err, "ClaimStore.Reverse(%d)", id)
	if err := access.Can(p, access.SalesClaimsDecide); err != nil {
		return nil, err
	}
	var c *sales.Claim
	err = s.db.transact(ctx, func(tx *Tx) error {
		if c, err = loadClaim(ctx, tx, p, engagementID, id); err != nil {
			return err
		}
		et, err := loadEngagementTerms(ctx, tx, p, c.EngagementID, tx.now)
		if err != nil {
			return err
		}
		if err := c.Reverse(p.Role, et.terms.Sales, et.loc, reason, tx.now); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("claims.not_reversible"), `UPDATE sales_claims SET status = ?, reversed_at = ?,
			reverse_reason = ? WHERE id = ? AND workspace_id = ? AND status = ?`, string(c.Status), c.ReversedAt, c.ReverseReason,
			c.ID, p.WorkspaceID, string(sales.ClaimAccepted)); err != nil {
			return err
		}
		if err := recordClaimFact(ctx, tx, p, c, c.ReversedFact()); err != nil {
			return err
		}
		if err := tell(ctx, tx, p, c.EngagementID, c.ID, c.Decided()); err != nil {
			return err
		}
		return tx.record(ctx, p, "sales.claim_reversed", "sales_claim", c.ID, map[string]any{"engagement_id": c.EngagementID,
			"subject_id": c.SubjectID, "amount_minor": c.Revenue.Amount, "currency": c.Revenue.Currency, "reason": c.ReverseReason})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SweepExpired accepts, on the system's behalf, every claim still open
// whose window ended by now, and reports how many it accepted. Each claim
// is accepted in its own transaction by an UPDATE that changes only a
// claim still open, so two instances sweeping at once (or a client
// deciding meanwhile) accept it once: the one whose UPDATE changed no row
// records nothing. The scheduler runs it every minute
// (sweep.sales_claims).
func (s *ClaimStore) SweepExpired(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "ClaimStore.SweepExpired")
	now = now.UTC()
	type due struct{ workspaceID, id int64 }
	cands, err := scanAll(ctx, s.db, func(r scanner, d *due) error { return r.Scan(&d.workspaceID, &d.id) },
		`SELECT workspace_id, id FROM sales_claims WHERE status = ? AND window_ends <= ? ORDER BY window_ends, id LIMIT 1000`,
		string(sales.ClaimOpen), now)
	if err != nil {
		return 0, err
	}
	accepted := 0
	var errs []error
	for _, d := range cands {
		if err := ctx.Err(); err != nil {
			return accepted, err
		}
		p := System(d.workspaceID, "scheduler")
		ok := false
		err := s.db.transact(ctx, func(tx *Tx) error {
			ok = false
			c, err := loadClaim(ctx, tx, p, 0, d.id)
			if err != nil {
				return err
			}
			if !c.Expire(now) {
				return nil // decided meanwhile
			}
			res, err := tx.exec(ctx, `UPDATE sales_claims SET status = ?, decided_at = ?, decided_by = NULL, expired = 1
				WHERE id = ? AND status = ?`, string(c.Status), c.DecidedAt, c.ID, string(sales.ClaimOpen))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return err // another instance accepted it first
			}
			ok = true
			return s.decided(ctx, tx, p, c)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("claim %d: %w", d.id, err))
			continue
		}
		if ok {
			accepted++
		}
	}
	return accepted, errors.Join(errs...)
}

// ClaimSubject is what a partner's person may claim: an account for a
// qualified lead (assigned to the engagement), a won deal or a held
// meeting of the engagement — seen by them, not claimed yet (or disputed
// once).
type ClaimSubject struct {
	ID      int64
	Name    string
	Account string    // a deal's account
	At      time.Time // a meeting's time
}

// ClaimsBoard is what the claims page of an engagement shows: one page of
// the claims p may see (of the filter), how many there are and how many of
// each status and kind, the business days left of each open one (by claim
// id) on the calendar of the terms in force, the engagement's currency and
// qualification criteria, and for a partner's person the accounts they
// may claim a qualified lead for.
type ClaimsBoard struct {
	Claims        []sales.Claim
	Total         int                       // claims of the filter
	ByStatus      map[sales.ClaimStatus]int // claims of each status (of the filter's kind)
	ByKind        map[sales.ClaimKind]int   // claims of each kind (of the filter's status)
	DaysLeft      map[int64]int
	Currency      string
	Qualification string
	Leads         []ClaimSubject
	Deals         []ClaimSubject // won deals p may claim
	Meetings      []ClaimSubject // held meetings p may claim (Name is the account's, At the meeting's time)
}

// Board reads an engagement's claims page for p at now: the page pg of
// the claims of f, open ones first (the soonest window first), then the
// newest first. Errors: ENotFound (an engagement p may not see),
// EForbidden.
func (s *ClaimStore) Board(ctx context.Context, p tandem.Principal, engagementID int64, f ClaimFilter, pg tandem.Page) (_ *ClaimsBoard, err error) {
	defer wrap(&err, "ClaimStore.Board(%d)", engagementID)
	if err := access.Can(p, access.SalesClaimsRead); err != nil {
		return nil, err
	}
	now := s.db.Now()
	et, err := loadEngagementTerms(ctx, s.db, p, engagementID, now)
	if err != nil {
		return nil, err
	}
	b := &ClaimsBoard{DaysLeft: map[int64]int{}, ByStatus: map[sales.ClaimStatus]int{}, ByKind: map[sales.ClaimKind]int{},
		Currency: money.New(0, et.terms.Price.Currency).Currency}
	if et.terms.Sales != nil {
		b.Qualification = et.terms.Sales.Qualification
	}
	var base where
	claimScope(&base, p)
	base.add("c.engagement_id = ?", engagementID)
	count := func(col string, cond func(*where), each func(string, int)) error {
		w := where{conds: slices.Clone(base.conds), args: slices.Clone(base.args)}
		cond(&w)
		rows, err := scanAll(ctx, s.db, func(r scanner, x *struct {
			k string
			n int
		}) error {
			return r.Scan(&x.k, &x.n)
		}, `SELECT `+col+`, COUNT(*) FROM sales_claims c JOIN engagements e ON e.id = c.engagement_id`+w.String()+` GROUP BY `+col, w.args...)
		for _, x := range rows {
			each(x.k, x.n)
		}
		return err
	}
	if err := count("c.status", func(w *where) {
		if f.Kind != "" {
			w.add("c.kind = ?", string(f.Kind))
		}
	}, func(k string, n int) { b.ByStatus[sales.ClaimStatus(k)] = n }); err != nil {
		return nil, err
	}
	if err := count("c.kind", func(w *where) {
		if f.Status != "" {
			w.add("c.status = ?", string(f.Status))
		}
	}, func(k string, n int) { b.ByKind[sales.ClaimKind(k)] = n }); err != nil {
		return nil, err
	}
	var w where
	w.args = append(w.args, claimJoin()...)
	claimScope(&w, p)
	w.add("c.engagement_id = ?", engagementID)
	if f.Status != "" {
		w.add("c.status = ?", string(f.Status))
	}
	if f.Kind != "" {
		w.add("c.kind = ?", string(f.Kind))
	}
	pg = pg.Normalize()
	// The ORDER BY's parameters follow the where's.
	order := ` ORDER BY CASE WHEN c.status = '` + string(sales.ClaimOpen) + `' THEN 0 ELSE 1 END, CASE WHEN c.status = '` +
		string(sales.ClaimOpen) + `' THEN c.window_ends END, c.claimed_at DESC, c.id DESC`
	if b.Claims, b.Total, err = listPage(ctx, s.db, scanClaim, claimCols, claimFrom+w.String(), order, pg, w.args...); err != nil {
		return nil, err
	}
	for _, c := range b.Claims {
		if c.Status == sales.ClaimOpen {
			b.DaysLeft[c.ID] = sales.BusinessDaysLeft(et.cal, now, c.WindowEnds)
		}
	}
	if access.Allows(p.Role, access.SalesClaim) {
		var w where
		salesAccountScope(&w, p)
		w.add("a.engagement_id = ?", engagementID)
		unclaimed(&w, p.WorkspaceID, sales.ClaimLead, "a.id")
		if b.Leads, err = scanAll(ctx, s.db, func(r scanner, x *ClaimSubject) error { return r.Scan(&x.ID, &x.Name) },
			`SELECT a.id, a.name FROM sales_accounts a`+w.String()+` ORDER BY a.name, a.id LIMIT 500`, w.args...); err != nil {
			return nil, err
		}
		if b.Deals, b.Meetings, err = claimableSubjects(ctx, s.db, p, engagementID, sales.SalesTerms(&et.terms)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// unclaimed is the condition that no claim of kind holds the subject
// (aliased col) any more: none, or only one disputed first attempt.
func unclaimed(w *where, workspaceID int64, kind sales.ClaimKind, col string) {
	w.add(`NOT EXISTS (SELECT 1 FROM sales_claims c WHERE c.workspace_id = ? AND c.kind = ? AND c.subject_id = `+col+`
		AND `+claimHolds("c")+`)`, workspaceID, string(kind), string(sales.ClaimDisputed), sales.MaxAttempts)
}

// claimHolds is the SQL condition that the claim row alias holds its
// subject: open or decided, or disputed as often as a subject may be
// claimed (sales.MaxAttempts). Its parameters follow in this order:
// string(sales.ClaimDisputed), sales.MaxAttempts.
func claimHolds(alias string) string {
	return `(` + alias + `.status <> ? OR ` + alias + `.attempt >= ?)`
}

// claimableSubjects are the won deals and held meetings of an engagement p
// may claim: seen by p, in a won stage of the terms s (a deal), held (a
// meeting), not claimed already.
func claimableSubjects(ctx context.Context, q querier, p tandem.Principal, engagementID int64, s *contract.Sales) (deals, meetings []ClaimSubject, err error) {
	won := sales.WonStages(s)
	if len(won) > 0 {
		var w where
		dealScope(&w, p)
		w.add("d.engagement_id = ?", engagementID)
		w.add("d.stage IN ("+placeholders(len(won))+")", anyArgs(won...)...)
		unclaimed(&w, p.WorkspaceID, sales.ClaimDeal, "d.id")
		if deals, err = scanAll(ctx, q, func(r scanner, x *ClaimSubject) error { return r.Scan(&x.ID, &x.Name, &x.Account) },
			`SELECT d.id, d.title, a.name FROM sales_deals d JOIN sales_accounts a ON a.id = d.account_id`+w.String()+
				` ORDER BY d.updated_at DESC, d.id DESC LIMIT 500`, w.args...); err != nil {
			return nil, nil, err
		}
	}
	var w where
	salesAccountScope(&w, p)
	w.add("x.workspace_id = ?", p.WorkspaceID)
	w.add("x.engagement_id = ?", engagementID)
	w.add("x.kind = ?", string(sales.KindMeeting))
	w.add("x.status = ?", string(sales.MeetingHeld))
	unclaimed(&w, p.WorkspaceID, sales.ClaimMeeting, "x.id")
	meetings, err = scanAll(ctx, q, func(r scanner, x *ClaimSubject) error {
		var at time.Time
		err := r.Scan(&x.ID, &x.Name, nullTime{&x.At}, &at)
		if x.At.IsZero() {
			x.At = at
		}
		x.At = x.At.UTC()
		return err
	}, `SELECT x.id, a.name, x.scheduled_at, x.at FROM sales_activities x JOIN sales_accounts a ON a.id = x.account_id`+w.String()+
		` ORDER BY x.scheduled_at DESC, x.id DESC LIMIT 500`, w.args...)
	return deals, meetings, err
}

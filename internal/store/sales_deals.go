package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// DealStore keeps deals, their stage history and the pipeline's figures.
// A deal is seen by whoever sees its account (sales.ScopeOf), and by the
// partner's people only while the account is assigned to the deal's
// engagement; a deal p may not see is ENotFound, like a missing one.
type DealStore struct{ db *DB }

// Deals returns the store of deals and the pipeline.
func (db *DB) Deals() *DealStore { return &DealStore{db} }

// dealScope limits deals (aliased d, their account aliased a) to what p may
// see: the workspace's for the client's people; for the partner's people
// the deals of their engagements whose account is still assigned to that
// engagement, and for an agent to them.
func dealScope(w *where, p tandem.Principal) {
	w.add("d.workspace_id = ?", p.WorkspaceID)
	switch sales.ScopeOf(p.Role) {
	case sales.ScopeWorkspace:
	case sales.ScopePartner:
		w.add("a.engagement_id = d.engagement_id")
		w.add("EXISTS (SELECT 1 FROM engagements se WHERE se.id = d.engagement_id AND se.partner_id = ? AND se.partner_revoked_at IS NULL)", p.PartnerID)
	case sales.ScopeAssigned:
		w.add("a.engagement_id = d.engagement_id")
		w.add("a.agent_membership_id = ?", p.MembershipID)
		w.add(`EXISTS (SELECT 1 FROM engagements se JOIN engagement_assignments sea ON sea.engagement_id = se.id
			WHERE se.id = d.engagement_id AND se.partner_id = ? AND se.partner_revoked_at IS NULL AND sea.membership_id = ?)`, p.PartnerID, p.MembershipID)
	default:
		w.add("1 = 0")
	}
}

// boardCountsQuery counts and sums the deals of a board per stage (then
// boardScope's conditions and the GROUP BY).
const boardCountsQuery = `SELECT d.stage, d.currency, COUNT(*), CAST(SUM(d.amount) AS BIGINT) FROM sales_deals d`

// boardScope limits deals (aliased d) to those of engagement engagementID
// that p may see, for an engagement already loaded for p (loadEngagement
// checked the partner and the agent's assignment): the condition on the
// account is an uncorrelated IN, so that the deals are read through their
// account's index (sales_deals_account) for the partner's people and
// through the engagement's (sales_deals_board) for the client.
func boardScope(w *where, p tandem.Principal, engagementID int64) {
	w.add("d.workspace_id = ?", p.WorkspaceID)
	w.add("d.engagement_id = ?", engagementID)
	switch sales.ScopeOf(p.Role) {
	case sales.ScopeWorkspace:
	case sales.ScopePartner:
		w.add("d.account_id IN (SELECT sa.id FROM sales_accounts sa WHERE sa.engagement_id = ?)", engagementID)
	case sales.ScopeAssigned:
		w.add("d.account_id IN (SELECT sa.id FROM sales_accounts sa WHERE sa.engagement_id = ? AND sa.agent_membership_id = ?)",
			engagementID, p.MembershipID)
	default:
		w.add("1 = 0")
	}
}

const dealCols = `d.id, d.workspace_id, d.engagement_id, d.account_id, a.name, d.title, d.amount, d.currency, d.close_on, d.stage,
	COALESCE(d.owner_membership_id, 0), COALESCE(ou.name, ''), d.lost_reason, d.next_step, d.next_step_on,
	d.created_at, d.updated_at, d.closed_at`

const dealFrom = ` FROM sales_deals d JOIN sales_accounts a ON a.id = d.account_id
	LEFT JOIN memberships om ON om.id = d.owner_membership_id LEFT JOIN users ou ON ou.id = om.user_id`

func scanDeal(s scanner, d *sales.Deal) error {
	err := s.Scan(&d.ID, &d.WorkspaceID, &d.EngagementID, &d.AccountID, &d.AccountName, &d.Title, &d.Amount.Amount, &d.Amount.Currency,
		dateScan{&d.CloseOn}, &d.Stage, &d.OwnerID, &d.OwnerName, &d.LostReason, &d.NextStep, dateScan{&d.NextStepOn},
		&d.CreatedAt, &d.UpdatedAt, nullTime{&d.ClosedAt})
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return err
}

// loadDeal reads one deal p may see through q, or tandem.ErrNotFound.
func loadDeal(ctx context.Context, q querier, p tandem.Principal, id int64) (*sales.Deal, error) {
	var w where
	dealScope(&w, p)
	w.add("d.id = ?", id)
	var d sales.Deal
	if err := scanDeal(q.queryRow(ctx, `SELECT `+dealCols+dealFrom+w.String(), w.args...), &d); err != nil {
		return nil, notFound(err)
	}
	return &d, nil
}

// PipelineTerms is what the pipeline of an engagement works by today: the
// sales terms in force (sales.SalesTerms), the currency of its deals and
// the workspace's today.
type PipelineTerms struct {
	Engagement *engagement.Engagement
	Sales      *contract.Sales
	Currency   string
	Today      tandem.Date
}

// pipelineTerms loads an engagement p may see and its pipeline terms.
func pipelineTerms(ctx context.Context, q querier, p tandem.Principal, engagementID int64, now time.Time) (*PipelineTerms, error) {
	e, err := loadEngagement(ctx, q, p, engagementID)
	if err != nil {
		return nil, err
	}
	if err := sales.HasPipeline(e); err != nil {
		return nil, err
	}
	var cur, tz string
	if err := q.queryRow(ctx, `SELECT currency, time_zone FROM workspaces WHERE id = ?`, p.WorkspaceID).Scan(&cur, &tz); err != nil {
		return nil, notFound(err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	today := tandem.DateOf(now.In(loc))
	v, err := termsInForce(ctx, q, p, engagementID, today)
	if err != nil {
		return nil, err
	}
	if v.Terms.Price.Currency != "" {
		cur = v.Terms.Price.Currency
	}
	return &PipelineTerms{Engagement: e, Sales: sales.SalesTerms(&v.Terms), Currency: cur, Today: today}, nil
}

// Pipeline returns the pipeline terms of an engagement p may see.
func (s *DealStore) Pipeline(ctx context.Context, p tandem.Principal, engagementID int64) (_ *PipelineTerms, err error) {
	defer wrap(&err, "DealStore.Pipeline(%d)", engagementID)
	if err := access.Can(p, access.DealsRead); err != nil {
		return nil, err
	}
	return pipelineTerms(ctx, s.db, p, engagementID, s.db.Now())
}

// BoardFilter narrows the board: one agent's deals, and the page of one
// column (Stage, Offset) when a person pages through it.
type BoardFilter struct {
	OwnerID int64 // a membership; 0 for every deal
	Stage   string
	Offset  int
	Limit   int // cards per column; sales.DealPageDefault when 0
}

// Column is one stage of the board: how many deals it holds, their
// summed amount and weighted value per currency, and a page of cards.
type Column struct {
	Stage    contract.Stage
	Count    int
	Sums     []money.Money // Σ amount, one per currency (normally one)
	Weighted []money.Money // Σ amount × probability ÷ 100, rounded once per column and currency
	Deals    []sales.Deal
}

// Board is an engagement's pipeline board.
type Board struct {
	*PipelineTerms
	Columns []Column
	Agents  []AssignAgent // the owners the board can be filtered by
	// Claimed are the won deals on the board that a deal_won claim holds
	// (see DealPage.Claimed): no second claim is offered for them.
	Claimed map[int64]bool
}

// Board returns the board of an engagement p may see: a column per stage of
// the terms in force with the count, sum and weighted value of the deals
// p sees there (one GROUP BY), and the first cards of each column (or the
// page f asks of one column), most recently changed first — the cards of
// every column in one statement (boardCardsQuery). A deal whose stage the
// terms no longer have is in a column of its own, at the end.
func (s *DealStore) Board(ctx context.Context, p tandem.Principal, engagementID int64, f BoardFilter) (_ *Board, err error) {
	defer wrap(&err, "DealStore.Board(%d)", engagementID)
	if err := access.Can(p, access.DealsRead); err != nil {
		return nil, err
	}
	pt, err := pipelineTerms(ctx, s.db, p, engagementID, s.db.Now())
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > sales.MaxDealPage {
		f.Limit = sales.DealPageDefault
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	b := &Board{PipelineTerms: pt}
	var w where
	boardScope(&w, p, engagementID)
	if f.OwnerID != 0 {
		w.add("d.owner_membership_id = ?", f.OwnerID)
	}
	rows, err := s.db.query(ctx, boardCountsQuery+w.String()+` GROUP BY d.stage, d.currency`, w.args...)
	if err != nil {
		return nil, err
	}
	type agg struct {
		count int
		sums  []money.Money
	}
	byStage := map[string]*agg{}
	var extra []string
	for rows.Next() {
		var stage, cur string
		var n int
		var sum int64
		if err := rows.Scan(&stage, &cur, &n, &sum); err != nil {
			rows.Close()
			return nil, err
		}
		a := byStage[stage]
		if a == nil {
			a = &agg{}
			byStage[stage] = a
			if _, ok := pt.Sales.Stage(stage); !ok {
				extra = append(extra, stage)
			}
		}
		a.count += n
		a.sums = append(a.sums, money.New(sum, cur))
		slices.SortFunc(a.sums, func(x, y money.Money) int { return strings.Compare(x.Currency, y.Currency) })
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	stages := append([]contract.Stage(nil), pt.Sales.Stages...)
	for _, k := range extra {
		stages = append(stages, contract.Stage{Key: k, Name: k, Meaning: contract.StageOpen})
	}
	// The cards of every column that holds deals, in one statement, so
	// that the board costs as many statements with eight columns as with
	// one (a round trip each on PostgreSQL): a page of each column
	// (sales_deals_column serves each in order). PostgreSQL takes the
	// columns as rows of a VALUES list with the page LATERAL to it, a
	// statement it plans once whatever the number of columns (a UNION ALL
	// of eight took it 3–5 ms to plan); SQLite, which has no LATERAL,
	// a UNION ALL of the pages.
	var cols []string
	var skips []int
	for _, st := range stages {
		if byStage[st.Key] == nil { // no deal there
			continue
		}
		offset := 0
		if f.Stage == st.Key {
			offset = f.Offset
		}
		cols, skips = append(cols, st.Key), append(skips, offset)
	}
	cards := map[string][]sales.Deal{}
	if len(cols) > 0 {
		q, args := boardCardsQuery(s.db.dialect.name() == "postgres", w, cols, skips, f.Limit)
		deals, err := scanAll(ctx, s.db, scanDeal, q, args...)
		if err != nil {
			return nil, err
		}
		for _, d := range deals {
			cards[d.Stage] = append(cards[d.Stage], d)
		}
	}
	for _, st := range stages {
		c := Column{Stage: st, Sums: []money.Money{}, Weighted: []money.Money{}, Deals: []sales.Deal{}}
		if a := byStage[st.Key]; a != nil {
			c.Count, c.Sums = a.count, a.sums
			for _, m := range a.sums {
				c.Weighted = append(c.Weighted, money.New(sales.Weighted([]sales.Weighed{{Amount: m.Amount, Probability: st.Probability}}), m.Currency))
			}
		}
		if ds := cards[st.Key]; len(ds) > 0 {
			// Neither statement promises an order across its pages:
			// each column's own again.
			slices.SortStableFunc(ds, func(x, y sales.Deal) int {
				if c := y.UpdatedAt.Compare(x.UpdatedAt); c != 0 {
					return c
				}
				return cmp.Compare(y.ID, x.ID)
			})
			c.Deals = ds
		}
		b.Columns = append(b.Columns, c)
	}
	if b.Agents, err = dealOwners(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	b.Claimed = map[int64]bool{}
	var won []any
	for _, c := range b.Columns {
		if c.Stage.Meaning == contract.StageWon {
			for _, d := range c.Deals {
				won = append(won, d.ID)
			}
		}
	}
	if len(won) > 0 {
		ids, err := scanAll(ctx, s.db, func(r scanner, id *int64) error { return r.Scan(id) },
			`SELECT subject_id FROM sales_claims WHERE workspace_id = ? AND kind = ? AND `+claimHolds("sales_claims")+`
			AND subject_id IN (`+placeholders(len(won))+`)`,
			append([]any{p.WorkspaceID, string(sales.ClaimDeal), string(sales.ClaimDisputed), sales.MaxAttempts}, won...)...)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			b.Claimed[id] = true
		}
	}
	return b, nil
}

// boardCardsQuery is the statement reading a page of cards (limit,
// skipping skips[i]) of each column cols[i] among the deals w selects
// (boardScope): a LATERAL page per row of a VALUES list on PostgreSQL,
// a UNION ALL of the pages on SQLite. The rows come column after
// column; each column's order is the caller's to restore.
func boardCardsQuery(lateral bool, w where, cols []string, skips []int, limit int) (string, []any) {
	order := fmt.Sprintf(" ORDER BY d.updated_at DESC, d.id DESC LIMIT %d", limit)
	if lateral {
		rows := make([]string, len(cols))
		var args []any
		for i := range cols {
			rows[i] = "(CAST(? AS TEXT), CAST(? AS BIGINT))"
			args = append(args, cols[i], skips[i])
		}
		cw := where{conds: append(append([]string(nil), w.conds...), "d.stage = s.stage"), args: w.args}
		return `SELECT c.* FROM (VALUES ` + strings.Join(rows, ", ") + `) AS s(stage, skip) CROSS JOIN LATERAL (SELECT ` +
			dealCols + dealFrom + cw.String() + order + ` OFFSET s.skip) c`, append(args, cw.args...)
	}
	parts := make([]string, len(cols))
	var args []any
	for i := range cols {
		cw := where{conds: append([]string(nil), w.conds...), args: append([]any(nil), w.args...)}
		cw.add("d.stage = ?", cols[i])
		parts[i] = fmt.Sprintf(`SELECT * FROM (SELECT `+dealCols+dealFrom+cw.String()+order+` OFFSET %d) c%d`, skips[i], i)
		args = append(args, cw.args...)
	}
	return strings.Join(parts, " UNION ALL "), args
}

// dealOwners are the agents of an engagement's partner assigned to it,
// who may own its deals; an agent sees only themselves there.
func dealOwners(ctx context.Context, q querier, p tandem.Principal, engagementID int64) ([]AssignAgent, error) {
	var w where
	w.add("m.workspace_id = ?", p.WorkspaceID)
	w.add("m.role = ?", string(tandem.RoleVendorAgent))
	w.add("ea.engagement_id = ?", engagementID)
	w.add("m.partner_id = (SELECT e.partner_id FROM engagements e WHERE e.id = ea.engagement_id)")
	if p.Role == tandem.RoleVendorAgent {
		w.add("m.id = ?", p.MembershipID)
	}
	return scanAll(ctx, q, func(s scanner, a *AssignAgent) error { return s.Scan(&a.ID, &a.Name) },
		`SELECT m.id, u.name FROM engagement_assignments ea JOIN memberships m ON m.id = ea.membership_id
		JOIN users u ON u.id = m.user_id`+w.String()+` ORDER BY u.name, m.id`, w.args...)
}

// DealFilter narrows a list of deals.
type DealFilter struct {
	EngagementID int64
	AccountID    int64
	OwnerID      int64
	Stage        string
}

// List lists the deals p may see, most recently changed first, at most
// sales.MaxDealPage a page, the total counted as every list's total is
// (listPage: in the same statement, no further than tandem.CountCap past
// the page).
func (s *DealStore) List(ctx context.Context, p tandem.Principal, pg tandem.Page, f DealFilter) (_ []sales.Deal, total int, err error) {
	defer wrap(&err, "DealStore.List")
	if err := access.Can(p, access.DealsRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	if pg.Limit > sales.MaxDealPage {
		pg.Limit = sales.MaxDealPage
	}
	if f.EngagementID != 0 {
		if _, err := loadEngagement(ctx, s.db, p, f.EngagementID); err != nil {
			return nil, 0, err
		}
	}
	var w where
	dealScope(&w, p)
	if f.EngagementID != 0 {
		w.add("d.engagement_id = ?", f.EngagementID)
	}
	if f.AccountID != 0 {
		w.add("d.account_id = ?", f.AccountID)
	}
	if f.OwnerID != 0 {
		w.add("d.owner_membership_id = ?", f.OwnerID)
	}
	if f.Stage != "" {
		w.add("d.stage = ?", f.Stage)
	}
	return listPage(ctx, s.db, scanDeal, dealCols, dealFrom+w.String(), " ORDER BY d.updated_at DESC, d.id DESC", pg, w.args...)
}

// DealPage is a deal with its stage history, oldest move first, and the
// terms its pipeline works by.
type DealPage struct {
	Deal  sales.Deal
	Moves []sales.Move
	*PipelineTerms
	Agents []AssignAgent
	// Claimed: a deal_won claim holds the deal (open, accepted, reversed,
	// or disputed on its last attempt), so it cannot be claimed again.
	Claimed bool
}

// Get returns a deal p may see with its history, or tandem.ErrNotFound.
func (s *DealStore) Get(ctx context.Context, p tandem.Principal, id int64) (_ *DealPage, err error) {
	defer wrap(&err, "DealStore.Get(%d)", id)
	if err := access.Can(p, access.DealsRead); err != nil {
		return nil, err
	}
	d, err := loadDeal(ctx, s.db, p, id)
	if err != nil {
		return nil, err
	}
	pt, err := pipelineTerms(ctx, s.db, p, d.EngagementID, s.db.Now())
	if err != nil {
		return nil, err
	}
	moves, err := scanAll(ctx, s.db, func(sc scanner, m *sales.Move) error {
		err := sc.Scan(&m.ID, &m.DealID, &m.From, &m.To, &m.At, &m.UserID, &m.UserName, &m.LostReason)
		m.At = m.At.UTC()
		return err
	}, `SELECT m.id, m.deal_id, m.from_stage, m.to_stage, m.at, COALESCE(m.user_id, 0), COALESCE(u.name, ''), m.lost_reason
		FROM sales_deal_moves m LEFT JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? AND m.deal_id = ? ORDER BY m.at, m.id`,
		p.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	agents, err := dealOwners(ctx, s.db, p, d.EngagementID)
	if err != nil {
		return nil, err
	}
	var holding int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM sales_claims WHERE workspace_id = ? AND kind = ? AND subject_id = ?
		AND `+claimHolds("sales_claims"), p.WorkspaceID, string(sales.ClaimDeal), id, string(sales.ClaimDisputed),
		sales.MaxAttempts).Scan(&holding); err != nil {
		return nil, err
	}
	return &DealPage{Deal: *d, Moves: moves, PipelineTerms: pt, Agents: agents, Claimed: holding > 0}, nil
}

// checkDealOwner validates d's owner for p on e (sales.CheckDealOwner).
func checkDealOwner(ctx context.Context, tx *Tx, p tandem.Principal, e *engagement.Engagement, ownerID int64) error {
	var role tandem.Role
	var partnerID int64
	var assigned int
	if ownerID != 0 {
		err := tx.queryRow(ctx, `SELECT m.role, COALESCE(m.partner_id, 0),
			(SELECT COUNT(*) FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?)
			FROM memberships m WHERE m.id = ? AND m.workspace_id = ?`, e.ID, ownerID, p.WorkspaceID).Scan(&role, &partnerID, &assigned)
		if err != nil && notFound(err) != tandem.ErrNotFound {
			return err
		}
	}
	return sales.CheckDealOwner(p, e, ownerID, role, partnerID, assigned > 0)
}

// Create adds a deal on an account p may see, assigned to the deal's
// engagement: in the first open stage unless d.Stage says otherwise, in the
// engagement's currency, owned by d.OwnerID or sales.DefaultOwner. The
// creation is the first row of its history and an audit entry. Errors:
// EInvalid (fields, an account of another engagement), ENotFound (an
// engagement or account p may not see), EForbidden.
func (s *DealStore) Create(ctx context.Context, p tandem.Principal, d *sales.Deal) (err error) {
	defer wrap(&err, "DealStore.Create")
	if err := access.Can(p, access.DealsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		pt, err := pipelineTerms(ctx, tx, p, d.EngagementID, tx.now)
		if err != nil {
			return err
		}
		var aw where
		salesAccountScope(&aw, p)
		aw.add("a.id = ?", d.AccountID)
		var acc sales.Account
		if err := scanSalesAccount(tx.queryRow(ctx, `SELECT `+salesAccountCols+salesAccountFrom+aw.String(), aw.args...), &acc); err != nil {
			if notFound(err) == tandem.ErrNotFound {
				return invalid("account_id", "validation.one_of")
			}
			return err
		}
		if err := sales.CheckDealPlace(pt.Engagement, &acc); err != nil {
			return err
		}
		if d.OwnerID == 0 {
			d.OwnerID = sales.DefaultOwner(p, &acc)
		}
		d.Amount.Currency = pt.Currency
		if err := d.PrepareNew(pt.Sales, tx.now); err != nil {
			return err
		}
		if err := checkDealOwner(ctx, tx, p, pt.Engagement, d.OwnerID); err != nil {
			return err
		}
		d.WorkspaceID, d.AccountName, d.CreatedAt, d.UpdatedAt = p.WorkspaceID, acc.Name, tx.now, tx.now
		id, err := tx.insert(ctx, `INSERT INTO sales_deals (workspace_id, engagement_id, account_id, title, amount, currency, close_on,
			stage, owner_membership_id, lost_reason, next_step, next_step_on, created_by, created_at, updated_at, closed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.WorkspaceID, d.EngagementID, d.AccountID, d.Title, d.Amount.Amount, d.Amount.Currency, dateArg(d.CloseOn), d.Stage,
			nullID(d.OwnerID), d.LostReason, d.NextStep, dateArg(d.NextStepOn), nullID(p.UserID), d.CreatedAt, d.UpdatedAt, nullTimeArg(d.ClosedAt))
		if err != nil {
			return err
		}
		d.ID = id
		if err := insertDealMove(ctx, tx, p, sales.Move{DealID: id, To: d.Stage, At: tx.now, LostReason: d.LostReason}); err != nil {
			return err
		}
		// The creation is the first move of the history: a deal created
		// lost records its loss like a move into a lost stage.
		to, _ := pt.Sales.Stage(d.Stage)
		if err := afterDealMoved(ctx, tx, p, d, contract.Stage{}, to); err != nil {
			return err
		}
		return tx.record(ctx, p, "sales.deal_created", "sales_deal", id, map[string]any{"title": d.Title, "account_id": d.AccountID,
			"engagement_id": d.EngagementID, "stage": d.Stage, "amount": d.Amount.Amount, "currency": d.Amount.Currency})
	})
}

func insertDealMove(ctx context.Context, tx *Tx, p tandem.Principal, m sales.Move) error {
	_, err := tx.exec(ctx, `INSERT INTO sales_deal_moves (workspace_id, deal_id, from_stage, to_stage, at, user_id, lost_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, m.DealID, m.From, m.To, m.At, nullID(p.UserID), m.LostReason)
	return err
}

// Update saves the editable fields of a deal p may see (title, amount,
// expected close, owner, next step; the stage changes only by Move).
// Errors: EInvalid, ENotFound, EForbidden.
func (s *DealStore) Update(ctx context.Context, p tandem.Principal, in *sales.Deal) (err error) {
	defer wrap(&err, "DealStore.Update(%d)", in.ID)
	if err := access.Can(p, access.DealsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		d, err := loadDeal(ctx, tx, p, in.ID)
		if err != nil {
			return err
		}
		pt, err := pipelineTerms(ctx, tx, p, d.EngagementID, tx.now)
		if err != nil {
			return err
		}
		if err := d.Update(pt.Sales, *in); err != nil {
			return err
		}
		if err := checkDealOwner(ctx, tx, p, pt.Engagement, d.OwnerID); err != nil {
			return err
		}
		d.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `UPDATE sales_deals SET title = ?, amount = ?, close_on = ?, owner_membership_id = ?, next_step = ?,
			next_step_on = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`, d.Title, d.Amount.Amount, dateArg(d.CloseOn),
			nullID(d.OwnerID), d.NextStep, dateArg(d.NextStepOn), d.UpdatedAt, d.ID, p.WorkspaceID); err != nil {
			return err
		}
		*in = *d
		return tx.record(ctx, p, "sales.deal_updated", "sales_deal", d.ID, map[string]any{"title": d.Title, "amount": d.Amount.Amount,
			"owner_id": d.OwnerID, "next_step_on": d.NextStepOn.String()})
	})
}

// Move moves a deal p may see into stage to of the terms in force; a lost
// stage needs reason, one of the terms' list (sales.Deal.MoveTo). The
// deal's row, its history row, the audit entry and afterDealMoved happen
// in one transaction; a deal moved meanwhile by someone else is moved from
// where it is now. Errors: EInvalid (stage, lost_reason: nothing changes),
// ENotFound, EForbidden.
func (s *DealStore) Move(ctx context.Context, p tandem.Principal, id int64, to, reason string) (_ *sales.Deal, err error) {
	defer wrap(&err, "DealStore.Move(%d)", id)
	if err := access.Can(p, access.DealsWrite); err != nil {
		return nil, err
	}
	var out *sales.Deal
	err = s.db.transact(ctx, func(tx *Tx) error {
		d, err := loadDeal(ctx, tx, p, id)
		if err != nil {
			return err
		}
		pt, err := pipelineTerms(ctx, tx, p, d.EngagementID, tx.now)
		if err != nil {
			return err
		}
		fromStage, _ := pt.Sales.Stage(d.Stage)
		fromKey := d.Stage
		m, err := d.MoveTo(pt.Sales, to, reason, tx.now)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE sales_deals SET stage = ?, lost_reason = ?, closed_at = ?, updated_at = ?
			WHERE id = ? AND workspace_id = ? AND stage = ?`, d.Stage, d.LostReason, nullTimeArg(d.ClosedAt), d.UpdatedAt,
			d.ID, p.WorkspaceID, fromKey)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tandem.Errorf(tandem.EConflict, "deals.moved_meanwhile")
		}
		if err := insertDealMove(ctx, tx, p, m); err != nil {
			return err
		}
		if err := tx.record(ctx, p, "sales.deal_moved", "sales_deal", d.ID, map[string]any{"from": m.From, "to": m.To,
			"lost_reason": m.LostReason, "engagement_id": d.EngagementID}); err != nil {
			return err
		}
		toStage, _ := pt.Sales.Stage(d.Stage)
		if err := afterDealMoved(ctx, tx, p, d, fromStage, toStage); err != nil {
			return err
		}
		out = d
		return nil
	})
	return out, err
}

// afterDealMoved is called inside the transaction of every move of a deal,
// after its row, history and audit entry are written: what else a move
// sets off goes here, in the same transaction. A deal whose deal_won claim
// stands accepted may not leave its won stages (sales.CheckLeaveWon: the
// client reverses the claim first); a move into a lost stage records the
// lost fact the win rate reads (sales.LostOnMove).
func afterDealMoved(ctx context.Context, tx *Tx, p tandem.Principal, deal *sales.Deal, from, to contract.Stage) error {
	var accepted int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sales_claims WHERE workspace_id = ? AND kind = ? AND subject_id = ? AND status = ?`,
		p.WorkspaceID, string(sales.ClaimDeal), deal.ID, string(sales.ClaimAccepted)).Scan(&accepted); err != nil {
		return err
	}
	if err := sales.CheckLeaveWon(from, to, accepted > 0); err != nil {
		return err
	}
	loc, err := workspaceLocation(ctx, tx, p.WorkspaceID)
	if err != nil {
		return err
	}
	// Was the deal in a lost stage before this move (whose row is written)?
	// A move into a lost stage is the one that carries a lost reason
	// (sales.Deal.MoveTo keeps a reason only there).
	var losses int
	if to.Meaning == contract.StageLost {
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sales_deal_moves WHERE workspace_id = ? AND deal_id = ? AND lost_reason <> ''`,
			p.WorkspaceID, deal.ID).Scan(&losses); err != nil {
			return err
		}
	}
	f, ok := sales.LostOnMove(deal, from, to, losses > 1, loc)
	if !ok {
		return nil
	}
	_, err = recordFact(ctx, tx, p, Fact{EngagementID: deal.EngagementID, SubjectID: deal.ID, At: tx.now, Value: f.Value,
		Flag: f.Flag, AmountMinor: f.AmountMinor, Currency: f.Currency, Data: f.Data})
	return err
}

// FunnelFilter chooses the funnel's cohort: the deals created in Month (a
// "2006-01" month in the workspace's calendar; empty for every deal) and
// owned by OwnerID (0 for every owner).
type FunnelFilter struct {
	Month   string
	OwnerID int64
}

// Funnel is the funnel of an engagement for one cohort.
type Funnel struct {
	*PipelineTerms
	Steps  []sales.FunnelStep
	Deals  int // in the cohort
	Agents []AssignAgent
	Months []string // the months with deals, newest first ("2006-01")
}

// Funnel counts, for the deals p sees of an engagement in the cohort f,
// how many reached each step of the funnel (sales.Funnel), from the stage
// history. Errors: EInvalid (a malformed month), ENotFound, EForbidden.
func (s *DealStore) Funnel(ctx context.Context, p tandem.Principal, engagementID int64, f FunnelFilter) (_ *Funnel, err error) {
	defer wrap(&err, "DealStore.Funnel(%d)", engagementID)
	if err := access.Can(p, access.DealsRead); err != nil {
		return nil, err
	}
	pt, err := pipelineTerms(ctx, s.db, p, engagementID, s.db.Now())
	if err != nil {
		return nil, err
	}
	loc, err := workspaceLocation(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var w where
	dealScope(&w, p)
	w.add("d.engagement_id = ?", engagementID)
	if f.OwnerID != 0 {
		w.add("d.owner_membership_id = ?", f.OwnerID)
	}
	// Months with deals, for the chooser: read from the creation times in
	// the workspace's calendar.
	created, err := scanAll(ctx, s.db, func(sc scanner, t *time.Time) error { return sc.Scan(t) },
		`SELECT d.created_at FROM sales_deals d JOIN sales_accounts a ON a.id = d.account_id`+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	out := &Funnel{PipelineTerms: pt, Months: []string{}}
	seen := map[string]bool{}
	for _, t := range created {
		m := t.In(loc).Format("2006-01")
		if !seen[m] {
			seen[m] = true
			out.Months = append(out.Months, m)
		}
	}
	slices.Sort(out.Months)
	slices.Reverse(out.Months)
	if f.Month != "" {
		start, err := time.ParseInLocation("2006-01", f.Month, loc)
		if err != nil {
			return nil, invalid("month", "validation.one_of")
		}
		w.add("d.created_at >= ?", start.UTC())
		w.add("d.created_at < ?", start.AddDate(0, 1, 0).UTC())
	}
	type pair struct {
		deal  int64
		stage string
	}
	pairs, err := scanAll(ctx, s.db, func(sc scanner, x *pair) error { return sc.Scan(&x.deal, &x.stage) },
		`SELECT DISTINCT m.deal_id, m.to_stage FROM sales_deal_moves m JOIN sales_deals d ON d.id = m.deal_id
		JOIN sales_accounts a ON a.id = d.account_id`+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	reached := map[int64][]string{}
	for _, x := range pairs {
		reached[x.deal] = append(reached[x.deal], x.stage)
	}
	out.Deals = len(reached)
	out.Steps = sales.Funnel(pt.Sales, reached)
	if out.Agents, err = dealOwners(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	return out, nil
}

// Owners lists who may own the deals of an engagement p may see: the
// partner's agents on it (for an agent, only themselves).
func (s *DealStore) Owners(ctx context.Context, p tandem.Principal, engagementID int64) (_ []AssignAgent, err error) {
	defer wrap(&err, "DealStore.Owners(%d)", engagementID)
	if err := access.Can(p, access.DealsRead); err != nil {
		return nil, err
	}
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	return dealOwners(ctx, s.db, p, engagementID)
}

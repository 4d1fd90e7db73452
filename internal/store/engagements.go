package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// EngagementStore keeps engagements and which partner agents serve them.
type EngagementStore struct{ db *DB }

const engagementCols = `e.id, e.workspace_id, e.partner_id, pa.legal_name, e.title, e.kind, e.status,
	e.starts_on, e.ends_on, e.description, e.created_at, e.updated_at`

const engagementFrom = ` FROM engagements e JOIN partners pa ON pa.id = e.partner_id AND pa.workspace_id = e.workspace_id`

func scanEngagement(s interface{ Scan(...any) error }, x *engagement.Engagement) error {
	return s.Scan(&x.ID, &x.WorkspaceID, &x.PartnerID, &x.PartnerName, &x.Title, &x.Kind, &x.Status,
		dateScan{&x.StartsOn}, dateScan{&x.EndsOn}, &x.Description, &x.CreatedAt, &x.UpdatedAt)
}

var engagementSorts = map[string]string{"title": "e.title", "partner": "pa.legal_name", "kind": "e.kind",
	"status": "e.status", "starts": "e.starts_on", "created": "e.created_at"}

// EngagementFilter narrows a list of engagements.
type EngagementFilter struct {
	PartnerID int64
	Status    string
	Kind      string
}

// List returns one page of the engagements p may see, and how many there
// are. Any member may call it.
func (s *EngagementStore) List(ctx context.Context, p tandem.Principal, pg tandem.Page, f EngagementFilter) (_ []engagement.Engagement, total int, err error) {
	defer wrap(&err, "EngagementStore.List")
	if err := access.Can(p, access.EngagementsRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	var w where
	engagementScope(&w, p)
	if pg.Q != "" {
		pat := likePattern(pg.Q)
		w.add(`(e.search_text LIKE ? ESCAPE '\' OR pa.search_text LIKE ? ESCAPE '\')`, pat, pat)
	}
	if f.PartnerID != 0 {
		w.add("e.partner_id = ?", f.PartnerID)
	}
	if f.Status != "" {
		w.add("e.status = ?", f.Status)
	}
	if f.Kind != "" {
		w.add("e.kind = ?", f.Kind)
	}
	return listPage(ctx, s.db, scanEngagement, engagementCols, engagementFrom+w.String(),
		orderBy(pg.Sort, engagementSorts, "title", "e.id"), pg, w.args...)
}

// Get returns one engagement p may see, or tandem.ErrNotFound.
func (s *EngagementStore) Get(ctx context.Context, p tandem.Principal, id int64) (_ *engagement.Engagement, err error) {
	defer wrap(&err, "EngagementStore.Get(%d)", id)
	return loadEngagement(ctx, s.db, p, id)
}

// loadEngagement is the one way store code reads an engagement: through q
// (s.db for a read, the *Tx inside a write), scoped to what p may see, or
// tandem.ErrNotFound. Public store methods call it instead of
// EngagementStore.Get, so that a write reads and changes in one
// transaction.
func loadEngagement(ctx context.Context, q querier, p tandem.Principal, id int64) (*engagement.Engagement, error) {
	if err := access.Can(p, access.EngagementsRead); err != nil {
		return nil, err
	}
	return engagementIn(ctx, q, p, id)
}

// Create validates and stores a new engagement (engagement.PrepareNew) with
// version 1 of its terms from the template for its kind. Owners and managers
// may call it; errors: EInvalid (also for a partner outside the workspace),
// EForbidden.
func (s *EngagementStore) Create(ctx context.Context, p tandem.Principal, x *engagement.Engagement) (err error) {
	defer wrap(&err, "EngagementStore.Create")
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	if err := x.PrepareNew(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error { return createEngagement(ctx, tx, p, x) })
}

// createEngagement stores x, already prepared (PrepareNew), in tx.
func createEngagement(ctx context.Context, tx *Tx, p tandem.Principal, x *engagement.Engagement) error {
	if err := checkPartner(ctx, tx, p, x.PartnerID); err != nil {
		return err
	}
	x.WorkspaceID, x.CreatedAt, x.UpdatedAt = p.WorkspaceID, tx.now, tx.now
	id, err := tx.insert(ctx, `INSERT INTO engagements (workspace_id, partner_id, title, kind, status,
		starts_on, ends_on, description, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.WorkspaceID, x.PartnerID, x.Title, x.Kind, x.Status, dateArg(x.StartsOn), dateArg(x.EndsOn),
		x.Description, x.SearchText(), x.CreatedAt, x.UpdatedAt)
	if err != nil {
		return err
	}
	x.ID = id
	// Version 1 of the terms starts from the template for the kind, its
	// texts in the creator's language (the workspace's for the system).
	ws, err := loadWorkspace(ctx, tx, p.WorkspaceID)
	if err != nil {
		return err
	}
	lang, ok := i18n.Parse(p.Lang)
	if !ok {
		lang = ws.Lang
	}
	if err := createFirstVersion(ctx, tx, p, x, contract.TemplateIn(string(x.Kind), ws.Currency, ws.TimeZone, lang)); err != nil {
		return err
	}
	return tx.record(ctx, p, "engagement.created", "engagement", id, x.AuditFields())
}

// Update validates and stores changes to an engagement
// (engagement.PrepareUpdate). Owners and managers may call it; errors:
// EInvalid, ENotFound, EForbidden.
func (s *EngagementStore) Update(ctx context.Context, p tandem.Principal, x *engagement.Engagement) (err error) {
	defer wrap(&err, "EngagementStore.Update(%d)", x.ID)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error { return updateEngagement(ctx, tx, p, x) })
}

// updateEngagement reads the engagement x.ID in tx, decides the edit
// (PrepareUpdate) and stores it.
func updateEngagement(ctx context.Context, tx *Tx, p tandem.Principal, x *engagement.Engagement) error {
	before, err := loadEngagement(ctx, tx, p, x.ID)
	if err != nil {
		return err
	}
	if err := x.PrepareUpdate(before); err != nil {
		return err
	}
	if err := checkPartner(ctx, tx, p, x.PartnerID); err != nil {
		return err
	}
	x.WorkspaceID, x.CreatedAt, x.UpdatedAt = p.WorkspaceID, before.CreatedAt, tx.now
	if x.MovesTermsStart(before) {
		if _, err := tx.exec(ctx, `UPDATE contract_versions SET effective_from = ? WHERE workspace_id = ? AND engagement_id = ? AND number = 1`,
			x.StartsOn.String(), p.WorkspaceID, x.ID); err != nil {
			return err
		}
	}
	if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE engagements SET partner_id = ?, title = ?, kind = ?, status = ?,
		starts_on = ?, ends_on = ?, description = ?, search_text = ?, updated_at = ?
		WHERE workspace_id = ? AND id = ?`,
		x.PartnerID, x.Title, x.Kind, x.Status, dateArg(x.StartsOn), dateArg(x.EndsOn), x.Description,
		x.SearchText(), x.UpdatedAt, p.WorkspaceID, x.ID); err != nil {
		return err
	}
	return tx.recordChanges(ctx, p, "engagement.updated", "engagement", x.ID, before.AuditFields(), x.AuditFields())
}

// checkPartner makes sure partnerID is a partner of p's workspace.
func checkPartner(ctx context.Context, tx *Tx, p tandem.Principal, partnerID int64) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM partners WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, partnerID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		var v tandem.Validator
		v.Add("partner_id", i18n.K("validation.unknown_partner"))
		return v.Err()
	}
	return nil
}

// Assign lets a vendor agent's membership serve an engagement of its partner.
// Owners and managers may call it; errors: EInvalid, ENotFound, EForbidden.
func (s *EngagementStore) Assign(ctx context.Context, p tandem.Principal, engagementID, membershipID int64) (err error) {
	defer wrap(&err, "EngagementStore.Assign(%d, %d)", engagementID, membershipID)
	if err := access.Can(p, access.MembersManage); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		return assign(ctx, tx, p, engagementID, membershipID)
	})
}

func assign(ctx context.Context, tx *Tx, p tandem.Principal, engagementID, membershipID int64) error {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM engagements e JOIN memberships m ON m.workspace_id = e.workspace_id
		WHERE e.workspace_id = ? AND e.id = ? AND m.id = ? AND m.partner_id = e.partner_id`,
		p.WorkspaceID, engagementID, membershipID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		var v tandem.Validator
		v.Add("engagement_ids", i18n.K("validation.assignment_partner"))
		return v.Err()
	}
	// A partner's person without an NDA on file gets no access.
	if ok, err := hasNDA(ctx, tx, membershipID); err != nil {
		return err
	} else if !ok {
		return invalid("engagement_ids", "contract.nda_required")
	}
	if _, err := tx.exec(ctx, `INSERT INTO engagement_assignments (workspace_id, engagement_id, membership_id)
		VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, p.WorkspaceID, engagementID, membershipID); err != nil {
		return err
	}
	return tx.record(ctx, p, "engagement.assigned", "engagement", engagementID, map[string]any{"membership_id": membershipID})
}

// Options returns id and title of every engagement p may see, for pickers.
func (s *EngagementStore) Options(ctx context.Context, p tandem.Principal) (_ []Option, err error) {
	defer wrap(&err, "EngagementStore.Options")
	var w where
	engagementScope(&w, p)
	return scanAll(ctx, s.db, scanOption, `SELECT e.id, e.title`+engagementFrom+w.String()+` ORDER BY e.title`, w.args...)
}

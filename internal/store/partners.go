package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/tandem"
)

// PartnerStore keeps partners.
type PartnerStore struct{ db *DB }

const partnerCols = `pa.id, pa.workspace_id, pa.legal_name, pa.reg_number, pa.country, pa.website,
	pa.contact_name, pa.contact_email, pa.contact_phone, pa.vat_bp, pa.status, pa.created_at, pa.updated_at`

func scanPartner(s interface{ Scan(...any) error }, x *partner.Partner) error {
	return s.Scan(&x.ID, &x.WorkspaceID, &x.LegalName, &x.RegNumber, &x.Country, &x.Website,
		&x.ContactName, &x.ContactEmail, &x.ContactPhone, &x.VATBP, &x.Status, &x.CreatedAt, &x.UpdatedAt)
}

var partnerSorts = map[string]string{"name": "pa.legal_name", "status": "pa.status", "country": "pa.country", "created": "pa.created_at"}

// List returns one page of the partners p may see, and how many there are.
// Any member may call it; vendor roles see only their own partner.
func (s *PartnerStore) List(ctx context.Context, p tandem.Principal, pg tandem.Page, status string) (_ []partner.Partner, total int, err error) {
	defer wrap(&err, "PartnerStore.List")
	if err := access.Can(p, access.PartnersRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	from, order, args := partnerList(p, pg, status)
	return listPage(ctx, s.db, scanPartner, partnerCols, from, order, pg, args...)
}

// partnerList is the FROM … WHERE, the ORDER BY and the arguments of
// List's statement. Narrowed by status, the page and its count read the
// index partners_status (…, status, legal_name, id): in name order, the
// count from the index alone (migration 0043).
func partnerList(p tandem.Principal, pg tandem.Page, status string) (from, order string, args []any) {
	var w where
	partnerScope(&w, p)
	if pg.Q != "" {
		w.add(`pa.search_text LIKE ? ESCAPE '\'`, likePattern(pg.Q))
	}
	if status != "" {
		w.add("pa.status = ?", status)
	}
	return ` FROM partners pa` + w.String(), orderBy(pg.Sort, partnerSorts, "name", "pa.id"), w.args
}

// Get returns one partner p may see, or tandem.ErrNotFound — the same for a
// partner that does not exist and one p may not see.
func (s *PartnerStore) Get(ctx context.Context, p tandem.Principal, id int64) (_ *partner.Partner, err error) {
	defer wrap(&err, "PartnerStore.Get(%d)", id)
	return loadPartner(ctx, s.db, p, id)
}

// loadPartner reads a partner p may see through q (the read pool or a
// transaction), or tandem.ErrNotFound.
func loadPartner(ctx context.Context, q querier, p tandem.Principal, id int64) (*partner.Partner, error) {
	if err := access.Can(p, access.PartnersRead); err != nil {
		return nil, err
	}
	var w where
	partnerScope(&w, p)
	w.add("pa.id = ?", id)
	return scanOne(ctx, q, scanPartner, `SELECT `+partnerCols+` FROM partners pa`+w.String(), w.args...)
}

// partnerRows are the partners a batch's creations keep (keptrows.go).
// Rows of many tables refer to a partner: every statement needs them
// written.
var partnerRows = newKeptTable("partners", `workspace_id, legal_name, reg_number, country, website,
	contact_name, contact_email, contact_phone, vat_bp, status, search_text, created_at, updated_at`)

// Create validates and stores a new partner in p's workspace. Owners and
// managers may call it; errors: EInvalid, EForbidden.
func (s *PartnerStore) Create(ctx context.Context, p tandem.Principal, x *partner.Partner) (err error) {
	defer wrap(&err, "PartnerStore.Create")
	if err := access.Can(p, access.PartnersWrite); err != nil {
		return err
	}
	x.Normalize()
	if err := x.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		x.WorkspaceID, x.CreatedAt, x.UpdatedAt = p.WorkspaceID, tx.now, tx.now
		id, err := tx.insertKept(ctx, partnerRows,
			x.WorkspaceID, x.LegalName, x.RegNumber, x.Country, x.Website, x.ContactName, x.ContactEmail,
			x.ContactPhone, x.VATBP, x.Status, x.SearchText(), x.CreatedAt, x.UpdatedAt)
		if err != nil {
			return err
		}
		x.ID = id
		return tx.record(ctx, p, "partner.created", "partner", id, x.AuditFields())
	})
}

// Update validates and stores changes to a partner. Owners and managers may
// call it; errors: EInvalid, ENotFound, EForbidden.
func (s *PartnerStore) Update(ctx context.Context, p tandem.Principal, x *partner.Partner) (err error) {
	defer wrap(&err, "PartnerStore.Update(%d)", x.ID)
	if err := access.Can(p, access.PartnersWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		before, err := loadPartner(ctx, tx, p, x.ID)
		if err != nil {
			return err
		}
		x.Normalize()
		if err := x.Validate(); err != nil {
			return err
		}
		x.WorkspaceID, x.CreatedAt, x.UpdatedAt = p.WorkspaceID, before.CreatedAt, tx.now
		if err := tx.execOne(ctx, tandem.ErrNotFound, `UPDATE partners SET legal_name = ?, reg_number = ?, country = ?, website = ?,
			contact_name = ?, contact_email = ?, contact_phone = ?, vat_bp = ?, status = ?, search_text = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ?`,
			x.LegalName, x.RegNumber, x.Country, x.Website, x.ContactName, x.ContactEmail, x.ContactPhone,
			x.VATBP, x.Status, x.SearchText(), x.UpdatedAt, p.WorkspaceID, x.ID); err != nil {
			return err
		}
		return tx.recordChanges(ctx, p, "partner.updated", "partner", x.ID, before.AuditFields(), x.AuditFields())
	})
}

// Options returns, for a picker, the partners p may see whose name or
// details match q (all when q is empty), in name order: at most limit of
// them, and more reports that further partners match. The partners of keep
// (the ones already chosen) come with them whether they match or not, so a
// search never drops a choice. One statement, whatever the number of
// partners: a workspace of 100,000 partners gets a search, not a list.
func (s *PartnerStore) Options(ctx context.Context, p tandem.Principal, q string, limit int, keep ...int64) (_ []Option, more bool, err error) {
	defer wrap(&err, "PartnerStore.Options")
	var w where
	partnerScope(&w, p)
	// The partners found, in name order through the index partners_workspace
	// (workspace_id, legal_name): the scan stops after limit+1 of them. A
	// sort key ahead of the name (the kept ones first) made SQLite read and
	// sort every partner of the workspace (issue 16). The kept ones are
	// read apart, by id, in the same statement.
	matches := `SELECT pa.id, pa.legal_name, 0 AS k FROM partners pa` + w.String()
	args := slices.Clone(w.args)
	if q = strings.TrimSpace(q); q != "" {
		matches += ` AND pa.search_text LIKE ? ESCAPE '\'`
		args = append(args, likePattern(q))
	}
	if len(keep) > 0 {
		matches += " AND pa.id NOT IN (" + placeholders(len(keep)) + ")"
		args = append(args, anyArgs(keep...)...)
	}
	query := `SELECT id, legal_name, k FROM (` + matches + fmt.Sprintf(` ORDER BY pa.legal_name, pa.id LIMIT %d) found`, limit+1)
	if len(keep) > 0 {
		query = `SELECT pa.id, pa.legal_name, 1 FROM partners pa` + w.String() + " AND pa.id IN (" + placeholders(len(keep)) + ")" +
			` UNION ALL ` + query
		args = append(append(slices.Clone(w.args), anyArgs(keep...)...), args...)
	}
	type row struct {
		Option
		kept bool
	}
	rows, err := scanAll(ctx, s.db, func(sc scanner, r *row) error { return sc.Scan(&r.ID, &r.Label, &r.kept) }, query, args...)
	if err != nil {
		return nil, false, err
	}
	out := make([]Option, 0, len(rows))
	found := 0
	for _, r := range rows {
		if !r.kept {
			if found++; found > limit {
				more = true
				continue
			}
		}
		out = append(out, r.Option)
	}
	slices.SortStableFunc(out, func(a, b Option) int { return strings.Compare(a.Label, b.Label) })
	return out, more, nil
}

// Option is an id with a label, for select boxes.
type Option struct {
	ID    int64
	Label string
}

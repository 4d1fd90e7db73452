package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/tandemhq/tandem/internal/metric"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ContractStore keeps engagements' terms: versions, amendments, the
// acknowledged warnings of the contract check, and the NDA register.
type ContractStore struct{ db *DB }

func marshalTerms(t contract.Terms) (string, error) {
	b, err := json.Marshal(t)
	return string(b), err
}

func unmarshalTerms(s string, t *contract.Terms) error {
	if err := json.Unmarshal([]byte(s), t); err != nil {
		return fmt.Errorf("store: stored terms: %w", err)
	}
	return nil
}

// createFirstVersion writes version 1 of a new engagement's terms.
func createFirstVersion(ctx context.Context, tx *Tx, p tandem.Principal, e *engagement.Engagement, t contract.Terms) error {
	js, err := marshalTerms(t)
	if err != nil {
		return err
	}
	_, err = tx.insert(ctx, `INSERT INTO contract_versions (workspace_id, engagement_id, number, effective_from, terms, terms_hash, created_at)
		VALUES (?, ?, 1, ?, ?, ?, ?)`, p.WorkspaceID, e.ID, e.StartsOn.String(), js, termsHash(js), tx.now)
	return err
}

const versionCols = `v.id, v.workspace_id, v.engagement_id, v.number, v.effective_from, COALESCE(v.amendment_id, 0), v.terms, v.created_at`

func scanVersion(s interface{ Scan(...any) error }, v *contract.Version) error {
	var js string
	if err := scanVersionText(s, v, &js); err != nil {
		return err
	}
	return unmarshalTerms(js, &v.Terms)
}

// scanVersionText scans the columns versionCols into v, its terms as their
// stored text into js, undecoded.
func scanVersionText(s interface{ Scan(...any) error }, v *contract.Version, js *string) error {
	var eff tandem.Date
	if err := s.Scan(&v.ID, &v.WorkspaceID, &v.EngagementID, &v.Number, dateScan{&eff}, &v.AmendmentID, js, &v.CreatedAt); err != nil {
		return err
	}
	v.EffectiveFrom = eff.String()
	return nil
}

// InForce returns the version of an engagement's terms in force on date
// ("2006-01-02"): the one with the latest effective date on or before it,
// the highest number breaking ties. Before the first version's date it is
// version 1. Any member who may see the engagement may call it.
func (s *ContractStore) InForce(ctx context.Context, p tandem.Principal, engagementID int64, date tandem.Date) (_ *contract.Version, err error) {
	defer wrap(&err, "ContractStore.InForce(%d, %s)", engagementID, date)
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	return termsInForce(ctx, s.db, p, engagementID, date)
}

// termsInForce reads the version in force on date (see InForce) through q,
// for an engagement the caller has already loaded for p.
//
// With a read cache (a page), every version is read once a request and the
// one in force is chosen from them (versionInForce).
func termsInForce(ctx context.Context, q querier, p tandem.Principal, engagementID int64, date tandem.Date) (*contract.Version, error) {
	if c := cacheOf(ctx, q); c != nil {
		k := engagementKey{p, engagementID}
		vs, ok, err := c.termsVersions(k)
		if err != nil {
			return nil, err
		}
		if !ok {
			if vs, err = readVersions(ctx, q, p, engagementID); err != nil {
				return nil, err
			}
			c.putTermsVersions(k, vs)
		}
		return versionInForce(vs, date)
	}
	return scanOne(ctx, q, scanVersion, `SELECT `+versionCols+versionInForceFrom, p.WorkspaceID, engagementID, date.String())
}

// versionInForceFrom picks the version in force on a date (the
// parameters: workspace, engagement, date): of those effective on or
// before it, and version 1, the latest effective, the highest number
// breaking ties (versionInForce chooses the same from a list).
const versionInForceFrom = ` FROM contract_versions v
		WHERE v.workspace_id = ? AND v.engagement_id = ? AND (v.effective_from <= ? OR v.number = 1)
		ORDER BY v.effective_from DESC, v.number DESC LIMIT 1`

// metricDefIn is a copy of the definition of metric key in shared terms
// (decodedTerms: the stored terms are decoded once per text, where
// entering a value decoded the engagement's whole terms twice, 60 % of the
// writer's time for a value), nil when they define none.
func metricDefIn(t *contract.Terms, key string) *contract.MetricDef {
	shared := t.MetricDef(key)
	if shared == nil {
		return nil
	}
	def := *shared
	if shared.Min != nil {
		def.Min = new(*shared.Min)
	}
	if shared.Max != nil {
		def.Max = new(*shared.Max)
	}
	return &def
}

// decodedTerms are stored terms decoded, by the SHA-256 of their text:
// a text decodes to the same terms whichever version holds it and
// whenever, so a version changed (a draft saved) is a new text and never
// finds another's terms. What it holds is shared: only read it.
var decodedTerms = termsCache{m: map[[sha256.Size]byte]*contract.Terms{}}

type termsCache struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]*contract.Terms
}

// termsCacheMax is the most texts kept; a full cache starts over.
const termsCacheMax = 256

// termsHash is the hash of a version's stored terms, as the column
// contract_versions.terms_hash keeps it (migration 0049): the SHA-256 of
// the text, in lower-case hex.
func termsHash(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}

// known returns the terms decoded under a stored terms_hash, if kept.
func (c *termsCache) known(hash string) (*contract.Terms, bool) {
	var h [sha256.Size]byte
	if n, err := hex.Decode(h[:], []byte(hash)); err != nil || n != len(h) {
		return nil, false
	}
	return c.at(h)
}

// at returns the terms kept under the hash h.
func (c *termsCache) at(h [sha256.Size]byte) (*contract.Terms, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[h]
	return t, ok
}

func (c *termsCache) get(raw string) (*contract.Terms, error) {
	h := sha256.Sum256([]byte(raw))
	if t, ok := c.at(h); ok {
		return t, nil
	}
	t := &contract.Terms{}
	if err := unmarshalTerms(raw, t); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= termsCacheMax {
		clear(c.m)
	}
	c.m[h] = t
	c.mu.Unlock()
	return t, nil
}

// versionInForce chooses from an engagement's versions the one termsInForce's
// statement chooses: of those effective on or before date, and version 1,
// the one with the latest effective date, the highest number breaking
// ties. It is a copy; the terms in it are shared and only read.
func versionInForce(vs []contract.Version, date tandem.Date) (*contract.Version, error) {
	on, best := date.String(), -1
	for i, v := range vs {
		if v.EffectiveFrom > on && v.Number != 1 {
			continue
		}
		if best < 0 || v.EffectiveFrom > vs[best].EffectiveFrom || (v.EffectiveFrom == vs[best].EffectiveFrom && v.Number > vs[best].Number) {
			best = i
		}
	}
	if best < 0 {
		return nil, tandem.ErrNotFound
	}
	v := vs[best]
	return &v, nil
}

// Versions lists every version of an engagement's terms, oldest first.
func (s *ContractStore) Versions(ctx context.Context, p tandem.Principal, engagementID int64) (_ []contract.Version, err error) {
	defer wrap(&err, "ContractStore.Versions(%d)", engagementID)
	return loadVersions(ctx, s.db, p, engagementID)
}

// loadVersions reads an engagement's terms versions, oldest first, after
// checking that p may see the engagement.
func loadVersions(ctx context.Context, q querier, p tandem.Principal, engagementID int64) ([]contract.Version, error) {
	if _, err := loadEngagement(ctx, q, p, engagementID); err != nil {
		return nil, err
	}
	c := cacheOf(ctx, q)
	if c == nil {
		return readVersions(ctx, q, p, engagementID)
	}
	k := engagementKey{p, engagementID}
	if vs, ok, err := c.termsVersions(k); ok || err != nil {
		return vs, err
	}
	vs, err := readVersions(ctx, q, p, engagementID)
	if err == nil {
		c.putTermsVersions(k, vs)
	}
	return vs, err
}

// readVersions reads an engagement's terms versions, oldest first, for a
// caller who has loaded the engagement for p.
func readVersions(ctx context.Context, q querier, p tandem.Principal, engagementID int64) ([]contract.Version, error) {
	return scanAll(ctx, q, scanVersion, `SELECT `+versionCols+` FROM contract_versions v
		WHERE v.workspace_id = ? AND v.engagement_id = ? ORDER BY v.number`, p.WorkspaceID, engagementID)
}

// SaveDraft replaces the terms of an engagement that is still a draft
// (version 1). Owners and managers may call it. Errors: EInvalid (field
// errors with dotted paths such as "services.0.name"), EConflict when the
// engagement is no longer a draft (change it by amendment), ENotFound.
func (s *ContractStore) SaveDraft(ctx context.Context, p tandem.Principal, engagementID int64, t contract.Terms) (err error) {
	defer wrap(&err, "ContractStore.SaveDraft(%d)", engagementID)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		if err := contract.CheckDraft(e); err != nil {
			return err
		}
		t.Normalize()
		if err := metric.Validate(&t); err != nil {
			return err
		}
		before, err := termsInForce(ctx, tx, p, engagementID, e.StartsOn)
		if err != nil {
			return err
		}
		js, err := marshalTerms(t)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE contract_versions SET terms = ?, terms_hash = ?, effective_from = ? WHERE workspace_id = ? AND engagement_id = ? AND number = 1`,
			js, termsHash(js), e.StartsOn.String(), p.WorkspaceID, engagementID); err != nil {
			return err
		}
		// Acknowledgements were given for the old text; the new one is checked afresh.
		if _, err := tx.exec(ctx, `DELETE FROM check_acknowledgements WHERE workspace_id = ? AND engagement_id = ?`, p.WorkspaceID, engagementID); err != nil {
			return err
		}
		return tx.record(ctx, p, "contract.draft_saved", "engagement", engagementID, map[string]any{"changes": contract.Diff(before.Terms, t)})
	})
}

// Check runs the contract check on the terms in force today (for a draft,
// version 1) and reports which warnings were acknowledged.
func (s *ContractStore) Check(ctx context.Context, p tandem.Principal, engagementID int64) (_ *contract.CheckResult, err error) {
	defer wrap(&err, "ContractStore.Check(%d)", engagementID)
	e, err := loadEngagement(ctx, s.db, p, engagementID)
	if err != nil {
		return nil, err
	}
	return checkTerms(ctx, s.db, p, e, tandem.DateOf(s.db.Now()))
}

// checkTerms runs the contract check of e's terms in force on date through
// q, with the warnings acknowledged so far.
func checkTerms(ctx context.Context, q querier, p tandem.Principal, e *engagement.Engagement, date tandem.Date) (*contract.CheckResult, error) {
	v, err := termsInForce(ctx, q, p, e.ID, date)
	if err != nil {
		return nil, err
	}
	missing, err := peopleWithoutNDA(ctx, q, p.WorkspaceID, e)
	if err != nil {
		return nil, err
	}
	res := &contract.CheckResult{Findings: contract.Check(v.Terms, contract.CheckInput{PeopleWithoutNDA: missing, EngagementKind: string(e.Kind)}),
		Acknowledged: map[string]bool{}}
	acked, err := scanAll(ctx, q, scanString, `SELECT finding FROM check_acknowledgements WHERE workspace_id = ? AND engagement_id = ?`, p.WorkspaceID, e.ID)
	for _, f := range acked {
		res.Acknowledged[f] = true
	}
	return res, err
}

// peopleWithoutNDA names the partner's people with access to the engagement
// (its vendor managers and the agents assigned to it) who have no NDA on file.
func peopleWithoutNDA(ctx context.Context, q querier, workspaceID int64, e *engagement.Engagement) ([]string, error) {
	return scanAll(ctx, q, scanString, `SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.partner_id = ?
		AND (m.role = ? OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?))
		AND NOT EXISTS (SELECT 1 FROM ndas n WHERE n.membership_id = m.id)
		ORDER BY u.name`, workspaceID, e.PartnerID, string(tandem.RoleVendorManager), e.ID)
}

// Activate takes a draft engagement live, as contract.CheckResult.Activate
// decides: to "pilot" when its terms say it is a pilot, else to "active",
// refused while the check finds an error or a warning is neither
// acknowledged before nor in ack (the finding IDs the caller acknowledges
// now, which are recorded). Owners and managers may call it. Errors:
// EInvalid (field "check"), EConflict (not a draft), ENotFound, EForbidden.
func (s *ContractStore) Activate(ctx context.Context, p tandem.Principal, engagementID int64, ack []string) (status engagement.Status, err error) {
	defer wrap(&err, "ContractStore.Activate(%d)", engagementID)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return "", err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		if err := contract.CheckDraft(e); err != nil {
			return err
		}
		res, err := checkTerms(ctx, tx, p, e, tandem.DateOf(tx.now))
		if err != nil {
			return err
		}
		v, err := termsInForce(ctx, tx, p, engagementID, e.StartsOn)
		if err != nil {
			return err
		}
		var acked []contract.Finding
		if status, acked, err = res.Activate(v.Terms, ack); err != nil {
			return err
		}
		for _, f := range acked {
			if _, err := tx.exec(ctx, `INSERT INTO check_acknowledgements (workspace_id, engagement_id, finding, acknowledged_by, acknowledged_at)
				VALUES (?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, f.ID(), nullID(p.UserID), tx.now); err != nil {
				return err
			}
			if err := tx.record(ctx, p, "contract.warning_acknowledged", "engagement", engagementID, map[string]any{"finding": f.ID()}); err != nil {
				return err
			}
		}
		// The draft status in the condition refuses a concurrent activation.
		if err := tx.execOne(ctx, contract.ErrNotDraft, `UPDATE engagements SET status = ?, updated_at = ? WHERE workspace_id = ? AND id = ? AND status = ?`,
			string(status), tx.now, p.WorkspaceID, engagementID, string(engagement.StatusDraft)); err != nil {
			return err
		}
		return tx.record(ctx, p, "engagement.activated", "engagement", engagementID, map[string]any{"status": status})
	})
	if err != nil {
		return "", err
	}
	return status, nil
}

// ---- amendments

const amendmentCols = `a.id, a.workspace_id, a.engagement_id, a.number, a.effective_from, a.reason, a.terms, a.status,
	a.proposed_by, pu.name, a.proposed_side, a.proposed_at, COALESCE(a.decided_by, 0), COALESCE(du.name, ''), a.decided_at, a.decision_note`

const amendmentFrom = ` FROM amendments a JOIN users pu ON pu.id = a.proposed_by LEFT JOIN users du ON du.id = a.decided_by`

func scanAmendment(s interface{ Scan(...any) error }, a *contract.Amendment) error {
	var eff tandem.Date
	var js string
	if err := s.Scan(&a.ID, &a.WorkspaceID, &a.EngagementID, &a.Number, dateScan{&eff}, &a.Reason, &js, &a.Status,
		&a.ProposedBy, &a.ProposedByName, &a.ProposedSide, &a.ProposedAt, &a.DecidedBy, &a.DecidedByName, nullTime{&a.DecidedAt}, &a.DecisionNote); err != nil {
		return err
	}
	a.EffectiveFrom = eff.String()
	return unmarshalTerms(js, &a.Terms)
}

// Amendments lists an engagement's amendments, newest first.
func (s *ContractStore) Amendments(ctx context.Context, p tandem.Principal, engagementID int64) (_ []contract.Amendment, err error) {
	defer wrap(&err, "ContractStore.Amendments(%d)", engagementID)
	if _, err := loadEngagement(ctx, s.db, p, engagementID); err != nil {
		return nil, err
	}
	return scanAll(ctx, s.db, scanAmendment, `SELECT `+amendmentCols+amendmentFrom+` WHERE a.workspace_id = ? AND a.engagement_id = ? ORDER BY a.number DESC`,
		p.WorkspaceID, engagementID)
}

// Amendment returns one amendment by its number.
func (s *ContractStore) Amendment(ctx context.Context, p tandem.Principal, engagementID int64, number int) (_ *contract.Amendment, err error) {
	defer wrap(&err, "ContractStore.Amendment(%d, %d)", engagementID, number)
	return loadAmendment(ctx, s.db, p, engagementID, number)
}

// loadAmendment reads an amendment of an engagement p may see through q, or
// tandem.ErrNotFound.
func loadAmendment(ctx context.Context, q querier, p tandem.Principal, engagementID int64, number int) (*contract.Amendment, error) {
	if _, err := loadEngagement(ctx, q, p, engagementID); err != nil {
		return nil, err
	}
	return scanOne(ctx, q, scanAmendment, `SELECT `+amendmentCols+amendmentFrom+` WHERE a.workspace_id = ? AND a.engagement_id = ? AND a.number = ?`,
		p.WorkspaceID, engagementID, number)
}

// Propose records a proposed amendment of a live engagement: the full terms
// as they will read from effectiveFrom, and the reason
// (contract.CheckAmendable, contract.Propose, contract.CheckChange). The
// client's owners and managers and the partner's vendor managers may
// propose; the other side decides. Errors: EInvalid, EConflict (a draft is
// edited directly; an ended engagement is not amended), ENotFound,
// EForbidden.
func (s *ContractStore) Propose(ctx context.Context, p tandem.Principal, engagementID int64, effectiveFrom tandem.Date, reason string, t contract.Terms) (a *contract.Amendment, err error) {
	defer wrap(&err, "ContractStore.Propose(%d)", engagementID)
	if err := access.Can(p, access.Amend); err != nil {
		return nil, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		e, err := loadEngagement(ctx, tx, p, engagementID)
		if err != nil {
			return err
		}
		if err := contract.CheckAmendable(e); err != nil {
			return err
		}
		t.Normalize()
		if a, err = contract.Propose(p, e, effectiveFrom, reason, t, metric.Validate(&t)); err != nil {
			return err
		}
		current, err := termsInForce(ctx, tx, p, engagementID, effectiveFrom)
		if err != nil {
			return err
		}
		if err := contract.CheckChange(current.Terms, t); err != nil {
			return err
		}
		js, err := marshalTerms(t)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM amendments WHERE engagement_id = ?`, engagementID).Scan(&a.Number); err != nil {
			return err
		}
		a.ProposedAt = tx.now
		id, err := tx.insert(ctx, `INSERT INTO amendments (workspace_id, engagement_id, number, effective_from, reason, terms, status,
			proposed_by, proposed_side, proposed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.WorkspaceID, engagementID, a.Number, a.EffectiveFrom, a.Reason, js, a.Status, a.ProposedBy, a.ProposedSide, a.ProposedAt)
		if tx.db.dialect.isUniqueViolation(err) {
			return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_race"))
		}
		if err != nil {
			return err
		}
		a.ID = id
		return tx.record(ctx, p, "amendment.proposed", "engagement", engagementID, map[string]any{
			"number": a.Number, "effective_from": a.EffectiveFrom, "reason": a.Reason, "changes": contract.Diff(current.Terms, t)})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Decide accepts or rejects a proposed amendment (contract.Amendment.Decide:
// only the other side may decide — the partner's vendor manager for a
// client's proposal, the client's owner or manager for a partner's).
// Accepting writes the next version of the terms, effective from the
// amendment's date. Errors: EForbidden, EConflict (already decided),
// ENotFound.
func (s *ContractStore) Decide(ctx context.Context, p tandem.Principal, engagementID int64, number int, accept bool, note string) (err error) {
	defer wrap(&err, "ContractStore.Decide(%d, %d)", engagementID, number)
	if err := access.Can(p, access.Amend); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		a, err := loadAmendment(ctx, tx, p, engagementID, number)
		if err != nil {
			return err
		}
		if err := a.Decide(p, accept, note, tx.now); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("contract.amend_decided"), `UPDATE amendments SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ? AND status = ?`,
			a.Status, a.DecidedBy, a.DecidedAt, a.DecisionNote, a.ID, contract.AmendmentProposed); err != nil {
			return err
		}
		if a.Status == contract.AmendmentAccepted {
			js, err := marshalTerms(a.Terms)
			if err != nil {
				return err
			}
			var next int
			if err := tx.queryRow(ctx, `SELECT MAX(number) + 1 FROM contract_versions WHERE engagement_id = ?`, engagementID).Scan(&next); err != nil {
				return err
			}
			if _, err := tx.insert(ctx, `INSERT INTO contract_versions (workspace_id, engagement_id, number, effective_from, amendment_id, terms, terms_hash, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, next, a.EffectiveFrom, a.ID, js, termsHash(js), tx.now); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, "amendment."+a.Status, "engagement", engagementID, map[string]any{"number": number, "note": a.DecisionNote})
	})
}

// ---- NDA register

// RecordNDA registers that a partner's person signed the NDA. Owners and
// managers may call it. Errors: EInvalid, ENotFound, EForbidden.
func (s *ContractStore) RecordNDA(ctx context.Context, p tandem.Principal, membershipID int64, signedOn tandem.Date, document string) (err error) {
	defer wrap(&err, "ContractStore.RecordNDA(%d)", membershipID)
	if err := access.Can(p, access.MembersManage); err != nil {
		return err
	}
	document, err = contract.ValidateNDA(signedOn, document, tandem.DateOf(s.db.Now()))
	if err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		return recordNDA(ctx, tx, p, membershipID, signedOn, document)
	})
}

func recordNDA(ctx context.Context, tx *Tx, p tandem.Principal, membershipID int64, signedOn tandem.Date, document string) error {
	var partnerID int64
	var name, email string
	err := tx.queryRow(ctx, `SELECT COALESCE(m.partner_id, 0), u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.id = ?`, p.WorkspaceID, membershipID).Scan(&partnerID, &name, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return tandem.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := contract.CheckNDAPerson(partnerID); err != nil {
		return err
	}
	id, err := tx.insert(ctx, `INSERT INTO ndas (workspace_id, partner_id, membership_id, person_name, person_email, signed_on, document, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, partnerID, membershipID, name, email, signedOn.String(), document, tx.now)
	if err != nil {
		return err
	}
	return tx.record(ctx, p, "nda.recorded", "nda", id, map[string]any{"membership_id": membershipID, "signed_on": signedOn.String(), "document": document})
}

// NDAs lists a partner's NDA register. Client roles see every partner's; a
// vendor manager its own partner's; agents none.
func (s *ContractStore) NDAs(ctx context.Context, p tandem.Principal, partnerID int64) (_ []contract.NDA, err error) {
	defer wrap(&err, "ContractStore.NDAs(%d)", partnerID)
	if err := access.Can(p, access.MembersRead); err != nil {
		return nil, err
	}
	if _, err := loadPartner(ctx, s.db, p, partnerID); err != nil {
		return nil, err
	}
	return scanAll(ctx, s.db, scanNDA, `SELECT id, partner_id, COALESCE(membership_id, 0), person_name, person_email, signed_on, document
		FROM ndas WHERE workspace_id = ? AND partner_id = ? ORDER BY person_name, signed_on`, p.WorkspaceID, partnerID)
}

func scanNDA(s scanner, n *contract.NDA) error {
	var signed tandem.Date
	err := s.Scan(&n.ID, &n.PartnerID, &n.MembershipID, &n.PersonName, &n.PersonEmail, dateScan{&signed}, &n.Document)
	n.SignedOn = signed.String()
	return err
}

// hasNDA reports whether a membership has an NDA on file.
func hasNDA(ctx context.Context, tx *Tx, membershipID int64) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM ndas WHERE membership_id = ?`, membershipID).Scan(&n)
	return n > 0, err
}

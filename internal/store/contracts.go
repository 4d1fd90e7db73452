package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

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

// Amendment statuses.
const (
	AmendmentProposed = "proposed"
	AmendmentAccepted = "accepted"
	AmendmentRejected = "rejected"
)

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
	_, err = tx.insert(ctx, `INSERT INTO contract_versions (workspace_id, engagement_id, number, effective_from, terms, created_at)
		VALUES (?, ?, 1, ?, ?, ?)`, p.WorkspaceID, e.ID, e.StartsOn.String(), js, tx.now)
	return err
}

const versionCols = `v.id, v.workspace_id, v.engagement_id, v.number, v.effective_from, COALESCE(v.amendment_id, 0), v.terms, v.created_at`

func scanVersion(s interface{ Scan(...any) error }, v *contract.Version) error {
	var eff tandem.Date
	var js string
	if err := s.Scan(&v.ID, &v.WorkspaceID, &v.EngagementID, &v.Number, dateScan{&eff}, &v.AmendmentID, &js, &v.CreatedAt); err != nil {
		return err
	}
	v.EffectiveFrom = eff.String()
	return unmarshalTerms(js, &v.Terms)
}

// InForce returns the version of an engagement's terms in force on date
// ("2006-01-02"): the one with the latest effective date on or before it,
// the highest number breaking ties. Before the first version's date it is
// version 1. Any member who may see the engagement may call it.
func (s *ContractStore) InForce(ctx context.Context, p tandem.Principal, engagementID int64, date tandem.Date) (_ *contract.Version, err error) {
	defer wrap(&err, "ContractStore.InForce(%d, %s)", engagementID, date)
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	var v contract.Version
	err = scanVersion(s.db.queryRow(ctx, `SELECT `+versionCols+` FROM contract_versions v
		WHERE v.workspace_id = ? AND v.engagement_id = ? AND (v.effective_from <= ? OR v.number = 1)
		ORDER BY v.effective_from DESC, v.number DESC LIMIT 1`, p.WorkspaceID, engagementID, date.String()), &v)
	if err != nil {
		return nil, notFound(err)
	}
	return &v, nil
}

// Versions lists every version of an engagement's terms, oldest first.
func (s *ContractStore) Versions(ctx context.Context, p tandem.Principal, engagementID int64) (_ []contract.Version, err error) {
	defer wrap(&err, "ContractStore.Versions(%d)", engagementID)
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+versionCols+` FROM contract_versions v
		WHERE v.workspace_id = ? AND v.engagement_id = ? ORDER BY v.number`, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []contract.Version{}
	for rows.Next() {
		var v contract.Version
		if err := scanVersion(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
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
	e, err := s.db.Engagements.Get(ctx, p, engagementID)
	if err != nil {
		return err
	}
	if e.Status != engagement.StatusDraft {
		return tandem.Errorf(tandem.EConflict, i18n.K("contract.not_draft"))
	}
	t.Normalize()
	if err := metric.Validate(&t); err != nil {
		return err
	}
	before, err := s.InForce(ctx, p, engagementID, e.StartsOn)
	if err != nil {
		return err
	}
	js, err := marshalTerms(t)
	if err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE contract_versions SET terms = ?, effective_from = ? WHERE workspace_id = ? AND engagement_id = ? AND number = 1`,
			js, e.StartsOn.String(), p.WorkspaceID, engagementID); err != nil {
			return err
		}
		// Acknowledgements were given for the old text; the new one is checked afresh.
		if _, err := tx.exec(ctx, `DELETE FROM check_acknowledgements WHERE workspace_id = ? AND engagement_id = ?`, p.WorkspaceID, engagementID); err != nil {
			return err
		}
		return tx.record(ctx, p, "contract.draft_saved", "engagement", engagementID, map[string]any{"changes": contract.Diff(before.Terms, t)})
	})
}

// CheckResult is the contract check of an engagement's current terms, with
// the warnings already acknowledged.
type CheckResult struct {
	Findings     []contract.Finding
	Acknowledged map[string]bool // by Finding.ID()
}

// Errors counts the findings that block activation.
func (c CheckResult) Errors() int { return contract.Errors(c.Findings) }

// Unacknowledged lists the warnings nobody has acknowledged yet.
func (c CheckResult) Unacknowledged() []contract.Finding {
	var out []contract.Finding
	for _, f := range contract.Warnings(c.Findings) {
		if !c.Acknowledged[f.ID()] {
			out = append(out, f)
		}
	}
	return out
}

// Check runs the contract check on the terms in force today (for a draft,
// version 1) and reports which warnings were acknowledged.
func (s *ContractStore) Check(ctx context.Context, p tandem.Principal, engagementID int64) (_ *CheckResult, err error) {
	defer wrap(&err, "ContractStore.Check(%d)", engagementID)
	e, err := s.db.Engagements.Get(ctx, p, engagementID)
	if err != nil {
		return nil, err
	}
	v, err := s.InForce(ctx, p, engagementID, tandem.DateOf(s.db.Now()))
	if err != nil {
		return nil, err
	}
	missing, err := s.peopleWithoutNDA(ctx, p.WorkspaceID, e)
	if err != nil {
		return nil, err
	}
	res := &CheckResult{Findings: contract.Check(v.Terms, contract.CheckInput{PeopleWithoutNDA: missing, EngagementKind: string(e.Kind)}),
		Acknowledged: map[string]bool{}}
	rows, err := s.db.query(ctx, `SELECT finding FROM check_acknowledgements WHERE workspace_id = ? AND engagement_id = ?`, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		res.Acknowledged[f] = true
	}
	return res, rows.Err()
}

// peopleWithoutNDA names the partner's people with access to the engagement
// (its vendor managers and the agents assigned to it) who have no NDA on file.
func (s *ContractStore) peopleWithoutNDA(ctx context.Context, workspaceID int64, e *engagement.Engagement) ([]string, error) {
	rows, err := s.db.query(ctx, `SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.partner_id = ?
		AND (m.role = ? OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?))
		AND NOT EXISTS (SELECT 1 FROM ndas n WHERE n.membership_id = m.id)
		ORDER BY u.name`, workspaceID, e.PartnerID, string(tandem.RoleVendorManager), e.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Activate takes a draft engagement live: to "pilot" when its terms say it
// is a pilot, else to "active". It is refused while the check finds an
// error, or while a warning is neither acknowledged before nor in ack (the
// finding IDs the caller acknowledges now, which are recorded). Owners and
// managers may call it. Errors: EInvalid (field "check"), EConflict (not a
// draft), ENotFound, EForbidden.
func (s *ContractStore) Activate(ctx context.Context, p tandem.Principal, engagementID int64, ack []string) (status engagement.Status, err error) {
	defer wrap(&err, "ContractStore.Activate(%d)", engagementID)
	if err := access.Can(p, access.EngagementsWrite); err != nil {
		return "", err
	}
	e, err := s.db.Engagements.Get(ctx, p, engagementID)
	if err != nil {
		return "", err
	}
	if e.Status != engagement.StatusDraft {
		return "", tandem.Errorf(tandem.EConflict, i18n.K("contract.not_draft"))
	}
	res, err := s.Check(ctx, p, engagementID)
	if err != nil {
		return "", err
	}
	if n := res.Errors(); n > 0 {
		var v tandem.Validator
		v.Add("check", i18n.K("contract.activate_errors"), "n", n)
		return "", v.Err()
	}
	acked := map[string]bool{}
	for _, id := range ack {
		acked[id] = true
	}
	var pending []contract.Finding
	for _, f := range res.Unacknowledged() {
		if !acked[f.ID()] {
			pending = append(pending, f)
		}
	}
	if len(pending) > 0 {
		var v tandem.Validator
		v.Add("check", i18n.K("contract.activate_warnings"), "n", len(pending))
		return "", v.Err()
	}
	v, err := s.InForce(ctx, p, engagementID, e.StartsOn)
	if err != nil {
		return "", err
	}
	status = engagement.StatusActive
	if v.Terms.Shape.Pilot {
		status = engagement.StatusPilot
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		for _, f := range contract.Warnings(res.Findings) {
			if !acked[f.ID()] || res.Acknowledged[f.ID()] {
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO check_acknowledgements (workspace_id, engagement_id, finding, acknowledged_by, acknowledged_at)
				VALUES (?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, f.ID(), nullID(p.UserID), tx.now); err != nil {
				return err
			}
			if err := tx.record(ctx, p, "contract.warning_acknowledged", "engagement", engagementID, map[string]any{"finding": f.ID()}); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `UPDATE engagements SET status = ?, updated_at = ? WHERE workspace_id = ? AND id = ? AND status = ?`,
			string(status), tx.now, p.WorkspaceID, engagementID, string(engagement.StatusDraft))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tandem.Errorf(tandem.EConflict, i18n.K("contract.not_draft"))
		}
		return tx.record(ctx, p, "engagement.activated", "engagement", engagementID, map[string]any{"status": status})
	})
	return status, err
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
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+amendmentCols+amendmentFrom+` WHERE a.workspace_id = ? AND a.engagement_id = ? ORDER BY a.number DESC`,
		p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []contract.Amendment{}
	for rows.Next() {
		var a contract.Amendment
		if err := scanAmendment(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Amendment returns one amendment by its number.
func (s *ContractStore) Amendment(ctx context.Context, p tandem.Principal, engagementID int64, number int) (_ *contract.Amendment, err error) {
	defer wrap(&err, "ContractStore.Amendment(%d, %d)", engagementID, number)
	if _, err := s.db.Engagements.Get(ctx, p, engagementID); err != nil {
		return nil, err
	}
	var a contract.Amendment
	err = scanAmendment(s.db.queryRow(ctx, `SELECT `+amendmentCols+amendmentFrom+` WHERE a.workspace_id = ? AND a.engagement_id = ? AND a.number = ?`,
		p.WorkspaceID, engagementID, number), &a)
	if err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// MayDecide reports whether p may accept or reject the amendment: a
// proposed one, put forward by the other side.
func MayDecide(p tandem.Principal, a *contract.Amendment) bool {
	return a.Status == AmendmentProposed && access.Allows(p.Role, access.Amend) && a.ProposedSide != side(p)
}

// side is which party p speaks for.
func side(p tandem.Principal) string {
	if p.Role.IsVendor() {
		return "partner"
	}
	return "client"
}

// Propose records a proposed amendment of a live engagement: the full terms
// as they will read from effectiveFrom, and the reason. The client's owners
// and managers and the partner's vendor managers may propose; the other
// side decides. Errors: EInvalid, EConflict (a draft is edited directly; an
// ended engagement is not amended), ENotFound, EForbidden.
func (s *ContractStore) Propose(ctx context.Context, p tandem.Principal, engagementID int64, effectiveFrom tandem.Date, reason string, t contract.Terms) (_ *contract.Amendment, err error) {
	defer wrap(&err, "ContractStore.Propose(%d)", engagementID)
	if err := access.Can(p, access.Amend); err != nil {
		return nil, err
	}
	e, err := s.db.Engagements.Get(ctx, p, engagementID)
	if err != nil {
		return nil, err
	}
	switch e.Status {
	case engagement.StatusDraft:
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_draft"))
	case engagement.StatusEnded:
		return nil, tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_ended"))
	}
	reason = strings.TrimSpace(reason)
	t.Normalize()
	var v tandem.Validator
	if v.Required("reason", reason) {
		v.MaxLen("reason", reason, 4000)
	}
	if v.Check(!effectiveFrom.IsZero(), "effective_from", i18n.K("validation.required")) {
		v.Check(!effectiveFrom.Before(e.StartsOn), "effective_from", i18n.K("contract.effective_before_start"))
	}
	if err := metric.Validate(&t); err != nil {
		for _, f := range tandem.FieldErrors(err) {
			v.Add(f.Field, f.Key, f.Args...)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	current, err := s.InForce(ctx, p, engagementID, effectiveFrom)
	if err != nil {
		return nil, err
	}
	if len(contract.Diff(current.Terms, t)) == 0 {
		return nil, invalid("terms", "contract.amend_no_change")
	}
	// Values entered by hand are stored with their metric's decimals: a
	// manual metric keeps its scale, or its old values would be misread.
	for i, m := range t.Metrics {
		if old := current.Terms.MetricDef(m.Key); old != nil && old.Kind == "manual" && m.Kind == "manual" && old.Scale != m.Scale {
			return nil, invalid(fmt.Sprintf("metrics.%d.scale", i), "contract.validation.manual_scale_fixed", "n", old.Scale)
		}
	}
	js, err := marshalTerms(t)
	if err != nil {
		return nil, err
	}
	a := &contract.Amendment{WorkspaceID: p.WorkspaceID, EngagementID: engagementID, EffectiveFrom: effectiveFrom.String(),
		Reason: reason, Terms: t, Status: AmendmentProposed, ProposedBy: p.UserID, ProposedByName: p.UserName, ProposedSide: side(p)}
	err = s.db.transact(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM amendments WHERE engagement_id = ?`, engagementID).Scan(&a.Number); err != nil {
			return err
		}
		a.ProposedAt = tx.now
		id, err := tx.insert(ctx, `INSERT INTO amendments (workspace_id, engagement_id, number, effective_from, reason, terms, status,
			proposed_by, proposed_side, proposed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.WorkspaceID, engagementID, a.Number, a.EffectiveFrom, reason, js, AmendmentProposed, p.UserID, side(p), tx.now)
		if tx.db.dialect.isUniqueViolation(err) {
			return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_race"))
		}
		if err != nil {
			return err
		}
		a.ID = id
		return tx.record(ctx, p, "amendment.proposed", "engagement", engagementID, map[string]any{
			"number": a.Number, "effective_from": a.EffectiveFrom, "reason": reason, "changes": contract.Diff(current.Terms, t)})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Decide accepts or rejects a proposed amendment. Only the other side may
// decide: the partner's vendor manager for a client's proposal, the
// client's owner or manager for a partner's. Accepting writes the next
// version of the terms, effective from the amendment's date. Errors:
// EForbidden, EConflict (already decided), ENotFound.
func (s *ContractStore) Decide(ctx context.Context, p tandem.Principal, engagementID int64, number int, accept bool, note string) (err error) {
	defer wrap(&err, "ContractStore.Decide(%d, %d)", engagementID, number)
	if err := access.Can(p, access.Amend); err != nil {
		return err
	}
	a, err := s.Amendment(ctx, p, engagementID, number)
	if err != nil {
		return err
	}
	if a.Status != AmendmentProposed {
		return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_decided"))
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 4000 {
		return invalid("note", "validation.too_long", "max", 4000)
	}
	if !MayDecide(p, a) {
		return tandem.Errorf(tandem.EForbidden, i18n.K("contract.amend_other_side"))
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		status := AmendmentRejected
		if accept {
			status = AmendmentAccepted
		}
		res, err := tx.exec(ctx, `UPDATE amendments SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ? AND status = ?`,
			status, p.UserID, tx.now, note, a.ID, AmendmentProposed)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tandem.Errorf(tandem.EConflict, i18n.K("contract.amend_decided"))
		}
		if accept {
			js, err := marshalTerms(a.Terms)
			if err != nil {
				return err
			}
			var next int
			if err := tx.queryRow(ctx, `SELECT MAX(number) + 1 FROM contract_versions WHERE engagement_id = ?`, engagementID).Scan(&next); err != nil {
				return err
			}
			if _, err := tx.insert(ctx, `INSERT INTO contract_versions (workspace_id, engagement_id, number, effective_from, amendment_id, terms, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, next, a.EffectiveFrom, a.ID, js, tx.now); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, "amendment."+status, "engagement", engagementID, map[string]any{"number": number, "note": note})
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
	document = strings.TrimSpace(document)
	var v tandem.Validator
	if v.Check(!signedOn.IsZero(), "signed_on", i18n.K("validation.required")) {
		v.Check(!tandem.DateOf(s.db.Now()).Before(signedOn), "signed_on", i18n.K("contract.nda_future"))
	}
	v.MaxLen("document", document, 500)
	if err := v.Err(); err != nil {
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
	if partnerID == 0 {
		return invalid("membership_id", "contract.nda_partner_only")
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
	if _, err := s.db.Partners.Get(ctx, p, partnerID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, partner_id, COALESCE(membership_id, 0), person_name, person_email, signed_on, document
		FROM ndas WHERE workspace_id = ? AND partner_id = ? ORDER BY person_name, signed_on`, p.WorkspaceID, partnerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []contract.NDA{}
	for rows.Next() {
		var n contract.NDA
		var signed tandem.Date
		if err := rows.Scan(&n.ID, &n.PartnerID, &n.MembershipID, &n.PersonName, &n.PersonEmail, dateScan{&signed}, &n.Document); err != nil {
			return nil, err
		}
		n.SignedOn = signed.String()
		out = append(out, n)
	}
	return out, rows.Err()
}

// hasNDA reports whether a membership has an NDA on file.
func hasNDA(ctx context.Context, tx *Tx, membershipID int64) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM ndas WHERE membership_id = ?`, membershipID).Scan(&n)
	return n > 0, err
}

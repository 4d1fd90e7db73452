package contract

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
)

var (
	clientManager = tandem.Principal{UserID: 1, UserName: "Johan", Role: tandem.RoleManager}
	clientViewer  = tandem.Principal{UserID: 2, Role: tandem.RoleViewer}
	vendorManager = tandem.Principal{UserID: 3, UserName: "Kadri", Role: tandem.RoleVendorManager, PartnerID: 9}
	vendorAgent   = tandem.Principal{UserID: 4, Role: tandem.RoleVendorAgent, PartnerID: 9}
)

func day(s string) tandem.Date {
	d, err := tandem.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestWhoMayAmendWhat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status          engagement.Status
		editDraft       bool
		propose         bool
		amendable       tandem.Code
		draftCheckError tandem.Code
	}{
		{engagement.StatusDraft, true, false, tandem.EConflict, ""},
		{engagement.StatusPilot, false, true, "", tandem.EConflict},
		{engagement.StatusActive, false, true, "", tandem.EConflict},
		{engagement.StatusEnded, false, false, tandem.EConflict, tandem.EConflict},
	} {
		e := &engagement.Engagement{Status: c.status}
		if got := MayEditDraft(clientManager, e); got != c.editDraft {
			t.Errorf("%s: MayEditDraft = %v", c.status, got)
		}
		if got := MayPropose(clientManager, e); got != c.propose {
			t.Errorf("%s: MayPropose(manager) = %v", c.status, got)
		}
		if got := MayPropose(vendorManager, e); got != c.propose {
			t.Errorf("%s: MayPropose(vendor manager) = %v", c.status, got)
		}
		if MayPropose(clientViewer, e) || MayPropose(vendorAgent, e) || MayEditDraft(vendorManager, e) {
			t.Errorf("%s: a viewer or an agent amends, or a partner edits the draft", c.status)
		}
		if got := tandem.ErrorCode(CheckAmendable(e)); got != c.amendable {
			t.Errorf("%s: CheckAmendable = %q", c.status, got)
		}
		if got := tandem.ErrorCode(CheckDraft(e)); got != c.draftCheckError {
			t.Errorf("%s: CheckDraft = %q", c.status, got)
		}
	}
	te, _ := tandem.AsError(CheckAmendable(&engagement.Engagement{Status: engagement.StatusEnded}))
	if te.Key != "contract.amend_ended" {
		t.Errorf("ended: key %q", te.Key)
	}
}

func TestProposeAndDecide(t *testing.T) {
	t.Parallel()
	e := &engagement.Engagement{ID: 5, WorkspaceID: 2, Status: engagement.StatusActive, StartsOn: day("2026-01-01")}
	if _, err := Propose(clientManager, e, day("2025-12-31"), " ", Terms{}, nil); len(tandem.FieldErrors(err)) != 2 {
		t.Errorf("no reason and a date before the start: %v", tandem.FieldErrors(err))
	}
	termsErr := &tandem.Error{Code: tandem.EInvalid, Fields: []tandem.FieldError{{Field: "price.currency", Key: "validation.currency"}}}
	if _, err := Propose(clientManager, e, day("2026-02-01"), "More calls", Terms{}, termsErr); tandem.FieldErrors(err)[0].Field != "price.currency" {
		t.Errorf("the terms' errors are reported: %v", err)
	}
	a, err := Propose(clientManager, e, day("2026-02-01"), "  More calls  ", Terms{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != AmendmentProposed || a.ProposedSide != "client" || a.Reason != "More calls" || a.EffectiveFrom != "2026-02-01" || a.EngagementID != 5 {
		t.Fatalf("proposal = %+v", a)
	}
	// The proposing side may not decide; the other side's manager may, an agent not.
	if a.MayDecide(clientManager) || a.MayDecide(vendorAgent) || !a.MayDecide(vendorManager) {
		t.Error("only the other side's manager decides")
	}
	now := time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC)
	if err := a.Decide(clientManager, true, "", now); tandem.ErrorCode(err) != tandem.EForbidden {
		t.Errorf("own side decides: %v", err)
	}
	long := make([]rune, 4001)
	for i := range long {
		long[i] = 'x'
	}
	if err := a.Decide(vendorManager, true, string(long), now); tandem.FieldErrors(err)[0].Field != "note" {
		t.Errorf("4001-character note: %v", err)
	}
	if a.Status != AmendmentProposed {
		t.Fatal("a refused decision changed the status")
	}
	if err := a.Decide(vendorManager, false, " Too expensive ", now); err != nil {
		t.Fatal(err)
	}
	if a.Status != AmendmentRejected || a.DecidedBy != 3 || a.DecisionNote != "Too expensive" || !a.DecidedAt.Equal(now) {
		t.Errorf("decided = %+v", a)
	}
	if err := a.Decide(vendorManager, true, "", now); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("decided twice: %v", err)
	}
	b, _ := Propose(vendorManager, e, day("2026-02-01"), "Fewer calls", Terms{}, nil)
	if b.ProposedSide != "partner" || b.MayDecide(vendorManager) || !b.MayDecide(clientManager) {
		t.Errorf("partner's proposal: %+v", b)
	}
	if err := b.Decide(clientManager, true, "", now); err != nil || b.Status != AmendmentAccepted {
		t.Errorf("accepted: %v %q", err, b.Status)
	}
}

func TestCheckChange(t *testing.T) {
	t.Parallel()
	old := Terms{Metrics: []MetricDef{{Key: "sat", Kind: MetricKindManual, Scale: 1}}}
	if err := CheckChange(old, old); tandem.FieldErrors(err)[0].Field != "terms" {
		t.Errorf("no change: %v", err)
	}
	rescaled := Terms{Metrics: []MetricDef{{Key: "sat", Kind: MetricKindManual, Scale: 2}}}
	if err := CheckChange(old, rescaled); tandem.FieldErrors(err)[0].Field != "metrics.0.scale" {
		t.Errorf("a manual metric's scale changed: %v", err)
	}
	renamed := Terms{Metrics: []MetricDef{{Key: "sat", Name: "Satisfaction", Kind: MetricKindManual, Scale: 1}}}
	if err := CheckChange(old, renamed); err != nil {
		t.Errorf("a rename: %v", err)
	}
}

func TestActivate(t *testing.T) {
	t.Parallel()
	errF := Finding{Code: "a", Severity: SeverityError, Field: "x"}
	w1 := Finding{Code: "w", Severity: SeverityWarning, Field: "one"}
	w2 := Finding{Code: "w", Severity: SeverityWarning, Field: "two"}
	if _, _, err := (CheckResult{Findings: []Finding{errF, w1}}).Activate(Terms{}, []string{w1.ID()}); tandem.FieldErrors(err)[0].Field != "check" {
		t.Errorf("an error blocks: %v", err)
	}
	c := CheckResult{Findings: []Finding{w1, w2}, Acknowledged: map[string]bool{w1.ID(): true}}
	if _, _, err := c.Activate(Terms{}, nil); tandem.FieldErrors(err)[0].Args[1] != 1 {
		t.Errorf("one warning pending: %v", tandem.FieldErrors(err))
	}
	status, acked, err := c.Activate(Terms{}, []string{w2.ID()})
	if err != nil || status != engagement.StatusActive || len(acked) != 1 || acked[0].ID() != "w:two" {
		t.Errorf("Activate = %q %v %v", status, acked, err)
	}
	status, acked, err = (CheckResult{}).Activate(Terms{Shape: Shape{Pilot: true}}, nil)
	if err != nil || status != engagement.StatusPilot || len(acked) != 0 {
		t.Errorf("a pilot: %q %v %v", status, acked, err)
	}
}

func TestValidateNDA(t *testing.T) {
	t.Parallel()
	today := day("2026-03-02")
	if doc, err := ValidateNDA(day("2026-03-02"), " NDA-7.pdf ", today); err != nil || doc != "NDA-7.pdf" {
		t.Errorf("today: %q %v", doc, err)
	}
	if _, err := ValidateNDA(day("2026-03-03"), "", today); tandem.FieldErrors(err)[0].Field != "signed_on" {
		t.Errorf("tomorrow: %v", err)
	}
	if _, err := ValidateNDA(tandem.Date{}, "", today); tandem.FieldErrors(err)[0].Field != "signed_on" {
		t.Errorf("no date: %v", err)
	}
	if CheckNDAPerson(0) == nil || CheckNDAPerson(4) != nil {
		t.Error("only partner people sign an NDA here")
	}
}

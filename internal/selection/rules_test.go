package selection

import (
	"reflect"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
)

func openSelection() *Selection {
	return &Selection{ID: 1, Title: "Outbound", Status: StatusOpen,
		Candidates: []Candidate{{PartnerID: 10}, {PartnerID: 11}},
		Reviewers:  []Reviewer{{UserID: 1}, {UserID: 2}},
		Criteria:   []Criterion{{ID: 100, Code: "price", Weight: 60}, {ID: 101, Name: "Fit", Weight: 40}}}
}

func TestReviewerRoles(t *testing.T) {
	t.Parallel()
	want := []tandem.Role{tandem.RoleOwner, tandem.RoleManager} // viewers only read
	if got := ReviewerRoles(); !reflect.DeepEqual(got, want) {
		t.Errorf("ReviewerRoles = %v", got)
	}
	if !MayReview(tandem.RoleManager, 0) || MayReview(tandem.RoleViewer, 0) || MayReview(tandem.RoleVendorManager, 3) || MayReview(tandem.RoleManager, 3) {
		t.Error("only the client's own people review")
	}
}

func TestUpdateAndScoreRules(t *testing.T) {
	t.Parallel()
	before := openSelection()
	x := openSelection()
	x.Criteria = append(x.Criteria, Criterion{ID: 999, Name: "Ghost", Weight: 5})
	if err := x.PrepareUpdate(before); tandem.FieldErrors(err)[0].Field != "criteria.2.name" {
		t.Errorf("unknown criterion: %v", err)
	}
	reviewer := tandem.Principal{UserID: 1, Role: tandem.RoleManager}
	outsider := tandem.Principal{UserID: 7, Role: tandem.RoleManager}
	if !before.MayScore(reviewer) || before.MayScore(outsider) {
		t.Error("a reviewer scores an open selection, nobody else")
	}
	if err := before.PrepareScores(outsider, []Score{{PartnerID: 10, CriterionID: 100, Value: 3}}); err != ErrNotReviewer {
		t.Errorf("outsider: %v", err)
	}
	scores := []Score{{PartnerID: 10, CriterionID: 100, Value: 3, Note: " ok "}}
	if err := before.PrepareScores(reviewer, scores); err != nil || scores[0].ReviewerID != 1 || scores[0].Note != "ok" {
		t.Errorf("PrepareScores: %v %+v", err, scores)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := before.Decide(12, "cheapest", "a@example.com", now); tandem.FieldErrors(err)[0].Field != "partner_id" {
		t.Errorf("not a candidate: %v", err)
	}
	if err := before.Decide(11, " cheapest ", "a@example.com", now); err != nil {
		t.Fatal(err)
	}
	if !before.Decided() || before.DecidedPartnerID != 11 || before.DecisionReason != "cheapest" || !before.DecidedAt.Equal(now) {
		t.Errorf("decided = %+v", before)
	}
	for _, err := range []error{before.CheckOpen(), x.PrepareUpdate(before), before.PrepareScores(reviewer, nil), before.Decide(10, "x", "", now)} {
		if err != ErrClosed {
			t.Errorf("closed selection: %v", err)
		}
	}
	if before.MayScore(reviewer) {
		t.Error("a decided selection is scored")
	}
}

func TestChangedScores(t *testing.T) {
	t.Parallel()
	old := []Score{{PartnerID: 10, CriterionID: 100, Value: 3, Note: "a"}, {PartnerID: 11, CriterionID: 100, Value: 4}}
	given := []Score{
		{PartnerID: 10, CriterionID: 100, Value: 3, Note: "a"}, // unchanged
		{PartnerID: 11, CriterionID: 100, Value: 0},            // cleared
		{PartnerID: 10, CriterionID: 101, Value: 0},            // clearing nothing
		{PartnerID: 11, CriterionID: 101, Value: 5},            // new
		{PartnerID: 10, CriterionID: 100, Value: 3, Note: "b"}, // a new note
	}
	got := ChangedScores(old, given)
	want := []Score{given[1], given[3], given[4]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedScores = %+v", got)
	}
	if l := ScoresLabel(got); !reflect.DeepEqual(l, []string{"10/100=3", "11/100=0", "11/101=5"}) {
		t.Errorf("ScoresLabel = %v", l)
	}
}

func TestPilotRules(t *testing.T) {
	t.Parallel()
	x := openSelection()
	e := &engagement.Engagement{Title: "Pilot", Status: engagement.StatusActive}
	if err := x.PreparePilot(e); err != ErrNotDecided {
		t.Errorf("open: %v", err)
	}
	x.Status, x.DecidedPartnerID = StatusDecided, 11
	if err := x.PreparePilot(e); err != nil || e.PartnerID != 11 || e.Status != engagement.StatusDraft {
		t.Errorf("PreparePilot: %v %+v", err, e)
	}
	r := &PilotReview{Decision: DecisionGo, Reason: " met "}
	if err := x.PrepareReview(r); err != ErrNoPilot {
		t.Errorf("no pilot: %v", err)
	}
	x.EngagementID = 5
	if err := x.PrepareReview(r); err != nil || r.Reason != "met" {
		t.Errorf("PrepareReview: %v %q", err, r.Reason)
	}
	x.PilotReviews = []PilotReview{{Decision: DecisionExtend}}
	if err := x.PrepareReview(r); err != nil {
		t.Errorf("after an extension: %v", err)
	}
	x.PilotReviews = append(x.PilotReviews, PilotReview{Decision: DecisionNoGo})
	if err := x.PrepareReview(r); err != ErrPilotClosed {
		t.Errorf("after no-go: %v", err)
	}
	for d, want := range map[PilotDecision]engagement.Status{DecisionGo: engagement.StatusActive, DecisionNoGo: engagement.StatusEnded, DecisionExtend: ""} {
		if got, ok := d.EngagementStatus(); got != want || ok != (want != "") {
			t.Errorf("%s: EngagementStatus = %q %v", d, got, ok)
		}
	}
}

func TestEngagementRefused(t *testing.T) {
	t.Parallel()
	refused := &tandem.Error{Code: tandem.EInvalid, Fields: []tandem.FieldError{{Field: "status", Key: "engagement.use_activate"}}}
	te, _ := tandem.AsError(EngagementRefused(refused))
	if te.Code != tandem.EInvalid || len(te.Fields) != 1 || te.Fields[0].Field != "decision" || te.Fields[0].Key != "engagement.use_activate" {
		t.Errorf("field error moved: %+v", te)
	}
	conflict := tandem.Errorf(tandem.EConflict, "contract.not_draft")
	te, _ = tandem.AsError(EngagementRefused(conflict))
	if te.Code != tandem.EInvalid || te.Fields[0].Field != "decision" || te.Fields[0].Key != "contract.not_draft" {
		t.Errorf("conflict moved: %+v", te)
	}
	if err := EngagementRefused(tandem.ErrNotFound); err != tandem.ErrNotFound {
		t.Errorf("not found passes: %v", err)
	}
}

func TestPartsFrom(t *testing.T) {
	t.Parallel()
	before := openSelection()
	x := openSelection()
	x.Candidates = []Candidate{{PartnerID: 11}, {PartnerID: 12}}
	x.Reviewers = []Reviewer{{UserID: 2}, {UserID: 3}}
	x.Criteria = []Criterion{{ID: 100, Code: "price", Name: "stray", Weight: 50}, {Name: "New", Weight: 50}}
	got := x.PartsFrom(before)
	want := Parts{AddCandidates: []int64{12}, RemoveCandidates: []int64{10}, AddReviewers: []int64{3}, RemoveReviewers: []int64{1},
		RemoveCriteria: []int64{101}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PartsFrom = %+v", got)
	}
	if x.Criteria[0].Name != "" || x.Criteria[1].Name != "New" {
		t.Errorf("a default criterion keeps no name: %+v", x.Criteria)
	}
	if d := before.PartsFrom(nil); len(d.AddCandidates) != 2 || len(d.AddReviewers) != 2 || d.RemoveCriteria != nil {
		t.Errorf("new selection: %+v", d)
	}
	f := x.AuditFields()
	if !reflect.DeepEqual(f["candidates"], []int64{11, 12}) || !reflect.DeepEqual(f["criteria"], []string{"price=50", "New=50"}) {
		t.Errorf("AuditFields = %v", f)
	}
}

func TestPrepareEvidence(t *testing.T) {
	t.Parallel()
	e := &Evidence{PartnerID: 3, Kind: "nope", Title: " "}
	_, err := PrepareEvidence(e, "run.exe", "application/octet-stream", []byte{0x4d, 0x5a, 0, 1})
	fields := map[string]bool{}
	for _, f := range tandem.FieldErrors(err) {
		fields[f.Field] = true
	}
	if !fields["kind"] || !fields["title"] || !fields["file"] {
		t.Errorf("the file's problem is reported with the fields': %v", tandem.FieldErrors(err))
	}
	ok := &Evidence{PartnerID: 3, Kind: EvidenceKinds[0], Title: "Reference call"}
	f, err := PrepareEvidence(ok, "notes.txt", "text/plain; charset=utf-8", []byte("called them"))
	if err != nil || f == nil || f.Name != "notes.txt" {
		t.Fatalf("PrepareEvidence: %v %+v", err, f)
	}
	if none, err := PrepareEvidence(ok, "", "", nil); err != nil || none != nil {
		t.Errorf("no file: %v %v", none, err)
	}
	if a := ok.AuditFields(f); a["file"] == nil || a["title"] != "Reference call" {
		t.Errorf("AuditFields = %v", a)
	}
}

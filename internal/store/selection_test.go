package store_test

import (
	"bytes"
	"github.com/tandemhq/tandem/internal/account"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func fieldKeys(err error) map[string]string {
	m := map[string]string{}
	for _, f := range tandem.FieldErrors(err) {
		m[f.Field] = string(f.Key)
	}
	return m
}

// secondManager is a second manager of the fixture's workspace, made on
// first use: a third reviewer, since viewers only read and do not score.
func secondManager(t *testing.T, db *store.DB, f *storetest.Fixture) tandem.Principal {
	t.Helper()
	u, err := db.Accounts.UserByEmail(ctx, "maja@example.com")
	if tandem.ErrorCode(err) == tandem.ENotFound {
		u = &account.User{Email: "maja@example.com", Name: "Maja Manager", Lang: "en"}
		if err = db.Accounts.CreateUser(ctx, u, storetest.Password); err == nil {
			_, err = db.Accounts.AddMember(ctx, store.System(f.WorkspaceID, "test"), u.ID, tandem.RoleManager, 0)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Accounts.Principal(ctx, u.ID, f.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newSelection stores a selection of partners A and B with three criteria
// (50/30/20), reviewed by the owner, the manager and a second manager.
func newSelection(t *testing.T, db *store.DB, f *storetest.Fixture) *selection.Selection {
	t.Helper()
	x := &selection.Selection{
		Title:      "Sales partner 2026",
		Candidates: []selection.Candidate{{PartnerID: f.PartnerA}, {PartnerID: f.PartnerB}},
		Reviewers:  []selection.Reviewer{{UserID: f.Owner.UserID}, {UserID: f.Manager.UserID}, {UserID: secondManager(t, db, f).UserID}},
		Criteria: []selection.Criterion{{Code: "expertise_track_record", Weight: 50}, {Code: "price", Weight: 30},
			{Name: "Speaks Swedish", Weight: 20}},
	}
	if err := db.Selections.Create(ctx, f.Manager, x); err != nil {
		t.Fatal(err)
	}
	return x
}

func TestSelectionScoringAndDecision(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		x := newSelection(t, db, f)
		m2 := secondManager(t, db, f)
		got, err := db.Selections.Get(ctx, f.Viewer, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Candidates) != 2 || got.Candidates[0].Name != "Alpha Sales AB" || len(got.Criteria) != 3 ||
			got.Criteria[2].Name != "Speaks Swedish" || got.Criteria[0].Code != "expertise_track_record" || len(got.Reviewers) != 3 ||
			got.Status != selection.StatusOpen {
			t.Fatalf("stored selection: %+v", got)
		}
		c1, c2, c3 := got.Criteria[0].ID, got.Criteria[1].ID, got.Criteria[2].ID
		score := func(p tandem.Principal, partner int64, v1, v2, v3 int) error {
			return db.Selections.SaveScores(ctx, p, x.ID, []selection.Score{
				{PartnerID: partner, CriterionID: c1, Value: v1}, {PartnerID: partner, CriterionID: c2, Value: v2},
				{PartnerID: partner, CriterionID: c3, Value: v3, Note: "  met them in Malmö "}})
		}
		// The hand-worked example of the domain test: Alpha 82.5/75/60, Beta 72.5/65/82.5.
		for _, s := range []struct {
			p          tandem.Principal
			partner    int64
			v1, v2, v3 int
		}{
			{f.Owner, f.PartnerA, 5, 4, 3}, {f.Manager, f.PartnerA, 4, 4, 4}, {m2, f.PartnerA, 3, 5, 2},
			{f.Owner, f.PartnerB, 4, 3, 5}, {f.Manager, f.PartnerB, 5, 3, 1}, {m2, f.PartnerB, 4, 5, 4},
		} {
			if err := score(s.p, s.partner, s.v1, s.v2, s.v3); err != nil {
				t.Fatalf("%s scores: %v", s.p.Role, err)
			}
		}
		// A score of 7 is refused and changes nothing.
		err = score(m2, f.PartnerB, 7, 5, 4)
		if fieldKeys(err)[selection.ScoreField(f.PartnerB, c1)] != "selections.invalid.score" {
			t.Fatalf("score 7: %v", err)
		}
		scores, err := db.Selections.Scores(ctx, f.Owner, x.ID)
		if err != nil || len(scores) != 18 {
			t.Fatalf("scores: %d %v", len(scores), err)
		}
		for _, s := range scores {
			if s.Note != "" && s.Note != "met them in Malmö" {
				t.Errorf("note %q", s.Note)
			}
		}
		rs := selection.Results(got, scores)
		if rs[0].PartnerID != f.PartnerA || rs[0].Median.Tenths() != 750 || rs[1].Median.Tenths() != 725 || rs[1].Mean.Tenths() != 733 {
			t.Errorf("results: %+v", rs)
		}
		// Partner people, viewers and non-reviewers cannot score.
		if err := score(f.VendorManager, f.PartnerA, 5, 5, 5); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Errorf("vendor scored: %v", err)
		}
		if err := score(f.Viewer, f.PartnerA, 5, 5, 5); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Errorf("viewer scored: %v", err)
		}
		y := newSelection(t, db, f)
		y.Reviewers = y.Reviewers[:1]
		if err := db.Selections.Update(ctx, f.Owner, y); err != nil {
			t.Fatal(err)
		}
		if err := db.Selections.SaveScores(ctx, m2, y.ID, nil); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Errorf("non-reviewer scored: %v", err)
		}
		// Clearing a score (value 0) removes it; setting the same value again records nothing.
		if err := db.Selections.SaveScores(ctx, f.Owner, x.ID, []selection.Score{{PartnerID: f.PartnerA, CriterionID: c1, Value: 0},
			{PartnerID: f.PartnerA, CriterionID: c2, Value: 4}}); err != nil {
			t.Fatal(err)
		}
		if scores, _ := db.Selections.Scores(ctx, f.Owner, x.ID); len(scores) != 17 {
			t.Errorf("after clearing: %d scores", len(scores))
		}
		entries, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "selection.scored", Actor: "owner@example.com"}, tandem.Page{})
		if len(entries) != 3 || !strings.Contains(entries[0].Data, `"scores":["`) || strings.Contains(entries[0].Data, "=4") {
			t.Errorf("score audit: %d entries; latest %s", len(entries), entries[0].Data)
		}

		// Weights are editable while open; removing a criterion removes its scores.
		got.Criteria = []selection.Criterion{{ID: c1, Code: "expertise_track_record", Weight: 40}, {ID: c2, Code: "price", Weight: 0}}
		if err := db.Selections.Update(ctx, f.Manager, got); fieldKeys(err)["criteria.1.weight"] != "selections.invalid.weight" {
			t.Fatalf("weight 0: %v", err)
		}
		got.Criteria[1].Weight = 30
		got.Criteria = append(got.Criteria, selection.Criterion{Code: "client_reviews", Weight: 10})
		if err := db.Selections.Update(ctx, f.Manager, got); err != nil {
			t.Fatal(err)
		}
		if scores, _ := db.Selections.Scores(ctx, f.Owner, x.ID); len(scores) != 11 {
			t.Errorf("after removing a criterion: %d scores, want 11", len(scores))
		}
		again, _ := db.Selections.Get(ctx, f.Owner, x.ID)
		if len(again.Criteria) != 3 || again.Criteria[0].Weight != 40 || again.Criteria[2].Code != "client_reviews" {
			t.Errorf("criteria after update: %+v", again.Criteria)
		}
		// A criterion id of another selection is refused.
		y2, _ := db.Selections.Get(ctx, f.Owner, y.ID)
		y2.Criteria[0].ID = c1
		if err := db.Selections.Update(ctx, f.Owner, y2); fieldKeys(err)["criteria.0.name"] != "selections.invalid.unknown_criterion" {
			t.Errorf("foreign criterion: %v", err)
		}

		// The decision: a candidate and a reason; then the selection is closed.
		if err := db.Selections.Decide(ctx, f.Viewer, x.ID, f.PartnerA, "x"); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Errorf("viewer decided: %v", err)
		}
		if err := db.Selections.Decide(ctx, f.Owner, x.ID, f.OtherPartner, " "); len(fieldKeys(err)) != 2 {
			t.Errorf("bad decision: %v", err)
		}
		if err := db.Selections.Decide(ctx, f.Owner, x.ID, f.PartnerA, "Best median, strongest references."); err != nil {
			t.Fatal(err)
		}
		d, _ := db.Selections.Get(ctx, f.Viewer, x.ID)
		if d.Status != selection.StatusDecided || d.DecidedPartnerName != "Alpha Sales AB" || d.DecidedBy != "owner@example.com" || d.DecidedAt.IsZero() {
			t.Errorf("decided: %+v", d)
		}
		if err := db.Selections.Decide(ctx, f.Owner, x.ID, f.PartnerB, "again"); tandem.ErrorCode(err) != tandem.EConflict {
			t.Errorf("second decision: %v", err)
		}
		if err := score(f.Owner, f.PartnerA, 1, 1, 1); tandem.ErrorCode(err) != tandem.EConflict {
			t.Errorf("scored a closed selection: %v", err)
		}
		if err := db.Selections.Update(ctx, f.Owner, d); tandem.ErrorCode(err) != tandem.EConflict {
			t.Errorf("edited a closed selection: %v", err)
		}
		entries, _, _ = db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "selection.decided"}, tandem.Page{})
		if len(entries) != 1 || entries[0].EntityID != x.ID || !strings.Contains(entries[0].Data, "strongest references") {
			t.Errorf("decision audit: %+v", entries)
		}
		if brk, _, err := db.Audit.Verify(ctx); err != nil || brk != nil {
			t.Fatal(brk, err)
		}
		list, total, err := db.Selections.List(ctx, f.Viewer, tandem.Page{}, "")
		if err != nil || total != 2 || list[1].ID != x.ID || list[1].DecidedPartnerName != "Alpha Sales AB" || list[1].Candidates != 2 {
			t.Errorf("list: %+v %d %v", list, total, err)
		}
	})
}

func TestSelectionValidationAndVisibility(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		bad := &selection.Selection{Title: "  ", Criteria: []selection.Criterion{{Code: "price", Weight: 0}}}
		got := fieldKeys(db.Selections.Create(ctx, f.Owner, bad))
		if got["title"] != "validation.required" || got["criteria.0.weight"] != "selections.invalid.weight" ||
			got["candidates"] == "" || got["reviewers"] == "" {
			t.Errorf("invalid selection: %v", got)
		}
		// Candidates outside the workspace and reviewers who are partner people are refused.
		x := &selection.Selection{Title: "T", Candidates: []selection.Candidate{{PartnerID: f.OtherPartner}},
			Reviewers: []selection.Reviewer{{UserID: f.Owner.UserID}}, Criteria: selection.DefaultCriteria()}
		if err := db.Selections.Create(ctx, f.Owner, x); fieldKeys(err)["candidates"] != "validation.unknown_partner" {
			t.Errorf("other workspace's partner: %v", err)
		}
		x.Candidates = []selection.Candidate{{PartnerID: f.PartnerA}}
		x.Reviewers = []selection.Reviewer{{UserID: f.VendorManager.UserID}}
		if err := db.Selections.Create(ctx, f.Owner, x); fieldKeys(err)["reviewers"] != "selections.invalid.reviewer" {
			t.Errorf("vendor reviewer: %v", err)
		}
		if _, n, _ := db.Selections.List(ctx, f.Owner, tandem.Page{}, ""); n != 0 {
			t.Fatalf("invalid selections were written: %d", n)
		}
		// A viewer only reads, so cannot review.
		x.Reviewers = []selection.Reviewer{{UserID: f.Viewer.UserID}}
		if err := db.Selections.Create(ctx, f.Owner, x); fieldKeys(err)["reviewers"] != "selections.invalid.reviewer" {
			t.Errorf("viewer reviewer: %v", err)
		}
		x.Reviewers = []selection.Reviewer{{UserID: f.Manager.UserID}}
		for _, p := range []tandem.Principal{f.Viewer, f.VendorManager, f.VendorAgent} {
			if err := db.Selections.Create(ctx, p, x); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("%s created a selection: %v", p.Role, err)
			}
		}
		if err := db.Selections.Create(ctx, f.Owner, x); err != nil {
			t.Fatal(err)
		}
		for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent, f.VendorManagerB} {
			if _, err := db.Selections.Get(ctx, p, x.ID); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("%s read a selection: %v", p.Role, err)
			}
			if _, _, err := db.Selections.List(ctx, p, tandem.Page{}, ""); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("%s listed selections: %v", p.Role, err)
			}
		}
		// The other workspace's owner does not find it.
		other, err := db.Accounts.UserByEmail(ctx, "other@example.com")
		if err != nil {
			t.Fatal(err)
		}
		op, _ := db.Accounts.Principal(ctx, other.ID, f.Other)
		if _, err := db.Selections.Get(ctx, op, x.ID); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("other workspace: %v", err)
		}
		if err := db.Selections.SaveScores(ctx, op, x.ID, nil); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("other workspace scored: %v", err)
		}
	})
}

func TestPilot(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		x := newSelection(t, db, f)
		start, _ := tandem.ParseDate("2026-03-01")
		e := &engagement.Engagement{Title: "Pilot: " + x.Title, Kind: engagement.KindSales, StartsOn: start}
		if err := db.Selections.StartPilot(ctx, f.Owner, x.ID, e); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("pilot before decision: %v", err)
		}
		if err := db.Selections.ReviewPilot(ctx, f.Owner, x.ID, &selection.PilotReview{Decision: "go", Reason: "x"}); tandem.ErrorCode(err) != tandem.EConflict {
			t.Fatalf("review without pilot: %v", err)
		}
		if err := db.Selections.Decide(ctx, f.Manager, x.ID, f.PartnerB, "Cheaper and good enough."); err != nil {
			t.Fatal(err)
		}
		bad := &engagement.Engagement{Kind: "nope", StartsOn: start}
		if err := db.Selections.StartPilot(ctx, f.Owner, x.ID, bad); fieldKeys(err)["title"] == "" || fieldKeys(err)["kind"] == "" {
			t.Fatalf("bad pilot engagement: %v", err)
		}
		if err := db.Selections.StartPilot(ctx, f.Owner, x.ID, e); err != nil {
			t.Fatal(err)
		}
		got, err := db.Engagements.Get(ctx, f.Owner, e.ID)
		if err != nil || got.PartnerID != f.PartnerB || got.Status != engagement.StatusDraft || got.Title != "Pilot: Sales partner 2026" {
			t.Fatalf("pilot engagement: %+v %v", got, err)
		}
		if err := db.Selections.StartPilot(ctx, f.Owner, x.ID, &engagement.Engagement{Title: "again", Kind: "sales", StartsOn: start}); tandem.ErrorCode(err) != tandem.EConflict {
			t.Errorf("second pilot: %v", err)
		}
		// The partner's manager sees the engagement, not the selection.
		if _, err := db.Engagements.Get(ctx, f.VendorManagerB, e.ID); err != nil {
			t.Errorf("partner B's manager cannot see its pilot engagement: %v", err)
		}
		if err := db.Selections.ReviewPilot(ctx, f.Viewer, x.ID, &selection.PilotReview{Decision: "go", Reason: "x"}); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Errorf("viewer reviewed: %v", err)
		}
		if err := db.Selections.ReviewPilot(ctx, f.Owner, x.ID, &selection.PilotReview{Decision: "maybe"}); len(fieldKeys(err)) != 2 {
			t.Errorf("bad review: %v", err)
		}
		if err := db.Selections.ReviewPilot(ctx, f.Owner, x.ID, &selection.PilotReview{Decision: "extend", Reason: "Two more weeks of calls."}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Engagements.Get(ctx, f.Owner, e.ID); got.Status != engagement.StatusDraft {
			t.Errorf("extend changed the status to %s", got.Status)
		}
		// A draft goes live only through activation after the contract check:
		// "go" on a pilot that was never activated is refused with the
		// engagement's reason, and nothing is recorded.
		err = db.Selections.ReviewPilot(ctx, f.Manager, x.ID, &selection.PilotReview{Decision: "go", Reason: "Targets met."})
		if fe := tandem.FieldErrors(err); tandem.ErrorCode(err) != tandem.EInvalid || len(fe) == 0 || fe[0].Field != "decision" || fe[0].Key == "error.invalid" {
			t.Fatalf("go on a draft: %v", err)
		}
		if s, _ := db.Selections.Get(ctx, f.Owner, x.ID); len(s.PilotReviews) != 1 {
			t.Fatalf("a refused review was recorded: %d", len(s.PilotReviews))
		}
		// As if activated as a pilot (the contracts capability's activation).
		if err := storetest.Exec(db, `UPDATE engagements SET status = 'pilot' WHERE id = ?`, e.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.Selections.ReviewPilot(ctx, f.Manager, x.ID, &selection.PilotReview{Decision: "go", Reason: "Targets met."}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Engagements.Get(ctx, f.Owner, e.ID); got.Status != engagement.StatusActive {
			t.Errorf("go: status %s", got.Status)
		}
		if err := db.Selections.ReviewPilot(ctx, f.Manager, x.ID, &selection.PilotReview{Decision: "no_go", Reason: "Changed our mind."}); tandem.ErrorCode(err) != tandem.EConflict {
			t.Errorf("review after go: %v", err)
		}
		s, _ := db.Selections.Get(ctx, f.Viewer, x.ID)
		if s.EngagementID != e.ID || len(s.PilotReviews) != 2 || s.PilotReviews[1].Decision != selection.DecisionGo ||
			s.PilotReviews[1].DecidedBy != "manager@example.com" || s.PilotReviews[0].Reason != "Two more weeks of calls." {
			t.Errorf("reviews: %+v", s.PilotReviews)
		}
		entries, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "selection."}, tandem.Page{})
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
		}
		if want := "selection.pilot_reviewed selection.pilot_reviewed selection.pilot_started selection.decided selection.created"; strings.Join(actions, " ") != want {
			t.Errorf("audit: %s", strings.Join(actions, " "))
		}
	})
}

func TestPilotNoGoEndsTheEngagement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		x := newSelection(t, db, f)
		if err := db.Selections.Decide(ctx, f.Owner, x.ID, f.PartnerA, "Only one who answered."); err != nil {
			t.Fatal(err)
		}
		start, _ := tandem.ParseDate("2026-03-01")
		e := &engagement.Engagement{Title: "Pilot", Kind: engagement.KindSupport, StartsOn: start}
		if err := db.Selections.StartPilot(ctx, f.Owner, x.ID, e); err != nil {
			t.Fatal(err)
		}
		if err := db.Selections.ReviewPilot(ctx, f.Owner, x.ID, &selection.PilotReview{Decision: "no_go", Reason: "Missed every deadline."}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Engagements.Get(ctx, f.Owner, e.ID); got.Status != engagement.StatusEnded {
			t.Errorf("no_go: status %s", got.Status)
		}
	})
}

func TestEvidence(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 1000)...)
		ev := &selection.Evidence{PartnerID: f.PartnerB, Kind: selection.KindRegistration, Title: "Äriregister extract",
			URL: "https://ariregister.rik.ee/", Verified: true}
		if err := db.Selections.AddEvidence(ctx, f.Manager, ev, "extract.pdf", pdf); err != nil {
			t.Fatal(err)
		}
		rating := &selection.Evidence{PartnerID: f.PartnerB, Kind: selection.KindIndependentRating, Title: "Clutch", Value: 45, HasValue: true}
		if err := db.Selections.AddEvidence(ctx, f.Manager, rating, "", nil); err != nil {
			t.Fatal(err)
		}
		// Bad fields and a forbidden file type are reported together; nothing is written.
		bad := &selection.Evidence{PartnerID: f.PartnerB, Kind: "gossip", URL: "javascript:alert(1)"}
		got := fieldKeys(db.Selections.AddEvidence(ctx, f.Manager, bad, "x.html", []byte("<html><script>alert(1)</script>")))
		if got["kind"] != "validation.one_of" || got["title"] != "validation.required" || got["url"] != "validation.url" ||
			got["file"] != "evidence.invalid.file_type" {
			t.Errorf("bad evidence: %v", got)
		}
		big := make([]byte, file.MaxFileSize+1)
		copy(big, "%PDF-")
		ok := &selection.Evidence{PartnerID: f.PartnerB, Kind: selection.KindPortfolio, Title: "Portfolio"}
		if got := fieldKeys(db.Selections.AddEvidence(ctx, f.Manager, ok, "big.pdf", big)); got["file"] != "evidence.invalid.file_too_large" {
			t.Errorf("big file: %v", got)
		}
		other := &selection.Evidence{PartnerID: f.OtherPartner, Kind: selection.KindReview, Title: "Sneaky"}
		if got := fieldKeys(db.Selections.AddEvidence(ctx, f.Owner, other, "", nil)); got["partner_id"] == "" {
			t.Errorf("other workspace's partner: %v", got)
		}
		if err := db.Selections.AddEvidence(ctx, f.Viewer, ok, "", nil); tandem.ErrorCode(err) != tandem.EForbidden {
			t.Errorf("viewer added evidence: %v", err)
		}
		list, err := db.Selections.Evidence(ctx, f.Viewer, f.PartnerB)
		if err != nil || len(list) != 2 {
			t.Fatalf("evidence: %+v %v", list, err)
		}
		if r := list[0]; r.ID != rating.ID || !r.HasValue || r.Value != 45 || r.FileID != 0 {
			t.Errorf("rating: %+v", r)
		}
		if r := list[1]; !r.Verified || r.FileName != "extract.pdf" || r.FileSize != int64(len(pdf)) || r.FileContentType != "application/pdf" || r.CreatedBy != "manager@example.com" {
			t.Errorf("registration: %+v", r)
		}
		if l, _ := db.Selections.Evidence(ctx, f.Owner, f.PartnerA); len(l) != 0 {
			t.Errorf("partner A has %d", len(l))
		}

		file, err := db.Selections.EvidenceFile(ctx, f.Viewer, ev.ID)
		if err != nil || !bytes.Equal(file.Data, pdf) || file.ContentType != "application/pdf" || len(file.SHA256) != 64 {
			t.Fatalf("file: %v", err)
		}
		entries, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "data.export"}, tandem.Page{})
		if len(entries) != 1 || entries[0].Actor != "viewer@example.com" || entries[0].Entity != "file" || !strings.Contains(entries[0].Data, file.SHA256) {
			t.Errorf("download audit: %+v", entries)
		}
		// Partner people see no evidence, not even on their own partner; a
		// file of evidence without one, or of another workspace, is not found.
		for _, p := range []tandem.Principal{f.VendorManager, f.VendorManagerB, f.VendorAgent} {
			if _, err := db.Selections.Evidence(ctx, p, f.PartnerB); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("%s listed evidence: %v", p.Role, err)
			}
			if _, err := db.Selections.EvidenceFile(ctx, p, ev.ID); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("%s downloaded: %v", p.Role, err)
			}
		}
		if _, err := db.Selections.EvidenceFile(ctx, f.Owner, rating.ID); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("evidence without a file: %v", err)
		}
		other2, _ := db.Accounts.UserByEmail(ctx, "other@example.com")
		op, _ := db.Accounts.Principal(ctx, other2.ID, f.Other)
		if _, err := db.Selections.EvidenceFile(ctx, op, ev.ID); tandem.ErrorCode(err) != tandem.ENotFound {
			t.Errorf("other workspace downloaded: %v", err)
		}
		if entries, _, _ := db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "data.export"}, tandem.Page{}); len(entries) != 1 {
			t.Errorf("refused downloads were audited: %d", len(entries))
		}
	})
}

// TestPilotStartsOnce starts the same pilot from two callers at once: the
// engagement and the link to the selection are one transaction, so exactly
// one pilot engagement exists afterwards and the other caller gets
// EConflict.
func TestPilotStartsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := storetest.Seed(t, db)
		x := newSelection(t, db, f)
		if err := db.Selections.Decide(ctx, f.Manager, x.ID, f.PartnerB, "Cheaper and good enough."); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			_, n, err := db.Engagements.List(ctx, f.Owner, tandem.Page{}, store.EngagementFilter{PartnerID: f.PartnerB})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		start, _ := tandem.ParseDate("2026-03-01")
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() {
				errs <- db.Selections.StartPilot(ctx, f.Owner, x.ID, &engagement.Engagement{Title: "Pilot", Kind: engagement.KindSales, StartsOn: start})
			}()
		}
		var ok, conflict int
		for i := 0; i < 2; i++ {
			switch err := <-errs; tandem.ErrorCode(err) {
			case "":
				ok++
			case tandem.EConflict:
				conflict++
			default:
				t.Errorf("StartPilot: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Errorf("%d started, %d refused; want 1 and 1", ok, conflict)
		}
		if n := count(); n != before+1 {
			t.Errorf("partner B has %d engagements after the pilot, want %d", n, before+1)
		}
	})
}

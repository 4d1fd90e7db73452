package store_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/handover"
	"github.com/tandemhq/tandem/internal/knowledge"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/survey"
	"github.com/tandemhq/tandem/internal/tandem"
)

// pulseKPIs defines the survey's transparency metric (one decimal, 1.0–5.0)
// and a monthly KPI on it.
func pulseKPIs(t *contract.Terms) {
	lo, hi := int64(10), int64(50)
	t.Metrics = append(t.Metrics, contract.MetricDef{Key: survey.MetricTransparency, Name: "Transparency", Kind: "manual", Source: "client", Scale: 1, Min: &lo, Max: &hi})
	t.KPIs = append(t.KPIs, contract.KPI{Key: "transparency", GoalKey: t.Goals[0].Key, Metric: survey.MetricTransparency, Name: "Transparency",
		Target: 45, Threshold: 30, Scale: 1, Direction: "higher", Weight: 1, Period: "month"})
}

// A round is sent to the client's people; results show only from the
// third answer, never who answered; the partner cannot answer; the result
// becomes the transparency metric's value for the month and the KPI's
// actual. Figures worked out by hand in the comments.
func TestSurveyStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, pulseKPIs)
			// Three questions, three answers needed.
			if err := db.Surveys().Configure(ctx, f.Manager, &survey.Settings{EngagementID: f.A1,
				Questions: []string{survey.QClarity, survey.QFeedback, survey.QRisks}, Every: survey.Month, MinAnswers: 3}); err != nil {
				t.Fatal(err)
			}
			if err := db.Surveys().Configure(ctx, f.VendorManager, &survey.Settings{EngagementID: f.A1, Questions: survey.Questions, Every: survey.Month, MinAnswers: 1}); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("partner configures: %v", err)
			}
			r, err := db.Surveys().Send(ctx, f.Manager, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			if r.Period.String() != "2026-03" {
				t.Fatalf("period %s", r.Period)
			}
			if _, err := db.Surveys().Send(ctx, f.Manager, f.A1); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("sent twice: %v", err)
			}
			// The owner and viewer were told (not the sender), nobody of the partner.
			for _, who := range []tandem.Principal{f.Owner, f.Viewer, f.VendorManager, f.Manager} {
				n, _, err := db.Notifications.List(ctx, who, false, 50)
				if err != nil {
					t.Fatal(err)
				}
				got := 0
				for _, x := range n {
					if x.Kind == survey.ActionSent && x.SubjectID == r.ID {
						got++
					}
				}
				if want := map[int64]int{f.Owner.UserID: 1, f.Viewer.UserID: 1}[who.UserID]; got != want {
					t.Errorf("%s told %d times", who.Email, got)
				}
			}
			answer := func(p tandem.Principal, c, fb, rk int, comment string) error {
				return db.Surveys().Answer(ctx, p, r.ID, survey.Answer{Scores: map[string]int{survey.QClarity: c, survey.QFeedback: fb, survey.QRisks: rk}, Comment: comment})
			}
			if err := answer(f.VendorManager, 5, 5, 5, ""); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("partner answers: %v", err)
			}
			if err := answer(f.Owner, 7, 5, 5, ""); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("score 7: %v", err)
			}
			if err := answer(f.Owner, 4, 3, 2, "Clear weekly notes"); err != nil {
				t.Fatal(err)
			}
			if err := answer(f.Viewer, 5, 4, 3, ""); err != nil {
				t.Fatal(err)
			}
			// Two answers: only the count, for everyone.
			rs, err := db.Surveys().Rounds(ctx, f.VendorManager, f.A1)
			if err != nil || len(rs) != 1 || rs[0].Result.Shown || rs[0].Result.Answered != 2 || rs[0].Result.Comments != nil {
				t.Fatalf("below the minimum: %+v %v", rs, err)
			}
			vals, err := db.OwnMetrics.Values(ctx, f.Viewer, f.A1, survey.MetricTransparency)
			if err != nil || len(vals) != 0 {
				t.Fatalf("value before the minimum: %+v %v", vals, err)
			}
			// The owner changes their mind (replaces, not adds), the manager answers.
			if err := answer(f.Owner, 3, 3, 2, "Clear weekly notes"); err != nil {
				t.Fatal(err)
			}
			if err := answer(f.Manager, 4, 4, 1, "Risks come late"); err != nil {
				t.Fatal(err)
			}
			// clarity 3, 5, 4 → 4.0; feedback 3, 4, 4 → 11/3 = 3.7; risks 2, 3, 1 → 2.0.
			// Transparency: (12 + 11) / 6 = 3.833… → 3.8.
			rs, err = db.Surveys().Rounds(ctx, f.VendorManager, f.A1)
			if err != nil {
				t.Fatal(err)
			}
			res := rs[0].Result
			if !res.Shown || res.Answered != 3 || res.Means[0].Tenths != 40 || res.Means[1].Tenths != 37 || res.Means[2].Tenths != 20 ||
				res.Metrics[survey.MetricTransparency] != 38 || strings.Join(res.Comments, "|") != "Clear weekly notes|Risks come late" || rs[0].Answered {
				t.Fatalf("result %+v", rs[0])
			}
			// The value counts in the name of the sender, never a respondent's alone.
			vals, err = db.OwnMetrics.Values(ctx, f.VendorManager, f.A1, survey.MetricTransparency)
			if err != nil || len(vals) != 1 || vals[0].Value != 38 || vals[0].State != "confirmed" || vals[0].EnteredBy != f.Manager.UserID {
				t.Fatalf("values %+v %v", vals, err)
			}
			march := kpi.PeriodOf(kpi.Month, time.Date(2026, 3, 10, 12, 0, 0, 0, kpiZone), kpiZone)
			sc, err := db.KPI.Scorecard(ctx, f.Viewer, f.A1, march)
			if err != nil {
				t.Fatal(err)
			}
			if got := row(t, sc, "transparency"); got.Actual.Cmp(kpi.Ratio(38, 10)) != 0 {
				t.Fatalf("KPI actual %+v", got.Actual)
			}
			// Pending: the viewer answered; nothing waits for them. The partner has none.
			if pend, err := db.Surveys().Pending(ctx, f.Viewer); err != nil || len(pend) != 0 {
				t.Fatalf("pending %+v %v", pend, err)
			}
			// Another workspace's round is not found; the partner B does not see A1's.
			if _, err := db.Surveys().Round(ctx, f.VendorManagerB, r.ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B: %v", err)
			}
			// The scheduled work sends nothing more in March, and April's round once in April.
			if n, err := db.Surveys().SendDue(ctx); err != nil || n != 0 {
				t.Fatalf("send due in March: %d %v", n, err)
			}
			clock.Add(15 * 24 * time.Hour)
			for want := 1; want >= 0; want-- {
				if n, err := db.Surveys().SendDue(ctx); err != nil || n != want {
					t.Fatalf("send due in April: %d %v, want %d", n, err, want)
				}
			}
			rs, err = db.Surveys().Rounds(ctx, f.Owner, f.A1)
			if err != nil || len(rs) != 2 || rs[0].Period.String() != "2026-04" || len(rs[0].Questions) != 3 || rs[0].Answered {
				t.Fatalf("April's round %+v %v", rs, err)
			}
			if pend, err := db.Surveys().Pending(ctx, f.Viewer); err != nil || len(pend) != 1 || pend[0].ID != rs[0].ID {
				t.Fatalf("pending in April %+v %v", pend, err)
			}
		})
	}
}

// Pages are versioned with a conflict check; partner people see only their
// engagements' pages; the bus factor follows who wrote, reviewed and is
// named, and drops when a person leaves.
func TestKnowledgeStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			kb := db.Knowledge()
			// The partner's manager writes how CRM runs on A1.
			crm := &knowledge.Page{EngagementID: f.A1, Area: "CRM", Title: "Lead routing", Body: "1. New lead\n2. Assign"}
			if err := kb.Save(ctx, f.VendorManager, crm); err != nil {
				t.Fatal(err)
			}
			if crm.Version != 1 || crm.OwnerID != f.VendorManager.UserID || crm.ReviewOn.String() != "2026-09-20" {
				t.Fatalf("created %+v", crm)
			}
			// A1's areas: CRM only the partner knows: bus factor 0, flagged.
			areas, err := kb.BusFactors(ctx, f.Manager, f.A1)
			if err != nil || len(areas) != 1 || areas[0].BusFactor != 0 || len(areas[0].Partner) != 1 {
				t.Fatalf("areas %+v %v", areas, err)
			}
			// The manager edits it from version 1; an edit from version 1 again conflicts.
			edit := &knowledge.Page{ID: crm.ID, Version: 1, Area: "CRM", Title: "Lead routing", Body: "1. New lead\n2. Assign\n3. Call within 1 h"}
			if err := kb.Save(ctx, f.Manager, edit); err != nil || edit.Version != 2 {
				t.Fatalf("edit %+v %v", edit, err)
			}
			stale := &knowledge.Page{ID: crm.ID, Version: 1, Area: "CRM", Title: "X", Body: "Y"}
			if err := kb.Save(ctx, f.VendorAgent, stale); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("stale edit: %v", err)
			}
			vs, err := kb.Versions(ctx, f.VendorAgent, crm.ID)
			if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[0].AuthorName != "Mats Manager" {
				t.Fatalf("versions %+v %v", vs, err)
			}
			// Now the manager knows CRM: bus factor 1, still flagged.
			areas, _ = kb.BusFactors(ctx, f.Manager, f.A1)
			if areas[0].BusFactor != 1 || !areas[0].AtRisk() {
				t.Fatalf("after the edit %+v", areas)
			}
			// The owner reviews it (next review in a year) and the viewer is named: 3.
			if err := kb.Review(ctx, f.Owner, crm.ID, mustDate("2027-03-01")); err != nil {
				t.Fatal(err)
			}
			if err := kb.Review(ctx, f.Owner, crm.ID, mustDate("2026-03-01")); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("review date in the past: %v", err)
			}
			if err := kb.NameRunner(ctx, f.Manager, f.A1, "CRM", f.Viewer.UserID, false); err != nil {
				t.Fatal(err)
			}
			if err := kb.NameRunner(ctx, f.Manager, f.A1, "CRM", f.Viewer.UserID, false); err != nil {
				t.Fatal(err)
			}
			areas, _ = kb.BusFactors(ctx, f.VendorAgent, f.A1)
			if areas[0].BusFactor != 3 || areas[0].AtRisk() {
				t.Fatalf("three client people %+v", areas)
			}
			// The viewer leaves the workspace and the owner's name is taken away from nothing: 2.
			if err := storetest.Exec(db, `DELETE FROM memberships WHERE id = ?`, f.Viewer.MembershipID); err != nil {
				t.Fatal(err)
			}
			areas, _ = kb.BusFactors(ctx, f.Manager, f.A1)
			if areas[0].BusFactor != 2 {
				t.Fatalf("after the viewer left %+v", areas)
			}
			// A workspace page: the client's only.
			ws := &knowledge.Page{Area: "Payroll", Title: "Monthly run", Body: "<script>x</script>"}
			if err := kb.Save(ctx, f.VendorManager, ws); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner writes a workspace page: %v", err)
			}
			if err := kb.Save(ctx, f.Owner, ws); err != nil {
				t.Fatal(err)
			}
			if _, err := kb.Page(ctx, f.VendorManager, ws.ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner reads a workspace page: %v", err)
			}
			if _, err := kb.Pages(ctx, f.VendorManager, 0); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner lists workspace pages: %v", err)
			}
			// Partner B sees nothing of A1; the agent not A2's.
			if _, err := kb.Page(ctx, f.VendorManagerB, crm.ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B: %v", err)
			}
			a2 := &knowledge.Page{EngagementID: f.A2, Area: "Renewals", Title: "Renewal calls", Body: "Call in month 11"}
			if err := kb.Save(ctx, f.Manager, a2); err != nil {
				t.Fatal(err)
			}
			if _, err := kb.Page(ctx, f.VendorAgent, a2.ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("agent reads A2: %v", err)
			}
			if err := kb.Save(ctx, f.VendorAgent, &knowledge.Page{EngagementID: f.A2, Area: "X", Title: "Y", Body: "Z"}); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("agent writes on A2: %v", err)
			}
			// The portfolio: A2's Renewals (the manager alone: 1) is at risk; A1's CRM (2) is not.
			risk, err := kb.AtRisk(ctx, f.Owner)
			if err != nil || len(risk) != 1 || risk[0].EngagementID != f.A2 || risk[0].Areas[0].Name != "Renewals" || risk[0].Areas[0].BusFactor != 1 {
				t.Fatalf("at risk %+v %v", risk, err)
			}
			if risk, err := kb.AtRisk(ctx, f.VendorAgent); err != nil || len(risk) != 0 {
				t.Fatalf("agent's portfolio %+v %v", risk, err)
			}
			// Stale once past its review date.
			clock.Add(200 * 24 * time.Hour)
			today, _ := kb.Today(ctx, f.Owner)
			pg, _ := kb.Page(ctx, f.Owner, a2.ID)
			if !pg.Stale(today) {
				t.Fatalf("not stale on %s: %+v", today, pg)
			}
		})
	}
}

func mustDate(s string) tandem.Date {
	d, err := tandem.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Naming the first responsible person starts nothing; replacing them
// starts a handover from the terms' rule, tracked to completion.
func TestHandoverStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(t *contract.Terms) {
				t.Governance.HandoverRule = "Within 5 business days:\n- Hand over the documents\n- Walk through the open deals\n- Introduce the successor to the client"
			})
			hs := db.Handovers()
			if h, err := hs.SetResponsible(ctx, f.VendorManager, f.A1, tandem.SidePartner, f.VendorManager.UserID); err != nil || h != nil {
				t.Fatalf("first naming: %+v %v", h, err)
			}
			if _, err := hs.SetResponsible(ctx, f.VendorManager, f.A1, tandem.SideClient, f.Manager.UserID); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("partner names the client's: %v", err)
			}
			if _, err := hs.SetResponsible(ctx, f.Manager, f.A1, tandem.SidePartner, f.Viewer.UserID); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("a client person for the partner: %v", err)
			}
			if _, err := hs.SetResponsible(ctx, f.Manager, f.A1, tandem.SidePartner, f.VendorManagerB.UserID); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("another partner's person: %v", err)
			}
			h, err := hs.SetResponsible(ctx, f.Manager, f.A1, tandem.SidePartner, f.VendorAgent.UserID)
			if err != nil || h == nil || len(h.Steps) != 3 || h.Steps[1].Text != "Walk through the open deals" || h.FromID != f.VendorManager.UserID {
				t.Fatalf("handover %+v %v", h, err)
			}
			rs, _ := hs.Responsibles(ctx, f.Viewer, f.A1)
			if len(rs) != 1 || rs[0].UserID != f.VendorAgent.UserID {
				t.Fatalf("responsibles %+v", rs)
			}
			// The overview's summary, in one statement: the same people,
			// the handover open.
			if gr, open, err := hs.Governance(ctx, f.Viewer, f.A1); err != nil || !reflect.DeepEqual(gr, rs) || open != 1 {
				t.Fatalf("governance %+v, %d open, %v; responsibles %+v", gr, open, err, rs)
			}
			// It waits on the outgoing and the incoming person, who were told.
			for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent} {
				w, err := hs.Waiting(ctx, p)
				if err != nil || len(w) != 1 || w[0].ID != h.ID {
					t.Fatalf("waiting on %s: %+v %v", p.Email, w, err)
				}
			}
			n, _, _ := db.Notifications.List(ctx, f.VendorAgent, false, 10)
			if len(n) == 0 || n[0].Kind != handover.ActionStarted {
				t.Fatalf("agent told %+v", n)
			}
			// The viewer may not tick; the agent, the vendor manager and the manager do.
			if _, err := hs.Tick(ctx, f.Viewer, f.A1, h.ID, h.Steps[0].ID); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("viewer ticks: %v", err)
			}
			for i, p := range []tandem.Principal{f.VendorAgent, f.VendorManager, f.Manager} {
				got, err := hs.Tick(ctx, p, f.A1, h.ID, h.Steps[i].ID)
				if err != nil || got.Complete() != (i == 2) {
					t.Fatalf("tick %d: %+v %v", i, got, err)
				}
			}
			list, err := hs.List(ctx, f.Viewer, f.A1)
			if err != nil || len(list) != 1 || list[0].CompletedAt.IsZero() || list[0].Steps[2].DoneByName != "Mats Manager" {
				t.Fatalf("list %+v %v", list, err)
			}
			if _, err := hs.Tick(ctx, f.Manager, f.A1, h.ID, h.Steps[0].ID); tandem.ErrorCode(err) != tandem.EConflict {
				t.Fatalf("tick after completion: %v", err)
			}
			if w, _ := hs.Waiting(ctx, f.VendorAgent); len(w) != 0 {
				t.Fatalf("still waiting %+v", w)
			}
			if gr, open, err := hs.Governance(ctx, f.Viewer, f.A1); err != nil || len(gr) != 1 || gr[0].UserID != f.VendorAgent.UserID || open != 0 {
				t.Fatalf("governance after completion %+v, %d open, %v", gr, open, err)
			}
			// Partner B sees none of it.
			if _, err := hs.List(ctx, f.VendorManagerB, f.A1); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B: %v", err)
			}
			if _, _, err := hs.Governance(ctx, f.VendorManagerB, f.A1); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Fatalf("partner B's governance: %v", err)
			}
			// An engagement with no responsible and no handover: none, none open.
			if gr, open, err := hs.Governance(ctx, f.Owner, f.A2); err != nil || len(gr) != 0 || open != 0 {
				t.Fatalf("governance of A2 before any: %+v, %d, %v", gr, open, err)
			}
			// A free-text rule (A2's template): the default steps.
			storetest.Activate(t, db, f.Owner, f.A2, nil)
			if _, err := hs.SetResponsible(ctx, f.Owner, f.A2, tandem.SideClient, f.Manager.UserID); err != nil {
				t.Fatal(err)
			}
			h2, err := hs.SetResponsible(ctx, f.Owner, f.A2, tandem.SideClient, f.Owner.UserID)
			if err != nil || len(h2.Steps) != len(handover.DefaultSteps) || h2.Steps[0].Key != "documents" || !strings.Contains(h2.Rule, "5 business days") {
				t.Fatalf("default steps %+v %v", h2, err)
			}
		})
	}
}

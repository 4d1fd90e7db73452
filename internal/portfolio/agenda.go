package portfolio

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// AgendaKinds are the kinds of what waits that the agenda of a meeting
// lists by itself: KPIs off track or at risk, overdue or returned work,
// unanswered notices, SLA clocks run out, open proposals and risk
// warnings, disputed or pending sales claims and disputed invoice lines.
// (Pending amendments of
// the terms and open action items are added by generate, as
// governance.SourceAmendment and SourceAction.)
var AgendaKinds = []Kind{KindOffTrack, KindAtRisk, KindOverdue, KindReturned, KindNotice, KindRequestBreached, KindProposal,
	KindDisputed, KindClaim, KindInvoiceDispute}

// Agenda is an occurrence's minutes with the agenda as it stands: while the
// minutes are open, what happened since the last meeting and still waits
// (governance.SinceLast over the window of store.Minutes), what still waits
// from the previous agenda, and every open action item join the items
// people added and those carried over; once final, the agenda is what was
// stored (governance.Agenda).
type Agenda struct {
	*store.Minutes
	Items []governance.Item
	// Generated is what the engagement generates now (empty once final):
	// what Finalise stores with the minutes.
	Generated []governance.Item
}

// ReadAgenda reads the agenda and minutes of occurrence id of an engagement
// p may see. Errors: ENotFound.
func ReadAgenda(ctx context.Context, db *store.DB, p tandem.Principal, engagementID, id int64) (*Agenda, error) {
	m, err := db.Meetings.Get(ctx, p, engagementID, id)
	if err != nil {
		return nil, err
	}
	a := &Agenda{Minutes: m}
	final := m.Occurrence.Finalised()
	if !final {
		all, err := generate(ctx, db, p, m)
		if err != nil {
			return nil, err
		}
		a.Generated = governance.SinceLast(all, m.Window, m.PreviousAgenda)
	}
	a.Items = governance.Agenda(m.Items, a.Generated, final)
	return a, nil
}

// generate lists what waits on the engagement now that an agenda may list,
// each with the moment its event happened (governance.Item.Since): when a
// deliverable's due time or a request's SLA clock ran out, else when it
// started waiting; none for a KPI.
func generate(ctx context.Context, db *store.DB, p tandem.Principal, m *store.Minutes) ([]governance.Item, error) {
	e, err := db.Engagements.Get(ctx, p, m.Occurrence.EngagementID)
	if err != nil {
		return nil, err
	}
	it := &Item{Engagement: *e}
	if access.Allows(p.Role, access.WorkRead) {
		if it.Trend, err = ReadTrend(ctx, db, p, e.ID, kpi.Month, 1); err != nil {
			return nil, err
		}
		it.judge(db.Now())
	}
	ws, err := readWaiting(ctx, db, p, it, db.Now())
	if err != nil {
		return nil, err
	}
	var out []governance.Item
	for _, w := range ws {
		for _, k := range AgendaKinds {
			if w.Kind != k {
				continue
			}
			title := w.Title
			if w.Kind == KindOffTrack || w.Kind == KindAtRisk {
				title = w.KPI.Name
			}
			since := w.Since
			if (w.Kind == KindOverdue || w.Kind == KindRequestBreached) && !w.Due.IsZero() {
				since = w.Due
			}
			out = append(out, governance.Item{Source: governance.Source(w.Kind), RecordID: w.RecordID, Title: title, Since: since})
		}
	}
	ams, err := db.Contracts.Amendments(ctx, p, e.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range ams {
		if x.Status == contract.AmendmentProposed {
			out = append(out, governance.Item{Source: governance.SourceAmendment, RecordID: int64(x.Number), Title: x.Reason, Since: x.ProposedAt})
		}
	}
	for _, x := range m.Open {
		out = append(out, governance.Item{Source: governance.SourceAction, RecordID: x.ID, Title: x.Title, Since: x.CreatedAt})
	}
	return out, nil
}

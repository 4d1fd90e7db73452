package portfolio

import (
	"slices"
	"sort"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// Kind is what waits for someone on an engagement.
type Kind string

// Kinds of what waits (Kinds gives their order).
const (
	KindRequestBreached Kind = "request_breached"     // an SLA clock of an active request has run out
	KindRequestAtRisk   Kind = "request_at_risk"      // an SLA clock runs with little time left, or an urgent request
	KindNotice          Kind = "notice"               // a notice awaits the client's acknowledgement
	KindSubmission      Kind = "submission"           // a submitted deliverable awaits the client's review
	KindValue           Kind = "value"                // a partner's value awaits the client's confirmation
	KindClaim           Kind = "claim"                // a sales claim awaits the client before its window ends
	KindProposal        Kind = "proposal"             // a proposal awaits the client's decision
	KindOverdue         Kind = "deliverables_overdue" // a deliverable is past due and not accepted
	KindReturned        Kind = "returned"             // a deliverable the client returned to the partner
	KindDisputed        Kind = "disputed"             // a sales claim the client disputed lately
	KindDue             Kind = "due"                  // a deliverable due within DueSoon, not submitted yet
	KindOffTrack        Kind = "kpi_off_track"        // a KPI of the current period is off track
	KindAtRisk          Kind = "kpi_at_risk"          // a KPI of the current period is at risk
	KindAction          Kind = "action_item"          // a meeting's action item waits for its owner, on either side
	KindInvoiceDispute  Kind = "invoice_dispute"      // an invoice line the partner disputed awaits the client's decision
)

// Kinds lists every kind, most pressing first.
// What has gone wrong comes first (a clock run out, a KPI off track, work
// overdue), then what runs out soon, then what waits for a decision.
var Kinds = []Kind{KindRequestBreached, KindOffTrack, KindOverdue, KindRequestAtRisk, KindNotice, KindSubmission,
	KindValue, KindClaim, KindInvoiceDispute, KindProposal, KindAction, KindReturned, KindDisputed, KindDue, KindAtRisk}

// Policy numbers of what counts as waiting.
const (
	// DueSoon: a deliverable not yet submitted and due within a week
	// waits for the partner.
	DueSoon = 7 * 24 * time.Hour
	// RecentDispute: a disputed claim waits for the partner for two weeks
	// after the client disputed it.
	RecentDispute = 14 * 24 * time.Hour
	// UrgentPriority: an active request of this priority is always listed.
	UrgentPriority = "urgent"
)

// Waiting is one thing that waits for someone: what, on which engagement,
// since and until when, and whether the caller is the one who acts.
type Waiting struct {
	Kind            Kind
	EngagementID    int64
	EngagementTitle string
	// RecordID is the deliverable, notice, value, claim or proposal; for a
	// request its number within the engagement.
	RecordID int64
	Title    string          // what, as people named it (empty for a value: see Metric)
	Metric   string          // KindValue: the metric's key, named by the reader's page
	Period   string          // KindInvoiceDispute: the invoice's period label ("2026-11"), named by the reader's page
	Claim    sales.ClaimKind // KindClaim, KindDisputed: what is claimed, named by the reader's page
	KPI      contract.KPI    // KindOffTrack, KindAtRisk
	Paced    bool            // KindOffTrack, KindAtRisk: judged at the pace of the period in progress (forecast.Judge)
	Since    time.Time       // when it started waiting
	Due      time.Time       // when it must be done; zero when nothing is due
	Left     time.Duration
	Breached bool
	// Owner is the partner's membership the item is for (a deliverable's
	// assignee, a claim's claimant); 0 for the whole partner.
	Owner int64
	// OwnerUser is the person an action item is for (KindAction), on
	// either side; only they act on it.
	OwnerUser int64
	Yours     bool // the caller is the one who acts on it
}

// rank is k's place in Kinds.
func (k Kind) rank() int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// Key is the catalogue message naming one item of kind k.
func (k Kind) Key() i18n.Key { return i18n.K("attention.kind." + string(k)) }

// CountKey is the catalogue message counting n items of kind k (plural n).
func (k Kind) CountKey() i18n.Key { return i18n.K("attention.count." + string(k)) }

// Acts reports whether role is who acts on what waits of kind k: the
// client's owners and managers decide, acknowledge, review and chase the
// requests whose clock runs out (late work, returned work and the
// scorecard wait for the partner); the partner's people deliver and
// answer requests. A viewer acts on nothing.
func Acts(role tandem.Role, k Kind) bool {
	switch role {
	case tandem.RoleOwner, tandem.RoleManager:
		switch k {
		case KindNotice, KindSubmission, KindValue, KindClaim, KindInvoiceDispute, KindProposal, KindRequestBreached, KindRequestAtRisk:
			return true
		}
	case tandem.RoleVendorManager:
		switch k {
		case KindRequestBreached, KindRequestAtRisk, KindOverdue, KindReturned, KindDisputed, KindDue, KindOffTrack, KindAtRisk:
			return true
		}
	case tandem.RoleVendorAgent:
		switch k {
		case KindRequestBreached, KindRequestAtRisk, KindOverdue, KindReturned, KindDisputed, KindDue:
			return true
		}
	}
	return false
}

// Shown reports whether role sees what waits of kind k: the client's
// people all but the partner's own planning (work due soon, a dispute to
// take up); the partner's people also
// what their side waits for from the client. Which records they see at
// all is the store's scope (their partner's, an agent's assigned
// engagements).
func Shown(role tandem.Role, k Kind) bool {
	switch role {
	case tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer:
		return k != KindDisputed && k != KindDue
	case tandem.RoleVendorManager, tandem.RoleVendorAgent:
		return true
	}
	return false
}

// Yours reports whether p acts on w: p's role acts on its kind and, for an
// agent, it is his or nobody's in particular.
func Yours(p tandem.Principal, w Waiting) bool {
	if w.Kind == KindAction {
		return w.OwnerUser == p.UserID
	}
	if !Acts(p.Role, w.Kind) {
		return false
	}
	return p.Role != tandem.RoleVendorAgent || w.Owner == 0 || w.Owner == p.MembershipID
}

// Sort orders what waits: the most pressing kind first, then the soonest
// due (nothing due last), then the longest waiting.
func Sort(ws []Waiting) {
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.Kind.rank() != b.Kind.rank() {
			return a.Kind.rank() < b.Kind.rank()
		}
		if a.Due.IsZero() != b.Due.IsZero() {
			return !a.Due.IsZero()
		}
		if !a.Due.Equal(b.Due) {
			return a.Due.Before(b.Due)
		}
		return a.Since.Before(b.Since)
	})
}

// For keeps what waits that p's role sees, marks what p acts on (Yours),
// and sorts it.
func For(p tandem.Principal, ws []Waiting) []Waiting {
	out := []Waiting{}
	for _, w := range ws {
		if Shown(p.Role, w.Kind) {
			w.Yours = Yours(p, w)
			out = append(out, w)
		}
	}
	Sort(out)
	return out
}

// Count is how many items of one kind wait.
type Count struct {
	Kind Kind
	N    int
}

// Counts counts ws by kind, most pressing first.
func Counts(ws []Waiting) []Count {
	n := map[Kind]int{}
	for _, w := range ws {
		n[w.Kind]++
	}
	var out []Count
	for _, k := range Kinds {
		if n[k] > 0 {
			out = append(out, Count{Kind: k, N: n[k]})
		}
	}
	return out
}

// The deciders of each kind: pure functions from a record to what waits.

// NoticeWaits: a notice not yet acknowledged waits since it was filed.
func NoticeWaits(n notice.Notice) (Waiting, bool) {
	if n.Acknowledged() {
		return Waiting{}, false
	}
	title := n.DeliverableTitle
	if title == "" {
		title = clip(n.Text, 80)
	}
	return Waiting{Kind: KindNotice, EngagementID: n.EngagementID, RecordID: n.ID, Title: title, Since: n.FiledAt}, true
}

// RequestWaits: an active request waits when an SLA clock has run out
// (breached), runs low (request.Clock.RunningLow), or when it is urgent. The clock that runs out first is the one shown.
func RequestWaits(r request.Request) (Waiting, bool) {
	if r.Status == request.StatusResolved || r.Status == request.StatusClosed {
		return Waiting{}, false
	}
	w := Waiting{Kind: KindRequestAtRisk, EngagementID: r.EngagementID, RecordID: int64(r.Number), Title: r.Title, Since: r.OpenedAt}
	var c *request.Clock
	for _, x := range []*request.Clock{&r.Response, &r.Resolution} {
		if x.Stopped || !x.HasTarget() {
			continue
		}
		if c == nil || x.Remaining < c.Remaining {
			c = x
		}
	}
	listed := r.Priority == UrgentPriority
	if c != nil {
		w.Due, w.Left, w.Breached = c.Due, c.Remaining, c.Breached || c.Remaining < 0
		if w.Breached {
			w.Kind, listed = KindRequestBreached, true
		} else if c.RunningLow() {
			listed = true
		}
	}
	return w, listed
}

// ValueWaits: a partner's value pending the client's confirmation.
func ValueWaits(v ownmetric.Value) (Waiting, bool) {
	if v.State != ownmetric.Pending {
		return Waiting{}, false
	}
	return Waiting{Kind: KindValue, EngagementID: v.EngagementID, RecordID: v.ID, Metric: v.Metric, Since: v.EnteredAt}, true
}

// DeliverableWaits: a submitted deliverable awaits review; one past due
// and not accepted is overdue; a returned one waits for the partner; one
// not yet submitted and due within DueSoon of now is due.
func DeliverableWaits(d work.Deliverable, now time.Time) (Waiting, bool) {
	w := Waiting{EngagementID: d.EngagementID, RecordID: d.ID, Title: d.Title, Due: d.DueAt, Since: d.UpdatedAt, Owner: d.AssigneeID}
	switch {
	case d.Status == work.StatusAccepted:
		return Waiting{}, false
	case d.Status == work.StatusSubmitted:
		w.Kind = KindSubmission
	case !d.DueAt.IsZero() && d.DueAt.Before(now):
		w.Kind, w.Breached = KindOverdue, true
	case d.Status == work.StatusReturned:
		w.Kind = KindReturned
	case !d.DueAt.IsZero() && d.DueAt.Sub(now) <= DueSoon:
		w.Kind, w.Since = KindDue, d.CreatedAt
	default:
		return Waiting{}, false
	}
	return w, true
}

// ClaimWaits: an open claim awaits the client until its window ends; a
// claim disputed within RecentDispute of now waits for the partner.
func ClaimWaits(c sales.Claim, now time.Time) (Waiting, bool) {
	title := c.SubjectName
	if title == "" {
		title = c.AccountName
	}
	w := Waiting{EngagementID: c.EngagementID, RecordID: c.ID, Title: title, Claim: c.Kind, Owner: c.ClaimantID}
	switch {
	case c.Status == sales.ClaimOpen:
		w.Kind, w.Since, w.Due = KindClaim, c.ClaimedAt, c.WindowEnds
	case c.Status == sales.ClaimDisputed && now.Sub(c.DecidedAt) <= RecentDispute:
		w.Kind, w.Since = KindDisputed, c.DecidedAt
	default:
		return Waiting{}, false
	}
	return w, true
}

// InvoiceDisputeWaits: a disputed invoice line awaits the client's
// decision (the invoice cannot be approved while it is open).
func InvoiceDisputeWaits(engagementID int64, d store.OpenDispute) (Waiting, bool) {
	return Waiting{Kind: KindInvoiceDispute, EngagementID: engagementID, RecordID: d.ID, Title: d.Reason, Period: d.PeriodLabel,
		Since: d.OpenedAt}, true
}

// ProposalWaits: an open proposal awaits the client's decision.
func ProposalWaits(x proposal.Proposal) (Waiting, bool) {
	if x.Status != proposal.StatusOpen {
		return Waiting{}, false
	}
	return Waiting{Kind: KindProposal, EngagementID: x.EngagementID, RecordID: x.ID, Title: x.Title, Since: x.RaisedAt}, true
}

// ActionWaits: an open action item of a meeting waits for its owner until
// it is done; it is due at the end of its due date in the workspace's zone.
func ActionWaits(a governance.ActionItem) (Waiting, bool) {
	if !a.Open() {
		return Waiting{}, false
	}
	return Waiting{Kind: KindAction, EngagementID: a.EngagementID, RecordID: a.MeetingID, Title: a.Title, Since: a.CreatedAt,
		Due: a.DueEnd, OwnerUser: a.OwnerID}, true
}

// KPIsWaiting: each KPI of the scorecard off track or at risk, in the
// scorecard's order.
func KPIsWaiting(engagementID int64, sc kpi.Scorecard, paced map[string]bool) []Waiting {
	var out []Waiting
	for _, r := range sc.Rows {
		switch r.Status {
		case kpi.OffTrack:
			out = append(out, Waiting{Kind: KindOffTrack, EngagementID: engagementID, KPI: r.KPI, Paced: paced[r.KPI.Key]})
		case kpi.AtRisk:
			out = append(out, Waiting{Kind: KindAtRisk, EngagementID: engagementID, KPI: r.KPI, Paced: paced[r.KPI.Key]})
		}
	}
	return out
}

// clip shortens s to at most n runes, with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Summarize is the portfolio's Attention for what waits on one engagement,
// most pressing first: each KPI off track by name, every other kind
// counted. KPIs at risk are on the home, not in the portfolio's column.
func Summarize(ws []Waiting) []Attention {
	var out []Attention
	for _, c := range Counts(ws) {
		switch c.Kind {
		case KindOffTrack:
			for _, w := range ws {
				if w.Kind == KindOffTrack {
					out = append(out, Attention{Reason: ReasonOffTrack, KPI: w.KPI, Count: 1})
				}
			}
		case KindAtRisk:
		case KindOverdue:
			out = append(out, Attention{Reason: ReasonOverdue, Count: c.N})
		default:
			out = append(out, Attention{Reason: Reason(c.Kind), Count: c.N})
		}
	}
	return out
}

// Risk orders engagements for a director: those with a KPI off track or
// something gone wrong (a clock run out, late or returned work) first, the
// most such items first; then by how much waits on them; then the lower
// total score (none at all last among equals); then by title.
func Risk(items []Item) []Item {
	out := slices.Clone(items)
	bad := func(it *Item) (n int) {
		for _, w := range it.Waiting {
			switch w.Kind {
			case KindRequestBreached, KindOffTrack, KindOverdue, KindReturned:
				n++
			}
		}
		return n
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if x, y := bad(a), bad(b); x != y {
			return x > y
		}
		if len(a.Waiting) != len(b.Waiting) {
			return len(a.Waiting) > len(b.Waiting)
		}
		ca, cb := a.Current(), b.Current()
		if ca.HasTotal != cb.HasTotal {
			return ca.HasTotal
		}
		if ca.HasTotal && ca.Total != cb.Total {
			return ca.Total < cb.Total
		}
		return a.Engagement.Title < b.Engagement.Title
	})
	return out
}

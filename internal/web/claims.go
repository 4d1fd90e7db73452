package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Claims of paid results: the page "Claims to decide" of an engagement
// (the client accepts, disputes or reverses; the partner claims and follows
// its claims) and the JSON API. The rules are package sales'; the store
// scopes every read (an agent sees their own claims only).

func salesClaimsPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/sales/claims"
}

func salesClaimPath(engagementID, claimID int64) string {
	return salesClaimsPath(engagementID) + "/" + strconv.FormatInt(claimID, 10)
}

// claimsPage is what the claims page shows besides the board: a claim form
// or a decision that was refused, and the answer's status.
type claimsPage struct {
	form, decideForm views.Form
	status           int
}

func (s *server) salesClaims(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := views.Form{Values: url.Values{}, Errors: map[string]string{}}
	if k := q.Get("kind"); k != "" {
		f.Values.Set("kind", k)
	}
	for _, k := range []string{"account_id", "deal_id", "meeting_id"} {
		if v := q.Get(k); v != "" {
			f.Values.Set(k, v)
		}
	}
	return s.showClaims(w, r, claimsPage{form: f})
}

func (s *server) showClaims(w http.ResponseWriter, r *http.Request, pg claimsPage) error {
	st := state(r)
	p, l := st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.ClaimFilter{Status: sales.ClaimStatus(q.Get("status")), Kind: sales.ClaimKind(q.Get("kind_filter"))}
	if !slices.Contains(sales.ClaimStatuses, f.Status) {
		f.Status = ""
	}
	if !slices.Contains(sales.ClaimKinds, f.Kind) {
		f.Kind = ""
	}
	page := pageOf(q, listLimit)
	b, err := s.db.Claims().Board(r.Context(), p, e.ID, f, page)
	if err != nil {
		return err
	}
	list := url.Values{}
	for _, k := range []string{"status", "kind_filter"} {
		if v := q.Get(k); v != "" {
			list.Set(k, v)
		}
	}
	d := views.ClaimsData{Engagement: e, Client: p.Role.IsClient(), CanDecide: access.Allows(p.Role, access.SalesClaimsDecide),
		CanClaim: access.Allows(p.Role, access.SalesClaim) && e.Live(), Form: pg.form, DecideForm: pg.decideForm,
		Kinds: options(l, "claims.kind.", sales.ClaimKinds, ""), Currency: b.Currency, Qualification: b.Qualification,
		Action: salesClaimsPath(e.ID), Status: string(f.Status), Kind: string(f.Kind),
		Pager: views.Pager{Total: b.Total, Offset: page.Offset, Limit: listLimit, Query: list, Path: salesClaimsPath(e.ID)}}
	d.StatusFilter = []views.Option{{Value: "", Label: l.T("lists.claims.all_statuses")}}
	for _, st := range sales.ClaimStatuses {
		d.StatusFilter = append(d.StatusFilter, views.Option{Value: string(st),
			Label: l.T("lists.with_count", "label", l.T("claims.status."+string(st)), "n", l.Int(int64(b.ByStatus[st])))})
	}
	d.KindFilter = []views.Option{{Value: "", Label: l.T("lists.claims.all_kinds")}}
	for _, k := range sales.ClaimKinds {
		d.KindFilter = append(d.KindFilter, views.Option{Value: string(k),
			Label: l.T("lists.with_count", "label", l.T("claims.kind."+string(k)), "n", l.Int(int64(b.ByKind[k])))})
	}
	d.Accounts = []views.Option{{Value: "", Label: l.T("claims.choose_account")}}
	for _, a := range b.Leads {
		d.Accounts = append(d.Accounts, views.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name})
	}
	d.Deals = []views.Option{{Value: "", Label: l.T("claims.choose_deal")}}
	for _, x := range b.Deals {
		d.Deals = append(d.Deals, views.Option{Value: strconv.FormatInt(x.ID, 10), Label: l.T("claims.deal_option", "title", x.Name, "account", x.Account)})
	}
	d.Meetings = []views.Option{{Value: "", Label: l.T("claims.choose_meeting")}}
	for _, x := range b.Meetings {
		d.Meetings = append(d.Meetings, views.Option{Value: strconv.FormatInt(x.ID, 10), Label: l.T("claims.meeting_option", "account", x.Name, "at", l.DateTime(x.At))})
	}
	for _, c := range b.Claims {
		row := claimRow(l, c, d.CanDecide)
		if c.Status == sales.ClaimOpen {
			row.DaysLeft = l.N("claims.days_left", int64(b.DaysLeft[c.ID]))
			if b.DaysLeft[c.ID] == 0 {
				row.DaysLeft = l.T("claims.window_over")
			}
			d.Awaiting = append(d.Awaiting, row)
		} else {
			d.Decided = append(d.Decided, row)
		}
	}
	n := s.nav(r, l.T("claims.title"), "engagements")
	switch r.URL.Query().Get("done") {
	case "created", "accepted", "disputed", "reversed":
		n.Flash = l.T("claims.flash_" + r.URL.Query().Get("done"))
	}
	status := pg.status
	if status == 0 {
		status = http.StatusOK
	}
	s.render(w, r, status, views.Claims(n, d))
	return nil
}

// claimRow formats a claim for the page.
func claimRow(l *i18n.Localizer, c sales.Claim, canDecide bool) views.ClaimRow {
	row := views.ClaimRow{ID: c.ID, Kind: l.T("claims.kind." + string(c.Kind)), Evidence: c.Note, Claimant: c.ClaimantName,
		ClaimedAt: l.DateTime(c.ClaimedAt), Window: l.DateTime(c.WindowEnds), Status: l.T("claims.status." + string(c.Status)),
		Second: c.Attempt > 1, Reason: c.DisputeReason}
	row.Subject = l.T("claims.subject_gone")
	if c.AccountID != 0 && c.Kind != sales.ClaimLead {
		row.Account, row.AccountURL = c.AccountName, salesAccountPath(c.AccountID)
	}
	switch c.Kind {
	case sales.ClaimLead:
		if c.SubjectName != "" {
			row.Subject, row.SubjectURL = c.SubjectName, salesAccountPath(c.SubjectID)
		}
	case sales.ClaimMeeting:
		row.Subject = l.T("claims.meeting_at", "at", l.DateTime(c.HeldAt))
		if c.AccountID != 0 {
			row.SubjectURL = salesAccountPath(c.AccountID) + "#activity-" + strconv.FormatInt(c.SubjectID, 10)
		}
	case sales.ClaimDeal:
		row.Detail = l.T("claims.revenue", "amount", l.Money(c.Revenue))
		if c.SubjectName != "" {
			row.Subject, row.SubjectURL = c.SubjectName, dealPath(c.EngagementID, c.SubjectID)
		}
	}
	switch c.Status {
	case sales.ClaimOpen:
		row.Tone = "warn"
		if canDecide {
			row.DecideURL = salesClaimPath(c.EngagementID, c.ID) + "/decide"
		}
	case sales.ClaimAccepted:
		row.Tone = "ok"
		if canDecide && c.Kind == sales.ClaimDeal {
			row.ReverseURL = salesClaimPath(c.EngagementID, c.ID) + "/reverse"
		}
	case sales.ClaimDisputed:
		row.Tone = "bad"
	case sales.ClaimReversed:
		row.Tone = "bad"
		row.Reason = c.ReverseReason
	}
	if !c.DecidedAt.IsZero() {
		if c.Expired {
			row.Decision = l.T("claims.by_system")
		} else {
			row.Decision = l.T("claims.decided_by", "name", c.DeciderName, "at", l.DateTime(c.DecidedAt))
		}
	}
	return row
}

// claimField is the form's field that names the subject of a claim of
// kind: the account of a lead, the won deal, the held meeting — each picked
// from a list (or given by the buttons on the deal page, the board and the
// account's timeline), never typed.
func claimField(k sales.ClaimKind) string {
	switch k {
	case sales.ClaimDeal:
		return "deal_id"
	case sales.ClaimMeeting:
		return "meeting_id"
	}
	return "account_id"
}

// claimForm reads the claim form: the kind, its subject and the evidence.
// A deal's revenue and opening day and a meeting's time come from the
// subject (sales.NewClaim.FromDeal, FromMeeting).
func claimForm(f views.Form) sales.NewClaim {
	n := sales.NewClaim{Kind: sales.ClaimKind(f.Get("kind")), Note: f.Get("note")}
	n.SubjectID = formID(strings.TrimSpace(f.Get(claimField(n.Kind))))
	return n
}

func (s *server) salesClaimCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	n := claimForm(f)
	if _, err = s.db.Claims().Create(r.Context(), st.principal, id, n); err != nil {
		err = renameField(err, "subject_id", claimField(n.Kind))
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showClaims(w, r, claimsPage{form: f, status: invalidStatus(err)})
	}
	return redirect(w, r, salesClaimsPath(id)+"?done=created")
}

func claimIDs(r *http.Request) (engagementID, claimID int64, err error) {
	if engagementID, err = pathID(r); err != nil {
		return 0, 0, err
	}
	claimID, err = strconv.ParseInt(r.PathValue("claim"), 10, 64)
	if err != nil || claimID <= 0 {
		return 0, 0, tandem.ErrNotFound
	}
	return engagementID, claimID, nil
}

func (s *server) salesClaimDecide(w http.ResponseWriter, r *http.Request) error {
	eid, cid, err := claimIDs(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	c, err := s.db.Claims().Decide(r.Context(), state(r).principal, eid, cid, sales.Decision(f.Get("decision")), f.Get("reason"))
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showClaims(w, r, claimsPage{decideForm: f, status: invalidStatus(err)})
	}
	done := "accepted"
	if c.Status == sales.ClaimDisputed {
		done = "disputed"
	}
	return redirect(w, r, salesClaimsPath(eid)+"?done="+done)
}

func (s *server) salesClaimReverse(w http.ResponseWriter, r *http.Request) error {
	eid, cid, err := claimIDs(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.db.Claims().Reverse(r.Context(), state(r).principal, eid, cid, f.Get("reason")); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showClaims(w, r, claimsPage{decideForm: f, status: invalidStatus(err)})
	}
	return redirect(w, r, salesClaimsPath(eid)+"?done=reversed")
}

// The JSON API of claims.

type apiClaim struct {
	ID            int64      `json:"id"`
	EngagementID  int64      `json:"engagement_id"`
	Kind          string     `json:"kind"`
	SubjectID     int64      `json:"subject_id"`
	SubjectName   string     `json:"subject_name"`
	Note          string     `json:"note"`
	HeldAt        *time.Time `json:"held_at"`
	RevenueMinor  int64      `json:"revenue_minor"`
	Currency      string     `json:"currency"`
	OpenedOn      *string    `json:"opened_on"`
	Attempt       int        `json:"attempt"`
	Status        string     `json:"status"`
	ClaimantID    int64      `json:"claimant_id"`
	ClaimantName  string     `json:"claimant_name"`
	ClaimedAt     time.Time  `json:"claimed_at"`
	WindowEnds    time.Time  `json:"window_ends"`
	DecidedAt     *time.Time `json:"decided_at"`
	DecidedBy     string     `json:"decided_by"`
	Expired       bool       `json:"expired"`
	DisputeReason string     `json:"dispute_reason"`
	ReversedAt    *time.Time `json:"reversed_at"`
	ReverseReason string     `json:"reverse_reason"`
}

func toAPIClaim(c sales.Claim) apiClaim {
	out := apiClaim{ID: c.ID, EngagementID: c.EngagementID, Kind: string(c.Kind), SubjectID: c.SubjectID, SubjectName: c.SubjectName,
		Note: c.Note, HeldAt: timePtr(c.HeldAt), RevenueMinor: c.Revenue.Amount, Currency: c.Revenue.Currency, Attempt: c.Attempt,
		Status: string(c.Status), ClaimantID: c.ClaimantID, ClaimantName: c.ClaimantName, ClaimedAt: c.ClaimedAt,
		WindowEnds: c.WindowEnds, DecidedAt: timePtr(c.DecidedAt), DecidedBy: c.DeciderName, Expired: c.Expired,
		DisputeReason: c.DisputeReason, ReversedAt: timePtr(c.ReversedAt), ReverseReason: c.ReverseReason}
	if !c.OpenedOn.IsZero() {
		s := c.OpenedOn.String()
		out.OpenedOn = &s
	}
	return out
}

func (s *server) apiSalesClaims(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cs, err := s.db.Claims().List(r.Context(), state(r).principal, id, store.ClaimFilter{Status: sales.ClaimStatus(r.URL.Query().Get("status"))})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wholeList(cs, toAPIClaim))
	return nil
}

// apiClaimInput is a new claim: a meeting's time and a deal's opening day
// come from the subject; a deal's revenue defaults to its amount.
type apiClaimInput struct {
	Kind         string `json:"kind"`
	SubjectID    int64  `json:"subject_id"`
	Note         string `json:"note"`
	RevenueMinor int64  `json:"revenue_minor"`
}

func (s *server) apiSalesClaimCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in apiClaimInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n := sales.NewClaim{Kind: sales.ClaimKind(in.Kind), SubjectID: in.SubjectID, Note: in.Note, Revenue: in.RevenueMinor}
	c, err := s.db.Claims().Create(r.Context(), state(r).principal, id, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIClaim(*c))
	return nil
}

type apiReasonInput struct {
	Reason string `json:"reason"`
}

func (s *server) apiSalesClaimDecide(d sales.Decision) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		eid, cid, err := claimIDs(r)
		if err != nil {
			return err
		}
		var in apiReasonInput
		if d == sales.Accept {
			err = decodeOptionalJSON(w, r, &in)
		} else {
			err = decodeJSON(w, r, &in)
		}
		if err != nil {
			return err
		}
		c, err := s.db.Claims().Decide(r.Context(), state(r).principal, eid, cid, d, in.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toAPIClaim(*c))
		return nil
	}
}

func (s *server) apiSalesClaimReverse(w http.ResponseWriter, r *http.Request) error {
	eid, cid, err := claimIDs(r)
	if err != nil {
		return err
	}
	var in apiReasonInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.db.Claims().Reverse(r.Context(), state(r).principal, eid, cid, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIClaim(*c))
	return nil
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Deals and the pipeline: the board of an engagement (a column per stage,
// cards moved by the "move to stage" control or by drag-and-drop), a deal's
// page with its stage history, the deal form reached from an account's
// page, and the funnel. Stages are shown by contract.StageLabel, lost
// reasons by contract.LostReasonLabel: never a raw key.

func dealsBase(engagementID int64) string { return recordPath("/engagements", engagementID) + "/sales" }
func boardPath(engagementID int64) string { return dealsBase(engagementID) + "/board" }
func funnelPath(engagementID int64) string {
	return dealsBase(engagementID) + "/funnel"
}
func dealPath(engagementID, dealID int64) string {
	return dealsBase(engagementID) + "/deals/" + strconv.FormatInt(dealID, 10)
}

// dealIDs reads {id} and {deal}; a malformed one is "not found".
func dealIDs(r *http.Request) (engagementID, dealID int64, err error) {
	if engagementID, err = pathID(r); err != nil {
		return 0, 0, err
	}
	dealID, err = strconv.ParseInt(r.PathValue("deal"), 10, 64)
	if err != nil || dealID <= 0 {
		return 0, 0, tandem.ErrNotFound
	}
	return engagementID, dealID, nil
}

// loadDealOf reads a deal p may see on engagementID: a deal of another
// engagement is "not found" at this address.
func (s *server) loadDealOf(r *http.Request, engagementID, dealID int64) (*store.DealPage, error) {
	d, err := s.db.Deals().Get(r.Context(), state(r).principal, dealID)
	if err != nil {
		return nil, err
	}
	if d.Deal.EngagementID != engagementID {
		return nil, tandem.ErrNotFound
	}
	return d, nil
}

func stageOptions(l *i18n.Localizer, s *contract.Sales) []views.Option {
	out := make([]views.Option, len(s.Stages))
	for i, st := range s.Stages {
		out[i] = views.Option{Value: st.Key, Label: contract.StageLabel(l, st)}
	}
	return out
}

func lostReasonOptions(l *i18n.Localizer, s *contract.Sales) []views.Option {
	out := []views.Option{{Value: "", Label: l.T("deals.no_reason")}}
	for _, r := range s.LostReasons {
		out = append(out, views.Option{Value: r, Label: contract.LostReasonLabel(l, r)})
	}
	return out
}

// stageLabelOf labels a stage key of s; a key the terms no longer have
// shows as it was named.
func stageLabelOf(l *i18n.Localizer, s *contract.Sales, key string) string {
	if st, ok := s.Stage(key); ok {
		return contract.StageLabel(l, st)
	}
	return contract.StageLabel(l, contract.Stage{Key: key})
}

func agentOptions(l *i18n.Localizer, agents []store.AssignAgent, allKey string) []views.Option {
	out := []views.Option{{Value: "", Label: l.T(allKey)}}
	for _, a := range agents {
		out = append(out, views.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name})
	}
	return out
}

func moneys(l *i18n.Localizer, ms []money.Money) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = l.Money(m)
	}
	return strings.Join(parts, " · ")
}

func (s *server) dealsBoard(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.BoardFilter{OwnerID: formID(q.Get("agent")), Stage: q.Get("stage")}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	b, err := s.db.Deals().Board(r.Context(), p, id, f)
	if err != nil {
		return err
	}
	back := url.Values{}
	if f.OwnerID != 0 {
		back.Set("agent", strconv.FormatInt(f.OwnerID, 10))
	}
	d := views.BoardData{Engagement: b.Engagement, Stages: stageOptions(l, b.Sales), Agents: agentOptions(l, b.Agents, "deals.all_agents"),
		Agent: q.Get("agent"), CanMove: access.Allows(p.Role, access.DealsWrite), Back: boardPath(id), Script: s.assets.url("board.js"),
		FunnelURL: funnelPath(id), LostStages: lostStages(b.Sales)}
	if access.Allows(p.Role, access.SalesWrite) {
		d.ImportURL = "/engagements/" + strconv.FormatInt(id, 10) + "/sales/import"
	}
	canClaim := access.Allows(p.Role, access.SalesClaim) && b.Engagement.Live()
	if len(back) > 0 {
		d.Back += "?" + back.Encode()
	}
	if len(b.Agents) < 2 {
		d.Agents = nil // one agent, or none: nothing to filter by
	}
	for _, c := range b.Columns {
		col := views.BoardColumn{Key: c.Stage.Key, Label: contract.StageLabel(l, c.Stage), Meaning: c.Stage.Meaning, Count: c.Count,
			Weighted: moneys(l, c.Weighted), Sum: moneys(l, c.Sums)}
		if c.Count == 0 {
			col.Weighted = l.Money(money.New(0, b.Currency))
		}
		for _, x := range c.Deals {
			card := views.DealCard{ID: x.ID, URL: dealPath(id, x.ID), Title: x.Title, Account: x.AccountName,
				AccountURL: salesAccountPath(x.AccountID), Amount: l.Money(x.Amount), Owner: x.OwnerName,
				NoNextStep: x.NoNextStep(b.Sales, b.Today), Stage: x.Stage, MoveURL: dealPath(id, x.ID) + "/stage"}
			if !x.NextStepOn.IsZero() {
				card.NextStep = l.Date(x.NextStepOn.Time())
			}
			if canClaim && c.Stage.Meaning == contract.StageWon && !b.Claimed[x.ID] {
				card.ClaimURL = salesClaimsPath(id)
			}
			col.Cards = append(col.Cards, card)
		}
		offset := 0
		if f.Stage == c.Stage.Key {
			offset = f.Offset
		}
		if offset+len(c.Deals) < c.Count {
			more := url.Values{"stage": {c.Stage.Key}, "offset": {strconv.Itoa(offset + len(c.Deals))}}
			if f.OwnerID != 0 {
				more.Set("agent", strconv.FormatInt(f.OwnerID, 10))
			}
			col.MoreURL = boardPath(id) + "?" + more.Encode() + "#col-" + c.Stage.Key
		}
		d.Columns = append(d.Columns, col)
	}
	return s.page(w, r, views.DealBoard(s.nav(r, l.T("deals.board.title"), "engagements"), d))
}

func (s *server) dealShow(w http.ResponseWriter, r *http.Request) error {
	eid, did, err := dealIDs(r)
	if err != nil {
		return err
	}
	dp, err := s.loadDealOf(r, eid, did)
	if err != nil {
		return err
	}
	s.renderDeal(w, r, http.StatusOK, dp, views.Form{Values: url.Values{"stage": {dp.Deal.Stage}}})
	return nil
}

func (s *server) renderDeal(w http.ResponseWriter, r *http.Request, status int, dp *store.DealPage, move views.Form) {
	st := state(r)
	p, l := st.principal, st.loc
	x := dp.Deal
	stage, _ := dp.Sales.Stage(x.Stage)
	d := views.DealPageData{Engagement: dp.Engagement, ID: x.ID, Title: x.Title, StageLabel: stageLabelOf(l, dp.Sales, x.Stage),
		Meaning: stage.Meaning, NoNextStep: x.NoNextStep(dp.Sales, dp.Today), CanMove: access.Allows(p.Role, access.DealsWrite),
		BoardURL: boardPath(x.EngagementID),
		Move: views.DealMoveData{Form: move, Action: dealPath(x.EngagementID, x.ID) + "/stage", Stages: stageOptions(l, dp.Sales),
			LostReasons: lostReasonOptions(l, dp.Sales), Back: dealPath(x.EngagementID, x.ID), LostStages: lostStages(dp.Sales)}}
	if d.NoNextStep {
		d.NextStepWas = nextStepWas(l, x.NextStepOn)
	}
	if access.Allows(p.Role, access.SalesClaim) && dp.Engagement.Live() && stage.Meaning == contract.StageWon && !dp.Claimed {
		d.ClaimURL = salesClaimsPath(x.EngagementID)
	}
	if d.CanMove {
		d.EditURL = dealPath(x.EngagementID, x.ID) + "/edit"
	}
	fact := func(key, v string) {
		if v != "" {
			d.Facts = append(d.Facts, views.SalesFact{Label: l.T(key), Value: v})
		}
	}
	fact("deals.field.account", x.AccountName)
	fact("deals.field.amount", l.Money(x.Amount))
	if !x.CloseOn.IsZero() {
		fact("deals.field.close_on", l.Date(x.CloseOn.Time()))
	}
	fact("deals.field.owner", x.OwnerName)
	fact("deals.field.next_step", x.NextStep)
	if !x.NextStepOn.IsZero() {
		fact("deals.field.next_step_on", l.Date(x.NextStepOn.Time()))
	}
	if x.LostReason != "" {
		fact("deals.field.lost_reason", contract.LostReasonLabel(l, x.LostReason))
	}
	fact("deals.field.created", l.DateTime(x.CreatedAt))
	if !x.ClosedAt.IsZero() {
		fact("deals.field.closed", l.DateTime(x.ClosedAt))
	}
	for _, m := range dp.Moves {
		row := views.DealHistoryRow{At: l.DateTime(m.At), To: stageLabelOf(l, dp.Sales, m.To), Who: m.UserName}
		if m.From == "" {
			row.From = l.T("deals.created")
		} else {
			row.From = stageLabelOf(l, dp.Sales, m.From)
		}
		if m.LostReason != "" {
			row.Reason = contract.LostReasonLabel(l, m.LostReason)
		}
		d.History = append(d.History, row)
	}
	s.render(w, r, status, views.DealPage(s.nav(r, x.Title, "engagements"), d))
}

// localBack is where a form returns to: a path of this application below
// the engagement's sales pages, or def.
func localBack(back string, engagementID int64, def string) string {
	if strings.HasPrefix(back, dealsBase(engagementID)+"/") && !strings.Contains(back, "//") {
		return back
	}
	return def
}

// dealMove moves a deal by the "move to stage" control or a drop on the
// board (the same form). A refused move — a lost stage without a reason —
// shows the move form on a page of its own, with the reason asked for.
func (s *server) dealMove(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	eid, did, err := dealIDs(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	dp, err := s.loadDealOf(r, eid, did)
	if err != nil {
		return err
	}
	back := localBack(f.Get("back"), eid, dealPath(eid, did))
	if _, err := s.db.Deals().Move(r.Context(), st.principal, did, f.Get("stage"), f.Get("lost_reason")); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		l := st.loc
		md := views.DealMoveData{Form: f, Action: dealPath(eid, did) + "/stage", Stages: stageOptions(l, dp.Sales),
			LostReasons: lostReasonOptions(l, dp.Sales), Back: back, LostStages: lostStages(dp.Sales)}
		s.render(w, r, invalidStatus(err), views.DealMove(s.nav(r, l.T("deals.move_title"), "engagements"), dp.Deal.Title, md))
		return nil
	}
	return redirect(w, r, back)
}

// dealFromForm reads the deal form; the amount in the reader's notation.
func dealFromForm(l *i18n.Localizer, f views.Form, currency string) (*sales.Deal, error) {
	var v tandem.Validator
	d := &sales.Deal{AccountID: formID(f.Get("account_id")), Title: f.Get("title"), Stage: f.Get("stage"),
		OwnerID: formID(f.Get("owner_id")), NextStep: f.Get("next_step")}
	if a := strings.TrimSpace(f.Get("amount")); a != "" {
		n, err := money.ParseAmount(a, currency, decimalSep(l))
		if err != nil {
			v.Add("amount", i18n.K("validation.number"))
		}
		d.Amount = money.New(n, currency)
	}
	for name, dst := range map[string]*tandem.Date{"close_on": &d.CloseOn, "next_step_on": &d.NextStepOn} {
		if x := strings.TrimSpace(f.Get(name)); x != "" {
			t, err := tandem.ParseDate(x)
			if err != nil {
				v.Add(name, i18n.K("validation.date"))
			}
			*dst = t
		}
	}
	return d, v.Err()
}

func (s *server) dealFormData(r *http.Request, pt *store.PipelineTerms, f views.Form, action, cancel, account string, adding bool) (views.DealFormData, error) {
	l := state(r).loc
	agents, err := s.db.Deals().Owners(r.Context(), state(r).principal, pt.Engagement.ID)
	if err != nil {
		return views.DealFormData{}, err
	}
	d := views.DealFormData{Form: f, Action: action, Cancel: cancel, Account: account, Currency: pt.Currency,
		Owners: agentOptions(l, agents, "deals.no_owner")}
	if adding {
		d.Stages = stageOptions(l, pt.Sales)
	}
	return d, nil
}

func (s *server) dealNew(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	pt, err := s.db.Deals().Pipeline(r.Context(), p, eid)
	if err != nil {
		return err
	}
	a, err := s.db.Sales().Account(r.Context(), p, formID(r.URL.Query().Get("account")))
	if err != nil {
		return err
	}
	if a.EngagementID != eid {
		return tandem.ErrNotFound
	}
	owner := sales.DefaultOwner(p, a)
	f := views.Form{Values: url.Values{"account_id": {strconv.FormatInt(a.ID, 10)}}}
	if first, ok := pt.Sales.FirstOpen(); ok {
		f.Values.Set("stage", first.Key)
	}
	if owner != 0 {
		f.Values.Set("owner_id", strconv.FormatInt(owner, 10))
	}
	d, err := s.dealFormData(r, pt, f, dealsBase(eid)+"/deals", salesAccountPath(a.ID), a.Name, true)
	if err != nil {
		return err
	}
	return s.page(w, r, views.DealForm(s.nav(r, l.T("deals.new"), "engagements"), d))
}

func (s *server) dealCreate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	eid, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pt, err := s.db.Deals().Pipeline(r.Context(), p, eid)
	if err != nil {
		return err
	}
	d, err := dealFromForm(l, f, pt.Currency)
	if err == nil {
		d.EngagementID = eid
		err = s.db.Deals().Create(r.Context(), p, d)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		account := ""
		if a, aerr := s.db.Sales().Account(r.Context(), p, formID(f.Get("account_id"))); aerr == nil {
			account = a.Name
		}
		fd, ferr := s.dealFormData(r, pt, f, dealsBase(eid)+"/deals", salesAccountPath(formID(f.Get("account_id"))), account, true)
		if ferr != nil {
			return ferr
		}
		s.render(w, r, invalidStatus(err), views.DealForm(s.nav(r, l.T("deals.new"), "engagements"), fd))
		return nil
	}
	return redirect(w, r, dealPath(eid, d.ID))
}

func (s *server) dealEdit(w http.ResponseWriter, r *http.Request) error {
	l := state(r).loc
	eid, did, err := dealIDs(r)
	if err != nil {
		return err
	}
	dp, err := s.loadDealOf(r, eid, did)
	if err != nil {
		return err
	}
	x := dp.Deal
	f := views.Form{Values: url.Values{"account_id": {strconv.FormatInt(x.AccountID, 10)}, "title": {x.Title},
		"amount": {l.Decimal(x.Amount.Amount, money.MinorDigits(x.Amount.Currency))}, "next_step": {x.NextStep}}}
	if x.OwnerID != 0 {
		f.Values.Set("owner_id", strconv.FormatInt(x.OwnerID, 10))
	}
	if !x.CloseOn.IsZero() {
		f.Values.Set("close_on", x.CloseOn.String())
	}
	if !x.NextStepOn.IsZero() {
		f.Values.Set("next_step_on", x.NextStepOn.String())
	}
	d, err := s.dealFormData(r, dp.PipelineTerms, f, dealPath(eid, did), dealPath(eid, did), x.AccountName, false)
	if err != nil {
		return err
	}
	return s.page(w, r, views.DealForm(s.nav(r, x.Title, "engagements"), d))
}

func (s *server) dealUpdate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	eid, did, err := dealIDs(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	dp, err := s.loadDealOf(r, eid, did)
	if err != nil {
		return err
	}
	d, err := dealFromForm(st.loc, f, dp.Deal.Amount.Currency)
	if err == nil {
		d.ID = did
		err = s.db.Deals().Update(r.Context(), st.principal, d)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		fd, ferr := s.dealFormData(r, dp.PipelineTerms, f, dealPath(eid, did), dealPath(eid, did), dp.Deal.AccountName, false)
		if ferr != nil {
			return ferr
		}
		s.render(w, r, invalidStatus(err), views.DealForm(s.nav(r, dp.Deal.Title, "engagements"), fd))
		return nil
	}
	return redirect(w, r, dealPath(eid, did))
}

// accountDeals is the Deals section of an account's page: its deals the
// reader sees, and adding one when the account is on an engagement and
// the reader may.
func (s *server) accountDeals(r *http.Request, a *sales.Account) (*views.AccountDealsData, error) {
	st := state(r)
	p, l := st.principal, st.loc
	if a.EngagementID == 0 || !access.Allows(p.Role, access.DealsRead) {
		return nil, nil
	}
	pt, err := s.db.Deals().Pipeline(r.Context(), p, a.EngagementID)
	if err != nil {
		return nil, err
	}
	ds, _, err := s.db.Deals().List(r.Context(), p, tandem.Page{Limit: sales.MaxDealPage}, store.DealFilter{AccountID: a.ID})
	if err != nil {
		return nil, err
	}
	out := &views.AccountDealsData{Rows: []views.DealRow{}}
	for _, x := range ds {
		row := views.DealRow{URL: dealPath(x.EngagementID, x.ID), Title: x.Title,
			Stage: stageLabelOf(l, pt.Sales, x.Stage), Amount: l.Money(x.Amount), Owner: x.OwnerName, NoNextStep: x.NoNextStep(pt.Sales, pt.Today)}
		if row.NoNextStep {
			row.NextStepWas = nextStepWas(l, x.NextStepOn)
		}
		out.Rows = append(out.Rows, row)
	}
	if access.Allows(p.Role, access.DealsWrite) {
		out.NewURL = fmt.Sprintf("%s/deals/new?account=%d", dealsBase(a.EngagementID), a.ID)
	}
	return out, nil
}

func (s *server) dealsFunnel(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ff := store.FunnelFilter{Month: q.Get("month"), OwnerID: formID(q.Get("agent"))}
	fu, err := s.db.Deals().Funnel(r.Context(), p, id, ff)
	if err != nil {
		return err
	}
	d := views.FunnelData{Engagement: fu.Engagement, Deals: fu.Deals, Month: ff.Month, Agent: q.Get("agent"),
		Agents: agentOptions(l, fu.Agents, "deals.all_agents"), BoardURL: boardPath(id),
		Months: []views.Option{{Value: "", Label: l.T("deals.funnel.all_months")}}}
	if len(fu.Agents) < 2 {
		d.Agents = nil
	}
	for _, m := range fu.Months {
		t, _ := tandem.ParseDate(m + "-01")
		d.Months = append(d.Months, views.Option{Value: m, Label: l.Month(t.Time())})
	}
	maxReached := 0
	for _, step := range fu.Steps {
		maxReached = max(maxReached, step.Reached)
	}
	var desc []string
	for i, step := range fu.Steps {
		b := views.FunnelBar{Label: contract.StageLabel(l, step.Stage), Reached: step.Reached, Y: i * 52}
		if maxReached > 0 {
			b.Width = 360 * step.Reached / maxReached
		}
		if i+1 < len(fu.Steps) {
			if num, den := step.Conversion(); den > 0 {
				b.Conversion = l.Percent(num, den, 0)
			} else {
				b.Conversion = l.T("deals.funnel.no_data")
			}
		}
		desc = append(desc, l.T("deals.funnel.step_desc", "stage", b.Label, "n", step.Reached))
		d.Bars = append(d.Bars, b)
	}
	d.Height = len(d.Bars)*52 + 8
	d.Desc = l.N("deals.funnel.desc", int64(fu.Deals)) + " " + strings.Join(desc, "; ")
	return s.page(w, r, views.DealFunnel(s.nav(r, l.T("deals.funnel.title"), "engagements"), d))
}

// lostStages are the keys of the lost stages of s, comma-separated: a
// move form asks before it moves a deal into one (app.js).
func lostStages(s *contract.Sales) string {
	var out []string
	for _, st := range s.Stages {
		if st.Meaning == contract.StageLost {
			out = append(out, st.Key)
		}
	}
	return strings.Join(out, ",")
}

// nextStepWas is the date of a deal's next step that has passed, for the
// flag "next step overdue"; "" when it never had one (views.nextStepFlag).
func nextStepWas(l *i18n.Localizer, on tandem.Date) string {
	if on.IsZero() {
		return ""
	}
	return l.Date(on.Time())
}

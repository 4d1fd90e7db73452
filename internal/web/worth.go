package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
	"github.com/tandemhq/tandem/internal/worth"
)

// Is it worth it: an engagement's budget against its actual cost month by
// month, cost per result, return on the money, and the in-house
// comparison (package worth computes, the store reads and keeps budgets
// and the calculator).

// worthMonths is how many months the page and the API show.
const worthMonths = 6

func worthPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/worth"
}

// worthCurrencies are the currencies the calculator offers.
var worthCurrencies = []string{"SEK", "RUB", "EUR"}

func (s *server) worthPage(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests (keptPage); a form sent back is shown afresh.
	return s.keptPage(w, r, func(r *http.Request) (templ.Component, error) {
		return s.worthPageView(r, views.Form{}, views.Form{})
	})
}

func (s *server) worthView(w http.ResponseWriter, r *http.Request, status int, budget, calc views.Form) error {
	return s.rendered(w, r, status)(s.worthPageView(r, budget, calc))
}

func (s *server) worthPageView(r *http.Request, budget, calc views.Form) (templ.Component, error) {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, err
	}
	o, err := s.db.Worth().Overview(ctx, p, e.ID, worthMonths)
	if err != nil {
		return nil, err
	}
	d := views.WorthData{Engagement: e, Budget: budget, Calc: calc, CanWrite: access.Allows(p.Role, access.WorthWrite)}
	dash := "—"
	for _, m := range o.Months {
		per, _ := invoice.ParsePeriod(m.Label, l.Location())
		cur := func(v int64) string { return l.Money(money.New(v, m.Currency)) }
		row := views.WorthMonth{Label: m.Label, Month: l.Month(per.Start), Budget: dash, Actual: dash, Variance: dash, Revenue: dash, ROI: dash}
		if m.HasBudget {
			row.Budget = cur(m.BudgetMinor)
		}
		if m.HasActual {
			row.Actual = cur(m.ActualMinor)
			if m.HasBudget {
				row.Variance = cur(worth.Variance(m.BudgetMinor, m.ActualMinor))
				row.Over = m.ActualMinor > m.BudgetMinor
			}
		}
		if m.HasRevenue {
			row.Revenue = cur(m.RevenueMinor)
		}
		if n, den, ok := worth.ROI(m.RevenueMinor, m.ActualMinor, m.HasRevenue && m.HasActual); ok {
			row.ROI = l.Percent(n, den, 1)
		}
		for _, u := range worth.Units {
			c := views.WorthCost{Unit: l.T("worth.unit." + u), Count: l.Int(m.Results[u]), Cost: dash}
			if v, ok := worth.CostPer(m.ActualMinor, m.Results[u]); ok && m.HasActual {
				c.Cost = cur(v)
			}
			row.Costs = append(row.Costs, c)
		}
		d.Months = append(d.Months, row)
		d.MonthOptions = append([]views.Option{{Value: m.Label, Label: row.Month}}, d.MonthOptions...)
	}
	c := o.InHouse
	if preset := r.URL.Query().Get("preset"); preset != "" {
		if x, ok := worth.Preset(preset); ok {
			c = &x
		}
	}
	if c != nil {
		if cmp, ok := worth.Compare(o.Months, c); ok {
			cur := func(v int64) string { return l.Money(money.New(v, cmp.Currency)) }
			d.Compare = &views.WorthCompare{Months: l.N("worth.months", cmp.Months), InHouse: cur(cmp.InHouseMinor),
				Outsourced: cur(cmp.OutsourcedMinor), Saving: cur(cmp.SavingMinor()), Cheaper: cmp.SavingMinor() >= 0}
		} else {
			d.NotComparable = true
		}
	}
	if d.Calc.Values == nil && c != nil {
		digits := money.MinorDigits(c.Currency)
		d.Calc.Values = url.Values{"country": {c.Country}, "currency": {c.Currency}, "people": {l.Int(c.People)},
			"salary_minor": {l.Decimal(c.SalaryMinor, digits)}, "employer_bp": {l.Decimal(c.EmployerBP, 2)},
			"office_minor": {l.Decimal(c.OfficeMinor, digits)}, "hiring_minor": {l.Decimal(c.HiringMinor, digits)},
			"turnover_bp": {l.Decimal(c.TurnoverBP, 2)}, "management_minor": {l.Decimal(c.ManagementMinor, digits)}}
	}
	for _, k := range worth.Countries {
		d.Countries = append(d.Countries, views.Option{Value: k, Label: l.T("country." + strings.ToLower(k))})
	}
	for _, k := range worthCurrencies {
		d.Currencies = append(d.Currencies, views.Option{Value: k, Label: k})
	}
	return views.Worth(s.nav(r, l.T("worth.title"), "engagements"), d), nil
}

func (s *server) worthBudget(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	st := state(r)
	err = s.setBudget(r, e.ID, f.Get("month"), f.Get("amount"), decimalSep(st.loc))
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.worthView(w, r, invalidStatus(err), f, views.Form{})
	}
	return redirect(w, r, worthPath(e.ID))
}

// setBudget reads the amount in the currency of the engagement's months
// (any currency's minor digits: two for SEK, RUB, EUR) and sets it.
func (s *server) setBudget(r *http.Request, engagementID int64, month, amount string, sep rune) error {
	n, err := money.ParseFixed(amount, 2, sep)
	if err != nil {
		return invalidField("amount", "worth.bad_amount")
	}
	return s.db.Worth().SetBudget(r.Context(), state(r).principal, engagementID, month, n)
}

func (s *server) worthInHouse(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	c, err := parseInHouse(f, decimalSep(state(r).loc))
	if err == nil {
		err = s.db.Worth().SaveInHouse(r.Context(), state(r).principal, e.ID, c)
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.worthView(w, r, invalidStatus(err), views.Form{}, f)
	}
	return redirect(w, r, worthPath(e.ID)+"#inhouse")
}

// parseInHouse reads the calculator's form: amounts in the chosen
// currency, rates as percentages with two decimals.
func parseInHouse(f views.Form, sep rune) (worth.InHouse, error) {
	c := worth.InHouse{Country: f.Get("country"), Currency: f.Get("currency")}
	var v tandem.Validator
	digits := money.MinorDigits(c.Currency)
	read := func(field string, scale int, key string, dst *int64) {
		n, err := money.ParseFixed(f.Get(field), scale, sep)
		v.Check(err == nil, field, i18n.K(key))
		*dst = n
	}
	read("people", 0, "worth.bad_people", &c.People)
	read("salary_minor", digits, "worth.bad_amount", &c.SalaryMinor)
	read("employer_bp", 2, "worth.bad_rate", &c.EmployerBP)
	read("office_minor", digits, "worth.bad_amount", &c.OfficeMinor)
	read("hiring_minor", digits, "worth.bad_amount", &c.HiringMinor)
	read("turnover_bp", 2, "worth.bad_rate", &c.TurnoverBP)
	read("management_minor", digits, "worth.bad_amount", &c.ManagementMinor)
	if err := v.Err(); err != nil {
		return c, err
	}
	return c, nil
}

// apiWorthMonth is one month in the JSON API; amounts in minor units,
// null when undefined.
type apiWorthMonth struct {
	Month         string            `json:"month"`
	Currency      string            `json:"currency"`
	BudgetMinor   *int64            `json:"budget_minor"`
	ActualMinor   *int64            `json:"actual_minor"`
	VarianceMinor *int64            `json:"variance_minor"`
	Results       map[string]int64  `json:"results"`
	CostPerResult map[string]*int64 `json:"cost_per_result_minor"`
	RevenueMinor  *int64            `json:"revenue_minor"`
	ROI           *apiRatio         `json:"roi"`
}

// apiRatio is an exact ratio num/den.
type apiRatio struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

func ptr[T any](v T) *T { return &v }

func toAPIWorth(o *store.WorthOverview) map[string]any {
	months := make([]apiWorthMonth, 0, len(o.Months))
	for _, m := range o.Months {
		x := apiWorthMonth{Month: m.Label, Currency: m.Currency, Results: map[string]int64{}, CostPerResult: map[string]*int64{}}
		if m.HasBudget {
			x.BudgetMinor = ptr(m.BudgetMinor)
		}
		if m.HasActual {
			x.ActualMinor = ptr(m.ActualMinor)
			if m.HasBudget {
				x.VarianceMinor = ptr(worth.Variance(m.BudgetMinor, m.ActualMinor))
			}
		}
		if m.HasRevenue {
			x.RevenueMinor = ptr(m.RevenueMinor)
		}
		if n, d, ok := worth.ROI(m.RevenueMinor, m.ActualMinor, m.HasRevenue && m.HasActual); ok {
			x.ROI = &apiRatio{n, d}
		}
		for _, u := range worth.Units {
			x.Results[u] = m.Results[u]
			x.CostPerResult[u] = nil
			if v, ok := worth.CostPer(m.ActualMinor, m.Results[u]); ok && m.HasActual {
				x.CostPerResult[u] = ptr(v)
			}
		}
		months = append(months, x)
	}
	out := map[string]any{"months": months, "inhouse": nil, "comparison": nil}
	if c := o.InHouse; c != nil {
		out["inhouse"] = apiInHouse{c.Country, c.Currency, c.People, c.SalaryMinor, c.EmployerBP, c.OfficeMinor, c.HiringMinor,
			c.TurnoverBP, c.ManagementMinor}
		if cmp, ok := worth.Compare(o.Months, c); ok {
			out["comparison"] = map[string]any{"months": cmp.Months, "currency": cmp.Currency, "inhouse_minor": cmp.InHouseMinor,
				"outsourced_minor": cmp.OutsourcedMinor, "saving_minor": cmp.SavingMinor()}
		}
	}
	return out
}

// apiInHouse is the in-house calculator in the JSON API.
type apiInHouse struct {
	Country         string `json:"country"`
	Currency        string `json:"currency"`
	People          int64  `json:"people"`
	SalaryMinor     int64  `json:"salary_minor"`
	EmployerBP      int64  `json:"employer_bp"`
	OfficeMinor     int64  `json:"office_minor"`
	HiringMinor     int64  `json:"hiring_minor"`
	TurnoverBP      int64  `json:"turnover_bp"`
	ManagementMinor int64  `json:"management_minor"`
}

func (s *server) apiWorth(w http.ResponseWriter, r *http.Request) error {
	// Kept between requests like the page (kept).
	out, err := s.kept(r, func(r *http.Request) (any, error) {
		e, err := s.engagementOf(r)
		if err != nil {
			return nil, err
		}
		o, err := s.db.Worth().Overview(r.Context(), state(r).principal, e.ID, worthMonths)
		if err != nil {
			return nil, err
		}
		return toAPIWorth(o), nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) apiBudgetSet(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Month       string `json:"month"`
		AmountMinor int64  `json:"amount_minor"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.db.Worth().SetBudget(r.Context(), state(r).principal, e.ID, in.Month, in.AmountMinor); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *server) apiInHouseSave(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in apiInHouse
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c := worth.InHouse{Country: in.Country, Currency: in.Currency, People: in.People, SalaryMinor: in.SalaryMinor,
		EmployerBP: in.EmployerBP, OfficeMinor: in.OfficeMinor, HiringMinor: in.HiringMinor, TurnoverBP: in.TurnoverBP,
		ManagementMinor: in.ManagementMinor}
	if err := s.db.Worth().SaveInHouse(r.Context(), state(r).principal, e.ID, c); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// apiPortfolioWorth is an engagement's spend, cost per result and return
// on the portfolio API.
type apiPortfolioWorth struct {
	Months             int64     `json:"months"`
	Currency           string    `json:"currency"`
	SpendMinor         int64     `json:"spend_minor"`
	ResultUnit         string    `json:"result_unit"`
	Results            int64     `json:"results"`
	CostPerResultMinor *int64    `json:"cost_per_result_minor"`
	RevenueMinor       *int64    `json:"revenue_minor"`
	ROI                *apiRatio `json:"roi"`
}

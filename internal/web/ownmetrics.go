package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Own metric values: the page where the client enters them and the
// partner reports them, and the JSON API. The period is named by its kind
// and any day of it; the value is read with the metric's decimals (in the
// reader's number format on the page, with a dot in the API).

// metricName is how people read a metric: its name in the terms for an
// engagement's own metric, its catalogue label otherwise.
func metricName(l *i18n.Localizer, defs []contract.MetricDef, key string) string {
	if d := contract.FindMetric(defs, key); d != nil {
		return d.Name
	}
	return l.T(string(contract.MetricLabel(key)))
}

// parseValue reads a own metric value with scale decimals, or gives a field
// error on "value".
// enterValue enters the value typed for the metric's period; the store
// reads it with the decimals of the metric in force (ownmetric.Typed).
func (s *server) enterValue(r *http.Request, engagementID int64, metricKey, kind, day, value, note string, sep rune) (*ownmetric.Value, error) {
	v := &ownmetric.Value{EngagementID: engagementID, Metric: metricKey, PeriodKind: kind, Note: note, Typed: &ownmetric.Typed{Text: value, Sep: sep}}
	if day != "" {
		d, err := tandem.ParseDate(day)
		if err != nil {
			return nil, invalidField("period_start", "validation.date")
		}
		v.PeriodStart = d
	}
	return v, s.db.OwnMetrics.Enter(r.Context(), state(r).principal, v)
}

func (s *server) valuesPage(w http.ResponseWriter, r *http.Request) error {
	return s.valuesView(w, r, http.StatusOK, views.Form{}, 0, views.Form{})
}

func (s *server) valuesView(w http.ResponseWriter, r *http.Request, status int, enter views.Form, rejectID int64, reject views.Form) error {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	defs, err := s.db.OwnMetrics.MetricDefs(ctx, p, e.ID)
	if err != nil {
		return err
	}
	vals, err := s.db.OwnMetrics.Values(ctx, p, e.ID, "")
	if err != nil {
		return err
	}
	d := views.OwnMetricsData{Engagement: e, Enter: enter, RejectID: rejectID, Reject: reject, Client: ownmetric.CountsAtOnce(p.Side()),
		CanDecide: access.Allows(p.Role, access.Respond), Kinds: options(l, "scorecard.kind.", []string{kpi.Week, kpi.Month, kpi.Quarter}, "")}
	for _, m := range defs {
		row := views.MetricDefRow{Key: m.Key, Name: m.Name, Kind: l.T(string(contract.LabelKey("metric_kind", m.Kind)))}
		if m.Kind == contract.MetricKindManual {
			row.Detail = l.T(string(contract.LabelKey("metric_source", m.Source)))
			if b := metricBounds(l, &m); b != "" {
				row.Detail += " · " + b
			}
			if ownmetric.MayEnter(p.Side(), &m) == nil {
				d.Metrics = append(d.Metrics, views.Option{Value: m.Key, Label: m.Name})
			}
		} else {
			row.Detail = m.Formula
		}
		d.Defs = append(d.Defs, row)
	}
	d.CanEnter = access.Allows(p.Role, access.ValuesWrite) && e.Live() && len(d.Metrics) > 0
	if d.CanEnter && enter.Values == nil {
		d.Enter.Values = map[string][]string{"period": {kpi.Month}, "period_start": {tandem.DateOf(s.db.Now().In(l.Location())).String()}}
	}
	for _, v := range vals {
		per := kpi.PeriodOfDate(v.PeriodKind, v.PeriodStart, l.Location())
		row := views.ValueRow{ID: v.ID, Metric: metricName(l, defs, v.Metric), Period: periodLabel(l, per),
			Value: l.Decimal(v.Value, v.Scale), Note: v.Note, State: v.State, EnteredBy: v.EnteredByName, EnteredAt: l.DateTime(v.EnteredAt),
			DecidedBy: v.DecidedByName, Reason: v.Reason}
		if !v.DecidedAt.IsZero() {
			row.DecidedAt = l.DateTime(v.DecidedAt)
		}
		d.Values = append(d.Values, row)
	}
	s.render(w, r, status, views.OwnMetrics(s.nav(r, l.T("values.title"), "engagements"), d))
	return nil
}

func (s *server) valueEnter(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	v, err := s.enterValue(r, e.ID, f.Get("metric"), f.Get("period"), f.Get("period_start"), f.Get("value"), f.Get("note"), decimalSep(state(r).loc))
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.valuesView(w, r, invalidStatus(err), f, 0, views.Form{})
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/values#value-"+strconv.FormatInt(v.ID, 10))
}

// valueOf loads the {value} of the {id} engagement.
func (s *server) valueOf(r *http.Request, e *engagement.Engagement) (*ownmetric.Value, error) {
	id, err := subID(r, "value")
	if err != nil {
		return nil, err
	}
	return s.db.OwnMetrics.Value(r.Context(), state(r).principal, e.ID, id)
}

func (s *server) valueConfirm(w http.ResponseWriter, r *http.Request) error {
	return s.valueDecide(w, r, true)
}

func (s *server) valueReject(w http.ResponseWriter, r *http.Request) error {
	return s.valueDecide(w, r, false)
}

func (s *server) valueDecide(w http.ResponseWriter, r *http.Request, confirm bool) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	v, err := s.valueOf(r, e)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := state(r).principal
	if confirm {
		err = s.db.OwnMetrics.Confirm(r.Context(), p, v.ID)
	} else {
		err = s.db.OwnMetrics.Reject(r.Context(), p, v.ID, f.Get("reason"))
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.valuesView(w, r, invalidStatus(err), views.Form{}, v.ID, f)
	}
	return redirect(w, r, recordPath("/engagements", e.ID)+"/values#value-"+strconv.FormatInt(v.ID, 10))
}

// apiValue is a own metric value in the JSON API; value is a decimal string
// with a dot ("7.5"), exact.
type apiValue struct {
	ID          int64      `json:"id"`
	Engagement  int64      `json:"engagement_id"`
	Metric      string     `json:"metric"`
	Period      string     `json:"period"`
	PeriodStart string     `json:"period_start"`
	PeriodLabel string     `json:"period_label"`
	Value       string     `json:"value"`
	Note        string     `json:"note"`
	State       string     `json:"state"`
	Side        string     `json:"side"`
	EnteredBy   string     `json:"entered_by"`
	EnteredAt   time.Time  `json:"entered_at"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	FactID      int64      `json:"fact_id,omitempty"`
}

func toAPIValue(v *ownmetric.Value, loc *time.Location) apiValue {
	per := kpi.PeriodOfDate(v.PeriodKind, v.PeriodStart, loc)
	out := apiValue{ID: v.ID, Engagement: v.EngagementID, Metric: v.Metric, Period: v.PeriodKind, PeriodStart: v.PeriodStart.String(),
		PeriodLabel: per.String(), Value: decimalString(kpi.Fixed(v.Value, v.Scale), v.Scale), Note: v.Note, State: v.State, Side: string(v.Side),
		EnteredBy: v.EnteredByName, EnteredAt: v.EnteredAt, DecidedBy: v.DecidedByName, Reason: v.Reason, FactID: v.FactID}
	if !v.DecidedAt.IsZero() {
		t := v.DecidedAt
		out.DecidedAt = &t
	}
	return out
}

func (s *server) apiValueList(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	st := state(r)
	vals, err := s.db.OwnMetrics.Values(r.Context(), st.principal, e.ID, r.URL.Query().Get("metric"))
	if err != nil {
		return err
	}
	defs, err := s.db.OwnMetrics.MetricDefs(r.Context(), st.principal, e.ID)
	if err != nil {
		return err
	}
	out := make([]apiValue, len(vals))
	for i := range vals {
		out[i] = toAPIValue(&vals[i], st.loc.Location())
	}
	if defs == nil {
		defs = []contract.MetricDef{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "metrics": defs})
	return nil
}

// apiValueEnter enters a value. The engagement is not read first: the
// entry reads it in its own transaction, as the caller may see it, and
// answers 404 for one they may not (reading it here too cost a tenth of
// the request's CPU under load).
func (s *server) apiValueEnter(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Metric      string `json:"metric"`
		Period      string `json:"period"`
		PeriodStart string `json:"period_start"`
		Value       string `json:"value"`
		Note        string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.enterValue(r, id, in.Metric, in.Period, in.PeriodStart, in.Value, in.Note, '.')
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIValue(v, state(r).loc.Location()))
	return nil
}

func (s *server) apiValueConfirm(w http.ResponseWriter, r *http.Request) error {
	return s.apiValueDecide(w, r, true)
}

func (s *server) apiValueReject(w http.ResponseWriter, r *http.Request) error {
	return s.apiValueDecide(w, r, false)
}

func (s *server) apiValueDecide(w http.ResponseWriter, r *http.Request, confirm bool) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	v, err := s.valueOf(r, e)
	if err != nil {
		return err
	}
	// Confirming takes no fields; rejecting needs a reason.
	var in struct {
		Reason string `json:"reason"`
	}
	if confirm {
		err = decodeOptionalJSON(w, r, &struct{}{})
	} else {
		err = decodeJSON(w, r, &in)
	}
	if err != nil {
		return err
	}
	p := state(r).principal
	if confirm {
		err = s.db.OwnMetrics.Confirm(r.Context(), p, v.ID)
	} else {
		err = s.db.OwnMetrics.Reject(r.Context(), p, v.ID, in.Reason)
	}
	if err != nil {
		return err
	}
	if v, err = s.db.OwnMetrics.Value(r.Context(), p, e.ID, v.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIValue(v, state(r).loc.Location()))
	return nil
}

// metricBounds names the values a manual metric accepts ("from 1.0 to
// 5.0"), or "" when it has no bounds.
func metricBounds(l *i18n.Localizer, m *contract.MetricDef) string {
	fixed := func(v *int64) i18n.Fixed { return i18n.Fixed{V: *v, Scale: m.Scale} }
	switch {
	case m.Min != nil && m.Max != nil:
		return l.T("values.bounds.range", "min", fixed(m.Min), "max", fixed(m.Max))
	case m.Min != nil:
		return l.T("values.bounds.min", "min", fixed(m.Min))
	case m.Max != nil:
		return l.T("values.bounds.max", "max", fixed(m.Max))
	}
	return ""
}

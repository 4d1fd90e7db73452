package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// Values of manual metrics through the API: the client's count at once,
// the partner's once confirmed; bad input is refused with a field and a
// message in the caller's language and writes nothing; partner B sees
// nothing of A's engagement. By hand: satisfaction 4.2 against target 4.5
// and threshold 3.5 scores (4.2 − 3.5) / (4.5 − 3.5) × 100 = 70.00.
func TestAPIManualValues(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC))
			e := newEnvAt(t, dialect, clock.Now)
			f := e.f
			storetest.Activate(t, e.db, f.Owner, f.A1, func(terms *contract.Terms) {
				terms.Goals = []contract.Goal{{Key: "happy", Title: "Happy customers"}}
				lo, hi := int64(10), int64(50) // a 1–5 rating
				terms.Metrics = []contract.MetricDef{{Key: "satisfaction", Name: "Satisfaction", Kind: "manual", Source: "partner", Scale: 1, Min: &lo, Max: &hi}}
				terms.KPIs = []contract.KPI{{Key: "csat", GoalKey: "happy", Metric: "satisfaction", Name: "Satisfaction",
					Target: 45, Threshold: 35, Scale: 1, Direction: "higher", Weight: 1, Period: "month"}}
			})
			values := fmt.Sprintf("/api/v1/engagements/%d/values", f.A1)
			owner, vm, vmB := e.token(f.Owner), e.token(f.VendorManager), e.token(f.VendorManagerB)

			cases := []struct {
				name, lang, token, body string
				status                  int
				want                    string
			}{
				{"too many decimals", "", vm, `{"metric":"satisfaction","period":"month","period_start":"2026-05-02","value":"4.25"}`, 422,
					`{"field":"value","message":"Enter a number with at most 1 decimal, e.g. 7.5."}`},
				{"not a number, Swedish", "sv", vm, `{"metric":"satisfaction","period":"month","period_start":"2026-05-02","value":"fyra"}`, 422,
					`{"field":"value","message":"Ange ett tal med högst 1 decimal, t.ex. 7,5."}`},
				{"9 on a 1–5 scale", "", vm, `{"metric":"satisfaction","period":"month","period_start":"2026-05-02","value":"9"}`, 422,
					`{"field":"value","message":"Enter a value from 1.0 to 5.0."}`},
				{"0.5 on a 1–5 scale, Russian", "ru", owner, `{"metric":"satisfaction","period":"month","period_start":"2026-05-02","value":"0.5"}`, 422,
					`{"field":"value","message":"Введите значение от 1,0 до 5,0."}`},
				{"a future month", "", owner, `{"metric":"satisfaction","period":"month","period_start":"2026-06-01","value":"4"}`, 422,
					`{"field":"period_start","message":"This period has not begun yet."}`},
				{"a catalogue metric", "", owner, `{"metric":"csat","period":"month","period_start":"2026-05-01","value":"4"}`, 422,
					`"field":"metric"`},
				{"a bad period", "ru", owner, `{"metric":"satisfaction","period":"year","period_start":"2026-05-01","value":"4"}`, 422,
					`"field":"period"`},
				{"partner B", "", vmB, `{"metric":"satisfaction","period":"month","period_start":"2026-05-01","value":"4"}`, 404, `"code":"not_found"`},
			}
			for _, c := range cases {
				cl := e.anon()
				cl.lang = c.lang
				r := cl.api("POST", values, c.token, c.body)
				if r.status != c.status || !strings.Contains(r.body, c.want) {
					t.Errorf("%s: %d %s, want %d with %s", c.name, r.status, r.body, c.status, c.want)
				}
			}
			if r := e.anon().api("GET", values, vmB, ""); r.status != 404 {
				t.Errorf("partner B listed A1's values: %d", r.status)
			}
			var list struct {
				Items []struct {
					ID    int64  `json:"id"`
					Value string `json:"value"`
					State string `json:"state"`
				} `json:"items"`
			}
			r := e.anon().api("GET", values, owner, "")
			if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Items) != 0 {
				t.Fatalf("refused input was written: %s", r.body)
			}

			// The partner reports 4.2; the owner confirms it.
			r = e.anon().api("POST", values, vm, `{"metric":"satisfaction","period":"month","period_start":"2026-05-09","value":"4.2","note":"Survey"}`)
			if r.status != 201 || !strings.Contains(r.body, `"state":"pending"`) || !strings.Contains(r.body, `"value":"4.2"`) ||
				!strings.Contains(r.body, `"period_start":"2026-05-01"`) {
				t.Fatalf("report: %d %s", r.status, r.body)
			}
			var v struct {
				ID int64 `json:"id"`
			}
			_ = json.Unmarshal([]byte(r.body), &v)
			if r := e.anon().api("POST", fmt.Sprintf("%s/%d/confirm", values, v.ID), vm, ""); r.status != 403 {
				t.Errorf("the partner confirmed its own value: %d", r.status)
			}
			if r := e.anon().api("POST", fmt.Sprintf("%s/%d/reject", values, v.ID), owner, `{"reason":""}`); r.status != 422 || !strings.Contains(r.body, `"field":"reason"`) {
				t.Errorf("rejected without a reason: %d %s", r.status, r.body)
			}
			if r := e.anon().api("POST", fmt.Sprintf("%s/%d/confirm", values, v.ID), owner, ""); r.status != 200 || !strings.Contains(r.body, `"state":"confirmed"`) {
				t.Fatalf("confirm: %d %s", r.status, r.body)
			}
			r = e.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/scorecard?period=month&start=2026-05-01", f.A1), owner, "")
			if r.status != 200 || !strings.Contains(r.body, `"metric_label":"Satisfaction"`) || !strings.Contains(r.body, `"score":7000`) {
				t.Fatalf("scorecard: %d %s", r.status, r.body)
			}
			// The catalogue with the engagement's own metrics; none for partner B.
			r = e.anon().api("GET", fmt.Sprintf("/api/v1/metrics?engagement_id=%d", f.A1), vm, "")
			if r.status != 200 || !strings.Contains(r.body, `{"key":"satisfaction","label":"Satisfaction","activity":false,"has_source":true,"kinds":["manual.satisfaction.week","manual.satisfaction.month","manual.satisfaction.quarter"]`) ||
				!strings.Contains(r.body, `"own":"manual"`) {
				t.Errorf("metrics with own: %d %s", r.status, r.body)
			}
			if r := e.anon().api("GET", fmt.Sprintf("/api/v1/metrics?engagement_id=%d", f.A1), vmB, ""); r.status != 404 {
				t.Errorf("partner B read A1's own metrics: %d", r.status)
			}
			r = e.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/scorecard/csat?period=month&start=2026-05-01", f.A1), vm, "")
			if r.status != 200 || !strings.Contains(r.body, `"kind":"manual.satisfaction.month"`) {
				t.Fatalf("explain: %d %s", r.status, r.body)
			}
		})
	}
}

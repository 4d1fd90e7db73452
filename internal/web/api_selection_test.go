package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The selection API's answer, as far as the tests read it.
type apiSelTest struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Criteria []struct {
		ID     int64  `json:"id"`
		Code   string `json:"code"`
		Name   string `json:"name"`
		Label  string `json:"label"`
		Weight int    `json:"weight"`
	} `json:"criteria"`
	Reviewers []struct {
		UserID       int64  `json:"user_id"`
		MembershipID *int64 `json:"membership_id"`
	} `json:"reviewers"`
	Results []struct {
		PartnerID int64 `json:"partner_id"`
		Rank      *int  `json:"rank"`
		Reviews   int   `json:"reviews"`
		Totals    []struct {
			UserID   int64          `json:"user_id"`
			Complete bool           `json:"complete"`
			Total    *apiFigureTest `json:"total"`
		} `json:"totals"`
		Median *apiFigureTest `json:"median"`
		Spread *apiFigureTest `json:"spread"`
	} `json:"results"`
	MyScores []struct {
		PartnerID   int64 `json:"partner_id"`
		CriterionID int64 `json:"criterion_id"`
		Score       int   `json:"score"`
	} `json:"my_scores"`
	Decision *struct {
		PartnerID int64  `json:"partner_id"`
		Reason    string `json:"reason"`
	} `json:"decision"`
}

type apiFigureTest struct {
	Value      string `json:"value"`
	Hundredths int64  `json:"hundredths"`
}

func (f *apiFigureTest) String() string {
	if f == nil {
		return "null"
	}
	return fmt.Sprintf("%s/%d", f.Value, f.Hundredths)
}

func decodeSel(t *testing.T, r resp) apiSelTest {
	t.Helper()
	var x apiSelTest
	if err := json.Unmarshal([]byte(r.body), &x); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return x
}

func apiSelCount(t *testing.T, e *env) int {
	t.Helper()
	_, n, err := e.db.Selections.List(ctx, e.f.Owner, tandem.Page{}, "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Bad input is refused with field errors in the caller's language, and
// nothing is written.
func TestAPISelectionInvalid(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			owner := e.token(f.Owner)
			create := func(extra string) string {
				return fmt.Sprintf(`{"title":"Pick a call centre","candidates":[%d,%d],"reviewers":[%d,%d]%s}`,
					f.PartnerA, f.PartnerB, f.Owner.MembershipID, f.Manager.MembershipID, extra)
			}
			// One valid selection to score against.
			r := e.anon().api("POST", "/api/v1/selections", owner, create(""))
			if r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			sel := decodeSel(t, r)
			if len(sel.Criteria) != len(selection.DefaultCriteria()) || sel.Criteria[0].Code != "expertise_track_record" || sel.Criteria[0].Weight != 25 {
				t.Errorf("criteria left out are not the defaults: %+v", sel.Criteria)
			}
			crit := sel.Criteria[0].ID
			scores := fmt.Sprintf("/api/v1/selections/%d/scores", sel.ID)

			cases := []struct {
				name, lang, method, path, body string
				status                         int
				want                           []string
			}{
				{"weight 0, Swedish", "sv", "POST", "/api/v1/selections",
					create(`,"criteria":[{"name":"Kvalitet","weight":3},{"name":"Pris","weight":0}]`), 422,
					[]string{`"code":"invalid"`, `{"field":"criteria.1.weight","message":"Ange ett heltal från 1 till 100."}`}},
				{"unknown partner", "", "POST", "/api/v1/selections",
					fmt.Sprintf(`{"title":"x","candidates":[%d,%d],"reviewers":[%d]}`, f.PartnerA, f.OtherPartner, f.Owner.MembershipID), 422,
					[]string{`{"field":"candidates","message":"Choose a partner of this workspace."}`}},
				{"a partner's person as reviewer, with a blank title", "", "POST", "/api/v1/selections",
					fmt.Sprintf(`{"title":" ","candidates":[%d],"reviewers":[%d]}`, f.PartnerA, f.VendorManager.MembershipID), 422,
					[]string{`{"field":"reviewers","message":"Reviewers must be your own company's owners or managers."}`, `"field":"title"`}},
				{"unknown field", "", "POST", "/api/v1/selections", create(`,"budget":5`), 422,
					[]string{`{"field":"budget","message":"Unknown field."}`}},
				{"score 7", "", "PUT", scores,
					fmt.Sprintf(`{"scores":[{"partner_id":%d,"criterion_id":%d,"score":4},{"partner_id":%d,"criterion_id":%d,"score":7}]}`,
						f.PartnerA, crit, f.PartnerB, crit), 422,
					[]string{`{"field":"scores.1.score","message":"Choose a score from 1 to 5."}`}},
				{"score 7, Swedish", "sv", "PUT", scores,
					fmt.Sprintf(`{"scores":[{"partner_id":%d,"criterion_id":%d,"score":7}]}`, f.PartnerA, crit), 422,
					[]string{`{"field":"scores.0.score","message":"Välj ett betyg från 1 till 5."}`}},
				{"score for a partner who is not a candidate", "", "PUT", scores,
					fmt.Sprintf(`{"scores":[{"partner_id":%d,"criterion_id":%d,"score":3}]}`, f.OtherPartner, crit), 422,
					[]string{`"field":"scores.0.score"`}},
				{"the same score twice", "", "PUT", scores,
					fmt.Sprintf(`{"scores":[{"partner_id":%d,"criterion_id":%d,"score":3},{"partner_id":%d,"criterion_id":%d,"score":4}]}`,
						f.PartnerA, crit, f.PartnerA, crit), 422,
					[]string{`{"field":"scores.1","message":"Each entry may appear only once."}`}},
				{"decide for a non-candidate", "", "POST", fmt.Sprintf("/api/v1/selections/%d/decision", sel.ID),
					fmt.Sprintf(`{"partner_id":%d,"reason":""}`, f.OtherPartner), 422,
					[]string{`"field":"partner_id"`, `"field":"reason"`}},
			}
			for _, c := range cases {
				cl := e.anon()
				cl.lang = c.lang
				r := cl.api(c.method, c.path, owner, c.body)
				if r.status != c.status {
					t.Errorf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.body)
					continue
				}
				for _, w := range c.want {
					if !strings.Contains(r.body, w) {
						t.Errorf("%s: body lacks %s\n%s", c.name, w, r.body)
					}
				}
			}
			// Nothing was written: the one selection, no score, still open.
			if n := apiSelCount(t, e); n != 1 {
				t.Errorf("selections: %d, want 1", n)
			}
			if got, err := e.db.Selections.Scores(ctx, f.Owner, sel.ID); err != nil || len(got) != 0 {
				t.Errorf("scores: %v %v", got, err)
			}
			if x, err := e.db.Selections.Get(ctx, f.Owner, sel.ID); err != nil || x.Status != selection.StatusOpen {
				t.Errorf("selection after a refused decision: %v %v", x, err)
			}
		})
	}
}

// Create, two reviewers score, the results are the ones worked out by hand,
// and the decision closes the selection.
func TestAPISelectionFlow(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			// The second reviewer is a second manager: viewers only read.
			maja := secondManager(e)
			owner, viewer, manager, second := e.token(f.Owner), e.token(f.Viewer), e.token(f.Manager), e.token(maja)
			c := e.anon()

			// Reviewers are given as membership ids; the store keeps user ids.
			r := c.api("POST", "/api/v1/selections", owner, fmt.Sprintf(`{"title":"Nordic outbound","description":"Q3",
				"candidates":[%d,%d],"reviewers":[%d,%d],
				"criteria":[{"name":"Quality","weight":3},{"code":"price","weight":1}]}`,
				f.PartnerA, f.PartnerB, f.Owner.MembershipID, maja.MembershipID))
			if r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			sel := decodeSel(t, r)
			if want := fmt.Sprintf("/api/v1/selections/%d", sel.ID); r.location != want {
				t.Errorf("location %q, want %q", r.location, want)
			}
			if len(sel.Criteria) != 2 || sel.Criteria[0].Label != "Quality" || sel.Criteria[1].Code != "price" || sel.Criteria[1].Label == "" {
				t.Fatalf("criteria: %+v", sel.Criteria)
			}
			if len(sel.Reviewers) != 2 {
				t.Fatalf("reviewers: %+v", sel.Reviewers)
			}
			for _, rv := range sel.Reviewers {
				want := map[int64]int64{f.Owner.UserID: f.Owner.MembershipID, maja.UserID: maja.MembershipID}[rv.UserID]
				if rv.MembershipID == nil || *rv.MembershipID != want {
					t.Errorf("reviewer %d: membership %v, want %d", rv.UserID, rv.MembershipID, want)
				}
			}
			for _, res := range sel.Results {
				if res.Rank != nil || res.Median != nil {
					t.Errorf("unscored candidate has a standing: %+v", res)
				}
			}
			quality, price := sel.Criteria[0].ID, sel.Criteria[1].ID
			path := fmt.Sprintf("/api/v1/selections/%d", sel.ID)
			put := func(tok string, a, b [2]int) resp {
				return c.api("PUT", path+"/scores", tok, fmt.Sprintf(`{"scores":[
					{"partner_id":%d,"criterion_id":%d,"score":%d,"note":"seen the calls"},
					{"partner_id":%d,"criterion_id":%d,"score":%d},
					{"partner_id":%d,"criterion_id":%d,"score":%d},
					{"partner_id":%d,"criterion_id":%d,"score":%d}]}`,
					f.PartnerA, quality, a[0], f.PartnerA, price, a[1], f.PartnerB, quality, b[0], f.PartnerB, price, b[1]))
			}
			// The manager may score in general, but is not a reviewer here;
			// the viewer may not score at all.
			if r := put(manager, [2]int{5, 5}, [2]int{5, 5}); r.status != 403 {
				t.Errorf("manager scores: %d %s", r.status, r.body)
			}
			if r := put(viewer, [2]int{5, 5}, [2]int{5, 5}); r.status != 403 {
				t.Errorf("viewer scores: %d %s", r.status, r.body)
			}
			// Owner: A quality 5, price 3; B quality 2, price 4.
			if r := put(owner, [2]int{5, 3}, [2]int{2, 4}); r.status != 200 {
				t.Fatalf("owner scores: %d %s", r.status, r.body)
			}
			// Second: A quality 4, price 1; B quality 3, price 5.
			r = put(second, [2]int{4, 1}, [2]int{3, 5})
			if r.status != 200 {
				t.Fatalf("second manager scores: %d %s", r.status, r.body)
			}
			mine := decodeSel(t, r).MyScores
			if len(mine) != 4 {
				t.Errorf("second manager's own scores: %+v", mine)
			}

			// By hand: Σw = 4, so a total is 100·Σ w·(s−1) / 16.
			//   owner  A: 3·4 + 1·2 = 14 → 87.5     second A: 3·3 + 1·0 = 9  → 56.25
			//   owner  B: 3·1 + 1·3 = 6  → 37.5     second B: 3·2 + 1·4 = 10 → 62.5
			//   A: median (87.5 + 56.25)/2 = 71.875, spread 31.25
			//   B: median (37.5 + 62.5)/2  = 50,     spread 25
			// Rounded half up: 56.25 → "56.3", 71.875 → "71.9" and 7188 hundredths.
			got := decodeSel(t, c.api("GET", path, viewer, ""))
			if len(got.Results) != 2 {
				t.Fatalf("results: %+v", got.Results)
			}
			type want struct {
				partner        int64
				rank           int
				owner, second  string
				median, spread string
			}
			wants := []want{
				{f.PartnerA, 1, "87.5/8750", "56.3/5625", "71.9/7188", "31.3/3125"},
				{f.PartnerB, 2, "37.5/3750", "62.5/6250", "50.0/5000", "25.0/2500"},
			}
			for i, w := range wants {
				res := got.Results[i]
				if res.PartnerID != w.partner || res.Rank == nil || *res.Rank != w.rank || res.Reviews != 2 {
					t.Errorf("result %d: partner %d rank %v reviews %d, want partner %d rank %d", i, res.PartnerID, res.Rank, res.Reviews, w.partner, w.rank)
				}
				totals := map[int64]string{}
				for _, tt := range res.Totals {
					totals[tt.UserID] = tt.Total.String()
				}
				if totals[f.Owner.UserID] != w.owner || totals[maja.UserID] != w.second {
					t.Errorf("partner %d totals: %v, want owner %s second %s", w.partner, totals, w.owner, w.second)
				}
				if res.Median.String() != w.median || res.Spread.String() != w.spread {
					t.Errorf("partner %d: median %s spread %s, want %s %s", w.partner, res.Median, res.Spread, w.median, w.spread)
				}
			}

			// Clearing a score makes the owner's review of A incomplete.
			r = c.api("PUT", path+"/scores", owner, fmt.Sprintf(`{"scores":[{"partner_id":%d,"criterion_id":%d,"score":0}]}`, f.PartnerA, price))
			if r.status != 200 {
				t.Fatalf("clear: %d %s", r.status, r.body)
			}
			got = decodeSel(t, r)
			for _, res := range got.Results {
				if res.PartnerID == f.PartnerA && (res.Reviews != 1 || res.Median.String() != "56.3/5625" || res.Spread.String() != "0.0/0") {
					t.Errorf("A after clearing: reviews %d median %s spread %s", res.Reviews, res.Median, res.Spread)
				}
			}

			// The viewer may not decide; the owner does, and the selection closes.
			body := fmt.Sprintf(`{"partner_id":%d,"reason":"Best quality"}`, f.PartnerA)
			if r := c.api("POST", path+"/decision", viewer, body); r.status != 403 {
				t.Errorf("viewer decides: %d", r.status)
			}
			r = c.api("POST", path+"/decision", owner, body)
			if r.status != 200 {
				t.Fatalf("decide: %d %s", r.status, r.body)
			}
			if d := decodeSel(t, r); d.Status != "decided" || d.Decision == nil || d.Decision.PartnerID != f.PartnerA || d.Decision.Reason != "Best quality" {
				t.Errorf("decision: %s", r.body)
			}
			if r := put(second, [2]int{1, 1}, [2]int{1, 1}); r.status != 409 {
				t.Errorf("scoring a decided selection: %d %s", r.status, r.body)
			}
			if r := c.api("POST", path+"/decision", owner, body); r.status != 409 {
				t.Errorf("deciding twice: %d", r.status)
			}

			// The list, paged.
			r = c.api("GET", "/api/v1/selections?limit=1&status=decided", viewer, "")
			if r.status != 200 || !strings.Contains(r.body, `"total":1`) || !strings.Contains(r.body, `"title":"Nordic outbound"`) ||
				!strings.Contains(r.body, `"decided_partner_name":"Alpha Sales AB"`) || !strings.Contains(r.body, `"limit":1`) {
				t.Errorf("list: %d %s", r.status, r.body)
			}
		})
	}
}

// Evidence comes with file metadata and a download URL, never the bytes;
// partner people get 403 from every selection route, and what is not in
// the workspace is 404.
func TestAPISelectionEvidenceAndPartnerPeople(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			ev := &selection.Evidence{PartnerID: f.PartnerA, Kind: selection.KindIndependentRating, Title: "Trustpilot",
				Value: 45, HasValue: true, Verified: true}
			if err := e.db.Selections.AddEvidence(ctx, f.Owner, ev, "rating.txt", []byte("4.5 stars, secret-bytes")); err != nil {
				t.Fatal(err)
			}
			c := e.anon()
			viewer := e.token(f.Viewer)
			r := c.api("GET", fmt.Sprintf("/api/v1/partners/%d/evidence", f.PartnerA), viewer, "")
			for _, w := range []string{`"title":"Trustpilot"`, `"kind":"independent_rating"`, `"value":"4.5"`, `"value_tenths":45`,
				`"verified":true`, `"name":"rating.txt"`, `"content_type":"text/plain; charset=utf-8"`,
				fmt.Sprintf(`"download_url":"/evidence/%d/file"`, ev.ID)} {
				if !strings.Contains(r.body, w) {
					t.Errorf("evidence lacks %s: %d %s", w, r.status, r.body)
				}
			}
			if strings.Contains(r.body, "secret-bytes") {
				t.Errorf("evidence carries the file's bytes")
			}
			owner := e.token(f.Owner)
			for _, p := range []string{fmt.Sprintf("/api/v1/partners/%d/evidence", f.OtherPartner), "/api/v1/partners/999999/evidence",
				"/api/v1/selections/999999"} {
				if r := c.api("GET", p, owner, ""); r.status != 404 {
					t.Errorf("owner GET %s: %d, want 404", p, r.status)
				}
			}

			r = c.api("POST", "/api/v1/selections", owner, fmt.Sprintf(`{"title":"x","candidates":[%d],"reviewers":[%d]}`,
				f.PartnerA, f.Owner.MembershipID))
			if r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			id := decodeSel(t, r).ID
			for _, who := range []tandem.Principal{f.VendorManager, f.VendorAgent} {
				tok := e.token(who)
				for _, q := range []struct{ method, path, body string }{
					{"GET", "/api/v1/selections", ""},
					{"POST", "/api/v1/selections", fmt.Sprintf(`{"title":"mine","candidates":[%d],"reviewers":[%d]}`, f.PartnerA, who.MembershipID)},
					{"GET", fmt.Sprintf("/api/v1/selections/%d", id), ""},
					{"PUT", fmt.Sprintf("/api/v1/selections/%d/scores", id), `{"scores":[]}`},
					{"POST", fmt.Sprintf("/api/v1/selections/%d/decision", id), fmt.Sprintf(`{"partner_id":%d,"reason":"us"}`, f.PartnerA)},
					{"GET", fmt.Sprintf("/api/v1/partners/%d/evidence", f.PartnerA), ""},
					{"GET", fmt.Sprintf("/api/v1/partners/%d/evidence", f.PartnerB), ""},
				} {
					r := c.api(q.method, q.path, tok, q.body)
					if r.status != 403 {
						t.Errorf("%s %s %s: %d, want 403", who.Role, q.method, q.path, r.status)
					}
					if strings.Contains(r.body, "Trustpilot") || strings.Contains(r.body, `"title":"x"`) {
						t.Errorf("%s %s %s shows the client's selection data: %s", who.Role, q.method, q.path, r.body)
					}
				}
			}
			if n := apiSelCount(t, e); n != 1 {
				t.Errorf("selections: %d, want 1", n)
			}
		})
	}
}

package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The access rules of sales activities, in the matrix's order: owner,
// manager, viewer, partner manager, partner agent, anonymous. Everyone who
// may log (not the viewer) logs and has a Today; everyone reads what they
// may see; only the client's owner and manager review recordings.
var activityAccessMatrix = map[string]string{
	"POST /sales/accounts/{id}/activities":               "yynyys",
	"POST /sales/activities/{id}":                        "yynyys",
	"GET /sales/activities/{id}/files/{file}":            "yyyyys",
	"GET /sales/today":                                   "yynyys",
	"GET /engagements/{id}/sales/recordings":             "yynnns",
	"POST /engagements/{id}/sales/recordings/{activity}": "yynnns",
	"GET /api/v1/sales/accounts/{id}/activities":         "yyyyys",
	"POST /api/v1/sales/accounts/{id}/activities":        "yynyys",
	"POST /api/v1/engagements/{id}/activities/batch":     "yynyys",
}

func init() {
	for k, v := range activityAccessMatrix {
		accessMatrix[k] = v
	}
}

// An agent logs on their account in the page and the API, and gets the
// same 404 as for a missing account on an account not theirs or of
// another partner — to log and to read.
func TestSalesActivitiesScope(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newSalesEnv(t, dialect)
			f := s.f
			agent, tok := s.as(f.VendorAgent), s.token(f.VendorAgent)
			r := agent.post(fmt.Sprintf("/sales/accounts/%d/activities", s.mine), url.Values{"kind": {"call"}, "direction": {"out"},
				"outcome": {"decision_maker_reached"}, "duration": {"3:20"}, "notes": {"Karin asked us to call 070-987 65 43 on Monday"},
				"follow_up_days": {"2"}})
			if r.status != 303 {
				t.Fatalf("log a call: %d %s", r.status, r.body)
			}
			page := agent.get(fmt.Sprintf("/sales/accounts/%d", s.mine))
			for _, want := range []string{"Decision maker reached", "3:20", "Follow-up", "••"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("timeline lacks %q", want)
				}
			}
			if strings.Contains(page.body, "070-987 65 43") {
				t.Error("the timeline shows a full phone number")
			}
			// A bad form: the page again, with the message at the field.
			r = agent.post(fmt.Sprintf("/sales/accounts/%d/activities", s.mine), url.Values{"kind": {"call"}, "direction": {"out"}, "duration": {"3:99"}})
			if r.status != 422 || !strings.Contains(r.body, "minutes:seconds") {
				t.Errorf("bad call: %d", r.status)
			}
			missing := s.anon().api("GET", "/api/v1/sales/accounts/999999/activities", tok, "")
			for _, id := range []int64{s.teamOnly, s.otherPartner, s.unassigned} {
				path := fmt.Sprintf("/sales/accounts/%d/activities", id)
				if r := agent.post(path, url.Values{"kind": {"call"}, "outcome": {"busy"}}); r.status != 404 {
					t.Errorf("agent logged on %d: %d", id, r.status)
				}
				api := s.anon().api("GET", "/api/v1"+path, tok, "")
				if api.status != 404 || api.body != missing.body {
					t.Errorf("agent read %d: %d %s", id, api.status, api.body)
				}
				if r := s.anon().api("POST", "/api/v1"+path, tok, `{"kind":"call","outcome":"busy"}`); r.status != 404 {
					t.Errorf("agent logged on %d by API: %d", id, r.status)
				}
			}
			// The API: the agent's call and follow-up, notes masked.
			api := s.anon().api("GET", fmt.Sprintf("/api/v1/sales/accounts/%d/activities", s.mine), tok, "")
			var list struct {
				Items []struct {
					Kind, Outcome, Notes string
					DurationS            int64 `json:"duration_s"`
				}
			}
			if err := json.Unmarshal([]byte(api.body), &list); err != nil || len(list.Items) != 2 {
				t.Fatalf("list: %s", api.body)
			}
			if strings.Contains(api.body, "987 65 43") {
				t.Errorf("the API shows a full phone to the agent: %s", api.body)
			}
			var call bool
			for _, x := range list.Items {
				call = call || (x.Kind == "call" && x.DurationS == 200 && x.Outcome == "decision_maker_reached")
			}
			if !call {
				t.Errorf("no call of 200 s: %s", api.body)
			}
			// The follow-up is marked done once; a meeting is planned, then held.
			fu := regexp.MustCompile(`id="activity-(\d+)"[^>]*>\s*<div class="activity-head"><strong>Follow-up`).FindStringSubmatch(page.body)
			if fu == nil {
				t.Fatal("no follow-up on the timeline")
			}
			if r := agent.post("/sales/activities/"+fu[1], url.Values{"done": {"1"}}); r.status != 303 {
				t.Errorf("done: %d", r.status)
			}
			if r := agent.post("/sales/activities/"+fu[1], url.Values{"done": {"1"}}); r.status != 409 {
				t.Errorf("done twice: %d", r.status)
			}
			r = agent.post(fmt.Sprintf("/sales/accounts/%d/activities", s.mine), url.Values{"kind": {"meeting"}, "scheduled_at": {"2026-12-10T14:00"}})
			if r.status != 303 {
				t.Fatalf("plan a meeting: %d %s", r.status, r.body)
			}
			page = agent.get(fmt.Sprintf("/sales/accounts/%d", s.mine))
			mt := regexp.MustCompile(`id="activity-(\d+)"[^>]*>\s*<div class="activity-head"><strong>Meeting`).FindStringSubmatch(page.body)
			if mt == nil || !strings.Contains(page.body, "Planned") {
				t.Fatal("no planned meeting on the timeline")
			}
			if r := agent.post("/sales/activities/"+mt[1], url.Values{"status": {"held"}}); r.status != 303 {
				t.Errorf("held: %d", r.status)
			}
			if r := s.as(f.VendorManagerB).post("/sales/activities/"+mt[1], url.Values{"status": {"no_show"}}); r.status != 404 {
				t.Errorf("partner B changed A's meeting: %d", r.status)
			}
			// Partner B's manager cannot see A's activities.
			if r := s.anon().api("GET", fmt.Sprintf("/api/v1/sales/accounts/%d/activities", s.mine), s.token(f.VendorManagerB), ""); r.status != 404 {
				t.Errorf("partner B read A's activities: %d", r.status)
			}
		})
	}
}

// The batch API: JSON or NDJSON, all or nothing with errors by index, the
// same key replays the first answer, another body under it is refused.
func TestSalesActivityBatchAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newSalesEnv(t, dialect)
			f := s.f
			tok := s.token(f.VendorAgent)
			path := fmt.Sprintf("/api/v1/engagements/%d/activities/batch", f.A1)
			send := func(key, ctype, body string) resp {
				h := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": ctype}
				if key != "" {
					h["Idempotency-Key"] = key
				}
				return s.anon().do("POST", path, strings.NewReader(body), h)
			}
			// No key: refused, naming the header.
			if r := send("", "application/json", `[]`); r.status != 422 || !strings.Contains(r.body, `"field":"Idempotency-Key"`) {
				t.Errorf("no key: %d %s", r.status, r.body)
			}
			good := `[{"kind":"call","phone":"+46 70 123 45 12","outcome":"decision_maker_reached","duration_s":60},` +
				`{"kind":"call","phone":"0046701234512","outcome":"no_answer"}]`
			r := send("dialer-1", "application/json", good)
			if r.status != 201 || !strings.Contains(r.body, `"created":2`) {
				t.Fatalf("batch: %d %s", r.status, r.body)
			}
			again := send("dialer-1", "application/json", good)
			if again.status != 201 || again.body != r.body || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("replay: %d %s %v", again.status, again.body, again.header)
			}
			if r := send("dialer-1", "application/json", `[{"kind":"call","phone":"+46701234512","outcome":"busy"}]`); r.status != 422 ||
				!strings.Contains(r.body, `"field":"Idempotency-Key"`) {
				t.Errorf("key reused: %d %s", r.status, r.body)
			}
			// NDJSON with one bad line: nothing recorded, errors by index.
			nd := `{"kind":"call","phone":"+46701234512","outcome":"busy"}` + "\n\n" +
				`{"kind":"call","phone":"+46 8 999 999 99","outcome":"busy"}` + "\n" +
				`{"kind":"call","phone":"+46701234512","outcome":"busy","colour":"red"}` + "\n"
			bad := send("dialer-2", "application/x-ndjson", nd)
			var e struct {
				Error struct {
					Code   string
					Errors []struct {
						Index          int
						Field, Message string
					}
				}
			}
			if err := json.Unmarshal([]byte(bad.body), &e); err != nil || bad.status != 422 || len(e.Error.Errors) != 1 ||
				e.Error.Errors[0].Index != 2 || e.Error.Errors[0].Field != "colour" {
				t.Errorf("bad line: %d %s", bad.status, bad.body)
			}
			nd = strings.Replace(nd, `,"colour":"red"`, "", 1)
			bad = send("dialer-3", "application/x-ndjson", nd)
			if err := json.Unmarshal([]byte(bad.body), &e); err != nil || bad.status != 422 || len(e.Error.Errors) != 1 ||
				e.Error.Errors[0].Index != 1 || e.Error.Errors[0].Field != "phone" || !strings.Contains(e.Error.Errors[0].Message, "No contact") {
				t.Errorf("no match: %d %s", bad.status, bad.body)
			}
			api := s.anon().api("GET", fmt.Sprintf("/api/v1/sales/accounts/%d/activities", s.mine), tok, "")
			if n := strings.Count(api.body, `"kind":"call"`); n != 2 {
				t.Errorf("%d calls after the batches, want 2: %s", n, api.body)
			}
			// Another partner's engagement: 404.
			if r := s.anon().do("POST", fmt.Sprintf("/api/v1/engagements/%d/activities/batch", f.B1), strings.NewReader(good),
				map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json", "Idempotency-Key": "x"}); r.status != 404 {
				t.Errorf("B1: %d", r.status)
			}
		})
	}
}

// wav is the smallest WAV file: a RIFF header and no samples.
func wav() []byte {
	return []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00")
}

// An agent logs a call with its recording; the client listens on the
// engagement's recordings page and rates it; another partner cannot reach
// the file.
func TestSalesRecordingsToReview(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			s := newSalesEnv(t, dialect)
			f := s.f
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			for k, v := range map[string]string{"kind": "call", "direction": "out", "outcome": "decision_maker_reached", "duration": "1:05"} {
				mw.WriteField(k, v)
			}
			fw, _ := mw.CreateFormFile("recording", "call-0412.wav")
			fw.Write(wav())
			mw.Close()
			agent := s.as(f.VendorAgent)
			r := agent.do("POST", fmt.Sprintf("/sales/accounts/%d/activities", s.mine), &body, map[string]string{"Content-Type": mw.FormDataContentType()})
			if r.status != 303 {
				t.Fatalf("log with a recording: %d %s", r.status, r.body)
			}
			// A PDF is no recording.
			body.Reset()
			mw = multipart.NewWriter(&body)
			mw.WriteField("kind", "call")
			mw.WriteField("outcome", "busy")
			fw, _ = mw.CreateFormFile("recording", "offer.pdf")
			fw.Write([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"))
			mw.Close()
			if r := agent.do("POST", fmt.Sprintf("/sales/accounts/%d/activities", s.mine), &body, map[string]string{"Content-Type": mw.FormDataContentType()}); r.status != 422 {
				t.Errorf("a PDF as recording: %d", r.status)
			}
			mgr := s.as(f.Manager)
			page := mgr.get(fmt.Sprintf("/engagements/%d/sales/recordings", f.A1))
			m := regexp.MustCompile(`<audio[^>]* src="(/sales/activities/(\d+)/files/\d+)"`).FindStringSubmatch(page.body)
			if page.status != 200 || m == nil {
				t.Fatalf("recordings page: %d, no player", page.status)
			}
			// The page is one of the engagement's Sales pages, reached from
			// its navigation (the reviewers' only: not the agent's board).
			recordings := fmt.Sprintf(`href="/engagements/%d/sales/recordings" class="active" aria-current="page"`, f.A1)
			if !strings.Contains(page.body, recordings) {
				t.Errorf("the recordings page is not current in the engagement's navigation")
			}
			// The rating's scale says what its ends mean.
			if scale := html.EscapeString(catalog.For(i18n.EN, time.UTC).T("sales.recording.quality")); !strings.Contains(page.body, "<legend>"+scale+"</legend>") {
				t.Errorf("the rating's legend is not %q", scale)
			}
			if board := agent.get(fmt.Sprintf("/engagements/%d/sales/board", f.A1)); board.status != 200 || strings.Contains(board.body, "/sales/recordings") {
				t.Errorf("the agent's board (%d) links to the recordings", board.status)
			}
			if board := mgr.get(fmt.Sprintf("/engagements/%d/sales/board", f.A1)); !strings.Contains(board.body, fmt.Sprintf(`href="/engagements/%d/sales/recordings"`, f.A1)) {
				t.Errorf("the manager's board does not link to the recordings")
			}
			whole := agent.get(m[1])
			if whole.status != 200 || !strings.HasPrefix(whole.body, "RIFF") {
				t.Errorf("the agent's recording: %d", whole.status)
			}
			// A player reads the header for the length, then what it plays.
			if r := mgr.do("GET", m[1], nil, map[string]string{"Range": "bytes=0-3"}); r.status != 206 || r.body != "RIFF" ||
				r.header.Get("Content-Range") != fmt.Sprintf("bytes 0-3/%d", len(whole.body)) {
				t.Errorf("a range of the recording: %d %q %q", r.status, r.body, r.header.Get("Content-Range"))
			}
			if r := s.as(f.VendorManagerB).get(m[1]); r.status != 404 {
				t.Errorf("partner B reached the recording: %d", r.status)
			}
			if r := agent.get(fmt.Sprintf("/engagements/%d/sales/recordings", f.A1)); r.status != 403 {
				t.Errorf("the agent on the review page: %d", r.status)
			}
			rate := fmt.Sprintf("/engagements/%d/sales/recordings/%s", f.A1, m[2])
			if r := mgr.post(rate, url.Values{"quality": {"9"}}); r.status != 422 || !strings.Contains(r.body, "from 1 to 5") {
				t.Errorf("quality 9: %d", r.status)
			}
			if r := mgr.post(rate, url.Values{"quality": {"4"}, "comment": {"Good opening, rushed the close"}}); r.status != 303 {
				t.Fatalf("rate: %d %s", r.status, r.body)
			}
			page = mgr.get(fmt.Sprintf("/engagements/%d/sales/recordings", f.A1))
			if !strings.Contains(page.body, "Rated 4 of 5") || !strings.Contains(page.body, "Good opening, rushed the close") {
				t.Errorf("the rating is not shown")
			}
			es, _, err := s.db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "sales.call_rated"}, tandem.Page{Limit: 50})
			if err != nil || len(es) != 1 {
				t.Errorf("audit of the rating: %d entries, %v", len(es), err)
			}
		})
	}
}

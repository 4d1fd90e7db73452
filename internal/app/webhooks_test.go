package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/webhook"
	"github.com/tandemhq/tandem/internal/work"
)

// received is one request a test receiver got.
type received struct {
	path    string
	headers map[string]string
	body    string
}

// receiver is a webhook receiver on 127.0.0.1: it answers each path with
// the codes queued for it (200 once they run out) and keeps what it got.
type receiver struct {
	mu    sync.Mutex
	codes map[string][]int
	got   []received
	srv   *httptest.Server
}

func newReceiver(t *testing.T, codes map[string][]int) *receiver {
	r := &receiver{codes: codes}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{path: req.URL.Path, body: string(body), headers: map[string]string{
			"webhook-id": req.Header.Get("webhook-id"), "webhook-timestamp": req.Header.Get("webhook-timestamp"),
			"webhook-signature": req.Header.Get("webhook-signature")}})
		code := 200
		if q := r.codes[req.URL.Path]; len(q) > 0 {
			code, r.codes[req.URL.Path] = q[0], q[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) at(path string) []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []received
	for _, g := range r.got {
		if g.path == path {
			out = append(out, g)
		}
	}
	return out
}

// verifySignatures checks each received message with the Standard Webhooks
// reference library (npm standardwebhooks, run by node): what it prints
// for each, "ok" or its error.
func verifySignatures(t *testing.T, secret string, msgs []received) []string {
	t.Helper()
	dir, _ := filepath.Abs("../webhook/testdata/verify")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "standardwebhooks")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Standard Webhooks library is not installed (npm ci --prefix internal/webhook/testdata/verify): %v", err)
		}
		t.Skip("the Standard Webhooks library is not installed (npm ci --prefix internal/webhook/testdata/verify)")
	}
	var in bytes.Buffer
	for _, m := range msgs {
		line, _ := json.Marshal(map[string]any{"secret": secret, "headers": m.headers, "body": m.body})
		in.Write(append(line, '\n'))
	}
	cmd := exec.Command("node", "verify.mjs")
	cmd.Dir, cmd.Stdin = dir, &in
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node verify.mjs: %v\n%s", err, out)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// Webhooks end to end on each database: an event reaches the client's
// endpoint and its partner's, never another partner's; a rolled-back action
// sends nothing; signatures verify with the reference library; a 500 is
// tried again after the schedule's delay and a 410 disables the endpoint
// and tells the owner; a replay sends the same message again; two senders
// at once deliver each message once.
func TestWebhookDelivery(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := storetest.NewClock(time.Now())
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			storetest.Activate(t, db, f.Owner, f.B1, nil)
			rc := newReceiver(t, map[string][]int{"/client": {500}, "/gone": {410}})
			hooks := db.Webhooks()

			register := func(p tandem.Principal, path string, groups ...string) *webhook.Endpoint {
				t.Helper()
				e := &webhook.Endpoint{URL: rc.srv.URL + path, Groups: groups}
				if err := hooks.Register(ctx, p, e, true); err != nil {
					t.Fatal(err)
				}
				return e
			}
			// A private address is refused unless allowed.
			if err := hooks.Register(ctx, f.Owner, &webhook.Endpoint{URL: rc.srv.URL + "/x"}, false); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("a loopback endpoint without permission: %v", err)
			}
			if err := hooks.Register(ctx, f.VendorAgent, &webhook.Endpoint{URL: "https://example.com/x"}, true); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("an agent registers an endpoint: %v", err)
			}
			client := register(f.Owner, "/client", "deliverables")
			partnerA := register(f.VendorManager, "/partner-a")
			register(f.VendorManagerB, "/partner-b")
			register(f.Manager, "/gone")

			// Each side sees its own endpoints; a partner never the client's.
			if es, _ := hooks.Endpoints(ctx, f.VendorManager); len(es) != 1 || es[0].ID != partnerA.ID || es[0].Secret != "" {
				t.Errorf("partner A's manager sees %+v", es)
			}
			if _, err := hooks.Endpoint(ctx, f.VendorManager, client.ID); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner A's manager reads the client's endpoint: %v", err)
			}
			if es, _ := hooks.Endpoints(ctx, f.Owner); len(es) != 4 {
				t.Errorf("the owner sees %d endpoints, want 4", len(es))
			}

			v, err := db.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(clock.Now()))
			if err != nil {
				t.Fatal(err)
			}
			svc := v.Terms.Services[0].Key
			// Refused, so rolled back: no message.
			if err := db.Work.Create(ctx, f.Owner, &work.Deliverable{EngagementID: f.A1, ServiceKey: "tea-making", Title: "Tea"}); err == nil {
				t.Fatal("a deliverable of a service outside the contract")
			}
			d := &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: "December call list"}
			if err := db.Work.Create(ctx, f.Owner, d); err != nil {
				t.Fatal(err)
			}

			s := newWebhookSender(db, slog.New(slog.NewTextHandler(io.Discard, nil)),
				webhookSettings{lease: time.Minute, batch: 50, parallel: 2, allowPrivate: true})
			if n, err := s.sendDue(ctx); err != nil || n != 3 {
				t.Fatalf("first round: %d sent, %v (want the client's, partner A's and the gone one)", n, err)
			}
			if got := rc.at("/partner-b"); len(got) != 0 {
				t.Errorf("partner B received partner A's event: %v", got)
			}
			a := rc.at("/partner-a")
			if len(a) != 1 {
				t.Fatalf("partner A received %d messages", len(a))
			}
			var body struct {
				Type string `json:"type"`
				Data struct {
					EngagementID int64          `json:"engagement_id"`
					SubjectID    int64          `json:"subject_id"`
					Details      map[string]any `json:"details"`
				} `json:"data"`
			}
			if err := json.Unmarshal([]byte(a[0].body), &body); err != nil || body.Type != "deliverable.created" ||
				body.Data.EngagementID != f.A1 || body.Data.SubjectID != d.ID || body.Data.Details["title"] != "December call list" {
				t.Errorf("partner A's message %s (%v)", a[0].body, err)
			}
			// The reference library accepts the signature, and refuses an altered body.
			tampered := a[0]
			tampered.body = strings.Replace(tampered.body, "December", "January", 1)
			if res := verifySignatures(t, partnerA.Secret, []received{a[0], tampered}); len(res) != 2 || res[0] != "ok" || res[1] == "ok" {
				t.Errorf("reference verification: %v", res)
			}

			// 410: the endpoint is disabled and the owner told.
			es, _ := hooks.Endpoints(ctx, f.Owner)
			for _, e := range es {
				if strings.HasSuffix(e.URL, "/gone") && (e.DisabledReason != webhook.DisabledGone || !e.Disabled()) {
					t.Errorf("after 410 the endpoint is %+v", e)
				}
			}
			ns, _, _ := db.Notifications.List(ctx, f.Owner, false, 50)
			told := false
			for _, n := range ns {
				told = told || n.Kind == "webhook.disabled"
			}
			if !told {
				t.Error("the owner was not told of the disabled endpoint")
			}

			// 500: not before the schedule's 5 s (±10 %), then delivered.
			if n, _ := s.sendDue(ctx); n != 0 {
				t.Errorf("a failed message was tried again at once (%d)", n)
			}
			clock.Add(6 * time.Second)
			if n, _ := s.sendDue(ctx); n != 1 {
				t.Fatalf("the retry: %d sent", n)
			}
			c := rc.at("/client")
			if len(c) != 2 || c[0].headers["webhook-id"] != c[1].headers["webhook-id"] {
				t.Fatalf("the client's endpoint got %d messages, ids %v", len(c), c)
			}
			ms, total, err := hooks.Deliveries(ctx, f.Owner, client.ID, tandem.Page{Limit: 10})
			if err != nil || total != 1 || ms[0].Status != store.WebhookDelivered || ms[0].Attempts != 2 || ms[0].LastCode != 200 {
				t.Fatalf("the client's deliveries %+v (%d), %v", ms, total, err)
			}
			if _, _, err := hooks.Deliveries(ctx, f.VendorManager, client.ID, tandem.Page{Limit: 10}); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner A reads the client's deliveries: %v", err)
			}

			// Replay: the same message again.
			if err := hooks.Replay(ctx, f.Owner, client.ID, ms[0].ID); err != nil {
				t.Fatal(err)
			}
			if n, _ := s.sendDue(ctx); n != 1 {
				t.Fatalf("the replay: %d sent", n)
			}
			if c = rc.at("/client"); len(c) != 3 || c[2].headers["webhook-id"] != c[0].headers["webhook-id"] {
				t.Errorf("the replay: %d messages", len(c))
			}

			// Two senders at once: each message once.
			for i := range 12 {
				if err := db.Work.Create(ctx, f.Owner, &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: "Batch " + string(rune('a'+i))}); err != nil {
					t.Fatal(err)
				}
			}
			s2 := newWebhookSender(db, s.log, s.set)
			var wg sync.WaitGroup
			for _, x := range []*webhookSender{s, s2} {
				wg.Add(1)
				go func() { defer wg.Done(); x.sendDue(ctx) }()
			}
			wg.Wait()
			for len(rc.at("/partner-a")) < 13 {
				if n, _ := s.sendDue(ctx); n == 0 {
					break
				}
			}
			seen := map[string]int{}
			for _, m := range rc.at("/partner-a") {
				seen[m.headers["webhook-id"]]++
			}
			if len(seen) != 13 {
				t.Errorf("partner A got %d distinct messages, want 13", len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("message %s delivered %d times", id, n)
				}
			}

			// Rotation: both secrets sign during the overlap.
			secret, err := hooks.Rotate(ctx, f.VendorManager, partnerA.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Work.Create(ctx, f.Owner, &work.Deliverable{EngagementID: f.A1, ServiceKey: svc, Title: "After rotation"}); err != nil {
				t.Fatal(err)
			}
			s.sendDue(ctx)
			a = rc.at("/partner-a")
			last := a[len(a)-1]
			if sigs := strings.Fields(last.headers["webhook-signature"]); len(sigs) != 2 {
				t.Errorf("signatures during the overlap: %q", last.headers["webhook-signature"])
			}
			for _, sec := range []string{secret, partnerA.Secret} {
				if res := verifySignatures(t, sec, []received{last}); len(res) != 1 || res[0] != "ok" {
					t.Errorf("verification with each secret during the overlap: %v", res)
				}
			}
		})
	}
}

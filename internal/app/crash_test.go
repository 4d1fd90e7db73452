//go:build unix

package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The kill -9 test (issue 16): what the server acknowledged survives the
// server being killed while writes are in flight.
//
// A round starts the real tandem binary (`tandem serve`, built once per
// test process) on a fresh database, has crashWriters writers send API
// writes as fast as the server answers — a partner created, a sales call
// logged (the fact sales.call_made, so the KPI aggregates), a manual metric
// value entered (a fact, and the value it replaces loses its fact) — and
// kills the server with SIGKILL at a random moment: after a random number
// of acknowledged writes and a random further delay, both drawn from a
// seeded generator whose seed the test logs (TANDEM_CRASH_SEED replays it).
// The server is started again on the same data and every acknowledged
// write must be there, exactly once, as it was acknowledged; a write that
// got no answer may be there or not, once at most. Then one more write must
// succeed, the server stops gracefully, and `tandem audit verify` and
// `tandem kpi verify` must exit 0, the audit holding at least one entry per
// acknowledged write.
//
// The check does not depend on how the store commits (one transaction per
// request or grouped): only on what the API acknowledged. It was seen to
// fail on a store that answered before its commit was done (LOST writes,
// and fewer audit entries than acknowledged writes) and on one that stored
// some partners twice ("is there 2 times").
//
// Rounds: TANDEM_CRASH_ROUNDS per dialect, else 2 on SQLite and 1 on
// PostgreSQL: a round takes seconds, mostly making the database.

// crashWriters is how many writers send requests at once.
const crashWriters = 32

// crashMaxValues bounds the value writes of a round, and crashMaxCalls the
// calls of one writer (on its own account): the API lists at most 500 values
// of a metric and 500 activities of an account, and the check reads them all.
const (
	crashMaxValues = 450
	crashMaxCalls  = 450
)

// crashMetric is the manual metric the writers enter values of.
const crashMetric = "crash_score"

func TestCrashKill9(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TANDEM_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("TANDEM_CRASH_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (replay the kill moments with TANDEM_CRASH_SEED=%d)", seed, seed)
	bin := buildTandem(t)
	for _, dialect := range storetest.Dialects(t) {
		rounds := 2
		if dialect == "postgres" {
			rounds = 1
		}
		if s := os.Getenv("TANDEM_CRASH_ROUNDS"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				t.Fatalf("TANDEM_CRASH_ROUNDS=%q: want a positive number", s)
			}
			rounds = n
		}
		stream := uint64(len(dialect)) << 32 // the dialects draw different moments
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			var sum crashTally
			for r := 1; r <= rounds; r++ {
				t.Run(fmt.Sprintf("round%d", r), func(t *testing.T) {
					// Each round its own generator: round r replays alone.
					rng := rand.New(rand.NewPCG(seed, stream|uint64(r)))
					sum.add(crashRound(t, bin, targets(t, dialect), r, rng))
				})
				if t.Failed() {
					break
				}
			}
			t.Logf("%s: rounds %d, %d acknowledged writes (%d partners, %d calls, %d values), %d unanswered of which %d stored, %d in flight at the kills, lost %d",
				dialect, sum.rounds, sum.acked(), sum.partners, sum.calls, sum.values, sum.unanswered, sum.unansweredStored, sum.inFlight, sum.lost)
		})
	}
}

// crashTally counts what rounds did.
type crashTally struct {
	rounds, partners, calls, values, unanswered, unansweredStored, inFlight int
	lost                                                                    int // acknowledged writes not found after the restart
}

func (c *crashTally) add(o crashTally) {
	c.rounds += o.rounds
	c.partners += o.partners
	c.calls += o.calls
	c.values += o.values
	c.unanswered += o.unanswered
	c.unansweredStored += o.unansweredStored
	c.inFlight += o.inFlight
	c.lost += o.lost
}

func (c crashTally) acked() int { return c.partners + c.calls + c.values }

// buildTandem builds the tandem binary into the test's temporary directory.
func buildTandem(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tandem")
	// go test puts the go command of its toolchain first on PATH.
	out, err := exec.Command("go", "build", "-o", bin, "github.com/tandemhq/tandem/cmd/tandem").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./cmd/tandem: %v\n%s", err, out)
	}
	return bin
}

// crashFixture is a round's workspace: an owner's API token, a live sales
// engagement with a manual metric, and one account per writer.
type crashFixture struct {
	token      string
	engagement int64
	accounts   [crashWriters]int64
	weeks      [crashWriters]string // a day in each writer's own week
}

// crashSetup fills the target's empty database with the fixture, through the
// store, and closes it.
func crashSetup(t *testing.T, tg target) crashFixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, tg.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u := &account.User{Email: "owner@crash.example", Name: "Olle Owner", Lang: "en"}
	must(db.Accounts.CreateUser(ctx, u, ""))
	ws := &account.Workspace{Name: "Crash AB", Currency: "SEK", Lang: "en", TimeZone: "UTC"}
	must(db.Accounts.CreateWorkspace(ctx, ws, u.ID))
	owner, err := db.Accounts.Principal(ctx, u.ID, ws.ID)
	must(err)
	pa := &partner.Partner{LegalName: "Dialer Partner AB", Country: "SE", Status: partner.StatusActive}
	must(db.Partners.Create(ctx, owner, pa))

	// The engagement began before the oldest writer's week: writer w enters
	// values for the week w+1 weeks ago, which has begun.
	today := time.Now().UTC()
	e := &engagement.Engagement{PartnerID: pa.ID, Title: "Outbound calls", Kind: engagement.KindSales,
		StartsOn: tandem.DateOf(today.AddDate(0, 0, -7*(crashWriters+2)))}
	must(db.Engagements.Create(ctx, owner, e))
	storetest.Activate(t, db, owner, e.ID, func(terms *contract.Terms) {
		terms.Metrics = append(terms.Metrics, contract.MetricDef{Key: crashMetric, Name: "Crash score",
			Kind: contract.MetricKindManual, Source: "client", Scale: 1})
	})
	f := crashFixture{engagement: e.ID}
	for w := range crashWriters {
		a := &sales.Account{Name: fmt.Sprintf("Writer %02d AB", w), City: "Malmö", Country: "SE"}
		must(db.Sales().CreateAccount(ctx, owner, a))
		n, err := db.Sales().Assign(ctx, owner, store.AccountFilter{IDs: []int64{a.ID}}, store.Assignment{EngagementID: e.ID})
		must(err)
		if n != 1 {
			t.Fatalf("assigned %d accounts, want 1", n)
		}
		f.accounts[w] = a.ID
		f.weeks[w] = tandem.DateOf(today.AddDate(0, 0, -7*(w+1))).String()
	}
	f.token, _, err = db.Accounts.CreateToken(ctx, owner, "crash test")
	must(err)
	return f
}

// crashServer is a running `tandem serve` process.
type crashServer struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncBuffer
	exited chan struct{} // closed once the process is gone
}

// startTandem starts `tandem serve` on the target and waits until it
// listens. The process is killed at the test's end if still running.
func startTandem(t *testing.T, bin string, tg target) *crashServer {
	t.Helper()
	s := &crashServer{stderr: &syncBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(bin, tg.with("serve", "--addr", "127.0.0.1:0")...)
	s.cmd.Env = []string{} // nothing of the test's environment (TANDEM_*) leaks in
	s.cmd.Stdout = io.Discard
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
	// A guard against a hang, not a timing: the migrations of a fresh
	// database may take long on a loaded machine.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if m := listeningRE.FindStringSubmatch(s.stderr.String()); m != nil {
			s.addr = m[1]
			return s
		}
		select {
		case <-s.exited:
			t.Fatalf("tandem serve exited with %v before listening:\n%s", s.cmd.ProcessState, s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("tandem serve never logged that it listens:\n%s", s.stderr.String())
		}
	}
}

// crashWrite is one write a writer sent.
type crashWrite struct {
	kind  string // "partner", "call" or "value"
	key   string // how it is found again: a partner's legal name, a call's or a value's note
	value string // a value's decimal
	id    int64  // the id the server acknowledged
}

// crashWriterLog is what one writer sent: the acknowledged writes in order,
// and the last one when it got no answer (a writer waits for each answer,
// so at most one is ever unanswered).
type crashWriterLog struct {
	acked      []crashWrite
	unanswered *crashWrite
}

// crashClient sends API requests with the owner's token.
type crashClient struct {
	http  *http.Client
	base  string
	token string
}

// do sends a request with a JSON body (nil for none) and returns the
// status and the body; err is a transport error: no answer.
func (c *crashClient) do(method, path string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// get reads a JSON answer that must be 200 into v.
func (c *crashClient) get(t *testing.T, path string, v any) {
	t.Helper()
	code, b, err := c.do(http.MethodGet, path, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, b)
	}
}

var callOutcomes = []string{"no_answer", "busy", "gatekeeper", "decision_maker_reached", "call_back_later", "not_interested", "meeting_booked"}

// crashRound runs one round on a fresh database and returns what it did.
func crashRound(t *testing.T, bin string, tg target, round int, rng *rand.Rand) crashTally {
	f := crashSetup(t, tg)
	srv := startTandem(t, bin, tg)
	client := &crashClient{http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: crashWriters}, Timeout: 2 * time.Minute},
		base: "http://" + srv.addr, token: f.token}
	defer client.http.CloseIdleConnections()

	// The kill comes after killAfter acknowledged writes and then a delay.
	killAfter := 1 + rng.IntN(300)
	delay := time.Duration(rng.IntN(500)) * time.Millisecond
	var (
		killed, acked, inFlight, values atomic.Int64
		logs                            [crashWriters]crashWriterLog
		wg                              sync.WaitGroup
	)
	for w := range crashWriters {
		wg.Go(func() {
			l := &logs[w]
			calls := 0
			for n := 1; ; n++ {
				kind := [...]string{"partner", "call", "value"}[(w+n)%3]
				if kind == "call" && calls >= crashMaxCalls || kind == "value" && values.Add(1) > crashMaxValues {
					kind = "partner"
				}
				wr := crashWrite{kind: kind, key: fmt.Sprintf("Crash r%d w%d n%d", round, w, n)}
				var path string
				var body map[string]any
				switch kind {
				case "partner":
					path, body = "/api/v1/partners", map[string]any{"legal_name": wr.key, "country": "SE"}
				case "call":
					calls++
					path = fmt.Sprintf("/api/v1/sales/accounts/%d/activities", f.accounts[w])
					body = map[string]any{"kind": "call", "outcome": callOutcomes[n%len(callOutcomes)], "duration_s": n, "notes": wr.key}
				case "value":
					wr.value = fmt.Sprintf("%d.%d", n/10, n%10)
					path = fmt.Sprintf("/api/v1/engagements/%d/values", f.engagement)
					body = map[string]any{"metric": crashMetric, "period": "week", "period_start": f.weeks[w], "value": wr.value, "note": wr.key}
				}
				inFlight.Add(1)
				code, b, err := client.do(http.MethodPost, path, body)
				inFlight.Add(-1)
				if err != nil {
					if killed.Load() == 0 {
						t.Errorf("writer %d: POST %s before the kill: %v", w, path, err)
					}
					l.unanswered = &wr
					return
				}
				// An answer was whole before the process died: it counts
				// even when it arrives after the kill.
				var got struct {
					ID    int64  `json:"id"`
					State string `json:"state"`
				}
				if code != http.StatusCreated || json.Unmarshal(b, &got) != nil || got.ID <= 0 {
					t.Errorf("writer %d: POST %s: %d %s", w, path, code, b)
					return
				}
				if kind == "value" && got.State != "confirmed" {
					t.Errorf("writer %d: an owner's value is %q, want confirmed", w, got.State)
				}
				wr.id = got.ID
				l.acked = append(l.acked, wr)
				acked.Add(1)
				if killed.Load() != 0 {
					return
				}
			}
		})
	}

	// The kill: the writers never stop on their own, so it always comes
	// with writes in flight (they are counted).
	var writersDone atomic.Bool
	go func() { wg.Wait(); writersDone.Store(true) }()
	for acked.Load() < int64(killAfter) && !writersDone.Load() {
		select {
		case <-srv.exited:
			killed.Store(1) // the writers stop at their next error
			wg.Wait()
			t.Fatalf("the server died on its own:\n%s", srv.stderr.String())
		case <-time.After(time.Millisecond):
		}
	}
	time.Sleep(delay)
	killed.Store(1)
	flying := int(inFlight.Load())
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	wg.Wait()
	if ws, ok := srv.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the server was not killed by SIGKILL: %v", srv.cmd.ProcessState)
	}
	if t.Failed() {
		t.FailNow()
	}

	tally := crashTally{rounds: 1, inFlight: flying}
	for _, l := range logs {
		for _, w := range l.acked {
			switch w.kind {
			case "partner":
				tally.partners++
			case "call":
				tally.calls++
			case "value":
				tally.values++
			}
		}
		if l.unanswered != nil {
			tally.unanswered++
		}
	}
	t.Logf("round %d: killed after %d acknowledged writes (drawn %d, then %v), %d requests in flight",
		round, tally.acked(), killAfter, delay, flying)

	// Started again on the same data, the server has everything it
	// acknowledged.
	srv = startTandem(t, bin, tg)
	client.http.CloseIdleConnections()
	client.base = "http://" + srv.addr
	tally.unansweredStored, tally.lost = crashCheck(t, client, f, logs[:])

	// It takes writes again.
	if code, b, err := client.do(http.MethodPost, "/api/v1/partners", map[string]any{"legal_name": fmt.Sprintf("After round %d", round), "country": "SE"}); err != nil || code != http.StatusCreated {
		t.Errorf("a write after the restart: %d %s %v", code, b, err)
	}
	client.http.CloseIdleConnections()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("the restarted server stopped with %d:\n%s", code, srv.stderr.String())
	}

	// The audit chains and the KPI aggregates are whole.
	out := runTandem(t, bin, tg, "audit", "verify")
	m := regexp.MustCompile(`^ok: ([\d,]+) entries verified\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("audit verify: %q", out)
	}
	entries, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	// Every acknowledged write and the write after the restart is audited
	// (besides the fixture's entries).
	if entries < tally.acked()+1 {
		t.Errorf("audit verify checked %d entries for %d acknowledged writes", entries, tally.acked()+1)
	}
	if out := runTandem(t, bin, tg, "kpi", "verify"); !strings.HasPrefix(out, "ok") {
		t.Errorf("kpi verify: %q", out)
	}
	return tally
}

// runTandem runs a command of the binary on the target; it must exit 0. It
// returns the standard output.
func runTandem(t *testing.T, bin string, tg target, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, tg.with(args...)...)
	cmd.Env = []string{}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tandem %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// crashFound is a record read back: its id, the key it was written with,
// and for a value its decimal and state.
type crashFound struct {
	id           int64
	key          string
	value, state string
}

// crashCheck reads every partner, every writer's calls and the values back
// through the API and compares them with the writers' logs: each
// acknowledged write is there once with its id (and a value with its
// decimal); an unanswered one at most once; nothing else of the round. In
// each writer's week the newest value counts and the others were replaced.
// It returns how many unanswered writes were stored, and how many
// acknowledged ones were lost.
func crashCheck(t *testing.T, c *crashClient, f crashFixture, logs []crashWriterLog) (stored, lost int) {
	t.Helper()
	// Partners: every page, by name.
	var partners []crashFound
	for offset := 0; ; {
		var page struct {
			Items []struct {
				ID        int64  `json:"id"`
				LegalName string `json:"legal_name"`
			} `json:"items"`
			Total int `json:"total"`
		}
		c.get(t, fmt.Sprintf("/api/v1/partners?limit=200&offset=%d", offset), &page)
		for _, p := range page.Items {
			partners = append(partners, crashFound{id: p.ID, key: p.LegalName})
		}
		offset += len(page.Items)
		if len(page.Items) == 0 || offset >= page.Total {
			if offset != page.Total {
				t.Fatalf("read %d partners of %d", offset, page.Total)
			}
			break
		}
	}
	var values struct {
		Items []struct {
			ID    int64  `json:"id"`
			Note  string `json:"note"`
			Value string `json:"value"`
			State string `json:"state"`
		} `json:"items"`
	}
	c.get(t, fmt.Sprintf("/api/v1/engagements/%d/values?metric=%s", f.engagement, crashMetric), &values)
	if len(values.Items) >= store.MaxOwnMetricValues {
		t.Fatalf("%d values listed: the list may be cut", len(values.Items))
	}
	var vals []crashFound
	for _, v := range values.Items {
		vals = append(vals, crashFound{id: v.ID, key: v.Note, value: v.Value, state: v.State})
	}

	for w, l := range logs {
		prefix := fmt.Sprintf(" w%d n", w)
		mine := func(all []crashFound) map[string][]crashFound {
			m := map[string][]crashFound{}
			for _, x := range all {
				if strings.HasPrefix(x.key, "Crash ") && strings.Contains(x.key, prefix) {
					m[x.key] = append(m[x.key], x)
				}
			}
			return m
		}
		var activities struct {
			Items []struct {
				ID    int64  `json:"id"`
				Notes string `json:"notes"`
			} `json:"items"`
		}
		c.get(t, fmt.Sprintf("/api/v1/sales/accounts/%d/activities", f.accounts[w]), &activities)
		var calls []crashFound
		for _, a := range activities.Items {
			calls = append(calls, crashFound{id: a.ID, key: a.Notes})
		}
		found := map[string]map[string][]crashFound{"partner": mine(partners), "call": mine(calls), "value": mine(vals)}

		for _, wr := range l.acked {
			got := found[wr.kind][wr.key]
			switch {
			case len(got) == 0:
				lost++
				t.Errorf("LOST: writer %d's acknowledged %s %q (id %d) is not there", w, wr.kind, wr.key, wr.id)
			case len(got) > 1:
				t.Errorf("writer %d's acknowledged %s %q is there %d times", w, wr.kind, wr.key, len(got))
			case got[0].id != wr.id:
				t.Errorf("writer %d's %s %q: id %d, acknowledged as %d", w, wr.kind, wr.key, got[0].id, wr.id)
			case got[0].value != wr.value:
				t.Errorf("writer %d's %s %q: value %q, acknowledged as %q", w, wr.kind, wr.key, got[0].value, wr.value)
			}
			delete(found[wr.kind], wr.key)
		}
		if u := l.unanswered; u != nil {
			got := found[u.kind][u.key]
			if len(got) > 1 {
				t.Errorf("writer %d's unanswered %s %q is there %d times", w, u.kind, u.key, len(got))
			}
			if len(got) == 1 {
				stored++
				if got[0].value != u.value {
					t.Errorf("writer %d's unanswered %s %q: value %q, sent %q", w, u.kind, u.key, got[0].value, u.value)
				}
			}
			delete(found[u.kind], u.key)
		}
		for kind, rest := range found {
			for key := range rest {
				t.Errorf("writer %d: a %s %q is there that was never sent", w, kind, key)
			}
		}

		// The writer's week: its newest value counts, the others were
		// replaced (no value of another writer is in this week).
		mineVals := slices.DeleteFunc(slices.Clone(vals), func(v crashFound) bool { return !strings.Contains(v.key, prefix) })
		slices.SortFunc(mineVals, func(a, b crashFound) int { return int(a.id - b.id) })
		for i, v := range mineVals {
			want := "replaced"
			if i == len(mineVals)-1 {
				want = "confirmed"
			}
			if v.state != want {
				t.Errorf("writer %d's value %d (%q) is %s, want %s", w, v.id, v.key, v.state, want)
			}
		}
	}
	return stored, lost
}

package app

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// probeRun is one run of the test's probe job: which instance ran which
// slot.
type probeRun struct {
	slot   time.Time
	holder string
	at     time.Time
}

// Two Tandem instances serve one PostgreSQL database with the scheduler's
// slots shortened to 200 ms (and a probe job, every 200 ms, that records
// in memory who ran each slot). Each slot of every job runs exactly once;
// when one instance stops, the other goes on running every slot.
func TestSchedulerTwoInstancesRunEachSlotOnce(t *testing.T) {
	t.Parallel()
	if os.Getenv("TANDEM_TEST_POSTGRES") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but TANDEM_TEST_POSTGRES is not set: the scheduler test needs PostgreSQL")
		}
		t.Skip("TANDEM_TEST_POSTGRES is not set: two instances share a PostgreSQL database")
	}
	const slot = 200 * time.Millisecond
	var mu sync.Mutex
	var probes []probeRun
	holders := map[string]bool{}
	set := defaultSchedulerSettings
	set.tick, set.lease, set.sweep, set.evaluation = 20*time.Millisecond, 3*time.Second, slot, slot
	set.extra = func(holder string) []job {
		mu.Lock()
		holders[holder] = true
		mu.Unlock()
		return []job{{name: "test.probe", every: slot, catchUp: time.Hour,
			run: func(ctx context.Context, s, now time.Time) (int, error) {
				time.Sleep(5 * time.Millisecond) // widen the window for a double run
				mu.Lock()
				probes = append(probes, probeRun{slot: s, holder: holder, at: time.Now()})
				mu.Unlock()
				return 1, nil
			}}}
	}

	url := storetest.CreateDatabase(t)
	type instance struct {
		cancel context.CancelFunc
		done   chan int
		stderr *syncBuffer
	}
	start := func() *instance {
		ctx, cancel := context.WithCancel(context.Background())
		in := &instance{cancel: cancel, done: make(chan int, 1), stderr: &syncBuffer{}}
		go func() {
			var stdout syncBuffer
			in.done <- runWith(ctx, options{scheduler: &set}, []string{"serve", "--database", url, "--addr", "127.0.0.1:0"}, func(string) string { return "" },
				strings.NewReader(""), &stdout, in.stderr)
		}()
		deadline := time.Now().Add(20 * time.Second)
		for !listeningRE.MatchString(in.stderr.String()) {
			select {
			case code := <-in.done:
				t.Fatalf("serve exited with %d:\n%s", code, in.stderr.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("serve never listened:\n%s", in.stderr.String())
			}
		}
		t.Cleanup(func() { cancel(); <-in.done })
		return in
	}
	stop := func(in *instance) {
		in.cancel()
		select {
		case code := <-in.done:
			in.done <- code // for the cleanup
			if code != 0 {
				t.Fatalf("serve returned %d:\n%s", code, in.stderr.String())
			}
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop")
		}
	}

	a := start()
	b := start()
	time.Sleep(3 * time.Second)
	stop(a)
	stopped := time.Now()
	time.Sleep(2 * time.Second)
	stop(b)

	mu.Lock()
	defer mu.Unlock()
	if len(holders) != 2 {
		t.Fatalf("holders: %v", holders)
	}
	// Who was A? The holder named in its log.
	var holderA string
	for h := range holders {
		if strings.Contains(a.stderr.String(), "holder="+h) {
			holderA = h
		}
	}
	if holderA == "" {
		t.Fatalf("no holder in A's log:\n%s", a.stderr.String())
	}

	// In memory: each probe slot ran once, and the slots follow each other
	// without a gap.
	count := map[time.Time]int{}
	var first, last time.Time
	perHolder := map[string]int{}
	afterStop := 0
	for _, p := range probes {
		count[p.slot]++
		perHolder[p.holder]++
		if first.IsZero() || p.slot.Before(first) {
			first = p.slot
		}
		if p.slot.After(last) {
			last = p.slot
		}
		if p.at.After(stopped) {
			afterStop++
			if p.holder == holderA {
				t.Errorf("the stopped instance ran slot %s", p.slot)
			}
		}
	}
	for s := first; !s.After(last); s = s.Add(slot) {
		if count[s] != 1 {
			t.Errorf("probe slot %s ran %d times", s.Format("15:04:05.000"), count[s])
		}
	}
	slots := int(last.Sub(first)/slot) + 1
	if slots < 15 || afterStop < 5 {
		t.Errorf("%d probe slots, %d after the stop: the instances did not keep up", slots, afterStop)
	}
	t.Logf("probe: %d slots %s … %s, runs per instance %v, %d run by the survivor after the stop",
		slots, first.Format("15:04:05.000"), last.Format("15:04:05.000"), perHolder, afterStop)

	// In the database: one finished row per slot of every job, matching
	// the probe's memory; the survivor ran every slot after the stop.
	db, err := store.Open(context.Background(), store.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	runs, err := db.Jobs.Runs(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	byJob := map[string][]store.JobRun{}
	for _, r := range runs {
		byJob[r.Job] = append(byJob[r.Job], r)
	}
	for _, name := range []string{"sweep.late_notices", "sweep.sla_breaches", "sweep.sales_claims", "sweep.action_items", "kpi.evaluation", "invoice.drafts", "test.probe"} {
		rs := byJob[name]
		if len(rs) < 10 {
			t.Errorf("%s: %d runs", name, len(rs))
			continue
		}
		byHolder := map[string]int{}
		for i, r := range rs {
			byHolder[r.Holder]++
			if r.Finished.IsZero() || r.Error != "" || r.Attempts != 1 {
				t.Errorf("%s run %+v", name, r)
			}
			if i > 0 && !r.ScheduledFor.After(rs[i-1].ScheduledFor) {
				t.Errorf("%s: slots out of order", name)
			}
			if r.Started.After(stopped.Add(time.Second)) && r.Holder == holderA {
				t.Errorf("%s: the stopped instance ran slot %s", name, r.ScheduledFor)
			}
			if name == "test.probe" && count[r.ScheduledFor] != 1 {
				t.Errorf("probe slot %s in job_runs ran %d times in memory", r.ScheduledFor, count[r.ScheduledFor])
			}
		}
		t.Logf("%s: %d slots, by instance %v", name, len(rs), byHolder)
	}
	if len(byJob["test.probe"]) != len(count) {
		t.Errorf("job_runs has %d probe slots, memory %d", len(byJob["test.probe"]), len(count))
	}
}

// Stopping an instance lets the run in progress finish (its context is
// not cancelled) and records it done before serve returns.
func TestSchedulerShutdownLetsARunFinish(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			tg := targets(t, dialect)
			started := make(chan struct{}, 1)
			var mu sync.Mutex
			var runErr error
			finished := false
			set := defaultSchedulerSettings
			set.tick = 20 * time.Millisecond
			set.extra = func(string) []job {
				return []job{{name: "test.slow", every: time.Hour, run: func(ctx context.Context, _, _ time.Time) (int, error) {
					select {
					case started <- struct{}{}:
					default:
					}
					time.Sleep(500 * time.Millisecond)
					mu.Lock()
					runErr, finished = ctx.Err(), true
					mu.Unlock()
					return 7, nil
				}}}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			var stdout, stderr syncBuffer
			go func() {
				done <- runWith(ctx, options{scheduler: &set}, tg.with("serve", "--addr", "127.0.0.1:0"), func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
			}()
			select {
			case <-started:
			case code := <-done:
				t.Fatalf("serve exited with %d:\n%s", code, stderr.String())
			case <-time.After(20 * time.Second):
				t.Fatalf("the job never started:\n%s", stderr.String())
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("serve returned %d:\n%s", code, stderr.String())
			}
			mu.Lock()
			if !finished || runErr != nil {
				t.Errorf("the run in progress: finished %v, its context %v", finished, runErr)
			}
			mu.Unlock()
			runs, err := tg.open(t).Jobs.Runs(context.Background(), "test.slow")
			if err != nil || len(runs) != 1 || runs[0].Finished.IsZero() || runs[0].Result != 7 {
				t.Errorf("runs: %+v %v", runs, err)
			}
		})
	}
}

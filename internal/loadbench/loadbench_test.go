package loadbench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestQuantileNearestRank(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.50, 50 * time.Millisecond}, {0.95, 95 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}} {
		if got := quantile(d, c.q); got != c.want {
			t.Errorf("quantile %.2f = %v, want %v", c.q, got, c.want)
		}
	}
	if got := quantile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("one value: %v", got)
	}
	if got := quantile(nil, 0.5); got != 0 {
		t.Errorf("no value: %v", got)
	}
}

func TestRotatePutsAWriteEveryNth(t *testing.T) {
	t.Parallel()
	reads := []Request{{URL: "r0"}, {URL: "r1"}, {URL: "r2"}}
	writes := []Request{{URL: "w0"}, {URL: "w1"}}
	s := Rotate("mix", reads, writes, 5)
	var got []string
	for n := range int64(12) {
		got = append(got, s.Pick(n).URL)
	}
	want := "r0 r1 r2 r0 w0 r2 r0 r1 r2 w1 r1 r2"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
}

func TestMedianPicksTheMiddleRate(t *testing.T) {
	t.Parallel()
	runs := []Result{{Requests: 300, Elapsed: time.Second}, {Requests: 100, Elapsed: time.Second}, {Requests: 200, Elapsed: time.Second}}
	if got := Median(runs).Requests; got != 200 {
		t.Errorf("median of 3: %d requests, want 200", got)
	}
	if got := Median(runs[:2]).Requests; got != 100 {
		t.Errorf("median of 2: %d requests, want the lower, 100", got)
	}
}

// TestRunCountsAnswersAndFailures runs a real server that refuses every
// third request and checks that the run's counts agree with what the
// server answered, and that each write carries its own body.
func TestRunCountsAnswersAndFailures(t *testing.T) {
	t.Parallel()
	var served, refused atomic.Int64
	var bodies sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			if _, dup := bodies.LoadOrStore(string(b), true); dup {
				t.Errorf("body %q sent twice", b)
			}
		}
		if n%3 == 0 {
			refused.Add(1)
			http.Error(w, "no", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	s := Rotate("mix", []Request{{Method: "GET", URL: srv.URL + "/a"}},
		[]Request{{Method: "POST", URL: srv.URL + "/b", Body: func(n int64) []byte { return []byte(strconv.FormatInt(n, 10)) }}}, 4)
	const conns = 4
	res := Run(context.Background(), Client(conns), s, Options{Connections: conns, Duration: 300 * time.Millisecond, Warmup: -1})
	if res.Requests == 0 {
		t.Fatal("no request answered")
	}
	// Without warm-up every answered request is measured, except those
	// the end of the run cut off (at most one per connection).
	if n := served.Load(); res.Requests > n || res.Requests < n-conns {
		t.Errorf("measured %d requests, the server answered %d", res.Requests, n)
	}
	if n := refused.Load(); res.Failures > n || res.Failures < n-conns {
		t.Errorf("counted %d failures, the server refused %d", res.Failures, n)
	}
	if !strings.Contains(res.FirstFailure, "503 no") {
		t.Errorf("first failure %q", res.FirstFailure)
	}
	if !(res.P50 <= res.P95 && res.P95 <= res.P99 && res.P99 <= res.Max) {
		t.Errorf("quantiles out of order: %v %v %v %v", res.P50, res.P95, res.P99, res.Max)
	}
	// Where the system tells the process's CPU time, the run has some:
	// its requests were sent and answered by this process.
	if _, ok := processCPU(); ok != res.HasCPU || (ok && (res.CPU <= 0 || res.CPUPerRequest() <= 0)) {
		t.Errorf("CPU time %v (told: %v), %v a request", res.CPU, res.HasCPU, res.CPUPerRequest())
	}
}

// A paced run never sends more than its rate allows: at most rate × the
// time it ran, plus the permits that may wait for a free connection. (An
// upper bound only: a slow machine may send fewer.)
func TestRateCapsTheRequests(t *testing.T) {
	t.Parallel()
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }))
	defer srv.Close()
	const rate, conns = 200, 4
	start := time.Now()
	res := Run(context.Background(), Client(conns), Only("paced", Request{Method: http.MethodGet, URL: srv.URL}),
		Options{Connections: conns, Duration: 300 * time.Millisecond, Warmup: -1, Rate: rate})
	ran := time.Since(start)
	if limit := int64(ran.Seconds()*rate) + conns; served.Load() > limit {
		t.Errorf("%d requests served in %v at %d a second: more than the %d allowed", served.Load(), ran, rate, limit)
	}
	if res.Failures != 0 {
		t.Errorf("%d failures: %s", res.Failures, res.FirstFailure)
	}
}

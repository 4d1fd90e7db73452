// Package loadbench drives HTTP load at a server and measures what it
// answers: requests a second and latency quantiles. It is the engine of
// `tandem bench http` (internal/app), which starts Tandem and a plain
// net/http hello-world in the same process and reports every scenario as a
// ratio of the hello-world measured in the same run — the machine, the load
// generator and the Go runtime are the same for both, so the ratio is what
// one compares across runs and machines, not the absolute figures.
//
// The generator runs in the server's process on the same cores, like wrk on
// the same machine: the figures are lower bounds. Each connection is one
// goroutine with its own keep-alive connection that sends its next request
// when the previous answer has been read (closed loop), so a slow server is
// offered less load, as with wrk.
package loadbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one request of a scenario. Body, when set, is called with
// the request's number in the run (from 0), so that writes can differ.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   func(n int64) []byte
}

// Scenario is a named mix: request n of the run is Pick(n).
type Scenario struct {
	Name string
	Pick func(n int64) Request
}

// Only returns a scenario that repeats one request.
func Only(name string, r Request) Scenario {
	return Scenario{Name: name, Pick: func(int64) Request { return r }}
}

// Rotate returns a scenario that sends reads in turn and, when writes is
// not empty, every writeEvery-th request one of the writes in turn.
func Rotate(name string, reads []Request, writes []Request, writeEvery int64) Scenario {
	return Scenario{Name: name, Pick: func(n int64) Request {
		if len(writes) > 0 && writeEvery > 0 && n%writeEvery == writeEvery-1 {
			return writes[(n/writeEvery)%int64(len(writes))]
		}
		return reads[n%int64(len(reads))]
	}}
}

// Options are how hard and how long a scenario runs.
type Options struct {
	Connections int           // concurrent connections (default 50)
	Duration    time.Duration // measured time (default 10 s)
	Warmup      time.Duration // unmeasured time before (default Duration/5; negative: none)
	// Rate, when above zero, paces the run to that many requests a second
	// in all: a connection sends only when the pace allows, and a request
	// the pace allows while every connection is still waiting for an
	// answer is not sent (the run then falls short of the rate, and says
	// so by its count).
	Rate float64
}

// Result is one run of a scenario.
type Result struct {
	Requests int64         // answered in the measured time
	Failures int64         // of which not 2xx or 3xx, or not answered
	Elapsed  time.Duration // the measured time
	P50, P95 time.Duration
	P99, Max time.Duration
	// FirstFailure describes the first failure (status and the start of
	// the body, or the error), to tell a person why.
	FirstFailure string
	// CPU is the CPU time this whole process used in the measured time
	// (server, load generator and all), when the system tells (HasCPU).
	// Other processes' load moves it far less than the rate: per request,
	// it compares two runs made under different loads.
	CPU    time.Duration
	HasCPU bool
}

// CPUPerRequest is the process's CPU time per answered request, or 0.
func (r Result) CPUPerRequest() time.Duration {
	if !r.HasCPU || r.Requests == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Requests)
}

// PerSecond is the rate of answered requests.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Client returns an HTTP client for conns concurrent connections to one
// host: keep-alive, no redirects followed, no proxy.
func Client(conns int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		MaxConnsPerHost:     0,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Run runs s with o against whatever its requests name and returns the
// measured part.
func Run(ctx context.Context, client *http.Client, s Scenario, o Options) Result {
	if o.Connections <= 0 {
		o.Connections = 50
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Warmup < 0 {
		o.Warmup = 0
	} else if o.Warmup == 0 {
		o.Warmup = o.Duration / 5
	}
	var (
		next      atomic.Int64
		measuring atomic.Bool
		wg        sync.WaitGroup
		mu        sync.Mutex
		all       []time.Duration
		res       Result
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	measuring.Store(o.Warmup == 0)
	var permits chan struct{}
	if o.Rate > 0 {
		permits = make(chan struct{}, o.Connections)
		go pace(ctx, o.Rate, permits)
	}
	for range o.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			var fails int64
			var first string
			for ctx.Err() == nil {
				if permits != nil {
					select {
					case <-permits:
					case <-ctx.Done():
						continue
					}
				}
				n := next.Add(1) - 1
				req := s.Pick(n)
				start := time.Now()
				why := do(ctx, client, req, n)
				d := time.Since(start)
				if ctx.Err() != nil {
					break // cut off by the end of the run: not an answer
				}
				if !measuring.Load() {
					continue
				}
				lat = append(lat, d)
				if why != "" {
					fails++
					if first == "" {
						first = why
					}
				}
			}
			mu.Lock()
			all = append(all, lat...)
			res.Failures += fails
			if res.FirstFailure == "" {
				res.FirstFailure = first
			}
			mu.Unlock()
		}()
	}
	if o.Warmup > 0 {
		select {
		case <-time.After(o.Warmup):
		case <-ctx.Done():
		}
		measuring.Store(true)
	}
	cpu0, ok0 := processCPU()
	start := time.Now()
	select {
	case <-time.After(o.Duration):
	case <-ctx.Done():
	}
	res.Elapsed = time.Since(start)
	cpu1, ok1 := processCPU()
	res.CPU, res.HasCPU = cpu1-cpu0, ok0 && ok1
	cancel()
	wg.Wait()
	res.Requests = int64(len(all))
	slices.Sort(all)
	res.P50, res.P95, res.P99 = quantile(all, 0.50), quantile(all, 0.95), quantile(all, 0.99)
	if len(all) > 0 {
		res.Max = all[len(all)-1]
	}
	return res
}

// pace puts rate permits a second into permits until ctx ends, dropping
// the ones no connection is free to take.
func pace(ctx context.Context, rate float64, permits chan<- struct{}) {
	tick := time.NewTicker(max(time.Millisecond, time.Duration(float64(time.Second)/rate)))
	defer tick.Stop()
	start := time.Now()
	var given int64
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			for due := int64(now.Sub(start).Seconds() * rate); given < due; given++ {
				select {
				case permits <- struct{}{}:
				default: // every connection is busy: this one is not sent
				}
			}
		}
	}
}

// quantile returns the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// do sends one request and reads its whole answer; it returns why the
// request failed, or "" for a 2xx or 3xx answer.
func do(ctx context.Context, client *http.Client, r Request, n int64) string {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body(n))
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return err.Error()
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	res, err := client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	if res.StatusCode < 400 {
		_, _ = io.Copy(io.Discard, res.Body)
		return ""
	}
	head, _ := io.ReadAll(io.LimitReader(res.Body, 200))
	_, _ = io.Copy(io.Discard, res.Body)
	return fmt.Sprintf("%s %s: %d %s", r.Method, req.URL.Path, res.StatusCode, bytes.TrimSpace(head))
}

// Hello is the baseline: the smallest useful net/http handler, a JSON
// answer of 16 bytes.
func Hello() http.Handler {
	body := []byte(`{"status":"ok"}` + "\n")
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

// Median returns the run with the median rate of answered requests (the
// lower of the two middle ones for an even count).
func Median(runs []Result) Result {
	if len(runs) == 0 {
		return Result{}
	}
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b Result) int {
		switch x, y := a.PerSecond(), b.PerSecond(); {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return s[(len(s)-1)/2]
}

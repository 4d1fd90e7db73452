package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics keeps request counters and latency histograms per route and
// writes them in the Prometheus text exposition format. It is small enough
// not to need a client library.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // route, status -> count
	hist     map[string]*histogram
	started  time.Time
}

var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, hist: map[string]*histogram{}, started: time.Now()}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(status)}]++
	h := m.hist[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.hist[route] = h
	}
	for i, b := range buckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.n++
}

func (m *metrics) write(w *strings.Builder, dbUp bool, dialect string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.WriteString("# HELP tandem_http_requests_total HTTP requests by route and status.\n# TYPE tandem_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(w, "tandem_http_requests_total{route=%q,status=%q} %d\n", k[0], k[1], m.requests[k])
	}
	w.WriteString("# HELP tandem_http_request_duration_seconds HTTP request latency by route.\n# TYPE tandem_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.hist))
	for r := range m.hist {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		h := m.hist[r]
		var cum uint64
		for i, b := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "tandem_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", r, strconv.FormatFloat(b, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "tandem_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, h.n)
		fmt.Fprintf(w, "tandem_http_request_duration_seconds_sum{route=%q} %g\n", r, h.sum)
		fmt.Fprintf(w, "tandem_http_request_duration_seconds_count{route=%q} %d\n", r, h.n)
	}
	up := 0
	if dbUp {
		up = 1
	}
	fmt.Fprintf(w, "# HELP tandem_database_up Whether the database answered a ping.\n# TYPE tandem_database_up gauge\ntandem_database_up{dialect=%q} %d\n", dialect, up)
	fmt.Fprintf(w, "# HELP tandem_uptime_seconds Seconds since the process started serving.\n# TYPE tandem_uptime_seconds gauge\ntandem_uptime_seconds %g\n", time.Since(m.started).Seconds())
}

func (s *server) metricsPage(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var b strings.Builder
	s.metrics.write(&b, s.db.Ping(ctx) == nil, s.db.Dialect())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
	return nil
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		if r.Context().Err() != nil {
			// The caller left (or the server is stopping): nothing is wrong
			// with the database.
			s.log.Debug("healthz canceled", "err", err)
			return nil
		}
		s.log.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": s.db.Dialect(), "version": s.opts.Version})
	return nil
}

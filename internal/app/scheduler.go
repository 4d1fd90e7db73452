package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/store"
)

// job is scheduled work: it looks at the clock and records what is due.
// Every job is idempotent — the facts it writes are recorded at most once
// per subject by the store — so two instances running it at the same time
// record each fact once.
type job struct {
	name string
	run  func(ctx context.Context, now time.Time) (int, error)
}

// jobs are the sweeps the server runs every minute: late-notice penalties
// for deliverables past due, and SLA breaches of requests.
func jobs(db *store.DB) []job {
	return []job{
		{"late notices", db.Notices.SweepOverdue},
		{"sla breaches", db.Requests.SweepBreaches},
	}
}

// schedule runs the jobs every interval until ctx ends, and waits for a run
// in progress before it returns (through wg).
func schedule(ctx context.Context, wg *sync.WaitGroup, log *slog.Logger, every time.Duration, js []job) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			for _, j := range js {
				if ctx.Err() != nil {
					return
				}
				n, err := j.run(ctx, time.Now())
				switch {
				case err != nil && ctx.Err() == nil:
					log.Error("scheduled job", "job", j.name, "err", err)
				case n > 0:
					log.Info("scheduled job", "job", j.name, "recorded", n)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

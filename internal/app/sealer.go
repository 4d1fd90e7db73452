package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/store"
)

// startSealer seals the audit chain (store.DB.SealAudit) every interval
// until ctx ends, then once more, so that what this instance wrote last is
// sealed before it stops. Only PostgreSQL has a chain to seal after commit;
// every instance runs a sealer, and the store lets one seal at a time.
// wg waits for the last round.
func startSealer(ctx context.Context, wg *sync.WaitGroup, log *slog.Logger, db *store.DB, interval time.Duration) {
	if db.Dialect() != "postgres" {
		return
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				if _, err := db.SealAudit(fctx); err != nil {
					log.Warn("audit sealing", "err", err)
				}
				cancel()
				return
			case <-t.C:
			}
			if _, err := db.SealAudit(ctx); err != nil && ctx.Err() == nil {
				log.Warn("audit sealing", "err", err)
			}
		}
	}()
}

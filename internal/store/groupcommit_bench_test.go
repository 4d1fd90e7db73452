package store_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// BenchmarkPartnerCreateConcurrent creates partners from 50 goroutines at
// once (b.SetParallelism over GOMAXPROCS): the store's part of a durable
// API write, without HTTP. On SQLite it also reports commits/op, the COMMITs
// of the writer per creation (groupcommit.go): 1 without batching; and
// cpu-µs/op, the CPU time of this process per creation (cpuTime), steadier
// than wall-clock time on a shared machine.
//
// Run: go test -bench PartnerCreateConcurrent -run '^$' ./internal/store/
// (-cpuprofile for where the time goes). Durations are reported, never
// asserted.
func BenchmarkPartnerCreateConcurrent(b *testing.B) {
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.Open(b, dialect, nil)
			f := storetest.Seed(b, db)
			var n atomic.Int64
			commits, cpu := store.Commits(db), cpuTime()
			b.SetParallelism(max(1, 50/max(1, testingProcs())))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					x := &partner.Partner{LegalName: fmt.Sprintf("Bench %d", n.Add(1)), Country: "SE"}
					if err := db.Partners.Create(ctx, f.Owner, x); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
			if dialect == "sqlite" {
				b.ReportMetric(float64(store.Commits(db)-commits)/float64(b.N), "commits/op")
			}
		})
	}
}

func testingProcs() int { return runtime.GOMAXPROCS(0) }

package store_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The import of a contacts CSV against a raw INSERT of the same rows, in
// the same run (the issue: ≥ 50 % of the raw rate with deduplication).
//
// The file has TANDEM_BENCH_CONTACTS rows (default 100,000; the issue's
// figure is 1,000,000): company, registration number, contact, phone,
// e-mail; three contacts a company, every tenth row repeating the row
// before it (a duplicate within the file). BenchmarkSalesImport streams
// it through csv.Reader into SalesStore.Import (dedup keys of the base
// loaded once, normalization, planning, multi-row inserts of accounts,
// contacts and details in one transaction, the audit entry) and reports
// rows/s; BenchmarkRawInsertBaseline inserts the same rows as they are
// into an unindexed table of five text columns, one prepared INSERT a row
// in one transaction, and reports rows/s. Divide the two for the ratio.
// Both also report rows/cpu-s, the rows per second of CPU time the process
// used meanwhile: on a machine shared with other work the wall-clock rate
// of either swings with the load, their CPU-time rates much less.
// Run: go test -bench 'SalesImport|RawInsertBaseline' -run '^$' -benchtime 1x ./internal/store/

func benchContacts(b *testing.B) (int, []byte) {
	n := 100_000
	if s := os.Getenv("TANDEM_BENCH_CONTACTS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1000 {
			b.Fatalf("TANDEM_BENCH_CONTACTS=%q: want a number ≥ 1000", s)
		}
		n = v
	}
	var buf bytes.Buffer
	buf.WriteString("Company,Registration number,Contact,Phone,Email\n")
	for i := range n {
		j := i
		if i%10 == 9 {
			j = i - 1 // a duplicate of the row before
		}
		c := j / 3
		fmt.Fprintf(&buf, "Bench Company %d AB,%d-%04d,Contact %d,070-%03d %02d %02d,Contact.%d@co%d.example\n",
			c, 550000+c/10000, c%10000, j, j/10000%1000, j/100%100, j%100, j, c)
	}
	return n, buf.Bytes()
}

func BenchmarkSalesImport(b *testing.B) {
	n, data := benchContacts(b)
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, dialect, time.Now)
				f := storetest.Seed(b, db)
				r := csv.NewReader(bytes.NewReader(data))
				r.ReuseRecord = true
				header, err := r.Read()
				if err != nil {
					b.Fatal(err)
				}
				header = append([]string(nil), header...)
				_, m, ok := sales.DetectPreset(header)
				if !ok {
					b.Fatal("no preset")
				}
				b.StartTimer()
				start, cpu := time.Now(), cpuTime()
				plan, err := db.Sales().Import(ctx, f.Manager, store.SalesImport{Header: header, Mapping: m,
					Rows: func(yield func(int, []string) bool) {
						for line := 2; ; line++ {
							rec, err := r.Read()
							if err == io.EOF {
								return
							}
							if err != nil {
								b.Fatal(err)
							}
							if !yield(line, rec) {
								return
							}
						}
					}})
				if err != nil {
					b.Fatal(err)
				}
				secs, cpuSecs := time.Since(start).Seconds(), (cpuTime() - cpu).Seconds()
				if plan.ErrorCount != 0 || plan.Rows != n || plan.MergedContacts != n/10 {
					b.Fatalf("plan: %d rows, %d errors %v, %d merged", plan.Rows, plan.ErrorCount, plan.Errors, plan.MergedContacts)
				}
				b.ReportMetric(float64(n)/secs, "rows/s")
				b.ReportMetric(float64(n)/cpuSecs, "rows/cpu-s")
			}
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkRawInsertBaseline(b *testing.B) {
	n, data := benchContacts(b)
	for _, dialect := range storetest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, dialect, time.Now)
				if err := store.ExecRaw(db, `CREATE TABLE bench_raw (company TEXT, reg_number TEXT, contact TEXT, phone TEXT, email TEXT)`); err != nil {
					b.Fatal(err)
				}
				r := csv.NewReader(bytes.NewReader(data))
				r.ReuseRecord = true
				if _, err := r.Read(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start, cpu := time.Now(), cpuTime()
				err := store.InsertRaw(db, "bench_raw", []string{"company", "reg_number", "contact", "phone", "email"},
					func(yield func([]any) bool) {
						args := make([]any, 5)
						for {
							rec, err := r.Read()
							if err == io.EOF {
								return
							}
							if err != nil {
								b.Fatal(err)
							}
							for i, v := range rec {
								args[i] = v
							}
							if !yield(args) {
								return
							}
						}
					})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
				b.ReportMetric(float64(n)/(cpuTime()-cpu).Seconds(), "rows/cpu-s")
			}
		})
	}
}

package app

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingBuffer is a syncBuffer that counts the writes it was given.
type countingBuffer struct {
	syncBuffer
	mu     sync.Mutex
	writes int
}

func (c *countingBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	return c.syncBuffer.Write(p)
}

func (c *countingBuffer) Writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// Lines logged from many goroutines all reach the output, whole, each
// goroutine's in the order it logged them, in fewer writes than lines.
func TestLogWriterGathersLines(t *testing.T) {
	t.Parallel()
	var out countingBuffer
	w := newLogWriter(&out)
	log := slog.New(flushOnWarn{slog.NewTextHandler(w, nil), w})
	const goroutines, lines = 8, 1000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				log.Info("request", "g", g, "i", i, "path", "/api/v1/partners")
			}
		}()
	}
	wg.Wait()
	w.Close()

	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != goroutines*lines {
		t.Fatalf("%d lines written, want %d", len(got), goroutines*lines)
	}
	next := make([]int, goroutines)
	for _, l := range got {
		var g, i int
		if _, err := fmt.Sscanf(l[strings.Index(l, " g="):], " g=%d i=%d path=/api/v1/partners", &g, &i); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if i != next[g] {
			t.Fatalf("goroutine %d: line %d written where %d was next", g, i, next[g])
		}
		next[g]++
	}
	if n := out.Writes(); n >= len(got) {
		t.Errorf("%d lines in %d writes: nothing was gathered", len(got), n)
	}
}

// A warning is written, after every line before it, before the call that
// logs it returns; INFO lines follow on their own without a Close; after
// Close a line is written at once.
func TestLogWriterWritesWarningsAtOnce(t *testing.T) {
	t.Parallel()
	var out countingBuffer
	w := newLogWriter(&out)
	log := slog.New(flushOnWarn{slog.NewTextHandler(w, nil), w})

	log.Info("first")
	log.With("part", "store").Warn("second")
	s := out.String()
	if !strings.Contains(s, "msg=first") || !strings.Contains(s, "msg=second") || strings.Index(s, "msg=first") > strings.Index(s, "msg=second") {
		t.Fatalf("after the warning returned the output is %q, want the info line then the warning", s)
	}

	log.Info("third")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "msg=third") {
		if time.Now().After(deadline) {
			t.Fatalf("an info line was never written without a Close: %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}

	w.Close()
	w.Close() // a second Close does nothing
	log.Info("fourth")
	if !strings.HasSuffix(out.String(), "msg=fourth\n") {
		t.Fatalf("after Close a line was not written at once: %q", out.String())
	}
}

// BenchmarkRequestLine logs the line serve writes for every request,
// from two goroutines, into a file: written as it comes (direct) and
// through a logWriter (gathered). Compare the two of one run.
func BenchmarkRequestLine(b *testing.B) {
	for _, name := range []string{"direct", "gathered"} {
		b.Run(name, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "log"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			log := slog.New(slog.NewTextHandler(f, nil))
			if name == "gathered" {
				w := newLogWriter(f)
				defer w.Close()
				log = slog.New(flushOnWarn{slog.NewTextHandler(w, nil), w})
			}
			b.SetParallelism(1)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					log.Info("request", "request_id", "56693decf3cda718", "method", "POST", "path", "/api/v1/partners",
						"route", "POST /api/v1/partners", "status", 201, "duration_ms", 11.574)
				}
			})
		})
	}
}

package app

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// The server's log, written a few lines at a time.
//
// `serve` logs a line for every request it answers. Written as it came,
// each line was a write(2) of its own on stderr, the second system call
// of every request beside the answer's. A logWriter gathers the lines
// instead and one goroutine writes what gathered in one call: at most
// logLinger after the first of them, at once when logFlushAt bytes are
// waiting, and everything when the server stops. A request's line costs
// about half as much so (BenchmarkRequestLine); against a whole durable
// write that is about 1 %, too little to tell in a wrk run on a shared VM
// (docs/speed.md, thirty-third session).
//
// What a person tailing the log sees is the same, a few milliseconds
// later. Lines at WARN and above are written before the call that logs
// them returns, with every line before them (flushOnWarn), so nothing
// that explains a failure waits in the buffer; what serve prints on
// stderr itself goes through the same logWriter and keeps its place among
// the lines, all of it written when serve returns. What a process killed
// outright (kill -9, an unrecovered panic elsewhere) had not yet written
// is lost: at most logLinger of INFO and DEBUG lines.

// logLinger is how long the first line gathered waits for others.
const logLinger = 2 * time.Millisecond

// logFlushAt is how much gathered text is written at once, without
// waiting: about 400 request lines.
const logFlushAt = 64 << 10

// logWriter gathers what is written to it and writes it on to out from its
// own goroutine. Close writes what is left and stops the goroutine.
type logWriter struct {
	out io.Writer

	outMu sync.Mutex // held while writing to out, so writes keep their order
	spare []byte     // the buffer out was last written from, kept for reuse (under outMu)

	mu     sync.Mutex // guards buf and closed
	buf    []byte
	closed bool

	wake chan struct{} // a line waits to be written
	stop chan struct{}
	done chan struct{}
}

func newLogWriter(out io.Writer) *logWriter {
	w := &logWriter{out: out, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// Write keeps a copy of p to be written shortly; it never fails. After
// Close it writes p at once.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		w.outMu.Lock()
		defer w.outMu.Unlock()
		w.flush() // what no Flush wrote yet goes first
		return w.out.Write(p)
	}
	first := len(w.buf) == 0
	w.buf = append(w.buf, p...)
	full := len(w.buf) >= logFlushAt
	w.mu.Unlock()
	switch {
	case full:
		w.Flush()
	case first:
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// Flush writes what was gathered so far before it returns.
func (w *logWriter) Flush() {
	w.outMu.Lock()
	defer w.outMu.Unlock()
	w.flush()
}

// flush is Flush with outMu held.
func (w *logWriter) flush() {
	w.mu.Lock()
	b := w.buf
	w.buf = w.spare[:0]
	w.mu.Unlock()
	if len(b) > 0 {
		// A log has nowhere to report its own failure to write.
		_, _ = w.out.Write(b)
	}
	if cap(b) > logFlushAt*2 {
		b = nil // a burst's buffer is not kept
	}
	w.spare = b[:0]
}

func (w *logWriter) run() {
	defer close(w.done)
	t := time.NewTimer(logLinger)
	t.Stop()
	for {
		select {
		case <-w.wake:
		case <-w.stop:
			return
		}
		t.Reset(logLinger)
		select {
		case <-t.C:
		case <-w.stop:
			t.Stop()
			return
		}
		w.Flush()
	}
}

// Close writes everything gathered and stops the goroutine; what is
// written afterwards goes straight to out.
func (w *logWriter) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	<-w.done
	w.Flush()
}

// flushOnWarn is a handler whose records at WARN and above are written to
// the log's logWriter, with everything before them, before Handle returns.
type flushOnWarn struct {
	slog.Handler
	w *logWriter
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.w.Flush()
	}
	return err
}

func (h flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{h.Handler.WithAttrs(attrs), h.w}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.w}
}

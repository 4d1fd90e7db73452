package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCommandStart measures what a command costs before it does
// anything (issue 16: `tandem version` starts in under 20 ms): `tandem
// version` from exec to exit, each run beside a Go hello-world built in
// the same run, for the default build and for the static one the README
// recommends (CGO_ENABLED=0). It reports milliseconds a start, the ratio
// to the hello-world, and the page faults a start takes (on this kind of
// machine a fault costs 15–30 µs, and most of a start is faults).
//
//	go test ./internal/app -run '^$' -bench CommandStart -benchtime 40x
func BenchmarkCommandStart(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "hello.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	hello := filepath.Join(dir, "hello")
	goBuild(b, nil, "-o", hello, src)
	for _, v := range []struct {
		name string
		env  []string
	}{{"default", nil}, {"static", []string{"CGO_ENABLED=0"}}} {
		bin := filepath.Join(dir, "tandem-"+v.name)
		goBuild(b, v.env, "-o", bin, "github.com/tandemhq/tandem/cmd/tandem")
		b.Run(v.name, func(b *testing.B) {
			var took, helloTook time.Duration
			var faults, helloFaults int64
			for i := 0; i < b.N; i++ {
				d, f := runToEnd(b, hello)
				helloTook, helloFaults = helloTook+d, helloFaults+f
				d, f = runToEnd(b, bin, "version")
				took, faults = took+d, faults+f
			}
			n := float64(b.N)
			b.ReportMetric(took.Seconds()*1000/n, "ms/start")
			b.ReportMetric(helloTook.Seconds()*1000/n, "hello-ms/start")
			b.ReportMetric(float64(took)/float64(helloTook), "×hello")
			b.ReportMetric(float64(faults)/n, "faults/start")
			b.ReportMetric(float64(helloFaults)/n, "hello-faults/start")
		})
	}
}

func goBuild(b *testing.B, env []string, args ...string) {
	b.Helper()
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %v: %v\n%s", args, err, out)
	}
}

// runToEnd runs a program to its end and answers how long that took and the
// minor page faults it took.
func runToEnd(b *testing.B, bin string, args ...string) (time.Duration, int64) {
	b.Helper()
	cmd := exec.Command(bin, args...)
	t0 := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", bin, err, out)
	}
	d := time.Since(t0)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		return d, 0
	}
	return d, ru.Minflt
}

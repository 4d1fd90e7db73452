//go:build !unix

package loadbench

import "time"

// processCPU: this system does not tell (see cpu_unix.go).
func processCPU() (time.Duration, bool) { return 0, false }

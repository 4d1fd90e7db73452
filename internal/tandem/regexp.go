package tandem

import (
	"regexp"
	"sync"
)

// LazyRegexp compiles expr the first time the answer is called: a package
// keeps its expressions as such functions instead of compiling them when
// the program starts, which every command would pay for (issue 16: the
// command line starts in under 20 ms).
func LazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

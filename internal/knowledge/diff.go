package knowledge

import "strings"

// Op is what a line of a diff does.
type Op string

// Diff operations.
const (
	Same    Op = "same"
	Added   Op = "added"
	Removed Op = "removed"
)

// Line is one line of a diff.
type Line struct {
	Op   Op
	Text string
}

// MaxDiffLines bounds the lines Diff compares on each side; beyond it the
// rest of both texts is shown as removed and added.
const MaxDiffLines = 4000

// Diff is the line diff from a to b: a longest common subsequence of lines
// kept as Same, the rest of a Removed and of b Added, in reading order
// (within a change, removed lines before added ones). Written here rather
// than taken from a library: a page is small, and the quadratic table is
// bounded by MaxDiffLines.
func Diff(a, b string) []Line {
	x, y := splitLines(a), splitLines(b)
	var tailX, tailY []string
	if len(x) > MaxDiffLines {
		x, tailX = x[:MaxDiffLines], x[MaxDiffLines:]
	}
	if len(y) > MaxDiffLines {
		y, tailY = y[:MaxDiffLines], y[MaxDiffLines:]
	}
	n, m := len(x), len(y)
	// lcs[i][j] is the length of the LCS of x[i:] and y[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []Line
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, Line{Same, x[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, Line{Removed, x[i]})
			i++
		default:
			out = append(out, Line{Added, y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, Line{Removed, x[i]})
	}
	for ; j < m; j++ {
		out = append(out, Line{Added, y[j]})
	}
	for _, s := range tailX {
		out = append(out, Line{Removed, s})
	}
	for _, s := range tailY {
		out = append(out, Line{Added, s})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

package web

import (
	"bytes"
	"testing"
)

// TestSplitAtMarks: a kept page is cut at its parts' marks in order, and
// a page whose marks are missing, repeated or out of order is refused
// rather than answered with a part in the wrong place.
func TestSplitAtMarks(t *testing.T) {
	t.Parallel()
	page := []byte("<main>a" + partMark(0) + "b" + partMark(1) + "c</main>")
	pieces, err := splitAtMarks(page, 2)
	if err != nil || len(pieces) != 3 || string(pieces[0]) != "<main>a" || string(pieces[1]) != "b" || string(pieces[2]) != "c</main>" {
		t.Fatalf("pieces %q, %v", pieces, err)
	}
	if got := bytes.Join(pieces, nil); string(got) != "<main>abc</main>" {
		t.Errorf("joined %q", got)
	}
	for name, bad := range map[string]string{
		"missing":      "<main>a" + partMark(0) + "b</main>",
		"twice":        "<main>a" + partMark(0) + "b" + partMark(1) + "c" + partMark(1) + "</main>",
		"out of order": "<main>a" + partMark(1) + "b" + partMark(0) + "c</main>",
	} {
		if _, err := splitAtMarks([]byte(bad), 2); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

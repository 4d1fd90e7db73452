package i18n

import "testing"

func TestUpperFirst(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"ноябрь 2026 г. · KPI": "Ноябрь 2026 г. · KPI", "december 2026": "December 2026",
		"November": "November", "1 дек.": "1 дек.", "": "", "ärende": "Ärende"} {
		if got := UpperFirst(in); got != want {
			t.Errorf("UpperFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

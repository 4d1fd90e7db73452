package i18n

import "testing"

func TestExpr(t *testing.T) {
	t.Parallel()
	ls := localizers(t)
	cases := []struct {
		in   string
		want byLang
	}{
		{"45000.00 × 14 / 30", byLang{"45,000.00 × 14 / 30", "45_000,00 × 14 / 30", "45_000,00 × 14 / 30"}},
		{"3 × 1500.00", byLang{"3 × 1,500.00", "3 × 1_500,00", "3 × 1_500,00"}},
		{"−2 × 12.50 % × 50100.00", byLang{"-2 × 12.50% × 50,100.00", "-2 × 12,50_% × 50_100,00", "~2 × 12,50_% × 50_100,00"}},
		{"50100.00 − 4500.00", byLang{"50,100.00 − 4,500.00", "50_100,00 − 4_500,00", "50_100,00 − 4_500,00"}},
		{"21000.0000…", byLang{"21,000.0000…", "21_000,0000…", "21_000,0000…"}},
		{"85.00 ≥ 85", byLang{"85.00 ≥ 85", "85,00 ≥ 85", "85,00 ≥ 85"}},
		{"0 − 0.00", byLang{"0 − 0.00", "0 − 0,00", "0 − 0,00"}},
		{"", byLang{}},
	}
	for _, c := range cases {
		for lang, l := range ls {
			if got := l.Expr(c.in); got != c.want.get(lang) {
				t.Errorf("%s: Expr(%q) = %q, want %q", lang, c.in, got, c.want.get(lang))
			}
		}
	}
}

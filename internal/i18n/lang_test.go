package i18n

import "testing"

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"en", EN, true},
		{"ru", RU, true},
		{"sv", SV, true},
		{"ru-RU", RU, true},
		{"sv_SE", SV, true},
		{"EN-us", EN, true},
		{"  Sv ", SV, true},
		{"SV-FI", SV, true},
		{"de", "", false},
		{"", "", false},
		{"rus", "", false},
		{"-ru", "", false},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Lang
	}{
		{"", EN},
		{"ru", RU},
		{"sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7", SV},
		{"en;q=0.5, ru;q=0.8", RU},
		{"de-DE,de;q=0.9,sv;q=0.5", SV},
		{"de", EN},
		{"*", EN},
		{"ru;q=0", EN},
		{"ru;q=0, sv;q=0.1", SV},
		{"en, ru", EN},                // tie: header order
		{"ru;q=0.5, sv;q=0.5", RU},    // tie: header order
		{"sv;q=0.5, ru;q=0.500", SV},  // equal after normalisation
		{"sv;q=1.5, ru;q=0.2", RU},    // invalid q excludes the entry
		{"sv;q=abc, ru;q=0.2", RU},    // invalid q excludes the entry
		{"sv;q=0.1234, ru;q=0.2", RU}, // more than 3 decimals is invalid
		{"fr;q=1, ru;q=0.001", RU},
		{"RU-ru", RU},
		{" sv ; q = 0.8 , en;q=0.7", SV},
		{"en-GB;q=0.8, sv-FI;q=0.9", SV},
		{"ru;level=1;q=0.9, en;q=0.8", RU},
		{",,;q=1,", EN},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.in); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPluralCategory(t *testing.T) {
	t.Parallel()
	ru := map[int64]string{
		0: "many", 1: "one", 2: "few", 4: "few", 5: "many", 11: "many", 12: "many",
		14: "many", 21: "one", 22: "few", 25: "many", 101: "one", 111: "many",
		112: "many", 1001: "one", -1: "one", -22: "few", 1000000: "many",
	}
	for n, want := range ru {
		if got := PluralCategory(RU, n); got != want {
			t.Errorf("PluralCategory(ru, %d) = %q, want %q", n, got, want)
		}
	}
	for _, lang := range []Lang{EN, SV} {
		for n, want := range map[int64]string{0: "other", 1: "one", 2: "other", -1: "one", 11: "other", 21: "other", 101: "other"} {
			if got := PluralCategory(lang, n); got != want {
				t.Errorf("PluralCategory(%s, %d) = %q, want %q", lang, n, got, want)
			}
		}
	}
}

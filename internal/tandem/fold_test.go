package tandem

import "testing"

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Malmö Säljbyrå AB":           "malmo saljbyra ab",
		"NordCall Baltic OÜ":          "nordcall baltic ou",
		"ООО «Продажи Плюс»":          "ооо продажи плюс",
		"  k.tamm@nordcall.example  ": "k tamm nordcall example",
		"Ёлка":                        "елка",
		"%_--":                        "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

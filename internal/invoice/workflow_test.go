package invoice

import (
	"errors"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"

	"github.com/tandemhq/tandem/internal/tandem"
)

func wfLines() []Line {
	return []Line{
		{Kind: KindFixed, Version: 1, Clause: "price.components.0", AmountMinor: 4_500_000, Taxable: true},
		{Kind: KindResult, Version: 1, Clause: "price.components.1", AmountMinor: 300_000, Taxable: true},
		{Kind: KindVAT, RateBP: 2500, AmountMinor: 1_200_000},
	}
}

func TestTransitions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"approve a draft", Approve(StatusDraft, 0), nil},
		{"approve with a dispute open", Approve(StatusDraft, 1), ErrDisputeOpen},
		{"approve twice", Approve(StatusApproved, 0), ErrNotDraft},
		{"approve issued", Approve(StatusIssued, 0), ErrIssued},
		{"issue approved", Issue(StatusApproved), nil},
		{"issue a draft", Issue(StatusDraft), ErrNotApproved},
		{"issue twice", Issue(StatusIssued), ErrIssued},
		{"issue paid", Issue(StatusPaid), ErrIssued},
		{"pay a draft", MarkPaid(StatusDraft, "", "2026-12-01"), ErrNotIssued},
		{"pay paid", MarkPaid(StatusPaid, "2026-12-01", "2026-12-02"), ErrIssued},
		{"pay issued", MarkPaid(StatusIssued, "2026-12-01", "2026-12-01"), nil},
	} {
		if !errors.Is(c.err, c.want) && c.err != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	if err := MarkPaid(StatusIssued, "2026-12-02", "2026-12-01"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("paid before issued: %v", err)
	}
	if err := MarkPaid(StatusIssued, "2026-12-02", "soon"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("paid on no day: %v", err)
	}
	if !StatusIssued.Issued() || !StatusPaid.Issued() || StatusApproved.Issued() || !StatusApproved.Recomputable() || StatusIssued.Recomputable() {
		t.Error("status predicates")
	}
}

func TestDisputes(t *testing.T) {
	t.Parallel()
	lines := wfLines()
	key := LineKey(lines[1])
	if _, err := OpenDispute(StatusDraft, lines, nil, LineKey(lines[2]), "VAT"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("VAT disputed: %v", err)
	}
	if _, err := OpenDispute(StatusDraft, lines, []string{key}, key, "again"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("disputed twice: %v", err)
	}
	if _, err := OpenDispute(StatusIssued, lines, nil, key, "late"); err != ErrIssued {
		t.Errorf("issued disputed: %v", err)
	}
	d, err := OpenDispute(StatusDraft, lines, nil, key, "  a lead is missing ")
	if err != nil || d.Reason != "a lead is missing" || d.Status != DisputeOpen {
		t.Fatalf("open: %+v %v", d, err)
	}
	d.ID = 7
	// Upheld at 4 500,00: the line is 3 000,00, the adjustment +1 500,00.
	up := d
	a, err := DecideDispute(StatusDraft, lines, &up, true, 450_000, "agreed")
	if err != nil || a == nil || a.AmountMinor != 150_000 || a.Kind != AdjustAgreed || a.Ref != "dispute:7" || up.Status != DisputeUpheld {
		t.Errorf("upheld: %+v %+v %v", a, up, err)
	}
	if _, err := DecideDispute(StatusDraft, lines, &up, false, 0, "again"); err != ErrDecided {
		t.Errorf("decided twice: %v", err)
	}
	rej := d
	if a, err := DecideDispute(StatusDraft, lines, &rej, false, 0, "no"); err != nil || a != nil || rej.Status != DisputeRejected {
		t.Errorf("rejected: %+v %v", a, err)
	}
	same := d
	if a, err := DecideDispute(StatusDraft, lines, &same, true, 300_000, "as is"); err != nil || a != nil {
		t.Errorf("upheld at the same amount: %+v %v", a, err)
	}
}

// Withholding 5 000,00 of a 45 000,00 fee, then at most 40 000,00 more;
// its release gives back +5 000,00. Adjustments are lines before VAT: the
// agreed one taxable, the withheld one not (VAT 25 % × 49 500,00 =
// 12 375,00; total 45 000 + 3 000 + 1 500 − 5 000 + 12 375 = 56 875,00).
func TestWithholdAndRelease(t *testing.T) {
	t.Parallel()
	lines := wfLines()
	key := LineKey(lines[0])
	if _, err := Withhold(StatusDraft, false, lines, nil, key, 100, "no"); err != ErrWithholdRefused {
		t.Errorf("terms forbid: %v", err)
	}
	w, err := Withhold(StatusDraft, true, lines, nil, key, 500_000, "report missing")
	if err != nil || w.AmountMinor != -500_000 || w.Kind != AdjustWithheld {
		t.Fatalf("withhold: %+v %v", w, err)
	}
	if _, err := Withhold(StatusDraft, true, lines, []Adjustment{*w}, key, 4_000_001, "more"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("more than the line carries: %v", err)
	}
	if _, err := Withhold(StatusDraft, true, lines, []Adjustment{*w}, key, 4_000_000, "rest"); err != nil {
		t.Errorf("the rest: %v", err)
	}
	if _, err := Withhold(StatusApproved, true, lines, nil, key, 1, "late"); err != ErrNotDraft {
		t.Errorf("approved: %v", err)
	}
	w.ID = 5
	r, err := Release(*w, false)
	if err != nil || r.AmountMinor != 500_000 || r.Kind != AdjustReleased || r.Ref != "withholding:5" {
		t.Errorf("release: %+v %v", r, err)
	}
	if _, err := Release(*w, true); err != ErrReleased {
		t.Errorf("released twice: %v", err)
	}

	// In Compute: June 2026, a fee of 45 000,00 and two leads at 1 500,00.
	in := Input{Period: june(t), VATBP: 2500, Versions: []contract.Version{version(1, "2026-01-01", fixed(4_500_000),
		perResult("qualified_lead", 150_000))},
		Results: []Result{{Ref: "fact:1", Unit: "qualified_lead", Day: "2026-06-03"}, {Ref: "fact:2", Unit: "qualified_lead", Day: "2026-06-20"}}}
	plain, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Adjustments = []Adjustment{
		{Kind: AdjustAgreed, LineKey: LineKey(plain.Lines[1]), AmountMinor: 150_000, Reason: "agreed", Ref: "dispute:1"},
		{Kind: AdjustWithheld, LineKey: LineKey(plain.Lines[0]), AmountMinor: -500_000, Reason: "report", Ref: "withholding:2"},
	}
	inv, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{KindFixed, KindResult, KindAgreed, KindWithheld, KindVAT}
	amounts := []int64{4_500_000, 300_000, 150_000, -500_000, 1_237_500}
	if len(inv.Lines) != len(kinds) {
		t.Fatalf("%d lines: %+v", len(inv.Lines), inv.Lines)
	}
	for i, l := range inv.Lines {
		if l.Kind != kinds[i] || l.AmountMinor != amounts[i] {
			t.Errorf("line %d: %s %d, want %s %d", i, l.Kind, l.AmountMinor, kinds[i], amounts[i])
		}
	}
	if inv.NetMinor != 4_450_000 || inv.VATMinor != 1_237_500 || inv.TotalMinor != 5_687_500 {
		t.Errorf("net %d VAT %d total %d", inv.NetMinor, inv.VATMinor, inv.TotalMinor)
	}
	if inv.Lines[2].Basis[0] != 1 || inv.Lines[3].Basis[0] != 0 || inv.Lines[3].Taxable || !inv.Lines[2].Taxable {
		t.Errorf("adjustment lines: %+v %+v", inv.Lines[2], inv.Lines[3])
	}

	// A credit note of 1 000,00 net against it: −1 000,00 and −250,00 VAT.
	if _, _, err := CreditNote(StatusDraft, inv, 0, 100_000, "x"); err != ErrNotIssued {
		t.Errorf("credit on a draft: %v", err)
	}
	if _, _, err := CreditNote(StatusIssued, inv, 4_400_000, 50_001, "x"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("credit beyond the net: %v", err)
	}
	cn, why, err := CreditNote(StatusPaid, inv, 0, 100_000, " duplicate ")
	if err != nil || why != "duplicate" || cn.NetMinor != -100_000 || cn.VATMinor != -25_000 || cn.TotalMinor != -125_000 ||
		len(cn.Lines) != 2 || cn.Lines[0].Kind != KindCredit || cn.Lines[1].RateBP != 2500 {
		t.Errorf("credit note: %+v %q %v", cn, why, err)
	}
}

func TestNumberDueGroups(t *testing.T) {
	t.Parallel()
	if Number(2026, 1) != "2026-0001" || Number(2027, 12345) != "2027-12345" {
		t.Error("numbers")
	}
	if DueOn("2026-12-02", 30) != "2027-01-01" || DueOn("x", 1) != "" {
		t.Error("due")
	}
	g := GroupUnpriced([]Unpriced{{"fact:1", "a"}, {"fact:2", "b"}, {"fact:3", "a"}})
	if len(g) != 2 || g[0].Reason != "a" || len(g[0].Refs) != 2 || len(g[1].Refs) != 1 {
		t.Errorf("groups: %+v", g)
	}
	if m := Told("disputed", true, nil); !m.To.Client || m.To.Partner || m.Kind != "invoice.disputed" {
		t.Errorf("told: %+v", m)
	}
	// Agents see no invoices: the client's steps tell the partner's managers.
	if m := Told("issued", false, nil); m.To.Client || m.To.Partner || !m.To.PartnerManagers {
		t.Errorf("told: %+v", m)
	}
}

package invoice

import (
	"errors"
	"slices"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// issued is an issued invoice at 25 % VAT: a fixed fee of 10 000.00, 3
// leads × 500.00 = 1 500.00, a late-notice penalty of −200.00 (not
// taxable); net 11 300.00, VAT 25 % × 11 500.00 = 2 875.00, total
// 14 175.00.
func issued() (*Invoice, Line, Line, Line) {
	fixedL := Line{Kind: KindFixed, Description: i18n.K("invoice.line.fixed"), AmountMinor: 1_000_000, Taxable: true, Version: 1,
		Clause: "price.components.0"}
	leadsL := Line{Kind: KindResult, Description: i18n.K("invoice.line.per_result"), Quantity: Quantity{3, 1, UnitLead},
		UnitMinor: 50_000, AmountMinor: 150_000, Taxable: true, Version: 1, Clause: "price.components.1",
		Refs: []string{"fact:1", "fact:2", "fact:3"}}
	penL := Line{Kind: KindLateNotice, Description: i18n.K("invoice.line.late_notice"), AmountMinor: -20_000, Version: 1,
		Clause: "notices.0.penalty_minor", Refs: []string{"fact:9"}}
	vat := Line{Kind: KindVAT, RateBP: 2500, BaseMinor: 1_150_000, AmountMinor: 287_500}
	return &Invoice{Currency: "SEK", From: "2026-06-01", To: "2026-06-30", Days: 30, Lines: []Line{fixedL, leadsL, penL, vat},
		NetMinor: 1_130_000, VATMinor: 287_500, TotalMinor: 1_417_500}, fixedL, leadsL, penL
}

func TestCreditLines(t *testing.T) {
	t.Parallel()
	orig, fixedL, leadsL, penL := issued()
	// 333.33 of the fee and all the leads: net −1 833.33; VAT 25 % ×
	// −1 833.33 = −458.3325 → −458.33; total −2 291.66.
	cn, why, err := CreditLines(StatusIssued, orig, Corrected{}, []CreditLine{{LineKey(fixedL), 33_333}, {LineKey(leadsL), 150_000}},
		" Two leads were duplicates ")
	if err != nil {
		t.Fatal(err)
	}
	if why != "Two leads were duplicates" || cn.NetMinor != -183_333 || cn.VATMinor != -45_833 || cn.TotalMinor != -229_166 ||
		len(cn.Lines) != 3 || cn.Lines[0].Kind != KindCredit || cn.Lines[0].Clause != LineKey(fixedL) ||
		cn.Lines[1].Description != leadsL.Description || !slices.Equal(cn.Lines[1].Refs, leadsL.Refs) || cn.Lines[2].Kind != KindVAT {
		t.Fatalf("credit note %+v", cn)
	}
	checkSums(t, cn)
	// 0.50 of the fee: VAT 0.125 → 0.13 (half away from zero): −0.63.
	small, _, err := CreditLines(StatusPaid, orig, Corrected{}, []CreditLine{{LineKey(fixedL), 50}}, "r")
	if err != nil || small.VATMinor != -13 || small.TotalMinor != -63 {
		t.Fatalf("0.50: %+v %v", small, err)
	}
	// The penalty is not taxable: crediting 100.00 of... a negative line has nothing to credit.
	if _, _, err := CreditLines(StatusIssued, orig, Corrected{}, []CreditLine{{LineKey(penL), 100}}, "r"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("crediting a negative line: %v", err)
	}
	// After the first: 9 666.67 of the fee is left, nothing of the leads.
	var done Corrected
	done.Add(cn.Lines)
	done.CreditedNet = 183_333
	if _, _, err := CreditLines(StatusIssued, orig, done, []CreditLine{{LineKey(fixedL), 966_668}}, "r"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("more than is left of the fee: %v", err)
	}
	if _, _, err := CreditLines(StatusIssued, orig, done, []CreditLine{{LineKey(leadsL), 1}}, "r"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("a fully credited line: %v", err)
	}
	// All that is left of the fee would take off more than the original's
	// net left (11 300.00 − 1 833.33 = 9 466.67: the penalty lowered it).
	if _, _, err := CreditLines(StatusIssued, orig, done, []CreditLine{{LineKey(fixedL), 966_667}}, "r"); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("more than the net left: %v", err)
	}
	rest, _, err := CreditLines(StatusIssued, orig, done, []CreditLine{{LineKey(fixedL), 946_667}}, "r")
	if err != nil || rest.NetMinor != -946_667 || rest.VATMinor != -236_667 { // 236 666.75 → 236 667
		t.Errorf("the rest of the fee: %+v %v", rest, err)
	}
	// No line, a line twice, no reason, a draft.
	for _, c := range []struct {
		status Status
		lines  []CreditLine
		why    string
	}{
		{StatusIssued, nil, "r"},
		{StatusIssued, []CreditLine{{LineKey(fixedL), 1}, {LineKey(fixedL), 1}}, "r"},
		{StatusIssued, []CreditLine{{LineKey(fixedL), 1}}, " "},
		{StatusIssued, []CreditLine{{"lnope", 1}}, "r"},
	} {
		if _, _, err := CreditLines(c.status, orig, Corrected{}, c.lines, c.why); tandem.ErrorCode(err) != tandem.EInvalid {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if _, _, err := CreditLines(StatusDraft, orig, Corrected{}, []CreditLine{{LineKey(fixedL), 1}}, "r"); !errors.Is(err, ErrNotIssued) {
		t.Errorf("a draft: %v", err)
	}
}

func TestSupplement(t *testing.T) {
	t.Parallel()
	orig, fixedL, leadsL, penL := issued()
	// A fourth lead accepted after issue, for June: the period now has 4
	// leads × 500.00 = 2 000.00; the supplement is 1 lead × 500.00 with
	// VAT 125.00, total 625.00, referring to the fourth lead only.
	now := *orig
	more := leadsL
	more.Quantity, more.AmountMinor, more.Refs = Quantity{4, 1, UnitLead}, 200_000, []string{"fact:1", "fact:2", "fact:3", "fact:4"}
	now.Lines = []Line{fixedL, more, penL}
	sup, why, err := Supplement(StatusIssued, orig, &now, Corrected{}, "A lead accepted late")
	if err != nil {
		t.Fatal(err)
	}
	l := sup.Lines[0]
	if why != "A lead accepted late" || len(sup.Lines) != 2 || l.Kind != KindSupplement || l.AmountMinor != 50_000 ||
		l.Quantity != (Quantity{1, 1, UnitLead}) || l.UnitMinor != 50_000 || !slices.Equal(l.Refs, []string{"fact:4"}) ||
		sup.NetMinor != 50_000 || sup.VATMinor != 12_500 || sup.TotalMinor != 62_500 {
		t.Fatalf("supplement %+v", sup)
	}
	checkSums(t, sup)
	// Once supplemented, nothing more until another lead.
	var done Corrected
	done.Add(sup.Lines)
	if _, _, err := Supplement(StatusIssued, orig, &now, done, "again"); !errors.Is(err, ErrNothingToSupplement) {
		t.Errorf("twice: %v", err)
	}
	// A line that now carries less is a credit note's business, not a supplement's.
	less := leadsL
	less.AmountMinor = 100_000
	now.Lines = []Line{fixedL, less}
	if _, _, err := Supplement(StatusIssued, orig, &now, Corrected{}, "less"); !errors.Is(err, ErrNothingToSupplement) {
		t.Errorf("less: %v", err)
	}
	if _, _, err := Supplement(StatusApproved, orig, &now, Corrected{}, "r"); !errors.Is(err, ErrNotIssued) {
		t.Errorf("not issued: %v", err)
	}
}

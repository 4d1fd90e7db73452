package invoice

import (
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/kpi"
)

// Payment kinds.
const (
	PaymentPrepayment = "prepayment"
	PaymentInstalment = "instalment"
)

// Payment is one payment of an invoice's schedule.
type Payment struct {
	Kind        string // prepayment | instalment
	Number      int    // 1, 2, … among the instalments; 0 for the prepayment
	DueOn       string // YYYY-MM-DD
	AmountMinor int64
	Steps       []kpi.Step
}

// Schedule splits an invoice's total into the payments its terms ask for
// (price.prepayment_bp, price.instalments, price.days_to_pay of the
// version in force on the period's last day):
//
//   - the prepayment, PrepaymentBP of the total rounded once half up, due
//     on the period's first day: it is owed before the work;
//   - the rest in Instalments equal payments (0 or 1: one), the first due
//     DaysToPay days after issue, each next one calendar month later. Each
//     payment is the rest ÷ instalments rounded down to the minor unit and
//     the last absorbs the remainder, so that the payments add up to the
//     total exactly.
//
// A total of zero or less (nothing to pay, or money back) is one payment
// due DaysToPay days after issue. issued and periodFrom are "YYYY-MM-DD".
func Schedule(total int64, p contract.Price, periodFrom, issued string) ([]Payment, error) {
	iss, err := time.Parse(time.DateOnly, issued)
	if err != nil {
		return nil, fmt.Errorf("%w: issued %q", ErrInput, issued)
	}
	if _, err := time.Parse(time.DateOnly, periodFrom); err != nil {
		return nil, fmt.Errorf("%w: period from %q", ErrInput, periodFrom)
	}
	if p.PrepaymentBP < 0 || p.PrepaymentBP > contract.MaxBP || p.Instalments < 0 || p.DaysToPay < 0 {
		return nil, fmt.Errorf("%w: payment terms", ErrInput)
	}
	b := &builder{cur: p.Currency}
	due := iss.AddDate(0, 0, p.DaysToPay)
	if total <= 0 {
		return []Payment{{Kind: PaymentInstalment, Number: 1, DueOn: due.Format(time.DateOnly), AmountMinor: total}}, nil
	}
	var out []Payment
	rest := total
	if p.PrepaymentBP > 0 {
		exact := rat(b.mul(total, int64(p.PrepaymentBP)), 10000)
		pre := Payment{Kind: PaymentPrepayment, DueOn: periodFrom, AmountMinor: b.round(exact)}
		pre.Steps = append(pre.Steps, kpi.Step{Label: "invoice.explain.prepayment", Expr: bp(p.PrepaymentBP) + " × " + b.amount(total), Result: b.exact(exact)})
		if !exact.IsInt() {
			pre.Steps = append(pre.Steps, kpi.Step{Label: "invoice.explain.rounded", Expr: b.exact(exact), Result: b.amount(pre.AmountMinor)})
		}
		out = append(out, pre)
		rest -= pre.AmountMinor
	}
	n := int64(max(p.Instalments, 1))
	part := new(big.Int).Quo(big.NewInt(rest), big.NewInt(n)).Int64() // rest ≥ 0: rounds down
	for i := range n {
		pay := Payment{Kind: PaymentInstalment, Number: int(i + 1), DueOn: addMonths(due, int(i)).Format(time.DateOnly), AmountMinor: part}
		if n > 1 {
			pay.Steps = append(pay.Steps, kpi.Step{Label: "invoice.explain.instalment", Expr: b.amount(rest) + " / " + strconv.FormatInt(n, 10), Result: b.amount(part)})
		}
		if i == n-1 {
			pay.AmountMinor = rest - part*(n-1)
			if pay.AmountMinor != part {
				pay.Steps = append(pay.Steps, kpi.Step{Label: "invoice.explain.last_instalment", Expr: b.amount(rest) + " − " + strconv.FormatInt(n-1, 10) + " × " + b.amount(part), Result: b.amount(pay.AmountMinor)})
			}
		}
		out = append(out, pay)
	}
	return out, b.err
}

// addMonths is t n calendar months later, on the same day of the month or
// the month's last day when it is shorter (31 January + 1 month is 28 or
// 29 February).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	last := time.Date(y, m+time.Month(n)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y, m+time.Month(n), min(d, last), 0, 0, 0, 0, time.UTC)
}

package invoice

import (
	"errors"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
)

func TestSchedule(t *testing.T) {
	t.Parallel()
	type pay struct {
		kind   string
		due    string
		amount int64
	}
	for _, c := range []struct {
		name   string
		total  int64
		price  contract.Price
		issued string
		want   []pay
	}{
		// 25 % of 10 000.00 = 2 500.00 prepaid on 1 June; 7 500.00 / 3 =
		// 2 500.00 each, due 30 days after 3 July (2 August), then 2
		// September and 2 October.
		{"prepayment and instalments", 1000000, contract.Price{Currency: "SEK", PrepaymentBP: 2500, Instalments: 3, DaysToPay: 30}, "2026-07-03",
			[]pay{{PaymentPrepayment, "2026-06-01", 250000}, {PaymentInstalment, "2026-08-02", 250000},
				{PaymentInstalment, "2026-09-02", 250000}, {PaymentInstalment, "2026-10-02", 250000}}},
		// 33.33 % × 10 000.01 = 3 333.003333 → 3 333.00 (333300 öre);
		// the rest 666701 / 3 = 222233 rounded down, the last 666701 −
		// 2 × 222233 = 222235. Due on issue (0 days), then a month later
		// each, the day clamped to the month's last (31 Jan → 28 Feb →
		// 31 Mar).
		{"remainder to the last", 1000001, contract.Price{Currency: "SEK", PrepaymentBP: 3333, Instalments: 3}, "2026-01-31",
			[]pay{{PaymentPrepayment, "2026-06-01", 333300}, {PaymentInstalment, "2026-01-31", 222233},
				{PaymentInstalment, "2026-02-28", 222233}, {PaymentInstalment, "2026-03-31", 222235}}},
		// No prepayment, paid at once in 14 days.
		{"at once", 123456, contract.Price{Currency: "SEK", DaysToPay: 14}, "2026-07-03",
			[]pay{{PaymentInstalment, "2026-07-17", 123456}}},
		// Money back: one payment, no prepayment or instalments.
		{"credit", -5000, contract.Price{Currency: "SEK", PrepaymentBP: 5000, Instalments: 4, DaysToPay: 10}, "2026-07-03",
			[]pay{{PaymentInstalment, "2026-07-13", -5000}}},
	} {
		got, err := Schedule(c.total, c.price, "2026-06-01", c.issued)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var sum int64
		for _, p := range got {
			sum += p.AmountMinor
		}
		if sum != c.total {
			t.Errorf("%s: payments sum to %d, total %d", c.name, sum, c.total)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %+v", c.name, got)
		}
		for i, w := range c.want {
			if g := got[i]; g.Kind != w.kind || g.DueOn != w.due || g.AmountMinor != w.amount {
				t.Errorf("%s: payment %d = %s %s %d, want %s %s %d", c.name, i, g.Kind, g.DueOn, g.AmountMinor, w.kind, w.due, w.amount)
			}
		}
	}
	if _, err := Schedule(1, contract.Price{Instalments: -1}, "2026-06-01", "2026-07-01"); !errors.Is(err, ErrInput) {
		t.Errorf("negative instalments: %v", err)
	}
}

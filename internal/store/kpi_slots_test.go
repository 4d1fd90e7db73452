package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/invoice"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// errNotChosen ends a transaction of recordSpread that does not write.
var errNotChosen = errors.New("not chosen")

// recordSpread records facts in two transactions, dealing them out in
// turn (the first fact to the first, the second to the second, …). On
// PostgreSQL the two run at once on connections of different aggregate
// slots: six transactions are held open, each on a connection of its own,
// and the first two of different slots write while the others write
// nothing. It returns the two slots, sorted (none on SQLite, whose single
// writer runs them one after the other). Each transaction records the
// deliverables one by one (a day's second one reads back and merges its
// slot's sketch) and the other facts in one batch (multi-row upserts).
func recordSpread(t *testing.T, db *store.DB, p tandem.Principal, facts []store.Fact) []int64 {
	t.Helper()
	var parts [2][]store.Fact
	for i, f := range facts {
		parts[i%2] = append(parts[i%2], f)
	}
	record := func(w store.TestTx, facts []store.Fact) error {
		var rest []store.Fact
		for _, f := range facts {
			if f.Kind != fact.DeliverableAccepted {
				rest = append(rest, f)
				continue
			}
			if err := w.RecordFact(f); err != nil {
				return err
			}
		}
		return w.RecordFacts(rest)
	}
	if db.Dialect() != "postgres" {
		for _, part := range parts {
			if err := store.Write(ctx, db, p, func(w store.TestTx) error { return record(w, part) }); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	}
	type held struct {
		i    int
		slot int64
	}
	const n = 6
	report := make(chan held, 2*n)
	errs := make(chan error, n)
	verdict := make([]chan []store.Fact, n)
	for i := range n {
		verdict[i] = make(chan []store.Fact, 1)
		go func() {
			errs <- store.WriteAlone(ctx, db, p, func(w store.TestTx) error {
				slot, err := w.QueryInt(store.AggSlotQuery)
				if err != nil {
					slot = -1
				}
				report <- held{i, slot}
				mine, ok := <-verdict[i]
				if err != nil {
					return err
				}
				if !ok {
					return errNotChosen
				}
				return record(w, mine)
			})
		}()
	}
	var writers []held
	for range n {
		h := <-report
		if h.slot >= 0 && len(writers) < 2 && (len(writers) == 0 || writers[0].slot != h.slot) {
			writers = append(writers, h)
		}
	}
	if len(writers) == 2 {
		for w, h := range writers {
			verdict[h.i] <- parts[w]
		}
	}
	for i := range n {
		close(verdict[i])
	}
	for range n {
		if err := <-errs; err != nil && !errors.Is(err, errNotChosen) {
			t.Fatal(err)
		}
	}
	if len(writers) < 2 {
		t.Fatalf("%d connections held at once, all of one aggregate slot", n)
	}
	slots := []int64{writers[0].slot, writers[1].slot}
	slices.Sort(slots)
	return slots
}

// The aggregate rows of a key add up across PostgreSQL's slots. Two
// transactions on connections of different slots record November 2026's
// facts of A1 between them, so that a day's and a week's aggregate of
// deliverables, leads and deals won has a row in each slot; the readers
// give the figures worked out by hand, `kpi verify` is clean, and
// deleting a fact rewrites its day and week as one row, slot 0. On
// SQLite, the same facts in two transactions make one row per key and the
// same figures.
//
// The week of 9–15 November (2026-W46) has five deliverables accepted:
// on 10 November lateness 0, 2, 0, 0 with first-time flags yes, yes, no,
// yes, and on 12 November one on time, first time. On time 4 of 5 = 80 %:
// (80 − 60) ÷ (90 − 60) × 100 = 66.67; first time 4 of 5 = 80 %:
// (80 − 50) ÷ (90 − 50) × 100 = 75; leads 4 (three on 10 November, one on
// the 13th), under the threshold 10: 0. Total (66.67 × 1 + 75 × 3 + 0 × 1)
// ÷ 5 = 58.33.
//
// November's lead time p50: the lead times 3600, 7200, 600, 10800 (10th),
// 1800 (12th), 900 and 5400 (30th, a day November reads from kpi_daily:
// its week straddles December) have the median 3600.
//
// November's estimate (salesPrice): fixed 45 000,00 + 4 leads × 1 500,00
// + 2 deals won (10 000,00 and 5 000,00, both on the 10th) × 2 000,00 − 1
// deal reversed (−3 000,00 on the 10th) × 2 000,00 + 5 % × 15 000,00 − 5 %
// × 3 000,00 = 45 000 + 6 000 + 4 000 − 2 000 + 750 − 150 = 53 600,00;
// each line names each day once: the leads' two days, the deals' one.
func TestKPIAggregateSlotsAddUp(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			clock := storetest.NewClock(time.Date(2026, 12, 2, 9, 0, 0, 0, stockholmZone))
			db := storetest.Open(t, dialect, clock.Now)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, func(t *contract.Terms) { salesPrice(t); weeklyKPIs(t) })
			at := func(day int) time.Time { return time.Date(2026, 11, day, 10, 0, 0, 0, time.UTC) } // 11:00 in Stockholm
			deliverable := func(subject int64, day int, late int64, first bool, lead int64) store.Fact {
				x := accepted(f.A1, at(day), late, first, lead)
				x.SubjectID = subject
				return x
			}
			lead := func(subject int64, day int) store.Fact {
				return store.Fact{EngagementID: f.A1, SubjectID: subject, At: at(day), Data: fact.LeadAcceptedData{ClaimID: subject}}
			}
			// Facts of one key follow each other: recordSpread deals them
			// to both transactions.
			facts := []store.Fact{
				deliverable(1, 10, 0, true, 3600),
				deliverable(2, 10, 2, true, 7200),
				deliverable(3, 10, 0, false, 600),
				deliverable(4, 10, 0, true, 10800),
				deliverable(5, 12, 0, true, 1800),
				deliverable(6, 30, 0, true, 900),
				deliverable(7, 30, 3, false, 5400),
				lead(11, 10), lead(12, 10), lead(13, 10), lead(14, 13),
				{EngagementID: f.A1, SubjectID: 21, At: at(10), AmountMinor: 1_000_000, Currency: "SEK", Data: fact.DealWonData{ClaimID: 21, DealID: 210}},
				{EngagementID: f.A1, SubjectID: 22, At: at(10), AmountMinor: 500_000, Currency: "SEK", Data: fact.DealWonData{ClaimID: 22, DealID: 220}},
				{EngagementID: f.A1, SubjectID: 23, At: at(10), AmountMinor: -300_000, Currency: "SEK",
					Data: fact.DealReversedData{ClaimID: 23, DealID: 230, Reason: "Customer cancelled"}},
			}
			slots := recordSpread(t, db, f.Owner, facts)

			// The rows of a key: one per slot written on PostgreSQL, one on SQLite.
			type key struct{ table, col, kind, day string }
			dayDeliverables := key{"kpi_daily", "day", string(fact.DeliverableAccepted), "2026-11-10"}
			weekDeliverables := key{"kpi_weekly", "week", string(fact.DeliverableAccepted), "2026-11-09"}
			dayLeads := key{"kpi_daily", "day", string(fact.LeadAccepted), "2026-11-10"}
			spread := []key{dayDeliverables, weekDeliverables, dayLeads,
				{"kpi_daily", "day", string(fact.DeliverableAccepted), "2026-11-30"},
				{"kpi_daily", "day", string(fact.DealWonAccepted), "2026-11-10"},
				{"kpi_weekly", "week", string(fact.LeadAccepted), "2026-11-09"}}
			rowsOf := func(k key) int {
				t.Helper()
				return count(t, db, `SELECT COUNT(*) FROM `+k.table+` WHERE engagement_id = ? AND kind = ? AND `+k.col+` = ?`, f.A1, k.kind, k.day)
			}
			slotsOf := func(k key) []int64 {
				t.Helper()
				got, err := store.QueryInt64s(db, `SELECT slot FROM `+k.table+` WHERE engagement_id = ? AND kind = ? AND `+k.col+` = ? ORDER BY slot`,
					f.A1, k.kind, k.day)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			for _, k := range spread {
				if dialect == "postgres" {
					if got := slotsOf(k); !slices.Equal(got, slots) {
						t.Errorf("%s %s %s: rows of slots %v, want %v", k.table, k.kind, k.day, got, slots)
					}
				} else if n := rowsOf(k); n != 1 {
					t.Errorf("%s %s %s: %d rows, want 1", k.table, k.kind, k.day, n)
				}
			}
			verifyClean := func(when string) {
				t.Helper()
				if m, err := db.KPI.Verify(ctx); err != nil || m != nil {
					t.Errorf("%s: kpi verify: %v, %v", when, m, err)
				}
			}
			verifyClean("recorded")

			w46 := kpi.PeriodOf(kpi.Week, at(10), stockholmZone)
			nov := kpi.PeriodOf(kpi.Month, at(10), stockholmZone)
			if w46.String() != "2026-W46" || nov.String() != "2026-11" {
				t.Fatal(w46, nov)
			}
			type figure struct {
				actual kpi.Value
				score  int64
			}
			weekly := func(when string, onTime, firstTime, leads figure, total int64) {
				t.Helper()
				sc, err := db.KPI.Scorecard(ctx, f.Viewer, f.A1, w46)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct {
					key  string
					want figure
				}{{"on-time", onTime}, {"first-time", firstTime}, {"leads", leads}} {
					if r := row(t, sc, c.key); r.Actual.Cmp(c.want.actual) != 0 || int64(r.Score) != c.want.score {
						t.Errorf("%s: %s %v scored %d, want %v scored %d", when, c.key, r.Actual, r.Score, c.want.actual, c.want.score)
					}
				}
				if !sc.HasTotal || int64(sc.Total) != total {
					t.Errorf("%s: total %d (%v), want %d", when, sc.Total, sc.HasTotal, total)
				}
				// The weeks' trend from the aggregates equals the one from the facts.
				tr, err := db.KPI.Trend(ctx, f.Owner, f.A1, kpi.Week, 5)
				if err != nil {
					t.Fatal(err)
				}
				raw, err := db.KPI.TrendFromFacts(ctx, f.Owner, f.A1, kpi.Week, 5)
				if err != nil {
					t.Fatal(err)
				}
				for i := range tr {
					if tr[i].Total != raw[i].Total || tr[i].HasTotal != raw[i].HasTotal || tr[i].Explanation.String() != raw[i].Explanation.String() {
						t.Errorf("%s: trend %d (%s) differs from the facts: %d vs %d", when, i, tr[i].Period, tr[i].Total, raw[i].Total)
					}
				}
			}
			leadTimeP50 := func(when string, want int64, leadTimes ...int64) {
				t.Helper()
				sc, err := db.KPI.Scorecard(ctx, f.Owner, f.A1, nov)
				if err != nil {
					t.Fatal(err)
				}
				var sk kpi.Sketch
				for _, v := range leadTimes {
					sk.Add(v)
				}
				if r := row(t, sc, "lead-p50"); r.Actual.Cmp(kpi.Int(sk.QuantileRank(1, 2))) != 0 || r.Actual.Num < want-want/256 || r.Actual.Num > want+want/256 {
					t.Errorf("%s: lead time p50 %v, want %d", when, r.Actual, sk.QuantileRank(1, 2))
				}
			}
			type line struct {
				kind   string
				amount int64
				refs   []string
			}
			days := func(k fact.Kind, days ...string) []string {
				var refs []string
				for _, d := range days {
					refs = append(refs, "day:"+string(k)+":"+d)
				}
				return refs
			}
			invoiced := func(when string, leads int64, leadDays []string, total int64) {
				t.Helper()
				est, err := db.Invoices().Estimates(ctx, f.Manager, []int64{f.A1}, nov)
				if err != nil {
					t.Fatal(err)
				}
				inv := est[f.A1]
				if inv == nil {
					t.Fatalf("%s: no estimate", when)
				}
				deals := days(fact.DealWonAccepted, "2026-11-10")
				reversed := days(fact.DealReversed, "2026-11-10")
				wants := []line{
					{invoice.KindFixed, 4_500_000, nil},
					{invoice.KindResult, leads * 150_000, days(fact.LeadAccepted, leadDays...)},
					{invoice.KindResult, 400_000, deals},
					{invoice.KindResultClawback, -200_000, reversed},
					{invoice.KindRevenueShare, 75_000, deals},
					{invoice.KindRevenueClawback, -15_000, reversed},
					{invoice.KindVAT, 0, nil},
				}
				if inv.TotalMinor != total || len(inv.Lines) != len(wants) {
					t.Fatalf("%s: estimate total %d with %d lines, want %d with %d: %+v", when, inv.TotalMinor, len(inv.Lines), total, len(wants), inv.Lines)
				}
				for i, w := range wants {
					l := inv.Lines[i]
					refs := slices.Clone(l.Refs)
					slices.Sort(refs)
					if l.Kind != w.kind || l.AmountMinor != w.amount || !slices.Equal(refs, w.refs) {
						t.Errorf("%s: line %d %s %d refs %v, want %s %d refs %v", when, i, l.Kind, l.AmountMinor, l.Refs, w.kind, w.amount, w.refs)
					}
				}
				o, err := db.Worth().Overview(ctx, f.Owner, f.A1, 2)
				if err != nil {
					t.Fatal(err)
				}
				m := o.Months[0]
				if m.Label != "2026-11" || m.ActualMinor != total || m.Results["qualified_lead"] != leads || m.Results["deal"] != 1 ||
					!m.HasRevenue || m.RevenueMinor != 1_200_000 {
					t.Errorf("%s: November's worth %+v, want actual %d, %d leads, 1 deal net, revenue 1_200_000", when, m, total, leads)
				}
			}
			weekly("recorded", figure{kpi.Int(80), 6667}, figure{kpi.Int(80), 7500}, figure{kpi.Int(4), 0}, 5833)
			leadTimeP50("recorded", 3600, 3600, 7200, 600, 10800, 1800, 900, 5400)
			invoiced("recorded", 4, []string{"2026-11-10", "2026-11-13"}, 5_360_000)

			// Deleting a deliverable of the 10th (2 days late, first time,
			// 7200 s) and a lead of that day rewrites their days and week
			// from the facts: one row each, slot 0. On time 4 of 4 = 100 %;
			// first time 3 of 4 = 75 %: (75 − 50) ÷ 40 × 100 = 62.5; total
			// (100 + 62.5 × 3 + 0) ÷ 5 = 57.5; lead time p50 of 600, 900,
			// 1800, 3600, 5400 and 10800: the third, 1800. Three leads:
			// 53 600,00 − 1 500,00 = 52 100,00.
			idOf := func(kind fact.Kind, subject int64) int64 {
				t.Helper()
				ids, err := store.QueryInt64s(db, `SELECT id FROM facts WHERE engagement_id = ? AND kind = ? AND subject_id = ?`, f.A1, string(kind), subject)
				if err != nil || len(ids) != 1 {
					t.Fatalf("fact %s %d: %v %v", kind, subject, ids, err)
				}
				return ids[0]
			}
			mustDo(t, db.KPI.DeleteFact(ctx, f.Owner, idOf(fact.DeliverableAccepted, 2)))
			mustDo(t, db.KPI.DeleteFact(ctx, f.Owner, idOf(fact.LeadAccepted, 11)))
			for _, c := range []struct {
				k key
				n int
			}{{dayDeliverables, 3}, {weekDeliverables, 4}, {dayLeads, 2}} {
				if dialect == "postgres" {
					if got := slotsOf(c.k); !slices.Equal(got, []int64{0}) {
						t.Errorf("rewritten %s %s %s: rows of slots %v, want one of slot 0", c.k.table, c.k.kind, c.k.day, got)
					}
				}
				if n := count(t, db, `SELECT n FROM `+c.k.table+` WHERE engagement_id = ? AND kind = ? AND `+c.k.col+` = ?`,
					f.A1, c.k.kind, c.k.day); n != c.n {
					t.Errorf("rewritten %s %s %s: n = %d, want %d", c.k.table, c.k.kind, c.k.day, n, c.n)
				}
			}
			verifyClean("after the deletions")
			weekly("after the deletions", figure{kpi.Int(100), 10000}, figure{kpi.Int(75), 6250}, figure{kpi.Int(3), 0}, 5750)
			leadTimeP50("after the deletions", 1800, 3600, 600, 10800, 1800, 900, 5400)
			invoiced("after the deletions", 3, []string{"2026-11-10", "2026-11-13"}, 5_210_000)

			// A rewritten key takes new facts in any slot again: one more
			// deliverable on the 10th, late, first time (120 s): on time
			// 4 of 5, first time 4 of 5, as recorded at first.
			if _, err := db.KPI.RecordFacts(ctx, f.Owner, []store.Fact{deliverable(8, 10, 1, true, 120)}); err != nil {
				t.Fatal(err)
			}
			verifyClean("recorded again")
			weekly("recorded again", figure{kpi.Int(80), 6667}, figure{kpi.Int(80), 7500}, figure{kpi.Int(3), 0}, 5833)
		})
	}
}

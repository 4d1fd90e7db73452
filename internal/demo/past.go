package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/work"
)

// The five months before this one on the sales, support and CFO
// engagements (issue 13: the demo's history spread over the last six
// months), written through the store with the demo clock set to each
// event's time, oldest first, like the sales history (history.go), from a
// fixed seed: the same every load of the same day.
//
//   - Sales: each month two call lists (Liis) and two qualification batches
//     (Aleksei), each week Kadri's pipeline summary. Most are handed in a day
//     or two before they are due and accepted the same day; about one in
//     eight is returned once and reworked, one in ten is late, one in twelve
//     gets a timely deadline notice and a new due date; once, a notice comes
//     too late to be timely. Every five weeks or so a proposal or a risk
//     warning, decided within days. Every week Kadri's status report, with
//     Johan's comment.
//   - Support: a request on about three business days in five, answered
//     within minutes and resolved within hours (one in sixteen misses the
//     response target, one in sixteen the resolution target), closed by
//     Johan a business day or two later.
//   - CFO pilot (from its start): each month's close reviewed by the 12th
//     (once two days late), and the first cash-flow forecast returned once.
//
// It ends before the earlier of this week's Monday and the first of the
// month: this week's and this month's figures are those of activity.go
// alone. Everything it plans is finished: accepted, decided, acknowledged,
// closed.
type past struct {
	a    *activity
	r    *rand.Rand
	from time.Time // the first of the month five months ago
	to   time.Time // nothing happens from here on
	evs  []pastEvent
	seq  int
}

type pastEvent struct {
	at  time.Time
	seq int
	do  func() error
}

// pastEnd is the earlier of this ISO week's Monday and the first of the
// month, at midnight in loc.
func pastEnd(now time.Time, loc *time.Location) time.Time {
	d := now.In(loc)
	monday := time.Date(d.Year(), d.Month(), d.Day()-(int(d.Weekday())+6)%7, 0, 0, 0, 0, loc)
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)
	if first.Before(monday) {
		return first
	}
	return monday
}

// on schedules do at t.
func (p *past) on(t time.Time, do func() error) {
	p.seq++
	p.evs = append(p.evs, pastEvent{at: t, seq: p.seq, do: do})
}

// clock returns hh:mm on day's date in the workspace's zone.
func (p *past) clock(day time.Time, hh, mm int) time.Time {
	d := day.In(p.a.loc)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, p.a.loc)
}

// days returns the business days from from (inclusive) to to (exclusive).
func (p *past) days(from, to time.Time) []time.Time {
	var ds []time.Time
	for d := p.clock(from, 12, 0); d.Before(to); d = d.AddDate(0, 0, 1) {
		if p.a.cal.IsBusinessDay(d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// startOf is the later of the history's start and the engagement's.
func (p *past) startOf(title string) (time.Time, error) {
	e, err := p.a.db.Engagements.Get(p.a.ctx, p.a.as[johan], p.a.ids.engagements[title])
	if err != nil {
		return time.Time{}, err
	}
	s := p.clock(e.StartsOn.Time(), 0, 0)
	if s.Before(p.from) {
		return p.from, nil
	}
	return s, nil
}

// back is n business days before t, at the same time of day.
func (p *past) back(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, -1)
		if p.a.cal.IsBusinessDay(t) {
			n--
		}
	}
	return t
}

// fits reports whether t is before the end of the history.
func (p *past) fits(t time.Time) bool { return t.Before(p.to) }

// addPast writes the earlier months; the clock is left at its base.
func addPast(ctx context.Context, db *store.DB, clk *Clock, ids *loaded) error {
	clk.Reset()
	defer clk.Reset()
	a, err := newActivity(ctx, db, clk, ids)
	if err != nil {
		return err
	}
	// What the earlier months told people they have read since: each
	// notification written here is read an hour after it arrived.
	before := map[string]int64{}
	for email, p := range a.as {
		ns, _, err := db.Notifications.List(ctx, p, true, 1)
		if err != nil {
			return err
		}
		if len(ns) > 0 {
			before[email] = ns[0].ID
		}
	}
	if err := a.past(); err != nil {
		return err
	}
	for email, p := range a.as {
		ns, _, err := db.Notifications.List(ctx, p, false, 100000)
		if err != nil {
			return err
		}
		for i := len(ns) - 1; i >= 0; i-- {
			if ns[i].ID <= before[email] {
				continue
			}
			clk.Set(ns[i].CreatedAt.Add(time.Hour))
			if err := db.Notifications.MarkRead(ctx, p, ns[i].ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *activity) past() error {
	now := a.now.In(a.loc)
	p := &past{a: a, r: rand.New(rand.NewPCG(2026, 13)),
		from: time.Date(now.Year(), now.Month()-5, 1, 0, 0, 0, 0, a.loc), to: pastEnd(a.now, a.loc)}
	for _, step := range []func() error{p.sales, p.support, p.cfo} {
		if err := step(); err != nil {
			return err
		}
	}
	sort.SliceStable(p.evs, func(i, j int) bool {
		if !p.evs[i].at.Equal(p.evs[j].at) {
			return p.evs[i].at.Before(p.evs[j].at)
		}
		return p.evs[i].seq < p.evs[j].seq
	})
	for _, e := range p.evs {
		a.clk.Set(e.at)
		if err := e.do(); err != nil {
			return fmt.Errorf("past event at %s: %w", e.at.Format(time.RFC3339), err)
		}
	}
	a.clk.Reset()
	return nil
}

// deliverable plans a deliverable at plan, due at due, and lets who hand
// it in with the outcome o; it is finished before the history ends, or not
// written at all.
type outcome int

const (
	onTime outcome = iota
	returned
	late
	timelyNotice
	lateNotice
)

func (p *past) pick() outcome {
	switch n := p.r.IntN(100); {
	case n < 12:
		return returned
	case n < 22:
		return late
	case n < 30:
		return timelyNotice
	default:
		return onTime
	}
}

// biz is d business hours and m minutes after t.
func (p *past) biz(t time.Time, h, m int) time.Time {
	return p.a.cal.Add(t, time.Duration(h)*time.Hour+time.Duration(m)*time.Minute)
}

func (p *past) deliverable(eng, service, title, desc, who string, plan, due time.Time, o outcome, note string) {
	a := p.a
	cal := a.cal
	// The steps, in time: each a moment and what happens.
	var d *work.Deliverable
	var n *notice.Notice
	type step struct {
		at time.Time
		do func() error
	}
	submit := func(text string) func() error {
		return func() error { return a.submit(d, who, text, "", "") }
	}
	accept := func(comment string) func() error { return func() error { return a.accept(d, comment) } }
	var steps []step
	sub := p.biz(p.back(due, 1), 0, -60-p.r.IntN(240)) // a day or so early
	switch o {
	case onTime:
		steps = append(steps, step{sub, submit(note)}, step{p.biz(sub, 1+p.r.IntN(3), p.r.IntN(60)), accept("")})
	case returned:
		first := p.biz(p.back(due, 3), 0, -p.r.IntN(120))
		back := p.biz(first, 3+p.r.IntN(4), p.r.IntN(60))
		steps = append(steps, step{first, submit(note)},
			step{back, func() error {
				return a.db.Work.Review(a.ctx, a.as[johan], d.ID, work.Review{Accepted: false, Reason: "incomplete",
					Comment: "Some rows have no outcome recorded and the booked meetings lack the attendee's title — please complete."})
			}},
			step{p.biz(back, 6+p.r.IntN(6), p.r.IntN(60)), submit("Completed: every row has its outcome, attendees and titles added.")})
		steps = append(steps, step{p.biz(steps[2].at, 1+p.r.IntN(3), 0), accept("Complete now, thank you.")})
	case late:
		s := p.biz(due, 3+p.r.IntN(12), p.r.IntN(60))
		steps = append(steps, step{s, submit(note + " Sorry for the delay.")}, step{p.biz(s, 1+p.r.IntN(4), 0), accept("Accepted, though late.")})
	case timelyNotice, lateNotice:
		filed := p.biz(p.back(due, 4), 0, 0)
		text := "Two callers are on sick leave, so this will not be complete by the due date. We expect to hand it " +
			"over three working days later and suggest moving the due date accordingly."
		if o == lateNotice {
			filed = due.Add(-3 * time.Hour) // the due day, three hours before the close
			text = "We will not make the due date today: the list had more wrong numbers than expected. Two more working days."
		}
		newDue := cal.AddBusinessDays(due, 3)
		ack := notice.Ack{Comment: "Agreed, thank you for telling us in time.", NewDueAt: newDue}
		ackAt := p.biz(filed, 2+p.r.IntN(4), 0)
		if o == lateNotice {
			ack = notice.Ack{Comment: "Noted — please warn us earlier next time."}
			ackAt = p.biz(filed, 1, 30)
			newDue = due
		}
		s := p.biz(p.back(newDue, 1), 0, -p.r.IntN(120))
		if o == lateNotice {
			s = p.clock(cal.AddBusinessDays(due, 2), 15, 0)
		}
		steps = append(steps,
			step{filed, func() error {
				n = &notice.Notice{EngagementID: d.EngagementID, Category: notice.CategoryDeadline, DeliverableID: d.ID, Text: text}
				return a.db.Notices.File(a.ctx, a.as[kadri], n)
			}},
			step{ackAt, func() error { return a.db.Notices.Acknowledge(a.ctx, a.as[johan], n.EngagementID, n.ID, ack) }},
			step{s, submit(note)}, step{p.biz(s, 2, 0), accept("")})
	}
	last := steps[len(steps)-1].at
	if !p.fits(last) || !plan.Before(steps[0].at) {
		return
	}
	p.on(plan, func() error {
		var err error
		d, err = a.plan(eng, service, title, desc, who, due)
		return err
	})
	for _, s := range steps {
		p.on(s.at, s.do)
	}
}

var (
	pastCallLists = []string{"Linköping and Norrköping offices", "Göteborg hotels, Avenyn and Lindholmen", "Malmö offices with 50+ employees",
		"Örebro and Karlstad conference hotels", "Stockholm co-working operators", "Uppsala public-sector offices",
		"Jönköping hotels and venues", "Helsingborg and Lund offices", "Sundsvall and Umeå hotels", "Västerås industrial offices"}
	pastLeadBatches = []string{"Stockholm hotel purchasers", "Göteborg office managers", "Skåne conference venues", "Mälardalen facility managers",
		"Norrland hotel chains", "Östergötland offices"}
	pastProposals = []struct {
		kind, title, text, decision, comment string
	}{
		{proposal.KindProposal, "Call back the fair's lost leads", "42 visitors of the spring fair asked for a quote and were never called. We propose to call them within two weeks, at the current per-meeting fee.", proposal.StatusAccepted, "Yes, please start on Monday."},
		{proposal.KindRisk, "Summer holidays: fewer decision makers", "In the coming weeks most Swedish purchasers are on holiday; we expect half the usual meetings and will call hotels, which stay open.", proposal.StatusNoted, "Understood; the KPIs for July will be read with that in mind."},
		{proposal.KindProposal, "A Finnish-speaking caller for Åland and Finland", "Three hotel chains with Swedish purchasing also run hotels in Finland; one of our callers speaks Finnish.", proposal.StatusDeclined, "Not this year — our key-account team has no Finnish speaker to take the meetings."},
		{proposal.KindRisk, "The office list is two years old", "One number in four on the bought office list no longer answers. We suggest buying the chamber of commerce's update (SEK 6 000).", proposal.StatusAccepted, "Bought — the new list is in the shared folder."},
		{proposal.KindProposal, "Book showroom visits directly in the key-account calendars", "Our callers could book the visits directly instead of by e-mail to Per and Malin, saving a day per meeting.", proposal.StatusAccepted, "Agreed, access granted from next week."},
	}
)

func (p *past) sales() error {
	start, err := p.startOf(salesTitle)
	if err != nil {
		return err
	}
	a := p.a
	eid := a.ids.engagements[salesTitle]
	days := p.days(start, p.to)
	// Call lists and qualification batches: four a month, on its 1st,
	// 6th, 11th and 16th business days.
	byMonth := map[time.Month][]time.Time{}
	var months []time.Month
	for _, d := range days {
		if _, ok := byMonth[d.Month()]; !ok {
			months = append(months, d.Month())
		}
		byMonth[d.Month()] = append(byMonth[d.Month()], d)
	}
	list, batch := 0, 0
	for _, m := range months {
		ds := byMonth[m]
		for i, k := range []int{0, 5, 10, 15} {
			if k >= len(ds) {
				break
			}
			plan := p.clock(ds[k], 9, 5+p.r.IntN(40))
			o := p.pick()
			if list+batch == 7 {
				o = lateNotice // once in the history, a notice too late to be timely
			}
			if i%2 == 0 {
				name := pastCallLists[list%len(pastCallLists)] + ", " + ds[k].Format("January")
				list++
				calls := 40 + p.r.IntN(30)
				p.deliverable(salesTitle, "outbound-calls", "Call list: "+name,
					"Call every account on the list and book meetings for the key-account team.", liis,
					plan, p.clock(a.cal.AddBusinessDays(plan, 8), 17, 0), o,
					fmt.Sprintf("All %d accounts called, %d decision makers reached, %d meetings booked.", calls, calls/3, 3+p.r.IntN(6)))
			} else {
				name := pastLeadBatches[batch%len(pastLeadBatches)] + ", " + ds[k].Format("January")
				batch++
				p.deliverable(salesTitle, "lead-qualification", "Qualified leads: "+name,
					"Qualify the prospects who answered the mailing and hand each qualified lead to the key-account team.", aleksi,
					plan, p.clock(a.cal.AddBusinessDays(plan, 6), 17, 0), o,
					fmt.Sprintf("%d qualified leads handed over, each with the decision maker, the need and a booked next step.", 4+p.r.IntN(6)))
			}
		}
	}
	// Each week: Kadri's pipeline summary (not for the two weeks before
	// this one, which activity.go plans) and her status report with
	// Johan's comment.
	nowMonday := p.clock(a.now, 0, 0).AddDate(0, 0, -(int(a.now.In(a.loc).Weekday())+6)%7)
	prop := 0
	for i, d := range days {
		if d.Weekday() != time.Monday {
			continue
		}
		friday := d.AddDate(0, 0, 4)
		if !p.fits(p.clock(friday, 17, 0)) {
			continue
		}
		_, wk := d.ISOWeek()
		if p.clock(d, 0, 0).Before(nowMonday.AddDate(0, 0, -14)) {
			p.deliverable(salesTitle, "pipeline-summary", fmt.Sprintf("Weekly pipeline summary, week %d", wk),
				"The week's calls, meetings and qualified leads, and the open pipeline per key-account manager.", kadri,
				p.clock(d, 8, 40), p.clock(friday, 17, 0), []outcome{onTime, onTime, onTime, onTime, onTime, late, returned}[p.r.IntN(7)],
				fmt.Sprintf("%d calls, %d conversations, %d meetings booked, %d held. Open pipeline SEK %.1f m.",
					320+p.r.IntN(120), 80+p.r.IntN(30), 8+p.r.IntN(6), 6+p.r.IntN(5), 2.2+float64(p.r.IntN(18))/10))
		}
		week := report.WeekOf(d, a.loc)
		calls, meetings := 300+p.r.IntN(140), 7+p.r.IntN(7)
		saved := p.clock(friday, 15, 10+p.r.IntN(30))
		p.on(saved, func() error {
			_, err := a.db.Reports.Save(a.ctx, a.as[kadri], &report.Report{EngagementID: eid, Week: week,
				Done:  fmt.Sprintf("- %d calls, %d meetings booked\n- The week's deliverables handed in (see the list)", calls, meetings),
				Next:  "- Continue the current call lists\n- Qualify the leads from this week's meetings",
				Risks: []string{"", "- Some purchasers on holiday", "- One caller on sick leave two days"}[p.r.IntN(3)],
				Asks:  []string{"", "- Please confirm the next list by Wednesday"}[p.r.IntN(2)]})
			return err
		})
		comment := []string{"Thanks Kadri, a good week.", "Thank you — please send the meeting notes to Per as well.",
			"Fewer meetings than usual; let us talk about it on Tuesday.", "Good, the new list works better."}[p.r.IntN(4)]
		p.on(p.biz(saved, 1, 10+p.r.IntN(30)), func() error { return a.db.Reports.Comment(a.ctx, a.as[johan], eid, week, comment) })
		// Every fifth week a proposal or a risk warning.
		if i > 0 && wk%5 == 0 && prop < len(pastProposals) {
			x := pastProposals[prop]
			prop++
			raised := p.clock(d.AddDate(0, 0, 1), 10, 15)
			decided := p.biz(raised, 9+p.r.IntN(18), 0)
			if !p.fits(decided) {
				continue
			}
			xp := &proposal.Proposal{EngagementID: eid, Kind: x.kind, Title: x.title, Text: x.text}
			p.on(raised, func() error { return a.db.Proposals.Raise(a.ctx, a.as[kadri], xp) })
			p.on(decided, func() error {
				return a.db.Proposals.Decide(a.ctx, a.as[johan], eid, xp.ID, proposal.Decision{Status: x.decision, Comment: x.comment})
			})
		}
	}
	return nil
}

var pastTickets = []struct{ title, desc string }{
	{"Delivery date for order %d — hotel lobby chairs", "The purchaser asks when the chairs will be delivered; the confirmation gives only the week."},
	{"Wrong fabric colour on order %d", "The customer ordered sand and received grey upholstery on two sofas."},
	{"Invoice question on order %d", "The customer's accounts department asks why freight is charged twice."},
	{"Warranty claim: wobbly table legs, order %d", "Conference table delivered in spring; two legs loosen every week."},
	{"Assembly instructions missing, order %d", "Shelving delivered without the assembly instructions."},
	{"Change of delivery address, order %d", "The office moves next month; the customer wants the delivery to the new address."},
	{"Spare parts for office chairs, order %d", "Five chairs need new gas lifts; the customer asks for prices."},
	{"Damaged on delivery: order %d", "One of the cabinets arrived with a dented door; photos in the customer's e-mail."},
	{"Quote for extra units like order %d", "The hotel wants six more armchairs of the same model."},
	{"Carrier missed the delivery window, order %d", "The carrier came after the agreed window and the reception was closed."},
}

func (p *past) support() error {
	start, err := p.startOf(supportTitle)
	if err != nil {
		return err
	}
	a := p.a
	eid := a.ids.engagements[supportTitle]
	for _, d := range p.days(start, p.to) {
		if p.r.IntN(5) >= 3 {
			continue
		}
		opened := p.clock(d, 8+p.r.IntN(7), p.r.IntN(60))
		respond := p.biz(opened, 0, 8+p.r.IntN(42))
		if p.r.IntN(16) == 0 {
			respond = p.biz(opened, 1, 10+p.r.IntN(70)) // past the hour
		}
		resolve := p.biz(respond, 0, 40+p.r.IntN(360))
		if p.r.IntN(16) == 0 {
			resolve = p.biz(opened, 8, 20+p.r.IntN(240)) // past the eight hours
		}
		closed := p.biz(resolve, 9+p.r.IntN(9), 0)
		if !p.fits(closed) {
			continue
		}
		t := pastTickets[p.r.IntN(len(pastTickets))]
		who := oskar
		if p.r.IntN(10) < 3 {
			who = johan
		}
		r := &request.Request{EngagementID: eid, ServiceKey: "ticket-handling", Title: fmt.Sprintf(t.title, 38000+p.r.IntN(2000)),
			Description: t.desc, Priority: []string{"low", "normal", "normal", "normal", "high"}[p.r.IntN(5)]}
		p.on(opened, func() error { return a.db.Requests.Create(a.ctx, a.as[who], r) })
		act := func(who string, x request.Action, note string) func() error {
			return func() error {
				_, err := a.db.Requests.Transition(a.ctx, a.as[who], eid, r.Number, x, note)
				return err
			}
		}
		p.on(respond, act(oskar, request.ActionRespond, "Looking into it; we will come back today."))
		p.on(resolve, act(oskar, request.ActionResolve, "Sorted with the customer, who confirmed by e-mail."))
		p.on(closed, act(johan, request.ActionClose, ""))
	}
	return nil
}

func (p *past) cfo() error {
	start, err := p.startOf(cfoTitle)
	if err != nil {
		return err
	}
	a := p.a
	days := p.days(start, p.to)
	if len(days) == 0 {
		return nil
	}
	seen := map[time.Month]bool{}
	n := 0
	for _, d := range days {
		if seen[d.Month()] {
			continue
		}
		seen[d.Month()] = true
		prev := time.Date(d.Year(), d.Month(), 0, 12, 0, 0, 0, a.loc)
		due := time.Date(d.Year(), d.Month(), 12, 17, 0, 0, 0, a.loc)
		o := onTime
		if n == 1 {
			o = late
		}
		n++
		p.deliverable(cfoTitle, "monthly-close", "Monthly close review, "+prev.Format("January 2006"),
			"Review the bookkeeper's close of "+prev.Format("January")+" and prepare the management report for the board.",
			anders, p.clock(d, 9, 0), due, o,
			"Close reviewed with Lena (bookkeeper); the management report is in the board folder.")
	}
	first := days[0]
	p.deliverable(cfoTitle, "cash-flow-forecast", "13-week cash-flow forecast, "+first.Format("January")+" to "+first.AddDate(0, 2, 0).Format("January"),
		"Rolling forecast from the order book and the supplier terms, with the covenant headroom for the bank.",
		sofia, p.clock(days[min(2, len(days)-1)], 10, 0), p.clock(a.cal.AddBusinessDays(days[min(2, len(days)-1)], 10), 17, 0), returned,
		"Forecast attached: the covenant headroom stays above SEK 2 m in every week.")
	return nil
}

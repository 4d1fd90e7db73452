package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/ownmetric"
	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/report"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/selection"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// loaded is what Load created that the activity needs: the workspace, and
// the IDs of users and partner memberships by e-mail, partners by legal
// name and engagements by title.
type loaded struct {
	workspace   int64
	users       map[string]int64
	memberships map[string]int64
	partners    map[string]int64
	engagements map[string]int64
}

// The demo people who act in the activity.
const (
	karin  = OwnerEmail
	johan  = "johan.bergstrom@norrsken.example"
	ingrid = "ingrid.sjoberg@norrsken.example"
	kadri  = "kadri.tamm@nordcall.example"
	aleksi = "aleksei.smirnov@nordcall.example"
	liis   = "liis.kask@nordcall.example"
	triin  = "triin.mets@nordcall.example"
	oskar  = "oskar.holm@ksnorrland.example"
	anders = "anders.ekholm@ekholmcfo.example"
	sofia  = "sofia.lund@ekholmcfo.example"
)

// salesAgents are NordCall's agents on the outbound engagement.
var salesAgents = []string{aleksi, liis, triin}

// The engagements the activity happens on.
const (
	salesTitle   = "Outbound sales to hotels and offices"
	supportTitle = "Customer service desk — orders, deliveries and warranty claims"
	cfoTitle     = "Fractional CFO — weekly consultation"
)

// activity adds the life of the workspace through the store, each step
// taken by the person who would take it: deliverables submitted, returned
// and accepted, a deadline notice, a proposal and a risk warning, a status
// report with the client's comment, support requests in every state, and
// an open selection with scores and evidence. Due dates are set relative
// to now so that the month's figures of the sales engagement read: 5
// accepted, 4 on time, 4 the first time, 1 return, none overdue; one
// submission awaits the client's review.
//
// With the demo clock, each step happens at its own time: spread over the
// business hours of this week and month so far (from the later of Monday
// and the first of the month until now), so that lead times, the feed and
// the audit trail read as days of work and the week's report and the
// month's figures still count every step. A support request is answered
// and resolved some working minutes after it was opened, within its SLA.
type activity struct {
	ctx context.Context
	db  *store.DB
	clk *Clock // nil: every step happens now
	ids *loaded
	as  map[string]tandem.Principal // by e-mail
	now time.Time
	lo  time.Time // the start of the window the steps are spread over
	loc *time.Location
	cal *sla.Calendar
}

// at sets the demo clock to the moment a fraction f (0 ≤ f < 1) of the way
// through the window's business time (its wall time, when the window has
// less than an hour of business time, as on a Monday before opening).
func (a *activity) at(f float64) {
	if a.clk == nil {
		return
	}
	a.clk.Set(a.moment(f))
}

func (a *activity) moment(f float64) time.Time {
	if b := a.cal.Between(a.lo, a.now); b >= time.Hour {
		return a.cal.Add(a.lo, time.Duration(f*float64(b)))
	}
	return a.lo.Add(time.Duration(f * float64(a.now.Sub(a.lo))))
}

// after sets the demo clock to d of business time after t, or to now if
// that is later: the next step of a request.
func (a *activity) after(t time.Time, d time.Duration) time.Time {
	next := a.cal.Add(t, d)
	if next.After(a.now) {
		next = a.now
	}
	if a.clk != nil {
		a.clk.Set(next)
	}
	return next
}

// windowStart is the later of this ISO week's Monday and the first of
// the month, at midnight in loc.
func windowStart(now time.Time, loc *time.Location) time.Time {
	d := now.In(loc)
	monday := time.Date(d.Year(), d.Month(), d.Day()-(int(d.Weekday())+6)%7, 0, 0, 0, 0, loc)
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)
	if first.After(monday) {
		return first
	}
	return monday
}

// newActivity prepares the activity's steps at the clock's time.
func newActivity(ctx context.Context, db *store.DB, clk *Clock, ids *loaded) (*activity, error) {
	ws, err := db.Accounts.Workspace(ctx, ids.workspace)
	if err != nil {
		return nil, err
	}
	loc := ws.Location()
	// The calendar of the demo contracts (the templates').
	cal, err := sla.Compile(contract.Calendar{TimeZone: ws.TimeZone, WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00"})
	if err != nil {
		return nil, err
	}
	now := db.Now()
	a := &activity{ctx: ctx, db: db, clk: clk, ids: ids, as: map[string]tandem.Principal{}, now: now,
		lo: windowStart(now, loc), loc: loc, cal: cal}
	for _, email := range []string{karin, johan, ingrid, kadri, aleksi, liis, oskar, anders, sofia} {
		p, err := db.Accounts.Principal(ctx, ids.users[email], ids.workspace)
		if err != nil {
			return nil, fmt.Errorf("principal of %s: %w", email, err)
		}
		a.as[email] = p
	}
	return a, nil
}

func addActivity(ctx context.Context, db *store.DB, clk *Clock, ids *loaded) error {
	if clk != nil {
		clk.Reset()
		defer clk.Reset()
	}
	a, err := newActivity(ctx, db, clk, ids)
	if err != nil {
		return err
	}
	for _, step := range []func() error{a.sales, a.support, a.cfo} {
		if err := step(); err != nil {
			return err
		}
	}
	if clk != nil {
		clk.Reset()
	}
	for _, step := range []func() error{a.selection, a.readHandled} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// plan creates a deliverable as Johan, the manager who plans the work; a
// zero due time takes the service's deadline rule.
func (a *activity) plan(engagement, service, title, description, assignee string, due time.Time) (*work.Deliverable, error) {
	d := &work.Deliverable{EngagementID: a.ids.engagements[engagement], ServiceKey: service, Title: title,
		Description: description, AssigneeID: a.ids.memberships[assignee], DueAt: due}
	if err := a.db.Work.Create(a.ctx, a.as[johan], d); err != nil {
		return nil, fmt.Errorf("deliverable %q: %w", title, err)
	}
	return d, nil
}

// submit hands in a deliverable as who, with an optional CSV attachment.
func (a *activity) submit(d *work.Deliverable, who, note, csvName, csv string) error {
	var files []*file.File
	if csv != "" {
		f, err := file.NewFile(csvName, "text/plain; charset=utf-8", []byte(csv))
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	_, err := a.db.Work.Submit(a.ctx, a.as[who], d.ID, note, files)
	return err
}

// accept accepts a deliverable's latest submission as Johan, the acceptor
// the contracts name.
func (a *activity) accept(d *work.Deliverable, comment string) error {
	return a.db.Work.Review(a.ctx, a.as[johan], d.ID, work.Review{Accepted: true, Comment: comment})
}

// deliver submits a deliverable at the fraction sub of the window and
// accepts it the first time at acc.
func (a *activity) deliver(d *work.Deliverable, sub, acc float64, who, note, csvName, csv, comment string) error {
	a.at(sub)
	if err := a.submit(d, who, note, csvName, csv); err != nil {
		return err
	}
	a.at(acc)
	return a.accept(d, comment)
}

// pastDue is a due time that has passed by at least one business day: the
// close of business of the last weekday at least four days ago (so that at
// least one business day has opened since, whatever today is).
func (a *activity) pastDue() time.Time {
	d := a.now.In(a.loc).AddDate(0, 0, -4)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, a.loc)
}

// weekLabel names the ISO week weeksAgo weeks before now, e.g. "week 46".
func (a *activity) weekLabel(weeksAgo int) string {
	_, w := a.now.In(a.loc).AddDate(0, 0, -7*weeksAgo).ISOWeek()
	return fmt.Sprintf("week %d", w)
}

// sales is NordCall's outbound sales engagement: eight deliverables, a
// deadline notice, a proposal, a risk warning and this week's report.
func (a *activity) sales() error {
	// 1. Accepted the first time, on time.
	a.at(0)
	d, err := a.plan(salesTitle, "outbound-calls", "Call list: Stockholm hotel chains — lobby refurbishments 2027",
		"Work the 46 Stockholm properties of Scandic, Nordic Choice, Elite and Clarion on the list from the key-account "+
			"team: reach the property manager or the chain's purchaser, ask about refurbishment plans for 2027 and book "+
			"a showroom visit in Hammarby Sjöstad.", liis, time.Time{})
	if err != nil {
		return err
	}
	if err := a.deliver(d, .10, .14, liis,
		"All 46 properties worked. 31 decision makers reached, 9 showroom visits booked (in the shared calendar), "+
			"6 properties have refurbishment budgets for 2027 but no date yet — follow-up calls in January.",
		"stockholm-hotels-call-log.csv",
		"property,chain,contact,outcome,next_step\nScandic Continental,Scandic,Property manager,Meeting booked,Showroom visit\n"+
			"Elite Hotel Marina Tower,Elite,Purchaser,Budget 2027,Call back in January\n",
		"Good list — the visit notes are exactly what Per and Malin need."); err != nil {
		return err
	}

	// 2. Accepted the first time, on time.
	a.at(.03)
	d, err = a.plan(salesTitle, "lead-qualification", "Qualified leads: Göteborg office managers, batch 1",
		"Qualify the office managers of companies with 50+ employees in Göteborg who asked for a quote at the "+
			"Office Expo, and hand each qualified lead to the key-account team.", aleksi, time.Time{})
	if err != nil {
		return err
	}
	if err := a.deliver(d, .20, .24, aleksi,
		"7 qualified leads handed over: each with the decision maker, the need (meeting rooms, acoustic panels), "+
			"the budget window and a booked next step. 4 prospects disqualified (moving to shared offices).",
		"goteborg-leads-batch-1.csv",
		"company,decision_maker,need,budget_window,next_step\nVolvo Cars Lundby,Facility manager,Acoustic panels,Q1 2027,Meeting 2 Dec\n",
		""); err != nil {
		return err
	}

	// 3. Accepted the first time, on time.
	a.at(.18)
	d, err = a.plan(salesTitle, "pipeline-summary", "Weekly pipeline summary, "+a.weekLabel(2),
		"The week's calls, meetings and qualified leads, and the open pipeline per key-account manager.", kadri, time.Time{})
	if err != nil {
		return err
	}
	if err := a.deliver(d, .28, .30, kadri,
		"412 calls, 96 conversations, 11 meetings booked, 8 held. Open pipeline SEK 3.4 m, of which SEK 1.1 m in "+
			"the hotel segment. Next week: Malmö hotels and the Uppsala office list.", "", "", ""); err != nil {
		return err
	}

	// 4. Accepted the first time, but late: it was due days ago.
	a.at(.05)
	d, err = a.plan(salesTitle, "lead-qualification", "Qualified leads: Malmö hotels and conference venues, batch 1",
		"Qualify the Malmö and Lund hotels and conference venues that answered the autumn mailing.", aleksi, a.pastDue())
	if err != nil {
		return err
	}
	if err := a.deliver(d, .86, .90, aleksi,
		"6 qualified leads handed over. Sorry for the delay: two venue managers were only reachable after their "+
			"autumn conferences.", "malmo-leads-batch-1.csv",
		"company,decision_maker,need,budget_window,next_step\nMalmö Live,Venue manager,Conference chairs,Q2 2027,Showroom visit\n",
		"Accepted — late, but all six leads are solid."); err != nil {
		return err
	}

	// 5. Returned as incomplete, reworked and accepted: on time, not the first time.
	a.at(.08)
	d, err = a.plan(salesTitle, "outbound-calls", "Call list: Uppsala and Västerås offices with 50+ employees",
		"Call the 60 offices on the list bought from the regional chamber of commerce and book meetings for the "+
			"Mälardalen key-account manager.", liis, time.Time{})
	if err != nil {
		return err
	}
	a.at(.40)
	if err := a.submit(d, liis, "60 offices called, 7 meetings booked.", "uppsala-vasteras-call-log.csv",
		"company,city,contact,outcome\nUppsala Kommunfastigheter,Uppsala,Facility manager,Meeting booked\n"); err != nil {
		return err
	}
	a.at(.45)
	if err := a.db.Work.Review(a.ctx, a.as[johan], d.ID, work.Review{Accepted: false, Reason: "incomplete",
		Comment: "12 of the 60 offices have no call outcome recorded, and the booked meetings lack the attendee's title. " +
			"Please complete the log before we pass the meetings on."}); err != nil {
		return err
	}
	a.at(.60)
	if err := a.submit(d, liis, "Completed: outcome recorded for all 60 offices, attendee and title added to all 7 meetings.",
		"uppsala-vasteras-call-log-v2.csv",
		"company,city,contact,title,outcome\nUppsala Kommunfastigheter,Uppsala,Anna Ek,Facility manager,Meeting booked\n"); err != nil {
		return err
	}
	a.at(.64)
	if err := a.accept(d, "Complete now, thank you."); err != nil {
		return err
	}

	// 6. Submitted, awaiting the manager's review.
	a.at(.70)
	d, err = a.plan(salesTitle, "pipeline-summary", "Weekly pipeline summary, "+a.weekLabel(1),
		"The week's calls, meetings and qualified leads, and the open pipeline per key-account manager.", kadri, time.Time{})
	if err != nil {
		return err
	}
	a.at(.80)
	if err := a.submit(d, kadri,
		"388 calls, 102 conversations, 12 meetings booked, 10 held. Open pipeline SEK 3.9 m. Two hotel chains "+
			"postponed their 2027 decisions to January — see the risk warning.", "", ""); err != nil {
		return err
	}

	// 7. In progress and at risk: a timely deadline notice, not yet acknowledged.
	a.at(.35)
	d, err = a.plan(salesTitle, "lead-qualification", "Qualified leads: Stockholm offices, batch 2",
		"Qualify the 38 Stockholm offices that asked for the acoustic-panel brochure in October.", aleksi,
		a.cal.AddBusinessDays(a.now, 5))
	if err != nil {
		return err
	}
	a.at(.50)
	if err := a.db.Work.Move(a.ctx, a.as[aleksi], d.ID, work.StatusInProgress); err != nil {
		return err
	}
	a.at(.92)
	if err := a.db.Notices.File(a.ctx, a.as[kadri], &notice.Notice{EngagementID: d.EngagementID, Category: notice.CategoryDeadline,
		DeliverableID: d.ID, Text: "Two of our three Swedish-speaking callers are on sick leave this week, so batch 2 " +
			"will not be complete by the due date: 22 of 38 offices are done. We expect to hand over the full batch " +
			"two working days later and suggest moving the due date accordingly."}); err != nil {
		return err
	}

	// 8. In progress.
	a.at(.55)
	if d, err = a.plan(salesTitle, "outbound-calls", "Call list: Norrland hotels and ski resorts (Åre, Vemdalen, Sälen)",
		"Call the hotels and ski lodges before their spring refurbishment season; focus on lounge and restaurant seating.",
		liis, time.Time{}); err != nil {
		return err
	}
	a.at(.66)
	if err := a.db.Work.Move(a.ctx, a.as[liis], d.ID, work.StatusInProgress); err != nil {
		return err
	}

	// A proposal, left for the client to decide, and a risk warning the
	// client has noted.
	eid := a.ids.engagements[salesTitle]
	a.at(.72)
	if err := a.db.Proposals.Raise(a.ctx, a.as[kadri], &proposal.Proposal{EngagementID: eid, Kind: proposal.KindProposal,
		Title: "Call hotels in Norway in Q1",
		Text: "Norwegian chains (Thon, Strawberry, Scandic Norge) are planning lobby refurbishments for 2027, and two " +
			"of our Tallinn callers speak Norwegian and are free from January. We propose a six-week list of 80 hotels " +
			"in Oslo, Bergen and Trondheim at the current per-meeting fee; your key-account managers would take the " +
			"first meetings by video."}); err != nil {
		return err
	}
	risk := &proposal.Proposal{EngagementID: eid, Kind: proposal.KindRisk, Title: "Hotel purchasing frozen until mid-January",
		Text: "Several Stockholm hotel chains told us their 2027 purchasing budgets are released only in mid-January. " +
			"We expect 5–6 meetings booked in December instead of 12, and will shift the calling to office managers, " +
			"whose budgets follow the calendar year."}
	a.at(.75)
	if err := a.db.Proposals.Raise(a.ctx, a.as[kadri], risk); err != nil {
		return err
	}
	a.at(.78)
	if err := a.db.Proposals.Decide(a.ctx, a.as[johan], eid, risk.ID, proposal.Decision{Status: proposal.StatusNoted,
		Comment: "Agreed: call offices in December and take the hotel list up again in the first week of January."}); err != nil {
		return err
	}

	// This week's status report, with the client's comment.
	week := report.WeekOf(a.now, a.loc)
	a.at(.95)
	if _, err := a.db.Reports.Save(a.ctx, a.as[kadri], &report.Report{EngagementID: eid, Week: week,
		Done: "- Stockholm hotel chains: 46 properties worked, 9 showroom visits booked (accepted)\n" +
			"- Göteborg office managers: 7 qualified leads handed over (accepted)\n" +
			"- Uppsala and Västerås offices: call log completed after your return (accepted)\n" +
			"- Malmö hotels and venues: 6 qualified leads, three days late (accepted)",
		Next: "- Stockholm offices, batch 2 (two days late, see our notice)\n" +
			"- Norrland hotels and ski resorts: calling started",
		Risks: "- Hotel purchasing frozen until mid-January: December calling moved to offices",
		Asks:  "- Please decide on the Norway proposal by 4 December so we can plan the Norwegian callers."}); err != nil {
		return err
	}
	a.at(.97)
	return a.db.Reports.Comment(a.ctx, a.as[johan], eid, week,
		"Thanks Kadri, a good week. The Uppsala log is much better after the rework. We will take the Norway proposal "+
			"to the steering meeting; please send the list of the 80 hotels beforehand.")
}

// support is Kundservice Norrland's desk: requests resolved within the
// SLA, one waiting for the client (its clock paused), one just opened.
func (a *activity) support() error {
	eid := a.ids.engagements[supportTitle]
	open := func(who, title, description, priority string) (*request.Request, error) {
		r := &request.Request{EngagementID: eid, ServiceKey: "ticket-handling", Title: title, Description: description, Priority: priority}
		if err := a.db.Requests.Create(a.ctx, a.as[who], r); err != nil {
			return nil, fmt.Errorf("request %q: %w", title, err)
		}
		return r, nil
	}
	// Each request is opened at a moment of the window; each step follows
	// the one before by some working minutes.
	var t time.Time
	openAt := func(f float64) {
		t = a.moment(f)
		if a.clk != nil {
			a.clk.Set(t)
		}
	}
	step := func(r *request.Request, minutes int, who string, act request.Action, note string) error {
		t = a.after(t, time.Duration(minutes)*time.Minute)
		_, err := a.db.Requests.Transition(a.ctx, a.as[who], eid, r.Number, act, note)
		return err
	}

	openAt(.15)
	r, err := open(oskar, "Delivery date for order 40117 — Scandic Umeå, 14 lobby sofas",
		"The hotel's purchaser called: the order confirmation says week 49 but the carrier has not booked a time.", "normal")
	if err != nil {
		return err
	}
	if err := step(r, 35, oskar, request.ActionRespond, "Checked with DB Schenker: the sofas leave Nässjö on Monday."); err != nil {
		return err
	}
	if err := step(r, 190, oskar, request.ActionResolve, "Delivery booked for Wednesday 07–10; the purchaser confirmed by e-mail."); err != nil {
		return err
	}
	if err := step(r, 120, johan, request.ActionClose, ""); err != nil {
		return err
	}

	openAt(.40)
	r, err = open(johan, "Warranty claim: cracked oak tabletop, order 39852 (Hotell Kusten AB)",
		"Meeting-room table delivered in September; the top has a crack along the glue joint. Photos in the customer's e-mail.", "high")
	if err != nil {
		return err
	}
	if err := step(r, 20, oskar, request.ActionRespond, "Claim registered (SEK 3 900, within our limit). Asked the customer for the serial number."); err != nil {
		return err
	}
	if err := step(r, 300, oskar, request.ActionResolve, "Replacement tabletop booked with the next delivery to Varberg; the customer keeps the table until then."); err != nil {
		return err
	}

	openAt(.62)
	r, err = open(oskar, "Assembly instructions missing — Fjällbacka shelving, 6 units",
		"Customer (Lindgrens Kontor AB) received the shelving without the assembly instructions.", "low")
	if err != nil {
		return err
	}
	if err := step(r, 45, oskar, request.ActionResolve, "Sent the PDF instructions and the assembly video link; the customer has assembled the first unit."); err != nil {
		return err
	}

	openAt(.80)
	r, err = open(oskar, "Claim over SEK 5 000: water damage on delivery to Clarion Hotel Sundsvall",
		"Four lounge chairs arrived with water-damaged upholstery; the hotel refused them at delivery.", "high")
	if err != nil {
		return err
	}
	if err := step(r, 25, oskar, request.ActionRespond, "Photos and the carrier's damage report received from the hotel."); err != nil {
		return err
	}
	if err := step(r, 70, oskar, request.ActionAskClient,
		"The claim is SEK 18 400, above our SEK 5 000 limit: we need Norrsken's quality team to approve a replacement or a "+
			"credit. Photos and the carrier's damage report are in the ticket."); err != nil {
		return err
	}

	if a.clk != nil {
		a.clk.Set(a.now)
	}
	if _, err = open(johan, "Order 40233 held at the carrier — hotel opening on Friday",
		"Nordic Light Hotel's 20 bar stools are held at the Stockholm terminal for a missing delivery address. "+
			"The bar opens on Friday: please sort it out with the carrier today.", "urgent"); err != nil {
		return err
	}

	// Customer satisfaction from the help desk's surveys: Oskar reports each
	// month's average, Johan confirms it; this month's waits for him.
	month := kpi.PeriodOf(kpi.Month, a.now, a.loc)
	for i, score := range []int64{44, 42, 46, 43} {
		per := month
		for range 3 - i {
			per = per.Prev()
		}
		v := &ownmetric.Value{EngagementID: eid, Metric: "customer_satisfaction", PeriodKind: kpi.Month,
			PeriodStart: tandem.DateOf(per.Start), Value: score, Scale: 1, Note: "Average of the post-ticket surveys"}
		if err := a.db.OwnMetrics.Enter(a.ctx, a.as[oskar], v); err != nil {
			return fmt.Errorf("satisfaction for %s: %w", per, err)
		}
		if i < 3 {
			if err := a.db.OwnMetrics.Confirm(a.ctx, a.as[johan], v.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// cfo is Ekholm's pilot: October's close review accepted, the cash-flow
// forecast in progress.
func (a *activity) cfo() error {
	prev := a.now.In(a.loc).AddDate(0, 0, -a.now.In(a.loc).Day()) // the last day of the previous month
	a.at(.12)
	d, err := a.plan(cfoTitle, "monthly-close", "Monthly close review, "+prev.Format("January 2006"),
		"Review the bookkeeper's close of "+prev.Format("January")+" and prepare the management report for the board.",
		sofia, time.Time{})
	if err != nil {
		return err
	}
	a.at(.50)
	if err := a.submit(d, anders,
		"Close reviewed with Lena (bookkeeper). Inventory of raw oak written down by SEK 140 000 after the count; the "+
			"contract segment's gross margin is 31 % against a budget of 34 % — the freight surcharges explain most of "+
			"it. Management report attached in the board folder.", "", ""); err != nil {
		return err
	}
	a.at(.58)
	if err := a.db.Work.Review(a.ctx, a.as[johan], d.ID, work.Review{Accepted: true,
		Comment: "Clear report. Karin will take the freight question to the board."}); err != nil {
		return err
	}
	a.at(.60)
	if d, err = a.plan(cfoTitle, "cash-flow-forecast", "13-week cash-flow forecast, December to February",
		"Rolling forecast from the order book and the supplier terms, with the covenant headroom for the bank.",
		sofia, time.Time{}); err != nil {
		return err
	}
	a.at(.62)
	return a.db.Work.Move(a.ctx, a.as[sofia], d.ID, work.StatusInProgress)
}

// selection is the search for a web-shop partner: two candidates scored
// by the owner and the manager (the viewer, a board member, only reads),
// not yet decided, with evidence on the new candidate.
func (a *activity) selection() error {
	pixelhamn, nordcall := a.ids.partners["Pixelhamn Digital AB"], a.ids.partners["NordCall Baltic OÜ"]
	x := &selection.Selection{Title: "B2B web shop 2027",
		Description: "A web shop for contract customers (hotels, offices, public sector) from Q2 2027: price lists per " +
			"customer, framework-agreement ordering and delivery booking. Pixelhamn builds B2B shops on Shopify Plus; " +
			"NordCall offers a package with its Tallinn e-commerce team and follow-up calls on abandoned quotes.",
		Candidates: []selection.Candidate{{PartnerID: pixelhamn}, {PartnerID: nordcall}},
		Criteria:   selection.DefaultCriteria(),
		Reviewers:  []selection.Reviewer{{UserID: a.ids.users[karin]}, {UserID: a.ids.users[johan]}}}
	if err := a.db.Selections.Create(a.ctx, a.as[karin], x); err != nil {
		return err
	}
	// Scores per criterion, in the order of the default criteria:
	// expertise, fit, contract flexibility, price, reputation, registration,
	// client reviews.
	notes := map[string]string{
		"expertise_track_record": "Pixelhamn has built four B2B shops with customer price lists; NordCall's team has built none.",
		"price":                  "NordCall's package is cheaper per month, but the build is priced per hour.",
	}
	score := func(who string, marks map[int64][]int) error {
		var ss []selection.Score
		for partnerID, vs := range marks {
			for i, c := range x.Criteria {
				s := selection.Score{PartnerID: partnerID, CriterionID: c.ID, Value: vs[i]}
				if who == karin && partnerID == pixelhamn {
					s.Note = notes[c.Code]
				}
				ss = append(ss, s)
			}
		}
		return a.db.Selections.SaveScores(a.ctx, a.as[who], x.ID, ss)
	}
	if err := score(karin, map[int64][]int{pixelhamn: {4, 4, 4, 3, 4, 5, 4}, nordcall: {2, 5, 4, 4, 4, 5, 3}}); err != nil {
		return err
	}
	if err := score(johan, map[int64][]int{pixelhamn: {5, 3, 4, 3, 4, 5, 5}, nordcall: {2, 4, 3, 4, 3, 5, 3}}); err != nil {
		return err
	}
	for _, e := range []selection.Evidence{
		{Kind: selection.KindYearsInBusiness, Title: "In business since 2022",
			Detail: "Founded in Göteborg in 2022 by two developers from a large e-commerce agency; 14 employees.",
			Value:  40, HasValue: true},
		{Kind: selection.KindRegistration, Title: "Registered aktiebolag, org.nr 559377-1025",
			Detail: "Checked in Bolagsverket's register: active, no payment remarks; approved for F-tax and registered for VAT.",
			URL:    "https://www.bolagsverket.se", Verified: true},
		{Kind: selection.KindReference, Title: "Reference call: Hemma Textil AB",
			Detail: "Twenty minutes with their e-commerce manager: the B2B shop went live on time in 2025, " +
				"framework prices per customer work well; support answers within the day. Would hire them again."},
	} {
		e.PartnerID = pixelhamn
		if err := a.db.Selections.AddEvidence(a.ctx, a.as[johan], &e, "", nil); err != nil {
			return err
		}
	}
	return nil
}

// readHandled marks as read Johan's notifications about what he has
// already dealt with — submissions he reviewed, the risk warning he noted,
// the status report he commented on — as reviewing them from the
// notification would have; the rest stay unread for the demo.
func (a *activity) readHandled() error {
	p := a.as[johan]
	ns, _, err := a.db.Notifications.List(a.ctx, p, false, 500)
	if err != nil {
		return err
	}
	for _, n := range ns {
		handled := false
		switch n.Kind {
		case "deliverable.submitted":
			d, err := a.db.Work.Get(a.ctx, p, n.SubjectID)
			if err != nil {
				return err
			}
			handled = d.Status != work.StatusSubmitted
		case "proposal.raised":
			x, err := a.db.Proposals.Get(a.ctx, p, n.EngagementID, n.SubjectID)
			if err != nil {
				return err
			}
			handled = x.Status != proposal.StatusOpen
		case "status_report.filed":
			handled = true
		case "notice.filed":
			x, err := a.db.Notices.Get(a.ctx, p, n.EngagementID, n.SubjectID)
			if err != nil {
				return err
			}
			handled = !x.AcknowledgedAt.IsZero()
		}
		if handled {
			if err := a.db.Notifications.MarkRead(a.ctx, p, n.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

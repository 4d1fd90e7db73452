package demo

import (
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The sales history of the demo: six months of NordCall's outbound work on
// the hotels and offices assigned to it, written through the store as it
// would have happened, oldest first, with the demo clock (Clock) set to
// each event's time, so that facts, claims, windows, audit entries and
// created-at times are those of the day. It is generated from a fixed seed
// relative to today: the same every load of the same day.
//
// Every business day each agent calls 15–30 accounts of their list (one
// batch through the ingestion path, as a dialer would send it): about a
// third not answered, a fifth stopped at the switchboard, a sixth reach the
// decision maker, and some ask to be called back (a follow-up due two
// business days later, done mostly on time) or book a meeting. A meeting is
// held (or the prospect does not show); a held meeting is claimed, and most
// become a qualified lead with a deal: presented, a proposal sent, then won
// (claimed with its revenue), lost with a reason, or still negotiating.
// Johan decides the claims within a few days — most accepted, a few
// disputed — and those he leaves are accepted when their window ends (the
// sweep runs every evening). One won deal is reversed in the last weeks.
// Now and then an agent records a call (a second of tone, a WAV uploaded
// as the call's recording) or reveals a contact's number. Events due after
// now are not written: the last days' meetings stay planned, their claims
// open, their follow-ups on the agents' Today.

// historyMonths is how far back the history starts: the first of the
// month this many months before today.
const historyMonths = 6

type event struct {
	at  time.Time
	seq int
	do  func() error
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// target is an account of an agent's list with the contact they call.
type target struct {
	account, contact, phone int64
	hotel                   bool
}

type history struct {
	ctx     context.Context
	db      *store.DB
	clk     *Clock
	ids     *loaded
	loc     *time.Location
	r       *rand.Rand
	now     time.Time
	eng     int64
	queue   events
	seq     int
	as      map[string]tandem.Principal
	book    map[string][]target
	cursor  map[string]int
	leads   map[int64]bool // accounts claimed as a qualified lead
	dealOn  map[int64]bool // accounts with a deal
	won     []wonDeal      // accepted deal claims, in order of acceptance
	nClaims int
	// done are the follow-ups done on a day (by agent and date), logged
	// as done in that day's batch.
	done map[string][]store.BatchActivity
	// recent are the last week's calls that could open a deal, for
	// openPipeline.
	recent []recentCall
}

// recentCall is a call of the last week with an outcome that opens a deal,
// and the meeting it booked (zero when none).
type recentCall struct {
	email   string
	call    sales.Activity
	meeting time.Time
}

type wonDeal struct {
	claim int64
	at    time.Time
}

// addHistory writes the history; the clock is left at the base time.
func addHistory(ctx context.Context, db *store.DB, clk *Clock, ids *loaded, start time.Time, rows []store.NewAccount, byAgent map[string][]int64) error {
	defer clk.Reset()
	ws, err := db.Accounts.Workspace(ctx, ids.workspace)
	if err != nil {
		return err
	}
	h := &history{ctx: ctx, db: db, clk: clk, ids: ids, loc: ws.Location(), r: rand.New(rand.NewPCG(2026, 11)),
		now: clk.Base(), eng: ids.engagements[salesTitle], as: map[string]tandem.Principal{},
		book: map[string][]target{}, cursor: map[string]int{}, leads: map[int64]bool{}, dealOn: map[int64]bool{},
		done: map[string][]store.BatchActivity{}}
	for _, email := range append([]string{johan, kadri}, salesAgents...) {
		p, err := db.Accounts.Principal(ctx, ids.users[email], ids.workspace)
		if err != nil {
			return fmt.Errorf("principal of %s: %w", email, err)
		}
		h.as[email] = p
	}
	byID := map[int64]store.NewAccount{}
	for _, row := range rows {
		byID[row.Account.ID] = row
	}
	for _, email := range salesAgents {
		for _, id := range byAgent[email] {
			row := byID[id]
			c := row.Contacts[0]
			for _, x := range row.Contacts { // the decision maker when there is one
				if x.DecisionMaker {
					c = x
				}
			}
			h.book[email] = append(h.book[email], target{account: id, contact: c.ID, phone: c.Phones[0].ID,
				hotel: row.Account.Industry == "Hotels"})
		}
	}
	today := h.day(h.now)
	n := 0
	for d := start; d.Before(today); d = d.AddDate(0, 0, 1) {
		if !businessDay(d) {
			continue
		}
		for i, email := range salesAgents {
			k := n + i*7
			h.at(h.clockAt(d, 17, 30+i), func() error { return h.calls(email, d, k) })
			if (n+i*3)%9 == 0 {
				h.at(h.clockAt(d, 11, 5+i), func() error { return h.reveal(email) })
			}
		}
		h.at(h.clockAt(d, 18, 5), func() error {
			_, err := h.db.Claims().SweepExpired(h.ctx, h.clk.Now())
			return err
		})
		n++
	}
	// One won deal reversed: the customer cancelled the order.
	h.at(h.addDays(today, -5, 11, 20), h.reverse)
	for h.queue.Len() > 0 {
		e := heap.Pop(&h.queue).(event)
		clk.Set(e.at)
		if err := e.do(); err != nil {
			return fmt.Errorf("history at %s: %w", e.at.Format(time.RFC3339), err)
		}
	}
	return h.openPipeline(byAgent)
}

// openPipeline opens the deals of the pipeline's first stages, as the
// agents and Johan leave it at the end of the last day: a deal for some of
// the last week's calls that reached the decision maker or booked a
// meeting still to come ("decision maker reached"), for some of those
// asked to call back ("past the gatekeeper"), and a few inbound requests
// from Norrsken's website that Johan hands to the agents ("new"). Without
// them the board's first columns were empty: the history opens a deal
// only after a held meeting found the need. They are written after the
// rest of the history, so that no earlier choice or id changes; the
// choices are made by account id, not drawn.
func (h *history) openPipeline(byAgent map[string][]int64) error {
	titles := []string{"Lobby seating refurbishment", "Meeting-room tables and chairs", "Acoustic panels for the open office",
		"Conference hall seating", "Breakfast room furniture"}
	at := h.clk.Now()
	open := func(email string, p tandem.Principal, account, owner int64, stage, title, step string, on time.Time) error {
		if h.dealOn[account] {
			return nil
		}
		h.dealOn[account] = true
		if at = at.Add(time.Minute); !at.Before(h.now) {
			at = h.now.Add(-time.Second)
		}
		h.clk.Set(at)
		d := &sales.Deal{EngagementID: h.eng, AccountID: account, Title: title, OwnerID: owner,
			Amount: money.New(int64(40_000+int(account%56)*10_000)*100, "SEK"), Stage: stage,
			CloseOn: tandem.DateOf(h.addDays(h.now, 45, 12, 0)), NextStep: step, NextStepOn: tandem.DateOf(h.day(on))}
		if err := h.db.Deals().Create(h.ctx, p, d); err != nil {
			return fmt.Errorf("open a deal for %s on account %d: %w", email, account, err)
		}
		return nil
	}
	// The next step in the coming days; about one in five planned two
	// days after the call and, by now, overdue.
	next := func(a sales.Activity) time.Time {
		if a.AccountID%5 == 0 {
			return h.addDays(a.At, 2, 10, 0)
		}
		return h.addDays(h.now, 1+int((a.AccountID/7)%3), 10, 0)
	}
	since := h.addDays(h.now, -5, 0, 0)
	for _, rc := range h.recent {
		a := rc.call
		if a.At.Before(since) {
			continue
		}
		title := titles[a.AccountID%int64(len(titles))]
		switch {
		case a.Outcome == sales.OutcomeMeetingBooked && rc.meeting.After(h.now):
			err := open(rc.email, h.as[rc.email], a.AccountID, 0, "decision_maker_reached", title, "Meeting with the decision maker", rc.meeting)
			if err != nil {
				return err
			}
		case a.Outcome == sales.OutcomeDecisionMaker && a.AccountID%6 == 1:
			err := open(rc.email, h.as[rc.email], a.AccountID, 0, "decision_maker_reached", title, "Send the catalogue and book a meeting", next(a))
			if err != nil {
				return err
			}
		case a.Outcome == sales.OutcomeCallBack && a.AccountID%3 == 0:
			err := open(rc.email, h.as[rc.email], a.AccountID, 0, "past_gatekeeper", title, "Call back as agreed", next(a))
			if err != nil {
				return err
			}
		}
	}
	// Two inbound requests for each agent, on accounts of their book
	// that have no deal, owned by the agent.
	tomorrow := h.addDays(h.now, 1, 9, 0)
	for _, email := range salesAgents {
		n := 0
		for _, id := range byAgent[email] {
			if n == 2 {
				break
			}
			if h.dealOn[id] || id%5 != 2 {
				continue
			}
			n++
			err := open(email, h.as[johan], id, h.as[email].MembershipID, "new", "Inbound: quote request from the website", "First call", tomorrow)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// historyStart is the first day of the history: the first of the month
// historyMonths months before now, in the workspace's time zone.
func historyStart(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	return time.Date(t.Year(), t.Month()-historyMonths, 1, 0, 0, 0, 0, loc)
}

// at schedules do at t; an event after now is not written.
func (h *history) at(t time.Time, do func() error) {
	if !t.Before(h.now) {
		return
	}
	h.seq++
	heap.Push(&h.queue, event{at: t, seq: h.seq, do: do})
}

func businessDay(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }

// day is t's date at midnight in the workspace's zone.
func (h *history) day(t time.Time) time.Time {
	t = t.In(h.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, h.loc)
}

func (h *history) clockAt(d time.Time, hour, minute int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, h.loc)
}

// addDays is n business days after (before, when negative) t's day, at
// hour:minute.
func (h *history) addDays(t time.Time, n, hour, minute int) time.Time {
	d := h.day(t)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if businessDay(d) {
			n--
		}
	}
	return h.clockAt(d, hour, minute)
}

// outcomes are the call outcomes in realistic proportions (per mille).
var outcomes = []struct {
	o sales.Outcome
	w int
}{
	{sales.OutcomeNoAnswer, 330}, {sales.OutcomeBusy, 60}, {sales.OutcomeGatekeeper, 200}, {sales.OutcomeWrongNumber, 20},
	{sales.OutcomeDecisionMaker, 150}, {sales.OutcomeCallBack, 110}, {sales.OutcomeNotInterested, 100},
	{sales.OutcomeMeetingBooked, 30},
}

func (h *history) outcome() sales.Outcome {
	n := h.r.IntN(1000)
	for _, o := range outcomes {
		if n < o.w {
			return o.o
		}
		n -= o.w
	}
	return sales.OutcomeNoAnswer
}

func (h *history) duration(o sales.Outcome) int64 {
	switch o {
	case sales.OutcomeNoAnswer, sales.OutcomeBusy, sales.OutcomeWrongNumber:
		return int64(5 + h.r.IntN(30))
	case sales.OutcomeGatekeeper, sales.OutcomeNotInterested:
		return int64(30 + h.r.IntN(120))
	default:
		return int64(120 + h.r.IntN(600))
	}
}

var callNotes = map[sales.Outcome][]string{
	sales.OutcomeGatekeeper:    {"Reception would not put me through; asked for an e-mail.", "The switchboard says the GM is at a conference."},
	sales.OutcomeDecisionMaker: {"Talked about the lobby refurbishment; no budget before autumn.", "Interested in acoustic panels for the meeting rooms."},
	sales.OutcomeCallBack:      {"Asked to call back on Thursday after lunch.", "In a meeting — call back in two days."},
	sales.OutcomeNotInterested: {"Signed with another supplier last year.", "Renovated in 2025, nothing planned."},
	sales.OutcomeMeetingBooked: {"Showroom visit booked with the key-account manager.", "Video meeting booked: meeting-room tables."},
}

// calls is one agent's day of calls, ingested as one batch at the end of
// the day (a follow-up for each call back, a meeting for each booked; now
// and then a decision-maker call is logged with its recording instead).
func (h *history) calls(email string, d time.Time, n int) error {
	p := h.as[email]
	book := h.book[email]
	if len(book) == 0 {
		return nil
	}
	t := h.clockAt(d, 9, h.r.IntN(20))
	end := h.clockAt(d, 16, 45)
	key := fmt.Sprintf("demo-%s-%s", email, d.Format("2006-01-02"))
	items := h.done[key]
	delete(h.done, key)
	var booked []int // indexes of the meetings the calls booked
	var recorded *sales.Activity
	for range 15 + h.r.IntN(16) {
		if t.After(end) {
			break
		}
		tg := book[h.cursor[email]%len(book)]
		h.cursor[email]++
		o := h.outcome()
		a := sales.Activity{Kind: sales.KindCall, AccountID: tg.account, ContactID: tg.contact, At: t,
			Direction: sales.DirectionOut, Outcome: o, DurationS: h.duration(o)}
		if notes := callNotes[o]; len(notes) > 0 && h.r.IntN(3) == 0 {
			a.Notes = notes[h.r.IntN(len(notes))]
		}
		t = t.Add(time.Duration(a.DurationS)*time.Second + time.Duration(3+h.r.IntN(12))*time.Minute)
		if o == sales.OutcomeDecisionMaker && recorded == nil && n%30 == 0 {
			recorded = &a
			continue
		}
		items = append(items, store.BatchActivity{Activity: a})
		switch o {
		case sales.OutcomeCallBack:
			// Called back on time, or a day late. A follow-up done before
			// now is logged as done in the batch of the day it was done
			// (its fact is that day's); one done later is open today.
			fu := sales.Activity{Kind: sales.KindFollowUp, AccountID: tg.account, ContactID: tg.contact, At: a.At,
				ScheduledAt: h.addDays(a.At, 2, 10+h.r.IntN(5), 0), Notes: "Call back as agreed."}
			done := fu.ScheduledAt.Add(-time.Duration(20+h.r.IntN(90)) * time.Minute)
			if h.r.IntN(7) == 0 {
				done = h.addDays(fu.ScheduledAt, 1, 11, h.r.IntN(50))
			}
			if dd := h.day(done); h.clockAt(dd, 17, 40).Before(h.now) {
				fu.DoneAt = done
				k := fmt.Sprintf("demo-%s-%s", email, dd.Format("2006-01-02"))
				h.done[k] = append(h.done[k], store.BatchActivity{Activity: fu})
			} else {
				items = append(items, store.BatchActivity{Activity: fu})
			}
		case sales.OutcomeMeetingBooked:
			items = append(items, store.BatchActivity{Activity: h.meeting(a)})
			booked = append(booked, len(items)-1)
		}
	}
	var res *store.BatchResult
	_, err := h.db.Sales().IngestActivities(h.ctx, p, h.eng, items, store.Idempotency{Key: key, Hash: key},
		func(r *store.BatchResult, errs []store.ItemError) (int, []byte, error) {
			if len(errs) > 0 {
				return 0, nil, fmt.Errorf("demo batch %s: %+v", key, errs[0])
			}
			res = r
			return http.StatusCreated, []byte(`{}`), nil
		})
	if err != nil {
		return err
	}
	for _, i := range booked {
		m := items[i].Activity
		m.ID = res.IDs[i]
		h.held(email, m)
	}
	if d.After(h.addDays(h.now, -7, 0, 0)) {
		for i, it := range items {
			switch it.Activity.Outcome {
			case sales.OutcomeDecisionMaker, sales.OutcomeCallBack, sales.OutcomeMeetingBooked:
				if it.Activity.Kind != sales.KindCall {
					continue
				}
				rc := recentCall{email: email, call: it.Activity}
				if it.Activity.Outcome == sales.OutcomeMeetingBooked && i+1 < len(items) && items[i+1].Activity.Kind == sales.KindMeeting {
					rc.meeting = items[i+1].Activity.ScheduledAt
				}
				h.recent = append(h.recent, rc)
			}
		}
	}
	if recorded != nil {
		a := *recorded
		h.at(h.clk.Now().Add(time.Minute), func() error {
			wav, err := file.NewFile(fmt.Sprintf("call-%s.wav", a.At.In(h.loc).Format("2006-01-02-1504")), "audio/wave", tone(a.At.Unix()))
			if err != nil {
				return err
			}
			return h.db.Sales().LogActivity(h.ctx, p, &a, store.LogOptions{Recording: wav})
		})
	}
	return nil
}

// meeting is the meeting a call booked, logged in the call's batch.
func (h *history) meeting(call sales.Activity) sales.Activity {
	return sales.Activity{Kind: sales.KindMeeting, AccountID: call.AccountID, ContactID: call.ContactID, At: call.At,
		ScheduledAt: h.addDays(call.At, 2+h.r.IntN(6), []int{10, 14}[h.r.IntN(2)], 0),
		Notes: []string{"Showroom visit in Hammarby Sjöstad with the key-account manager.",
			"Video meeting with the key-account manager.", "On-site visit: measuring the lobby and the meeting rooms."}[h.r.IntN(3)]}
}

// held schedules whether a meeting is held (or the prospect does not
// show), and what follows a held one.
func (h *history) held(email string, m sales.Activity) {
	p := h.as[email]
	h.at(m.ScheduledAt.Add(90*time.Minute), func() error {
		status := sales.MeetingHeld
		if h.r.IntN(100) < 22 {
			status = sales.MeetingNoShow
		}
		if _, err := h.db.Sales().ChangeActivity(h.ctx, p, m.ID, store.ActivityChange{Status: status}); err != nil {
			return err
		}
		if status == sales.MeetingHeld {
			h.at(h.addDays(m.ScheduledAt, 1, 9, 30+h.r.IntN(20)), func() error { return h.afterMeeting(email, m) })
		}
		return nil
	})
}

// claim makes a claim as the agent and schedules Johan's decision: most
// accepted within three business days, a few disputed, the rest left to
// the window's end.
func (h *history) claim(email string, n sales.NewClaim, onAccept func(id int64, at time.Time)) error {
	c, err := h.db.Claims().Create(h.ctx, h.as[email], h.eng, n)
	if err != nil {
		return fmt.Errorf("claim %s %d: %w", n.Kind, n.SubjectID, err)
	}
	h.nClaims++
	roll := h.r.IntN(100)
	when := h.addDays(c.ClaimedAt, 1+h.r.IntN(3), 13, h.r.IntN(50))
	switch {
	case roll < 80:
		h.at(when, func() error {
			got, err := h.db.Claims().Decide(h.ctx, h.as[johan], h.eng, c.ID, sales.Accept, "")
			if err == nil && onAccept != nil {
				onAccept(got.ID, h.clk.Now())
			}
			return err
		})
	case roll < 88:
		reason := disputeReasons[n.Kind][h.r.IntN(len(disputeReasons[n.Kind]))]
		h.at(when, func() error {
			_, err := h.db.Claims().Decide(h.ctx, h.as[johan], h.eng, c.ID, sales.Dispute, reason)
			return err
		})
	}
	return nil
}

var disputeReasons = map[sales.ClaimKind][]string{
	sales.ClaimLead: {"No budget confirmed: the purchaser said they only collect offers for 2028.",
		"The contact is not a decision maker — the chain buys centrally in Oslo."},
	sales.ClaimMeeting: {"Our key-account manager met the receptionist, not the general manager.",
		"The meeting was a 10-minute phone call, not the showroom visit the terms mean."},
	sales.ClaimDeal: {"The order came through our existing dealer, not through the agency."},
}

// afterMeeting claims a held meeting and, when the prospect qualifies,
// the lead, and opens a deal that runs through the stages.
func (h *history) afterMeeting(email string, m sales.Activity) error {
	if err := h.claim(email, sales.NewClaim{Kind: sales.ClaimMeeting, SubjectID: m.ID, HeldAt: m.ScheduledAt,
		Note: "Held as planned; notes in the activity."}, nil); err != nil {
		return err
	}
	if h.r.IntN(100) >= 65 || h.leads[m.AccountID] || h.dealOn[m.AccountID] {
		return nil
	}
	h.leads[m.AccountID], h.dealOn[m.AccountID] = true, true
	if err := h.claim(email, sales.NewClaim{Kind: sales.ClaimLead, SubjectID: m.AccountID,
		Note: "Decision maker met, need and budget confirmed, presentation agreed."}, nil); err != nil {
		return err
	}
	p := h.as[email]
	titles := []string{"Lobby seating refurbishment", "Meeting-room tables and chairs", "Acoustic panels for the open office",
		"Conference hall seating", "Breakfast room furniture"}
	amount := int64(40_000+h.r.IntN(56)*10_000) * 100
	d := &sales.Deal{EngagementID: h.eng, AccountID: m.AccountID, Title: titles[h.r.IntN(len(titles))],
		Amount: money.New(amount, "SEK"), Stage: "needs_identified",
		CloseOn: tandem.DateOf(h.addDays(h.clk.Now(), 30, 12, 0))}
	if err := h.db.Deals().Create(h.ctx, p, d); err != nil {
		return err
	}
	opened := tandem.DateOf(h.day(h.clk.Now()))
	pres := h.addDays(h.clk.Now(), 3+h.r.IntN(4), 10, 0)
	if err := h.nextStep(email, d, "Present the range at the hotel", pres); err != nil {
		return err
	}
	h.at(pres, func() error {
		x := sales.Activity{Kind: sales.KindPresentation, AccountID: m.AccountID, ContactID: m.ContactID, At: pres,
			ScheduledAt: pres, Status: sales.MeetingHeld, Notes: "Presented the contract range and two reference hotels."}
		if err := h.db.Sales().LogActivity(h.ctx, p, &x, store.LogOptions{}); err != nil {
			return err
		}
		if _, err := h.db.Deals().Move(h.ctx, p, d.ID, "presented", ""); err != nil {
			return err
		}
		sent := h.addDays(pres, 2+h.r.IntN(4), 15, 0)
		if err := h.nextStep(email, d, "Send the proposal", sent); err != nil {
			return err
		}
		h.at(sent, func() error { return h.proposal(email, d, m, sent, opened) })
		return nil
	})
	return nil
}

// nextStep sets the deal's next step as its agent plans it: what and on
// which day. About one deal in seven (by its id, so that the demo's random
// choices stay the same) never gets one, as with a busy agent: the board
// flags those, and those whose day has passed.
func (h *history) nextStep(email string, d *sales.Deal, what string, on time.Time) error {
	if d.ID%7 == 3 {
		return nil
	}
	d.NextStep, d.NextStepOn = what, tandem.DateOf(h.day(on))
	return h.db.Deals().Update(h.ctx, h.as[email], d)
}

// proposal sends the commercial proposal and schedules how the deal ends.
func (h *history) proposal(email string, d *sales.Deal, m sales.Activity, sent time.Time, opened tandem.Date) error {
	p := h.as[email]
	x := sales.Activity{Kind: sales.KindProposal, AccountID: m.AccountID, ContactID: m.ContactID, At: sent,
		AmountMinor: d.Amount.Amount, Currency: "SEK", Notes: "Offer with delivery in six weeks and assembly included."}
	if err := h.db.Sales().LogActivity(h.ctx, p, &x, store.LogOptions{}); err != nil {
		return err
	}
	if _, err := h.db.Deals().Move(h.ctx, p, d.ID, "proposal_sent", ""); err != nil {
		return err
	}
	end := h.addDays(sent, 4+h.r.IntN(12), 11, h.r.IntN(50))
	roll := h.r.IntN(100)
	if err := h.nextStep(email, d, "Call the decision maker about the proposal", end); err != nil {
		return err
	}
	h.at(end, func() error {
		switch {
		case roll < 35: // won
			for _, st := range []string{"objections_handled", "next_step_agreed", "won"} {
				if _, err := h.db.Deals().Move(h.ctx, p, d.ID, st, ""); err != nil {
					return err
				}
			}
			if _, err := h.db.Sales().ChangeActivity(h.ctx, p, x.ID, store.ActivityChange{Status: sales.ProposalAccepted}); err != nil {
				return err
			}
			h.at(h.addDays(end, 1, 9, 10), func() error {
				return h.claim(email, sales.NewClaim{Kind: sales.ClaimDeal, SubjectID: d.ID, Revenue: d.Amount.Amount,
					OpenedOn: opened, Note: "Order signed; the order confirmation is attached to the deal."},
					func(id int64, at time.Time) { h.won = append(h.won, wonDeal{id, at}) })
			})
		case roll < 80: // lost
			reasons := []string{"no_budget", "chose_competitor", "price", "bad_timing", "no_decision"}
			if _, err := h.db.Deals().Move(h.ctx, p, d.ID, "lost", reasons[h.r.IntN(len(reasons))]); err != nil {
				return err
			}
			if _, err := h.db.Sales().ChangeActivity(h.ctx, p, x.ID, store.ActivityChange{Status: sales.ProposalDeclined}); err != nil {
				return err
			}
		default: // still negotiating
			if _, err := h.db.Deals().Move(h.ctx, p, d.ID, "objections_handled", ""); err != nil {
				return err
			}
			// A week or two to the revised offer; by today some are past.
			return h.nextStep(email, d, "Send the revised offer", h.addDays(end, 5+int(d.ID%10), 14, 0))
		}
		return nil
	})
	return nil
}

// reveal is an agent revealing the number of one of their contacts before
// a call back.
func (h *history) reveal(email string) error {
	book := h.book[email]
	tg := book[h.r.IntN(len(book))]
	reasons := []string{"Calling back as agreed; the number on file is the switchboard's.",
		"The decision maker asked me to call her mobile directly.", "Confirming tomorrow's meeting."}
	_, err := h.db.Sales().Reveal(h.ctx, h.as[email], tg.contact, tg.phone, reasons[h.r.IntN(len(reasons))])
	return err
}

// reverse reverses the last won deal accepted at least ten days ago.
func (h *history) reverse() error {
	cut := h.clk.Now().AddDate(0, 0, -10)
	for i := len(h.won) - 1; i >= 0; i-- {
		if h.won[i].at.Before(cut) {
			_, err := h.db.Claims().Reverse(h.ctx, h.as[johan], h.eng, h.won[i].claim,
				"The hotel cancelled the order after a change of owner; the refurbishment is postponed indefinitely.")
			return err
		}
	}
	return nil
}

// tone is a small WAV file: a second and a half of a quiet 440 Hz tone,
// 8 kHz mono 16-bit PCM, its pitch varied a little by seed.
func tone(seed int64) []byte {
	const rate, n = 8000, 12000
	freq := 400 + float64(seed%80)
	b := make([]byte, 44+2*n)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], rate)
	binary.LittleEndian.PutUint32(b[28:], rate*2)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], 2*n)
	for i := range n {
		v := int16(3000 * math.Sin(2*math.Pi*freq*float64(i)/rate))
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}

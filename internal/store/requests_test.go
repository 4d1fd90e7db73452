package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

var stockholm, _ = time.LoadLocation("Europe/Stockholm")

// sthlm is a wall-clock time in Stockholm.
func sthlm(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, stockholm)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// slaEnv is the fixture with engagement A1 live on a support contract: the
// service "support" answers within 2 business hours and resolves within 16,
// on an 08:00–17:00 Monday-to-Friday calendar in Stockholm with Midsummer
// Eve 2026 as a holiday, pausing while the request waits for the client;
// a second service, "advice", has no SLA.
type slaEnv struct {
	db    *store.DB
	f     *storetest.Fixture
	clock *storetest.Clock
}

func newSLAEnv(t *testing.T, dialect, start string) *slaEnv {
	t.Helper()
	clock := storetest.NewClock(sthlm(t, start))
	db := storetest.Open(t, dialect, clock.Now)
	f := storetest.Seed(t, db)
	storetest.Activate(t, db, f.Owner, f.A1, func(terms *contract.Terms) {
		terms.Calendar = contract.Calendar{TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5}, DayStart: "08:00", DayEnd: "17:00",
			Holidays: []string{"2026-06-19"}, PauseStates: []string{"waiting_for_client"}}
		base := terms.Services[0]
		support, advice := base, base
		support.Key, support.Name = "support", "Support tickets"
		support.SLA = &contract.SLA{ResponseMinutes: 120, ResolutionMinutes: 16 * 60}
		advice.Key, advice.Name, advice.SLA = "advice", "Advice", nil
		terms.Services = []contract.Service{support, advice}
	})
	return &slaEnv{db: db, f: f, clock: clock}
}

// at sets the clock to a Stockholm wall-clock time (forward only).
func (e *slaEnv) at(t *testing.T, s string) time.Time {
	t.Helper()
	to := sthlm(t, s)
	if d := to.Sub(e.clock.Now()); d < 0 {
		t.Fatalf("clock cannot go back to %s", s)
	} else {
		e.clock.Add(d)
	}
	return to
}

func (e *slaEnv) open(t *testing.T, p tandem.Principal, title string) *request.Request {
	t.Helper()
	r := &request.Request{EngagementID: e.f.A1, ServiceKey: "support", Title: title, Priority: "high"}
	if err := e.db.Requests.Create(ctx, p, r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *slaEnv) get(t *testing.T, p tandem.Principal, number int) *request.Request {
	t.Helper()
	r, err := e.db.Requests.Get(ctx, p, e.f.A1, number)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *slaEnv) step(t *testing.T, p tandem.Principal, number int, a request.Action, note string) *request.Request {
	t.Helper()
	r, err := e.db.Requests.Transition(ctx, p, e.f.A1, number, a, note)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return r
}

func (e *slaEnv) facts(t *testing.T, number int) map[fact.Kind]store.Fact {
	t.Helper()
	fs, err := e.db.Requests.Facts(ctx, e.f.Owner, e.f.A1, number)
	if err != nil {
		t.Fatal(err)
	}
	out := map[fact.Kind]store.Fact{}
	for _, f := range fs {
		if _, dup := out[f.Kind]; dup {
			t.Errorf("fact %s recorded twice", f.Kind)
		}
		out[f.Kind] = f
	}
	return out
}

// A request opened on Friday at 16:00 with a 2-business-hour response
// target on an 08:00–17:00 Monday-to-Friday calendar: one hour is left on
// Friday (16:00–17:00), Saturday and Sunday have none, and the second hour
// runs on Monday from 08:00, so the response is due Monday at 09:00.
// A breach is recorded once, however often it is found.
func TestRequestResponseDueMondayAndBreachedOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newSLAEnv(t, dialect, "2026-03-06 16:00") // a Friday
			f := e.f
			r := e.open(t, f.Manager, "The invoice export fails")
			if r.Number != 1 || r.TermsVersion != 1 || r.ResponseMinutes != 120 || r.OpenedSide != request.SideClient {
				t.Fatalf("opened: %+v", r)
			}
			if due := r.Response.Due; !due.Equal(sthlm(t, "2026-03-09 09:00")) {
				t.Fatalf("response due %v, want Monday 09:00", due.In(stockholm))
			}
			// Over the weekend nothing runs down.
			e.at(t, "2026-03-08 23:00")
			if got := e.get(t, f.Viewer, 1); got.Response.Remaining != time.Hour || got.Response.Breached {
				t.Fatalf("Sunday night: %+v", got.Response)
			}
			if n, err := e.db.Requests.SweepBreaches(ctx, e.clock.Now()); err != nil || n != 0 {
				t.Fatalf("sweep before the due time: %d %v", n, err)
			}
			// The partner's agent logs a second request on the client's behalf.
			e.at(t, "2026-03-09 08:30")
			r2 := e.open(t, f.VendorAgent, "Phone call: the portal is down")
			if r2.Number != 2 || r2.OpenedSide != request.SidePartner {
				t.Fatalf("logged by the partner: %+v", r2)
			}
			if got := e.get(t, f.Owner, 1); got.Response.Remaining != 30*time.Minute {
				t.Fatalf("Monday 08:30: %+v", got.Response)
			}
			// 09:00 exactly is on time; a minute later the sweep finds the breach.
			e.at(t, "2026-03-09 09:00")
			if n, _ := e.db.Requests.SweepBreaches(ctx, e.clock.Now()); n != 0 {
				t.Fatalf("breach at the due time: %d", n)
			}
			e.at(t, "2026-03-09 09:01")
			n, err := e.db.Requests.SweepBreaches(ctx, e.clock.Now())
			if err != nil || n != 1 {
				t.Fatalf("sweep after the due time: %d %v", n, err)
			}
			// Again, and by reading: nothing new.
			if n, _ := e.db.Requests.SweepBreaches(ctx, e.clock.Now()); n != 0 {
				t.Fatalf("second sweep: %d", n)
			}
			got := e.get(t, f.Owner, 1)
			if !got.Response.Breached || !got.ResponseBreached || got.Response.Over() != 1 {
				t.Fatalf("after the breach: %+v", got)
			}
			fs := e.facts(t, 1)
			b, ok := fs["breach.response"]
			if !ok || b.Value != 1 || !b.At.Equal(sthlm(t, "2026-03-09 09:00")) || b.Data.(fact.Breach).TargetMinutes != 120 ||
				b.Data.(fact.Breach).TermsVersion != 1 || b.Data.(fact.Breach).ElapsedMinutes != 121 {
				t.Fatalf("breach fact: %+v", fs)
			}
			// The partner answers late: a compliance fact, not met; still one breach.
			e.at(t, "2026-03-09 09:30")
			e.step(t, f.VendorManager, 1, request.ActionRespond, "Looking into it")
			fs = e.facts(t, 1)
			if c := fs["sla.response"]; c.Kind == "" || c.Flag || c.Value != 150 {
				t.Fatalf("late response: %+v", fs)
			}
			if len(fs) != 2 {
				t.Fatalf("facts: %+v", fs)
			}
			// Both sides were told of the breach, once each.
			for _, p := range []tandem.Principal{f.Owner, f.Manager, f.VendorManager, f.VendorAgent} {
				ns, _, err := e.db.Notifications.List(ctx, p, true, 100)
				if err != nil {
					t.Fatal(err)
				}
				k := 0
				for _, x := range ns {
					if x.Kind == "request.response_breached" && x.SubjectID == r.ID {
						k++
					}
				}
				if k != 1 {
					t.Errorf("%s got %d breach notifications", p.Role, k)
				}
			}
			if es, _, _ := e.db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "request.breached"}, tandem.Page{}); len(es) != 1 {
				t.Fatalf("breach feed entries: %d", len(es))
			}
			// Request 2 is not yet breached (opened 08:30, 2h to 10:30).
			if got := e.get(t, f.Owner, 2); got.Response.Breached || !got.Response.Due.Equal(sthlm(t, "2026-03-09 10:30")) {
				t.Fatalf("request 2: %+v", got.Response)
			}
		})
	}
}

// Waiting for the client over a weekend stops the resolution clock; the
// compliance facts record the clocks that stopped in time.
func TestRequestPauseOverTheWeekend(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newSLAEnv(t, dialect, "2026-03-05 09:00") // a Thursday
			f := e.f
			e.open(t, f.Owner, "Reports show last year's prices")
			e.at(t, "2026-03-05 09:30")
			e.step(t, f.VendorAgent, 1, request.ActionRespond, "")
			// Asking the client needs a message; a refused step writes nothing.
			e.at(t, "2026-03-06 10:00") // Friday: 8h on Thursday + 2h = 10h used
			if _, err := e.db.Requests.Transition(ctx, f.VendorAgent, f.A1, 1, request.ActionAskClient, "  "); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("ask without a message: %v", err)
			}
			if _, err := e.db.Requests.Transition(ctx, f.Manager, f.A1, 1, request.ActionResolve, ""); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Fatalf("the client resolved: %v", err)
			}
			if got := e.get(t, f.Owner, 1); len(got.History) != 2 || got.Status != request.StatusInProgress {
				t.Fatalf("a refused step changed the request: %+v", got)
			}
			e.step(t, f.VendorAgent, 1, request.ActionAskClient, "Which price list should the reports use?")
			e.at(t, "2026-03-07 12:00") // Saturday
			got := e.get(t, f.Viewer, 1)
			if !got.Resolution.Paused || !got.Resolution.Due.IsZero() || got.Resolution.Elapsed != 10*time.Hour || got.Resolution.Remaining != 6*time.Hour {
				t.Fatalf("paused on Saturday: %+v", got.Resolution)
			}
			// Monday 10:00: Friday's and Monday's business hours passed while waiting; still 6h left.
			e.at(t, "2026-03-09 10:00")
			if n, _ := e.db.Requests.SweepBreaches(ctx, e.clock.Now()); n != 0 {
				t.Fatalf("a paused clock breached: %d", n)
			}
			e.at(t, "2026-03-09 11:00")
			got = e.step(t, f.Manager, 1, request.ActionResume, "The 2026 list, attached to the ticket.")
			if got.Resolution.Paused || !got.Resolution.Due.Equal(sthlm(t, "2026-03-09 17:00")) {
				t.Fatalf("resumed: %+v", got.Resolution)
			}
			e.at(t, "2026-03-09 12:00")
			got = e.step(t, f.VendorAgent, 1, request.ActionResolve, "Fixed.")
			if !got.Resolution.Stopped || got.Resolution.Elapsed != 11*time.Hour || !got.Resolution.Met() {
				t.Fatalf("resolved: %+v", got.Resolution)
			}
			fs := e.facts(t, 1)
			if c := fs["sla.response"]; !c.Flag || c.Value != 30 {
				t.Errorf("response fact: %+v", c)
			}
			if c := fs["sla.resolution"]; !c.Flag || c.Value != 11*60 || c.Data.(fact.ClockStopped).TargetMinutes != 960 {
				t.Errorf("resolution fact: %+v", c)
			}
			if len(fs) != 2 {
				t.Errorf("facts: %+v", fs)
			}
			// The client closes, then reopens: the resolution clock resumes
			// where it stopped; no second compliance fact.
			e.at(t, "2026-03-10 09:00")
			e.step(t, f.Owner, 1, request.ActionClose, "")
			e.at(t, "2026-03-11 09:00")
			if _, err := e.db.Requests.Transition(ctx, f.Owner, f.A1, 1, request.ActionReopen, ""); tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("reopen without a reason: %v", err)
			}
			got = e.step(t, f.Owner, 1, request.ActionReopen, "The totals are still wrong.")
			if got.Resolution.Stopped || got.Resolution.Elapsed != 11*time.Hour || !got.Resolution.Due.Equal(sthlm(t, "2026-03-11 14:00")) {
				t.Fatalf("reopened: %+v", got.Resolution)
			}
			if len(e.facts(t, 1)) != 2 {
				t.Error("a reopening recorded facts")
			}
		})
	}
}

// The autumn daylight-saving change on Sunday 25 October 2026 falls between
// Friday 16:00 CEST and Monday 09:00 CET: the due instant is 08:00 UTC, not
// 07:00 UTC.
func TestRequestAcrossTheDaylightSavingChange(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newSLAEnv(t, dialect, "2026-10-23 16:00")
			r := e.open(t, e.f.Owner, "Password resets do not arrive")
			want := time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)
			if !r.Response.Due.Equal(want) {
				t.Fatalf("due %v, want %v", r.Response.Due.UTC(), want)
			}
			e.clock.Add(want.Sub(e.clock.Now()) - time.Minute)
			if got := e.get(t, e.f.Owner, 1); got.Response.Breached || got.Response.Remaining != time.Minute {
				t.Fatalf("a minute before: %+v", got.Response)
			}
			e.clock.Add(2 * time.Minute)
			if n, _ := e.db.Requests.SweepBreaches(ctx, e.clock.Now()); n != 1 {
				t.Fatalf("sweep: %d", n)
			}
			if b := e.facts(t, 1)["breach.response"]; !b.At.Equal(want) {
				t.Fatalf("breach at %v", b.At)
			}
		})
	}
}

// A holiday of the contract's calendar has no business hours.
func TestRequestOverAHoliday(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newSLAEnv(t, dialect, "2026-06-18 16:00") // the Thursday before Midsummer Eve
			r := e.open(t, e.f.Owner, "Orders stuck in the queue")
			if !r.Response.Due.Equal(sthlm(t, "2026-06-22 09:00")) {
				t.Fatalf("due %v", r.Response.Due.In(stockholm))
			}
			e.at(t, "2026-06-19 12:00")
			if n, _ := e.db.Requests.SweepBreaches(ctx, e.clock.Now()); n != 0 {
				t.Fatalf("breached on the holiday: %d", n)
			}
		})
	}
}

// A request keeps the terms it was opened under: an amendment that takes
// effect while it is open changes neither its targets nor its calendar;
// requests opened afterwards use the new terms.
func TestRequestKeepsItsTerms(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newSLAEnv(t, dialect, "2026-03-06 16:00")
			f := e.f
			e.open(t, f.Owner, "Under the first terms")
			v, err := e.db.Contracts.InForce(ctx, f.Owner, f.A1, date(t, "2026-03-06"))
			if err != nil {
				t.Fatal(err)
			}
			faster := v.Terms
			faster.Services = append([]contract.Service{}, v.Terms.Services...)
			faster.Services[0].SLA = &contract.SLA{ResponseMinutes: 30, ResolutionMinutes: 240}
			faster.Calendar.DayStart = "07:00"
			if _, err := e.db.Contracts.Propose(ctx, f.Owner, f.A1, date(t, "2026-03-07"), "Faster support from the weekend", faster); err != nil {
				t.Fatal(err)
			}
			if err := e.db.Contracts.Decide(ctx, f.VendorManager, f.A1, 1, true, ""); err != nil {
				t.Fatal(err)
			}
			e.at(t, "2026-03-09 07:00")
			r2 := e.open(t, f.Owner, "Under the amended terms")
			if r2.TermsVersion != 2 || r2.ResponseMinutes != 30 || !r2.Response.Due.Equal(sthlm(t, "2026-03-09 07:30")) {
				t.Fatalf("new request: %+v", r2)
			}
			old := e.get(t, f.Owner, 1)
			if old.TermsVersion != 1 || old.ResponseMinutes != 120 || !old.Response.Due.Equal(sthlm(t, "2026-03-09 09:00")) {
				t.Fatalf("the old request's clock moved: %+v", old)
			}
		})
	}
}

// Who may open, see and move requests.
func TestRequestAccess(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newSLAEnv(t, dialect, "2026-03-10 10:00")
			f := e.f
			e.open(t, f.Owner, "Visible to partner A only")
			bad := func(p tandem.Principal, r *request.Request, want tandem.Code) {
				t.Helper()
				if err := e.db.Requests.Create(ctx, p, r); tandem.ErrorCode(err) != want {
					t.Errorf("%s opened %+v: %v, want %s", p.Role, r, err, want)
				}
			}
			bad(f.Viewer, &request.Request{EngagementID: f.A1, ServiceKey: "support", Title: "x"}, tandem.EForbidden)
			bad(f.VendorManagerB, &request.Request{EngagementID: f.A1, ServiceKey: "support", Title: "x"}, tandem.ENotFound)
			bad(f.VendorAgent, &request.Request{EngagementID: f.A2, ServiceKey: "support", Title: "x"}, tandem.ENotFound)
			bad(f.Owner, &request.Request{EngagementID: f.A2, ServiceKey: "support", Title: "x"}, tandem.EConflict) // a draft
			bad(f.Owner, &request.Request{EngagementID: f.A1, ServiceKey: "advice", Title: "x"}, tandem.EInvalid)
			bad(f.Owner, &request.Request{EngagementID: f.A1, ServiceKey: "nope", Title: "", Priority: "whenever"}, tandem.EInvalid)
			err := e.db.Requests.Create(ctx, f.Owner, &request.Request{EngagementID: f.A1, ServiceKey: "advice", Title: ""})
			if fe := tandem.FieldErrors(err); len(fe) != 2 || fe[0].Field != "title" || fe[1].Key != "request.service_without_sla" {
				t.Errorf("field errors: %+v", fe)
			}

			if _, err := e.db.Requests.Get(ctx, f.VendorManagerB, f.A1, 1); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B read A's request: %v", err)
			}
			if _, err := e.db.Requests.Transition(ctx, f.VendorManagerB, f.A1, 1, request.ActionRespond, ""); tandem.ErrorCode(err) != tandem.ENotFound {
				t.Errorf("partner B moved A's request: %v", err)
			}
			if rs, total, err := e.db.Requests.List(ctx, f.VendorManagerB, tandem.Page{}, store.RequestFilter{}); err != nil || total != 0 || len(rs) != 0 {
				t.Errorf("partner B's list: %d %v", total, err)
			}
			if _, total, _ := e.db.Requests.List(ctx, f.VendorAgent, tandem.Page{}, store.RequestFilter{EngagementID: f.A1}); total != 1 {
				t.Errorf("agent's list: %d", total)
			}
			if _, err := e.db.Requests.Transition(ctx, f.Viewer, f.A1, 1, request.ActionClose, ""); tandem.ErrorCode(err) != tandem.EForbidden {
				t.Errorf("viewer moved a request: %v", err)
			}
			if _, err := e.db.Requests.Get(ctx, f.Viewer, f.A1, 1); err != nil {
				t.Errorf("viewer read: %v", err)
			}
			e.step(t, f.VendorAgent, 1, request.ActionRespond, "On it")
			if es, _, _ := e.db.Audit.List(ctx, f.Owner, store.AuditFilter{Action: "request."}, tandem.Page{}); len(es) != 2 {
				t.Errorf("feed entries: %d", len(es))
			}
		})
	}
}

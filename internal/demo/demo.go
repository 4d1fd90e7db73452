// Package demo loads a realistic demo workspace: Norrsken Möbler AB, a
// Swedish furniture maker that outsources outbound sales to a
// Stockholm/Tallinn telesales agency, its customer service desk to a
// Sundsvall contact centre, and finance leadership to a fractional CFO, and
// is looking at a web-shop developer. Every demo person signs in with the
// same password. The texts are data, not interface strings.
//
// The telesales agency (NordCall) works about 2,000 prospects of Norrsken's
// base with three agents, and the demo carries six months of that work,
// backdated through the store's clock (Clock; history.go says what
// happens and in what proportions). Everything else — deliverables,
// requests, reports, the selection — happens at the time of loading.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// WorkspaceName is the demo workspace's name.
const WorkspaceName = "Norrsken Möbler AB"

// Password is every demo person's password.
const Password = "tandem-demo-2026"

// OwnerEmail is the demo owner's (the CEO's) e-mail.
const OwnerEmail = "karin.lindqvist@norrsken.example"

// Login is one demo person's sign-in.
type Login struct {
	Email    string
	Password string
	Role     string // a tandem.Role
	Name     string
	Partner  string // the partner a vendor role works for; "" for client roles
}

// ErrExists is returned by Load when the demo workspace is already there.
var ErrExists = &tandem.Error{Code: tandem.EConflict, Key: i18n.K("cli.demo.exists"), Args: []any{"name", WorkspaceName}}

// Exists reports whether the demo workspace has been loaded: a workspace
// with its name, or its owner's account, is there.
func Exists(ctx context.Context, db *store.DB) (bool, error) {
	wss, err := db.Accounts.Workspaces(ctx)
	if err != nil {
		return false, err
	}
	for _, w := range wss {
		if w.Name == WorkspaceName {
			return true, nil
		}
	}
	_, err = db.Accounts.UserByEmail(ctx, OwnerEmail)
	if errors.Is(err, tandem.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

type person struct {
	email, name string
	role        tandem.Role
}

type partnerSpec struct {
	p           partner.Partner
	people      []person
	engagements []engagementSpec
}

type engagementSpec struct {
	e        engagement.Engagement
	starts   string
	ends     string
	agents   []string           // e-mails of the vendor agents assigned
	services []contract.Service // added to the template's services (the client names the acceptor)
}

var client = []person{
	{OwnerEmail, "Karin Lindqvist", tandem.RoleOwner},
	{"johan.bergstrom@norrsken.example", "Johan Bergström", tandem.RoleManager},
	{"ingrid.sjoberg@norrsken.example", "Ingrid Sjöberg", tandem.RoleViewer},
}

var partners = []partnerSpec{
	{
		p: partner.Partner{LegalName: "NordCall Baltic OÜ", RegNumber: "14839201", Country: "EE",
			Website: "https://nordcall.example", ContactName: "Kadri Tamm", ContactEmail: "kadri.tamm@nordcall.example",
			ContactPhone: "+372 5555 0142", Status: partner.StatusActive},
		people: []person{
			{"kadri.tamm@nordcall.example", "Kadri Tamm", tandem.RoleVendorManager},
			{"aleksei.smirnov@nordcall.example", "Aleksei Smirnov", tandem.RoleVendorAgent},
			{"liis.kask@nordcall.example", "Liis Kask", tandem.RoleVendorAgent},
			{triin, "Triin Mets", tandem.RoleVendorAgent},
		},
		engagements: []engagementSpec{
			{
				e: engagement.Engagement{Title: "Outbound sales to hotels and offices", Kind: engagement.KindSales,
					Status: engagement.StatusActive,
					Description: "Telesales of contract furniture (lobby seating, meeting-room tables, acoustic panels) " +
						"to hotel chains and office managers in Stockholm, Göteborg and Malmö. The agency books " +
						"meetings for Norrsken's key-account managers and is paid a fixed monthly fee of SEK 45 000 plus " +
						"SEK 1 500 per qualified lead Norrsken accepts and 5 % of the revenue of the deals won."},
				starts: "2026-02-01",
				agents: salesAgents,
				services: []contract.Service{{
					Key:  "pipeline-summary",
					Name: "Veckovis pipelinesammanställning",
					Description: "Varje fredag: veckans samtal, bokade och genomförda möten, överlämnade kvalificerade leads " +
						"och den öppna pipelinen per key account manager och segment, med nästa veckas samtalsplan.",
					Deadline: contract.DeadlineRule{Kind: "business_days", N: 5},
					AcceptanceCriteria: "Siffrorna stämmer med samtalsloggen i Tandem och varje öppet lead har en ansvarig " +
						"och ett daterat nästa steg.",
				}},
			},
			{
				e: engagement.Engagement{Title: "Follow-up calls after Stockholm Furniture Fair 2025", Kind: engagement.KindSales,
					Status: engagement.StatusEnded,
					Description: "Three-month campaign calling the 640 visitors who left their cards at the fair stand. " +
						"Ended as planned; 38 meetings booked, 11 orders."},
				starts: "2025-02-17", ends: "2025-05-16",
				agents: []string{"liis.kask@nordcall.example"},
			},
		},
	},
	{
		p: partner.Partner{LegalName: "Kundservice Norrland AB", RegNumber: "556912-4471", Country: "SE",
			Website: "https://kundservice-norrland.example", ContactName: "Emma Nyström",
			ContactEmail: "emma.nystrom@ksnorrland.example", ContactPhone: "+46 60 555 01 20", Status: partner.StatusActive},
		people: []person{
			{"emma.nystrom@ksnorrland.example", "Emma Nyström", tandem.RoleVendorManager},
			{"oskar.holm@ksnorrland.example", "Oskar Holm", tandem.RoleVendorAgent},
		},
		engagements: []engagementSpec{
			{
				e: engagement.Engagement{Title: "Customer service desk — orders, deliveries and warranty claims",
					Kind: engagement.KindSupport, Status: engagement.StatusActive,
					Description: "Phone, e-mail and chat support in Swedish and English on weekdays 08–18: order status, " +
						"delivery booking with the carriers, assembly questions and warranty claims up to SEK 5 000. " +
						"Larger claims go to Norrsken's quality team within one working day. The desk is paid a monthly " +
						"fee of SEK 45 000 plus SEK 50 per resolved ticket."},
				starts: "2025-09-01",
				agents: []string{"oskar.holm@ksnorrland.example"},
			},
		},
	},
	{
		p: partner.Partner{LegalName: "Ekholm CFO-tjänster AB", RegNumber: "559204-8830", Country: "SE",
			Website: "https://ekholmcfo.example", ContactName: "Anders Ekholm", ContactEmail: "anders.ekholm@ekholmcfo.example",
			ContactPhone: "+46 70 555 48 12", Status: partner.StatusActive},
		people: []person{
			{"anders.ekholm@ekholmcfo.example", "Anders Ekholm", tandem.RoleVendorManager},
			{"sofia.lund@ekholmcfo.example", "Sofia Lund", tandem.RoleVendorAgent},
		},
		engagements: []engagementSpec{
			{
				e: engagement.Engagement{Title: "Fractional CFO — weekly consultation", Kind: engagement.KindExecutive,
					Status: engagement.StatusPilot,
					Description: "Three-month pilot: a two-hour consultation every Tuesday with the CEO and the " +
						"bookkeeper, a rolling 13-week cash-flow forecast, pricing review of the contract range " +
						"and preparation of the bank covenant report. The tools are put in place by Norrsken's own " +
						"finance assistant so the knowledge stays in-house. Ekholm is paid SEK 17 500 per consultation held."},
				starts: "2026-10-05", ends: "2027-01-08",
				agents: []string{"sofia.lund@ekholmcfo.example"},
				services: []contract.Service{
					{
						Key:  "monthly-close",
						Name: "Granskning av månadsbokslut",
						Description: "Granska bokförarens månadsbokslut: periodiseringar, lagervärdering av råvirke " +
							"och färdiga varor samt ledningsrapporten till styrelsen.",
						Deadline: contract.DeadlineRule{Kind: "day_of_month", N: 12},
						AcceptanceCriteria: "Ledningsrapporten stämmer med huvudboken, avvikelserna mot budget " +
							"är förklarade och vd:n har inga öppna frågor.",
					},
					{
						Key:  "cash-flow-forecast",
						Name: "Likviditetsprognos för 13 veckor",
						Description: "En rullande likviditetsprognos för 13 veckor byggd på orderboken, leverantörsvillkoren och " +
							"moms- och lönekalendern, i det kalkylark som Norrskens ekonomiassistent sköter.",
						Deadline: contract.DeadlineRule{Kind: "business_days", N: 10},
						AcceptanceCriteria: "Ingående kassa stämmer med banken, varje veckas in- och utbetalningar går att " +
							"spåra till sin källa och marginalen mot lånevillkoren visas.",
					},
				},
			},
		},
	},
	{
		p: partner.Partner{LegalName: "Pixelhamn Digital AB", RegNumber: "559377-1025", Country: "SE",
			Website: "https://pixelhamn.example", ContactName: "Viktor Åberg", ContactEmail: "viktor@pixelhamn.example",
			ContactPhone: "+46 31 555 77 30", Status: partner.StatusCandidate},
	},
}

// Load creates the demo workspace with its people, partners and engagements
// and returns every demo person's sign-in, client people first. It returns
// ErrExists when the demo is already loaded, and writes nothing then.
//
// clk must be the clock db was opened with (store.Options.Now: clk.Now):
// Load sets it to each event of the backdated sales history (history.go)
// as it writes it, and leaves it reading its base time. With a nil clock
// the base is loaded without that history (it can only be written in the
// past through the store's clock).
func Load(ctx context.Context, db *store.DB, clk *Clock) (_ []Login, err error) {
	defer func() {
		if err != nil && err != ErrExists {
			if _, ok := tandem.AsError(err); !ok {
				err = fmt.Errorf("demo: %w", err)
			}
		}
	}()
	if clk != nil {
		defer clk.Reset()
	}
	if ok, err := Exists(ctx, db); err != nil {
		return nil, err
	} else if ok {
		return nil, ErrExists
	}
	var logins []Login
	ids := &loaded{users: map[string]int64{}, memberships: map[string]int64{}, partners: map[string]int64{}, engagements: map[string]int64{}}
	newUser := func(p person, partnerName string) (int64, error) {
		u := &account.User{Email: p.email, Name: p.name}
		if err := db.Accounts.CreateUser(ctx, u, Password); err != nil {
			return 0, err
		}
		ids.users[p.email] = u.ID
		logins = append(logins, Login{Email: u.Email, Password: Password, Role: string(p.role), Name: p.name, Partner: partnerName})
		return u.ID, nil
	}

	ownerID, err := newUser(client[0], "")
	if err != nil {
		return nil, err
	}
	ws := &account.Workspace{Name: WorkspaceName, Currency: "SEK", Lang: i18n.SV, TimeZone: "Europe/Stockholm"}
	if err := db.Accounts.CreateWorkspace(ctx, ws, ownerID); err != nil {
		return nil, err
	}
	sys := store.System(ws.ID, "demo")
	for _, p := range client[1:] {
		id, err := newUser(p, "")
		if err != nil {
			return nil, err
		}
		if _, err := db.Accounts.AddMember(ctx, sys, id, p.role, 0); err != nil {
			return nil, err
		}
	}

	for _, spec := range partners {
		pa := spec.p
		if err := db.Partners.Create(ctx, sys, &pa); err != nil {
			return nil, err
		}
		ids.partners[pa.LegalName] = pa.ID
		memberships := map[string]int64{}
		for _, p := range spec.people {
			id, err := newUser(p, pa.LegalName)
			if err != nil {
				return nil, err
			}
			mid, err := db.Accounts.AddMember(ctx, sys, id, p.role, pa.ID)
			if err != nil {
				return nil, err
			}
			memberships[p.email] = mid
			ids.memberships[p.email] = mid
			// Every partner person signed the NDA before getting access.
			if err := db.Contracts.RecordNDA(ctx, sys, mid, ndaSigned, "NDA "+pa.LegalName+" – "+p.name+".pdf"); err != nil {
				return nil, err
			}
		}
		for _, es := range spec.engagements {
			e := es.e
			e.PartnerID = pa.ID
			if e.StartsOn, err = tandem.ParseDate(es.starts); err != nil {
				return nil, err
			}
			if e.EndsOn, err = tandem.ParseDate(es.ends); err != nil {
				return nil, err
			}
			target := e.Status
			e.Status = engagement.StatusDraft
			if err := db.Engagements.Create(ctx, sys, &e); err != nil {
				return nil, err
			}
			for _, email := range es.agents {
				if err := db.Engagements.Assign(ctx, sys, e.ID, memberships[email]); err != nil {
					return nil, err
				}
			}
			if err := goLive(ctx, db, sys, &e, target, es.services); err != nil {
				return nil, err
			}
			ids.engagements[e.Title] = e.ID
		}
	}
	ids.workspace = ws.ID
	// The base was bought when the history starts; the history is written
	// oldest first, then today's activity.
	var start time.Time
	if clk != nil {
		start = historyStart(clk.Base(), ws.Location())
		clk.Set(start.Add(8 * time.Hour))
	}
	rows, byAgent, err := addSalesBase(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	if clk != nil {
		if err := addHistory(ctx, db, clk, ids, start, rows, byAgent); err != nil {
			return nil, err
		}
		if err := addPast(ctx, db, clk, ids); err != nil {
			return nil, err
		}
	}
	if err := invoices(ctx, db, clk, ids); err != nil {
		return nil, err
	}
	if err := addMeetings(ctx, db, clk, ids); err != nil {
		return nil, err
	}
	if err := addActivity(ctx, db, clk, ids); err != nil {
		return nil, err
	}
	if err := addGovernance(ctx, db, clk, ids); err != nil {
		return nil, err
	}
	if err := addReveals(ctx, db, ids, rows, byAgent); err != nil {
		return nil, err
	}
	if clk != nil {
		// People who use Tandem every day have read what is older than a
		// week; the bell shows the last week's notifications.
		weekAgo := clk.Base().AddDate(0, 0, -7)
		for _, id := range ids.users {
			if err := db.Notifications.MarkReadBefore(ctx, tandem.Principal{WorkspaceID: ws.ID, UserID: id}, weekAgo); err != nil {
				return nil, err
			}
		}
	}
	// Statistics for PostgreSQL's planner now, not whenever autovacuum
	// gets to it (if it runs at all): without them it guessed one account
	// per agent and read the agent's pipeline board in 40 ms instead of 14.
	if err := db.AfterBulkLoad(ctx); err != nil {
		return nil, err
	}
	return logins, nil
}

// ndaSigned is when the demo partners' people signed their NDAs.
var ndaSigned, _ = tandem.ParseDate("2025-11-20")

// goLive completes a demo engagement's terms from its template (the client
// names who accepts each service; a pilot says when it ends and what is
// judged), then activates it through the contract check, acknowledging the
// warnings, and ends it when the demo wants it ended. The extra services are
// added to the template's.
func goLive(ctx context.Context, db *store.DB, sys tandem.Principal, e *engagement.Engagement, target engagement.Status, extra []contract.Service) error {
	if target == engagement.StatusDraft {
		return nil
	}
	v, err := db.Contracts.InForce(ctx, sys, e.ID, e.StartsOn)
	if err != nil {
		return err
	}
	t := v.Terms
	t.Services = append(t.Services, extra...)
	if e.Kind == engagement.KindSales && target == engagement.StatusActive {
		pulseTerms(&t)
	}
	for i := range t.Services {
		t.Services[i].Acceptor = "Johan Bergström"
	}
	if target == engagement.StatusPilot {
		t.Shape.Pilot = true
		t.Shape.PilotEnds = e.StartsOn.Time().AddDate(0, 3, 0).Format("2006-01-02")
		t.Shape.PilotCriteria = "Månadsbokslut i tid, en likviditetsprognos som styrelsen litar på och genomförda veckokonsultationer."
	}
	if err := db.Contracts.SaveDraft(ctx, sys, e.ID, t); err != nil {
		return err
	}
	res, err := db.Contracts.Check(ctx, sys, e.ID)
	if err != nil {
		return err
	}
	var ack []string
	for _, f := range res.Unacknowledged() {
		ack = append(ack, f.ID())
	}
	if _, err := db.Contracts.Activate(ctx, sys, e.ID, ack); err != nil {
		return err
	}
	if target == engagement.StatusEnded {
		got, err := db.Engagements.Get(ctx, sys, e.ID)
		if err != nil {
			return err
		}
		got.Status = engagement.StatusEnded
		return db.Engagements.Update(ctx, sys, got)
	}
	return nil
}

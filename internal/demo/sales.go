package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
)

// The sales base of the demo: about two thousand Nordic and Baltic hotels,
// offices and furniture retailers, generated from a fixed seed so that
// every load is the same. The hotels and offices are assigned to
// NordCall's outbound engagement, most of them to one of its three agents;
// the retailers stay Norrsken's alone. Aleksei and Liis have revealed a
// few numbers today (and the agents some more in the history, history.go).

// baseSize is how many accounts the demo base holds.
const baseSize = 2000

type salesCountry struct {
	code       string
	cities     []string
	first      []string
	last       []string
	regNumber  func(r *rand.Rand) string
	phone      func(r *rand.Rand, i int) string
	areas      []string // districts that tell two hotels or offices of a city apart
	hotelNames []string // patterns with %s for the city or a family name
	officeName []string
	shopName   []string // patterns with %s for a surname
}

var salesCountries = []salesCountry{
	{code: "SE", areas: []string{"Centrum", "Hamnen", "Söder", "Norr", "Station", "Väster"},
		cities: []string{"Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro", "Linköping", "Helsingborg", "Jönköping", "Umeå", "Luleå", "Växjö"},
		first:  []string{"Karin", "Anna", "Erik", "Lars", "Maria", "Johan", "Sofia", "Anders", "Emma", "Per", "Elin", "Mikael"},
		last:   []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Lindberg", "Holm"},
		regNumber: func(r *rand.Rand) string {
			return fmt.Sprintf("556%03d-%04d", r.IntN(1000), r.IntN(10000))
		},
		// PTS keeps 070-174 06 05 to 070-174 06 99 for fiction.
		phone:      func(r *rand.Rand, i int) string { return fmt.Sprintf("070-174 06 %02d", 5+i%95) },
		hotelNames: []string{"Hotell %s City", "Stadshotellet i %s", "%s Konferenshotell", "Best Stay %s", "Hotell Kungsporten %s"},
		officeName: []string{"%s Kontorshotell", "Kontorsgruppen %s AB", "%s Business Center", "Advokatbyrån %s Norr"},
		shopName:   []string{"%ss Möbler AB", "Inredningshuset %s", "%s Hem & Kontor"}},
	{code: "NO", areas: []string{"Sentrum", "Havn", "Vest", "Øst", "Stasjon"},
		cities: []string{"Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Drammen"},
		first:  []string{"Ola", "Kari", "Ingrid", "Knut", "Silje", "Håkon", "Marit", "Sindre"},
		last:   []string{"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Berg"},
		regNumber: func(r *rand.Rand) string {
			return fmt.Sprintf("9%02d %03d %03d", r.IntN(100), r.IntN(1000), r.IntN(1000))
		},
		phone: func(r *rand.Rand, _ int) string {
			return fmt.Sprintf("4%02d %02d %03d", r.IntN(100), r.IntN(100), r.IntN(1000))
		},
		hotelNames: []string{"%s Fjordhotell", "Hotel Bryggen %s", "%s Sentrum Hotell"},
		officeName: []string{"%s Kontorfellesskap", "Næringsbygg %s AS"},
		shopName:   []string{"%s Møbler AS", "Interiørhuset %s"}},
	{code: "DK", areas: []string{"Centrum", "Havn", "Nord", "Syd", "Station"},
		cities: []string{"København", "Aarhus", "Odense", "Aalborg", "Esbjerg"},
		first:  []string{"Mette", "Søren", "Lone", "Jens", "Camilla", "Mads", "Pia", "Rasmus"},
		last:   []string{"Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen"},
		regNumber: func(r *rand.Rand) string {
			return fmt.Sprintf("%08d", 10000000+r.IntN(89999999))
		},
		phone: func(r *rand.Rand, _ int) string {
			return fmt.Sprintf("%02d %02d %02d %02d", 20+r.IntN(10), r.IntN(100), r.IntN(100), r.IntN(100))
		},
		hotelNames: []string{"Hotel %s Havn", "%s Byhotel"},
		officeName: []string{"%s Kontorfællesskab", "Erhvervshuset %s"},
		shopName:   []string{"%s Møbelhus", "Bolig & Kontor %s"}},
	{code: "FI", areas: []string{"Keskusta", "Satama", "Pohjoinen", "Asema"},
		cities: []string{"Helsinki", "Espoo", "Tampere", "Turku", "Oulu"},
		first:  []string{"Anne", "Mikko", "Tiina", "Juha", "Sanna", "Antti", "Päivi", "Ville"},
		last:   []string{"Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen"},
		regNumber: func(r *rand.Rand) string {
			return fmt.Sprintf("%07d-%d", 1000000+r.IntN(8999999), r.IntN(10))
		},
		phone: func(r *rand.Rand, _ int) string {
			return fmt.Sprintf("04%d %03d %04d", r.IntN(10), r.IntN(1000), r.IntN(10000))
		},
		hotelNames: []string{"Hotelli %s Keskusta", "%s Kongressihotelli"},
		officeName: []string{"%s Business Park", "Toimistotalo %s"},
		shopName:   []string{"%s Huonekalu Oy", "Sisustustalo %s"}},
	{code: "EE", areas: []string{"Kesklinn", "Sadam", "Vanalinn", "Jaam"},
		cities: []string{"Tallinn", "Tartu", "Pärnu", "Narva"},
		first:  []string{"Kadri", "Mart", "Liis", "Andres", "Triin", "Rein"},
		last:   []string{"Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk"},
		regNumber: func(r *rand.Rand) string {
			return fmt.Sprintf("1%07d", r.IntN(10000000))
		},
		phone:      func(r *rand.Rand, _ int) string { return fmt.Sprintf("5%03d %04d", r.IntN(1000), r.IntN(10000)) },
		hotelNames: []string{"%s Old Town Hotel", "Hotell %s Keskus"},
		officeName: []string{"%s Ärimaja", "%s Office Park"},
		shopName:   []string{"%s Mööbel OÜ"}},
	{code: "LV", areas: []string{"Centrs", "Osta", "Vecrīga", "Stacija"},
		cities: []string{"Rīga", "Jūrmala", "Liepāja"},
		first:  []string{"Anna", "Jānis", "Ilze", "Andris", "Līga"},
		last:   []string{"Bērziņš", "Kalniņš", "Ozola", "Liepa", "Krūmiņš"},
		regNumber: func(r *rand.Rand) string {
			return fmt.Sprintf("4000%07d", r.IntN(10000000))
		},
		phone:      func(r *rand.Rand, _ int) string { return fmt.Sprintf("2%03d %04d", r.IntN(1000), r.IntN(10000)) },
		hotelNames: []string{"%s Centra Viesnīca", "Hotel %s Park"},
		officeName: []string{"%s Biroju Centrs"},
		shopName:   []string{"%s Mēbeles SIA"}},
	{code: "LT", areas: []string{"Centras", "Senamiestis", "Uostas", "Stotis"},
		cities: []string{"Vilnius", "Kaunas", "Klaipėda"},
		first:  []string{"Rasa", "Tomas", "Jurgita", "Mindaugas", "Ieva"},
		last:   []string{"Kazlauskas", "Petrauskas", "Jankauskienė", "Stankevičius", "Vasiliauskas"},
		regNumber: func(r *rand.Rand) string {
			return fmt.Sprintf("30%07d", r.IntN(10000000))
		},
		phone:      func(r *rand.Rand, _ int) string { return fmt.Sprintf("8 6%02d %05d", r.IntN(100), r.IntN(100000)) },
		hotelNames: []string{"%s Senamiesčio Viešbutis", "Hotel %s Centras"},
		officeName: []string{"%s Verslo Centras"},
		shopName:   []string{"%s Baldai UAB"}},
}

// slug is a name made into a domain label: ASCII letters and digits.
func slug(s string) string {
	var b strings.Builder
	for _, r := range sales.Fold(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'ø':
			b.WriteByte('o')
		case r == 'æ':
			b.WriteString("ae")
		}
	}
	return b.String()
}

type salesKind int

const (
	kindHotel salesKind = iota
	kindOffice
	kindShop
)

// salesBase generates the demo base; the i-th row is always the same.
func salesBase() []store.NewAccount {
	r := rand.New(rand.NewPCG(2026, 12))
	positions := map[salesKind][]string{
		kindHotel:  {"General manager", "Purchasing manager", "Conference sales manager", "Owner"},
		kindOffice: {"Office manager", "Facilities manager", "CEO", "Procurement lead"},
		kindShop:   {"Store manager", "Owner", "Category buyer"},
	}
	industries := map[salesKind]string{kindHotel: "Hotels", kindOffice: "Offices and business centres", kindShop: "Furniture retail"}
	tags := map[salesKind]string{kindHotel: "hotel", kindOffice: "office", kindShop: "retail"}
	sources := []string{"Hotel association register", "Stockholm Furniture Fair 2025", "Referral", "LinkedIn campaign", "Website enquiry"}
	sizes := []sales.Size{sales.SizeMicro, sales.SizeSmall, sales.SizeSmall, sales.SizeMedium, sales.SizeLarge}
	out := make([]store.NewAccount, 0, baseSize)
	seen := map[string]bool{}
	for i := 0; len(out) < baseSize; i++ {
		if i > 20*baseSize {
			panic("demo: too few distinct account names for the base")
		}
		c := salesCountries[0]
		if k := r.IntN(10); k >= 5 { // half Swedish, the rest spread over the others
			c = salesCountries[1+k%(len(salesCountries)-1)]
		}
		kind := salesKind(r.IntN(3))
		city := c.cities[r.IntN(len(c.cities))]
		var name string
		// Hotels and offices are named after their city or a family,
		// some with the district they are in.
		place := city
		if r.IntN(5) < 2 {
			place = c.last[r.IntN(len(c.last))]
		}
		switch kind {
		case kindHotel:
			name = fmt.Sprintf(c.hotelNames[r.IntN(len(c.hotelNames))], place)
		case kindOffice:
			name = fmt.Sprintf(c.officeName[r.IntN(len(c.officeName))], place)
		default:
			name = fmt.Sprintf(c.shopName[r.IntN(len(c.shopName))], c.last[r.IntN(len(c.last))])
			if r.IntN(2) == 0 {
				name += " " + city
			}
		}
		if kind != kindShop && r.IntN(2) == 0 {
			name += " " + c.areas[r.IntN(len(c.areas))]
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		domain := slug(name) + ".example"
		status := sales.StatusProspect
		switch r.IntN(10) {
		case 0:
			status = sales.StatusCustomer
		case 1:
			status = sales.StatusFormer
		}
		a := sales.Account{Name: name, RegNumber: c.regNumber(r), Country: c.code, City: city, Website: "https://www." + domain,
			Industry: industries[kind], Size: sizes[r.IntN(len(sizes))], Status: status, Source: sources[r.IntN(len(sources))],
			Tags: []string{tags[kind]}}
		if kind == kindHotel && r.IntN(3) == 0 {
			a.Tags = append(a.Tags, "chain")
		}
		row := store.NewAccount{Account: a}
		for j := 0; j <= r.IntN(2); j++ {
			first, last := c.first[r.IntN(len(c.first))], c.last[r.IntN(len(c.last))]
			pos := positions[kind][r.IntN(len(positions[kind]))]
			ct := sales.Contact{Name: first + " " + last, Position: pos,
				DecisionMaker: pos == "Owner" || pos == "CEO" || pos == "General manager",
				Phones:        []sales.Detail{{Typed: c.phone(r, len(out)*2+j)}},
				Emails:        []sales.Detail{{Typed: slug(first) + "." + slug(last) + "@" + domain}}}
			if r.IntN(4) == 0 {
				ct.Notes = "Prefers calls before 10."
			}
			row.Contacts = append(row.Contacts, ct)
		}
		out = append(out, row)
	}
	return out
}

// addSalesBase loads the base, assigns the hotels and offices to NordCall's
// outbound engagement (every tenth to the team without an agent, the rest
// to Aleksei, Liis and Triin in turn) and returns the rows and each agent's
// accounts.
func addSalesBase(ctx context.Context, db *store.DB, ids *loaded) ([]store.NewAccount, map[string][]int64, error) {
	sys := store.System(ids.workspace, "demo")
	rows := salesBase()
	if err := db.Sales().CreateAccounts(ctx, sys, rows); err != nil {
		return nil, nil, err
	}
	eng := ids.engagements[salesTitle]
	agents := salesAgents
	byAgent := map[string][]int64{}
	var team []int64
	n, turn := 0, 0
	for _, row := range rows {
		if row.Account.Industry == "Furniture retail" {
			continue
		}
		if n%10 == 9 {
			team = append(team, row.Account.ID)
		} else {
			byAgent[agents[turn%len(agents)]] = append(byAgent[agents[turn%len(agents)]], row.Account.ID)
			turn++
		}
		n++
	}
	for _, email := range agents {
		if _, err := db.Sales().Assign(ctx, sys, store.AccountFilter{IDs: byAgent[email]},
			store.Assignment{EngagementID: eng, AgentID: ids.memberships[email]}); err != nil {
			return nil, nil, err
		}
	}
	if _, err := db.Sales().Assign(ctx, sys, store.AccountFilter{IDs: team}, store.Assignment{EngagementID: eng}); err != nil {
		return nil, nil, err
	}
	return rows, byAgent, nil
}

// addReveals records, today, a few reveals of Aleksei and Liis.
func addReveals(ctx context.Context, db *store.DB, ids *loaded, rows []store.NewAccount, byAgent map[string][]int64) error {
	reasons := map[string][]string{
		aleksi: {"Calling back as agreed: she asked for Thursday after lunch", "Sending the lobby seating offer", "Booking the meeting with the GM"},
		liis:   {"The switchboard transferred me; need the direct line for the follow-up"},
	}
	for email, why := range reasons {
		p, err := db.Accounts.Principal(ctx, ids.users[email], ids.workspace)
		if err != nil {
			return err
		}
		for i, reason := range why {
			row := findRow(rows, byAgent[email][i*3])
			c := row.Contacts[0]
			d := c.Phones[0]
			if i == 1 {
				d = c.Emails[0]
			}
			if _, err := db.Sales().Reveal(ctx, p, c.ID, d.ID, reason); err != nil {
				return fmt.Errorf("demo reveal: %w", err)
			}
		}
	}
	return nil
}

func findRow(rows []store.NewAccount, accountID int64) store.NewAccount {
	for _, r := range rows {
		if r.Account.ID == accountID {
			return r
		}
	}
	return store.NewAccount{}
}

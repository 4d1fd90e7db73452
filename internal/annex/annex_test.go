package annex

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/pdfdoc"
)

const nbsp = "\u00a0"

var catalog = i18n.MustLoad()

// richTerms is a full contract of a Swedish company with an outsourced
// sales team, with Swedish and Russian free texts.
func richTerms() contract.Terms {
	return contract.Terms{
		Shape: contract.Shape{
			Model: "functional", Coverage: "partial",
			Pilot: true, PilotEnds: "2026-05-31", PilotCriteria: "Minst 40 kvalificerade leads per månad",
			Format: "remote", TermMonths: 12, NoticeDays: 30, Renewal: "automatic",
		},
		Services: []contract.Service{
			{
				Key: "qualified-leads", Name: "Квалифицированный лид",
				Description:        "Поиск и квалификация лидов по согласованному профилю клиента: звонки, письма и встречи. Жёсткие требования к данным: каждый лид заносится в CRM в течение рабочего дня.",
				Deadline:           contract.DeadlineRule{Kind: "business_days", N: 3},
				AcceptanceCriteria: "Лид соответствует профилю и подтверждён звонком",
				Acceptor:           "Försäljningschef Åsa Öberg",
				SLA:                &contract.SLA{ResponseMinutes: 60, ResolutionMinutes: 480, OnTimeBP: 9500},
			},
			{
				Key: "monthly-report", Name: "Månadsrapport",
				Description: "Rapport över säljaktiviteter och resultat för månaden.",
				Deadline:    contract.DeadlineRule{Kind: "day_of_month", N: 5},
				Acceptor:    "Ledningsgruppen",
			},
		},
		Calendar: contract.Calendar{
			TimeZone: "Europe/Stockholm", WorkDays: []int{1, 2, 3, 4, 5},
			DayStart: "08:00", DayEnd: "17:00",
			Holidays:    []string{"2026-06-19", "2026-12-24"},
			PauseStates: []string{"waiting_for_client"},
		},
		Goals: []contract.Goal{
			{Key: "pipeline", Title: "Fler affärsmöjligheter", Description: "Öka pipelinen i Norden"},
		},
		KPIs: []contract.KPI{
			{Key: "leads", GoalKey: "pipeline", Metric: "qualified_leads", Name: "Квалифицированные лиды",
				Target: 40, Threshold: 20, Scale: 0, Direction: "higher", Weight: 3, Period: "month"},
			{Key: "fta", GoalKey: "pipeline", Metric: "first_time_acceptance", Name: "Godkänt första gången",
				Target: 8500, Threshold: 6000, Scale: 2, Direction: "higher", Weight: 1, Period: "quarter"},
		},
		Price: contract.Price{
			Currency: "SEK",
			Components: []contract.PriceComponent{
				{Kind: "fixed", Description: "Månadsavgift för försäljning", AmountMinor: 4500000},
				{Kind: "per_result", Description: "Ersättning per kvalificerat lead", AmountMinor: 75000, Unit: "qualified_lead", Service: "monthly-report"},
				{Kind: "revenue_share", Description: "Andel av intäkter från nya kunder", ShareBP: 250},
			},
			CapMinor: 12000000, Period: "month", PrepaymentBP: 2500, Instalments: 1,
			DaysToPay: 30, WithholdAllowed: true,
			Changes: []contract.PriceChange{{Date: "2026-09-01", Justification: "Indexering enligt KPI"}},
		},
		Notices: []contract.NoticeDuty{
			{Category: "deadline_at_risk", WithinHours: 24, PenaltyMinor: 500000},
			{Category: "missing_information", WithinHours: 8},
		},
		Penalties: contract.Penalties{
			SLACreditBP: 200, SLACreditCapBP: 1000,
			BonusMalus: []contract.BonusMalus{{MinScore: 90, AdjustBP: 500}, {MinScore: 0, AdjustBP: -500}},
		},
		Confidentiality: contract.Confidentiality{Clause: true, YearsAfter: 3, Liability: "Skadestånd upp till 500 000 kr per läcka"},
		Termination: contract.Termination{
			Clause: true, DataFormat: "CRM-export i CSV och alla samtalsinspelningar", DeadlineDays: 14,
			RecordsAccessIncluded: true, ConsultationHours: 10,
		},
		Governance: contract.Governance{
			Committee: []contract.CommitteeMember{
				{Name: "Åsa Öberg", Side: "client", Role: "Försäljningschef"},
				{Name: "Дмитрий Щукин", Side: "partner", Role: "Руководитель проекта"},
			},
			Powers:       "Утверждает изменения объёма работ и щедрые бонусы; решает споры",
			Cadence:      []contract.Meeting{{Kind: "weekly_checkin", EveryDays: 7}, {Kind: "steering_committee", EveryDays: 90}},
			HandoverRule: "Två veckors överlämning med dokumentation",
		},
	}
}

func input(lang i18n.Lang) Input {
	return Input{
		WorkspaceName:   "Nordvik Elektronik AB",
		PartnerName:     "Балтийские продажи ООО",
		EngagementTitle: "Utgående försäljning Norden",
		EngagementKind:  "sales",
		Version:         2,
		EffectiveFrom:   "2026-03-01",
		GeneratedAt:     time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
		Terms:           richTerms(),
		Localizer:       catalog.For(lang, time.UTC),
	}
}

// value returns the value of the first row labelled label in sections, or
// fails.
func value(t *testing.T, secs []Section, label string) string {
	t.Helper()
	for _, s := range secs {
		for _, r := range s.Rows {
			if r.Label == label {
				return r.Value
			}
		}
	}
	t.Fatalf("no row %q", label)
	return ""
}

func find(t *testing.T, secs []Section, title string) Section {
	t.Helper()
	for _, s := range secs {
		if s.Title == title {
			return s
		}
	}
	t.Fatalf("no section %q", title)
	return Section{}
}

func TestSectionOrder(t *testing.T) {
	t.Parallel()
	var got []string
	for _, s := range Sections(input(i18n.EN)) {
		got = append(got, s.Title)
	}
	want := []string{
		"Shape of the outsourcing", "Services", "Business calendar", "Goals and KPIs",
		"Price and payment", "Notification duties", "Penalties and credits",
		"Confidentiality", "Termination and handover", "Governance",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sections:\n got %q\nwant %q", got, want)
	}
}

func TestSectionsSwedish(t *testing.T) {
	t.Parallel()
	in := input(i18n.SV)
	secs := Sections(in)
	head := Header(in)

	if head.Title != "Bilaga till avtalet" {
		t.Errorf("title = %q", head.Title)
	}
	checks := []struct{ label, want string }{
		{"Gäller från", "1 mars 2026"},
		{"Villkorsversion", "2"},
		{"Uppdrag", "Utgående försäljning Norden"},
		{"Typ av uppdrag", "Försäljning"},
	}
	for _, c := range checks {
		if got := value(t, []Section{head}, c.label); got != c.want {
			t.Errorf("header %s = %q, want %q", c.label, got, c.want)
		}
	}

	for _, c := range []struct{ label, want string }{
		{"Avtalstid", "12 månader"},
		{"Uppsägningstid", "30 dagar"},
		{"Piloten slutar", "31 maj 2026"},
		{"Arbetsdagar", "måndag, tisdag, onsdag, torsdag, fredag"},
		{"Arbetstid", "08:00–17:00"},
		{"Helgdagar", "19 juni 2026, 24 dec. 2026"},
		{"Klockan pausas vid", "väntan på beställaren"},
		{"Tidszon", "Europe/Stockholm"},
		{"Mål 1", "Fler affärsmöjligheter: Öka pipelinen i Norden"},
		{"Valuta", "SEK"},
		{"Tak per period", "120" + nbsp + "000,00" + nbsp + "kr"},
		{"Golv per period", "Ej angivet"},
		{"Förskottsbetalning", "25,00" + nbsp + "%"},
		{"Delbetalningar", "Betalas på en gång"},
		{"Betalningsvillkor", "30 dagar"},
		{"Beställaren får hålla inne betalning för arbete som inte utförts fullt ut", "Ja"},
		{"Prisändring 1 sep. 2026", "Indexering enligt KPI"},
		{"Avdrag per SLA-brott", "2,00" + nbsp + "% av periodens arvode"},
		{"Högsta avdrag per period", "10,00" + nbsp + "% av periodens arvode"},
		{"Sekretesstid", "Uppdraget plus 3 år"},
		{"Tidsfrist för överlämning", "14 dagar"},
		{"Åtkomst till registersystemet är avgiftsbelagd", "Nej"},
		{"Konsultationer efter uppsägning", "10 timmar"},
	} {
		if got := value(t, secs, c.label); got != c.want {
			t.Errorf("%s = %q, want %q", c.label, got, c.want)
		}
	}

	// Services: a subheading per service, then its details.
	svc := find(t, secs, "Tjänster")
	if r := svc.Rows[0]; r.Label != "1. Квалифицированный лид" || r.Value != "" {
		t.Errorf("first service row = %+v", r)
	}
	if got, want := svc.Rows[5].Value, "första svar inom 1 arbetstimme; lösning inom 8 arbetstimmar; hållna tidsfrister: minst 95,00"+nbsp+"%"; got != want {
		t.Errorf("SLA = %q, want %q", got, want)
	}
	if got := svc.Rows[11].Value; got != "Inga SLA-mål" {
		t.Errorf("second service SLA = %q", got)
	}

	// Price components: 45 000,00 kr per month (4 500 000 öre).
	price := find(t, secs, "Pris och betalning")
	fixed := price.Rows[1].Value
	if !strings.HasPrefix(fixed, "45"+nbsp+"000,00"+nbsp+"kr / ") || !strings.HasSuffix(fixed, " — Månadsavgift för försäljning") {
		t.Errorf("fixed component = %q", fixed)
	}
	if got := price.Rows[2].Value; !strings.HasPrefix(got, "750,00"+nbsp+"kr / ") || !strings.Contains(got, " för tjänsten ”Månadsrapport” — ") {
		t.Errorf("per-result component = %q", got)
	}
	if got, want := price.Rows[3].Value, "2,50"+nbsp+"% av intäkterna — Andel av intäkter från nya kunder"; got != want {
		t.Errorf("revenue share = %q, want %q", got, want)
	}

	// KPI table: fixed-point targets with their scale, a share's with its
	// percent sign.
	kpi := find(t, secs, "Mål och KPI:er").Table
	if kpi == nil || len(kpi.Head) != 7 || len(kpi.Rows) != 2 {
		t.Fatalf("KPI table = %+v", kpi)
	}
	if r := kpi.Rows[1]; r[0] != "Godkänt första gången" || r[2] != "85,00\u00a0%" || r[3] != "60,00\u00a0%" || r[5] != "1" {
		t.Errorf("KPI row = %q", r)
	}
	if r := kpi.Rows[0]; r[2] != "40" || r[3] != "20" || r[5] != "3" {
		t.Errorf("KPI row = %q", r)
	}

	notices := find(t, secs, "Underrättelseskyldigheter").Table
	if r := notices.Rows[0]; r[1] != "24 timmar" || r[2] != "5"+nbsp+"000,00"+nbsp+"kr" {
		t.Errorf("notice row = %q", r)
	}
	if r := notices.Rows[1]; r[2] != "Inget vite" {
		t.Errorf("notice row = %q", r)
	}

	bm := find(t, secs, "Viten och avdrag").Table
	if bm.Rows[0][1] != "+5,00"+nbsp+"%" || bm.Rows[1][1] != "\u22125,00"+nbsp+"%" {
		t.Errorf("bonus/malus = %q", bm.Rows)
	}

	gov := find(t, secs, "Styrning")
	if gov.Table == nil || gov.Table.Rows[1][0] != "Дмитрий Щукин" {
		t.Errorf("committee = %+v", gov.Table)
	}
	if got := gov.Rows[1].Value; got != "Med 7 dagars intervall" {
		t.Errorf("cadence = %q", got)
	}
}

func TestSectionsRussianAndEnglish(t *testing.T) {
	t.Parallel()
	ru := Sections(input(i18n.RU))
	for _, c := range []struct{ label, want string }{
		{"Срок", "12 месяцев"},
		{"Окончание пилота", "31 мая 2026 г."},
		{"Максимум за период", "120" + nbsp + "000,00" + nbsp + "SEK"},
		{"Предоплата", "25,00" + nbsp + "%"},
		{"Срок конфиденциальности", "Срок проекта и ещё 3 года"},
		{"Срок выполнения", "3 рабочих дня после запроса"},
	} {
		if got := value(t, ru, c.label); got != c.want {
			t.Errorf("ru %s = %q, want %q", c.label, got, c.want)
		}
	}
	if got := value(t, []Section{Header(input(i18n.RU))}, "Действует с"); got != "1 мар. 2026 г." {
		t.Errorf("ru effective from = %q", got)
	}

	en := Sections(input(i18n.EN))
	for _, c := range []struct{ label, want string }{
		{"Cap per period", "SEK" + nbsp + "120,000.00"},
		{"Prepayment", "25.00%"},
		{"Working days", "Monday, Tuesday, Wednesday, Thursday, Friday"},
		{"Confidentiality term", "The engagement plus 3 years"},
		{"Deadline", "3 business days after the request"},
	} {
		if got := value(t, en, c.label); got != c.want {
			t.Errorf("en %s = %q, want %q", c.label, got, c.want)
		}
	}
}

func TestEmptyTerms(t *testing.T) {
	t.Parallel()
	in := Input{EngagementTitle: "X"} // nil Localizer: English
	secs := Sections(in)
	if len(secs) != 10 {
		t.Fatalf("%d sections", len(secs))
	}
	for _, s := range append(secs, Header(in)) {
		for _, r := range s.Rows {
			if strings.Contains(r.Label+r.Value, "⟦") {
				t.Errorf("%s: missing key in %+v", s.Title, r)
			}
		}
	}
	if got := value(t, secs, "Services"); got != "None" {
		t.Errorf("services = %q", got)
	}
	var buf bytes.Buffer
	if err := PDF(&buf, in); err != nil {
		t.Fatal(err)
	}
}

// contractCatalogue reports whether the contract.* labels exist in every
// language (internal/i18n/locales/*/contract.json).
func contractCatalogue() bool {
	for _, lang := range i18n.Supported {
		if !catalog.Has(lang, "contract.model.functional") {
			return false
		}
	}
	return true
}

func TestNoMissingKeys(t *testing.T) {
	t.Parallel()
	full := contractCatalogue()
	for _, lang := range i18n.Supported {
		in := input(lang)
		for _, s := range append([]Section{Header(in)}, Sections(in)...) {
			texts := []string{s.Title}
			for _, r := range s.Rows {
				texts = append(texts, r.Label, r.Value)
			}
			if s.Table != nil {
				texts = append(texts, s.Table.Head...)
				for _, row := range s.Table.Rows {
					texts = append(texts, row...)
				}
			}
			for _, x := range texts {
				if !strings.Contains(x, "⟦") {
					continue
				}
				if !full && !strings.Contains(x, "⟦annex.") && strings.Contains(x, "⟦contract.") {
					continue // contract.json not there yet: see below
				}
				t.Errorf("[%s] %s: missing key in %q", lang, s.Title, x)
			}
		}
	}
	if !full {
		t.Skip("contract.* labels not in the catalogues yet (internal/i18n/locales/*/contract.json): " +
			"checked only annex.* and other keys; enum labels were not checked")
	}
}

// pdfText renders in as PDF and returns pdftotext's output with all
// whitespace (including U+00A0) collapsed to single spaces.
func pdfText(t *testing.T, in Input) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found (install poppler-utils)")
		}
		t.Skip("pdftotext not found; install poppler-utils")
	}
	var buf bytes.Buffer
	if err := PDF(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	path := filepath.Join(t.TempDir(), "annex.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	if dir := os.Getenv("ANNEX_PDF_DIR"); dir != "" { // keep the PDF for a look
		_ = os.WriteFile(filepath.Join(dir, "annex-"+string(in.Localizer.Lang())+".pdf"), buf.Bytes(), 0o644)
	}
	return norm(string(out))
}

func norm(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, nbsp, " ")), " ")
}

// checkPages checks the "Page N of M" footers: pages 1..M, each once.
func checkPages(t *testing.T, text, pattern string) int {
	t.Helper()
	m := regexp.MustCompile(pattern).FindAllStringSubmatch(text, -1)
	if len(m) == 0 {
		t.Fatalf("no page footer matching %s", pattern)
	}
	total, _ := strconv.Atoi(m[0][2])
	if len(m) != total {
		t.Errorf("%d footers for %d pages", len(m), total)
	}
	for i, x := range m {
		if x[1] != strconv.Itoa(i+1) || x[2] != m[0][2] {
			t.Errorf("footer %d = %q", i+1, x[0])
		}
	}
	if strings.Contains(text, pdfdoc.PagesAlias) {
		t.Error("page count alias left in the text")
	}
	return total
}

func TestPDFRussian(t *testing.T) {
	t.Parallel()
	text := pdfText(t, input(i18n.RU))
	for _, want := range []string{
		"Приложение к договору",
		"Квалифицированный лид",
		"Утверждает изменения объёма работ и щедрые бонусы; решает споры",
		"Дмитрий Щукин",
		"Månadsavgift för försäljning",
		"Åsa Öberg",
		"45 000,00 SEK",
		"Цена и оплата",
		"Действует с",
		"1 мар. 2026 г.",
	} {
		if !strings.Contains(text, norm(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	checkPages(t, text, `Страница (\d+) из (\d+)`)
}

func TestPDFSwedish(t *testing.T) {
	t.Parallel()
	text := pdfText(t, input(i18n.SV))
	for _, want := range []string{
		"Bilaga till avtalet",
		"Månadsavgift för försäljning",
		"Квалифицированный лид",
		"Utgående försäljning Norden",
		"45 000,00 kr",
		"Underrättelseskyldigheter",
		"Uppsägning och överlämning",
		"Två veckors överlämning med dokumentation",
	} {
		if !strings.Contains(text, norm(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	checkPages(t, text, `Sida (\d+) av (\d+)`)
}

// TestPDFLong checks page breaks: long texts wrap, a long table continues
// on the next pages with its header repeated, and every page is numbered.
func TestPDFLong(t *testing.T) {
	t.Parallel()
	in := input(i18n.SV)
	long := strings.Repeat("Mycket lång beskrivning av tjänsten med många ord som måste radbrytas. ", 120)
	in.Terms.Services[1].Description = long
	in.Terms.Services[1].AcceptanceCriteria = strings.Repeat("ÅÄÖåäö", 60) // one word wider than the column
	for i := range 120 {
		k := in.Terms.KPIs[i%2]
		k.Key = "k" + strconv.Itoa(i)
		k.Name = "Nyckeltal nummer " + strconv.Itoa(i+1)
		in.Terms.KPIs = append(in.Terms.KPIs, k)
	}
	text := pdfText(t, in)
	pages := checkPages(t, text, `Sida (\d+) av (\d+)`)
	if pages < 4 {
		t.Errorf("only %d pages", pages)
	}
	if n := strings.Count(text, "Tröskel"); n < 3 {
		t.Errorf("KPI header printed %d times, want it repeated on every page of the table", n)
	}
	if !strings.Contains(text, "Nyckeltal nummer 120") {
		t.Error("last KPI missing")
	}
	if n := strings.Count(text, "som måste radbrytas."); n != 120 {
		t.Errorf("long description: %d of 120 sentences in the text", n)
	}
}

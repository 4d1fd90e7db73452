package sales

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Importing deals and activities of one sales engagement: the pipeline and
// the work history of another CRM, onto accounts already in the base and
// assigned to that engagement.
//
// Choices the issue leaves open, decided here:
//   - A deal or an activity is placed on an account of the base assigned
//     to the engagement, found by (in this order) its registration number,
//     its name (folded), a contact's phone (last nine digits, as the batch
//     API matches a dialer's number) or e-mail. An account not found is a
//     row error, never created: the base comes in by the base's import
//     (accounts and contacts, with the assignment), the pipeline after it,
//     so that nothing is half-imported and every row says where it goes.
//   - Deals: the title, the stage (a stage key of the terms in force or its
//     label in English, Russian or Swedish; anything else is a row error),
//     the amount in the engagement's currency (a currency column, when
//     mapped, must say that currency), the expected close date, the owner
//     (an agent of the engagement, by e-mail or name), the lost reason (a
//     key of the terms' list or its label), the creation date. A deal
//     without a creation date is created at the import. Rows with the same
//     deal id (Bitrix24 writes one row per product of a deal) are one deal:
//     its first row gives every field, the amount included — the export
//     repeats the deal's total on every product row, so it is taken once,
//     never summed.
//   - Deduplication of deals, within the file and against the engagement's
//     deals: (account, title folded, creation day) — with no creation date
//     column, (account, title folded) whatever the day, so that the same
//     file on another day changes nothing either.
//   - Activities: the kind (call, meeting, presentation, proposal,
//     follow-up, by key or label in three languages), the time, the
//     direction and outcome of a call (for a meeting or presentation the
//     outcome column holds its status: planned, held, no-show), the
//     duration (seconds, or m:ss / h:mm:ss), the agent (by e-mail or name;
//     the importing person when empty), the notes. A meeting's planned
//     time and a follow-up's due time are the row's time. They are recorded
//     through the batch API's write path (facts and KPI aggregates kept
//     current). Deduplication: (time to the second, contact — or account
//     when no contact — , kind).
//   - Times without a zone are read in the workspace's time zone; dates as
//     2026-03-15, 15.03.2026 or (the US exports of HubSpot and Pipedrive)
//     3/15/2026, with an optional time of day.

// ImportKind is what a file brings in.
type ImportKind string

// Import kinds.
const (
	ImportBase       ImportKind = "base"
	ImportDeals      ImportKind = "deals"
	ImportActivities ImportKind = "activities"
)

// PipelineKinds are the kinds an engagement's import takes.
var PipelineKinds = []ImportKind{ImportDeals, ImportActivities}

// The fields of deal and activity files (besides the account's match:
// FieldAccountName, FieldRegNumber, FieldContactPhone, FieldContactEmail).
const (
	FieldDealID         ImportField = "deal.external_id"
	FieldDealTitle      ImportField = "deal.title"
	FieldDealAmount     ImportField = "deal.amount"
	FieldDealCurrency   ImportField = "deal.currency"
	FieldDealCloseOn    ImportField = "deal.close_on"
	FieldDealStage      ImportField = "deal.stage"
	FieldDealOwner      ImportField = "deal.owner"
	FieldDealLostReason ImportField = "deal.lost_reason"
	FieldDealCreated    ImportField = "deal.created_at"
	FieldActKind        ImportField = "activity.kind"
	FieldActAt          ImportField = "activity.at"
	FieldActDirection   ImportField = "activity.direction"
	FieldActOutcome     ImportField = "activity.outcome"
	FieldActDuration    ImportField = "activity.duration"
	FieldActAgent       ImportField = "activity.agent"
	FieldActNotes       ImportField = "activity.notes"
)

// Fields lists the fields a column of a file of kind k may be mapped to,
// in the order the mapping page offers them.
func (k ImportKind) Fields() []ImportField {
	match := []ImportField{FieldAccountName, FieldRegNumber, FieldContactPhone, FieldContactEmail}
	switch k {
	case ImportDeals:
		return append([]ImportField{FieldDealID, FieldDealTitle, FieldDealAmount, FieldDealCurrency, FieldDealCloseOn,
			FieldDealStage, FieldDealOwner, FieldDealLostReason, FieldDealCreated}, match...)
	case ImportActivities:
		return append([]ImportField{FieldActKind, FieldActAt, FieldActDirection, FieldActOutcome, FieldActDuration,
			FieldActAgent, FieldActNotes}, match...)
	}
	return ImportFields
}

// Valid reports whether k is an import kind.
func (k ImportKind) Valid() bool {
	return k == ImportBase || k == ImportDeals || k == ImportActivities
}

// ValidFor reports whether f may be mapped in a file of kind k.
func (f ImportField) ValidFor(k ImportKind) bool {
	if f == FieldIgnore {
		return true
	}
	for _, x := range k.Fields() {
		if x == f {
			return true
		}
	}
	return false
}

// CheckPipeline reports a mapping problem of a deal or activity file: a
// field taken by two columns, no column for the deal's title or stage (or
// the activity's kind and time), or nothing to find the account by.
func (m Mapping) CheckPipeline(k ImportKind) error {
	var v tandem.Validator
	seen := map[ImportField]bool{}
	for _, f := range m {
		if f == FieldIgnore {
			continue
		}
		if seen[f] && f != FieldContactPhone && f != FieldContactEmail && !v.Has("mapping") {
			v.Add("mapping", i18n.K("sales.import.mapped_twice"), "field", string(f))
		}
		seen[f] = true
	}
	need := []ImportField{FieldDealTitle, FieldDealStage}
	if k == ImportActivities {
		need = []ImportField{FieldActKind, FieldActAt}
	}
	for _, f := range need {
		if !seen[f] && !v.Has("mapping") {
			v.Add("mapping", i18n.K("sales.import.no_column"), "field", string(f))
		}
	}
	if !seen[FieldAccountName] && !seen[FieldRegNumber] && !seen[FieldContactPhone] && !seen[FieldContactEmail] && !v.Has("mapping") {
		v.Add("mapping", i18n.K("sales.import.no_account_column"))
	}
	return v.Err()
}

// ContactRef is a contact an account match found: the contact (0 when a
// detail belongs to several contacts) and its account.
type ContactRef struct{ ContactID, AccountID int64 }

// EngagementKeys are what rows of a deal or activity file are matched
// against: the engagement's accounts, their contacts' details, its agents,
// and the keys of the deals or activities already recorded.
type EngagementKeys struct {
	RegNumbers map[string]int64      // RegKey → account id
	Names      map[string]int64      // Fold(name) → account id
	Phones     map[string]ContactRef // PhoneKey → contact
	Emails     map[string]ContactRef // normalized e-mail → contact
	Agents     map[string]int64      // folded e-mail or name → membership id
	Deals      map[DealKey]struct{}  // the engagement's deals, with and without their creation day
	Activities map[ActivityKey]struct{}
}

// NewEngagementKeys returns empty keys, ready to be filled.
func NewEngagementKeys() *EngagementKeys {
	return &EngagementKeys{RegNumbers: map[string]int64{}, Names: map[string]int64{}, Phones: map[string]ContactRef{},
		Emails: map[string]ContactRef{}, Agents: map[string]int64{}, Deals: map[DealKey]struct{}{},
		Activities: map[ActivityKey]struct{}{}}
}

// AddPhone adds a contact's number (ambiguous when two contacts share it).
func (k *EngagementKeys) AddPhone(value string, ref ContactRef) {
	key := PhoneKey(value)
	if key == "" {
		return
	}
	if old, ok := k.Phones[key]; ok && old.ContactID != ref.ContactID {
		ref.ContactID = 0
		if old.AccountID != ref.AccountID {
			ref.AccountID = 0
		}
	}
	k.Phones[key] = ref
}

// AddEmail adds a contact's e-mail address.
func (k *EngagementKeys) AddEmail(value string, ref ContactRef) {
	if old, ok := k.Emails[value]; ok && old.ContactID != ref.ContactID {
		ref.ContactID = 0
		if old.AccountID != ref.AccountID {
			ref.AccountID = 0
		}
	}
	k.Emails[value] = ref
}

// AddDeal adds a deal of the engagement to the deduplication keys.
func (k *EngagementKeys) AddDeal(accountID int64, title string, created time.Time, loc *time.Location) {
	t := Fold(title)
	k.Deals[DealKey{AccountID: accountID, Title: t}] = struct{}{}
	k.Deals[DealKey{AccountID: accountID, Title: t, Day: tandem.DateOf(created.In(loc)).String()}] = struct{}{}
}

// AddAgent adds an agent of the engagement by e-mail and by name.
func (k *EngagementKeys) AddAgent(id int64, email, name string) {
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" {
		k.Agents[e] = id
	}
	if n := Fold(name); n != "" {
		if old, ok := k.Agents[n]; ok && old != id {
			k.Agents[n] = 0 // two agents of that name: give the e-mail
		} else {
			k.Agents[n] = id
		}
	}
}

// DealKey deduplicates deals: the account, the folded title and the
// creation day ("" in the key every deal has whatever its day).
type DealKey struct {
	AccountID int64
	Title     string
	Day       string
}

// ActivityKey deduplicates activities: the time (Unix seconds), the
// contact (or, without one, the account) and the kind.
type ActivityKey struct {
	At        int64
	ContactID int64
	AccountID int64
	Kind      Kind
}

// KeyOf is an activity's deduplication key.
func KeyOf(a *Activity) ActivityKey {
	k := ActivityKey{At: a.At.Unix(), ContactID: a.ContactID, Kind: a.Kind}
	if a.ContactID == 0 {
		k.AccountID = a.AccountID
	}
	return k
}

// ImportDeal is a deal a clean file adds, with the row it starts on.
type ImportDeal struct {
	Row  int
	Deal Deal
}

// PipelinePlan is what an import of deals or activities writes, and its
// counts.
type PipelinePlan struct {
	Kind       ImportKind
	Rows       int // data rows read
	New        int // deals or activities the file adds
	Existing   int // already recorded on the engagement
	Merged     int // rows of a deal already met in the file (Bitrix24's product rows) or repeated rows
	Deals      []ImportDeal
	Activities []Activity // AccountID, ContactID, AgentID (0: the importing person) and the row's fields, not yet prepared
	ActRows    []int      // the row of each activity
	Errors     []ImportError
	ErrorCount int
}

func (p *PipelinePlan) addError(e ImportError) {
	p.ErrorCount++
	if len(p.Errors) < maxImportErrors {
		p.Errors = append(p.Errors, e)
	}
}

// PipelinePlanner plans a deal or activity file row by row.
type PipelinePlanner struct {
	kind     ImportKind
	header   []string
	m        Mapping
	keys     *EngagementKeys
	terms    *contract.Sales
	stages   map[string]string // stageIndex(terms)
	reasons  map[string]string // the lost reasons by folded key, text and label
	currency string
	loc      *time.Location
	now      time.Time
	plan     PipelinePlan
	cols     map[ImportField]int
	ids      map[string]bool // deal ids met in the file
	deals    map[DealKey]bool
	acts     map[ActivityKey]bool
}

// NewPipelinePlanner starts a plan of a file of kind k with header mapped
// by m, for an engagement whose deals are in currency under the sales
// terms s, matched against keys; times without a zone are in loc, and
// nothing may lie after now.
func NewPipelinePlanner(k ImportKind, header []string, m Mapping, keys *EngagementKeys, s *contract.Sales, currency string,
	loc *time.Location, now time.Time) *PipelinePlanner {
	if keys == nil {
		keys = NewEngagementKeys()
	}
	if loc == nil {
		loc = time.UTC
	}
	pl := &PipelinePlanner{kind: k, header: header, m: m, keys: keys, terms: s, currency: currency, loc: loc, now: now,
		cols: map[ImportField]int{}, ids: map[string]bool{}, deals: map[DealKey]bool{}, acts: map[ActivityKey]bool{}}
	pl.plan.Kind = k
	if s != nil {
		pl.stages, pl.reasons = stageIndex(s), labelIndex("contract.lost_reason.", s.LostReasons, nil)
	}
	for j, f := range m {
		if _, ok := pl.cols[f]; !ok && f != FieldIgnore {
			pl.cols[f] = j
		}
	}
	if err := m.CheckPipeline(k); err != nil {
		for _, fe := range tandem.FieldErrors(err) {
			pl.plan.addError(ImportError{Key: fe.Key, Args: fe.Args})
		}
	}
	return pl
}

// Plan returns the plan of the rows added so far.
func (pl *PipelinePlanner) Plan() *PipelinePlan { return &pl.plan }

// row is one data row read by column: the first cell of every field, and
// every cell of the phones and e-mails.
type pipelineRow struct {
	num    int
	cells  []string
	first  map[ImportField]string
	col    map[ImportField]int
	phones []string
	emails []string
}

func (pl *PipelinePlanner) read(num int, cells []string) *pipelineRow {
	r := &pipelineRow{num: num, cells: cells, first: map[ImportField]string{}, col: map[ImportField]int{}}
	for j, f := range pl.m {
		if f == FieldIgnore || j >= len(cells) {
			continue
		}
		cell := strings.TrimSpace(cells[j])
		if cell == "" {
			continue
		}
		switch f {
		case FieldContactPhone:
			r.phones = append(r.phones, splitList(cell)...)
		case FieldContactEmail:
			r.emails = append(r.emails, splitList(cell)...)
		}
		if _, ok := r.first[f]; !ok {
			r.first[f], r.col[f] = cell, j
		}
	}
	return r
}

// fail records a problem of field f on row r.
func (pl *PipelinePlanner) fail(r *pipelineRow, f ImportField, key string, args ...any) {
	e := ImportError{Row: r.num, Field: f, Key: i18n.K(key), Args: args}
	j, ok := r.col[f]
	if !ok {
		j, ok = pl.cols[f]
	}
	if ok {
		if j < len(pl.header) {
			e.Column = pl.header[j]
		}
		if j < len(r.cells) {
			e.Value = shortenCell(r.cells[j])
		}
	}
	pl.plan.addError(e)
}

// account finds the row's account and contact among the engagement's.
func (pl *PipelinePlanner) account(r *pipelineRow) (ContactRef, bool) {
	if reg, ok := r.first[FieldRegNumber]; ok {
		if id := pl.keys.RegNumbers[RegKey(reg)]; id != 0 {
			return pl.contactOn(r, id), true
		}
		pl.fail(r, FieldRegNumber, "sales.import.no_account")
		return ContactRef{}, false
	}
	if name, ok := r.first[FieldAccountName]; ok {
		if id := pl.keys.Names[Fold(name)]; id != 0 {
			return pl.contactOn(r, id), true
		}
		pl.fail(r, FieldAccountName, "sales.import.no_account")
		return ContactRef{}, false
	}
	for _, ph := range r.phones {
		if ref, ok := pl.keys.Phones[PhoneKey(ph)]; ok {
			if ref.AccountID == 0 {
				pl.fail(r, FieldContactPhone, "sales.import.ambiguous")
				return ContactRef{}, false
			}
			return ref, true
		}
	}
	for _, em := range r.emails {
		if ref, ok := pl.keys.Emails[strings.ToLower(em)]; ok {
			if ref.AccountID == 0 {
				pl.fail(r, FieldContactEmail, "sales.import.ambiguous")
				return ContactRef{}, false
			}
			return ref, true
		}
	}
	switch {
	case len(r.phones) > 0:
		pl.fail(r, FieldContactPhone, "sales.import.no_account")
	case len(r.emails) > 0:
		pl.fail(r, FieldContactEmail, "sales.import.no_account")
	default:
		pl.fail(r, FieldAccountName, "import.cell.required")
	}
	return ContactRef{}, false
}

// contactOn finds the row's contact on account id by its phone or e-mail;
// none (0) when the row names none of that account's.
func (pl *PipelinePlanner) contactOn(r *pipelineRow, id int64) ContactRef {
	for _, ph := range r.phones {
		if ref, ok := pl.keys.Phones[PhoneKey(ph)]; ok && ref.AccountID == id && ref.ContactID != 0 {
			return ref
		}
	}
	for _, em := range r.emails {
		if ref, ok := pl.keys.Emails[strings.ToLower(em)]; ok && ref.AccountID == id && ref.ContactID != 0 {
			return ref
		}
	}
	return ContactRef{AccountID: id}
}

// agent finds an agent by e-mail or name; 0 and false when unknown.
func (pl *PipelinePlanner) agent(s string) (int64, bool) {
	if id := pl.keys.Agents[strings.ToLower(s)]; id != 0 {
		return id, true
	}
	id := pl.keys.Agents[Fold(s)]
	return id, id != 0
}

// Add plans one data row, num being its number in the file.
func (pl *PipelinePlanner) Add(num int, cells []string) {
	pl.plan.Rows++
	r := pl.read(num, cells)
	if pl.kind == ImportActivities {
		pl.addActivity(r)
		return
	}
	pl.addDeal(r)
}

func (pl *PipelinePlanner) addDeal(r *pipelineRow) {
	ext := r.first[FieldDealID]
	if ext != "" && pl.ids[ext] {
		pl.plan.Merged++ // another product row of a deal already met
		return
	}
	bad := false
	var d Deal
	d.Title = r.first[FieldDealTitle]
	if d.Title == "" {
		pl.fail(r, FieldDealTitle, "import.cell.required")
		bad = true
	} else if len([]rune(d.Title)) > MaxDealTitle {
		pl.fail(r, FieldDealTitle, "validation.max_len", "max", MaxDealTitle)
		bad = true
	}
	d.Amount.Currency = pl.currency
	if s, ok := r.first[FieldDealAmount]; ok {
		n, ok := ParseAmount(s, money.MinorDigits(pl.currency))
		if !ok || n < 0 || n > MaxDealAmount {
			pl.fail(r, FieldDealAmount, "sales.import.bad_amount")
			bad = true
		}
		d.Amount.Amount = n
	}
	if s, ok := r.first[FieldDealCurrency]; ok && !strings.EqualFold(s, pl.currency) {
		pl.fail(r, FieldDealCurrency, "sales.import.other_currency", "currency", pl.currency)
		bad = true
	}
	if s, ok := r.first[FieldDealCloseOn]; ok {
		t, ok := ParseImportTime(s, pl.loc)
		if !ok {
			pl.fail(r, FieldDealCloseOn, "sales.import.bad_date")
			bad = true
		}
		d.CloseOn = tandem.DateOf(t)
	}
	created, hasCreated := pl.now, false
	if s, ok := r.first[FieldDealCreated]; ok {
		t, ok := ParseImportTime(s, pl.loc)
		switch {
		case !ok:
			pl.fail(r, FieldDealCreated, "sales.import.bad_date")
			bad = true
		case t.After(pl.now.Add(MaxClockSkew)):
			pl.fail(r, FieldDealCreated, "sales.activity.future")
			bad = true
		default:
			created, hasCreated = t.UTC(), true
		}
	}
	st, ok := stageIn(pl.terms, pl.stages, r.first[FieldDealStage])
	if !ok {
		key := "sales.import.bad_stage"
		if r.first[FieldDealStage] == "" {
			key = "import.cell.required"
		}
		pl.fail(r, FieldDealStage, key)
		bad = true
	}
	d.Stage = st.Key
	if s, ok := r.first[FieldDealLostReason]; ok && st.Meaning == contract.StageLost {
		reason, ok := pl.reasons[headerKey(s)]
		if !ok {
			pl.fail(r, FieldDealLostReason, "validation.one_of")
			bad = true
		}
		d.LostReason = reason
	} else if ok && st.Meaning == contract.StageLost && r.first[FieldDealLostReason] == "" {
		if len(pl.terms.LostReasons) > 0 {
			d.LostReason = pl.terms.LostReasons[len(pl.terms.LostReasons)-1] // the list's last, "other" by default
		}
	}
	if s, ok := r.first[FieldDealOwner]; ok {
		id, ok := pl.agent(s)
		if !ok {
			pl.fail(r, FieldDealOwner, "sales.import.no_agent")
			bad = true
		}
		d.OwnerID = id
	}
	ref, ok := pl.account(r)
	if !ok || bad {
		if ext != "" {
			pl.ids[ext] = true
		}
		return
	}
	if ext != "" {
		pl.ids[ext] = true
	}
	d.AccountID = ref.AccountID
	key := DealKey{AccountID: ref.AccountID, Title: Fold(d.Title)}
	if hasCreated {
		key.Day = tandem.DateOf(created.In(pl.loc)).String()
	}
	if _, there := pl.keys.Deals[key]; there {
		pl.plan.Existing++
		return
	}
	if pl.deals[key] {
		pl.plan.Merged++
		return
	}
	pl.deals[key] = true
	if err := d.PrepareNew(pl.terms, created); err != nil {
		for _, fe := range tandem.FieldErrors(err) {
			pl.fail(r, ImportField("deal."+fe.Field), string(fe.Key), fe.Args...)
		}
		return
	}
	d.CreatedAt, d.UpdatedAt = created, created
	if !d.ClosedAt.IsZero() && !d.CloseOn.IsZero() {
		d.ClosedAt = d.CloseOn.Time()
	}
	pl.plan.New++
	pl.plan.Deals = append(pl.plan.Deals, ImportDeal{Row: r.num, Deal: d})
}

func (pl *PipelinePlanner) addActivity(r *pipelineRow) {
	bad := false
	var a Activity
	k, ok := KindOf(r.first[FieldActKind])
	if !ok {
		key := "validation.one_of"
		if r.first[FieldActKind] == "" {
			key = "import.cell.required"
		}
		pl.fail(r, FieldActKind, key)
		bad = true
	}
	a.Kind = k
	if s, ok := r.first[FieldActAt]; ok {
		t, ok := ParseImportTime(s, pl.loc)
		if !ok {
			pl.fail(r, FieldActAt, "sales.import.bad_date")
			bad = true
		}
		a.At = t.UTC()
	} else {
		pl.fail(r, FieldActAt, "import.cell.required")
		bad = true
	}
	if s, ok := r.first[FieldActDirection]; ok {
		dir, ok := DirectionOf(s)
		if !ok {
			pl.fail(r, FieldActDirection, "validation.one_of")
			bad = true
		}
		a.Direction = dir
	}
	if s, ok := r.first[FieldActOutcome]; ok {
		if k == KindMeeting || k == KindPresentation || k == KindProposal {
			st, ok := ActivityStatusOf(k, s)
			if !ok {
				pl.fail(r, FieldActOutcome, "validation.one_of")
				bad = true
			}
			a.Status = st
		} else {
			o, ok := OutcomeOf(s)
			if !ok {
				pl.fail(r, FieldActOutcome, "validation.one_of")
				bad = true
			}
			a.Outcome = o
		}
	}
	if s, ok := r.first[FieldActDuration]; ok {
		n, ok := ParseDuration(s)
		if !ok {
			pl.fail(r, FieldActDuration, "sales.import.bad_duration")
			bad = true
		}
		a.DurationS = n
	}
	if s, ok := r.first[FieldActAgent]; ok {
		id, ok := pl.agent(s)
		if !ok {
			pl.fail(r, FieldActAgent, "sales.import.no_agent")
			bad = true
		}
		a.AgentID = id
	}
	a.Notes = r.first[FieldActNotes]
	ref, ok := pl.account(r)
	if !ok || bad {
		return
	}
	a.AccountID, a.ContactID = ref.AccountID, ref.ContactID
	switch a.Kind {
	case KindMeeting, KindPresentation, KindFollowUp:
		a.ScheduledAt = a.At
	}
	check := a
	check.Normalize(pl.now)
	if err := check.Validate(pl.currency); err != nil {
		for _, fe := range tandem.FieldErrors(err) {
			f := ImportField("activity." + fe.Field)
			switch fe.Field {
			case "duration_s":
				f = FieldActDuration
			case "status":
				f = FieldActOutcome
			}
			key := string(fe.Key)
			if key == "validation.required" {
				key = "import.cell.required"
			}
			pl.fail(r, f, key, fe.Args...)
		}
		return
	}
	if check.At.After(pl.now.Add(MaxClockSkew)) {
		pl.fail(r, FieldActAt, "sales.activity.future")
		return
	}
	key := KeyOf(&check)
	if _, there := pl.keys.Activities[key]; there {
		pl.plan.Existing++
		return
	}
	if pl.acts[key] {
		pl.plan.Merged++
		return
	}
	pl.acts[key] = true
	pl.plan.New++
	pl.plan.Activities = append(pl.plan.Activities, a)
	pl.plan.ActRows = append(pl.plan.ActRows, r.num)
}

// PrepareImported decides an imported activity on acct (an account of the
// engagement, as the store loaded it): PrepareLog's rule, then the agent of
// the file (agentID, an agent of the engagement the planner found) in
// place of the importing person when one is given.
func PrepareImported(p tandem.Principal, acct Account, a *Activity, agentID int64, currency string, now time.Time) error {
	if err := PrepareLog(p, acct, true, a, currency, now); err != nil {
		return err
	}
	if agentID != 0 {
		a.AgentID = agentID
	}
	return nil
}

// ParseAmount reads a money amount as people and exports write it —
// "12 500,50", "12,500.50", "12.500,50", "12500", "12 500 ₽", "SEK 1 200"
// — into minor units with digits decimals. A lone separator followed by
// exactly three digits is a thousands separator ("12,500" is 12500), any
// other lone one the decimal mark.
func ParseAmount(s string, digits int) (int64, bool) {
	var b strings.Builder
	neg := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',':
			b.WriteRune(r)
		case r == '-' && b.Len() == 0:
			neg = true
		case unicode.IsSpace(r) || r == '\'' || r == '\u00a0' || r == '\u202f':
		case unicode.IsLetter(r) || unicode.Is(unicode.Sc, r):
			// a currency's code, symbol or abbreviation ("SEK", "₽", "руб.")
		default:
			return 0, false
		}
	}
	t := strings.Trim(b.String(), ".,")
	if t == "" {
		return 0, false
	}
	lastDot, lastComma := strings.LastIndexByte(t, '.'), strings.LastIndexByte(t, ',')
	dec := -1
	switch {
	case lastDot >= 0 && lastComma >= 0:
		dec = max(lastDot, lastComma)
	case lastDot >= 0 || lastComma >= 0:
		i := max(lastDot, lastComma)
		sep := t[i]
		if strings.Count(t, string(sep)) == 1 && len(t)-i-1 != 3 {
			dec = i
		}
	}
	var intPart, frac string
	if dec >= 0 {
		intPart, frac = t[:dec], t[dec+1:]
	} else {
		intPart = t
	}
	if groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == '.' || r == ',' }); len(groups) > 1 {
		// thousands separators: "12,500" or "1.234.567", never "12.3.4"
		if len(groups[0]) > 3 || strings.Count(intPart, ".")+strings.Count(intPart, ",") != len(groups)-1 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
	}
	intPart = strings.NewReplacer(".", "", ",", "").Replace(intPart)
	if strings.ContainsAny(frac, ".,") || len(frac) > digits || intPart == "" && frac == "" {
		return 0, false
	}
	frac += strings.Repeat("0", digits-len(frac))
	if intPart == "" {
		intPart = "0"
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// importLayouts are the date and time forms ParseImportTime reads.
var importLayouts = []string{
	"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05",
	"02.01.2006", "02.01.2006 15:04", "02.01.2006 15:04:05", "2.1.2006", "2.1.2006 15:04", "2.1.2006 15:04:05",
	"1/2/2006", "1/2/2006 15:04", "1/2/2006 15:04:05", "1/2/2006 3:04 PM", "1/2/2006 3:04:05 PM",
}

// ParseImportTime reads a date or time of an export: RFC 3339 with its
// zone, or a form of importLayouts in loc.
func ParseImportTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, l := range importLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ParseDuration reads a call's duration: seconds ("95"), or "1:35",
// "0:01:35".
func ParseDuration(s string) (int64, bool) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) > 3 {
		return 0, false
	}
	var n int64
	for i, p := range parts {
		v, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || v < 0 || (i > 0 && v >= 60) {
			return 0, false
		}
		n = n*60 + v
	}
	return n, true
}

// labelIndex maps the folded labels of catalogue keys prefix+value in every
// language, and the values themselves, to the values.
func labelIndex(prefix string, values []string, extra map[string]string) map[string]string {
	c := catalog()
	out := map[string]string{}
	for _, v := range values {
		out[headerKey(v)] = v
		out[headerKey(strings.ReplaceAll(v, "_", " "))] = v
		for _, lang := range i18n.Supported {
			if c != nil && c.Has(lang, prefix+v) {
				out[headerKey(c.For(lang, nil).T(prefix+v))] = v
			}
		}
	}
	for k, v := range extra {
		out[headerKey(k)] = v
	}
	return out
}

var catalog = sync.OnceValue(func() *i18n.Catalog {
	c, err := i18n.Load()
	if err != nil {
		return nil
	}
	return c
})

// StageOf finds a stage of the terms s by its key, its name, or the label
// of a default stage in English, Russian or Swedish.
func StageOf(s *contract.Sales, cell string) (contract.Stage, bool) {
	return stageIn(s, stageIndex(s), cell)
}

// stageIndex maps the folded keys, names and labels of the stages of s to
// their keys (built once per file by the planner).
func stageIndex(s *contract.Sales) map[string]string {
	keys := make([]string, 0, len(s.Stages))
	names := map[string]string{}
	for _, st := range s.Stages {
		keys = append(keys, st.Key)
		if st.Name != "" {
			names[st.Name] = st.Key
		}
	}
	return labelIndex("contract.stage.", keys, names)
}

func stageIn(s *contract.Sales, index map[string]string, cell string) (contract.Stage, bool) {
	if cell == "" {
		return contract.Stage{}, false
	}
	key, ok := index[headerKey(cell)]
	if !ok {
		return contract.Stage{}, false
	}
	return s.Stage(key)
}

// LostReasonOf finds a lost reason of the terms' list by its key, its
// text, or its label in three languages.
func LostReasonOf(s *contract.Sales, cell string) (string, bool) {
	r, ok := labelIndex("contract.lost_reason.", s.LostReasons, nil)[headerKey(cell)]
	return r, ok
}

var (
	kindWords = sync.OnceValue(func() map[string]string {
		return labelIndex("sales.kind.", kindStrings(), map[string]string{
			"звонок": "call", "исходящийзвонок": "call", "входящийзвонок": "call", "samtal": "call", "phonecall": "call",
			"встреча": "meeting", "möte": "meeting", "task": "follow_up", "задача": "follow_up", "перезвонить": "follow_up",
			"callback": "follow_up", "uppgift": "follow_up", "кп": "proposal", "offert": "proposal", "demo": "presentation",
		})
	})
	directionWords = sync.OnceValue(func() map[string]string {
		return labelIndex("sales.direction.", []string{"out", "in"}, map[string]string{
			"outbound": "out", "исходящий": "out", "utgående": "out", "inbound": "in", "входящий": "in", "inkommande": "in",
		})
	})
	outcomeWords = sync.OnceValue(func() map[string]string {
		vals := make([]string, len(Outcomes))
		for i, o := range Outcomes {
			vals[i] = string(o)
		}
		return labelIndex("sales.outcome.", vals, nil)
	})
	statusWords2 = sync.OnceValue(func() map[string]string {
		return labelIndex("sales.activity_status.", []string{"planned", "held", "no_show", "sent", "accepted", "declined"}, nil)
	})
)

func kindStrings() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = string(k)
	}
	return out
}

// KindOf reads an activity kind by key or label (three languages).
func KindOf(s string) (Kind, bool) {
	k, ok := kindWords()[headerKey(s)]
	return Kind(k), ok
}

// DirectionOf reads a call's direction.
func DirectionOf(s string) (Direction, bool) {
	d, ok := directionWords()[headerKey(s)]
	return Direction(d), ok
}

// OutcomeOf reads a call's outcome.
func OutcomeOf(s string) (Outcome, bool) {
	o, ok := outcomeWords()[headerKey(s)]
	return Outcome(o), ok
}

// ActivityStatusOf reads the status of a meeting, presentation or proposal.
func ActivityStatusOf(k Kind, s string) (ActivityStatus, bool) {
	st := ActivityStatus(statusWords2()[headerKey(s)])
	for _, x := range StatusesOf(k) {
		if x == st {
			return st, true
		}
	}
	return "", false
}

package store

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The batch ingestion of dialers and telephony systems: up to
// MaxBatchActivities activities of one engagement in one transaction, all
// or nothing, under an Idempotency-Key.
//
// The write path is built for speed: only the contacts and accounts the
// batch names are read (numbers by their match key, the last nine digits,
// through sales_contact_details_key; ids by primary key), into maps;
// activities go in multi-row INSERTs of Tx.chunk rows by account, what
// they share bound once per chunk (insertGathered); their facts in the
// fact path's multi-row INSERTs with the KPI aggregates summed in memory
// and upserted once per (engagement, kind, day) and week; one audit entry
// records the batch; and the answer is stored under its key in the same
// transaction, so an acknowledged batch is committed and a replay finds it.

// MaxBatchActivities is the most activities one batch may carry.
const MaxBatchActivities = 10000

// BatchActivity is one activity of a batch: the activity, and for a call
// the number dialed, which finds the contact (and its account) by its last
// nine digits (sales.PhoneKey) among the accounts of the engagement.
type BatchActivity struct {
	sales.Activity
	Phone string
}

// ItemError is a problem with one activity of a batch.
type ItemError struct {
	Index int
	Field string
	Key   i18n.Key
	Args  []any
}

// BatchResult is what a batch recorded.
type BatchResult struct {
	Created int
	IDs     []int64 // in the order of the batch
}

// Idempotency names a request: the caller's key and a hash of what was sent.
type Idempotency struct {
	Key, Hash string
}

// BatchAnswer is the answer to a batch: built by the adapter (Answer),
// stored under the key, and replayed for the same key and request.
type BatchAnswer struct {
	Status   int
	Body     []byte
	Replayed bool
}

// Answer builds the answer of a batch: from its result, or from its item
// errors (then nothing is recorded but the answer).
type Answer func(res *BatchResult, errs []ItemError) (status int, body []byte, err error)

// maxItemErrors is how many item errors a refused batch reports.
const maxItemErrors = 1000

var errIdempotencyRace = errors.New("store: another request stored this idempotency key first")

// IngestActivities records a batch of activities on an engagement p may
// see, each on an account of that engagement p may log on (sales.PrepareLog
// decides each), all or nothing: one bad item and the batch records none,
// and the answer lists every problem by index. The answer is built by
// answer and stored under idem.Key for p's membership: the same key with
// the same request replays it without recording anything again; the same
// key with another request is EInvalid on the Idempotency-Key header.
// Errors besides: ENotFound (an engagement p may not see or not a sales
// engagement), EForbidden.
func (s *SalesStore) IngestActivities(ctx context.Context, p tandem.Principal, engagementID int64, items []BatchActivity,
	idem Idempotency, answer Answer) (_ BatchAnswer, err error) {
	defer wrap(&err, "SalesStore.IngestActivities(%d, %d)", engagementID, len(items))
	if err := access.Can(p, access.SalesLog); err != nil {
		return BatchAnswer{}, err
	}
	if strings.TrimSpace(idem.Key) == "" || len(idem.Key) > 255 {
		return BatchAnswer{}, invalid("Idempotency-Key", "sales.batch.key_required")
	}
	var out BatchAnswer
	for attempt := 0; attempt < 2; attempt++ {
		err = s.db.transactBulk(ctx, func(tx *Tx) error {
			var err error
			out, err = ingest(ctx, tx, p, engagementID, items, idem, answer)
			return err
		})
		if !errors.Is(err, errIdempotencyRace) {
			break
		}
	}
	return out, err
}

func ingest(ctx context.Context, tx *Tx, p tandem.Principal, engagementID int64, items []BatchActivity,
	idem Idempotency, answer Answer) (BatchAnswer, error) {
	// A key seen before: replay its answer, or refuse another request.
	var hash, body string
	var status int
	err := tx.queryRow(ctx, `SELECT request_hash, status, body FROM sales_idempotency WHERE workspace_id = ? AND membership_id = ? AND key = ?`,
		p.WorkspaceID, p.MembershipID, idem.Key).Scan(&hash, &status, &body)
	switch {
	case err == nil && hash == idem.Hash:
		return BatchAnswer{Status: status, Body: []byte(body), Replayed: true}, nil
	case err == nil:
		return BatchAnswer{}, invalid("Idempotency-Key", "sales.batch.key_reused")
	case notFound(err) != tandem.ErrNotFound:
		return BatchAnswer{}, err
	}
	e, err := loadEngagement(ctx, tx, p, engagementID)
	if err != nil {
		return BatchAnswer{}, err
	}
	if e.Kind != engagement.KindSales {
		return BatchAnswer{}, tandem.ErrNotFound
	}
	var errs []ItemError
	addErr := func(i int, field string, key i18n.Key, args ...any) {
		if len(errs) < maxItemErrors {
			errs = append(errs, ItemError{Index: i, Field: field, Key: key, Args: args})
		}
	}
	if len(items) == 0 {
		return BatchAnswer{}, invalid("activities", "sales.batch.empty")
	}
	if len(items) > MaxBatchActivities {
		return BatchAnswer{}, invalid("activities", "sales.batch.too_many", "max", MaxBatchActivities)
	}
	accounts := map[int64]sales.Account{}
	byPhone, contacts, err := batchContacts(ctx, tx, p, engagementID, items, accounts)
	if err != nil {
		return BatchAnswer{}, err
	}
	if err := batchAccounts(ctx, tx, p, engagementID, batchAccountIDs(items, accounts), accounts); err != nil {
		return BatchAnswer{}, err
	}
	cur, err := workspaceCurrency(ctx, tx, p.WorkspaceID)
	if err != nil {
		return BatchAnswer{}, err
	}
	acts := make([]sales.Activity, len(items))
	for i := range items {
		it := &items[i]
		a := it.Activity
		if it.Phone != "" {
			key := sales.PhoneKey(it.Phone)
			m, ok := byPhone[key]
			switch {
			case key == "":
				addErr(i, "phone", "sales.batch.phone_short", "digits", sales.PhoneMatchDigits)
				continue
			case !ok:
				addErr(i, "phone", "sales.batch.no_match")
				continue
			case m.contactID == 0:
				addErr(i, "phone", "sales.batch.ambiguous")
				continue
			case a.ContactID != 0 && a.ContactID != m.contactID:
				addErr(i, "contact_id", "sales.batch.phone_other_contact")
				continue
			case a.AccountID != 0 && a.AccountID != m.accountID:
				addErr(i, "account_id", "sales.batch.phone_other_contact")
				continue
			}
			a.ContactID, a.AccountID = m.contactID, m.accountID
		} else if a.ContactID != 0 && a.AccountID == 0 {
			a.AccountID = contacts[a.ContactID]
		}
		if a.AccountID == 0 {
			addErr(i, "account_id", "validation.required")
			continue
		}
		acct, ok := accounts[a.AccountID]
		if !ok {
			addErr(i, "account_id", "sales.batch.no_account")
			continue
		}
		contactOK := a.ContactID == 0 || contacts[a.ContactID] == a.AccountID
		if err := sales.PrepareLog(p, acct, contactOK, &a, cur, tx.now); err != nil {
			fes := tandem.FieldErrors(err)
			if len(fes) == 0 {
				var te *tandem.Error
				if errors.As(err, &te) {
					addErr(i, "account_id", te.Key, te.Args...)
					continue
				}
				return BatchAnswer{}, err
			}
			for _, f := range fes {
				addErr(i, f.Field, f.Key, f.Args...)
			}
			continue
		}
		acts[i] = a
	}
	if len(errs) > 0 {
		status, body, err := answer(nil, errs)
		if err != nil {
			return BatchAnswer{}, err
		}
		return BatchAnswer{Status: status, Body: body}, storeIdempotency(ctx, tx, p, idem, status, body)
	}
	res := &BatchResult{Created: len(acts), IDs: make([]int64, 0, len(acts))}
	nfacts, err := writeActivities(ctx, tx, p, acts, res)
	if err != nil {
		return BatchAnswer{}, err
	}
	if err := tx.record(ctx, p, "sales.activities_ingested", "engagement", engagementID,
		map[string]any{"count": len(acts), "facts": nfacts, "idempotency_key": idem.Key}); err != nil {
		return BatchAnswer{}, err
	}
	status, rbody, err := answer(res, nil)
	if err != nil {
		return BatchAnswer{}, err
	}
	return BatchAnswer{Status: status, Body: rbody}, storeIdempotency(ctx, tx, p, idem, status, rbody)
}

// storeIdempotency keeps a batch's answer under its key; a key stored by a
// concurrent request first is errIdempotencyRace (the batch is retried,
// and replays that answer).
func storeIdempotency(ctx context.Context, tx *Tx, p tandem.Principal, idem Idempotency, status int, body []byte) error {
	res, err := tx.exec(ctx, `INSERT INTO sales_idempotency (workspace_id, membership_id, key, request_hash, status, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, membership_id, key) DO NOTHING`,
		p.WorkspaceID, p.MembershipID, idem.Key, idem.Hash, status, string(body), tx.now)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return err
		}
		return errIdempotencyRace
	}
	return nil
}

// batchLookupChunk is how many ids or keys one lookup of the batch
// ingestion names.
const batchLookupChunk = 500

// batchAccounts reads into out the accounts ids name among those of the
// engagement p may log on; an id not among them is not in out.
func batchAccounts(ctx context.Context, tx *Tx, p tandem.Principal, engagementID int64, ids []int64, out map[int64]sales.Account) error {
	for chunk := range slices.Chunk(ids, batchLookupChunk) {
		q, args := batchAccountQuery(p, engagementID, chunk)
		found, err := scanAll(ctx, tx, scanBatchAccount, q, args...)
		if err != nil {
			return err
		}
		for _, a := range found {
			out[a.ID] = a
		}
	}
	return nil
}

// batchAccountCols are the columns of an account the batch needs
// (scanBatchAccount).
const batchAccountCols = `a.id, a.name, a.engagement_id, COALESCE(a.agent_membership_id, 0)`

func scanBatchAccount(s scanner, a *sales.Account) error {
	return s.Scan(&a.ID, &a.Name, &a.EngagementID, &a.AgentID)
}

// batchAccountQuery reads the accounts of ids among those of the
// engagement p may log on, each by its primary key: the ids come first
// (a VALUES list CROSS JOINed, which SQLite keeps in that order), where
// an IN list let SQLite start from the agent's or the engagement's
// accounts by their index and test every one against the list.
func batchAccountQuery(p tandem.Principal, engagementID int64, ids []int64) (string, []any) {
	var w where
	w.add("a.id = ids.column1")
	batchScope(&w, p, engagementID)
	values := strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT)), ", len(ids)), ", ")
	return `SELECT ` + batchAccountCols + ` FROM (VALUES ` + values + `) ids CROSS JOIN sales_accounts a` + w.String(),
		append(anyArgs(ids...), w.args...)
}

// batchAccountIDs are the accounts the items name that are not read yet
// (batchContacts read those of the contacts it found), each once.
func batchAccountIDs(items []BatchActivity, read map[int64]sales.Account) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for i := range items {
		if id := items[i].AccountID; id != 0 && !seen[id] {
			if _, ok := read[id]; !ok {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// phoneMatch is the contact a phone key finds; contactID 0 when the key
// finds several contacts.
type phoneMatch struct{ contactID, accountID int64 }

// batchScope narrows to the accounts of the engagement p may log on.
func batchScope(w *where, p tandem.Principal, engagementID int64) {
	salesAccountScope(w, p)
	w.add("a.engagement_id = ?", engagementID)
}

// batchKeyQuery finds the contacts with a number of one of the keys among
// the accounts of the engagement p may log on: through the partial index
// sales_contact_details_key (its condition repeated, so that SQLite may
// use it), then each detail's contact and account by id.
func batchKeyQuery(p tandem.Principal, engagementID int64, keys []string) (string, []any) {
	var w where
	w.add("d.workspace_id = ?", p.WorkspaceID)
	w.add("d.match_key <> ''")
	w.add("d.match_key IN ("+placeholders(len(keys))+")", anyArgs(keys...)...)
	batchScope(&w, p, engagementID)
	return `SELECT ` + batchAccountCols + `, d.match_key, c.id FROM sales_contact_details d
		JOIN sales_contacts c ON c.id = d.contact_id JOIN sales_accounts a ON a.id = c.account_id` + w.String(), w.args
}

// keyMatch is a contact found (by a phone key, or by its id) and its
// account.
type keyMatch struct {
	key       string
	contactID int64
	account   sales.Account
}

// batchContacts finds the contacts the items name, among those of the
// engagement's accounts p may log on: by the last nine digits of the
// number dialed (sales.PhoneKey, looked up in sales_contact_details_key)
// and by contact id. It returns the contacts by key and the accounts of
// the contacts found, by contact id. Only what the batch names is read,
// so a batch costs the same in an engagement of a hundred accounts or of
// a hundred thousand.
func batchContacts(ctx context.Context, tx *Tx, p tandem.Principal, engagementID int64, items []BatchActivity,
	accounts map[int64]sales.Account) (map[string]phoneMatch, map[int64]int64, error) {
	byPhone, contacts := map[string]phoneMatch{}, map[int64]int64{}
	var keys []string
	var ids []int64
	seenKey, seenID := map[string]bool{}, map[int64]bool{}
	for i := range items {
		if k := sales.PhoneKey(items[i].Phone); k != "" && !seenKey[k] {
			seenKey[k] = true
			keys = append(keys, k)
		}
		if id := items[i].ContactID; id != 0 && !seenID[id] {
			seenID[id] = true
			ids = append(ids, id)
		}
	}
	for chunk := range slices.Chunk(keys, batchLookupChunk) {
		q, args := batchKeyQuery(p, engagementID, chunk)
		found, err := scanAll(ctx, tx, func(s scanner, k *keyMatch) error {
			return scanBatchAccount(scanPlus{s, []any{&k.key, &k.contactID}}, &k.account)
		}, q, args...)
		if err != nil {
			return nil, nil, err
		}
		for _, k := range found {
			accounts[k.account.ID] = k.account
			m := phoneMatch{contactID: k.contactID, accountID: k.account.ID}
			contacts[m.contactID] = m.accountID
			if old, ok := byPhone[k.key]; ok && old.contactID != m.contactID {
				m = phoneMatch{} // two contacts share the number: ambiguous
			}
			byPhone[k.key] = m
		}
	}
	for chunk := range slices.Chunk(ids, batchLookupChunk) {
		var w where
		w.add("c.id IN ("+placeholders(len(chunk))+")", anyArgs(chunk...)...)
		batchScope(&w, p, engagementID)
		found, err := scanAll(ctx, tx, func(s scanner, k *keyMatch) error {
			return scanBatchAccount(scanPlus{s, []any{&k.contactID}}, &k.account)
		}, `SELECT `+batchAccountCols+`, c.id FROM sales_contacts c JOIN sales_accounts a ON a.id = c.account_id`+w.String(), w.args...)
		if err != nil {
			return nil, nil, err
		}
		for _, k := range found {
			accounts[k.account.ID] = k.account
			contacts[k.contactID] = k.account.ID
		}
	}
	return byPhone, contacts, nil
}

// writeActivities writes prepared activities (insertActivities) and the
// facts logging them records (sales.Activity.LogFacts), with the KPI
// aggregates, in tx: the write path of the batch ingestion and of the
// import of activities. It returns how many facts it recorded.
func writeActivities(ctx context.Context, tx *Tx, p tandem.Principal, acts []sales.Activity, res *BatchResult) (int, error) {
	if err := insertActivities(ctx, tx, acts, res); err != nil {
		return 0, err
	}
	var facts []Fact
	for i := range acts {
		for _, f := range acts[i].LogFacts() {
			facts = append(facts, activityFact(&acts[i], f))
		}
	}
	if _, err := recordFactsIn(ctx, tx, p.WorkspaceID, facts); err != nil {
		return 0, err
	}
	return len(facts), nil
}

// insertActivities writes acts in multi-row INSERTs (insertGathered: what
// every activity of the batch shares is bound once per chunk) with ids
// reserved up front (dialect.reserveIDs: after the table's largest under
// SQLite's one writer, from the identity sequence on PostgreSQL), and
// fills their ids in the order of the batch. Explicit ids spare SQLite the
// RETURNING of each chunk (its rows buffered, then scanned back one by one).
func insertActivities(ctx context.Context, tx *Tx, acts []sales.Activity, res *BatchResult) error {
	ids, err := tx.db.dialect.reserveIDs(ctx, tx, "sales_activities", len(acts))
	if err != nil {
		return err
	}
	if len(ids) != len(acts) {
		return errors.New("store: fewer activity ids reserved than activities")
	}
	// The rows go in by account (each keeping the id of its place in the
	// batch): an account's calls then land together in the leaves of
	// sales_activities_account, and a multi-row INSERT copies each page it
	// changes to its statement journal once, not once per call. A dialer's
	// batch spread over thousands of accounts took 15 % less time so.
	order := make([]int, len(acts))
	for i := range acts {
		acts[i].ID = ids[i]
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(acts[x].AccountID, acts[y].AccountID) })
	args := make([]any, 0, len(acts)*(activityNCols+1))
	for _, i := range order {
		args = append(args, ids[i])
		args = append(args, activityArgs(&acts[i])...)
	}
	if err := insertGathered(ctx, tx, `INSERT INTO sales_activities (id, `+activityCols+`) VALUES `, activityNCols+1, args); err != nil {
		return err
	}
	res.IDs = append(res.IDs, ids...)
	return noteLastCalls(ctx, tx, acts)
}

// noteLastCalls brings sales_accounts.last_call_at of the accounts of the
// calls among acts (just written in tx) up to date: the time of each
// account's latest call, read back from its calls (sales_activities_account),
// so that calls logged out of order keep the latest. Every path that
// writes a call calls it; Today sorts the call list by it.
//
// In a batch of the writer the calls are kept for the batch's end, after
// the calls' rows kept with them (keptrows.go), and noted from the
// batch's own calls (lastCallsKept): a statement whose text names
// last_call finds them noted.
func noteLastCalls(ctx context.Context, tx *Tx, acts []sales.Activity) error {
	if l := tx.later; l != nil {
		if err := ctx.Err(); err != nil {
			return err // as a statement of a job whose caller left (Tx.stmtCtx)
		}
		for i := range acts {
			if a := &acts[i]; a.Kind == sales.KindCall {
				l.lastCalls = append(l.lastCalls, lastCall{a.AccountID, a.At})
			}
		}
		return nil
	}
	var accounts []int64
	for i := range acts {
		if a := &acts[i]; a.Kind == sales.KindCall {
			accounts = append(accounts, a.AccountID)
		}
	}
	return lastCallsNow(ctx, tx, accounts)
}

// lastCall is a call kept in a batch for its account's last call.
type lastCall struct {
	account int64
	at      time.Time
}

// lastCallsKept notes the last calls of a batch's calls (noteLastCalls),
// in one statement on PostgreSQL, one an account on SQLite: each
// account's last call becomes the later of the one it has and the
// batch's latest call on it. Unlike
// lastCallsNow it reads no calls back: every path that writes a call
// notes it (noteLastCalls, here or at once), a call is never deleted nor
// moved in time, so the account's last call already covers every call
// committed before, and the later of the two is the latest call. A
// transaction beside the writer that notes a later call and commits
// while this UPDATE waits for the account's row leaves its value, which
// the UPDATE, going on with the row as that transaction left it, keeps
// (TestLastCallKeptBesideTheWriter).
func lastCallsKept(ctx context.Context, tx *Tx, calls []lastCall) error {
	latest := map[int64]time.Time{}
	for _, c := range calls {
		if t, ok := latest[c.account]; !ok || c.at.After(t) {
			latest[c.account] = c.at
		}
	}
	ids := slices.Sorted(maps.Keys(latest)) // in the order of their pages
	if tx.db.dialect.name() == "sqlite" {
		// A statement an account, kept prepared: no round trip to spare.
		for _, id := range ids {
			if _, err := tx.exec(ctx, lastCallKeptSQLite, latest[id], latest[id], id); err != nil {
				return err
			}
		}
		return nil
	}
	ats := make([]time.Time, len(ids))
	for i, id := range ids {
		ats[i] = latest[id]
	}
	_, err := tx.exec(ctx, lastCallsKeptSQL, ids, ats)
	return err
}

// lastCallKeptSQLite is lastCallsKeptSQL for one account on SQLite.
const lastCallKeptSQLite = `UPDATE sales_accounts SET last_call_at =
	CASE WHEN last_call_at >= ? THEN last_call_at ELSE ? END WHERE id = ?`

// lastCallsKeptSQL is lastCallsKept's statement: the accounts and their
// batch's latest calls, an array each.
const lastCallsKeptSQL = `UPDATE sales_accounts SET last_call_at =
	CASE WHEN sales_accounts.last_call_at >= v.at THEN sales_accounts.last_call_at ELSE v.at END
	FROM unnest(CAST(? AS bigint[]), CAST(? AS timestamptz[])) AS v(id, at) WHERE sales_accounts.id = v.id`

// lastCallsNow is noteLastCalls for the accounts given (repeated or not),
// at once.
//
// The account keeps its last call when that is later than the latest
// call the statement sees: on PostgreSQL a transaction beside the writer
// (a dialer's batch) may log a later call on the account and commit while
// this UPDATE waits for the account's row; the UPDATE then goes on with
// the row as that transaction left it, but its MAX over the calls still
// reads what was committed when it began, without that call
// (TestLastCallKeptBesideTheWriter). A call is never deleted nor moved in
// time, so the last call only ever grows and taking the later of the two
// is the latest call.
func lastCallsNow(ctx context.Context, tx *Tx, accounts []int64) error {
	slices.Sort(accounts) // in the order of their pages
	accounts = slices.Compact(accounts)
	for c := range slices.Chunk(accounts, batchLookupChunk) {
		if _, err := tx.exec(ctx, `UPDATE sales_accounts SET last_call_at = (SELECT
			CASE WHEN sales_accounts.last_call_at >= MAX(k.at) THEN sales_accounts.last_call_at ELSE MAX(k.at) END
			FROM sales_activities k WHERE k.account_id = sales_accounts.id AND k.kind = ?) WHERE id IN (`+placeholders(len(c))+`)`,
			append([]any{string(sales.KindCall)}, anyArgs(c...)...)...); err != nil {
			return err
		}
	}
	return nil
}

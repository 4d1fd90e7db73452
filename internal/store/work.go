package store

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// WorkStore keeps deliverables, their submissions and reviews, and the
// facts they give. The rules are in package work.
type WorkStore struct{ db *DB }

const deliverableCols = `d.id, d.workspace_id, d.engagement_id, e.title, d.service_key, d.title, d.description, d.due_at, d.priority,
	COALESCE(d.assignee_id, 0), COALESCE(au.name, ''), d.acceptor, d.status, d.submissions, d.returns,
	d.first_submitted_at, d.accepted_at, d.created_at, d.updated_at`

const deliverableFrom = ` FROM deliverables d JOIN engagements e ON e.id = d.engagement_id AND e.workspace_id = d.workspace_id
	LEFT JOIN memberships am ON am.id = d.assignee_id LEFT JOIN users au ON au.id = am.user_id`

func scanDeliverable(s interface{ Scan(...any) error }, d *work.Deliverable) error {
	err := s.Scan(&d.ID, &d.WorkspaceID, &d.EngagementID, &d.EngagementTitle, &d.ServiceKey, &d.Title, &d.Description, &d.DueAt,
		&d.Priority, &d.AssigneeID, &d.AssigneeName, &d.Acceptor, &d.Status, &d.Submissions, &d.Returns,
		nullTime{&d.FirstSubmittedAt}, nullTime{&d.AcceptedAt}, &d.CreatedAt, &d.UpdatedAt)
	d.DueAt = d.DueAt.UTC()
	return err
}

// DeliverableFilter narrows a list of deliverables.
type DeliverableFilter struct {
	EngagementID int64
	Status       string
	Overdue      bool // not accepted and past due now
	Open         bool // not accepted
}

// deliverableSorts are the columns a list of deliverables may be sorted by
// (tandem.Page.Sort, "-" first for descending); anything else sorts by due.
var deliverableSorts = map[string]string{"due": "d.due_at", "title": "d.title", "status": "d.status", "created": "d.created_at",
	"service": "d.service_key", "assignee": "COALESCE(au.name, '')"}

// List returns the deliverables p may see (those of the engagements p may
// see) matching pg.Q (accents and case ignored, tandem.Fold), sorted by
// pg.Sort (deliverableSorts), soonest due first by default.
func (s *WorkStore) List(ctx context.Context, p tandem.Principal, pg tandem.Page, f DeliverableFilter) (_ []work.Deliverable, total int, err error) {
	defer wrap(&err, "WorkStore.List")
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	w := deliverableWhere(p, f, s.db.Now())
	if pg.Q != "" {
		w.add(`d.search_text LIKE ? ESCAPE '\'`, likePattern(pg.Q))
	}
	sorts := deliverableSorts
	if f.Status != "" || f.Open || f.Overdue {
		sorts = deliverableSortsByStatus
	}
	return listPage(ctx, s.db, scanDeliverable, deliverableCols, deliverableFrom+w.String(),
		orderBy(pg.Sort, sorts, "due", "d.id"), pg, w.args...)
}

// dueOrder sorts deliverables by due time without letting SQLite walk
// the index deliverables_due (workspace_id, engagement_id, due_at) for the
// order: when a status narrows the list, the index deliverables_engagement
// (…, status, due_at) finds the few rows and they are sorted, where
// walking every deliverable of the engagement by due time and filtering
// them read all of them (a vendor agent's home: 150 ms on 90,000
// deliverables, issue 16). An expression, so that no index gives its order;
// the same on PostgreSQL, which plans by its statistics anyway.
const dueOrder = "COALESCE(d.due_at, d.due_at)"

// deliverableSortsByStatus are deliverableSorts for a list narrowed by
// status (dueOrder).
var deliverableSortsByStatus = func() map[string]string {
	m := maps.Clone(deliverableSorts)
	m["due"] = dueOrder
	return m
}()

// deliverableWhere selects the deliverables of f that p may see, at now.
func deliverableWhere(p tandem.Principal, f DeliverableFilter, now time.Time) where {
	var w where
	engagementScope(&w, p)
	w.add("d.workspace_id = ?", p.WorkspaceID)
	if f.EngagementID != 0 {
		w.add("d.engagement_id = ?", f.EngagementID)
	}
	if f.Status != "" {
		w.add("d.status = ?", f.Status)
	}
	if f.Overdue {
		// The open statuses named, not "status <> accepted": the index
		// deliverables_engagement (…, status, due_at) then reads only the
		// overdue ones of each (issue 16).
		open := openStatuses()
		w.add("d.status IN ("+placeholders(len(open))+") AND d.due_at < ?", append(anyArgs(open...), now)...)
	}
	if f.Open {
		open := openStatuses()
		w.add("d.status IN ("+placeholders(len(open))+")", anyArgs(open...)...)
	}
	return w
}

// openStatuses are the statuses of a deliverable not yet accepted.
func openStatuses() []string {
	var out []string
	for _, st := range work.Statuses {
		if st != work.StatusAccepted {
			out = append(out, string(st))
		}
	}
	return out
}

// Get returns one deliverable p may see, or tandem.ErrNotFound.
func (s *WorkStore) Get(ctx context.Context, p tandem.Principal, id int64) (_ *work.Deliverable, err error) {
	defer wrap(&err, "WorkStore.Get(%d)", id)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	return deliverableIn(ctx, s.db, p, id)
}

// deliverableIn reads one deliverable p may see, or tandem.ErrNotFound.
func deliverableIn(ctx context.Context, q querier, p tandem.Principal, id int64) (*work.Deliverable, error) {
	var w where
	engagementScope(&w, p)
	w.add("d.id = ?", id)
	return scanOne(ctx, q, scanDeliverable, `SELECT `+deliverableCols+deliverableFrom+w.String(), w.args...)
}

// deliverableOfEngagement reads a deliverable of the engagement that p may
// see; nil when there is none.
func deliverableOfEngagement(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) (*work.Deliverable, error) {
	if id == 0 {
		return nil, nil
	}
	d, err := deliverableIn(ctx, q, p, id)
	if tandem.ErrorCode(err) == tandem.ENotFound || (err == nil && d.EngagementID != engagementID) {
		return nil, nil
	}
	return d, err
}

// engagementIn reads an engagement p may see, or tandem.ErrNotFound.
func engagementIn(ctx context.Context, q querier, p tandem.Principal, id int64) (*engagement.Engagement, error) {
	c, k := cacheOf(ctx, q), engagementKey{p, id}
	if c != nil {
		if e, ok := c.engagement(k); ok {
			return e, nil
		}
	}
	var w where
	engagementScope(&w, p)
	w.add("e.id = ?", id)
	if c != nil {
		// A page: the terms versions come along (most pages of an
		// engagement read its terms), decoded only if asked for.
		e, vs, err := engagementWithVersions(ctx, q, w)
		if err != nil {
			return nil, err
		}
		if e != nil {
			c.putEngagement(k, e)
			c.putStoredVersions(k, vs)
			return e, nil
		}
	}
	e, err := scanOne(ctx, q, scanEngagement, `SELECT `+engagementCols+engagementFrom+w.String(), w.args...)
	if err == nil && c != nil {
		c.putEngagement(k, e)
	}
	return e, err
}

// engagementWithVersions reads the engagement w selects with its terms
// versions, oldest first, in one statement: a row per version. Nil when
// there is no row (no such engagement, or one without versions).
func engagementWithVersions(ctx context.Context, q querier, w where) (*engagement.Engagement, []storedVersion, error) {
	rows, err := q.query(ctx, `SELECT `+engagementCols+`, `+versionCols+engagementFrom+`
		JOIN contract_versions v ON v.workspace_id = e.workspace_id AND v.engagement_id = e.id`+w.String()+` ORDER BY v.number`, w.args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var e *engagement.Engagement
	var vs []storedVersion
	for rows.Next() {
		e = &engagement.Engagement{}
		var cols columns
		if err := scanEngagement(&cols, e); err != nil {
			return nil, nil, err
		}
		var x storedVersion
		if err := scanVersionText(cols.then(rows), &x.v, &x.terms); err != nil {
			return nil, nil, err
		}
		vs = append(vs, x)
	}
	return e, vs, rows.Err()
}

// columns collects the destinations of a row's first columns from a scan
// function (one that only scans), so that another scan function reads the
// rest of the same row with them (then): two record types in one row.
type columns []any

func (c *columns) Scan(dest ...any) error {
	*c = append(*c, dest...)
	return nil
}

// then is s with c's destinations before those its Scan is given.
func (c columns) then(s scanner) scanner { return thenScanner{s, c} }

type thenScanner struct {
	s     scanner
	first columns
}

func (t thenScanner) Scan(dest ...any) error {
	return t.s.Scan(append(t.first[:len(t.first):len(t.first)], dest...)...)
}

// engagementTerms is an engagement with the terms in force on a date,
// their business calendar and the workspace's zone: what the rules of the
// work, notices and requests need of it.
type engagementTerms struct {
	e       *engagement.Engagement
	version int
	terms   contract.Terms
	cal     *sla.Calendar
	loc     *time.Location
}

// workspaceZone reads the time zone of a workspace: its name and location
// (UTC when the name is unknown).
func workspaceZone(ctx context.Context, q querier, workspaceID int64) (string, *time.Location, error) {
	c := cacheOf(ctx, q)
	if c != nil {
		if tz, ok := c.zone(workspaceID); ok {
			return tz, kpi.Zone(tz), nil
		}
	}
	var tz string
	if err := q.queryRow(ctx, `SELECT time_zone FROM workspaces WHERE id = ?`, workspaceID).Scan(&tz); err != nil {
		return "", nil, notFound(err)
	}
	if c != nil {
		c.putZone(workspaceID, tz)
	}
	return tz, kpi.Zone(tz), nil
}

// loadTerms reads the terms of engagement e in force on the local date of at
// (see ContractStore.InForce); the caller has read e (or a record of it)
// within p's scope.
func loadTerms(ctx context.Context, q querier, p tandem.Principal, e *engagement.Engagement, at time.Time) (*engagementTerms, error) {
	tz, loc, err := workspaceZone(ctx, q, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	v, err := termsInForce(ctx, q, p, e.ID, tandem.DateOf(at.In(loc)))
	if err != nil {
		return nil, err
	}
	return &engagementTerms{e: e, version: v.Number, terms: v.Terms, cal: work.Calendar(v.Terms, tz), loc: loc}, nil
}

// loadEngagementTerms reads an engagement p may see with its terms in force
// at at.
func loadEngagementTerms(ctx context.Context, q querier, p tandem.Principal, engagementID int64, at time.Time) (*engagementTerms, error) {
	e, err := engagementIn(ctx, q, p, engagementID)
	if err != nil {
		return nil, err
	}
	return loadTerms(ctx, q, p, e, at)
}

// changeOne runs an UPDATE that must change exactly one row; when it
// changes none, the record changed meanwhile: EConflict with key.
func changeOne(ctx context.Context, tx *Tx, key i18n.Key, q string, args ...any) error {
	return tx.execOne(ctx, tandem.Errorf(tandem.EConflict, key), q, args...)
}

// Create adds a deliverable to a live engagement, for a service the terms
// in force list (a service that is not in the contract is not owed). The due
// time defaults to the service's deadline rule; the acceptor comes from the
// contract. Owners, managers and the partner's managers may call it.
// Errors: EInvalid, EConflict (a draft or ended engagement), ENotFound.
func (s *WorkStore) Create(ctx context.Context, p tandem.Principal, d *work.Deliverable) (err error) {
	defer wrap(&err, "WorkStore.Create")
	return s.createMany(ctx, p, d.EngagementID, []*work.Deliverable{d})
}

// CreateMany adds several deliverables to one engagement in one
// transaction: all of them, or — when any is invalid — none. Field errors of
// row i are reported as "rows.<i>.<field>" when there is more than one.
func (s *WorkStore) CreateMany(ctx context.Context, p tandem.Principal, engagementID int64, ds []*work.Deliverable) (err error) {
	defer wrap(&err, "WorkStore.CreateMany(%d)", engagementID)
	return s.createMany(ctx, p, engagementID, ds)
}

func (s *WorkStore) createMany(ctx context.Context, p tandem.Principal, engagementID int64, ds []*work.Deliverable) error {
	if err := access.Can(p, access.WorkPlan); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		et, err := loadEngagementTerms(ctx, tx, p, engagementID, tx.now)
		if err != nil {
			return err
		}
		if err := work.CheckPlan(et.e); err != nil {
			return err
		}
		var v tandem.Validator
		for i, d := range ds {
			d.EngagementID = engagementID
			prefix := ""
			if len(ds) > 1 {
				prefix = fmt.Sprintf("rows.%d.", i)
			}
			for _, f := range tandem.FieldErrors(d.Plan(et.terms, et.cal, et.loc, tx.now, et.e.StartsOn)) {
				v.Add(prefix+f.Field, f.Key, f.Args...)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		for _, d := range ds {
			if err := createDeliverable(ctx, tx, p, et.e, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func createDeliverable(ctx context.Context, tx *Tx, p tandem.Principal, e *engagement.Engagement, d *work.Deliverable) error {
	if err := checkAssignee(ctx, tx, p, e, d.AssigneeID); err != nil {
		return err
	}
	d.WorkspaceID, d.CreatedAt, d.UpdatedAt = p.WorkspaceID, tx.now, tx.now
	id, err := tx.insert(ctx, `INSERT INTO deliverables (workspace_id, engagement_id, service_key, title, description, due_at, priority,
		assignee_id, acceptor, status, search_text, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.WorkspaceID, d.EngagementID, d.ServiceKey, d.Title, d.Description, d.DueAt.UTC(), d.Priority, nullID(d.AssigneeID),
		d.Acceptor, string(d.Status), d.SearchText(), nullID(p.UserID), tx.now, tx.now)
	if err != nil {
		return err
	}
	d.ID = id
	return tellAndRecord(ctx, tx, p, d.EngagementID, id, d.Created(), "deliverable.created", map[string]any{
		"deliverable_id": id, "title": d.Title, "service": d.ServiceKey, "due_at": d.DueAt.UTC(), "assignee_id": d.AssigneeID})
}

// checkAssignee reads the membership a deliverable is assigned to and
// asks work.CheckAssignee whether it may be.
func checkAssignee(ctx context.Context, tx *Tx, p tandem.Principal, e *engagement.Engagement, membershipID int64) error {
	if membershipID == 0 {
		return nil
	}
	var a work.Assignee
	var assigned int
	err := tx.queryRow(ctx, `SELECT m.role, COALESCE(m.partner_id, 0),
		(SELECT COUNT(*) FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = ?)
		FROM memberships m WHERE m.workspace_id = ? AND m.id = ?`, e.ID, p.WorkspaceID, membershipID).Scan(&a.Role, &a.PartnerID, &assigned)
	if err != nil && notFound(err) != tandem.ErrNotFound {
		return err
	}
	a.Assigned = assigned > 0
	return work.CheckAssignee(a, e)
}

// Move changes a deliverable's status by hand: planned ⇄ in progress, and
// back to work after a return. The partner's people may call it.
func (s *WorkStore) Move(ctx context.Context, p tandem.Principal, id int64, to work.Status) (err error) {
	defer wrap(&err, "WorkStore.Move(%d)", id)
	if err := access.Can(p, access.WorkSubmit); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		d, err := deliverableIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := work.CheckMove(d.Status, to); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("work.changed_meanwhile"), `UPDATE deliverables SET status = ?, updated_at = ? WHERE workspace_id = ? AND id = ? AND status = ?`,
			string(to), tx.now, p.WorkspaceID, id, string(d.Status)); err != nil {
			return err
		}
		return tx.record(ctx, p, "deliverable.moved", "engagement", d.EngagementID, map[string]any{"deliverable_id": id, "from": d.Status, "to": to})
	})
}

// Submit records the next numbered submission of a deliverable with a note
// and attachments. The partner's people may call it. Errors: EInvalid,
// EConflict (not open for a submission), ENotFound.
func (s *WorkStore) Submit(ctx context.Context, p tandem.Principal, id int64, note string, files []*file.File) (number int, err error) {
	defer wrap(&err, "WorkStore.Submit(%d)", id)
	if err := access.Can(p, access.WorkSubmit); err != nil {
		return 0, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		d, err := deliverableIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := work.CheckSubmit(d, &note, len(files)); err != nil {
			return err
		}
		number = d.Submissions + 1
		if err := changeOne(ctx, tx, i18n.K("work.changed_meanwhile"), `UPDATE deliverables SET status = ?, submissions = ?, first_submitted_at = COALESCE(first_submitted_at, ?), updated_at = ?
			WHERE workspace_id = ? AND id = ? AND submissions = ?`,
			string(work.StatusSubmitted), number, tx.now, tx.now, p.WorkspaceID, id, d.Submissions); err != nil {
			return err
		}
		sid, err := tx.insert(ctx, `INSERT INTO submissions (workspace_id, deliverable_id, number, note, submitted_by, submitted_at)
			VALUES (?, ?, ?, ?, ?, ?)`, p.WorkspaceID, id, number, note, p.UserID, tx.now)
		if err != nil {
			return err
		}
		var names []string
		for _, f := range files {
			if err := insertFile(ctx, tx, p, f); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO submission_files (submission_id, file_id) VALUES (?, ?)`, sid, f.ID); err != nil {
				return err
			}
			names = append(names, f.Name)
		}
		return tellAndRecord(ctx, tx, p, d.EngagementID, id, d.Submitted(number), "deliverable.submitted", map[string]any{
			"deliverable_id": id, "number": number, "files": names})
	})
	return number, err
}

// Review accepts or returns the latest submission. Owners and managers may
// call it. Accepting records a "deliverable.accepted" fact: value = business
// days late (from the due time to the accepted submission, on the terms'
// calendar), flag = accepted on the first submission, with the returns and
// the lead time. Returning records a "deliverable.returned" fact with the
// reason. The deliverable and its engagement are read once, in the
// transaction. Errors: EInvalid, EConflict (nothing to review), ENotFound.
func (s *WorkStore) Review(ctx context.Context, p tandem.Principal, id int64, r work.Review) (err error) {
	defer wrap(&err, "WorkStore.Review(%d)", id)
	if err := access.Can(p, access.WorkReview); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		d, err := deliverableIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		var submittedAt time.Time
		if err := tx.queryRow(ctx, `SELECT submitted_at FROM submissions WHERE deliverable_id = ? AND number = ?`, id, d.Submissions).
			Scan(&submittedAt); err != nil && notFound(err) != tandem.ErrNotFound {
			return err
		}
		var cal *sla.Calendar // the lateness of an acceptance is counted on it
		if r.Accepted && d.Status == work.StatusSubmitted {
			// The deliverable's read joined its engagement in p's scope.
			et, err := loadTerms(ctx, tx, p, &engagement.Engagement{ID: d.EngagementID}, tx.now)
			if err != nil {
				return err
			}
			cal = et.cal
		}
		out, err := r.Apply(d, submittedAt.UTC(), cal, tx.now)
		if err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("work.changed_meanwhile"), `UPDATE deliverables SET status = ?, returns = ?, accepted_at = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ? AND status = ? AND submissions = ?`,
			string(out.Status), out.Returns, nullTimeArg(out.AcceptedAt), tx.now,
			p.WorkspaceID, id, string(work.StatusSubmitted), d.Submissions); err != nil {
			return err
		}
		decision := r.Decision()
		if _, err := tx.insert(ctx, `INSERT INTO reviews (workspace_id, deliverable_id, submission_number, decision, reason, comment, reviewed_by, reviewed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, id, d.Submissions, decision, r.Reason, r.Comment, p.UserID, tx.now); err != nil {
			return err
		}
		f := Fact{EngagementID: d.EngagementID, SubjectID: id, At: tx.now,
			Data: fact.Returned{Submission: d.Submissions, Reason: r.Reason}}
		if r.Accepted {
			f.Value, f.Flag = int64(out.LateDays), out.FirstTime
			f.Data = fact.Accepted{Returns: d.Returns, LeadTimeS: int64(out.LeadTime.Seconds()),
				DueAt: d.DueAt, SubmittedAt: submittedAt.UTC(), LateDays: out.LateDays}
		}
		if _, err := recordFact(ctx, tx, p, f); err != nil {
			return err
		}
		return tellAndRecord(ctx, tx, p, d.EngagementID, id, r.Told(d), "deliverable."+decision, map[string]any{
			"deliverable_id": id, "number": d.Submissions, "reason": r.Reason, "comment": r.Comment})
	})
}

// Submissions lists a deliverable's submissions, oldest first, each with its
// attachments and the review it got.
func (s *WorkStore) Submissions(ctx context.Context, p tandem.Principal, id int64) (_ []work.Submission, err error) {
	defer wrap(&err, "WorkStore.Submissions(%d)", id)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	if _, err := deliverableIn(ctx, s.db, p, id); err != nil {
		return nil, err
	}
	out, err := scanAll(ctx, s.db, func(r scanner, x *work.Submission) error {
		return r.Scan(&x.ID, &x.DeliverableID, &x.Number, &x.Note, &x.SubmittedBy, &x.SubmitterName, &x.SubmittedAt)
	}, `SELECT s.id, s.deliverable_id, s.number, s.note, s.submitted_by, u.name, s.submitted_at
		FROM submissions s JOIN users u ON u.id = s.submitted_by WHERE s.workspace_id = ? AND s.deliverable_id = ? ORDER BY s.number`, p.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	byID := map[int64]int{}
	for i, x := range out {
		byID[x.ID] = i
	}
	type file struct {
		sid int64
		f   work.FileRef
	}
	files, err := scanAll(ctx, s.db, func(r scanner, x *file) error { return r.Scan(&x.sid, &x.f.ID, &x.f.Name, &x.f.ContentType, &x.f.Size) },
		`SELECT sf.submission_id, f.id, f.name, f.content_type, f.size FROM submission_files sf
		JOIN submissions s ON s.id = sf.submission_id JOIN files f ON f.id = sf.file_id
		WHERE s.workspace_id = ? AND s.deliverable_id = ? ORDER BY f.id`, p.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	for _, x := range files {
		out[byID[x.sid]].Files = append(out[byID[x.sid]].Files, x.f)
	}
	reviews, err := scanAll(ctx, s.db, func(s scanner, r *work.Review) error {
		var decision string
		err := s.Scan(&r.ID, &r.DeliverableID, &r.SubmissionNumber, &decision, &r.Reason, &r.Comment, &r.ReviewedBy, &r.ReviewerName, &r.ReviewedAt)
		r.Accepted = decision == work.DecisionAccepted
		return err
	}, `SELECT r.id, r.deliverable_id, r.submission_number, r.decision, r.reason, r.comment, r.reviewed_by, u.name, r.reviewed_at
		FROM reviews r JOIN users u ON u.id = r.reviewed_by WHERE r.workspace_id = ? AND r.deliverable_id = ?`, p.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	for i := range reviews {
		if n := reviews[i].SubmissionNumber - 1; n >= 0 && n < len(out) {
			out[n].Review = &reviews[i]
		}
	}
	return out, nil
}

// Attachment returns an attachment of a deliverable p may see, and records
// the download in the audit trail.
func (s *WorkStore) Attachment(ctx context.Context, p tandem.Principal, deliverableID, fileID int64) (_ *file.File, err error) {
	defer wrap(&err, "WorkStore.Attachment(%d, %d)", deliverableID, fileID)
	if err := access.Can(p, access.WorkRead); err != nil {
		return nil, err
	}
	d, err := deliverableIn(ctx, s.db, p, deliverableID)
	if err != nil {
		return nil, err
	}
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM submission_files sf JOIN submissions s ON s.id = sf.submission_id
		WHERE s.workspace_id = ? AND s.deliverable_id = ? AND sf.file_id = ?`, p.WorkspaceID, deliverableID, fileID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, tandem.ErrNotFound
	}
	f, err := s.db.loadFile(ctx, p.WorkspaceID, fileID)
	if err != nil {
		return nil, err
	}
	return f, s.db.transact(ctx, func(tx *Tx) error {
		return tx.record(ctx, p, audit.ActionExport, "engagement", d.EngagementID,
			map[string]any{"deliverable_id": deliverableID, "file_id": fileID, "name": f.Name})
	})
}

// Outcomes returns the accepted deliverables of an engagement whose
// acceptance fell on a day in [from, to) (local dates), read from the facts.
func (s *WorkStore) Outcomes(ctx context.Context, p tandem.Principal, engagementID int64, from, to tandem.Date) (_ []work.Outcome, err error) {
	defer wrap(&err, "WorkStore.Outcomes(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return nil, err
	}
	return outcomes(ctx, s.db, p, engagementID, from, to)
}

func outcomes(ctx context.Context, q querier, p tandem.Principal, engagementID int64, from, to tandem.Date) ([]work.Outcome, error) {
	return scanAll(ctx, q, func(s interface{ Scan(...any) error }, o *work.Outcome) error {
		var acceptedAt, createdAt time.Time
		err := s.Scan(&o.DeliverableID, &o.Title, &o.AcceptedAt, &o.LateDays, &o.Returns, nullTime{&acceptedAt}, &createdAt)
		o.LeadTime = int64(acceptedAt.Sub(createdAt).Seconds())
		return err
	}, `SELECT f.subject_id, d.title, f.at, f.value, d.returns, d.accepted_at, d.created_at
		FROM facts f JOIN deliverables d ON d.id = f.subject_id AND d.workspace_id = f.workspace_id
		WHERE f.workspace_id = ? AND f.engagement_id = ? AND f.kind = ? AND f.day >= ? AND f.day < ?
		ORDER BY f.at`, p.WorkspaceID, engagementID, string(fact.DeliverableAccepted), from.String(), to.String())
}

// Figures computes an engagement's work figures for [from, to), with the
// outcomes they come from (the records behind each figure), and the number
// of deliverables not yet accepted and past due now.
func (s *WorkStore) Figures(ctx context.Context, p tandem.Principal, engagementID int64, from, to tandem.Date) (_ work.Figures, _ []work.Outcome, err error) {
	defer wrap(&err, "WorkStore.Figures(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.WorkRead, engagementID); err != nil {
		return work.Figures{}, nil, err
	}
	os, err := outcomes(ctx, s.db, p, engagementID, from, to)
	if err != nil {
		return work.Figures{}, nil, err
	}
	f := work.Compute(os)
	w := deliverableWhere(p, DeliverableFilter{EngagementID: engagementID, Overdue: true}, s.db.Now())
	// Without deliverableFrom's joins of the assignee, which the count
	// does not need.
	err = s.db.queryRow(ctx, `SELECT COUNT(*) FROM deliverables d JOIN engagements e ON e.id = d.engagement_id AND e.workspace_id = d.workspace_id`+
		w.String(), w.args...).Scan(&f.Overdue)
	return f, os, err
}

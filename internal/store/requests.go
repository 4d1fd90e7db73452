package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/fact"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/sla"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// RequestStore keeps the requests of SLA services, their history, and the
// SLA facts their clocks give: "sla.response" and "sla.resolution" when a
// clock stops (flag = met), "breach.response" and "breach.resolution" once
// per request when a clock passes its target. See package request for the
// lifecycle and the clock rules.
type RequestStore struct{ db *DB }

const requestCols = `r.id, r.workspace_id, r.engagement_id, e.title, r.number, r.service_key, r.title, r.description, r.priority,
	r.status, r.terms_version, r.response_minutes, r.resolution_minutes, COALESCE(r.opened_by, 0), COALESCE(u.name, ''), r.opened_side,
	r.opened_at, r.responded_at, r.resolved_at, r.response_breached, r.resolution_breached, r.updated_at`

const requestFrom = ` FROM requests r JOIN engagements e ON e.id = r.engagement_id AND e.workspace_id = r.workspace_id
	LEFT JOIN users u ON u.id = r.opened_by`

func scanRequest(s interface{ Scan(...any) error }, r *request.Request) error {
	var respB, resB int64
	err := s.Scan(&r.ID, &r.WorkspaceID, &r.EngagementID, &r.EngagementTitle, &r.Number, &r.ServiceKey, &r.Title, &r.Description,
		&r.Priority, &r.Status, &r.TermsVersion, &r.ResponseMinutes, &r.ResolutionMinutes, &r.OpenedBy, &r.OpenedByName, &r.OpenedSide,
		&r.OpenedAt, nullTime{&r.RespondedAt}, nullTime{&r.ResolvedAt}, &respB, &resB, &r.UpdatedAt)
	r.OpenedAt, r.UpdatedAt = r.OpenedAt.UTC(), r.UpdatedAt.UTC()
	r.ResponseBreached, r.ResolutionBreached = respB != 0, resB != 0
	return err
}

// RequestFilter narrows a list of requests.
type RequestFilter struct {
	EngagementID int64
	Status       string // one status, or "" for all
	Active       bool   // neither resolved nor closed
}

// List returns the requests p may see (those of the engagements p may
// see), newest first unless pg.Sort says otherwise ("number", "opened",
// "status", "priority", "title", "-" for descending), each with its history
// and both clocks as of now. A clock found past its target is recorded as
// a breach on the way.
func (s *RequestStore) List(ctx context.Context, p tandem.Principal, pg tandem.Page, f RequestFilter) (_ []request.Request, total int, err error) {
	defer wrap(&err, "RequestStore.List")
	if err := access.Can(p, access.RequestsRead); err != nil {
		return nil, 0, err
	}
	pg = pg.Normalize()
	var w where
	engagementScope(&w, p)
	w.add("r.workspace_id = ?", p.WorkspaceID)
	if f.EngagementID != 0 {
		w.add("r.engagement_id = ?", f.EngagementID)
	}
	if f.Status != "" {
		w.add("r.status = ?", f.Status)
	}
	if f.Active {
		w.add("r.status NOT IN (?, ?)", string(request.StatusResolved), string(request.StatusClosed))
	}
	if pg.Q != "" {
		w.add(`r.search_text LIKE ? ESCAPE '\'`, likePattern(pg.Q))
	}
	out, total, err := listPage(ctx, s.db, scanRequest, requestCols, requestFrom+w.String(),
		orderBy(pg.Sort, map[string]string{"number": "r.number", "opened": "r.opened_at", "status": "r.status",
			"priority": "r.priority", "title": "r.title"}, "-opened", "r.id"), pg, w.args...)
	if err != nil {
		return nil, 0, err
	}
	if _, err := s.complete(ctx, pointers(out), s.db.Now()); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// Get returns request number of an engagement p may see, with its history
// and clocks as of now, or tandem.ErrNotFound. A clock found past its
// target is recorded as a breach on the way.
func (s *RequestStore) Get(ctx context.Context, p tandem.Principal, engagementID int64, number int) (_ *request.Request, err error) {
	defer wrap(&err, "RequestStore.Get(%d, %d)", engagementID, number)
	return s.get(ctx, p, engagementID, number)
}

func (s *RequestStore) get(ctx context.Context, p tandem.Principal, engagementID int64, number int) (*request.Request, error) {
	if err := access.Can(p, access.RequestsRead); err != nil {
		return nil, err
	}
	r, err := requestIn(ctx, s.db, p, engagementID, number)
	if err != nil {
		return nil, err
	}
	if _, err := s.complete(ctx, []*request.Request{r}, s.db.Now()); err != nil {
		return nil, err
	}
	return r, nil
}

// requestIn reads request number of an engagement p may see, without its
// history, or tandem.ErrNotFound.
func requestIn(ctx context.Context, q querier, p tandem.Principal, engagementID int64, number int) (*request.Request, error) {
	var w where
	engagementScope(&w, p)
	w.add("r.engagement_id = ?", engagementID)
	w.add("r.number = ?", number)
	return scanOne(ctx, q, scanRequest, `SELECT `+requestCols+requestFrom+w.String(), w.args...)
}

// SLAServices lists the services of an engagement's terms in force today
// that have an SLA target: the ones a request may be opened for.
func (s *RequestStore) SLAServices(ctx context.Context, p tandem.Principal, engagementID int64) (_ []contract.Service, err error) {
	defer wrap(&err, "RequestStore.SLAServices(%d)", engagementID)
	if err := access.Can(p, access.RequestsRead); err != nil {
		return nil, err
	}
	et, err := loadEngagementTerms(ctx, s.db, p, engagementID, s.db.Now())
	if err != nil {
		return nil, err
	}
	return request.SLAServices(et.terms), nil
}

// Create opens a request on a live engagement, for a service of the terms
// in force today that has an SLA. The request keeps that terms version and
// its targets for good. The client's owners and managers open requests;
// the partner's people log them on the client's behalf. The other side is
// notified. Errors: EInvalid, EConflict (a draft or ended engagement),
// ENotFound, EForbidden.
func (s *RequestStore) Create(ctx context.Context, p tandem.Principal, r *request.Request) (err error) {
	defer wrap(&err, "RequestStore.Create")
	if err := access.Can(p, access.RequestsWrite); err != nil {
		return err
	}
	// The number is the next of the engagement; two people opening at the
	// same moment on PostgreSQL collide on the unique number, and the
	// later one takes the next.
	for attempt := 0; ; attempt++ {
		err = s.db.transact(ctx, func(tx *Tx) error {
			et, err := loadEngagementTerms(ctx, tx, p, r.EngagementID, tx.now)
			if err != nil {
				return err
			}
			if err := r.Open(et.e, et.terms, et.version, p); err != nil {
				return err
			}
			return s.insert(ctx, tx, p, r, et.cal)
		})
		if attempt == 3 || !s.db.dialect.isUniqueViolation(err) {
			return err
		}
	}
}

func (s *RequestStore) insert(ctx context.Context, tx *Tx, p tandem.Principal, r *request.Request, cal *sla.Calendar) error {
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM requests WHERE engagement_id = ?`, r.EngagementID).Scan(&r.Number); err != nil {
		return err
	}
	first := r.Opening(p, cal, tx.now)
	id, err := tx.insert(ctx, `INSERT INTO requests (workspace_id, engagement_id, number, service_key, title, description, priority, status,
		terms_version, response_minutes, resolution_minutes, opened_by, opened_side, opened_at, response_due_at, resolution_due_at,
		search_text, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.WorkspaceID, r.EngagementID, r.Number, r.ServiceKey, r.Title, r.Description, r.Priority, string(r.Status),
		r.TermsVersion, r.ResponseMinutes, r.ResolutionMinutes, nullID(p.UserID), string(r.OpenedSide), tx.now,
		dueArg(r.Response), dueArg(r.Resolution), r.SearchText(), tx.now)
	if err != nil {
		return err
	}
	r.ID = id
	if err := insertChange(ctx, tx, p.WorkspaceID, id, first); err != nil {
		return err
	}
	return tellAndRecord(ctx, tx, p, r.EngagementID, id, r.Opened(), "request.opened", map[string]any{
		"request_id": id, "number": r.Number, "title": r.Title, "service": r.ServiceKey, "priority": r.Priority,
		"side": r.OpenedSide, "terms_version": r.TermsVersion,
		"response_minutes": r.ResponseMinutes, "resolution_minutes": r.ResolutionMinutes})
}

func insertChange(ctx context.Context, tx *Tx, workspaceID, requestID int64, c request.Change) error {
	_, err := tx.exec(ctx, `INSERT INTO request_changes (workspace_id, request_id, seq, action, from_status, to_status, note, actor_id, actor_side, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, workspaceID, requestID, c.Seq, string(c.Action), string(c.From), string(c.To), c.Note,
		nullID(c.ActorID), string(c.ActorSide), c.At)
	if tx.db.dialect.isUniqueViolation(err) {
		return tandem.Errorf(tandem.EConflict, i18n.K("request.changed_meanwhile"))
	}
	return err
}

// dueArg is a running clock's due time, or NULL while it is paused,
// stopped or has no target.
func dueArg(c request.Clock) any {
	if c.Due.IsZero() || c.Stopped {
		return nil
	}
	return c.Due.UTC()
}

// Transition takes an action on a request (see request.Rules for who may
// take which): it writes a history row, moves the status, stops or resumes
// the clocks, and records what the clocks give — "sla.response" at the
// first response and "sla.resolution" at the first resolution (flag = met,
// value = business minutes elapsed), and any breach not yet recorded. The
// other side is notified. It reads and writes in one transaction and
// returns the request as it is after. Errors: EInvalid (field "action" or
// "note"), EForbidden (the other side's action, or a viewer), EConflict
// (the request changed meanwhile), ENotFound.
func (s *RequestStore) Transition(ctx context.Context, p tandem.Principal, engagementID int64, number int, a request.Action, note string) (_ *request.Request, err error) {
	defer wrap(&err, "RequestStore.Transition(%d, %d, %s)", engagementID, number, a)
	if err := access.Can(p, access.RequestsWrite); err != nil {
		return nil, err
	}
	var out *request.Request
	err = s.db.transact(ctx, func(tx *Tx) error {
		r, err := requestIn(ctx, tx, p, engagementID, number)
		if err != nil {
			return err
		}
		if err := loadHistories(ctx, tx, []*request.Request{r}); err != nil {
			return err
		}
		cal, err := newClocker(tx).calendar(ctx, r)
		if err != nil {
			return err
		}
		m, err := r.Transition(a, note, p, cal, tx.now)
		if err != nil {
			return err
		}
		x, ch := &m.Request, m.Change
		if err := changeOne(ctx, tx, i18n.K("request.changed_meanwhile"), `UPDATE requests SET status = ?, responded_at = ?, resolved_at = ?, response_due_at = ?, resolution_due_at = ?,
			updated_at = ? WHERE workspace_id = ? AND id = ? AND status = ?`,
			string(x.Status), nullTimeArg(x.RespondedAt), nullTimeArg(x.ResolvedAt), dueArg(x.Response), dueArg(x.Resolution),
			tx.now, p.WorkspaceID, r.ID, string(r.Status)); err != nil {
			return err
		}
		if err := insertChange(ctx, tx, p.WorkspaceID, r.ID, ch); err != nil {
			return err
		}
		for _, stop := range m.Stops() {
			if err := recordStop(ctx, tx, x, stop, tx.now); err != nil {
				return err
			}
		}
		if _, err := recordBreaches(ctx, tx, x, cal, tx.now); err != nil {
			return err
		}
		if err := tell(ctx, tx, p, r.EngagementID, r.ID, m.Told()); err != nil {
			return err
		}
		out = x
		return tx.record(ctx, p, "request.moved", "engagement", r.EngagementID, map[string]any{
			"request_id": r.ID, "number": r.Number, "action": a, "from": r.Status, "to": x.Status, "note": ch.Note})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// clockData is what a clock's audit entries carry.
func clockData(r *request.Request, c request.Stop) map[string]any {
	return map[string]any{"number": r.Number, "service": r.ServiceKey, "terms_version": r.TermsVersion,
		"target_minutes": c.Target, "elapsed_minutes": c.Minutes, "over_minutes": c.Over}
}

// clockFact is the payload of a clock's compliance fact (fact.SLAResponse,
// fact.SLAResolution); a breach carries the same (fact.Breach).
func clockFact(r *request.Request, c request.Stop) fact.ClockStopped {
	return fact.ClockStopped{Clock: fact.Clock(c.Clock), Number: r.Number, Service: r.ServiceKey, TermsVersion: r.TermsVersion,
		TargetMinutes: c.Target, ElapsedMinutes: c.Minutes, OverMinutes: c.Over}
}

// recordStop records the compliance fact of a clock that stopped at at:
// "sla.response" or "sla.resolution", flag = met, value = business minutes
// elapsed, with the terms that applied.
func recordStop(ctx context.Context, tx *Tx, r *request.Request, c request.Stop, at time.Time) error {
	_, err := recordFact(ctx, tx, System(r.WorkspaceID, "sla"), Fact{EngagementID: r.EngagementID, SubjectID: r.ID,
		At: at, Value: c.Minutes, Flag: c.Met, Data: clockFact(r, c)})
	return err
}

// recordBreaches records each clock of r that is past its target and not
// yet recorded (request.Unrecorded): the request's flag, a
// "breach.<clock>" fact (once per request, even across instances: the flag
// is set by a conditional update and the fact is unique), a notification
// to both sides, and an entry in the engagement's feed. The fact's value is
// the business minutes over target when it was found; its time is the
// moment of the breach. It reports how many breaches it recorded.
func recordBreaches(ctx context.Context, tx *Tx, r *request.Request, cal *sla.Calendar, now time.Time) (int, error) {
	sys := System(r.WorkspaceID, "sla")
	n := 0
	for _, b := range r.Unrecorded(cal, now) {
		k, err := tx.changed(ctx, `UPDATE requests SET `+b.Clock+`_breached = 1, `+b.Clock+`_due_at = NULL WHERE id = ? AND `+b.Clock+`_breached = 0`, r.ID)
		if err != nil {
			return n, err
		}
		r.MarkBreached(b.Clock)
		if k != 1 {
			continue // another instance got there first
		}
		data := clockData(r, b.Stop)
		ok, err := recordFact(ctx, tx, sys, Fact{EngagementID: r.EngagementID, SubjectID: r.ID,
			At: b.At, Value: b.Over, Data: fact.Breach(clockFact(r, b.Stop))})
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		n++
		if err := tell(ctx, tx, sys, r.EngagementID, r.ID, r.Breached(b.Clock)); err != nil {
			return n, err
		}
		data["request_id"], data["clock"] = r.ID, b.Clock
		if err := tx.record(ctx, sys, "request.breached", "engagement", r.EngagementID, data); err != nil {
			return n, err
		}
	}
	return n, nil
}

// SweepBreaches records the breaches of every workspace's requests whose
// running clock passed its target by now and that nobody has read since.
// The server calls it every minute; several instances may call it at once,
// each breach is still recorded once. One call handles at most 1,000
// requests, oldest first; the next call takes the rest. It reports how many
// breaches it recorded.
func (s *RequestStore) SweepBreaches(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "RequestStore.SweepBreaches")
	now = now.UTC()
	due, err := scanAll(ctx, s.db, scanRequest, `SELECT `+requestCols+requestFrom+`
		WHERE (r.response_due_at <= ? AND r.response_breached = 0) OR (r.resolution_due_at <= ? AND r.resolution_breached = 0)
		ORDER BY r.id LIMIT 1000`, now, now)
	if err != nil {
		return 0, err
	}
	return s.complete(ctx, pointers(due), now)
}

// pointers returns pointers to the elements of xs.
func pointers[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// clocker computes requests' clocks, caching the workspaces' zones and the
// calendars of the terms versions it meets.
type clocker struct {
	q    querier
	zone map[int64]string
	cals map[[2]int64]*sla.Calendar // by engagement and version
}

func newClocker(q querier) *clocker {
	return &clocker{q: q, zone: map[int64]string{}, cals: map[[2]int64]*sla.Calendar{}}
}

// calendar is the compiled calendar of the terms version r was opened
// under.
func (c *clocker) calendar(ctx context.Context, r *request.Request) (*sla.Calendar, error) {
	key := [2]int64{r.EngagementID, int64(r.TermsVersion)}
	if cal, ok := c.cals[key]; ok {
		return cal, nil
	}
	tz, ok := c.zone[r.WorkspaceID]
	if !ok {
		var err error
		if tz, _, err = workspaceZone(ctx, c.q, r.WorkspaceID); err != nil {
			return nil, err
		}
		c.zone[r.WorkspaceID] = tz
	}
	var v contract.Version
	if err := scanVersion(c.q.queryRow(ctx, `SELECT `+versionCols+` FROM contract_versions v
		WHERE v.workspace_id = ? AND v.engagement_id = ? AND v.number = ?`, r.WorkspaceID, r.EngagementID, r.TermsVersion), &v); err != nil {
		return nil, fmt.Errorf("terms version %d of engagement %d: %w", r.TermsVersion, r.EngagementID, err)
	}
	cal := work.Calendar(v.Terms, tz)
	c.cals[key] = cal
	return cal, nil
}

// complete loads the requests' histories, computes their clocks at now and
// records the breaches found. It reports how many it recorded.
func (s *RequestStore) complete(ctx context.Context, rs []*request.Request, now time.Time) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	if err := loadHistories(ctx, s.db, rs); err != nil {
		return 0, err
	}
	clk := newClocker(s.db)
	n := 0
	for _, r := range rs {
		cal, err := clk.calendar(ctx, r)
		if err != nil {
			return n, err
		}
		r.Response, r.Resolution = request.Clocks(cal, r, r.History, now)
		if (r.Response.Breached && !r.ResponseBreached) || (r.Resolution.Breached && !r.ResolutionBreached) {
			var k int
			err := s.db.transact(ctx, func(tx *Tx) error {
				x := *r
				var err error
				k, err = recordBreaches(ctx, tx, &x, cal, now)
				return err
			})
			if err != nil {
				return n, err
			}
			r.ResponseBreached = r.ResponseBreached || r.Response.Breached
			r.ResolutionBreached = r.ResolutionBreached || r.Resolution.Breached
			n += k
		}
	}
	return n, nil
}

// loadHistories loads the requests' histories, oldest change first.
func loadHistories(ctx context.Context, q querier, rs []*request.Request) error {
	byID := make(map[int64]*request.Request, len(rs))
	ids := make([]any, 0, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
		r.History = nil
		ids = append(ids, r.ID)
	}
	rows, err := q.query(ctx, `SELECT c.request_id, c.seq, c.action, c.from_status, c.to_status, c.note, COALESCE(c.actor_id, 0),
		COALESCE(u.name, ''), c.actor_side, c.at FROM request_changes c LEFT JOIN users u ON u.id = c.actor_id
		WHERE c.request_id IN (`+placeholders(len(ids))+`) ORDER BY c.request_id, c.seq`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c request.Change
		if err := rows.Scan(&id, &c.Seq, &c.Action, &c.From, &c.To, &c.Note, &c.ActorID, &c.ActorName, &c.ActorSide, &c.At); err != nil {
			return err
		}
		c.At = c.At.UTC()
		byID[id].History = append(byID[id].History, c)
	}
	return rows.Err()
}

// Facts returns what a request's clocks have recorded, oldest first: the
// "sla.response" and "sla.resolution" compliance facts and the
// "breach.response" and "breach.resolution" facts. Whoever may see the
// request may call it.
func (s *RequestStore) Facts(ctx context.Context, p tandem.Principal, engagementID int64, number int) (_ []Fact, err error) {
	defer wrap(&err, "RequestStore.Facts(%d, %d)", engagementID, number)
	r, err := s.get(ctx, p, engagementID, number)
	if err != nil {
		return nil, err
	}
	return scanAll(ctx, s.db, func(row scanner, f *Fact) error {
		f.EngagementID, f.SubjectID = r.EngagementID, r.ID
		var flag int64
		var js string
		if err := row.Scan(&f.Kind, &f.At, &f.Value, &flag, &js); err != nil {
			return err
		}
		f.At, f.Flag = f.At.UTC(), flag != 0
		var err error
		f.Data, err = fact.Decode(f.Kind, []byte(js))
		return err
	}, `SELECT kind, at, value, flag, data FROM facts WHERE workspace_id = ? AND engagement_id = ? AND subject_id = ?
		AND kind IN (?, ?, ?, ?) ORDER BY at, id`, p.WorkspaceID, r.EngagementID, r.ID,
		string(fact.SLAResponse), string(fact.SLAResolution), string(fact.ResponseBreach), string(fact.ResolutionBreach))
}

package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/governance"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// MeetingStore keeps an engagement's meetings: series from the cadence of
// the terms, occurrences, agendas, minutes, decisions, action items, and
// each person's calendar feed token. The rules are in package governance.
type MeetingStore struct{ db *DB }

// Minutes is an occurrence with everything its page shows.
type Minutes struct {
	Occurrence governance.Occurrence
	Series     governance.Series
	Items      []governance.Item // stored agenda items (see governance.Agenda)
	Attended   []int64           // users present
	Decisions  []governance.Decision
	Actions    []governance.ActionItem // action items recorded at this meeting
	Open       []governance.ActionItem // the engagement's open action items (for the agenda)
	Powers     string                  // the committee's powers of the terms in force
	People     []governance.Person     // who may attend and own action items
	Previous   time.Time               // when the previous occurrence of the series started (zero: none)
	// Window is what the agenda covers: since the previous held
	// occurrence of the series, or the engagement's start (governance.WindowOf).
	Window governance.Window
	// PreviousAgenda is the stored agenda of the previous held occurrence
	// of the series (governance.SinceLast).
	PreviousAgenda []governance.Item
}

const occurrenceCols = `o.id, o.workspace_id, o.engagement_id, e.title, o.series_id, ms.kind, o.number, o.starts_at, o.duration_min, o.place,
	o.status, o.sequence, ms.chair_id, o.finalised_at, o.updated_at`

const occurrenceFrom = ` FROM meetings o JOIN meeting_series ms ON ms.id = o.series_id
	JOIN engagements e ON e.id = o.engagement_id AND e.workspace_id = o.workspace_id`

func scanOccurrence(s scanner, o *governance.Occurrence) error {
	err := s.Scan(&o.ID, &o.WorkspaceID, &o.EngagementID, &o.EngagementTitle, &o.SeriesID, &o.Kind, &o.Number, &o.StartsAt,
		&o.DurationMin, &o.Place, &o.Status, &o.Sequence, &o.ChairID, nullTime{&o.FinalisedAt}, &o.UpdatedAt)
	o.StartsAt, o.UpdatedAt = o.StartsAt.UTC(), o.UpdatedAt.UTC()
	return err
}

const seriesCols = `ms.id, ms.workspace_id, ms.engagement_id, ms.kind, ms.every_days, ms.first_at, ms.duration_min, ms.place,
	ms.chair_id, u.name, ms.created_at`

func scanSeries(s scanner, x *governance.Series) error {
	err := s.Scan(&x.ID, &x.WorkspaceID, &x.EngagementID, &x.Kind, &x.EveryDays, &x.FirstAt, &x.DurationMin, &x.Place,
		&x.ChairID, &x.ChairName, &x.CreatedAt)
	x.FirstAt = x.FirstAt.UTC()
	return err
}

const actionCols = `a.id, a.workspace_id, a.engagement_id, e.title, a.meeting_id, a.title, a.owner_id, u.name,
	CASE WHEN m.role IN ('` + string(tandem.RoleVendorManager) + `', '` + string(tandem.RoleVendorAgent) + `') THEN 1 ELSE 0 END, a.due_on, a.link, a.topic, a.tool,
	a.done_at, a.alerted_at, a.created_at`

const actionFrom = ` FROM action_items a JOIN engagements e ON e.id = a.engagement_id AND e.workspace_id = a.workspace_id
	JOIN users u ON u.id = a.owner_id LEFT JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.owner_id`

func scanAction(s scanner, a *governance.ActionItem) error {
	var partner int
	err := s.Scan(&a.ID, &a.WorkspaceID, &a.EngagementID, &a.EngagementTitle, &a.MeetingID, &a.Title, &a.OwnerID, &a.OwnerName,
		&partner, dateScan{&a.Due}, &a.Link, &a.Topic, &a.Tool, nullTime{&a.DoneAt}, nullTime{&a.AlertedAt}, &a.CreatedAt)
	a.OwnerPartner = partner != 0
	return err
}

// meetingPeople are who may attend an engagement's meetings and own its
// action items: the client's people and the partner's people on it (its
// managers and the agents assigned to it), by name.
func meetingPeople(ctx context.Context, q querier, workspaceID, engagementID int64) ([]governance.Person, error) {
	return scanAll(ctx, q, func(s scanner, x *governance.Person) error {
		var partner int
		err := s.Scan(&x.UserID, &x.Name, &partner)
		x.Partner = partner != 0
		return err
	}, `SELECT u.id, u.name, CASE WHEN m.role IN (?, ?, ?) THEN 0 ELSE 1 END FROM memberships m JOIN users u ON u.id = m.user_id
		JOIN engagements e ON e.workspace_id = m.workspace_id AND e.id = ?
		WHERE m.workspace_id = ? AND (m.role IN (?, ?, ?) OR (m.partner_id = e.partner_id AND (m.role = ?
		OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = e.id))))
		ORDER BY 3, u.name, u.id`,
		string(tandem.RoleOwner), string(tandem.RoleManager), string(tandem.RoleViewer), engagementID, workspaceID,
		string(tandem.RoleOwner), string(tandem.RoleManager), string(tandem.RoleViewer), string(tandem.RoleVendorManager))
}

func personIn(ps []governance.Person, id int64) (governance.Person, bool) {
	for _, x := range ps {
		if x.UserID == id {
			return x, true
		}
	}
	return governance.Person{}, false
}

// People lists who may attend an engagement's meetings and own its action
// items. Every member who sees the engagement may call it.
func (s *MeetingStore) People(ctx context.Context, p tandem.Principal, engagementID int64) (_ []governance.Person, err error) {
	defer wrap(&err, "MeetingStore.People(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.MeetingsRead, engagementID); err != nil {
		return nil, err
	}
	return meetingPeople(ctx, s.db, p.WorkspaceID, engagementID)
}

// Series lists an engagement's meeting series with their participants.
func (s *MeetingStore) Series(ctx context.Context, p tandem.Principal, engagementID int64) (_ []governance.Series, err error) {
	defer wrap(&err, "MeetingStore.Series(%d)", engagementID)
	if err := canSeeEngagement(ctx, s.db, p, access.MeetingsRead, engagementID); err != nil {
		return nil, err
	}
	return loadSeries(ctx, s.db, p, engagementID, 0)
}

func loadSeries(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) ([]governance.Series, error) {
	var w where
	w.add("ms.workspace_id = ? AND ms.engagement_id = ?", p.WorkspaceID, engagementID)
	if id != 0 {
		w.add("ms.id = ?", id)
	}
	ss, err := scanAll(ctx, q, scanSeries, `SELECT `+seriesCols+` FROM meeting_series ms JOIN users u ON u.id = ms.chair_id`+w.String()+` ORDER BY ms.every_days, ms.id`, w.args...)
	if err != nil {
		return nil, err
	}
	for i := range ss {
		if ss[i].Participants, err = scanAll(ctx, q, func(s scanner, x *governance.Person) error {
			var partner int
			err := s.Scan(&x.UserID, &x.Name, &partner)
			x.Partner = partner != 0
			return err
		}, `SELECT u.id, u.name, CASE WHEN m.role IN (?, ?) THEN 1 ELSE 0 END FROM meeting_participants mp JOIN users u ON u.id = mp.user_id
			LEFT JOIN memberships m ON m.user_id = mp.user_id AND m.workspace_id = ?
			WHERE mp.series_id = ? ORDER BY 3, u.name, u.id`, string(tandem.RoleVendorManager), string(tandem.RoleVendorAgent), p.WorkspaceID, ss[i].ID); err != nil {
			return nil, err
		}
	}
	return ss, nil
}

// CreateSeries adds a meeting series to a live engagement and lays out its
// occurrences (governance.Schedule) up to the engagement's end or
// governance.Horizon. Participants must be people of the engagement
// (People); p chairs it and takes part. One series per kind and
// engagement. Owners, managers and the partner's managers may call it.
// Errors: EInvalid, EConflict (a series of the kind exists), ENotFound.
func (s *MeetingStore) CreateSeries(ctx context.Context, p tandem.Principal, x *governance.Series, participants []int64) (err error) {
	defer wrap(&err, "MeetingStore.CreateSeries")
	if err := access.Can(p, access.MeetingsPlan); err != nil {
		return err
	}
	if err := x.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		return createSeries(ctx, tx, p, x, participants)
	})
}

func createSeries(ctx context.Context, tx *Tx, p tandem.Principal, x *governance.Series, participants []int64) error {
	e, err := engagementIn(ctx, tx, p, x.EngagementID)
	if err != nil {
		return err
	}
	_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
	if err != nil {
		return err
	}
	people, err := meetingPeople(ctx, tx, p.WorkspaceID, e.ID)
	if err != nil {
		return err
	}
	var v tandem.Validator
	ids := []int64{p.UserID}
	for _, u := range participants {
		if _, ok := personIn(people, u); !ok {
			v.Add("participants", i18n.K("meetings.error.participant"))
			break
		}
		ids = append(ids, u)
	}
	if err := v.Err(); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM meeting_series WHERE workspace_id = ? AND engagement_id = ? AND kind = ?`,
		p.WorkspaceID, e.ID, x.Kind).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return governance.ErrSeriesExists
	}
	x.WorkspaceID, x.ChairID, x.CreatedAt = p.WorkspaceID, p.UserID, tx.now
	if x.ID, err = tx.insert(ctx, `INSERT INTO meeting_series (workspace_id, engagement_id, kind, every_days, first_at, duration_min, place, chair_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, e.ID, x.Kind, x.EveryDays, x.FirstAt.UTC(), x.DurationMin, x.Place,
		p.UserID, p.UserID, tx.now); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, u := range ids {
		if seen[u] {
			continue
		}
		seen[u] = true
		if _, err := tx.exec(ctx, `INSERT INTO meeting_participants (series_id, user_id) VALUES (?, ?)`, x.ID, u); err != nil {
			return err
		}
	}
	times := governance.Schedule(x.FirstAt, x.EveryDays, governance.Until(e.EndsOn, tx.now, loc), loc)
	for i, t := range times {
		if _, err := tx.exec(ctx, `INSERT INTO meetings (workspace_id, engagement_id, series_id, number, starts_at, duration_min, place, status, sequence, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`, p.WorkspaceID, e.ID, x.ID, i+1, t, x.DurationMin, x.Place, string(governance.Scheduled), tx.now); err != nil {
			return err
		}
	}
	return tx.record(ctx, p, "meeting.series_created", "engagement", e.ID, map[string]any{
		"series_id": x.ID, "kind": x.Kind, "every_days": x.EveryDays, "first_at": x.FirstAt.UTC(), "occurrences": len(times)})
}

// PlanFromCadence creates the series the cadence of the terms in force asks
// for that the engagement lacks (governance.FromCadence), with every person
// of the engagement taking part and p in the chair. It returns how many it
// created. Owners, managers and the partner's managers may call it.
// Errors: EConflict (the cadence asks for none that is missing), ENotFound.
func (s *MeetingStore) PlanFromCadence(ctx context.Context, p tandem.Principal, engagementID int64) (n int, err error) {
	defer wrap(&err, "MeetingStore.PlanFromCadence(%d)", engagementID)
	if err := access.Can(p, access.MeetingsPlan); err != nil {
		return 0, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		et, err := loadEngagementTerms(ctx, tx, p, engagementID, tx.now)
		if err != nil {
			return err
		}
		have, err := scanAll(ctx, tx, scanString, `SELECT kind FROM meeting_series WHERE workspace_id = ? AND engagement_id = ?`, p.WorkspaceID, engagementID)
		if err != nil {
			return err
		}
		from := tx.now
		if start := et.e.StartsOn.Time(); !et.e.StartsOn.IsZero() && start.After(from) {
			from = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, et.loc)
		}
		drafts := governance.FromCadence(et.terms, have, from, et.loc)
		if len(drafts) == 0 {
			return governance.ErrNoCadence
		}
		people, err := meetingPeople(ctx, tx, p.WorkspaceID, engagementID)
		if err != nil {
			return err
		}
		var ids []int64
		for _, x := range people {
			ids = append(ids, x.UserID)
		}
		for i := range drafts {
			drafts[i].EngagementID = engagementID
			if err := drafts[i].Validate(); err != nil {
				return err
			}
			if err := createSeries(ctx, tx, p, &drafts[i], ids); err != nil {
				return err
			}
		}
		n = len(drafts)
		return nil
	})
	return n, err
}

// OccurrenceFilter narrows a list of occurrences.
type OccurrenceFilter struct {
	EngagementID  int64     // 0: every engagement p sees
	EngagementIDs []int64   // nil: every engagement p sees; else only these
	From, To      time.Time // starts within [From, To); zero: open
	UserID        int64     // only the series this person takes part in
}

// Occurrences lists occurrences p may see, by start time.
func (s *MeetingStore) Occurrences(ctx context.Context, p tandem.Principal, f OccurrenceFilter) (_ []governance.Occurrence, err error) {
	defer wrap(&err, "MeetingStore.Occurrences")
	if err := access.Can(p, access.MeetingsRead); err != nil {
		return nil, err
	}
	return listOccurrences(ctx, s.db, p, f)
}

func listOccurrences(ctx context.Context, q querier, p tandem.Principal, f OccurrenceFilter) ([]governance.Occurrence, error) {
	var w where
	engagementScope(&w, p)
	w.add("o.workspace_id = ?", p.WorkspaceID)
	if f.EngagementID != 0 {
		w.add("o.engagement_id = ?", f.EngagementID)
	}
	if len(f.EngagementIDs) > 0 {
		in := make([]any, len(f.EngagementIDs))
		for i, id := range f.EngagementIDs {
			in[i] = id
		}
		w.add("o.engagement_id IN ("+placeholders(len(in))+")", in...)
	}
	if !f.From.IsZero() {
		w.add("o.starts_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		w.add("o.starts_at < ?", f.To.UTC())
	}
	if f.UserID != 0 {
		w.add("EXISTS (SELECT 1 FROM meeting_participants mp WHERE mp.series_id = o.series_id AND mp.user_id = ?)", f.UserID)
	}
	return scanAll(ctx, q, scanOccurrence, `SELECT `+occurrenceCols+occurrenceFrom+w.String()+` ORDER BY o.starts_at, o.id`, w.args...)
}

func occurrenceIn(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) (*governance.Occurrence, error) {
	var w where
	engagementScope(&w, p)
	w.add("o.workspace_id = ? AND o.engagement_id = ? AND o.id = ?", p.WorkspaceID, engagementID, id)
	return scanOne(ctx, q, scanOccurrence, `SELECT `+occurrenceCols+occurrenceFrom+w.String(), w.args...)
}

// Get returns occurrence id of an engagement with its minutes.
func (s *MeetingStore) Get(ctx context.Context, p tandem.Principal, engagementID, id int64) (_ *Minutes, err error) {
	defer wrap(&err, "MeetingStore.Get(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsRead); err != nil {
		return nil, err
	}
	return loadMinutes(ctx, s.db, p, engagementID, id)
}

func loadMinutes(ctx context.Context, q querier, p tandem.Principal, engagementID, id int64) (*Minutes, error) {
	o, err := occurrenceIn(ctx, q, p, engagementID, id)
	if err != nil {
		return nil, err
	}
	m := &Minutes{Occurrence: *o}
	ss, err := loadSeries(ctx, q, p, engagementID, o.SeriesID)
	if err != nil {
		return nil, err
	}
	if len(ss) == 1 {
		m.Series = ss[0]
	}
	if m.Items, err = agendaItems(ctx, q, id); err != nil {
		return nil, err
	}
	if m.Attended, err = scanAll(ctx, q, scanInt64, `SELECT user_id FROM meeting_attendance WHERE meeting_id = ? ORDER BY user_id`, id); err != nil {
		return nil, err
	}
	if m.Decisions, err = scanAll(ctx, q, func(s scanner, d *governance.Decision) error {
		var beyond int
		err := s.Scan(&d.ID, &d.EngagementID, &d.MeetingID, &d.Number, &d.Text, &beyond, &d.CreatedBy, &d.CreatedAt)
		d.BeyondPowers = beyond != 0
		return err
	}, `SELECT id, engagement_id, meeting_id, number, body, beyond_powers, created_by, created_at FROM decisions
		WHERE workspace_id = ? AND meeting_id = ? ORDER BY number`, p.WorkspaceID, id); err != nil {
		return nil, err
	}
	if m.Actions, err = scanAll(ctx, q, scanAction, `SELECT `+actionCols+actionFrom+` WHERE a.workspace_id = ? AND a.meeting_id = ? ORDER BY a.id`, p.WorkspaceID, id); err != nil {
		return nil, err
	}
	if m.Open, err = scanAll(ctx, q, scanAction, `SELECT `+actionCols+actionFrom+` WHERE a.workspace_id = ? AND a.engagement_id = ? AND a.done_at IS NULL AND a.meeting_id <> ?
		ORDER BY a.due_on, a.id`, p.WorkspaceID, engagementID, id); err != nil {
		return nil, err
	}
	if m.People, err = meetingPeople(ctx, q, p.WorkspaceID, engagementID); err != nil {
		return nil, err
	}
	var prev []time.Time
	if prev, err = scanAll(ctx, q, func(s scanner, t *time.Time) error { return s.Scan(t) },
		`SELECT starts_at FROM meetings WHERE series_id = ? AND number < ? AND status <> ? ORDER BY number DESC LIMIT 1`,
		o.SeriesID, o.Number, string(governance.Cancelled)); err != nil {
		return nil, err
	}
	if len(prev) == 1 {
		m.Previous = prev[0].UTC()
	}
	type held struct {
		id int64
		at time.Time
	}
	hs, err := scanAll(ctx, q, func(s scanner, h *held) error { return s.Scan(&h.id, &h.at) },
		`SELECT id, starts_at FROM meetings WHERE series_id = ? AND number < ? AND status = ? ORDER BY number DESC LIMIT 1`,
		o.SeriesID, o.Number, string(governance.Held))
	if err != nil {
		return nil, err
	}
	var previousHeld, start time.Time
	if len(hs) == 1 {
		previousHeld = hs[0].at.UTC()
		if m.PreviousAgenda, err = agendaItems(ctx, q, hs[0].id); err != nil {
			return nil, err
		}
	} else {
		var startsOn tandem.Date
		if err := q.queryRow(ctx, `SELECT starts_on FROM engagements WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, engagementID).Scan(dateScan{&startsOn}); err != nil {
			return nil, err
		}
		_, loc, err := workspaceZone(ctx, q, p.WorkspaceID)
		if err != nil {
			return nil, err
		}
		if !startsOn.IsZero() {
			d := startsOn.Time()
			start = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).UTC()
		}
	}
	m.Window = governance.WindowOf(previousHeld, start, o.StartsAt)
	if v, err := termsInForce(ctx, q, p, engagementID, tandem.DateOf(o.StartsAt)); err == nil {
		m.Powers = v.Terms.Governance.Powers
	} else if tandem.ErrorCode(err) != tandem.ENotFound {
		return nil, err
	}
	return m, nil
}

// Move moves occurrence id (time, duration, place), raising its sequence;
// the participants are told. Owners, managers and the partner's managers
// may call it. Errors: EInvalid, EConflict (cancelled or held), ENotFound.
func (s *MeetingStore) Move(ctx context.Context, p tandem.Principal, engagementID, id int64, startsAt time.Time, durationMin int, place string) (err error) {
	defer wrap(&err, "MeetingStore.Move(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsPlan); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		o, err := occurrenceIn(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		before := map[string]any{"starts_at": o.StartsAt, "duration_min": o.DurationMin, "place": o.Place}
		seq := o.Sequence
		if err := o.Move(startsAt, durationMin, place); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("meetings.error.changed"), `UPDATE meetings SET starts_at = ?, duration_min = ?, place = ?, sequence = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ? AND sequence = ?`, o.StartsAt, o.DurationMin, o.Place, o.Sequence, tx.now, p.WorkspaceID, id, seq); err != nil {
			return err
		}
		if err := tellParticipants(ctx, tx, p, o, "meeting.moved"); err != nil {
			return err
		}
		return tx.recordChanges(ctx, p, "meeting.moved", "engagement", engagementID, before,
			map[string]any{"starts_at": o.StartsAt, "duration_min": o.DurationMin, "place": o.Place})
	})
}

// Cancel cancels occurrence id, raising its sequence (it stays in the
// calendar as cancelled); the participants are told. Owners, managers and
// the partner's managers may call it. Errors: EConflict, ENotFound.
func (s *MeetingStore) Cancel(ctx context.Context, p tandem.Principal, engagementID, id int64) (err error) {
	defer wrap(&err, "MeetingStore.Cancel(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsPlan); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		o, err := occurrenceIn(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		seq := o.Sequence
		if err := o.Cancel(); err != nil {
			return err
		}
		if err := changeOne(ctx, tx, i18n.K("meetings.error.changed"), `UPDATE meetings SET status = ?, sequence = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ? AND sequence = ?`, string(o.Status), o.Sequence, tx.now, p.WorkspaceID, id, seq); err != nil {
			return err
		}
		if err := tellParticipants(ctx, tx, p, o, "meeting.cancelled"); err != nil {
			return err
		}
		return tx.record(ctx, p, "meeting.cancelled", "engagement", engagementID, map[string]any{"meeting_id": id, "starts_at": o.StartsAt})
	})
}

func tellParticipants(ctx context.Context, tx *Tx, p tandem.Principal, o *governance.Occurrence, kind string) error {
	ids, err := userIDs(ctx, tx, `SELECT user_id FROM meeting_participants WHERE series_id = ? ORDER BY user_id`, o.SeriesID)
	if err != nil {
		return err
	}
	return notify(ctx, tx, p, ids, kind, o.EngagementID, o.ID, map[string]any{"title": o.EngagementTitle, "kind": o.Kind, "starts_at": o.StartsAt})
}

// editable loads occurrence id for a change of its minutes.
func editable(ctx context.Context, tx *Tx, p tandem.Principal, engagementID, id int64) (*governance.Occurrence, error) {
	o, err := occurrenceIn(ctx, tx, p, engagementID, id)
	if err != nil {
		return nil, err
	}
	return o, o.Editable()
}

// AddItem adds an item a person proposes to the agenda of occurrence id.
// Owners, managers and the partner's managers may call it. Errors:
// EInvalid, EConflict (cancelled or final), ENotFound.
func (s *MeetingStore) AddItem(ctx context.Context, p tandem.Principal, engagementID, id int64, title string) (_ *governance.Item, err error) {
	defer wrap(&err, "MeetingStore.AddItem(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsMinutes); err != nil {
		return nil, err
	}
	it, err := governance.NewItem(title)
	if err != nil {
		return nil, err
	}
	err = s.db.transact(ctx, func(tx *Tx) error {
		if _, err := editable(ctx, tx, p, engagementID, id); err != nil {
			return err
		}
		if it.ID, err = insertItem(ctx, tx, id, it, p.UserID); err != nil {
			return err
		}
		return tx.record(ctx, p, "meeting.item_added", "engagement", engagementID, map[string]any{"meeting_id": id, "title": it.Title})
	})
	return &it, err
}

// agendaItems are the stored agenda items of a meeting, by position.
func agendaItems(ctx context.Context, q querier, meetingID int64) ([]governance.Item, error) {
	return scanAll(ctx, q, func(s scanner, it *governance.Item) error {
		var reached, stillOpen int
		err := s.Scan(&it.ID, &it.Source, &it.RecordID, &it.Title, &it.Notes, &reached, &it.AddedBy, &it.Position, &stillOpen)
		it.Reached, it.StillOpen = reached != 0, stillOpen != 0
		return err
	}, `SELECT id, source, record_id, title, notes, reached, COALESCE(added_by, 0), position, still_open FROM meeting_items WHERE meeting_id = ?
		ORDER BY position, id`, meetingID)
}

func insertItem(ctx context.Context, tx *Tx, meetingID int64, it governance.Item, by int64) (int64, error) {
	var pos int
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM meeting_items WHERE meeting_id = ?`, meetingID).Scan(&pos); err != nil {
		return 0, err
	}
	return tx.insert(ctx, `INSERT INTO meeting_items (meeting_id, source, record_id, title, notes, reached, added_by, position, still_open)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		meetingID, string(it.Source), it.RecordID, it.Title, it.Notes, boolInt(it.Reached), nullID(by), pos+1, boolInt(it.StillOpen))
}

// Note records the notes of an agenda item and whether it was reached. A
// generated item (what waits, an open action item) is stored with its
// first note; it is matched by its source and record. Owners, managers and
// the partner's managers may call it. Errors: EInvalid, EConflict, ENotFound.
func (s *MeetingStore) Note(ctx context.Context, p tandem.Principal, engagementID, id int64, it governance.Item) (err error) {
	defer wrap(&err, "MeetingStore.Note(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsMinutes); err != nil {
		return err
	}
	if it.Notes, err = governance.CheckNotes(it.Notes); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := editable(ctx, tx, p, engagementID, id); err != nil {
			return err
		}
		if err := saveNote(ctx, tx, id, it, p.UserID); err != nil {
			return err
		}
		return tx.record(ctx, p, "meeting.noted", "engagement", engagementID, map[string]any{"meeting_id": id, "item": it.Key(), "reached": it.Reached})
	})
}

func saveNote(ctx context.Context, tx *Tx, meetingID int64, it governance.Item, by int64) error {
	switch it.Source {
	case governance.SourceManual, governance.SourceCarried:
		return tx.execOne(ctx, tandem.ErrNotFound, `UPDATE meeting_items SET notes = ?, reached = ? WHERE meeting_id = ? AND id = ?`,
			it.Notes, boolInt(it.Reached), meetingID, it.ID)
	}
	n, err := tx.changed(ctx, `UPDATE meeting_items SET notes = ?, reached = ? WHERE meeting_id = ? AND source = ? AND record_id = ?
		AND (record_id <> 0 OR title = ?)`, it.Notes, boolInt(it.Reached), meetingID, string(it.Source), it.RecordID, it.Title)
	if err != nil || n > 0 {
		return err
	}
	var v tandem.Validator
	v.Required("title", it.Title)
	v.MaxLen("title", it.Title, governance.MaxTitle)
	if err := v.Err(); err != nil {
		return err
	}
	_, err = insertItem(ctx, tx, meetingID, it, by)
	return err
}

// Attend records who attended occurrence id (people of the engagement).
// Owners, managers and the partner's managers may call it.
func (s *MeetingStore) Attend(ctx context.Context, p tandem.Principal, engagementID, id int64, users []int64) (err error) {
	defer wrap(&err, "MeetingStore.Attend(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsMinutes); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := editable(ctx, tx, p, engagementID, id); err != nil {
			return err
		}
		people, err := meetingPeople(ctx, tx, p.WorkspaceID, engagementID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM meeting_attendance WHERE meeting_id = ?`, id); err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, u := range users {
			if _, ok := personIn(people, u); !ok {
				var v tandem.Validator
				v.Add("attended", i18n.K("meetings.error.participant"))
				return v.Err()
			}
			if seen[u] {
				continue
			}
			seen[u] = true
			if _, err := tx.exec(ctx, `INSERT INTO meeting_attendance (meeting_id, user_id) VALUES (?, ?)`, id, u); err != nil {
				return err
			}
		}
		return tx.record(ctx, p, "meeting.attendance", "engagement", engagementID, map[string]any{"meeting_id": id, "attended": len(seen)})
	})
}

// Decide records a decision at occurrence id, numbered next in the
// engagement. Owners, managers and the partner's managers may call it.
// Errors: EInvalid, EConflict, ENotFound.
func (s *MeetingStore) Decide(ctx context.Context, p tandem.Principal, engagementID, id int64, d *governance.Decision) (err error) {
	defer wrap(&err, "MeetingStore.Decide(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsMinutes); err != nil {
		return err
	}
	if err := d.Check(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := editable(ctx, tx, p, engagementID, id); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM decisions WHERE workspace_id = ? AND engagement_id = ?`,
			p.WorkspaceID, engagementID).Scan(&d.Number); err != nil {
			return err
		}
		d.EngagementID, d.MeetingID, d.CreatedBy, d.CreatedAt = engagementID, id, p.UserID, tx.now
		if d.ID, err = tx.insert(ctx, `INSERT INTO decisions (workspace_id, engagement_id, meeting_id, number, body, beyond_powers, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, id, d.Number, d.Text, boolInt(d.BeyondPowers), p.UserID, tx.now); err != nil {
			return err
		}
		return tx.record(ctx, p, "meeting.decided", "engagement", engagementID, map[string]any{
			"meeting_id": id, "number": d.Number, "text": d.Text, "beyond_powers": d.BeyondPowers})
	})
}

// AddAction records an action item at occurrence id for a person of the
// engagement; the owner is told. At a weekly consultation the owner must
// be one of the client's people (who implements the tool). Owners,
// managers and the partner's managers may call it. Errors: EInvalid,
// EConflict, ENotFound.
func (s *MeetingStore) AddAction(ctx context.Context, p tandem.Principal, engagementID, id int64, a *governance.ActionItem) (err error) {
	defer wrap(&err, "MeetingStore.AddAction(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsMinutes); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		o, err := editable(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		if err := a.Check(o.Kind); err != nil {
			return err
		}
		people, err := meetingPeople(ctx, tx, p.WorkspaceID, engagementID)
		if err != nil {
			return err
		}
		owner, ok := personIn(people, a.OwnerID)
		if !ok || (o.Kind == governance.KindConsultation && owner.Partner) {
			var v tandem.Validator
			v.Add("owner_id", i18n.K("meetings.error.owner"))
			return v.Err()
		}
		a.WorkspaceID, a.EngagementID, a.MeetingID, a.CreatedAt = p.WorkspaceID, engagementID, id, tx.now
		a.OwnerName, a.OwnerPartner = owner.Name, owner.Partner
		if a.ID, err = tx.insert(ctx, `INSERT INTO action_items (workspace_id, engagement_id, meeting_id, title, owner_id, due_on, link, topic, tool, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, engagementID, id, a.Title, a.OwnerID, dateArg(a.Due), a.Link, a.Topic, a.Tool,
			p.UserID, tx.now); err != nil {
			return err
		}
		if err := notify(ctx, tx, p, []int64{a.OwnerID}, "action.assigned", engagementID, a.ID,
			map[string]any{"title": a.Title, "due": a.Due.String()}); err != nil {
			return err
		}
		return tx.record(ctx, p, "meeting.action_added", "engagement", engagementID, map[string]any{
			"meeting_id": id, "action_id": a.ID, "title": a.Title, "owner_id": a.OwnerID, "due": a.Due.String()})
	})
}

// Finalise makes the minutes of occurrence id final: the agenda's generated
// items (generated: what waits and the open action items, as the agenda
// showed them) are stored as they stand, the occurrence is held, and the
// items not reached come back on the next scheduled occurrence of the
// series. Only the chair may call it. Errors: EForbidden, EConflict, ENotFound.
func (s *MeetingStore) Finalise(ctx context.Context, p tandem.Principal, engagementID, id int64, generated []governance.Item) (err error) {
	defer wrap(&err, "MeetingStore.Finalise(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsMinutes); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		m, err := loadMinutes(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		if err := m.Occurrence.Finalise(p.UserID); err != nil {
			return err
		}
		for _, it := range governance.Agenda(m.Items, generated, false) {
			if it.ID == 0 {
				if _, err := insertItem(ctx, tx, id, it, 0); err != nil {
					return err
				}
			} else if _, err := tx.exec(ctx, `UPDATE meeting_items SET still_open = ? WHERE meeting_id = ? AND id = ?`,
				boolInt(it.StillOpen), id, it.ID); err != nil {
				return err
			}
		}
		if err := changeOne(ctx, tx, i18n.K("meetings.error.changed"), `UPDATE meetings SET status = ?, finalised_at = ?, finalised_by = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ? AND finalised_at IS NULL`, string(governance.Held), tx.now, p.UserID, tx.now, p.WorkspaceID, id); err != nil {
			return err
		}
		carried := governance.Carried(m.Items)
		var next []int64
		if len(carried) > 0 {
			if next, err = scanAll(ctx, tx, scanInt64, `SELECT id FROM meetings WHERE series_id = ? AND number > ? AND status = ? ORDER BY number LIMIT 1`,
				m.Occurrence.SeriesID, m.Occurrence.Number, string(governance.Scheduled)); err != nil {
				return err
			}
			for _, it := range carried {
				if len(next) == 0 {
					break
				}
				if _, err := insertItem(ctx, tx, next[0], it, it.AddedBy); err != nil {
					return err
				}
			}
		}
		return tx.record(ctx, p, "meeting.finalised", "engagement", engagementID, map[string]any{
			"meeting_id": id, "decisions": len(m.Decisions), "actions": len(m.Actions), "carried": len(carried)})
	})
}

// Correct changes a note, a decision or an action item of final minutes,
// recording the old and the new text and the reason in the audit trail.
// Owners, managers and the partner's managers may call it. Errors:
// EInvalid, EConflict (the minutes are not final), ENotFound.
func (s *MeetingStore) Correct(ctx context.Context, p tandem.Principal, engagementID, id int64, c governance.Correction) (err error) {
	defer wrap(&err, "MeetingStore.Correct(%d, %d)", engagementID, id)
	if err := access.Can(p, access.MeetingsMinutes); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		o, err := occurrenceIn(ctx, tx, p, engagementID, id)
		if err != nil {
			return err
		}
		if err := c.Check(o); err != nil {
			return err
		}
		var old, q, upd string
		switch c.Target {
		case "item":
			q, upd = `SELECT notes FROM meeting_items WHERE meeting_id = ? AND id = ?`, `UPDATE meeting_items SET notes = ? WHERE meeting_id = ? AND id = ?`
		case "decision":
			q, upd = `SELECT body FROM decisions WHERE meeting_id = ? AND id = ?`, `UPDATE decisions SET body = ? WHERE meeting_id = ? AND id = ?`
		default:
			q, upd = `SELECT title FROM action_items WHERE meeting_id = ? AND id = ?`, `UPDATE action_items SET title = ? WHERE meeting_id = ? AND id = ?`
		}
		if err := tx.queryRow(ctx, q, id, c.ID).Scan(&old); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, upd, c.Text, id, c.ID); err != nil {
			return err
		}
		return tx.record(ctx, p, "meeting.corrected", "engagement", engagementID, map[string]any{
			"meeting_id": id, "target": c.Target, "id": c.ID, "old": old, "new": c.Text, "reason": c.Reason})
	})
}

// ActionFilter narrows a list of action items.
type ActionFilter struct {
	EngagementID int64 // 0: every engagement p sees
	OwnerID      int64 // 0: anyone's
	Open         bool  // not done
}

// Actions lists action items of engagements p may see, by due date.
func (s *MeetingStore) Actions(ctx context.Context, p tandem.Principal, f ActionFilter) (_ []governance.ActionItem, err error) {
	defer wrap(&err, "MeetingStore.Actions")
	if err := access.Can(p, access.MeetingsRead); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add("a.workspace_id = ?", p.WorkspaceID)
	if f.EngagementID != 0 {
		w.add("a.engagement_id = ?", f.EngagementID)
	}
	if f.OwnerID != 0 {
		w.add("a.owner_id = ?", f.OwnerID)
	}
	if f.Open {
		w.add("a.done_at IS NULL")
	}
	as, err := scanAll(ctx, s.db, scanAction, `SELECT `+actionCols+actionFrom+w.String()+` ORDER BY a.due_on, a.id`, w.args...)
	if err != nil {
		return nil, err
	}
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	actionsDue(as, loc)
	return as, nil
}

// actionsDue sets each action item's DueEnd: the end of its due date in
// the workspace's zone loc.
func actionsDue(as []governance.ActionItem, loc *time.Location) {
	for i := range as {
		d := as[i].Due.Time()
		as[i].DueEnd = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1).UTC()
	}
}

// CompleteAction marks action item id done: its owner, or the people who
// write the minutes (owners, managers, the partner's managers). Errors:
// EForbidden, EConflict (done already), ENotFound.
func (s *MeetingStore) CompleteAction(ctx context.Context, p tandem.Principal, engagementID, id int64) (err error) {
	defer wrap(&err, "MeetingStore.CompleteAction(%d, %d)", engagementID, id)
	if err := access.Can(p, access.ActionsDone); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		var w where
		engagementScope(&w, p)
		w.add("a.workspace_id = ? AND a.engagement_id = ? AND a.id = ?", p.WorkspaceID, engagementID, id)
		a, err := scanOne(ctx, tx, scanAction, `SELECT `+actionCols+actionFrom+w.String(), w.args...)
		if err != nil {
			return err
		}
		if a.OwnerID != p.UserID && !access.Allows(p.Role, access.MeetingsMinutes) {
			return tandem.ErrForbidden
		}
		if err := changeOne(ctx, tx, i18n.K("meetings.error.done"), `UPDATE action_items SET done_at = ? WHERE workspace_id = ? AND id = ? AND done_at IS NULL`,
			tx.now, p.WorkspaceID, id); err != nil {
			return err
		}
		return tx.record(ctx, p, "meeting.action_done", "engagement", engagementID, map[string]any{"action_id": id, "title": a.Title})
	})
}

// SweepOverdueActions tells each owner of an action item that became
// overdue (governance.ActionItem.AlertDue, in the workspace's time zone)
// once, across every workspace; the alert is marked by a guarded UPDATE, so
// concurrent or repeated sweeps on several instances alert once. It runs as
// store.System(workspace, "scheduler") and returns how many it alerted.
func (s *MeetingStore) SweepOverdueActions(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "MeetingStore.SweepOverdueActions")
	now = now.UTC()
	// Candidates: open, not alerted, due before tomorrow in UTC+14 (the
	// rule decides in the workspace's own zone).
	cands, err := scanAll(ctx, s.db, scanAction, `SELECT `+actionCols+actionFrom+` WHERE a.done_at IS NULL AND a.alerted_at IS NULL AND a.due_on < ?
		ORDER BY a.workspace_id, a.id`, now.Add(14*time.Hour).Format("2006-01-02"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range cands {
		_, loc, err := workspaceZone(ctx, s.db, a.WorkspaceID)
		if err != nil {
			return n, err
		}
		if !a.AlertDue(now, loc) {
			continue
		}
		p := System(a.WorkspaceID, "scheduler")
		alerted := false // set by the run that commits (a run may be repeated)
		err = s.db.transact(ctx, func(tx *Tx) error {
			alerted = false
			c, err := tx.changed(ctx, `UPDATE action_items SET alerted_at = ? WHERE id = ? AND alerted_at IS NULL AND done_at IS NULL`, now, a.ID)
			if err != nil || c == 0 {
				return err
			}
			alerted = true
			if err := notify(ctx, tx, p, []int64{a.OwnerID}, "action.overdue", a.EngagementID, a.ID,
				map[string]any{"title": a.Title, "due": a.Due.String()}); err != nil {
				return err
			}
			return tx.record(ctx, p, "meeting.action_overdue", "engagement", a.EngagementID, map[string]any{"action_id": a.ID, "owner_id": a.OwnerID})
		})
		if err != nil {
			return n, err
		}
		if alerted {
			n++
		}
	}
	return n, nil
}

// Health counts an engagement's meetings held against those due as of now.
func (s *MeetingStore) Health(ctx context.Context, p tandem.Principal, engagementID int64) (_ governance.Health, err error) {
	defer wrap(&err, "MeetingStore.Health(%d)", engagementID)
	if err := access.Can(p, access.MeetingsRead); err != nil {
		return governance.Health{}, err
	}
	os, err := listOccurrences(ctx, s.db, p, OccurrenceFilter{EngagementID: engagementID, To: s.db.Now().Add(time.Second)})
	if err != nil {
		return governance.Health{}, err
	}
	return governance.HealthOf(os, s.db.Now()), nil
}

// HealthOf returns the meeting health of each of the engagements ids (the
// portfolio's column) read in one statement, whatever their number; an
// engagement p may not see counts no meetings.
func (s *MeetingStore) HealthOf(ctx context.Context, p tandem.Principal, ids []int64) (_ map[int64]governance.Health, err error) {
	defer wrap(&err, "MeetingStore.HealthOf")
	if err := access.Can(p, access.MeetingsRead); err != nil {
		return nil, err
	}
	out := make(map[int64]governance.Health, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	now := s.db.Now()
	os, err := listOccurrences(ctx, s.db, p, OccurrenceFilter{EngagementIDs: ids, To: now.Add(time.Second)})
	if err != nil {
		return nil, err
	}
	by := map[int64][]governance.Occurrence{}
	for _, o := range os {
		by[o.EngagementID] = append(by[o.EngagementID], o)
	}
	for _, id := range ids {
		out[id] = governance.HealthOf(by[id], now)
	}
	return out, nil
}

// FeedExists reports whether p has a calendar feed token in the workspace.
func (s *MeetingStore) FeedExists(ctx context.Context, p tandem.Principal) (_ bool, err error) {
	defer wrap(&err, "MeetingStore.FeedExists")
	var n int
	err = s.db.queryRow(ctx, `SELECT COUNT(*) FROM calendar_feeds WHERE workspace_id = ? AND user_id = ?`, p.WorkspaceID, p.UserID).Scan(&n)
	return n > 0, err
}

// FeedToken returns p's calendar feed token in the workspace, "" when p
// has none. The token is kept (a feed address is a read-only capability a
// person copies into a calendar application more than once, as calendar
// services show theirs); the feed is looked up by its digest.
func (s *MeetingStore) FeedToken(ctx context.Context, p tandem.Principal) (_ string, err error) {
	defer wrap(&err, "MeetingStore.FeedToken")
	ts, err := scanAll(ctx, s.db, scanString, `SELECT token FROM calendar_feeds WHERE workspace_id = ? AND user_id = ?`, p.WorkspaceID, p.UserID)
	if err != nil || len(ts) == 0 {
		return "", err
	}
	return ts[0], nil
}

// RegenerateFeed gives p a new secret calendar feed token (the old one
// stops working) and returns it. Any member.
func (s *MeetingStore) RegenerateFeed(ctx context.Context, p tandem.Principal) (token string, err error) {
	defer wrap(&err, "MeetingStore.RegenerateFeed")
	if err := access.Can(p, access.Member); err != nil {
		return "", err
	}
	token = account.NewSecret("cal_")
	err = s.db.transact(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM calendar_feeds WHERE workspace_id = ? AND user_id = ?`, p.WorkspaceID, p.UserID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO calendar_feeds (workspace_id, user_id, token_hash, token, created_at) VALUES (?, ?, ?, ?, ?)`,
			p.WorkspaceID, p.UserID, account.Digest(token), token, tx.now); err != nil {
			return err
		}
		return tx.record(ctx, p, "calendar.regenerated", "user", p.UserID, nil)
	})
	return token, err
}

// RevokeFeed removes p's calendar feed token. Any member.
func (s *MeetingStore) RevokeFeed(ctx context.Context, p tandem.Principal) (err error) {
	defer wrap(&err, "MeetingStore.RevokeFeed")
	if err := access.Can(p, access.Member); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM calendar_feeds WHERE workspace_id = ? AND user_id = ?`, p.WorkspaceID, p.UserID); err != nil {
			return err
		}
		return tx.record(ctx, p, "calendar.revoked", "user", p.UserID, nil)
	})
}

// Feed is what a calendar feed publishes.
type Feed struct {
	WorkspaceID int64
	TimeZone    string
	Occurrences []governance.Occurrence
}

// FeedOf reads the occurrences of the series the owner of token takes part
// in, within what their membership may see (partner people: their
// engagements), from a year back. No session: the token is the key.
// Errors: ENotFound for an unknown or revoked token.
func (s *MeetingStore) FeedOf(ctx context.Context, token string) (_ *Feed, err error) {
	defer wrap(&err, "MeetingStore.FeedOf")
	var p tandem.Principal
	var role string
	var partner *int64
	if err := s.db.queryRow(ctx, `SELECT m.workspace_id, m.user_id, m.id, m.role, m.partner_id FROM calendar_feeds f
		JOIN memberships m ON m.workspace_id = f.workspace_id AND m.user_id = f.user_id WHERE f.token_hash = ?`, account.Digest(token)).
		Scan(&p.WorkspaceID, &p.UserID, &p.MembershipID, &role, &partner); err != nil {
		return nil, notFound(err)
	}
	p.Role = tandem.Role(role)
	if partner != nil {
		p.PartnerID = *partner
	}
	tz, _, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	os, err := listOccurrences(ctx, s.db, p, OccurrenceFilter{UserID: p.UserID, From: s.db.Now().AddDate(-1, 0, 0)})
	if err != nil {
		return nil, err
	}
	return &Feed{WorkspaceID: p.WorkspaceID, TimeZone: tz, Occurrences: os}, nil
}

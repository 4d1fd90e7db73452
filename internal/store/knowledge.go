package store

// The knowledge base (package knowledge): pages of an engagement or of the
// workspace (engagement_id NULL, the client's own: partner people never
// see them), each change a new version, reviews, the people named as able
// to run an area, and the bus factor of each area computed from who wrote,
// reviewed or was named (knowledge.BusFactors).

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/knowledge"
	"github.com/tandemhq/tandem/internal/tandem"
)

// KnowledgeStore keeps the knowledge base.
type KnowledgeStore struct{ db *DB }

// Knowledge returns the knowledge store.
func (db *DB) Knowledge() *KnowledgeStore { return &KnowledgeStore{db} }

// MaxKnowledgePages bounds the pages Pages lists.
const MaxKnowledgePages = 500

// KnowledgePerson is someone who may own a page or be named for an area.
type KnowledgePerson struct {
	UserID int64
	Name   string
	Side   tandem.Side
}

const knowledgePageCols = `k.id, k.workspace_id, COALESCE(k.engagement_id, 0), k.area, k.title, k.body, k.version, k.owner_id, ou.name,
	k.review_on, k.updated_by, uu.name, k.updated_at`

const knowledgePageFrom = ` FROM knowledge_pages k JOIN users ou ON ou.id = k.owner_id JOIN users uu ON uu.id = k.updated_by
	LEFT JOIN engagements e ON e.id = k.engagement_id`

func scanKnowledgePage(sc scanner, pg *knowledge.Page) error {
	if err := sc.Scan(&pg.ID, &pg.WorkspaceID, &pg.EngagementID, &pg.Area, &pg.Title, &pg.Body, &pg.Version, &pg.OwnerID, &pg.OwnerName,
		dateScan{&pg.ReviewOn}, &pg.UpdatedBy, &pg.UpdatedName, &pg.UpdatedAt); err != nil {
		return err
	}
	pg.UpdatedAt = pg.UpdatedAt.UTC()
	return nil
}

// knowledgeScope limits pages (k, with engagements e left joined) to what
// p may see: the client's people see the workspace's pages; the partner's
// people only those of the engagements they see.
func knowledgeScope(w *where, p tandem.Principal) {
	w.add("k.workspace_id = ?", p.WorkspaceID)
	if !p.Role.IsClient() {
		w.add("k.engagement_id IS NOT NULL")
		engagementScope(w, p)
	}
}

// engagementIs adds the condition that the rows' engagement_id column
// (col) is engagementID, or NULL for the workspace's own (0).
func engagementIs(w *where, col string, engagementID int64) {
	if engagementID == 0 {
		w.add(col + " IS NULL")
	} else {
		w.add(col+" = ?", engagementID)
	}
}

// knowledgeHome checks that p may read (perm) the knowledge base of an
// engagement (engagementID > 0) or of the workspace (0: client roles
// only). Errors: ENotFound, EForbidden.
func knowledgeHome(ctx context.Context, q querier, p tandem.Principal, perm access.Rule, engagementID int64) error {
	if err := access.Can(p, perm); err != nil {
		return err
	}
	if engagementID == 0 {
		if !p.Role.IsClient() {
			return tandem.ErrNotFound
		}
		return nil
	}
	_, err := engagementIn(ctx, q, p, engagementID)
	return err
}

// Pages lists the pages of an engagement's knowledge base, or of the
// workspace's (engagementID 0; the client's people only), by area and
// title. Errors: ENotFound, EForbidden.
func (s *KnowledgeStore) Pages(ctx context.Context, p tandem.Principal, engagementID int64) (_ []knowledge.Page, err error) {
	defer wrap(&err, "KnowledgeStore.Pages(%d)", engagementID)
	if err := knowledgeHome(ctx, s.db, p, access.KnowledgeRead, engagementID); err != nil {
		return nil, err
	}
	var w where
	knowledgeScope(&w, p)
	engagementIs(&w, "k.engagement_id", engagementID)
	return scanAll(ctx, s.db, scanKnowledgePage, `SELECT `+knowledgePageCols+knowledgePageFrom+w.String()+
		fmt.Sprintf(` ORDER BY k.area, k.title, k.id LIMIT %d`, MaxKnowledgePages), w.args...)
}

// Page returns a page p may see. Errors: ENotFound, EForbidden.
func (s *KnowledgeStore) Page(ctx context.Context, p tandem.Principal, id int64) (_ *knowledge.Page, err error) {
	defer wrap(&err, "KnowledgeStore.Page(%d)", id)
	if err := access.Can(p, access.KnowledgeRead); err != nil {
		return nil, err
	}
	return knowledgePageIn(ctx, s.db, p, id)
}

func knowledgePageIn(ctx context.Context, q querier, p tandem.Principal, id int64) (*knowledge.Page, error) {
	var w where
	knowledgeScope(&w, p)
	w.add("k.id = ?", id)
	return scanOne(ctx, q, scanKnowledgePage, `SELECT `+knowledgePageCols+knowledgePageFrom+w.String(), w.args...)
}

// Versions lists a page's versions, the latest first.
func (s *KnowledgeStore) Versions(ctx context.Context, p tandem.Principal, id int64) (_ []knowledge.Version, err error) {
	defer wrap(&err, "KnowledgeStore.Versions(%d)", id)
	if _, err := s.Page(ctx, p, id); err != nil {
		return nil, err
	}
	return scanAll(ctx, s.db, func(sc scanner, v *knowledge.Version) error {
		if err := sc.Scan(&v.Version, &v.Title, &v.Area, &v.Body, &v.AuthorID, &v.AuthorName, &v.At); err != nil {
			return err
		}
		v.At = v.At.UTC()
		return nil
	}, `SELECT v.version, v.title, v.area, v.body, v.author_id, u.name, v.created_at FROM knowledge_versions v JOIN users u ON u.id = v.author_id
		WHERE v.workspace_id = ? AND v.page_id = ? ORDER BY v.version DESC`, p.WorkspaceID, id)
}

// People lists who may own pages or be named for areas of an engagement's
// knowledge base (the client's people and the partner's people on it) or
// of the workspace's (the client's people), by name.
func (s *KnowledgeStore) People(ctx context.Context, p tandem.Principal, engagementID int64) (_ []KnowledgePerson, err error) {
	defer wrap(&err, "KnowledgeStore.People(%d)", engagementID)
	if err := knowledgeHome(ctx, s.db, p, access.KnowledgeRead, engagementID); err != nil {
		return nil, err
	}
	return knowledgePeople(ctx, s.db, p.WorkspaceID, engagementID)
}

func knowledgePeople(ctx context.Context, q querier, workspaceID, engagementID int64) ([]KnowledgePerson, error) {
	scan := func(sc scanner, x *KnowledgePerson) error {
		var role tandem.Role
		if err := sc.Scan(&x.UserID, &x.Name, &role); err != nil {
			return err
		}
		x.Side = role.Side()
		return nil
	}
	return scanAll(ctx, q, scan, `SELECT u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND (m.role IN (?, ?, ?) OR (? > 0 AND EXISTS (SELECT 1 FROM engagements e WHERE e.id = ? AND e.workspace_id = m.workspace_id
			AND e.partner_id = m.partner_id AND (m.role = ? OR EXISTS (SELECT 1 FROM engagement_assignments ea WHERE ea.membership_id = m.id AND ea.engagement_id = e.id)))))
		ORDER BY u.name, u.id`, workspaceID, string(tandem.RoleOwner), string(tandem.RoleManager), string(tandem.RoleViewer),
		engagementID, engagementID, string(tandem.RoleVendorManager))
}

// checkKnowledgePerson checks that userID may own pages or run areas of
// the knowledge base (knowledgePeople). Errors: EInvalid on field.
func checkKnowledgePerson(ctx context.Context, q querier, workspaceID, engagementID, userID int64, field string) error {
	people, err := knowledgePeople(ctx, q, workspaceID, engagementID)
	if err != nil {
		return err
	}
	for _, x := range people {
		if x.UserID == userID {
			return nil
		}
	}
	var v tandem.Validator
	v.Add(field, i18n.K("validation.one_of"))
	return v.Err()
}

// Save creates a page (pg.ID 0) or stores a new version of one: area,
// title, body, owner (the author when 0) and review date (six months on
// when zero). An edit names the version it started from (pg.Version); a
// page changed since is EConflict, so nobody's change is lost. Owners,
// managers and the partner's people on the engagement; the workspace's
// own pages the client only. Errors: EInvalid, EConflict, ENotFound,
// EForbidden.
func (s *KnowledgeStore) Save(ctx context.Context, p tandem.Principal, pg *knowledge.Page) (err error) {
	defer wrap(&err, "KnowledgeStore.Save(%d)", pg.ID)
	if err := access.Can(p, access.KnowledgeWrite); err != nil {
		return err
	}
	pg.Normalize()
	if err := pg.Validate(); err != nil {
		return err
	}
	given := *pg
	return s.db.transact(ctx, func(tx *Tx) error {
		// A run may be repeated (a retry, or its batch run again): it
		// starts from the page as given, not as a rolled-back run left it
		// (an id, a version already counted up).
		*pg = given
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		today := tandem.DateOf(tx.now.In(loc))
		action := knowledge.ActionPageCreated
		if pg.ID != 0 {
			old, err := knowledgePageIn(ctx, tx, p, pg.ID)
			if err != nil {
				return err
			}
			if old.Version != pg.Version {
				return tandem.Errorf(tandem.EConflict, i18n.K("knowledge.changed_since"))
			}
			pg.EngagementID, action = old.EngagementID, knowledge.ActionPageEdited
			if pg.OwnerID == 0 {
				pg.OwnerID = old.OwnerID
			}
		} else if err := knowledgeHome(ctx, tx, p, access.KnowledgeWrite, pg.EngagementID); err != nil {
			return err
		}
		if err := knowledge.MayWrite(p.Side(), pg.EngagementID); err != nil {
			return err
		}
		if pg.OwnerID == 0 {
			pg.OwnerID = p.UserID
		}
		if err := checkKnowledgePerson(ctx, tx, p.WorkspaceID, pg.EngagementID, pg.OwnerID, "owner_id"); err != nil {
			return err
		}
		if pg.ReviewOn.IsZero() {
			pg.ReviewOn = knowledge.DefaultReview(today)
		}
		pg.WorkspaceID, pg.UpdatedBy, pg.UpdatedName, pg.UpdatedAt = p.WorkspaceID, p.UserID, p.UserName, tx.now
		if pg.ID == 0 {
			pg.Version = 1
			id, err := tx.insert(ctx, `INSERT INTO knowledge_pages (workspace_id, engagement_id, area, title, body, version, owner_id, review_on, updated_by, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, nullID(pg.EngagementID), pg.Area, pg.Title, pg.Body, pg.Version, pg.OwnerID,
				pg.ReviewOn.String(), p.UserID, tx.now)
			if err != nil {
				return err
			}
			pg.ID = id
		} else {
			pg.Version++
			if err := tx.execOne(ctx, tandem.Errorf(tandem.EConflict, i18n.K("knowledge.changed_since")), `UPDATE knowledge_pages SET area = ?, title = ?, body = ?,
				version = ?, owner_id = ?, review_on = ?, updated_by = ?, updated_at = ? WHERE workspace_id = ? AND id = ? AND version = ?`,
				pg.Area, pg.Title, pg.Body, pg.Version, pg.OwnerID, pg.ReviewOn.String(), p.UserID, tx.now, p.WorkspaceID, pg.ID, pg.Version-1); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO knowledge_versions (workspace_id, page_id, version, area, title, body, author_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.WorkspaceID, pg.ID, pg.Version, pg.Area, pg.Title, pg.Body, p.UserID, tx.now); err != nil {
			return err
		}
		return tx.record(ctx, p, action, "knowledge_page", pg.ID, map[string]any{"engagement_id": pg.EngagementID, "area": pg.Area,
			"title": pg.Title, "version": pg.Version, "review_on": pg.ReviewOn.String()})
	})
}

// Review records that p reviewed a page and moves its review date to
// next (six months on when zero). Errors: EInvalid (review_on in the
// past), ENotFound, EForbidden.
func (s *KnowledgeStore) Review(ctx context.Context, p tandem.Principal, id int64, next tandem.Date) (err error) {
	defer wrap(&err, "KnowledgeStore.Review(%d)", id)
	if err := access.Can(p, access.KnowledgeWrite); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		pg, err := knowledgePageIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := knowledge.MayWrite(p.Side(), pg.EngagementID); err != nil {
			return err
		}
		_, loc, err := workspaceZone(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		today := tandem.DateOf(tx.now.In(loc))
		if next.IsZero() {
			next = knowledge.DefaultReview(today)
		}
		if !today.Before(next) {
			var v tandem.Validator
			v.Add("review_on", i18n.K("knowledge.review_future"))
			return v.Err()
		}
		if _, err := tx.exec(ctx, `INSERT INTO knowledge_reviews (workspace_id, page_id, user_id, reviewed_at) VALUES (?, ?, ?, ?)`,
			p.WorkspaceID, id, p.UserID, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE knowledge_pages SET review_on = ? WHERE workspace_id = ? AND id = ?`, next.String(), p.WorkspaceID, id); err != nil {
			return err
		}
		return tx.record(ctx, p, knowledge.ActionPageReviewed, "knowledge_page", id, map[string]any{"review_on": next.String()})
	})
}

// NameRunner names a person as able to run an area of an engagement's
// knowledge base (or the workspace's); naming someone already named
// changes nothing. Remove takes the name away. Errors: EInvalid (area,
// user_id), ENotFound, EForbidden.
func (s *KnowledgeStore) NameRunner(ctx context.Context, p tandem.Principal, engagementID int64, area string, userID int64, remove bool) (err error) {
	defer wrap(&err, "KnowledgeStore.NameRunner(%d)", engagementID)
	if err := access.Can(p, access.KnowledgeWrite); err != nil {
		return err
	}
	pg := knowledge.Page{Area: area, Title: "-", Body: "-"}
	pg.Normalize()
	if err := pg.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		if err := knowledgeHome(ctx, tx, p, access.KnowledgeWrite, engagementID); err != nil {
			return err
		}
		if err := knowledge.MayWrite(p.Side(), engagementID); err != nil {
			return err
		}
		var w where
		w.add("workspace_id = ? AND area = ? AND user_id = ?", p.WorkspaceID, pg.Area, userID)
		engagementIs(&w, "engagement_id", engagementID)
		if remove {
			if _, err := tx.exec(ctx, `DELETE FROM knowledge_runners`+w.String(), w.args...); err != nil {
				return err
			}
			return tx.record(ctx, p, knowledge.ActionRunnerFreed, "engagement", engagementID, map[string]any{"area": pg.Area, "user_id": userID})
		}
		if err := checkKnowledgePerson(ctx, tx, p.WorkspaceID, engagementID, userID, "user_id"); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM knowledge_runners`+w.String(), w.args...).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.exec(ctx, `INSERT INTO knowledge_runners (workspace_id, engagement_id, area, user_id, named_by, named_at) VALUES (?, ?, ?, ?, ?, ?)`,
			p.WorkspaceID, nullID(engagementID), pg.Area, userID, p.UserID, tx.now); err != nil {
			return err
		}
		return tx.record(ctx, p, knowledge.ActionRunnerNamed, "engagement", engagementID, map[string]any{"area": pg.Area, "user_id": userID})
	})
}

// BusFactors computes who knows each area of an engagement's knowledge
// base (or the workspace's) and its bus factor (knowledge.BusFactors):
// the people who wrote a version or reviewed a page of the area, or are
// named as able to run it; people no longer in the workspace count for
// nobody. Errors: ENotFound, EForbidden.
func (s *KnowledgeStore) BusFactors(ctx context.Context, p tandem.Principal, engagementID int64) (_ []knowledge.Area, err error) {
	defer wrap(&err, "KnowledgeStore.BusFactors(%d)", engagementID)
	if err := knowledgeHome(ctx, s.db, p, access.KnowledgeRead, engagementID); err != nil {
		return nil, err
	}
	src, err := knowledgeSources(ctx, s.db, p.WorkspaceID, engagementID)
	if err != nil {
		return nil, err
	}
	return knowledge.BusFactors(src), nil
}

func knowledgeSources(ctx context.Context, q querier, workspaceID, engagementID int64) ([]knowledge.Source, error) {
	var pw, rw where
	pw.add("k.workspace_id = ?", workspaceID)
	engagementIs(&pw, "k.engagement_id", engagementID)
	rw.add("r.workspace_id = ?", workspaceID)
	engagementIs(&rw, "r.engagement_id", engagementID)
	args := append([]any{workspaceID, workspaceID}, pw.args...)
	args = append(args, rw.args...)
	return scanAll(ctx, q, func(sc scanner, x *knowledge.Source) error {
		var role string
		var how string
		if err := sc.Scan(&x.Area, &x.UserID, &x.Name, &role, &how); err != nil {
			return err
		}
		x.How, x.Active, x.Side = knowledge.How(how), role != "", tandem.Role(role).Side()
		return nil
	}, `SELECT k.area, x.user_id, u.name, COALESCE(m.role, ''), x.how FROM (
			SELECT page_id, author_id AS user_id, 'wrote' AS how FROM knowledge_versions WHERE workspace_id = ?
			UNION SELECT page_id, user_id, 'reviewed' FROM knowledge_reviews WHERE workspace_id = ?
		) x JOIN knowledge_pages k ON k.id = x.page_id JOIN users u ON u.id = x.user_id
		LEFT JOIN memberships m ON m.user_id = x.user_id AND m.workspace_id = k.workspace_id`+pw.String()+`
		UNION ALL
		SELECT r.area, r.user_id, u.name, COALESCE(m.role, ''), 'named' FROM knowledge_runners r JOIN users u ON u.id = r.user_id
		LEFT JOIN memberships m ON m.user_id = r.user_id AND m.workspace_id = r.workspace_id`+rw.String(), args...)
}

// EngagementAreas is an engagement's areas at risk (knowledge.AtRisk).
type EngagementAreas struct {
	EngagementID int64
	Title        string
	Areas        []knowledge.Area
}

// AtRisk lists, for every engagement p sees that has a knowledge base,
// its areas at risk (bus factor 1, or 0 on the client's side), by
// engagement title; engagements with none are left out.
func (s *KnowledgeStore) AtRisk(ctx context.Context, p tandem.Principal) (_ []EngagementAreas, err error) {
	defer wrap(&err, "KnowledgeStore.AtRisk")
	if err := access.Can(p, access.KnowledgeRead); err != nil {
		return nil, err
	}
	var w where
	engagementScope(&w, p)
	w.add(`(EXISTS (SELECT 1 FROM knowledge_pages k WHERE k.engagement_id = e.id) OR EXISTS (SELECT 1 FROM knowledge_runners r WHERE r.engagement_id = e.id))`)
	list, err := scanAll(ctx, s.db, func(sc scanner, x *EngagementAreas) error { return sc.Scan(&x.EngagementID, &x.Title) },
		`SELECT e.id, e.title FROM engagements e`+w.String()+` ORDER BY e.title, e.id`, w.args...)
	if err != nil {
		return nil, err
	}
	var out []EngagementAreas
	for _, x := range list {
		src, err := knowledgeSources(ctx, s.db, p.WorkspaceID, x.EngagementID)
		if err != nil {
			return nil, err
		}
		if x.Areas = knowledge.AtRiskAreas(knowledge.BusFactors(src)); len(x.Areas) > 0 {
			out = append(out, x)
		}
	}
	return out, nil
}

// Today is the workspace's local date now, for stale flags.
func (s *KnowledgeStore) Today(ctx context.Context, p tandem.Principal) (tandem.Date, error) {
	_, loc, err := workspaceZone(ctx, s.db, p.WorkspaceID)
	if err != nil {
		return tandem.Date{}, err
	}
	return tandem.DateOf(s.db.Now().In(loc)), nil
}

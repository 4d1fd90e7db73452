package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CreateWorkspace stores a workspace and makes ownerID its owner.
func (s *AccountStore) CreateWorkspace(ctx context.Context, w *account.Workspace, ownerID int64) (err error) {
	defer wrap(&err, "AccountStore.CreateWorkspace")
	if err := w.Validate(); err != nil {
		return err
	}
	return s.db.transact(ctx, func(tx *Tx) error {
		w.CreatedAt = tx.now
		id, err := tx.insert(ctx, `INSERT INTO workspaces (name, currency, lang, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
			w.Name, w.Currency, string(w.Lang), w.TimeZone, w.CreatedAt)
		if err != nil {
			return err
		}
		w.ID = id
		p := System(id, "system")
		if err := tx.record(ctx, p, "workspace.created", "workspace", id, map[string]any{"name": w.Name}); err != nil {
			return err
		}
		_, err = addMember(ctx, tx, p, ownerID, tandem.RoleOwner, 0)
		return err
	})
}

// Workspace returns a workspace by id, or tandem.ErrNotFound.
func (s *AccountStore) Workspace(ctx context.Context, id int64) (_ *account.Workspace, err error) {
	defer wrap(&err, "AccountStore.Workspace(%d)", id)
	return loadWorkspace(ctx, s.db, id)
}

// loadWorkspace reads a workspace through q (the read pool or a
// transaction), or tandem.ErrNotFound.
func loadWorkspace(ctx context.Context, q querier, id int64) (*account.Workspace, error) {
	return scanOne(ctx, q, scanWorkspace, `SELECT `+workspaceCols+` FROM workspaces WHERE id = ?`, id)
}

// Workspaces lists every workspace of the installation, for the operator's
// CLI (never for a workspace member).
func (s *AccountStore) Workspaces(ctx context.Context) (_ []account.Workspace, err error) {
	defer wrap(&err, "AccountStore.Workspaces")
	return scanAll(ctx, s.db, scanWorkspace, `SELECT `+workspaceCols+` FROM workspaces ORDER BY id`)
}

const workspaceCols = `id, name, currency, lang, time_zone, created_at`

func scanWorkspace(s scanner, w *account.Workspace) error {
	return s.Scan(&w.ID, &w.Name, &w.Currency, &w.Lang, &w.TimeZone, &w.CreatedAt)
}

package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/tandem"
)

// insertFile stores an uploaded file of p's workspace and sets its id.
func insertFile(ctx context.Context, tx *Tx, p tandem.Principal, f *file.File) error {
	f.WorkspaceID, f.CreatedAt, f.CreatedBy = p.WorkspaceID, tx.now, p.UserID
	id, err := tx.insert(ctx, `INSERT INTO files (workspace_id, name, content_type, size, sha256, data, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.WorkspaceID, f.Name, f.ContentType, f.Size, f.SHA256, f.Data, f.CreatedAt, nullID(f.CreatedBy))
	f.ID = id
	return err
}

// loadFile reads a file of a workspace, bytes included. Callers check first
// that the caller may see what the file is attached to.
func (db *DB) loadFile(ctx context.Context, workspaceID, id int64) (*file.File, error) {
	var f file.File
	err := db.queryRow(ctx, `SELECT id, workspace_id, name, content_type, size, sha256, data, created_at, COALESCE(created_by, 0)
		FROM files WHERE workspace_id = ? AND id = ?`, workspaceID, id).
		Scan(&f.ID, &f.WorkspaceID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Data, &f.CreatedAt, &f.CreatedBy)
	if err != nil {
		return nil, notFound(err)
	}
	return &f, nil
}

package store

import (
	"context"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

// meterSalesRead counts n records of the base that p is about to read
// against the token's read limit for this hour (sales.ReadLimit), when p
// is metered (sales.Metered: a partner's person with an API token). The
// count is one row per token and hour, kept in the database so that every
// server shares it; the upsert locks that row until commit, so two
// answers of one token are counted one after the other. A refused answer
// counts nothing; the first refusal of the hour notifies the client's
// owners and managers and is audited, and the refusal (ETooMany) is
// returned after that is committed.
func (s *SalesStore) meterSalesRead(ctx context.Context, p tandem.Principal, n int) error {
	if !sales.Metered(p) || n == 0 {
		return nil
	}
	var refused error
	err := s.db.transact(ctx, func(tx *Tx) error {
		limit, hour := sales.DefaultReadLimit(), sales.HourStart(tx.now)
		var read, notified int
		if err := tx.queryRow(ctx, `INSERT INTO sales_api_reads (token_id, hour, workspace_id, n, notified) VALUES (?, ?, ?, 0, 0)
			ON CONFLICT (token_id, hour) DO UPDATE SET n = sales_api_reads.n RETURNING n, notified`,
			p.TokenID, hour, p.WorkspaceID).Scan(&read, &notified); err != nil {
			return err
		}
		if refused = limit.MayRead(read, n); refused == nil {
			_, err := tx.exec(ctx, `UPDATE sales_api_reads SET n = n + ? WHERE token_id = ? AND hour = ?`, n, p.TokenID, hour)
			return err
		}
		if notified != 0 {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE sales_api_reads SET notified = 1 WHERE token_id = ? AND hour = ?`, p.TokenID, hour); err != nil {
			return err
		}
		if err := tx.record(ctx, p, "sales.read_limited", "api_token", p.TokenID,
			map[string]any{"read": read, "asked": n, "per_hour": limit.PerHour, "hour": hour}); err != nil {
			return err
		}
		users, err := clientDeciders(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		return notify(ctx, tx, p, users, sales.ReadLimitNotice, 0, p.TokenID, map[string]any{"who": p.UserName, "n": limit.PerHour})
	})
	if err != nil {
		return err
	}
	return refused
}

package store

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/request"
	"github.com/tandemhq/tandem/internal/work"
)

// refolds are the tables whose search_text the store folds in Go, each
// with the columns its domain type builds the text from.
var refolds = []struct {
	table, cols string
	text        func(cols []string) string
}{
	{"partners", "legal_name, reg_number, contact_name, contact_email, website", func(c []string) string {
		return (&partner.Partner{LegalName: c[0], RegNumber: c[1], ContactName: c[2], ContactEmail: c[3], Website: c[4]}).SearchText()
	}},
	{"engagements", "title, description", func(c []string) string {
		return (&engagement.Engagement{Title: c[0], Description: c[1]}).SearchText()
	}},
	{"deliverables", "title, description", func(c []string) string {
		return (&work.Deliverable{Title: c[0], Description: c[1]}).SearchText()
	}},
	{"requests", "title, description", func(c []string) string {
		return (&request.Request{Title: c[0], Description: c[1]}).SearchText()
	}},
}

// refoldSearch fills the search text of rows that have none (migration
// 0026 cleared it when the folding changed), in one transaction per table.
// Every row has a non-empty title or name, so a filled row is never
// selected again.
func (db *DB) refoldSearch(ctx context.Context) error {
	for _, r := range refolds {
		type row struct {
			id   int64
			cols []string
		}
		n := len(strings.Split(r.cols, ","))
		err := db.transactBulk(ctx, func(tx *Tx) error {
			rows, err := scanAll(ctx, tx, func(s scanner, x *row) error {
				x.cols = make([]string, n)
				dest := []any{&x.id}
				for i := range x.cols {
					dest = append(dest, &x.cols[i])
				}
				return s.Scan(dest...)
			}, `SELECT id, `+r.cols+` FROM `+r.table+` WHERE search_text = ''`)
			if err != nil {
				return err
			}
			for _, x := range rows {
				if _, err := tx.exec(ctx, `UPDATE `+r.table+` SET search_text = ? WHERE id = ?`, r.text(x.cols), x.id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

package store

import "github.com/tandemhq/tandem/internal/tandem"

// BoardCounts is the query of a board's counts for p (DealStore.Board),
// for the query plan test.
func BoardCounts(p tandem.Principal, engagementID, ownerID int64) (string, []any) {
	var w where
	boardScope(&w, p, engagementID)
	if ownerID != 0 {
		w.add("d.owner_membership_id = ?", ownerID)
	}
	return boardCountsQuery + w.String() + ` GROUP BY d.stage, d.currency`, w.args
}

// BoardCards is the statement reading a board's cards for p
// (DealStore.Board): a page of limit of each of cols, on PostgreSQL or
// on SQLite, for the query plan test.
func BoardCards(postgres bool, p tandem.Principal, engagementID int64, cols []string, limit int) (string, []any) {
	var w where
	boardScope(&w, p, engagementID)
	return boardCardsQuery(postgres, w, cols, make([]int, len(cols)), limit)
}

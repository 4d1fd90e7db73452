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

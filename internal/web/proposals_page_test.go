package web_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tandemhq/tandem/internal/proposal"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestProposalsAPIPaged: the proposals API answers one page, newest first,
// with the total, like every other list of the API.
func TestProposalsAPIPaged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	storetest.Activate(t, e.db, e.f.Owner, e.f.A1, nil)
	for i := 1; i <= 3; i++ {
		if err := e.db.Proposals.Raise(ctx, e.f.VendorManager, &proposal.Proposal{EngagementID: e.f.A1, Kind: proposal.KindRisk,
			Title: fmt.Sprintf("Risk %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	tok := e.token(e.f.Owner)
	var page struct {
		Items []struct {
			Title string `json:"title"`
		} `json:"items"`
		Total, Limit, Offset int
	}
	r := e.anon().api("GET", fmt.Sprintf("/api/v1/engagements/%d/proposals?limit=2&offset=1", e.f.A1), tok, "")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].Title != "Risk 2" || page.Items[1].Title != "Risk 1" || page.Total != 3 || page.Limit != 2 || page.Offset != 1 {
		t.Errorf("page: %+v", page)
	}
}

package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// An agent's name search reads sales_agent_contacts, which triggers keep
// current: reassigning an account moves its contacts to the new agent's
// search, taking its agent away or giving it back to the client takes them
// out, a contact added to an assigned account is found at once, and a
// revoked engagement (termination) hides everything even though the
// assignment stays.
func TestAgentSearchFollowsAssignment(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := newSalesBase(t, dialect)
			f, s := b.f, b.db.Sales()
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			find := func(p tandem.Principal) string {
				t.Helper()
				ms, err := s.FindContacts(ctx, p, "ka", 20)
				must(err)
				var out []string
				for _, m := range ms {
					out = append(out, m.Contact.Name)
				}
				return strings.Join(out, ", ")
			}
			assign := func(account int64, to store.Assignment) {
				t.Helper()
				n, err := s.Assign(ctx, f.Manager, store.AccountFilter{IDs: []int64{account}}, to)
				must(err)
				if n != 1 {
					t.Fatalf("assigned %d accounts", n)
				}
			}
			// The table holds exactly what the migration's backfill derives
			// from contacts and accounts: nothing more, nothing less.
			const derived = `SELECT a.agent_membership_id, c.search_text, c.id, c.account_id, c.workspace_id
				FROM sales_contacts c JOIN sales_accounts a ON a.id = c.account_id WHERE a.agent_membership_id IS NOT NULL`
			const kept = `SELECT membership_id, search_text, contact_id, account_id, workspace_id FROM sales_agent_contacts`
			check := func(step, agent, agent2 string) {
				t.Helper()
				n, err := store.QueryInt64s(b.db, `SELECT (SELECT COUNT(*) FROM (`+derived+` EXCEPT `+kept+`) x) +
					(SELECT COUNT(*) FROM (`+kept+` EXCEPT `+derived+`) y)`)
				if err != nil || len(n) != 1 || n[0] != 0 {
					t.Errorf("%s: sales_agent_contacts differs from the accounts' agents in %v rows (%v)", step, n, err)
				}
				if got := find(f.VendorAgent); got != agent {
					t.Errorf("%s: the agent finds %q, want %q", step, got, agent)
				}
				if got := find(b.agent2); got != agent2 {
					t.Errorf("%s: the second agent finds %q, want %q", step, got, agent2)
				}
			}
			must(s.AddContact(ctx, f.Manager, &sales.Contact{AccountID: b.theirs, Name: "Kasper Berg"}))
			must(s.AddContact(ctx, f.Manager, &sales.Contact{AccountID: b.teamOnly, Name: "Katarina Holm"}))
			check("at first", "Karin Nilsson", "Kasper Berg")

			assign(b.theirs, store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID})
			check("reassigned", "Karin Nilsson, Kasper Berg", "")

			must(s.AddContact(ctx, f.Manager, &sales.Contact{AccountID: b.theirs, Name: "Kalle Åberg"}))
			check("a contact added", "Kalle Åberg, Karin Nilsson, Kasper Berg", "")

			assign(b.mine, store.Assignment{EngagementID: f.A1}) // the team's, no agent
			check("agent taken away", "Kalle Åberg, Kasper Berg", "")

			assign(b.teamOnly, store.Assignment{EngagementID: f.A1, AgentID: b.agent2.MembershipID})
			check("the team's account to the second agent", "Kalle Åberg, Kasper Berg", "Katarina Holm")

			assign(b.theirs, store.Assignment{}) // the client's alone again
			check("given back to the client", "", "Katarina Holm")

			assign(b.mine, store.Assignment{EngagementID: f.A1, AgentID: f.VendorAgent.MembershipID})
			check("assigned again", "Karin Nilsson", "Katarina Holm")

			// The partner's access to the engagement is closed: the
			// assignments stay, the agents find nothing.
			must(b.db.Terminations().Start(ctx, f.Owner, f.A1, &engagement.Termination{Reason: "Targets missed"}))
			must(b.db.Terminations().RevokeNow(ctx, f.Owner, f.A1))
			check("revoked", "", "")
			// The client's manager still finds every contact.
			if got := find(f.Manager); got != "Kalle Åberg, Karin Nilsson, Kasper Berg, Katarina Holm" {
				t.Errorf("the manager finds %q", got)
			}
		})
	}
}

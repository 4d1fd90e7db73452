package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var inviteLink = regexp.MustCompile(`value="(http://[^"]+/invite/[a-z0-9]+)"`)

// An owner invites a partner agent by link; the agent accepts, lands in the
// workspace and sees exactly the engagement it was assigned; the link then
// no longer works.
func TestInvitationByLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	owner := e.as(f.Owner)
	// Access to an engagement needs an NDA on file.
	r := owner.post("/members/invite", url.Values{"email": {"nils@alpha.example"}, "role": {"vendor_agent"},
		"partner_id": {fmt.Sprint(f.PartnerA)}, "engagement_ids": {fmt.Sprint(f.A2)}})
	if r.status != 422 || !strings.Contains(r.body, "An NDA must be on file before the person gets access to engagements.") {
		t.Fatalf("invitation without NDA: %d", r.status)
	}
	r = owner.post("/members/invite", url.Values{"email": {"nils@alpha.example"}, "role": {"vendor_agent"},
		"partner_id": {fmt.Sprint(f.PartnerA)}, "engagement_ids": {fmt.Sprint(f.A2)}, "nda_signed_on": {"2026-11-02"}})
	m := inviteLink.FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("invite: %d, no link in the page", r.status)
	}
	link, _ := url.Parse(m[1])

	// Bad input changes nothing: an agent for partner B's engagement.
	r = owner.post("/members/invite", url.Values{"email": {"x@alpha.example"}, "role": {"vendor_agent"},
		"partner_id": {fmt.Sprint(f.PartnerA)}, "engagement_ids": {fmt.Sprint(f.B1)}, "nda_signed_on": {"2026-11-02"}})
	if r.status != 422 || !strings.Contains(r.body, "Only engagements of the person&#39;s own partner can be assigned.") {
		t.Fatalf("cross-partner invitation: %d", r.status)
	}

	agent := e.anon()
	if r := agent.get(link.Path); r.status != 200 || !strings.Contains(r.body, "Join Fixture AB") {
		t.Fatalf("invitation page: %d", r.status)
	}
	r = agent.post(link.Path, url.Values{"name": {"Nils Agent"}, "password": {"short"}})
	if r.status != 422 || !strings.Contains(r.body, "Use at least 10 characters.") {
		t.Fatalf("short password: %d", r.status)
	}
	r = agent.post(link.Path, url.Values{"name": {"Nils Agent"}, "password": {"a good long password"}})
	if r.status != 303 || r.location != "/" {
		t.Fatalf("accept: %d %s", r.status, r.location)
	}
	home := agent.get("/")
	if !strings.Contains(home.body, "Alpha renewals") || strings.Contains(home.body, "Alpha outbound") || strings.Contains(home.body, "Beta helpdesk") {
		t.Fatalf("the new agent's overview shows the wrong engagements")
	}
	if r := e.anon().get(link.Path); r.status != 404 {
		t.Fatalf("used link: %d", r.status)
	}
	// The owner removes the agent; access ends at once.
	u, err := e.db.Accounts.UserByEmail(ctx, "nils@alpha.example")
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.db.Accounts.Principal(ctx, u.ID, f.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	if r := owner.post(fmt.Sprintf("/members/%d/remove", p.MembershipID), nil); r.status != 303 {
		t.Fatalf("remove: %d", r.status)
	}
	if r := agent.get(fmt.Sprintf("/engagements/%d", f.A2)); r.status != 303 || r.location != "/workspaces" {
		t.Fatalf("removed agent still reaches the engagement: %d %s", r.status, r.location)
	}
}

// A person sees their sessions and ends another one; its cookie stops
// working, their own keeps working, and someone else's session is "not found".
func TestSessionsListedAndRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	laptop := e.as(e.f.Manager)
	phone := e.as(e.f.Manager) // created last, so listed first
	ss, err := e.db.Accounts.Sessions(ctx, e.f.Manager.UserID)
	if err != nil || len(ss) != 2 {
		t.Fatalf("sessions: %v %v", ss, err)
	}
	if r := laptop.get("/account"); r.status != 200 || !strings.Contains(r.body, fmt.Sprintf("/account/sessions/%d/revoke", ss[0].ID)) {
		t.Fatalf("account page does not offer to end the other session: %d", r.status)
	}
	if r := laptop.post(fmt.Sprintf("/account/sessions/%d/revoke", ss[0].ID), nil); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := phone.get("/partners"); r.status != 303 {
		t.Fatalf("revoked session still works: %d", r.status)
	}
	if r := laptop.get("/partners"); r.status != 200 {
		t.Fatalf("own session ended too: %d", r.status)
	}
	e.as(e.f.Owner)
	others, _ := e.db.Accounts.Sessions(ctx, e.f.Owner.UserID)
	if r := laptop.post(fmt.Sprintf("/account/sessions/%d/revoke", others[0].ID), nil); r.status != 404 {
		t.Fatalf("revoking someone else's session: %d", r.status)
	}
	if still, _ := e.db.Accounts.Sessions(ctx, e.f.Owner.UserID); len(still) != 1 {
		t.Fatal("someone else's session was ended")
	}
}

// An API token made on the account page works once shown, and stops when revoked.
func TestTokenFromAccountPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	c := e.as(e.f.Viewer)
	r := c.post("/account/tokens", url.Values{"name": {""}})
	if r.status != 422 || !strings.Contains(r.body, "Fill this in.") {
		t.Fatalf("empty token name: %d", r.status)
	}
	r = c.post("/account/tokens", url.Values{"name": {"board report"}})
	m := regexp.MustCompile(`value="(tdm_[a-z0-9]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no token shown: %d", r.status)
	}
	if r := e.anon().api("GET", "/api/v1/me", m[1], ""); r.status != 200 || !strings.Contains(r.body, `"role":"viewer"`) {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	ts, _ := e.db.Accounts.Tokens(ctx, e.f.Viewer)
	if r := c.post(fmt.Sprintf("/account/tokens/%d/revoke", ts[0].ID), nil); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := e.anon().api("GET", "/api/v1/me", m[1], ""); r.status != 401 {
		t.Fatalf("revoked token: %d", r.status)
	}
}

// Package access decides what each role may do. It is the one place where
// authorization lives: every route of the web adapter names a Rule from
// here, and the route table test fails if one does not. Which records a
// permitted caller may see is decided by the storage queries, which scope
// every read by the caller's workspace and, for partner roles, by partner and
// assigned engagements.
package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rule is what a route requires of its caller.
type Rule string

// Rules. Public and SignedIn need no workspace; every other rule needs a
// membership of the current workspace whose role grants it.
const (
	Public   Rule = "public"    // anyone, signed in or not
	SignedIn Rule = "signed_in" // any signed-in user, in or out of a workspace
	Member   Rule = "member"    // any membership of the current workspace

	PartnersRead     Rule = "partners.read"     // vendor roles: their own partner only
	PartnersWrite    Rule = "partners.write"    // client owner and manager
	EngagementsRead  Rule = "engagements.read"  // vendor manager: its partner's; agent: assigned only
	EngagementsWrite Rule = "engagements.write" // client owner and manager
	MembersRead      Rule = "members.read"      // client roles see all; vendor manager its partner's people
	MembersManage    Rule = "members.manage"    // invite, change, remove: owner and manager
	AuditRead        Rule = "audit.read"        // owner and viewer (auditor)
	Amend            Rule = "contracts.amend"   // propose and decide amendments: owner, manager, vendor manager
)

// Rules of choosing and piloting partners. Choosing a partner is the
// client's business: partner people get none of these rules, so they see no
// selection, no score and no evidence on candidates.
const (
	SelectionsRead  Rule = "selections.read"  // selections, results, evidence on candidates: client roles
	SelectionsWrite Rule = "selections.write" // create, edit, decide, pilots, evidence: owner and manager
	SelectionsScore Rule = "selections.score" // score candidates as a reviewer: owner and manager (viewers only read)
)

// Rules of the work: deliverables, submissions and reviews. Which
// engagements' work a caller sees follows the engagement rules.
const (
	WorkRead   Rule = "work.read"   // deliverables, submissions, figures: every member who sees the engagement
	WorkPlan   Rule = "work.plan"   // create and edit deliverables: owner, manager, partner manager
	WorkSubmit Rule = "work.submit" // move and submit deliverables: partner manager and agents
	WorkReview Rule = "work.review" // accept or return submissions: owner and manager
)

// Rules of what the partner tells the client in writing — notices,
// proposals and risk warnings, status reports — and the client's answers.
// Reading them is WorkRead; which engagements follows the engagement rules.
const (
	Notify  Rule = "work.notify"  // file notices, raise proposals and risks, write status reports: partner manager and agents
	Respond Rule = "work.respond" // acknowledge notices, decide proposals, comment on status reports: owner and manager
)

// Rules of requests of SLA services (support tickets, change requests).
// Which engagements' requests a caller sees follows the engagement rules;
// which step each side may take is the request package's business.
const (
	RequestsRead  Rule = "requests.read"  // requests, history, clocks: every member who sees the engagement
	RequestsWrite Rule = "requests.write" // open requests and take steps: owner, manager, partner manager and agents
)

// Rules of KPI values entered by hand (manual metrics). Reading them is
// WorkRead; confirming the partner's values is Respond.
const (
	ValuesWrite Rule = "kpi.values" // enter values (client) or report them (partner): owner, manager, partner manager and agents
)

var grants = map[tandem.Role]map[Rule]bool{
	tandem.RoleOwner: set(Member, PartnersRead, PartnersWrite, EngagementsRead, EngagementsWrite,
		MembersRead, MembersManage, AuditRead, Amend, SelectionsRead, SelectionsWrite, SelectionsScore,
		WorkRead, WorkPlan, WorkReview, Respond, RequestsRead, RequestsWrite, ValuesWrite),
	tandem.RoleManager: set(Member, PartnersRead, PartnersWrite, EngagementsRead, EngagementsWrite,
		MembersRead, MembersManage, Amend, SelectionsRead, SelectionsWrite, SelectionsScore,
		WorkRead, WorkPlan, WorkReview, Respond, RequestsRead, RequestsWrite, ValuesWrite),
	// Viewers (auditors, board members) read and write nothing.
	tandem.RoleViewer: set(Member, PartnersRead, EngagementsRead, MembersRead, AuditRead, SelectionsRead,
		WorkRead, RequestsRead),
	tandem.RoleVendorManager: set(Member, PartnersRead, EngagementsRead, MembersRead, Amend,
		WorkRead, WorkPlan, WorkSubmit, Notify, RequestsRead, RequestsWrite, ValuesWrite),
	tandem.RoleVendorAgent: set(Member, PartnersRead, EngagementsRead, WorkRead, WorkSubmit, Notify, RequestsRead, RequestsWrite, ValuesWrite),
}

func set(rs ...Rule) map[Rule]bool {
	m := make(map[Rule]bool, len(rs))
	for _, r := range rs {
		m[r] = true
	}
	return m
}

// NeedsWorkspace reports whether r can only be checked against a membership.
func (r Rule) NeedsWorkspace() bool { return r != Public && r != SignedIn }

// Known reports whether r is one of the rules above.
func (r Rule) Known() bool {
	if r == Public || r == SignedIn {
		return true
	}
	for _, g := range grants {
		if g[r] {
			return true
		}
	}
	return false
}

// Allows reports whether role satisfies r. Public and SignedIn are satisfied
// by every role.
func Allows(role tandem.Role, r Rule) bool {
	if !r.NeedsWorkspace() {
		return true
	}
	return grants[role][r]
}

// Roles lists the roles that satisfy r, in the order of tandem.Roles: for
// a query that must find the people who may do something.
func Roles(r Rule) []tandem.Role {
	var out []tandem.Role
	for _, role := range tandem.Roles {
		if Allows(role, r) {
			out = append(out, role)
		}
	}
	return out
}

// Can reports whether p's role satisfies r, as an error: nil, or
// tandem.ErrForbidden.
func Can(p tandem.Principal, r Rule) error {
	if Allows(p.Role, r) {
		return nil
	}
	return tandem.ErrForbidden
}

// CanGrant reports whether a member with role may give another person role
// (owners may grant any role; managers any but owner).
func CanGrant(role, target tandem.Role) bool {
	switch role {
	case tandem.RoleOwner:
		return true
	case tandem.RoleManager:
		return target != tandem.RoleOwner
	}
	return false
}

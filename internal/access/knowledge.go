package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of the knowledge base and bus factors (package knowledge). Which
// engagements' pages a caller sees follows the engagement rules; the
// workspace's own pages are the client's (the store scopes them).
const (
	KnowledgeRead  Rule = "knowledge.read"  // pages, versions, bus factors: every member who sees the engagement
	KnowledgeWrite Rule = "knowledge.write" // write and review pages, name who can run an area: owner, manager, partner manager and agents
)

// Rules of pulse surveys (package survey): the client's people answer,
// the client's owner and manager configure and send them, everyone who
// sees the engagement reads the results (never who answered).
const (
	SurveysRead   Rule = "surveys.read"   // results: every member who sees the engagement
	SurveysManage Rule = "surveys.manage" // configure and send: owner and manager
	SurveysAnswer Rule = "surveys.answer" // answer: the client's people (owner, manager, viewer)
)

// Rules of responsible people and handovers (package handover).
const (
	HandoverRead   Rule = "handover.read"   // responsible people and checklists: every member who sees the engagement
	ResponsibleSet Rule = "handover.assign" // name a responsible person: owner and manager (both sides), partner manager (the partner's)
	HandoverWork   Rule = "handover.work"   // mark steps done: owner, manager, partner manager and agents (the handover package decides who)
)

func init() {
	all := []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer, tandem.RoleVendorManager, tandem.RoleVendorAgent}
	for _, role := range all {
		grants[role][KnowledgeRead] = true
		grants[role][SurveysRead] = true
		grants[role][HandoverRead] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleVendorManager, tandem.RoleVendorAgent} {
		grants[role][KnowledgeWrite] = true
		grants[role][HandoverWork] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager} {
		grants[role][SurveysManage] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer} {
		grants[role][SurveysAnswer] = true
	}
	for _, role := range []tandem.Role{tandem.RoleOwner, tandem.RoleManager, tandem.RoleVendorManager} {
		grants[role][ResponsibleSet] = true
	}
}

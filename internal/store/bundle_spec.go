package store

import (
	"sync"

	"github.com/tandemhq/tandem/internal/fact"
)

// pkgEntity is one entity of a handover package: a table, how its rows of
// the exported engagements are chosen, and which columns refer to rows of
// other entities (remapped to local ids on import). Entities are listed
// parents first; a reference to a row imported later (a cycle) is set by
// an UPDATE once that row exists.
type pkgEntity struct {
	name  string // the entity and table name
	key   string // the id column, "" for link tables
	scope string // a condition on the table; %s is the set of exported engagement ids
	// dynamic entities (people, memberships, files) hold the rows the others refer to.
	dynamic bool
	refs    map[string]string // column → entity
	noWS    bool              // the table has no workspace_id column
	// parent is the reference column naming the row (of an entity with an
	// engagement_id) whose engagement a row without one belongs to.
	parent string
}

// Entities that hold the rows the others refer to.
const (
	pkgWorkspace   = "workspaces"
	pkgPeople      = "people"
	pkgMemberships = "memberships"
	pkgFiles       = "files"
	pkgPartners    = "partners"
	pkgEvents      = "events"
)

var (
	byDeliverable = "deliverable_id IN (SELECT id FROM deliverables WHERE engagement_id IN %s)"
	byInvoice     = "invoice_id IN (SELECT id FROM invoices WHERE engagement_id IN %s)"
	byEngagement  = "engagement_id IN %s"
)

// pkgEntities is the content of a package in import order, built the
// first time a package is written or read (not when a command starts).
var pkgEntities = sync.OnceValue(func() []pkgEntity {
	return []pkgEntity{
		{name: pkgPartners, key: "id", scope: "id IN (SELECT partner_id FROM engagements WHERE id IN %s)"},
		{name: pkgPeople, key: "id", dynamic: true, noWS: true},
		{name: pkgMemberships, key: "id", dynamic: true, refs: map[string]string{"user_id": pkgPeople, "partner_id": pkgPartners}},
		{name: pkgFiles, key: "id", dynamic: true, refs: map[string]string{"created_by": pkgPeople}},
		{name: "engagements", key: "id", scope: "id IN %s", refs: map[string]string{"partner_id": pkgPartners}},
		{name: "amendments", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "proposed_by": pkgPeople, "decided_by": pkgPeople}},
		{name: "contract_versions", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "amendment_id": "amendments"}},
		{name: "engagement_responsibles", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "user_id": pkgPeople, "set_by": pkgPeople}},
		{name: "engagement_assignments", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "membership_id": pkgMemberships}},
		{name: "deliverables", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "assignee_id": pkgMemberships, "created_by": pkgPeople}},
		{name: "submissions", parent: "deliverable_id", key: "id", scope: byDeliverable, refs: map[string]string{"deliverable_id": "deliverables", "submitted_by": pkgPeople}},
		{name: "submission_files", parent: "submission_id", noWS: true, scope: "submission_id IN (SELECT s.id FROM submissions s JOIN deliverables d ON d.id = s.deliverable_id WHERE d.engagement_id IN %s)",
			refs: map[string]string{"submission_id": "submissions", "file_id": pkgFiles}},
		{name: "reviews", parent: "deliverable_id", key: "id", scope: byDeliverable, refs: map[string]string{"deliverable_id": "deliverables", "reviewed_by": pkgPeople}},
		{name: "notices", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "deliverable_id": "deliverables", "filed_by": pkgPeople, "acknowledged_by": pkgPeople}},
		{name: "proposals", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "deliverable_id": "deliverables", "raised_by": pkgPeople, "decided_by": pkgPeople}},
		{name: "status_reports", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "author_id": pkgPeople, "commented_by": pkgPeople}},
		{name: "requests", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "opened_by": pkgPeople}},
		{name: "request_changes", parent: "request_id", key: "id", scope: "request_id IN (SELECT id FROM requests WHERE engagement_id IN %s)", refs: map[string]string{"request_id": "requests", "actor_id": pkgPeople}},
		{name: "budgets", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "set_by": pkgPeople}},
		{name: "invoices", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements"}},
		{name: "invoice_lines", parent: "invoice_id", key: "id", scope: byInvoice, refs: map[string]string{"invoice_id": "invoices"}},
		{name: "credit_notes", parent: "invoice_id", key: "id", scope: byInvoice, refs: map[string]string{"invoice_id": "invoices", "created_by": pkgPeople}},
		{name: "invoice_adjustments", parent: "invoice_id", key: "id", scope: byInvoice, refs: map[string]string{"invoice_id": "invoices", "released_into": "invoice_adjustments", "created_by": pkgPeople}},
		{name: "invoice_disputes", parent: "invoice_id", key: "id", scope: byInvoice, refs: map[string]string{"invoice_id": "invoices", "opened_by": pkgPeople, "decided_by": pkgPeople}},
		{name: "time_entries", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "membership_id": pkgMemberships, "user_id": pkgPeople, "decided_by": pkgPeople}},
		{name: "ndas", key: "id", scope: "partner_id IN (SELECT partner_id FROM engagements WHERE id IN %s)", refs: map[string]string{"partner_id": pkgPartners, "membership_id": pkgMemberships}},
		{name: "sales_accounts", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "agent_membership_id": pkgMemberships}},
		{name: "sales_contacts", parent: "account_id", key: "id", scope: "account_id IN (SELECT id FROM sales_accounts WHERE engagement_id IN %s)", refs: map[string]string{"account_id": "sales_accounts"}},
		{name: "sales_contact_details", parent: "contact_id", key: "id", scope: "contact_id IN (SELECT c.id FROM sales_contacts c JOIN sales_accounts a ON a.id = c.account_id WHERE a.engagement_id IN %s)", refs: map[string]string{"contact_id": "sales_contacts"}},
		{name: "sales_deals", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "account_id": "sales_accounts", "owner_membership_id": pkgMemberships, "created_by": pkgPeople}},
		{name: "sales_deal_moves", parent: "deal_id", key: "id", scope: "deal_id IN (SELECT id FROM sales_deals WHERE engagement_id IN %s)", refs: map[string]string{"deal_id": "sales_deals", "user_id": pkgPeople}},
		{name: "sales_activities", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "account_id": "sales_accounts", "contact_id": "sales_contacts",
			"deal_id": "sales_deals", "agent_membership_id": pkgMemberships, "recording_file_id": pkgFiles, "file_id": pkgFiles, "rated_by": pkgMemberships}},
		{name: "sales_claims", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "membership_id": pkgMemberships, "user_id": pkgPeople, "partner_id": pkgPartners, "decided_by": pkgPeople}},
		{name: "facts", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements"}},
		{name: "manual_values", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "entered_by": pkgPeople, "decided_by": pkgPeople, "fact_id": "facts"}},
		{name: "knowledge_pages", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "owner_id": pkgPeople, "updated_by": pkgPeople}},
		{name: "knowledge_versions", parent: "page_id", key: "id", scope: "page_id IN (SELECT id FROM knowledge_pages WHERE engagement_id IN %s)", refs: map[string]string{"page_id": "knowledge_pages", "author_id": pkgPeople}},
		{name: "knowledge_reviews", parent: "page_id", key: "id", scope: "page_id IN (SELECT id FROM knowledge_pages WHERE engagement_id IN %s)", refs: map[string]string{"page_id": "knowledge_pages", "user_id": pkgPeople}},
		{name: "knowledge_runners", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "user_id": pkgPeople, "named_by": pkgPeople}},
		{name: "survey_rounds", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "sent_by": pkgPeople}},
		{name: "survey_answers", parent: "round_id", key: "id", scope: "round_id IN (SELECT id FROM survey_rounds WHERE engagement_id IN %s)", refs: map[string]string{"round_id": "survey_rounds", "user_id": pkgPeople}},
		{name: "survey_settings", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "updated_by": pkgPeople}},
		{name: "handovers", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "from_user": pkgPeople, "to_user": pkgPeople, "created_by": pkgPeople}},
		{name: "handover_steps", parent: "handover_id", key: "id", scope: "handover_id IN (SELECT id FROM handovers WHERE engagement_id IN %s)", refs: map[string]string{"handover_id": "handovers", "done_by": pkgPeople}},
		{name: "meeting_series", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "chair_id": pkgPeople, "created_by": pkgPeople}},
		{name: "meeting_participants", parent: "series_id", noWS: true, scope: "series_id IN (SELECT id FROM meeting_series WHERE engagement_id IN %s)",
			refs: map[string]string{"series_id": "meeting_series", "user_id": pkgPeople}},
		{name: "meetings", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "series_id": "meeting_series", "finalised_by": pkgPeople}},
		{name: "meeting_items", parent: "meeting_id", key: "id", noWS: true, scope: "meeting_id IN (SELECT id FROM meetings WHERE engagement_id IN %s)",
			refs: map[string]string{"meeting_id": "meetings", "added_by": pkgPeople}},
		{name: "meeting_attendance", parent: "meeting_id", noWS: true, scope: "meeting_id IN (SELECT id FROM meetings WHERE engagement_id IN %s)",
			refs: map[string]string{"meeting_id": "meetings", "user_id": pkgPeople}},
		{name: "decisions", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "meeting_id": "meetings", "created_by": pkgPeople}},
		{name: "action_items", key: "id", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "meeting_id": "meetings", "owner_id": pkgPeople, "created_by": pkgPeople}},
		{name: "engagement_terminations", scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "started_by": pkgPeople}},
		{name: "termination_items", noWS: true, scope: byEngagement, refs: map[string]string{"engagement_id": "engagements", "done_by": pkgPeople}},
	}
})

// factSubjectEntity is the entity a fact's subject id refers to.
func factSubjectEntity(kind string) string {
	switch fact.SubjectOf(fact.Kind(kind)) {
	case fact.SubjectDeliverable:
		return "deliverables"
	case fact.SubjectNotice:
		return "notices"
	case fact.SubjectProposal:
		return "proposals"
	case fact.SubjectRequest:
		return "requests"
	case fact.SubjectValue:
		return "manual_values"
	case fact.SubjectActivity:
		return "sales_activities"
	}
	return ""
}

// pkgTable is the table of an entity.
func pkgTable(name string) string {
	if name == pkgPeople {
		return "users"
	}
	return name
}

package web_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web"
)

// The access matrix, written out by hand: for each route, what each caller
// gets, in the order owner, manager, viewer, partner manager, partner agent,
// anonymous. y = the rule lets the caller in (the handler may still answer
// 404 or 422); n = 403; s = must sign in (a redirect to /signin for a page,
// 401 otherwise).
var accessMatrix = map[string]string{
	// Exports of the client's lists: client roles; the audit trail's as
	// the audit trail (owner and viewer). No partner role exports.
	"GET /engagements/{id}/deliverables/export/{format}":        "yyynns",
	"GET /engagements/{id}/requests/export/{format}":            "yyynns",
	"GET /engagements/{id}/scorecard/export/{format}":           "yyynns",
	"GET /audit/export/{format}":                                "ynynns",
	"GET /api/v1/engagements/{id}/deliverables/export/{format}": "yyynns",
	"GET /api/v1/engagements/{id}/requests/export/{format}":     "yyynns",
	"GET /api/v1/engagements/{id}/scorecard/export/{format}":    "yyynns",
	"GET /api/v1/audit/export/{format}":                         "ynynns",
	// The handover package: the client's owner only.
	"GET /engagements/{id}/package":        "ynnnns",
	"GET /api/v1/engagements/{id}/package": "ynnnns",
	// The monthly board pack: the client's owner and manager.
	"GET /portfolio/board-pack": "yynnns",
	// E-mail: every member chooses their own; an unsubscribe link needs
	// no sign-in; the workspace's outbox is the owner's.
	"GET /mail/unsubscribe/{token}":  "yyyyyy",
	"POST /mail/unsubscribe/{token}": "yyyyyy",
	"POST /account/mail":             "yyyyys",
	"GET /api/v1/me/mail":            "yyyyys",
	"PUT /api/v1/me/mail":            "yyyyys",
	"GET /mail/outbox":               "ynnnns",
	"GET /api/v1/mail/outbox":        "ynnnns",

	// The KPI API: the same rules as the scorecard pages.
	"GET /api/v1/metrics":                          "yyyyys",
	"GET /api/v1/portfolio":                        "yyyyys",
	"GET /api/v1/engagements/{id}/scorecard":       "yyyyys",
	"GET /api/v1/engagements/{id}/scorecard/{kpi}": "yyyyys",
	"GET /api/v1/engagements/{id}/trend":           "yyyyys",

	// Values of manual metrics: everyone who sees the engagement reads
	// them; the client enters and the partner reports them (viewers do
	// neither); only the client confirms or rejects.
	"GET /engagements/{id}/values":                         "yyyyys",
	"POST /engagements/{id}/values":                        "yynyys",
	"POST /engagements/{id}/values/{value}/confirm":        "yynnns",
	"POST /engagements/{id}/values/{value}/reject":         "yynnns",
	"GET /api/v1/engagements/{id}/values":                  "yyyyys",
	"POST /api/v1/engagements/{id}/values":                 "yynyys",
	"POST /api/v1/engagements/{id}/values/{value}/confirm": "yynnns",
	"POST /api/v1/engagements/{id}/values/{value}/reject":  "yynnns",

	// Termination: everyone who sees the engagement reads it; either side
	// gives notice (owner, manager, partner manager); the client ticks the
	// handover; only the owner closes access early.
	"GET /engagements/{id}/termination":                     "yyyyys",
	"POST /engagements/{id}/termination":                    "yynyns",
	"POST /engagements/{id}/termination/items/{key}":        "yynnns",
	"POST /engagements/{id}/termination/revoke":             "ynnnns",
	"GET /api/v1/engagements/{id}/termination":              "yyyyys",
	"POST /api/v1/engagements/{id}/termination":             "yynyns",
	"POST /api/v1/engagements/{id}/termination/items/{key}": "yynnns",
	"POST /api/v1/engagements/{id}/termination/revoke":      "ynnnns",

	// Webhooks: the client's owner and manager, and a partner's manager
	// for its partner; never agents or viewers.
	"GET /webhooks":                                        "yynyns",
	"POST /webhooks":                                       "yynyns",
	"GET /webhooks/{id}":                                   "yynyns",
	"POST /webhooks/{id}/rotate":                           "yynyns",
	"POST /webhooks/{id}/disable":                          "yynyns",
	"POST /webhooks/{id}/enable":                           "yynyns",
	"POST /webhooks/{id}/messages/{message}/replay":        "yynyns",
	"GET /api/v1/webhooks":                                 "yynyns",
	"POST /api/v1/webhooks":                                "yynyns",
	"GET /api/v1/webhooks/{id}":                            "yynyns",
	"POST /api/v1/webhooks/{id}/rotate":                    "yynyns",
	"POST /api/v1/webhooks/{id}/disable":                   "yynyns",
	"POST /api/v1/webhooks/{id}/enable":                    "yynyns",
	"GET /api/v1/webhooks/{id}/messages":                   "yynyns",
	"POST /api/v1/webhooks/{id}/messages/{message}/replay": "yynyns",
	// Meetings: everyone who sees the engagement reads them; the client's
	// owner and manager and the partner's manager plan them and write the
	// minutes; an action item's owner (agents too) marks it done.
	"GET /engagements/{id}/meetings":                               "yyyyys",
	"POST /engagements/{id}/meetings/plan":                         "yynyns",
	"POST /engagements/{id}/meetings/series":                       "yynyns",
	"GET /engagements/{id}/meetings/{meeting}":                     "yyyyys",
	"POST /engagements/{id}/meetings/{meeting}/move":               "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/cancel":             "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/items":              "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/notes":              "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/attendance":         "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/decisions":          "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/actions":            "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/finalise":           "yynyns",
	"POST /engagements/{id}/meetings/{meeting}/corrections":        "yynyns",
	"POST /engagements/{id}/actions/{action}/done":                 "yynyys",
	"GET /api/v1/engagements/{id}/meetings":                        "yyyyys",
	"POST /api/v1/engagements/{id}/meetings/plan":                  "yynyns",
	"GET /api/v1/engagements/{id}/meetings/series":                 "yyyyys",
	"POST /api/v1/engagements/{id}/meetings/series":                "yynyns",
	"GET /api/v1/engagements/{id}/meetings/{meeting}":              "yyyyys",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/move":        "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/cancel":      "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/items":       "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/notes":       "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/attendance":  "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/decisions":   "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/actions":     "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/finalise":    "yynyns",
	"POST /api/v1/engagements/{id}/meetings/{meeting}/corrections": "yynyns",
	"GET /api/v1/engagements/{id}/action-items":                    "yyyyys",
	"POST /api/v1/engagements/{id}/action-items/{action}/done":     "yynyys",
	"POST /account/calendar":                                       "yyyyys",
	"POST /account/calendar/revoke":                                "yyyyys",
	"GET /calendar/{token}":                                        "yyyyyy",
	"POST /api/v1/me/calendar-feed":                                "yyyyys",
	"POST /api/v1/me/calendar-feed/revoke":                         "yyyyys",

	// Time entries: everyone who sees the engagement reads them; the
	// partner's people record their time; the client approves or rejects.
	"GET /engagements/{id}/time":                                 "yyyyys",
	"POST /engagements/{id}/time":                                "nnnyys",
	"POST /engagements/{id}/time/{entry}/approve":                "yynnns",
	"POST /engagements/{id}/time/{entry}/reject":                 "yynnns",
	"GET /api/v1/engagements/{id}/time-entries":                  "yyyyys",
	"POST /api/v1/engagements/{id}/time-entries":                 "nnnyys",
	"POST /api/v1/engagements/{id}/time-entries/{entry}/approve": "yynnns",
	"POST /api/v1/engagements/{id}/time-entries/{entry}/reject":  "yynnns",

	// Is it worth it: the client reads it; the owner and manager set
	// budgets and save the in-house calculator.
	"GET /engagements/{id}/worth":           "yyynns",
	"POST /engagements/{id}/worth/budget":   "yynnns",
	"POST /engagements/{id}/worth/inhouse":  "yynnns",
	"GET /api/v1/engagements/{id}/worth":    "yyynns",
	"POST /api/v1/engagements/{id}/budgets": "yynnns",
	"POST /api/v1/engagements/{id}/inhouse": "yynnns",

	// Requests of SLA services: everyone who sees the engagement reads them;
	// viewers only read.
	"GET /engagements/{id}/requests":                              "yyyyys",
	"GET /engagements/{id}/requests/new":                          "yynyys",
	"POST /engagements/{id}/requests":                             "yynyys",
	"GET /engagements/{id}/requests/{number}":                     "yyyyys",
	"POST /engagements/{id}/requests/{number}/transition":         "yynyys",
	"GET /api/v1/engagements/{id}/requests":                       "yyyyys",
	"POST /api/v1/engagements/{id}/requests":                      "yynyys",
	"GET /api/v1/engagements/{id}/requests/{number}":              "yyyyys",
	"POST /api/v1/engagements/{id}/requests/{number}/transitions": "yynyys",

	// Invoices: client roles and the partner's manager, not the partner's
	// agents.
	"GET /engagements/{id}/invoices":                      "yyyyns",
	"GET /engagements/{id}/invoices/{period}":             "yyyyns",
	"GET /api/v1/engagements/{id}/invoices":               "yyyyns",
	"GET /api/v1/engagements/{id}/forecast":               "yyyyns",
	"GET /api/v1/engagements/{id}/invoices/{period}":      "yyyyns",
	"GET /engagements/{id}/invoices/{period}/pdf":         "yyyyns",
	"GET /engagements/{id}/invoices/{period}/xlsx":        "yyyyns",
	"GET /api/v1/engagements/{id}/invoices/{period}/pdf":  "yyyyns",
	"GET /api/v1/engagements/{id}/invoices/{period}/xlsx": "yyyyns",
	// The workflow: the partner's manager disputes; the client's owner and
	// manager decide, withhold, release, approve, issue, mark paid, credit.
	"POST /engagements/{id}/invoices/{period}/disputes":                                  "nnnyns",
	"POST /engagements/{id}/invoices/{period}/disputes/{dispute}/decide":                 "yynnns",
	"POST /engagements/{id}/invoices/{period}/withhold":                                  "yynnns",
	"POST /engagements/{id}/invoices/{period}/withholdings/{withholding}/release":        "yynnns",
	"POST /engagements/{id}/invoices/{period}/approve":                                   "yynnns",
	"POST /engagements/{id}/invoices/{period}/issue":                                     "yynnns",
	"POST /engagements/{id}/invoices/{period}/paid":                                      "yynnns",
	"POST /engagements/{id}/invoices/{period}/credit-notes":                              "yynnns",
	"POST /engagements/{id}/invoices/{period}/credit-lines":                              "yynnns",
	"POST /engagements/{id}/invoices/{period}/supplements":                               "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/disputes":                           "nnnyns",
	"POST /api/v1/engagements/{id}/invoices/{period}/disputes/{dispute}/decide":          "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/withhold":                           "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/withholdings/{withholding}/release": "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/approve":                            "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/issue":                              "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/paid":                               "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/credit-notes":                       "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/credit-lines":                       "yynnns",
	"POST /api/v1/engagements/{id}/invoices/{period}/supplements":                        "yynnns",

	// Pulse surveys: everyone who sees the engagement reads the results;
	// the client's owner and manager configure and send; the client's
	// people answer.
	"GET /engagements/{id}/surveys":                 "yyyyys",
	"POST /engagements/{id}/surveys/settings":       "yynnns",
	"POST /engagements/{id}/surveys/send":           "yynnns",
	"GET /surveys/{id}":                             "yyynns",
	"POST /surveys/{id}":                            "yyynns",
	"GET /api/v1/engagements/{id}/surveys":          "yyyyys",
	"PUT /api/v1/engagements/{id}/surveys/settings": "yynnns",
	"POST /api/v1/engagements/{id}/surveys/rounds":  "yynnns",
	"POST /api/v1/surveys/{id}/answers":             "yyynns",
	// The knowledge base: everyone reads (the store scopes what); viewers write nothing.
	"GET /engagements/{id}/knowledge":                 "yyyyys",
	"GET /engagements/{id}/knowledge/new":             "yynyys",
	"POST /engagements/{id}/knowledge":                "yynyys",
	"POST /engagements/{id}/knowledge/runners":        "yynyys",
	"GET /knowledge":                                  "yyyyys",
	"GET /knowledge/new":                              "yynyys",
	"POST /knowledge":                                 "yynyys",
	"POST /knowledge/runners":                         "yynyys",
	"GET /knowledge/pages/{id}":                       "yyyyys",
	"GET /knowledge/pages/{id}/edit":                  "yynyys",
	"POST /knowledge/pages/{id}":                      "yynyys",
	"POST /knowledge/pages/{id}/review":               "yynyys",
	"GET /api/v1/engagements/{id}/knowledge":          "yyyyys",
	"POST /api/v1/engagements/{id}/knowledge":         "yynyys",
	"POST /api/v1/engagements/{id}/knowledge/runners": "yynyys",
	"GET /api/v1/knowledge":                           "yyyyys",
	"POST /api/v1/knowledge":                          "yynyys",
	"POST /api/v1/knowledge/runners":                  "yynyys",
	"GET /api/v1/knowledge/at-risk":                   "yyyyys",
	"GET /api/v1/knowledge/pages/{id}":                "yyyyys",
	"PUT /api/v1/knowledge/pages/{id}":                "yynyys",
	"GET /api/v1/knowledge/pages/{id}/diff":           "yyyyys",
	"POST /api/v1/knowledge/pages/{id}/review":        "yynyys",
	// Responsible people and handovers: the client's owner and manager
	// name either side, the partner's manager the partner's; the people
	// involved tick steps (the handover package decides who).
	"GET /engagements/{id}/handovers":                                 "yyyyys",
	"POST /engagements/{id}/responsible":                              "yynyns",
	"POST /engagements/{id}/handovers/{handover}/steps/{step}":        "yynyys",
	"GET /api/v1/engagements/{id}/handovers":                          "yyyyys",
	"PUT /api/v1/engagements/{id}/responsible":                        "yynyns",
	"POST /api/v1/engagements/{id}/handovers/{handover}/steps/{step}": "yynyys",

	"GET /healthz":                         "yyyyyy",
	"GET /metrics":                         "yyyyyy",
	"GET /static/{file}":                   "yyyyyy",
	"GET /signin":                          "yyyyyy",
	"POST /signin":                         "yyyyyy",
	"POST /signout":                        "yyyyys",
	"GET /invite/{token}":                  "yyyyyy",
	"POST /invite/{token}":                 "yyyyyy",
	"GET /reset/{token}":                   "yyyyyy",
	"POST /reset/{token}":                  "yyyyyy",
	"GET /forgot":                          "yyyyyy",
	"POST /forgot":                         "yyyyyy",
	"POST /language":                       "yyyyyy",
	"GET /{$}":                             "yyyyys",
	"GET /workspaces":                      "yyyyys",
	"POST /workspaces/switch":              "yyyyys",
	"GET /partners":                        "yyyyys",
	"GET /partners/new":                    "yynnns",
	"POST /partners":                       "yynnns",
	"GET /partners/{id}":                   "yyyyys",
	"GET /partners/{id}/edit":              "yynnns",
	"POST /partners/{id}":                  "yynnns",
	"GET /engagements":                     "yyyyys",
	"GET /engagements/new":                 "yynnns",
	"POST /engagements":                    "yynnns",
	"GET /engagements/{id}":                "yyyyys",
	"GET /engagements/{id}/edit":           "yynnns",
	"POST /engagements/{id}":               "yynnns",
	"GET /engagements/{id}/terms":          "yyyyys",
	"GET /engagements/{id}/terms/edit":     "yynnns",
	"POST /engagements/{id}/terms":         "yynnns",
	"POST /engagements/{id}/activate":      "yynnns",
	"GET /engagements/{id}/amendments":     "yyyyys",
	"GET /engagements/{id}/amendments/new": "yynyns",
	"POST /engagements/{id}/amendments":    "yynyns",
	"POST /engagements/{id}/amendments/{number}/decision":        "yynyns",
	"GET /engagements/{id}/annex":                                "yyyyys",
	"GET /engagements/{id}/annex.pdf":                            "yyyyys",
	"GET /partners/{id}/ndas":                                    "yyyyns",
	"POST /partners/{id}/ndas":                                   "yynnns",
	"GET /api/v1/engagements/{id}/deliverables":                  "yyyyys",
	"POST /api/v1/engagements/{id}/deliverables":                 "yynyns",
	"GET /api/v1/engagements/{id}/figures":                       "yyyyys",
	"GET /api/v1/deliverables/{id}":                              "yyyyys",
	"POST /api/v1/deliverables/{id}/submissions":                 "nnnyys",
	"POST /api/v1/deliverables/{id}/review":                      "yynnns",
	"GET /api/v1/notifications":                                  "yyyyys",
	"GET /api/v1/engagements/{id}/terms":                         "yyyyys",
	"PUT /api/v1/engagements/{id}/terms":                         "yynnns",
	"GET /api/v1/engagements/{id}/versions":                      "yyyyys",
	"GET /api/v1/engagements/{id}/check":                         "yyyyys",
	"POST /api/v1/engagements/{id}/activate":                     "yynnns",
	"GET /api/v1/engagements/{id}/amendments":                    "yyyyys",
	"POST /api/v1/engagements/{id}/amendments":                   "yynyns",
	"POST /api/v1/engagements/{id}/amendments/{number}/decision": "yynyns",
	"GET /engagements/{id}/work":                                 "yyyyys",
	"POST /engagements/{id}/deliverables":                        "yynyns",
	"GET /engagements/{id}/deliverables/import":                  "yynyns",
	"POST /engagements/{id}/deliverables/import":                 "yynyns",
	"GET /deliverables/{id}":                                     "yyyyys",
	"POST /deliverables/{id}/move":                               "nnnyys",
	"POST /deliverables/{id}/submit":                             "nnnyys",
	"POST /deliverables/{id}/review":                             "yynnns",
	"GET /deliverables/{id}/files/{file}":                        "yyyyys",
	"GET /notifications":                                         "yyyyys",
	"POST /notifications/read":                                   "yyyyys",
	"GET /portfolio":                                             "yyyyys",
	"GET /engagements/{id}/scorecard":                            "yyyyys",
	"GET /engagements/{id}/scorecard/{kpi}":                      "yyyyys",
	"GET /members":                                               "yyyyns",
	"POST /members/invite":                                       "yynnns",
	"POST /members/{id}/remove":                                  "yynnns",
	"POST /members/{id}/reset":                                   "ynnnns", // resets are for owners only
	"POST /invitations/{id}/revoke":                              "yynnns",
	"GET /audit":                                                 "ynynns",
	"GET /account":                                               "yyyyys",
	"POST /account/sessions/{id}/revoke":                         "yyyyys",
	"POST /account/password":                                     "yyyyys",
	"POST /account/tokens":                                       "yyyyys",
	"POST /account/tokens/{id}/revoke":                           "yyyyys",
	"GET /api/v1/openapi.json":                                   "yyyyyy",
	"GET /api/v1/me":                                             "yyyyys",
	"GET /api/v1/partners":                                       "yyyyys",
	"POST /api/v1/partners":                                      "yynnns",
	"GET /api/v1/partners/{id}":                                  "yyyyys",
	"PATCH /api/v1/partners/{id}":                                "yynnns",
	"GET /api/v1/engagements":                                    "yyyyys",
	"POST /api/v1/engagements":                                   "yynnns",
	"GET /api/v1/engagements/{id}":                               "yyyyys",
	"PATCH /api/v1/engagements/{id}":                             "yynnns",

	// Choosing and piloting partners: the client's business only.
	"GET /selections":                    "yyynns",
	"GET /selections/new":                "yynnns",
	"POST /selections":                   "yynnns",
	"GET /selections/{id}":               "yyynns",
	"GET /selections/{id}/edit":          "yynnns",
	"POST /selections/{id}":              "yynnns",
	"POST /selections/{id}/scores":       "yynnns", // viewers only read
	"POST /selections/{id}/decision":     "yynnns",
	"POST /selections/{id}/pilot":        "yynnns",
	"POST /selections/{id}/pilot/review": "yynnns",
	"GET /partners/{id}/evidence":        "yyynns",
	"POST /partners/{id}/evidence":       "yynnns",
	"GET /evidence/{id}/file":            "yyynns",

	// The JSON API of choosing partners: the same rules as the pages.
	"GET /api/v1/selections":                "yyynns",
	"POST /api/v1/selections":               "yynnns",
	"GET /api/v1/selections/{id}":           "yyynns",
	"PUT /api/v1/selections/{id}/scores":    "yynnns",
	"POST /api/v1/selections/{id}/decision": "yynnns",
	"GET /api/v1/partners/{id}/evidence":    "yyynns",
	// Notices, proposals and risk warnings, status reports: the partner
	// writes, the client answers, everyone who sees the engagement reads.
	"GET /engagements/{id}/notices":                               "yyyyys",
	"POST /engagements/{id}/notices":                              "nnnyys",
	"POST /engagements/{id}/notices/{notice}/acknowledge":         "yynnns",
	"GET /engagements/{id}/proposals":                             "yyyyys",
	"POST /engagements/{id}/proposals":                            "nnnyys",
	"POST /engagements/{id}/proposals/{proposal}/decision":        "yynnns",
	"GET /engagements/{id}/status-reports":                        "yyyyys",
	"GET /engagements/{id}/status-reports/{week}":                 "yyyyys",
	"GET /engagements/{id}/status-reports/{week}/edit":            "nnnyys",
	"POST /engagements/{id}/status-reports/{week}":                "nnnyys",
	"POST /engagements/{id}/status-reports/{week}/comment":        "yynnns",
	"GET /api/v1/engagements/{id}/notices":                        "yyyyys",
	"POST /api/v1/engagements/{id}/notices":                       "nnnyys",
	"POST /api/v1/engagements/{id}/notices/{notice}/acknowledge":  "yynnns",
	"GET /api/v1/engagements/{id}/proposals":                      "yyyyys",
	"POST /api/v1/engagements/{id}/proposals":                     "nnnyys",
	"POST /api/v1/engagements/{id}/proposals/{proposal}/decision": "yynnns",
	"GET /api/v1/engagements/{id}/status-reports":                 "yyyyys",
	"GET /api/v1/engagements/{id}/status-reports/{week}":          "yyyyys",
	"PUT /api/v1/engagements/{id}/status-reports/{week}":          "nnnyys",
	"POST /api/v1/engagements/{id}/status-reports/{week}/comment": "yynnns",
}

func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	routes := web.Routes()
	for _, r := range routes {
		if _, ok := accessMatrix[r.Pattern]; !ok {
			t.Errorf("route %q is missing from the access matrix", r.Pattern)
		}
	}
	if len(accessMatrix) != len(routes) {
		t.Errorf("the access matrix has %d rows for %d routes", len(accessMatrix), len(routes))
	}
	// Sign-out ends the session, so it goes last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern == "POST /signout" })

	roles := []string{"owner", "manager", "viewer", "partner manager", "partner agent", "anonymous"}
	for _, dialect := range storetest.Dialects(t) {
		for i, role := range roles {
			t.Run(dialect+"/"+role, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, dialect)
				f := e.f
				ps := []tandem.Principal{f.Owner, f.Manager, f.Viewer, f.VendorManager, f.VendorAgent}
				c, token := e.anon(), "no-token"
				if i < len(ps) {
					c, token = e.as(ps[i]), e.token(ps[i])
				}
				for _, r := range routes {
					method, path, _ := strings.Cut(r.Pattern, " ")
					path = fillRoute(path, map[string]string{"$": "", "file": "nope.css", "token": "bogus", "number": "1", "kpi": "nope",
						"partners": fmt.Sprint(f.PartnerA), "engagements": fmt.Sprint(f.A1),
						"members": fmt.Sprint(f.VendorManagerB.MembershipID), "id": "999999"})
					var res resp
					api := strings.HasPrefix(path, "/api/")
					switch {
					case api && method != "GET":
						res = c.api(method, path, token, "{}")
					case api:
						res = c.api(method, path, token, "")
					case method == "GET":
						res = c.get(path)
					default:
						res = c.post(path, nil)
					}
					if res.status >= 500 {
						t.Errorf("%s as %s: status %d: %.300s", r.Pattern, role, res.status, res.body)
					}
					want := accessMatrix[r.Pattern][i]
					toSignIn := res.status == 303 && strings.HasPrefix(res.location, "/signin")
					var got byte
					switch {
					case res.status == 403:
						got = 'n'
					case res.status == 401 || (method == "GET" && toSignIn):
						got = 's'
					default:
						got = 'y'
					}
					if got != want {
						t.Errorf("%s as %s: got %c (status %d %s), want %c", r.Pattern, role, got, res.status, res.location, want)
					}
				}
			})
		}
	}
}

// A partner's people get the same 404 for another partner's records, the
// client's other workspace, and records that do not exist — in pages and
// in the API.
func TestPartnerPeopleCannotReachWhatIsNotTheirs(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect)
			f := e.f
			hidden := map[string][]string{
				"partner manager A": {fmt.Sprintf("/partners/%d", f.PartnerB), fmt.Sprintf("/engagements/%d", f.B1),
					fmt.Sprintf("/partners/%d", f.OtherPartner), fmt.Sprintf("/engagements/%d", f.OtherEngagement), "/engagements/999999"},
				"partner agent A": {fmt.Sprintf("/partners/%d", f.PartnerB), fmt.Sprintf("/engagements/%d", f.B1),
					fmt.Sprintf("/engagements/%d", f.A2), fmt.Sprintf("/engagements/%d", f.OtherEngagement), "/engagements/999999"},
				"partner manager B": {fmt.Sprintf("/partners/%d", f.PartnerA), fmt.Sprintf("/engagements/%d", f.A1)},
				"owner":             {fmt.Sprintf("/partners/%d", f.OtherPartner), fmt.Sprintf("/engagements/%d", f.OtherEngagement)},
			}
			who := map[string]tandem.Principal{"partner manager A": f.VendorManager, "partner agent A": f.VendorAgent,
				"partner manager B": f.VendorManagerB, "owner": f.Owner}
			// Pages below a hidden engagement answer like the engagement.
			for _, sub := range []string{"/terms", "/work", "/scorecard", "/notices", "/requests", "/values", "/time", "/sales/board", "/sales/funnel", "/sales/deals"} {
				hidden["partner manager A"] = append(hidden["partner manager A"], fmt.Sprintf("/engagements/%d%s", f.B1, sub))
				hidden["partner agent A"] = append(hidden["partner agent A"], fmt.Sprintf("/engagements/%d%s", f.A2, sub))
			}
			// Invoices: the partner's manager gets 404 for another partner's (an agent 403 for any).
			hidden["partner manager A"] = append(hidden["partner manager A"], fmt.Sprintf("/engagements/%d/invoices", f.B1),
				fmt.Sprintf("/engagements/%d/invoices/2026-11", f.B1), fmt.Sprintf("/engagements/%d/invoices/2026-11/pdf", f.B1),
				fmt.Sprintf("/engagements/%d/invoices/2026-11/xlsx", f.B1))
			var notFoundAPI string
			idRE := regexp.MustCompile(`^/(partners|engagements)/[0-9]+`)
			for name, paths := range hidden {
				c, token := e.as(who[name]), e.token(who[name])
				for _, p := range paths {
					page := c.get(p)
					api := c.api("GET", "/api/v1"+p, token, "")
					if page.status != 404 || api.status != 404 {
						t.Errorf("%s GET %s: page %d, api %d; want 404", name, p, page.status, api.status)
					}
					// The page is the same, word for word, as the page of a
					// record that does not exist, but for the address itself.
					missing := idRE.ReplaceAllString(p, "/$1/999999")
					if p != missing {
						other := c.get(missing)
						a, b := strings.ReplaceAll(page.body, p, "PATH"), strings.ReplaceAll(other.body, missing, "PATH")
						if other.status != 404 || a != b {
							t.Errorf("%s GET %s: the 404 page differs from that of %s (%d)", name, p, missing, other.status)
						}
					}
					for _, secret := range []string{"Beta helpdesk", "Alpha renewals", "Gamma", "Alpha outbound"} {
						if strings.Contains(page.body, secret) && !strings.Contains(c.get("/").body, secret) {
							t.Errorf("%s GET %s shows %q", name, p, secret)
						}
					}
					// The answer is the same, word for word, as for a record that does not exist.
					if notFoundAPI == "" {
						notFoundAPI = api.body
					} else if api.body != notFoundAPI {
						t.Errorf("%s GET %s: a different 404: %s", name, p, api.body)
					}
				}
			}
			// Lists show only what is theirs.
			tok := e.token(f.VendorAgent)
			r := e.anon().api("GET", "/api/v1/engagements", tok, "")
			if !strings.Contains(r.body, "Alpha outbound") || strings.Contains(r.body, "Alpha renewals") || strings.Contains(r.body, "Beta helpdesk") ||
				!strings.Contains(r.body, `"total":1`) {
				t.Errorf("agent's engagement list: %s", r.body)
			}
			r = e.anon().api("GET", "/api/v1/partners", tok, "")
			if !strings.Contains(r.body, "Alpha Sales AB") || strings.Contains(r.body, "Beta Support") {
				t.Errorf("agent's partner list: %s", r.body)
			}
			// Filters cannot widen the scope.
			r = e.anon().api("GET", fmt.Sprintf("/api/v1/engagements?partner_id=%d", f.PartnerB), tok, "")
			if !strings.Contains(r.body, `"total":0`) {
				t.Errorf("agent filtered by partner B: %s", r.body)
			}
			// The members page of a partner manager shows only its own people.
			body := e.as(f.VendorManager).get("/members").body
			if !strings.Contains(body, "agent@alpha.example") || strings.Contains(body, "vm@beta.example") || strings.Contains(body, "owner@example.com") {
				t.Errorf("partner manager's people page shows other people")
			}
		})
	}
}

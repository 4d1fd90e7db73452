package web

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/sales"
)

// route is one entry of the application's route table: a ServeMux pattern,
// the access rule the caller must satisfy, and the handler.
type route struct {
	pattern string
	rule    access.Rule
	fn      func(w http.ResponseWriter, r *http.Request) error
}

// routeTable is every route of the application, in one place. The route
// table test fails if a route has no known rule, and the access matrix test
// runs every role against every route.
func (s *server) routeTable() []route {
	return []route{
		// Operations.
		{"GET /healthz", access.Public, s.healthz},
		{"GET /metrics", access.Public, s.metricsPage},
		{"GET /static/{file}", access.Public, s.static},

		// Signing in and out, invitations, password resets, language.
		{"GET /signin", access.Public, s.signinForm},
		{"POST /signin", access.Public, s.signin},
		{"POST /signout", access.SignedIn, s.signout},
		{"GET /invite/{token}", access.Public, s.inviteForm},
		{"POST /invite/{token}", access.Public, s.inviteAccept},
		{"GET /reset/{token}", access.Public, s.resetForm},
		{"POST /reset/{token}", access.Public, s.reset},
		{"GET /forgot", access.Public, s.forgotForm},
		{"POST /forgot", access.Public, s.forgot},
		{"POST /language", access.Public, s.setLanguage},

		// Workspaces and the home page.
		{"GET /{$}", access.SignedIn, s.home},
		{"GET /workspaces", access.SignedIn, s.workspaces},
		{"POST /workspaces/switch", access.SignedIn, s.switchWorkspace},

		// Partners.
		{"GET /partners", access.PartnersRead, s.partnerList},
		{"GET /partners/new", access.PartnersWrite, s.partnerNew},
		{"POST /partners", access.PartnersWrite, s.partnerCreate},
		{"GET /partners/{id}", access.PartnersRead, s.partnerShow},
		{"GET /partners/{id}/edit", access.PartnersWrite, s.partnerEdit},
		{"POST /partners/{id}", access.PartnersWrite, s.partnerUpdate},

		// Engagements.
		{"GET /engagements", access.EngagementsRead, s.engagementList},
		{"GET /engagements/new", access.EngagementsWrite, s.engagementNew},
		{"POST /engagements", access.EngagementsWrite, s.engagementCreate},
		{"GET /engagements/{id}", access.EngagementsRead, s.engagementShow},
		{"GET /engagements/{id}/edit", access.EngagementsWrite, s.engagementEdit},
		{"POST /engagements/{id}", access.EngagementsWrite, s.engagementUpdate},

		// Contracts: terms as data, the check, activation, amendments, the annex.
		{"GET /engagements/{id}/terms", access.EngagementsRead, s.termsPage},
		{"GET /engagements/{id}/terms/edit", access.EngagementsWrite, s.termsEdit},
		{"POST /engagements/{id}/terms", access.EngagementsWrite, s.termsSave},
		{"POST /engagements/{id}/activate", access.EngagementsWrite, s.activate},
		{"GET /engagements/{id}/amendments", access.EngagementsRead, s.amendmentList},
		{"GET /engagements/{id}/amendments/new", access.Amend, s.amendmentNew},
		{"POST /engagements/{id}/amendments", access.Amend, s.amendmentPropose},
		{"POST /engagements/{id}/amendments/{number}/decision", access.Amend, s.amendmentDecide},
		{"GET /engagements/{id}/annex", access.EngagementsRead, s.annexPrint},
		{"GET /engagements/{id}/annex.pdf", access.EngagementsRead, s.annexPDF},
		{"GET /partners/{id}/ndas", access.MembersRead, s.ndaPage},
		{"POST /partners/{id}/ndas", access.MembersManage, s.ndaRecord},

		// Work: deliverables, submissions, reviews, figures; notifications.
		{"GET /engagements/{id}/work", access.WorkRead, s.workPage},
		{"POST /engagements/{id}/deliverables", access.WorkPlan, s.deliverableCreate},
		{"GET /engagements/{id}/deliverables/import", access.WorkPlan, s.importPage},
		{"POST /engagements/{id}/deliverables/import", access.WorkPlan, s.importPost},
		{"GET /deliverables/{id}", access.WorkRead, s.deliverablePage},
		{"POST /deliverables/{id}/move", access.WorkSubmit, s.deliverableMove},
		{"POST /deliverables/{id}/submit", access.WorkSubmit, s.deliverableSubmit},
		{"POST /deliverables/{id}/review", access.WorkReview, s.deliverableReview},
		{"GET /deliverables/{id}/files/{file}", access.WorkRead, s.deliverableFile},
		{"GET /notifications", access.Member, s.notificationsPage},
		{"POST /notifications/read", access.Member, s.notificationsRead},

		// Requests of SLA services: support tickets and change requests with their clocks.
		{"GET /engagements/{id}/requests", access.RequestsRead, s.requestList},
		{"GET /engagements/{id}/requests/new", access.RequestsWrite, s.requestNew},
		{"POST /engagements/{id}/requests", access.RequestsWrite, s.requestCreate},
		{"GET /engagements/{id}/requests/{number}", access.RequestsRead, s.requestShow},
		{"POST /engagements/{id}/requests/{number}/transition", access.RequestsWrite, s.requestTransition},

		// Notices, proposals and risk warnings, weekly status reports.
		{"GET /engagements/{id}/notices", access.WorkRead, s.noticeList},
		{"POST /engagements/{id}/notices", access.Notify, s.noticeFile},
		{"POST /engagements/{id}/notices/{notice}/acknowledge", access.Respond, s.noticeAcknowledge},
		{"GET /engagements/{id}/proposals", access.WorkRead, s.proposalList},
		{"POST /engagements/{id}/proposals", access.Notify, s.proposalRaise},
		{"POST /engagements/{id}/proposals/{proposal}/decision", access.Respond, s.proposalDecide},
		{"GET /engagements/{id}/status-reports", access.WorkRead, s.reportList},
		{"GET /engagements/{id}/status-reports/{week}", access.WorkRead, s.reportShow},
		{"GET /engagements/{id}/status-reports/{week}/edit", access.Notify, s.reportEdit},
		{"POST /engagements/{id}/status-reports/{week}", access.Notify, s.reportSave},
		{"POST /engagements/{id}/status-reports/{week}/comment", access.Respond, s.reportComment},

		// KPIs: scorecards, the figures explained, the portfolio.
		{"GET /portfolio", access.EngagementsRead, s.portfolioPage},
		{"GET /engagements/{id}/scorecard", access.WorkRead, s.scorecardPage},
		{"GET /engagements/{id}/scorecard/{kpi}", access.WorkRead, s.explainPage},
		{"GET /engagements/{id}/values", access.WorkRead, s.valuesPage},
		{"POST /engagements/{id}/values", access.ValuesWrite, s.valueEnter},
		{"POST /engagements/{id}/values/{value}/confirm", access.Respond, s.valueConfirm},
		{"POST /engagements/{id}/values/{value}/reject", access.Respond, s.valueReject},

		// Time entries: the partner records, the client approves or rejects.
		{"GET /engagements/{id}/time", access.TimeRead, s.timePage},
		{"POST /engagements/{id}/time", access.TimeRecord, s.timeRecord},
		{"POST /engagements/{id}/time/{entry}/approve", access.TimeApprove, s.timeApprove},
		{"POST /engagements/{id}/time/{entry}/reject", access.TimeApprove, s.timeReject},

		// People.
		{"GET /members", access.MembersRead, s.memberList},
		{"POST /members/invite", access.MembersManage, s.memberInvite},
		{"POST /members/{id}/remove", access.MembersManage, s.memberRemove},
		{"POST /members/{id}/reset", access.MembersManage, s.memberReset},
		{"POST /invitations/{id}/revoke", access.MembersManage, s.invitationRevoke},

		// Audit trail.
		{"GET /audit", access.AuditRead, s.auditList},

		// The signed-in person's own account: language, sessions, API tokens.
		{"GET /account", access.SignedIn, s.accountPage},
		{"POST /account/sessions/{id}/revoke", access.SignedIn, s.sessionRevoke},
		{"POST /account/password", access.SignedIn, s.passwordChange},
		{"POST /account/tokens", access.Member, s.tokenCreate},
		{"POST /account/tokens/{id}/revoke", access.Member, s.tokenRevoke},

		// Choosing and piloting partners.
		{"GET /selections", access.SelectionsRead, s.selectionList},
		{"GET /selections/new", access.SelectionsWrite, s.selectionNew},
		{"POST /selections", access.SelectionsWrite, s.selectionCreate},
		{"GET /selections/{id}", access.SelectionsRead, s.selectionShow},
		{"GET /selections/{id}/edit", access.SelectionsWrite, s.selectionEdit},
		{"POST /selections/{id}", access.SelectionsWrite, s.selectionUpdate},
		{"POST /selections/{id}/scores", access.SelectionsScore, s.selectionScore},
		{"POST /selections/{id}/decision", access.SelectionsWrite, s.selectionDecide},
		{"POST /selections/{id}/pilot", access.SelectionsWrite, s.selectionPilot},
		{"POST /selections/{id}/pilot/review", access.SelectionsWrite, s.selectionPilotReview},
		{"GET /partners/{id}/evidence", access.SelectionsRead, s.evidenceList},
		{"POST /partners/{id}/evidence", access.SelectionsWrite, s.evidenceAdd},
		{"GET /evidence/{id}/file", access.SelectionsRead, s.evidenceFile},

		// The sales base: accounts and contacts, assignment, reveals.
		{"GET /sales/accounts", access.SalesRead, s.salesAccounts},
		{"GET /sales/accounts/new", access.SalesWrite, s.salesAccountNew},
		{"POST /sales/accounts", access.SalesWrite, s.salesAccountCreate},
		{"GET /sales/accounts/{id}", access.SalesRead, s.salesAccountShow},
		{"GET /sales/accounts/{id}/edit", access.SalesWrite, s.salesAccountEdit},
		{"POST /sales/accounts/{id}", access.SalesWrite, s.salesAccountUpdate},
		{"POST /sales/accounts/{id}/contacts", access.SalesWrite, s.salesContactCreate},
		{"POST /sales/accounts/{id}/contacts/{contact}/reveal", access.SalesReveal, s.salesReveal},
		{"POST /sales/assign", access.SalesWrite, s.salesAssign},
		{"GET /engagements/{id}/sales/reveals", access.SalesReveals, s.salesReveals},
		{"GET /sales/export/{format}", access.SalesExport, s.salesExport},
		{"GET /sales/import", access.SalesRead, s.salesImportPage},
		{"POST /sales/import", access.SalesRead, s.salesImportPost},
		{"GET /engagements/{id}/sales/import", access.SalesRead, s.pipelineImportPage},
		{"POST /engagements/{id}/sales/import", access.SalesRead, s.pipelineImportPost},
		// Invoices: client roles and the partner's manager.
		{"GET /engagements/{id}/invoices", access.InvoicesRead, s.invoices},
		{"GET /engagements/{id}/invoices/{period}", access.InvoicesRead, s.invoicePage},
		{"GET /engagements/{id}/invoices/{period}/pdf", access.InvoicesRead, s.invoicePDF},
		{"GET /engagements/{id}/invoices/{period}/xlsx", access.InvoicesRead, s.invoiceXLSX},
		// The invoice workflow: the partner's manager disputes, the client's owner and manager decide.
		{"POST /engagements/{id}/invoices/{period}/disputes", access.InvoicesDispute, s.invoiceDispute},
		{"POST /engagements/{id}/invoices/{period}/disputes/{dispute}/decide", access.InvoicesDecide, s.invoiceDecide},
		{"POST /engagements/{id}/invoices/{period}/withhold", access.InvoicesDecide, s.invoiceWithhold},
		{"POST /engagements/{id}/invoices/{period}/withholdings/{withholding}/release", access.InvoicesDecide, s.invoiceRelease},
		{"POST /engagements/{id}/invoices/{period}/approve", access.InvoicesDecide, s.invoiceApprove},
		{"POST /engagements/{id}/invoices/{period}/issue", access.InvoicesDecide, s.invoiceIssue},
		{"POST /engagements/{id}/invoices/{period}/paid", access.InvoicesDecide, s.invoicePaid},
		{"POST /engagements/{id}/invoices/{period}/credit-notes", access.InvoicesDecide, s.invoiceCredit},
		{"POST /engagements/{id}/invoices/{period}/credit-lines", access.InvoicesDecide, s.invoiceCreditLines},
		{"POST /engagements/{id}/invoices/{period}/supplements", access.InvoicesDecide, s.invoiceSupplement},

		// Is it worth it: budget against actual, cost per result, return,
		// the in-house comparison (the client's).
		{"GET /engagements/{id}/worth", access.WorthRead, s.worthPage},
		{"POST /engagements/{id}/worth/budget", access.WorthWrite, s.worthBudget},
		{"POST /engagements/{id}/worth/inhouse", access.WorthWrite, s.worthInHouse},
		// Claims of paid results.
		{"GET /engagements/{id}/sales/claims", access.SalesClaimsRead, s.salesClaims},
		{"POST /engagements/{id}/sales/claims", access.SalesClaim, s.salesClaimCreate},
		{"POST /engagements/{id}/sales/claims/{claim}/decide", access.SalesClaimsDecide, s.salesClaimDecide},
		{"POST /engagements/{id}/sales/claims/{claim}/reverse", access.SalesClaimsDecide, s.salesClaimReverse},
		// Sales activities: the timeline's log forms, Today, recordings to review.
		{"POST /sales/accounts/{id}/activities", access.SalesLog, s.salesActivityLog},
		{"POST /sales/activities/{id}", access.SalesLog, s.salesActivityChange},
		{"GET /sales/activities/{id}/files/{file}", access.SalesRead, s.salesActivityFile},
		{"GET /sales/today", access.SalesLog, s.salesToday},
		{"GET /engagements/{id}/sales/recordings", access.SalesReview, s.salesRecordings},
		{"POST /engagements/{id}/sales/recordings/{activity}", access.SalesReview, s.salesRecordingRate},
		// Deals and the pipeline of a sales engagement.
		{"GET /engagements/{id}/sales/board", access.DealsRead, s.dealsBoard},
		{"GET /engagements/{id}/sales/funnel", access.DealsRead, s.dealsFunnel},
		{"GET /engagements/{id}/sales/deals/new", access.DealsWrite, s.dealNew},
		{"POST /engagements/{id}/sales/deals", access.DealsWrite, s.dealCreate},
		{"GET /engagements/{id}/sales/deals/{deal}", access.DealsRead, s.dealShow},
		{"GET /engagements/{id}/sales/deals/{deal}/edit", access.DealsWrite, s.dealEdit},
		{"POST /engagements/{id}/sales/deals/{deal}", access.DealsWrite, s.dealUpdate},
		{"POST /engagements/{id}/sales/deals/{deal}/stage", access.DealsWrite, s.dealMove},

		// JSON API (bearer tokens).
		{"GET /api/v1/openapi.json", access.Public, s.apiOpenAPI},
		{"GET /api/v1/me", access.Member, s.apiMe},
		{"GET /api/v1/partners", access.PartnersRead, s.apiPartnerList},
		{"POST /api/v1/partners", access.PartnersWrite, s.apiPartnerCreate},
		{"GET /api/v1/partners/{id}", access.PartnersRead, s.apiPartnerGet},
		{"PATCH /api/v1/partners/{id}", access.PartnersWrite, s.apiPartnerPatch},
		{"GET /api/v1/engagements", access.EngagementsRead, s.apiEngagementList},
		{"POST /api/v1/engagements", access.EngagementsWrite, s.apiEngagementCreate},
		{"GET /api/v1/engagements/{id}", access.EngagementsRead, s.apiEngagementGet},
		{"PATCH /api/v1/engagements/{id}", access.EngagementsWrite, s.apiEngagementPatch},
		{"GET /api/v1/engagements/{id}/deliverables", access.WorkRead, s.apiDeliverableList},
		{"POST /api/v1/engagements/{id}/deliverables", access.WorkPlan, s.apiDeliverableCreate},
		{"GET /api/v1/engagements/{id}/figures", access.WorkRead, s.apiFigures},
		{"GET /api/v1/deliverables/{id}", access.WorkRead, s.apiDeliverableGet},
		{"POST /api/v1/deliverables/{id}/submissions", access.WorkSubmit, s.apiDeliverableSubmit},
		{"POST /api/v1/deliverables/{id}/review", access.WorkReview, s.apiDeliverableReview},
		{"GET /api/v1/notifications", access.Member, s.apiNotifications},
		{"GET /api/v1/engagements/{id}/terms", access.EngagementsRead, s.apiTermsGet},
		{"PUT /api/v1/engagements/{id}/terms", access.EngagementsWrite, s.apiTermsPut},
		{"GET /api/v1/engagements/{id}/versions", access.EngagementsRead, s.apiVersions},
		{"GET /api/v1/engagements/{id}/check", access.EngagementsRead, s.apiCheck},
		{"POST /api/v1/engagements/{id}/activate", access.EngagementsWrite, s.apiActivate},
		{"GET /api/v1/engagements/{id}/amendments", access.EngagementsRead, s.apiAmendmentList},
		{"POST /api/v1/engagements/{id}/amendments", access.Amend, s.apiAmendmentPropose},
		{"POST /api/v1/engagements/{id}/amendments/{number}/decision", access.Amend, s.apiAmendmentDecide},
		{"GET /api/v1/selections", access.SelectionsRead, s.apiSelectionList},
		{"POST /api/v1/selections", access.SelectionsWrite, s.apiSelectionCreate},
		{"GET /api/v1/selections/{id}", access.SelectionsRead, s.apiSelectionGet},
		{"PUT /api/v1/selections/{id}/scores", access.SelectionsScore, s.apiSelectionScores},
		{"POST /api/v1/selections/{id}/decision", access.SelectionsWrite, s.apiSelectionDecide},
		{"GET /api/v1/partners/{id}/evidence", access.SelectionsRead, s.apiEvidenceList},
		{"GET /api/v1/engagements/{id}/requests", access.RequestsRead, s.apiRequestList},
		{"POST /api/v1/engagements/{id}/requests", access.RequestsWrite, s.apiRequestCreate},
		{"GET /api/v1/engagements/{id}/requests/{number}", access.RequestsRead, s.apiRequestGet},
		{"POST /api/v1/engagements/{id}/requests/{number}/transitions", access.RequestsWrite, s.apiRequestTransition},
		{"GET /api/v1/engagements/{id}/notices", access.WorkRead, s.apiNoticeList},
		{"POST /api/v1/engagements/{id}/notices", access.Notify, s.apiNoticeFile},
		{"POST /api/v1/engagements/{id}/notices/{notice}/acknowledge", access.Respond, s.apiNoticeAcknowledge},
		{"GET /api/v1/engagements/{id}/proposals", access.WorkRead, s.apiProposalList},
		{"POST /api/v1/engagements/{id}/proposals", access.Notify, s.apiProposalRaise},
		{"POST /api/v1/engagements/{id}/proposals/{proposal}/decision", access.Respond, s.apiProposalDecide},
		{"GET /api/v1/engagements/{id}/status-reports", access.WorkRead, s.apiReportList},
		{"GET /api/v1/engagements/{id}/status-reports/{week}", access.WorkRead, s.apiReportGet},
		{"PUT /api/v1/engagements/{id}/status-reports/{week}", access.Notify, s.apiReportPut},
		{"POST /api/v1/engagements/{id}/status-reports/{week}/comment", access.Respond, s.apiReportComment},
		{"GET /api/v1/metrics", access.EngagementsRead, s.apiMetrics},
		{"GET /api/v1/portfolio", access.EngagementsRead, s.apiPortfolio},
		{"GET /api/v1/engagements/{id}/scorecard", access.WorkRead, s.apiScorecard},
		{"GET /api/v1/engagements/{id}/scorecard/{kpi}", access.WorkRead, s.apiExplain},
		{"GET /api/v1/engagements/{id}/trend", access.WorkRead, s.apiTrend},
		{"GET /api/v1/engagements/{id}/values", access.WorkRead, s.apiValueList},
		{"POST /api/v1/engagements/{id}/values", access.ValuesWrite, s.apiValueEnter},
		{"POST /api/v1/engagements/{id}/values/{value}/confirm", access.Respond, s.apiValueConfirm},
		{"POST /api/v1/engagements/{id}/values/{value}/reject", access.Respond, s.apiValueReject},
		{"GET /api/v1/engagements/{id}/time-entries", access.TimeRead, s.apiTimeList},
		{"POST /api/v1/engagements/{id}/time-entries", access.TimeRecord, s.apiTimeRecord},
		{"POST /api/v1/engagements/{id}/time-entries/{entry}/approve", access.TimeApprove, s.apiTimeApprove},
		{"POST /api/v1/engagements/{id}/time-entries/{entry}/reject", access.TimeApprove, s.apiTimeReject},
		{"GET /api/v1/sales/accounts", access.SalesRead, s.apiSalesAccounts},
		{"POST /api/v1/sales/accounts", access.SalesWrite, s.apiSalesAccountCreate},
		{"GET /api/v1/sales/accounts/{id}", access.SalesRead, s.apiSalesAccountGet},
		{"GET /api/v1/sales/accounts/{id}/contacts", access.SalesRead, s.apiSalesContacts},
		{"POST /api/v1/sales/accounts/{id}/contacts", access.SalesWrite, s.apiSalesContactCreate},
		{"POST /api/v1/sales/accounts/{id}/contacts/{contact}/reveal", access.SalesReveal, s.apiSalesReveal},
		{"POST /api/v1/sales/assign", access.SalesWrite, s.apiSalesAssign},
		{"GET /api/v1/engagements/{id}/sales/reveals", access.SalesReveals, s.apiSalesReveals},
		{"GET /api/v1/sales/export/{format}", access.SalesExport, s.salesExport},
		{"POST /api/v1/sales/import", access.SalesRead, s.apiSalesImport},
		{"POST /api/v1/engagements/{id}/sales/import", access.SalesRead, s.apiPipelineImport},
		{"GET /api/v1/engagements/{id}/invoices", access.InvoicesRead, s.apiInvoices},
		{"GET /api/v1/engagements/{id}/forecast", access.InvoicesRead, s.apiForecast},
		{"GET /api/v1/engagements/{id}/invoices/{period}", access.InvoicesRead, s.apiInvoice},
		{"GET /api/v1/engagements/{id}/invoices/{period}/pdf", access.InvoicesRead, s.invoicePDF},
		{"GET /api/v1/engagements/{id}/invoices/{period}/xlsx", access.InvoicesRead, s.invoiceXLSX},
		{"POST /api/v1/engagements/{id}/invoices/{period}/disputes", access.InvoicesDispute, s.apiInvoiceDispute},
		{"POST /api/v1/engagements/{id}/invoices/{period}/disputes/{dispute}/decide", access.InvoicesDecide, s.apiInvoiceDecide},
		{"POST /api/v1/engagements/{id}/invoices/{period}/withhold", access.InvoicesDecide, s.apiInvoiceWithhold},
		{"POST /api/v1/engagements/{id}/invoices/{period}/withholdings/{withholding}/release", access.InvoicesDecide, s.apiInvoiceRelease},
		{"POST /api/v1/engagements/{id}/invoices/{period}/approve", access.InvoicesDecide, s.apiInvoiceApprove},
		{"POST /api/v1/engagements/{id}/invoices/{period}/issue", access.InvoicesDecide, s.apiInvoiceIssue},
		{"POST /api/v1/engagements/{id}/invoices/{period}/paid", access.InvoicesDecide, s.apiInvoicePaid},
		{"POST /api/v1/engagements/{id}/invoices/{period}/credit-notes", access.InvoicesDecide, s.apiInvoiceCredit},
		{"POST /api/v1/engagements/{id}/invoices/{period}/credit-lines", access.InvoicesDecide, s.apiInvoiceCreditLines},
		{"POST /api/v1/engagements/{id}/invoices/{period}/supplements", access.InvoicesDecide, s.apiInvoiceSupplement},
		{"GET /api/v1/engagements/{id}/worth", access.WorthRead, s.apiWorth},
		{"POST /api/v1/engagements/{id}/budgets", access.WorthWrite, s.apiBudgetSet},
		{"POST /api/v1/engagements/{id}/inhouse", access.WorthWrite, s.apiInHouseSave},
		{"GET /api/v1/engagements/{id}/sales/claims", access.SalesClaimsRead, s.apiSalesClaims},
		{"POST /api/v1/engagements/{id}/sales/claims", access.SalesClaim, s.apiSalesClaimCreate},
		{"POST /api/v1/engagements/{id}/sales/claims/{claim}/accept", access.SalesClaimsDecide, s.apiSalesClaimDecide(sales.Accept)},
		{"POST /api/v1/engagements/{id}/sales/claims/{claim}/dispute", access.SalesClaimsDecide, s.apiSalesClaimDecide(sales.Dispute)},
		{"POST /api/v1/engagements/{id}/sales/claims/{claim}/reverse", access.SalesClaimsDecide, s.apiSalesClaimReverse},
		{"GET /api/v1/sales/accounts/{id}/activities", access.SalesRead, s.apiSalesActivities},
		{"POST /api/v1/sales/accounts/{id}/activities", access.SalesLog, s.apiSalesActivityCreate},
		{"POST /api/v1/engagements/{id}/activities/batch", access.SalesLog, s.apiActivityBatch},
		{"GET /api/v1/engagements/{id}/sales/deals", access.DealsRead, s.apiDeals},
		{"POST /api/v1/engagements/{id}/sales/deals", access.DealsWrite, s.apiDealCreate},
		{"GET /api/v1/engagements/{id}/sales/deals/{deal}", access.DealsRead, s.apiDealGet},
		{"PATCH /api/v1/engagements/{id}/sales/deals/{deal}", access.DealsWrite, s.apiDealPatch},
		{"POST /api/v1/engagements/{id}/sales/deals/{deal}/stage", access.DealsWrite, s.apiDealMove},
		{"GET /api/v1/engagements/{id}/sales/funnel", access.DealsRead, s.apiDealsFunnel},
	}
}

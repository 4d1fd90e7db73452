package web

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// feedData is what an activity feed reads of an entry's data: the names
// and numbers a person knows a record by, and the ids its page is found
// by. Anything else stays on the audit trail's page.
type feedData struct {
	Title         string      `json:"title"`
	LegalName     string      `json:"legal_name"`
	Number        json.Number `json:"number"`
	RequestID     int64       `json:"request_id"`
	DeliverableID int64       `json:"deliverable_id"`
	MeetingID     int64       `json:"meeting_id"`
	ProposalID    int64       `json:"proposal_id"`
	ReportID      int64       `json:"report_id"`
	Week          string      `json:"week"`
}

// feedItems are an engagement's feed entries with what each is about
// (a title or a name from its data, a request's number) and a link to
// that record's page when the caller may open it. No statement is added:
// everything comes from the entry itself.
func feedItems(l *i18n.Localizer, p tandem.Principal, engagementID int64, es []audit.Entry) []views.FeedItem {
	out := make([]views.FeedItem, len(es))
	eng := "/engagements/" + strconv.FormatInt(engagementID, 10)
	can := func(r access.Rule) bool { return access.Can(p, r) == nil }
	for i, e := range es {
		it := views.FeedItem{Entry: e}
		var d feedData
		if json.Unmarshal([]byte(e.Data), &d) != nil {
			d = feedData{} // a payload of another shape: no subject
		}
		it.Subject = strings.TrimSpace(d.Title)
		if it.Subject == "" {
			it.Subject = strings.TrimSpace(d.LegalName)
		}
		number, _ := d.Number.Int64()
		switch {
		case d.DeliverableID != 0 && can(access.WorkRead):
			it.Link = "/deliverables/" + strconv.FormatInt(d.DeliverableID, 10)
		case d.RequestID != 0 && number > 0 && can(access.RequestsRead):
			it.Link = eng + "/requests/" + strconv.FormatInt(number, 10)
			if it.Subject == "" {
				it.Subject = l.T("request.page_title", "number", number)
			}
		case d.MeetingID != 0 && can(access.MeetingsRead):
			it.Link = eng + "/meetings/" + strconv.FormatInt(d.MeetingID, 10)
		case d.ProposalID != 0 && can(access.WorkRead):
			it.Link = eng + "/proposals"
		case d.ReportID != 0 && d.Week != "" && can(access.WorkRead):
			it.Link = eng + "/status-reports/" + url.PathEscape(d.Week)
		case e.Entity == "sales_deal" && e.EntityID != 0 && can(access.DealsRead):
			it.Link = eng + "/sales/deals/" + strconv.FormatInt(e.EntityID, 10)
		case e.Entity == "partner" && can(access.PartnersRead):
			it.Link = auditLink(e.Entity, e.EntityID)
		}
		out[i] = it
	}
	return out
}

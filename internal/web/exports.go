package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/export"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Exports of the client's lists (package export): deliverables, requests,
// a scorecard and the audit trail as CSV (UTF-8 with a byte order mark) or
// XLSX, headers and values in the reader's language, dates and times in
// the workspace's time zone. The routes' rules keep partner roles out
// (access.ListsExport, access.AuditRead); the store audits each export.

func exportFormat(r *http.Request) (export.Format, error) {
	f := export.Format(r.PathValue("format"))
	if !f.Valid() {
		return "", tandem.ErrNotFound
	}
	return f, nil
}

// sendExport writes t as a download named name.<extension>.
func sendExport(w http.ResponseWriter, f export.Format, name string, t export.Table) error {
	var buf bytes.Buffer
	if err := export.Write(&buf, f, t); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + f.Extension()}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(buf.Bytes())
	return err
}

// cellTime is a time in the reader's format, or "" for none.
func cellTime(l *i18n.Localizer, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.DateTime(t)
}

func yesNo(l *i18n.Localizer, b bool) string {
	if b {
		return l.T("common.yes")
	}
	return l.T("common.no")
}

func headers(l *i18n.Localizer, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = l.T(k)
	}
	return out
}

func (s *server) exportDeliverables(w http.ResponseWriter, r *http.Request) error {
	l := state(r).loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := exportFormat(r)
	if err != nil {
		return err
	}
	ds, err := s.db.Exports().Deliverables(r.Context(), state(r).principal, id, f)
	if err != nil {
		return err
	}
	t := export.Table{Sheet: l.T("work.title"), Header: headers(l, "field.title", "work.service", "work.priority", "field.status",
		"work.due", "work.assignee", "lists.col.submissions", "work.returns", "lists.col.first_submitted", "work.accepted_at")}
	for _, d := range ds {
		t.Rows = append(t.Rows, []string{d.Title, d.ServiceKey, l.T("work.priority." + d.Priority), l.T("work.status." + string(d.Status)),
			cellTime(l, d.DueAt), d.AssigneeName, strconv.Itoa(d.Submissions), strconv.Itoa(d.Returns),
			cellTime(l, d.FirstSubmittedAt), cellTime(l, d.AcceptedAt)})
	}
	return sendExport(w, f, fmt.Sprintf("deliverables-%d", id), t)
}

func (s *server) exportRequests(w http.ResponseWriter, r *http.Request) error {
	l := state(r).loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := exportFormat(r)
	if err != nil {
		return err
	}
	rs, err := s.db.Exports().Requests(r.Context(), state(r).principal, id, f)
	if err != nil {
		return err
	}
	t := export.Table{Sheet: l.T("request.list_title"), Header: headers(l, "request.field.number", "request.field.title", "request.field.service",
		"request.field.priority", "request.field.status", "request.field.opened_by", "request.field.opened_at",
		"lists.col.responded_at", "lists.col.resolved_at", "lists.col.response_breached", "lists.col.resolution_breached")}
	for _, x := range rs {
		t.Rows = append(t.Rows, []string{strconv.Itoa(x.Number), x.Title, x.ServiceKey, l.T("request.priority." + x.Priority),
			l.T("request.status." + string(x.Status)), x.OpenedByName, cellTime(l, x.OpenedAt), cellTime(l, x.RespondedAt),
			cellTime(l, x.ResolvedAt), yesNo(l, x.ResponseBreached), yesNo(l, x.ResolutionBreached)})
	}
	return sendExport(w, f, fmt.Sprintf("requests-%d", id), t)
}

func (s *server) exportScorecard(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	l := st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := exportFormat(r)
	if err != nil {
		return err
	}
	_, cur, _, err := s.scorecardOf(r, id)
	if err != nil {
		return err
	}
	t := export.Table{Sheet: periodLabel(l, cur.Period), Header: headers(l, "scorecard.kpi", "lists.col.metric", "scorecard.actual",
		"scorecard.target", "scorecard.threshold", "scorecard.weight", "scorecard.score", "field.status")}
	for _, row := range cur.Rows {
		k := kpiRow(l, cur.Metrics, id, cur.Period, row)
		score := ""
		if row.Scored {
			score = k.Score
		}
		t.Rows = append(t.Rows, []string{k.Name, k.Metric, k.Actual, k.Target, k.Threshold,
			strconv.Itoa(k.Weight), score, l.T("kpi.status." + string(row.Status))})
	}
	if cur.HasTotal {
		t.Rows = append(t.Rows, []string{l.T("scorecard.total"), "", "", "", "", "", l.Decimal(int64(cur.Total), 2), standingOf(l, cur.Scorecard)})
	}
	if err := s.db.Exports().Scorecard(r.Context(), st.principal, id, cur.Period.Label().String(), f, len(t.Rows)); err != nil {
		return err
	}
	return sendExport(w, f, fmt.Sprintf("scorecard-%d-%s", id, tandem.DateOf(cur.Period.Start)), t)
}

// standingOf is a scorecard's standing in words, or "".
func standingOf(l *i18n.Localizer, sc kpi.Scorecard) string {
	label, _ := standing(l, sc)
	return label
}

func (s *server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	l := st.loc
	f, err := exportFormat(r)
	if err != nil {
		return err
	}
	es, err := s.db.Exports().Audit(r.Context(), st.principal, auditFilter(r), f)
	if err != nil {
		return err
	}
	t := export.Table{Sheet: l.T("audit.title"), Header: headers(l, "audit.when", "audit.actor", "audit.action", "audit.record", "audit.details")}
	for _, e := range es {
		record := ""
		if e.EntityID != 0 {
			record = auditEntityName(l, e.Entity) + " " + strconv.FormatInt(e.EntityID, 10)
		}
		var details []string
		for _, d := range auditDetails(l, e.Data) {
			if d.Label != "" {
				details = append(details, d.Label+": "+d.Value)
			} else {
				details = append(details, d.Value)
			}
		}
		t.Rows = append(t.Rows, []string{l.DateTime(e.At), e.Actor, l.T("audit.action." + e.Action), record, strings.Join(details, "; ")})
	}
	return sendExport(w, f, "audit-trail", t)
}

// auditEntityName names the kind of record an entry is about, as the audit
// page does.
func auditEntityName(l *i18n.Localizer, entity string) string {
	if l.Has("audit.entity." + entity) {
		return l.T("audit.entity." + entity)
	}
	return l.T("audit.entity.other")
}

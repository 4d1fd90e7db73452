package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
	"github.com/tandemhq/tandem/internal/webhook"
)

// Webhooks: the page where the client's owner or manager (or a partner's
// manager, for its partner) registers endpoints and reads deliveries, and
// the JSON API (package webhook decides, the store keeps the outbox, the
// sender in internal/app delivers).

const webhookPageSize = 50

func webhookPath(id int64) string { return recordPath("/webhooks", id) }

// webhookGroups are the event groups as options.
func (s *server) webhookGroups(r *http.Request) []views.Option {
	l := state(r).loc
	var out []views.Option
	for _, g := range webhook.Groups {
		out = append(out, views.Option{Value: g.Name, Label: l.T("webhook.group." + g.Name)})
	}
	return out
}

// webhookRow is an endpoint as the pages show it.
func (s *server) webhookRow(r *http.Request, e webhook.Endpoint, partners map[int64]string) views.WebhookRow {
	l := state(r).loc
	row := views.WebhookRow{ID: e.ID, URL: e.URL, Description: e.Description, Created: l.DateTime(e.CreatedAt),
		Side: l.T("webhook.side.client"), Status: l.T("webhook.status.active"), Tone: "ok"}
	if e.PartnerID != 0 {
		row.Side = partners[e.PartnerID]
	}
	if e.Disabled() {
		row.Status, row.Tone = l.T("webhook.status."+e.DisabledReason), "bad"
		row.Disabled = true
	}
	if len(e.Groups) == 0 {
		row.Groups = l.T("webhook.group.all")
	} else {
		for i, g := range e.Groups {
			if i > 0 {
				row.Groups += ", "
			}
			row.Groups += l.T("webhook.group." + g)
		}
	}
	return row
}

// partnerNames names the workspace's partners the caller may see.
func (s *server) partnerNames(r *http.Request) (map[int64]string, error) {
	ps, _, err := s.db.Partners.List(r.Context(), state(r).principal, tandem.Page{Limit: 500}, "")
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, p := range ps {
		out[p.ID] = p.LegalName
	}
	return out, nil
}

func (s *server) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	return s.showWebhooks(w, r, views.Form{}, "", http.StatusOK)
}

func (s *server) showWebhooks(w http.ResponseWriter, r *http.Request, f views.Form, secret string, status int) error {
	st := state(r)
	es, err := s.db.Webhooks().Endpoints(r.Context(), st.principal)
	if err != nil {
		return err
	}
	partners, err := s.partnerNames(r)
	if err != nil {
		return err
	}
	d := views.WebhooksData{Form: f, Groups: s.webhookGroups(r), NewSecret: secret}
	for _, e := range es {
		d.Rows = append(d.Rows, s.webhookRow(r, e, partners))
	}
	s.render(w, r, status, views.Webhooks(s.nav(r, st.loc.T("webhook.title"), ""), d))
	return nil
}

func (s *server) webhookRegister(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	e := &webhook.Endpoint{URL: f.Get("url"), Description: f.Get("description"), Groups: f.Values["groups"]}
	if err := s.db.Webhooks().Register(r.Context(), state(r).principal, e, s.opts.WebhooksAllowPrivate); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showWebhooks(w, r, f, "", invalidStatus(err))
	}
	return s.showWebhooks(w, r, views.Form{}, e.Secret, http.StatusCreated)
}

func (s *server) webhookShow(w http.ResponseWriter, r *http.Request) error {
	return s.showWebhook(w, r, "", http.StatusOK)
}

func (s *server) showWebhook(w http.ResponseWriter, r *http.Request, secret string, status int) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.db.Webhooks().Endpoint(r.Context(), st.principal, id)
	if err != nil {
		return err
	}
	pg := pageOf(r.URL.Query(), webhookPageSize)
	ms, total, err := s.db.Webhooks().Deliveries(r.Context(), st.principal, id, pg)
	if err != nil {
		return err
	}
	partners, err := s.partnerNames(r)
	if err != nil {
		return err
	}
	l := st.loc
	d := views.WebhookData{Row: s.webhookRow(r, *e, partners), NewSecret: secret,
		Pager: views.Pager{Total: total, Offset: pg.Offset, Limit: webhookPageSize, Query: r.URL.Query(), Path: webhookPath(id)}}
	for _, m := range ms {
		row := views.WebhookMessageRow{ID: m.ID, MsgID: m.MsgID, Event: eventText(l, m.EventType, m.Body), Created: l.DateTime(m.CreatedAt),
			Attempts: m.Attempts, Status: l.T("webhook.message." + m.Status)}
		switch {
		case m.Status == store.WebhookDelivered:
			row.Tone, row.Answer = "ok", l.T("webhook.answer_code", "code", m.LastCode)
		case m.Status == store.WebhookFailed:
			row.Tone = "bad"
		default:
			row.Tone = "warn"
			if m.Attempts > 0 {
				row.Next = l.T("webhook.next_try", "when", l.DateTime(m.NextAt))
			}
		}
		if row.Answer == "" && m.Attempts > 0 {
			if m.LastCode != 0 {
				row.Answer = l.T("webhook.answer_code", "code", m.LastCode)
			} else {
				row.Answer = l.T("webhook.no_answer")
			}
		}
		d.Messages = append(d.Messages, row)
	}
	s.render(w, r, status, views.Webhook(s.nav(r, l.T("webhook.endpoint_title"), ""), d))
	return nil
}

// eventText is a message's event as a person reads it: the notification
// Tandem tells people of it, from the message's details.
func eventText(l *i18n.Localizer, typ, body string) string {
	var b struct {
		Data struct {
			Details map[string]any `json:"details"`
		} `json:"data"`
	}
	_ = json.Unmarshal([]byte(body), &b)
	return notificationMessage(l, notification.Notification{Kind: typ, Args: b.Data.Details})
}

func (s *server) webhookRotate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	secret, err := s.db.Webhooks().Rotate(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	return s.showWebhook(w, r, secret, http.StatusOK)
}

func (s *server) webhookDisable(w http.ResponseWriter, r *http.Request) error {
	return s.webhookSetDisabled(w, r, true)
}

func (s *server) webhookEnable(w http.ResponseWriter, r *http.Request) error {
	return s.webhookSetDisabled(w, r, false)
}

func (s *server) webhookSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.Webhooks().SetDisabled(r.Context(), state(r).principal, id, disabled); err != nil {
		return err
	}
	return redirect(w, r, webhookPath(id))
}

func (s *server) webhookReplay(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	msg, err := strconv.ParseInt(r.PathValue("message"), 10, 64)
	if err != nil {
		return tandem.ErrNotFound
	}
	if err := s.db.Webhooks().Replay(r.Context(), state(r).principal, id, msg); err != nil {
		return err
	}
	return redirect(w, r, webhookPath(id))
}

// The API.

type apiWebhook struct {
	ID             int64      `json:"id"`
	URL            string     `json:"url"`
	Description    string     `json:"description"`
	Groups         []string   `json:"groups"`
	PartnerID      *int64     `json:"partner_id"`
	Disabled       bool       `json:"disabled"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	Secret         string     `json:"secret,omitempty"`
}

func toAPIWebhook(e *webhook.Endpoint) apiWebhook {
	out := apiWebhook{ID: e.ID, URL: e.URL, Description: e.Description, Groups: e.Groups, Disabled: e.Disabled(),
		DisabledReason: e.DisabledReason, CreatedAt: e.CreatedAt, Secret: e.Secret}
	if out.Groups == nil {
		out.Groups = []string{}
	}
	if e.PartnerID != 0 {
		out.PartnerID = &e.PartnerID
	}
	if e.Disabled() {
		out.DisabledAt = &e.DisabledAt
	}
	return out
}

type apiWebhookMessage struct {
	ID          int64           `json:"id"`
	MsgID       string          `json:"msg_id"`
	Type        string          `json:"type"`
	Status      string          `json:"status"`
	Attempts    int             `json:"attempts"`
	CreatedAt   time.Time       `json:"created_at"`
	NextAt      *time.Time      `json:"next_at,omitempty"`
	DeliveredAt *time.Time      `json:"delivered_at,omitempty"`
	LastCode    int             `json:"last_status_code"`
	LastError   string          `json:"last_error,omitempty"`
	Body        json.RawMessage `json:"body"`
}

func (s *server) apiWebhookList(w http.ResponseWriter, r *http.Request) error {
	es, err := s.db.Webhooks().Endpoints(r.Context(), state(r).principal)
	if err != nil {
		return err
	}
	out := make([]apiWebhook, len(es))
	for i := range es {
		out[i] = toAPIWebhook(&es[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		URL         string   `json:"url"`
		Description string   `json:"description"`
		Groups      []string `json:"groups"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	e := &webhook.Endpoint{URL: in.URL, Description: in.Description, Groups: in.Groups}
	if err := s.db.Webhooks().Register(r.Context(), state(r).principal, e, s.opts.WebhooksAllowPrivate); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIWebhook(e))
	return nil
}

func (s *server) apiWebhookGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.db.Webhooks().Endpoint(r.Context(), state(r).principal, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIWebhook(e))
	return nil
}

func (s *server) apiWebhookRotate(w http.ResponseWriter, r *http.Request) error {
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := state(r).principal
	secret, err := s.db.Webhooks().Rotate(r.Context(), p, id)
	if err != nil {
		return err
	}
	e, err := s.db.Webhooks().Endpoint(r.Context(), p, id)
	if err != nil {
		return err
	}
	e.Secret = secret
	writeJSON(w, http.StatusOK, toAPIWebhook(e))
	return nil
}

func (s *server) apiWebhookDisable(w http.ResponseWriter, r *http.Request) error {
	return s.apiWebhookSetDisabled(w, r, true)
}

func (s *server) apiWebhookEnable(w http.ResponseWriter, r *http.Request) error {
	return s.apiWebhookSetDisabled(w, r, false)
}

func (s *server) apiWebhookSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := state(r).principal
	if err := s.db.Webhooks().SetDisabled(r.Context(), p, id, disabled); err != nil {
		return err
	}
	return s.apiWebhookGet(w, r)
}

func (s *server) apiWebhookMessages(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ms, total, err := s.db.Webhooks().Deliveries(r.Context(), state(r).principal, id, apiPage(r))
	if err != nil {
		return err
	}
	out := make([]apiWebhookMessage, len(ms))
	for i, m := range ms {
		x := apiWebhookMessage{ID: m.ID, MsgID: m.MsgID, Type: m.EventType, Status: m.Status, Attempts: m.Attempts,
			CreatedAt: m.CreatedAt, LastCode: m.LastCode, LastError: m.LastError, Body: json.RawMessage(m.Body)}
		if m.Status == store.WebhookPending {
			x.NextAt = &ms[i].NextAt
		}
		if !m.DeliveredAt.IsZero() {
			x.DeliveredAt = &ms[i].DeliveredAt
		}
		out[i] = x
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": total})
	return nil
}

func (s *server) apiWebhookReplay(w http.ResponseWriter, r *http.Request) error {
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	msg, err := strconv.ParseInt(r.PathValue("message"), 10, 64)
	if err != nil {
		return tandem.ErrNotFound
	}
	if err := s.db.Webhooks().Replay(r.Context(), state(r).principal, id, msg); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

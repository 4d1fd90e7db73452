package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/timesheet"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Time entries: the page where the partner's people record their time and
// the client approves or rejects it, and the JSON API (package timesheet
// decides, the store keeps them, the invoice prices the approved ones).

func timePath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/time"
}

// durationText is minutes as a person reads them: "1 h 30 min".
func durationText(l *i18n.Localizer, minutes int64) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return l.T("time.duration_min", "m", m)
	case m == 0:
		return l.T("time.duration_h", "h", h)
	}
	return l.T("time.duration", "h", h, "m", m)
}

// serviceLabel is a service key as its name in the terms.
func serviceLabel(services []contract.Service, key string) string {
	for _, s := range services {
		if s.Key == key {
			return s.Name
		}
	}
	return key
}

// localDate is a date in the reader's words ("3 Nov 2026"), the same
// calendar day in every time zone.
func localDate(l *i18n.Localizer, d tandem.Date) string {
	y, m, dd := d.Time().Date()
	return l.Date(time.Date(y, m, dd, 12, 0, 0, 0, l.Location()))
}

// parseDay reads the "day" field (2006-01-02) or gives a field error.
func parseDay(s string) (tandem.Date, error) {
	d, err := tandem.ParseDate(s)
	if err != nil {
		return tandem.Date{}, invalidField("day", "validation.date")
	}
	return d, nil
}

func (s *server) timePage(w http.ResponseWriter, r *http.Request) error {
	return s.timeView(w, r, http.StatusOK, views.Form{}, 0, views.Form{})
}

func (s *server) timeView(w http.ResponseWriter, r *http.Request, status int, rec views.Form, rejectID int64, reject views.Form) error {
	st := state(r)
	ctx, p, l := r.Context(), st.principal, st.loc
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	services, err := s.db.TimeEntries().Services(ctx, p, e.ID)
	if err != nil {
		return err
	}
	list, err := s.db.TimeEntries().List(ctx, p, e.ID)
	if err != nil {
		return err
	}
	d := views.TimeData{Engagement: e, Record: rec, RejectID: rejectID, Reject: reject,
		CanRecord: access.Allows(p.Role, access.TimeRecord) && e.Live() && len(services) > 0,
		CanDecide: access.Allows(p.Role, access.TimeApprove)}
	for _, sv := range services {
		d.Services = append(d.Services, views.Option{Value: sv.Key, Label: sv.Name})
	}
	if d.CanRecord && rec.Values == nil {
		d.Record.Values = map[string][]string{"day": {tandem.DateOf(s.db.Now().In(l.Location())).String()}}
	}
	var approved, pending int64
	for _, x := range list {
		row := views.TimeRow{ID: x.ID, Day: localDate(l, x.Day), Person: x.Person, Service: serviceLabel(services, x.Service),
			Duration: durationText(l, x.Minutes), Note: x.Note, State: x.State, Reason: x.Reason, DecidedBy: x.DecidedBy}
		if !x.DecidedAt.IsZero() {
			row.DecidedAt = l.DateTime(x.DecidedAt)
		}
		switch x.State {
		case timesheet.Approved:
			approved += x.Minutes
		case timesheet.Pending:
			pending += x.Minutes
		}
		d.Entries = append(d.Entries, row)
	}
	d.Approved, d.Pending = durationText(l, approved), durationText(l, pending)
	s.render(w, r, status, views.TimeEntries(s.nav(r, l.T("time.title"), "engagements"), d))
	return nil
}

func (s *server) timeRecord(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	x, err := s.recordTime(r, e, f.Get("day"), f.Get("hours"), f.Get("service"), f.Get("note"))
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.timeView(w, r, invalidStatus(err), f, 0, views.Form{})
	}
	return redirect(w, r, timePath(e.ID)+"#time-"+strconv.FormatInt(x.ID, 10))
}

// recordTime reads the page's fields (hours as "1:30" or "1,5") and
// records the entry.
func (s *server) recordTime(r *http.Request, e *engagement.Engagement, day, hours, service, note string) (*timesheet.Entry, error) {
	x := &timesheet.Entry{EngagementID: e.ID, Service: service, Note: note}
	var v tandem.Validator
	if day != "" {
		d, err := tandem.ParseDate(day)
		v.Check(err == nil, "day", i18n.K("validation.date"))
		x.Day = d
	}
	if hours != "" {
		m, ok := timesheet.ParseHours(hours)
		v.Check(ok, "hours", i18n.K("time.bad_hours"))
		x.Minutes = m
	} else {
		v.Add("hours", i18n.K("validation.required"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.db.TimeEntries().Record(r.Context(), state(r).principal, x)
	return x, renameField(err, "minutes", "hours")
}

// entryOf reads the {entry} of the path.
func entryOf(r *http.Request) (int64, error) { return subID(r, "entry") }

func (s *server) timeApprove(w http.ResponseWriter, r *http.Request) error {
	return s.timeDecide(w, r, true)
}

func (s *server) timeReject(w http.ResponseWriter, r *http.Request) error {
	return s.timeDecide(w, r, false)
}

func (s *server) timeDecide(w http.ResponseWriter, r *http.Request, approve bool) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	id, err := entryOf(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := state(r).principal
	if approve {
		err = s.db.TimeEntries().Approve(r.Context(), p, e.ID, id)
	} else {
		err = s.db.TimeEntries().Reject(r.Context(), p, e.ID, id, f.Get("reason"))
	}
	if err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.timeView(w, r, invalidStatus(err), views.Form{}, id, f)
	}
	return redirect(w, r, timePath(e.ID)+"#time-"+strconv.FormatInt(id, 10))
}

// apiTimeEntry is a time entry in the JSON API.
type apiTimeEntry struct {
	ID         int64      `json:"id"`
	Engagement int64      `json:"engagement_id"`
	Person     string     `json:"person"`
	Day        string     `json:"day"`
	Minutes    int64      `json:"minutes"`
	Service    string     `json:"service"`
	Note       string     `json:"note"`
	State      string     `json:"state"`
	RecordedAt time.Time  `json:"recorded_at"`
	DecidedBy  string     `json:"decided_by,omitempty"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
	Reason     string     `json:"reason,omitempty"`
}

func toAPITimeEntry(x *timesheet.Entry) apiTimeEntry {
	out := apiTimeEntry{ID: x.ID, Engagement: x.EngagementID, Person: x.Person, Day: x.Day.String(), Minutes: x.Minutes,
		Service: x.Service, Note: x.Note, State: x.State, RecordedAt: x.RecordedAt, DecidedBy: x.DecidedBy, Reason: x.Reason}
	if !x.DecidedAt.IsZero() {
		t := x.DecidedAt
		out.DecidedAt = &t
	}
	return out
}

func (s *server) apiTimeList(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	list, err := s.db.TimeEntries().List(r.Context(), state(r).principal, e.ID)
	if err != nil {
		return err
	}
	out := make([]apiTimeEntry, len(list))
	for i := range list {
		out[i] = toAPITimeEntry(&list[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *server) apiTimeRecord(w http.ResponseWriter, r *http.Request) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	var in struct {
		Day     string `json:"day"`
		Minutes int64  `json:"minutes"`
		Service string `json:"service"`
		Note    string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x := &timesheet.Entry{EngagementID: e.ID, Minutes: in.Minutes, Service: in.Service, Note: in.Note}
	if in.Day != "" {
		if x.Day, err = parseDay(in.Day); err != nil {
			return err
		}
	}
	if err := s.db.TimeEntries().Record(r.Context(), state(r).principal, x); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPITimeEntry(x))
	return nil
}

func (s *server) apiTimeApprove(w http.ResponseWriter, r *http.Request) error {
	return s.apiTimeDecide(w, r, true)
}

func (s *server) apiTimeReject(w http.ResponseWriter, r *http.Request) error {
	return s.apiTimeDecide(w, r, false)
}

func (s *server) apiTimeDecide(w http.ResponseWriter, r *http.Request, approve bool) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	id, err := entryOf(r)
	if err != nil {
		return err
	}
	// Approving takes no fields; rejecting needs a reason.
	var in struct {
		Reason string `json:"reason"`
	}
	if approve {
		err = decodeOptionalJSON(w, r, &struct{}{})
	} else {
		err = decodeJSON(w, r, &in)
	}
	if err != nil {
		return err
	}
	p := state(r).principal
	if approve {
		err = s.db.TimeEntries().Approve(r.Context(), p, e.ID, id)
	} else {
		err = s.db.TimeEntries().Reject(r.Context(), p, e.ID, id, in.Reason)
	}
	if err != nil {
		return err
	}
	x, err := s.db.TimeEntries().Entry(r.Context(), p, e.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPITimeEntry(x))
	return nil
}

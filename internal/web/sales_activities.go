package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/access"
	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// Sales activities in pages: an account's timeline and the forms that log
// a call, a meeting or presentation, a proposal and a follow-up; the
// agent's Today with its keyboard-first call form; and the client's
// recordings to review. The timeline never shows a phone number or an
// e-mail address in full: notes are masked (sales.MaskText) for everyone.

func salesActivityPath(id int64) string { return recordPath("/sales/activities", id) }

func salesRecordingsPath(engagementID int64) string {
	return recordPath("/engagements", engagementID) + "/sales/recordings"
}

// activityFileURL is where an activity's file is served (0: none).
func activityFileURL(activityID, fileID int64) string {
	if fileID == 0 {
		return ""
	}
	return fmt.Sprintf("/sales/activities/%d/files/%d", activityID, fileID)
}

// parseDuration reads a call's length typed as "m:ss", "h:mm:ss" or
// seconds; "" is 0 and anything else -1, which validation refuses.
func parseDuration(s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	var total int64
	for i, part := range strings.Split(s, ":") {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n < 0 || (i > 0 && (n > 59 || len(part) != 2)) || i > 2 {
			return -1
		}
		total = total*60 + n
	}
	return total
}

// formatDuration is a call's length as m:ss (h:mm:ss past an hour).
func formatDuration(s int64) string {
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// parseLocalTime reads a datetime-local input ("2006-01-02T15:04") in the
// workspace's zone; the zero time for "" or something else (validation
// then says it is required).
func parseLocalTime(s string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// followUpOf is the follow-up a form's preset ("1", "2", "7": days from
// now) or due time asks for, nil for none.
func followUpOf(f views.Form, now time.Time, loc *time.Location) *sales.Activity {
	var due time.Time
	if d, err := strconv.Atoi(f.Get("follow_up_days")); err == nil && d > 0 && d <= 60 {
		due = now.AddDate(0, 0, d)
	} else if s := f.Get("follow_up_at"); s != "" {
		due = parseLocalTime(s, loc)
	}
	if due.IsZero() {
		return nil
	}
	return &sales.Activity{Kind: sales.KindFollowUp, ScheduledAt: due, Notes: f.Get("follow_up_notes")}
}

// activityFromForm reads an activity from a log form of an account.
func activityFromForm(f views.Form, accountID int64, l *i18n.Localizer, currency string) *sales.Activity {
	a := &sales.Activity{Kind: sales.Kind(f.Get("kind")), AccountID: accountID, ContactID: formID(f.Get("contact_id")),
		Notes: f.Get("notes"), Status: sales.ActivityStatus(f.Get("status"))}
	switch a.Kind {
	case sales.KindCall:
		a.Direction, a.Outcome = sales.Direction(f.Get("direction")), sales.Outcome(f.Get("outcome"))
		a.DurationS, a.RecordingURL = parseDuration(f.Get("duration")), f.Get("recording_url")
		if a.DurationS < 0 {
			a.DurationS = sales.MaxCallSeconds + 1
		}
	case sales.KindMeeting, sales.KindPresentation, sales.KindFollowUp:
		a.ScheduledAt = parseLocalTime(f.Get("scheduled_at"), l.Location())
	case sales.KindProposal:
		if s := strings.TrimSpace(f.Get("amount")); s != "" {
			if n, err := money.ParseAmount(s, currency, decimalSep(l)); err == nil {
				a.AmountMinor = n
			} else {
				a.AmountMinor = -1
			}
		}
	}
	return a
}

// readActivityForm parses a log form, plain or multipart (with a
// recording or a document), and the uploaded files.
func readActivityForm(w http.ResponseWriter, r *http.Request) (views.Form, store.LogOptions, error) {
	var opts store.LogOptions
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		f, err := parseForm(w, r)
		return f, opts, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return views.Form{}, opts, tandem.Errorf(tandem.ETooLarge, i18n.K("error.too_large"), "max", maxUploadBytes>>20)
		}
		return views.Form{}, opts, tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
	}
	defer r.MultipartForm.RemoveAll()
	f := views.Form{Values: url.Values(r.MultipartForm.Value), Errors: map[string]string{}}
	for _, field := range []string{"recording", "document"} {
		up, hdr, err := r.FormFile(field)
		if errors.Is(err, http.ErrMissingFile) {
			continue
		}
		if err != nil {
			return f, opts, tandem.Errorf(tandem.EInvalid, i18n.K("error.bad_form"))
		}
		data, err := io.ReadAll(io.LimitReader(up, file.MaxFileSize+1))
		up.Close()
		if err != nil {
			return f, opts, err
		}
		if len(data) == 0 && hdr.Filename == "" {
			continue // an empty file input
		}
		ff, err := file.NewFile(hdr.Filename, http.DetectContentType(data), data)
		if err != nil {
			return f, opts, prefixFieldErrors(err, field)
		}
		if field == "recording" {
			if err := sales.CheckRecording(ff.ContentType); err != nil {
				return f, opts, err
			}
			opts.Recording = ff
		} else {
			opts.Document = ff
		}
	}
	return f, opts, nil
}

// prefixFieldErrors renames the field errors of err ("file") to field.
func prefixFieldErrors(err error, field string) error {
	var v tandem.Validator
	for _, fe := range tandem.FieldErrors(err) {
		v.Add(field, fe.Key, fe.Args...)
	}
	if e := v.Err(); e != nil {
		return e
	}
	return err
}

// salesActivityLog logs an activity from an account's page or from Today
// (back=today), with an optional follow-up and the follow-up it does.
func (s *server) salesActivityLog(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, opts, err := readActivityForm(w, r)
	if err != nil {
		if f.Values == nil || !withErrors(r, &f, err) {
			return err
		}
		return s.activityFormFailed(w, r, id, f, invalidStatus(err))
	}
	a := activityFromForm(f, id, l, workspaceCurrencyOf(st))
	opts.FollowUp = followUpOf(f, s.db.Now(), l.Location())
	opts.DoneFollowUp = formID(f.Get("done_follow_up"))
	if err := s.db.Sales().LogActivity(r.Context(), p, a, opts); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		// The form's names for the model's fields.
		for model, form := range map[string]string{"duration_s": "duration", "recording_file": "recording", "file": "document",
			"follow_up.scheduled_at": "follow_up_days"} {
			if msg, ok := f.Errors[model]; ok {
				f.Errors[form] = msg
			}
		}
		return s.activityFormFailed(w, r, id, f, invalidStatus(err))
	}
	if f.Get("back") == "today" {
		q := url.Values{"logged": {strconv.FormatInt(id, 10)}}
		if next := formID(f.Get("next")); next > 0 {
			q.Set("focus", strconv.FormatInt(next, 10))
		}
		return redirect(w, r, "/sales/today?"+q.Encode())
	}
	return redirect(w, r, salesAccountPath(id)+"?logged="+string(a.Kind)+"#timeline")
}

// activityFormFailed shows the form that was refused again, with its
// messages: on Today, or on the account's page.
func (s *server) activityFormFailed(w http.ResponseWriter, r *http.Request, accountID int64, f views.Form, status int) error {
	if f.Get("back") == "today" {
		return s.showToday(w, r, todayPage{form: f, account: accountID, status: status})
	}
	return s.showSalesAccount(w, r, salesAccountPage{activityForm: f, status: status})
}

// salesActivityChange marks a follow-up done or decides a meeting or a
// proposal, then goes back where it was asked from.
func (s *server) salesActivityChange(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	ch := store.ActivityChange{Done: f.Get("done") != "", Status: sales.ActivityStatus(f.Get("status"))}
	x, err := s.db.Sales().ChangeActivity(r.Context(), st.principal, id, ch)
	if err != nil {
		return err
	}
	if f.Get("back") == "today" {
		return redirect(w, r, "/sales/today")
	}
	return redirect(w, r, salesAccountPath(x.AccountID)+"#activity-"+strconv.FormatInt(x.ID, 10))
}

// salesActivityFile serves an activity's recording (inline, for the
// player) or document (as a download).
func (s *server) salesActivityFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fid := formID(r.PathValue("file"))
	ff, err := s.db.Sales().ActivityFile(r.Context(), state(r).principal, id, fid)
	if err != nil {
		return err
	}
	// An <audio> element plays it whatever the disposition; opened
	// directly it is a download that a browser will not run.
	serveFile(w, r, ff)
	return nil
}

// workspaceCurrencyOf is the currency of the request's workspace.
func workspaceCurrencyOf(st *reqState) string {
	if st.workspace == nil {
		return ""
	}
	return st.workspace.Currency
}

// activityRow formats one activity of a timeline for the reader.
func activityRow(l *i18n.Localizer, x sales.Activity, now time.Time, canLog bool, back string) views.ActivityRow {
	row := views.ActivityRow{ID: x.ID, Kind: string(x.Kind), KindLabel: l.T("sales.kind." + string(x.Kind)),
		At: l.DateTime(x.At), Agent: x.AgentName, Contact: x.ContactName, Account: x.AccountName, AccountURL: salesAccountPath(x.AccountID),
		Notes: sales.MaskText(x.Notes), ActionURL: salesActivityPath(x.ID), Back: back}
	switch x.Kind {
	case sales.KindCall:
		row.Details = append(row.Details, l.T("sales.direction."+string(x.Direction)), l.T("sales.outcome."+string(x.Outcome)))
		if x.DurationS > 0 {
			row.Details = append(row.Details, formatDuration(x.DurationS))
		}
		row.Recording = activityFileURL(x.ID, x.RecordingFileID)
		if row.Recording == "" {
			row.Recording, row.RecordingLink = x.RecordingURL, x.RecordingURL != ""
		}
		if x.Quality > 0 {
			row.Details = append(row.Details, l.T("sales.recording.rated", "quality", x.Quality))
		}
	case sales.KindProposal:
		row.Details = append(row.Details, l.Money(money.New(x.AmountMinor, x.Currency)))
		row.Document = activityFileURL(x.ID, x.FileID)
	}
	if !x.ScheduledAt.IsZero() {
		row.When = l.DateTime(x.ScheduledAt)
	}
	if x.Status != "" {
		row.Status = l.T("sales.activity_status." + string(x.Status))
		row.StatusTone = activityTone(x.Status)
		if st := sales.StatusesOf(x.Kind); canLog && len(st) > 0 && x.Status == st[0] {
			for _, to := range st[1:] {
				row.Actions = append(row.Actions, views.Option{Value: string(to), Label: l.T("sales.activity_action." + string(to))})
			}
		}
	}
	if x.Kind == sales.KindFollowUp {
		row.Overdue = x.Overdue(now)
		if x.DoneAt.IsZero() {
			row.CanDone = canLog
		} else {
			row.Done = l.DateTime(x.DoneAt)
		}
	}
	return row
}

func activityTone(s sales.ActivityStatus) string {
	switch s {
	case sales.MeetingHeld, sales.ProposalAccepted:
		return "ok"
	case sales.MeetingNoShow, sales.ProposalDeclined:
		return "bad"
	}
	return "info"
}

// activitiesSection is the timeline and log forms of an account's page.
func (s *server) activitiesSection(r *http.Request, a *sales.Account, contacts []sales.ContactView, form views.Form) (views.ActivitiesSection, error) {
	st := state(r)
	p, l := st.principal, st.loc
	xs, err := s.db.Sales().Activities(r.Context(), p, a.ID)
	if err != nil {
		return views.ActivitiesSection{}, err
	}
	d := views.ActivitiesSection{AccountID: a.ID, Action: salesAccountPath(a.ID) + "/activities",
		CanLog: access.Allows(p.Role, access.SalesLog) && a.EngagementID != 0, Unassigned: a.EngagementID == 0, Form: form,
		Outcomes: options(l, "sales.outcome.", sales.Outcomes, ""), Directions: options(l, "sales.direction.", sales.Directions, ""),
		MeetingKinds: options(l, "sales.kind.", []sales.Kind{sales.KindMeeting, sales.KindPresentation}, "")}
	if d.Form.Values == nil {
		d.Form = views.Form{Values: url.Values{}}
	}
	if a.EngagementID != 0 && access.Allows(p.Role, access.SalesReview) {
		d.Recordings = salesRecordingsPath(a.EngagementID)
	}
	d.Contacts = []views.Option{{Value: "", Label: l.T("sales.activity.no_contact")}}
	for _, c := range contacts {
		d.Contacts = append(d.Contacts, views.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
	}
	d.Presets = followUpPresets(l)
	now := s.db.Now()
	canClaim := access.Allows(p.Role, access.SalesClaim)
	for _, x := range xs {
		row := activityRow(l, x, now, d.CanLog, "account")
		// A held meeting of the account's engagement: the partner claims it from here.
		if canClaim && x.Kind == sales.KindMeeting && x.Status == sales.MeetingHeld && x.EngagementID == a.EngagementID && !x.Claimed {
			row.ClaimURL = salesClaimsPath(x.EngagementID)
		}
		d.Rows = append(d.Rows, row)
	}
	if q := r.URL.Query().Get("logged"); q != "" {
		d.Flash = l.T("sales.activity.logged")
	}
	return d, nil
}

func followUpPresets(l *i18n.Localizer) []views.Option {
	out := []views.Option{{Value: "", Label: l.T("sales.follow_up.none")}}
	for _, d := range sales.FollowUpPresets {
		out = append(out, views.Option{Value: strconv.Itoa(d), Label: l.N("sales.follow_up.in_days", int64(d))})
	}
	return out
}

// todayPage is what Today shows besides the day: a call form refused.
type todayPage struct {
	form    views.Form
	account int64
	status  int
}

func (s *server) salesToday(w http.ResponseWriter, r *http.Request) error {
	return s.showToday(w, r, todayPage{})
}

func (s *server) showToday(w http.ResponseWriter, r *http.Request, x todayPage) error {
	st := state(r)
	p, l := st.principal, st.loc
	now := s.db.Now()
	t, err := s.db.Sales().Today(r.Context(), p, now)
	if err != nil {
		return err
	}
	d := views.TodayData{Outcomes: options(l, "sales.outcome.", sales.Outcomes, ""), Presets: followUpPresets(l), Form: x.form}
	for _, f := range t.FollowUps {
		d.FollowUps = append(d.FollowUps, activityRow(l, f, now, true, "today"))
	}
	for _, m := range t.Meetings {
		d.Meetings = append(d.Meetings, activityRow(l, m, now, true, "today"))
	}
	for _, x := range t.Deals {
		d.Deals = append(d.Deals, views.DealRow{URL: dealPath(x.EngagementID, x.ID), Title: x.Title, Amount: l.Money(x.Amount), Owner: x.AccountName,
			NoNextStep: true, NextStepWas: nextStepWas(l, x.NextStepOn)})
	}
	due := map[int64]int64{} // account → its earliest open follow-up
	for _, f := range t.FollowUps {
		if due[f.AccountID] == 0 {
			due[f.AccountID] = f.ID
		}
	}
	focus := formID(r.URL.Query().Get("focus"))
	if x.account != 0 {
		focus = x.account
	}
	for i, e := range t.CallList {
		c := views.CallCard{AccountID: e.Account.ID, Account: e.Account.Name, URL: salesAccountPath(e.Account.ID),
			City: e.Account.City, Contact: e.Contact, ContactID: e.ContactID, Due: e.Due, FollowUpID: due[e.Account.ID],
			Action: salesAccountPath(e.Account.ID) + "/activities", Select: fmt.Sprintf("/sales/today?focus=%d#call-form", e.Account.ID)}
		if e.Phone.Value != "" {
			c.Phone = sales.Display(e.Phone)
		}
		if e.LastCallAt.IsZero() {
			c.LastCall = l.T("sales.today.never_called")
		} else {
			c.LastCall = l.T("sales.today.last_call", "at", l.DateTime(e.LastCallAt))
		}
		if i+1 < len(t.CallList) {
			c.Next = t.CallList[i+1].Account.ID
		}
		c.Focus = e.Account.ID == focus
		if x.account == e.Account.ID {
			c.Form = x.form
		}
		d.Calls = append(d.Calls, c)
	}
	if focus == 0 || !hasFocus(d.Calls) {
		if len(d.Calls) > 0 {
			d.Calls[0].Focus = true
		}
	}
	n := s.nav(r, l.T("sales.today.title"), "today")
	if r.URL.Query().Get("logged") != "" {
		n.Flash = l.T("sales.activity.logged")
	}
	status := x.status
	if status == 0 {
		status = http.StatusOK
	}
	s.render(w, r, status, views.SalesToday(n, d))
	return nil
}

func hasFocus(cs []views.CallCard) bool {
	for _, c := range cs {
		if c.Focus {
			return true
		}
	}
	return false
}

// salesRecordings lists an engagement's recorded calls for the client to
// listen to and rate.
func (s *server) salesRecordings(w http.ResponseWriter, r *http.Request) error {
	return s.showRecordings(w, r, 0, views.Form{}, http.StatusOK)
}

func (s *server) showRecordings(w http.ResponseWriter, r *http.Request, failed int64, f views.Form, status int) error {
	st := state(r)
	p, l := st.principal, st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.db.Engagements.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	xs, err := s.db.Sales().Recordings(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := views.RecordingsData{Engagement: e}
	now := s.db.Now()
	for _, x := range xs {
		rr := views.RecordingRow{ActivityRow: activityRow(l, x, now, false, ""), Quality: x.Quality, Comment: x.QualityComment,
			RateURL: fmt.Sprintf("%s/%d", salesRecordingsPath(id), x.ID)}
		if x.ID == failed {
			rr.Form = f
		}
		d.Rows = append(d.Rows, rr)
	}
	if r.URL.Query().Get("rated") != "" {
		d.Flash = l.T("sales.recording.saved")
	}
	s.render(w, r, status, views.SalesRecordings(s.nav(r, l.T("sales.recording.title"), "engagements"), d))
	return nil
}

// salesRecordingRate stores the client's rating of a recorded call.
func (s *server) salesRecordingRate(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	activity := formID(r.PathValue("activity"))
	f, err := parseForm(w, r)
	if err != nil {
		return err
	}
	q, _ := strconv.Atoi(f.Get("quality"))
	if err := s.db.Sales().RateCall(r.Context(), st.principal, id, activity, sales.Rating{Quality: q, Comment: f.Get("comment")}); err != nil {
		if !withErrors(r, &f, err) {
			return err
		}
		return s.showRecordings(w, r, activity, f, invalidStatus(err))
	}
	return redirect(w, r, salesRecordingsPath(id)+"?rated=1#recording-"+strconv.FormatInt(activity, 10))
}

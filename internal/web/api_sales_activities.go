package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The JSON API of sales activities: an account's activities, logging one,
// and the batch ingestion of dialers (store.IngestActivities): a JSON
// array or NDJSON of up to store.MaxBatchActivities activities, all or
// nothing, under an Idempotency-Key header.

type apiActivity struct {
	ID           int64      `json:"id"`
	EngagementID int64      `json:"engagement_id"`
	AccountID    int64      `json:"account_id"`
	ContactID    *int64     `json:"contact_id"`
	AgentID      int64      `json:"agent_id"`
	Kind         string     `json:"kind"`
	At           time.Time  `json:"at"`
	Direction    string     `json:"direction,omitempty"`
	Outcome      string     `json:"outcome,omitempty"`
	DurationS    int64      `json:"duration_s"`
	Recording    string     `json:"recording,omitempty"` // the recording's URL here, or the telephony system's link
	Status       string     `json:"status,omitempty"`
	ScheduledAt  *time.Time `json:"scheduled_at"`
	DoneAt       *time.Time `json:"done_at"`
	Overdue      bool       `json:"overdue"`
	AmountMinor  int64      `json:"amount_minor"`
	Currency     string     `json:"currency,omitempty"`
	Document     string     `json:"document,omitempty"`
	Notes        string     `json:"notes"`
	Quality      int        `json:"quality"`
}

func toAPIActivity(role tandem.Role, x sales.Activity, now time.Time) apiActivity {
	x = sales.ViewActivity(role, x)
	rec := activityFileURL(x.ID, x.RecordingFileID)
	if rec == "" {
		rec = x.RecordingURL
	}
	return apiActivity{ID: x.ID, EngagementID: x.EngagementID, AccountID: x.AccountID, ContactID: idPtr(x.ContactID), AgentID: x.AgentID,
		Kind: string(x.Kind), At: x.At, Direction: string(x.Direction), Outcome: string(x.Outcome), DurationS: x.DurationS,
		Recording: rec, Status: string(x.Status), ScheduledAt: optTime(x.ScheduledAt), DoneAt: optTime(x.DoneAt), Overdue: x.Overdue(now),
		AmountMinor: x.AmountMinor, Currency: x.Currency, Document: activityFileURL(x.ID, x.FileID), Notes: x.Notes, Quality: x.Quality}
}

// activityInput is an activity sent to the API. In a batch, a call may
// name its contact by the number dialed (phone) instead of account_id and
// contact_id.
type activityInput struct {
	Kind         string     `json:"kind"`
	AccountID    int64      `json:"account_id"`
	ContactID    int64      `json:"contact_id"`
	Phone        string     `json:"phone"`
	At           *time.Time `json:"at"`
	Direction    string     `json:"direction"`
	Outcome      string     `json:"outcome"`
	DurationS    int64      `json:"duration_s"`
	RecordingURL string     `json:"recording_url"`
	Status       string     `json:"status"`
	ScheduledAt  *time.Time `json:"scheduled_at"`
	AmountMinor  int64      `json:"amount_minor"`
	Currency     string     `json:"currency"`
	Notes        string     `json:"notes"`
}

func (in activityInput) activity() sales.Activity {
	a := sales.Activity{Kind: sales.Kind(in.Kind), AccountID: in.AccountID, ContactID: in.ContactID,
		Direction: sales.Direction(in.Direction), Outcome: sales.Outcome(in.Outcome), DurationS: in.DurationS,
		RecordingURL: in.RecordingURL, Status: sales.ActivityStatus(in.Status), AmountMinor: in.AmountMinor,
		Currency: in.Currency, Notes: in.Notes}
	if in.At != nil {
		a.At = *in.At
	}
	if in.ScheduledAt != nil {
		a.ScheduledAt = *in.ScheduledAt
	}
	return a
}

func (s *server) apiSalesActivities(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	xs, err := s.db.Sales().Activities(r.Context(), p, id)
	if err != nil {
		return err
	}
	now := s.db.Now()
	writeJSON(w, http.StatusOK, wholeList(xs, func(x sales.Activity) apiActivity { return toAPIActivity(p.Role, x, now) }))
	return nil
}

func (s *server) apiSalesActivityCreate(w http.ResponseWriter, r *http.Request) error {
	p := state(r).principal
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in activityInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var v tandem.Validator
	v.Check(in.AccountID == 0 || in.AccountID == id, "account_id", i18n.K("validation.one_of"))
	v.Check(in.Phone == "", "phone", i18n.K("sales.activity.not_for_kind"))
	if err := v.Err(); err != nil {
		return err
	}
	a := in.activity()
	a.AccountID = id
	// The logged activity is the stored one (LogActivity): no read back.
	if err := s.db.Sales().LogActivity(r.Context(), p, &a, store.LogOptions{}); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1"+salesAccountPath(id)+"/activities")
	writeJSON(w, http.StatusCreated, toAPIActivity(p.Role, a, s.db.Now()))
	return nil
}

// maxBatchBytes caps a batch body: 10,000 activities of about 1.6 KB.
const maxBatchBytes = 16 << 20

type apiItemError struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

type apiBatchError struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Errors  []apiItemError `json:"errors"`
	} `json:"error"`
}

type apiBatchResult struct {
	Created int     `json:"created"`
	IDs     []int64 `json:"ids"`
}

// batchItems reads a batch body: a JSON array of activities, or NDJSON
// (one activity a line, blank lines skipped) when the Content-Type says
// application/x-ndjson. Each item is decoded strictly (unknown fields and
// wrong types are item errors).
func batchItems(body []byte, ndjson bool) ([]store.BatchActivity, []store.ItemError, error) {
	var raws []json.RawMessage
	if ndjson {
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 0, 64<<10), maxBatchBytes)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				raws = append(raws, append(json.RawMessage(nil), line...))
			}
		}
		if err := sc.Err(); err != nil {
			return nil, nil, bodyError(i18n.K("error.bad_json"), i18n.K("validation.json_type"))
		}
	} else {
		body = bytes.TrimSpace(body)
		if len(body) == 0 || body[0] != '[' {
			return nil, nil, bodyError(i18n.K("error.invalid"), i18n.K("sales.batch.body_array"))
		}
		if !json.Valid(body) {
			return nil, nil, syntaxError(body)
		}
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, nil, bodyError(i18n.K("error.invalid"), i18n.K("sales.batch.body_array"))
		}
	}
	if len(raws) == 0 {
		return nil, nil, bodyError(i18n.K("error.invalid"), i18n.K("sales.batch.empty"))
	}
	if len(raws) > store.MaxBatchActivities {
		return nil, nil, tandem.Errorf(tandem.ETooLarge, i18n.K("sales.batch.too_many"), "max", store.MaxBatchActivities)
	}
	items := make([]store.BatchActivity, len(raws))
	var errs []store.ItemError
	for i, raw := range raws {
		var in activityInput
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if !json.Valid(raw) || len(raw) == 0 || raw[0] != '{' {
			errs = append(errs, store.ItemError{Index: i, Field: "body", Key: i18n.K("validation.body_object")})
			continue
		}
		if err := dec.Decode(&in); err != nil {
			var v tandem.Validator
			badValues(&v, raw, reflect.TypeOf(&in), "")
			fes := tandem.FieldErrors(v.Err())
			if len(fes) == 0 {
				fes = []tandem.FieldError{{Field: "body", Key: i18n.K("validation.json_type")}}
			}
			for _, f := range fes {
				errs = append(errs, store.ItemError{Index: i, Field: f.Field, Key: f.Key, Args: f.Args})
			}
			continue
		}
		items[i] = store.BatchActivity{Activity: in.activity(), Phone: strings.TrimSpace(in.Phone)}
	}
	return items, errs, nil
}

// apiActivityBatch ingests a dialer's batch. The answer to a key is kept
// with the batch (store.IngestActivities) and replayed, with the header
// Idempotent-Replayed: true, for the same key and body.
func (s *server) apiActivityBatch(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	p, l := st.principal, st.loc
	id, err := pathID(r)
	if err != nil {
		return err
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if key == "" || len(key) > 255 {
		var v tandem.Validator
		v.Add("Idempotency-Key", i18n.K("sales.batch.key_required"))
		return v.Err()
	}
	body, err := readBody(w, r, maxBatchBytes)
	if err != nil {
		return err
	}
	ndjson := strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/x-ndjson")
	sum := sha256.Sum256(append([]byte(r.URL.Path+"\n"), body...))
	answer := func(res *store.BatchResult, errs []store.ItemError) (int, []byte, error) {
		if errs != nil {
			var out apiBatchError
			out.Error.Code = string(tandem.EInvalid)
			out.Error.Message = l.N("sales.batch.refused", int64(len(errs)))
			for _, e := range errs {
				out.Error.Errors = append(out.Error.Errors, apiItemError{Index: e.Index, Field: e.Field, Message: l.T(string(e.Key), e.Args...)})
			}
			b, err := json.Marshal(out)
			return http.StatusUnprocessableEntity, b, err
		}
		b, err := json.Marshal(apiBatchResult{Created: res.Created, IDs: res.IDs})
		return http.StatusCreated, b, err
	}
	items, itemErrs, err := batchItems(body, ndjson)
	if err != nil {
		return err
	}
	if itemErrs != nil {
		// Not readable as activities: answered, and not kept under the key.
		status, b, err := answer(nil, itemErrs)
		if err != nil {
			return err
		}
		writeRaw(w, status, b, false)
		return nil
	}
	ans, err := s.db.Sales().IngestActivities(r.Context(), p, id, items, store.Idempotency{Key: key, Hash: hex.EncodeToString(sum[:])}, answer)
	if err != nil {
		return err
	}
	writeRaw(w, ans.Status, ans.Body, ans.Replayed)
	return nil
}

// writeRaw writes a stored JSON answer.
func writeRaw(w http.ResponseWriter, status int, body []byte, replayed bool) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(status)
	w.Write(body)
	w.Write([]byte("\n"))
}

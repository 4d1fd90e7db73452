package selection

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/file"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// EvidenceKind is what a piece of evidence about a partner shows (seed 002,
// stage 2 and the "how to choose" list; seed 000, "choosing the right
// partner").
type EvidenceKind string

// Evidence kinds.
const (
	KindYearsInBusiness   EvidenceKind = "years_in_business"
	KindRegistration      EvidenceKind = "registration"
	KindPortfolio         EvidenceKind = "portfolio"
	KindCaseStudy         EvidenceKind = "case_study"
	KindReference         EvidenceKind = "reference"
	KindReview            EvidenceKind = "review"
	KindIndependentRating EvidenceKind = "independent_rating"
	KindSimilarProduct    EvidenceKind = "similar_product"
	KindSampleCall        EvidenceKind = "sample_call"
	KindWorkSample        EvidenceKind = "work_sample"
)

// EvidenceKinds lists every kind in display order.
var EvidenceKinds = []EvidenceKind{KindYearsInBusiness, KindRegistration, KindPortfolio, KindCaseStudy,
	KindReference, KindReview, KindIndependentRating, KindSimilarProduct, KindSampleCall, KindWorkSample}

// Evidence is one thing the client learned about a partner: a fact with
// where it comes from, whether someone verified it, and optionally a file.
type Evidence struct {
	ID          int64
	WorkspaceID int64
	PartnerID   int64
	Kind        EvidenceKind
	Title       string
	Detail      string
	URL         string
	// Value is a number where the kind has one (years in business, a
	// rating), in tenths: 12 years is 120, a rating of 4.5 is 45.
	Value    int64
	HasValue bool
	Verified bool // e.g. the official registration was checked in the register

	// The attached file, if any (read-only here; see File).
	FileID          int64
	FileName        string
	FileSize        int64
	FileContentType string

	CreatedAt time.Time
	CreatedBy string // actor label
}

// Normalize trims what a person typed.
func (e *Evidence) Normalize() {
	e.Title = strings.TrimSpace(e.Title)
	e.Detail = strings.TrimSpace(e.Detail)
	e.URL = strings.TrimSpace(e.URL)
}

// Validate reports every problem with e as field errors.
func (e *Evidence) Validate() error {
	var v tandem.Validator
	v.Check(e.PartnerID > 0, "partner_id", i18n.K("validation.required"))
	kinds := make([]string, len(EvidenceKinds))
	for i, k := range EvidenceKinds {
		kinds[i] = string(k)
	}
	v.OneOf("kind", string(e.Kind), kinds...)
	if v.Required("title", e.Title) {
		v.MaxLen("title", e.Title, 200)
	}
	v.MaxLen("detail", e.Detail, 4000)
	if v.MaxLen("url", e.URL, 2000) {
		v.URL("url", e.URL)
	}
	if e.HasValue {
		v.Check(e.Value >= 0 && e.Value <= 1_000_000, "value", i18n.K("evidence.invalid.value"))
	}
	return v.Err()
}

// PrepareEvidence normalizes and checks a piece of evidence with the file
// uploaded with it (data nil for none; sniffed is the type read from the
// content): the file's problems are reported with the other fields'. It
// returns the file to store, or nil. Errors: EInvalid (fields, and "file").
func PrepareEvidence(e *Evidence, fileName, sniffed string, data []byte) (*file.File, error) {
	e.Normalize()
	verr := e.Validate()
	var f *file.File
	if data != nil {
		var ferr error
		if f, ferr = file.NewFile(fileName, sniffed, data); ferr != nil {
			fields := append(tandem.FieldErrors(verr), tandem.FieldErrors(ferr)...)
			verr = &tandem.Error{Code: tandem.EInvalid, Key: i18n.K("error.invalid"), Fields: fields}
		}
	}
	if verr != nil {
		return nil, verr
	}
	return f, nil
}

// AuditFields is what the audit trail records of a piece of evidence and
// its file f (nil for none).
func (e *Evidence) AuditFields(f *file.File) map[string]any {
	data := map[string]any{"partner_id": e.PartnerID, "kind": e.Kind, "title": e.Title, "url": e.URL, "verified": e.Verified}
	if e.HasValue {
		data["value"] = e.Value
	}
	if f != nil {
		data["file"] = map[string]any{"id": f.ID, "name": f.Name, "size": f.Size, "content_type": f.ContentType, "sha256": f.SHA256}
	}
	return data
}

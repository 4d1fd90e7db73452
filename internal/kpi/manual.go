package kpi

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The states of a manual value.
const (
	// ManualPending: reported by the partner, not yet confirmed; it does
	// not count.
	ManualPending = "pending"
	// ManualConfirmed: entered by the client or confirmed by it; it counts.
	ManualConfirmed = "confirmed"
	// ManualRejected: reported by the partner and rejected by the client,
	// with a reason.
	ManualRejected = "rejected"
	// ManualReplaced: a later value for the same metric and period took
	// its place.
	ManualReplaced = "replaced"
)

// ValueCountsFor reports whether a manual value entered for a period of
// kind valueKind counts for a period of kind periodKind that contains the
// value's period: a weekly value counts for its week only; a monthly value
// for its month and the quarter containing it; a quarterly value for its
// quarter. A value never counts for a shorter period — a week that
// contains the 1st of a month does not pick up that month's value — nor
// for a week or month merely because its period starts inside it. A
// period's value is the mean of the values that count for it.
func ValueCountsFor(valueKind, periodKind string) bool {
	switch periodKind {
	case Week:
		return valueKind == Week
	case Month:
		return valueKind == Month
	case Quarter:
		return valueKind == Month || valueKind == Quarter
	}
	return false
}

// MaxManualNote is the longest note of a manual value or reason of a
// rejection, in characters.
const MaxManualNote = 2000

// ManualValue is one value of a manual metric (contract.MetricDef of kind
// "manual") for one period: entered by the client, which makes it count at
// once, or reported by the partner, which makes it count once the client
// confirms it. At most one value per metric and period counts; a new one
// replaces it.
//
// Value is fixed point with Scale decimals (the metric's scale when it was
// entered). The period is the one of PeriodKind that starts on
// PeriodStart, a local date in the workspace's time zone.
type ManualValue struct {
	ID            int64
	WorkspaceID   int64
	EngagementID  int64
	Metric        string
	PeriodKind    string
	PeriodStart   tandem.Date
	Value         int64
	Scale         int
	Note          string
	State         string
	Side          string // who entered it: client | partner
	EnteredBy     int64
	EnteredByName string
	EnteredAt     time.Time
	DecidedBy     int64
	DecidedByName string
	DecidedAt     time.Time // zero while pending
	Reason        string    // why the client rejected it
	FactID        int64     // the fact that makes it count, while confirmed
}

// Normalize trims the free text.
func (v *ManualValue) Normalize() {
	v.Metric = strings.TrimSpace(v.Metric)
	v.Note = strings.TrimSpace(v.Note)
}

// Validate checks the form of a new value; whether the terms define the
// metric is the store's to check.
func (v *ManualValue) Validate() error {
	var val tandem.Validator
	val.Required("metric", v.Metric)
	if val.Required("period", v.PeriodKind) {
		val.Check(ValidKind(v.PeriodKind), "period", i18n.K("validation.one_of"))
	}
	val.Check(!v.PeriodStart.IsZero(), "period_start", i18n.K("validation.required"))
	val.MaxLen("note", v.Note, MaxManualNote)
	return val.Err()
}

// ValidateReason checks the reason of a rejection: required, bounded.
func ValidateReason(reason string) error {
	var v tandem.Validator
	if v.Required("reason", reason) {
		v.Check(utf8.RuneCountInString(reason) <= MaxManualNote, "reason", i18n.K("validation.too_long"), "max", MaxManualNote)
	}
	return v.Err()
}

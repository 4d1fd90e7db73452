// Package ownmetric holds the values of an engagement's own metrics that are
// entered by hand (contract.MetricDef of kind "manual"), and the rules for
// them: who enters or reports a value, which states it goes through, which
// value a new one replaces, and for which periods a value may be entered.
// The store loads what a decision needs in its transaction, calls it and
// persists the result.
package ownmetric

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/kpi"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The states of an own metric value.
const (
	// Pending: reported by the partner, not yet confirmed; it does not
	// count.
	Pending = "pending"
	// Confirmed: entered by the client or confirmed by it; it counts.
	Confirmed = "confirmed"
	// Rejected: reported by the partner and rejected by the client, with a
	// reason.
	Rejected = "rejected"
	// Replaced: a later value for the same metric and period took its
	// place.
	Replaced = "replaced"
)

// What happens to a value: the audit action and the notification kind.
const (
	ActionEntered   = "manual.entered"   // the client entered a value; it counts
	ActionReported  = "manual.reported"  // the partner reported a value; the client's deciders are told
	ActionConfirmed = "manual.confirmed" // the client confirmed a report; the partner's people are told
	ActionRejected  = "manual.rejected"  // the client rejected a report; the partner's people are told
	ActionReplaced  = "manual.replaced"  // the client's value replaced a pending report; the partner's people are told
)

// MaxNote is the longest note of a value or reason of a rejection, in
// characters.
const MaxNote = 2000

// Value is one value of an own metric entered by hand for one period:
// entered by the client, which makes it count at once, or reported by the
// partner, which makes it count once the client confirms it. At most one
// value per metric and period counts; a new one replaces it.
//
// Value is fixed point with Scale decimals (the metric's scale when it was
// entered). The period is the one of PeriodKind that starts on
// PeriodStart, a local date in the workspace's time zone.
type Value struct {
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
	Side          tandem.Side // who entered it
	EnteredBy     int64
	EnteredByName string
	EnteredAt     time.Time
	DecidedBy     int64
	DecidedByName string
	DecidedAt     time.Time // zero while pending
	Reason        string    // why the client rejected it
	FactID        int64     // the fact that makes it count, while confirmed

	// Typed, when set, is the value as a person typed it; CheckAgainst
	// reads Value and Scale from it with the decimals of the metric in
	// force, so that a form or an API call needs no read of the
	// definition of its own before the entry.
	Typed *Typed
}

// Typed is a value as typed in a form, an API call or the command line.
type Typed struct {
	Text string
	Sep  rune // the decimal separator of the person's language: '.' or ','
}

// ParseValue reads s as a value with scale decimals, sep the decimal
// separator. Errors: EInvalid on "value" (a whole number expected, or
// at most scale decimals).
func ParseValue(s string, scale int, sep rune) (int64, error) {
	n, err := money.ParseFixed(s, scale, sep)
	if err != nil {
		var v tandem.Validator
		if scale == 0 {
			v.Add("value", i18n.K("values.bad_whole"))
		} else {
			v.Add("value", i18n.K("values.bad_value"), "n", scale)
		}
		return 0, v.Err()
	}
	return n, nil
}

// Normalize trims the free text.
func (v *Value) Normalize() {
	v.Metric = strings.TrimSpace(v.Metric)
	v.Note = strings.TrimSpace(v.Note)
}

// Validate checks the form of a new value; whether the terms define the
// metric is MayEnter's to decide.
func (v *Value) Validate() error {
	var val tandem.Validator
	val.Required("metric", v.Metric)
	if val.Required("period", v.PeriodKind) {
		val.Check(kpi.ValidKind(v.PeriodKind), "period", i18n.K("validation.one_of"))
	}
	val.Check(!v.PeriodStart.IsZero(), "period_start", i18n.K("validation.required"))
	val.MaxLen("note", v.Note, MaxNote)
	return val.Err()
}

// ValidateReason checks the reason of a rejection: required, bounded.
func ValidateReason(reason string) error {
	var v tandem.Validator
	if v.Required("reason", reason) {
		v.Check(utf8.RuneCountInString(reason) <= MaxNote, "reason", i18n.K("validation.too_long"), "max", MaxNote)
	}
	return v.Err()
}

// CheckAgainst decides whether v fits def, the metric it is entered for:
// read with the metric's decimals (a Typed value is read here) and within
// its bounds (a 9 on a 1–5 scale is refused, not scored). Errors:
// EInvalid on "value".
func (v *Value) CheckAgainst(def *contract.MetricDef) error {
	if t := v.Typed; t != nil {
		n, err := ParseValue(t.Text, def.Scale, t.Sep)
		if err != nil {
			return err
		}
		v.Value, v.Scale, v.Typed = n, def.Scale, nil
	}
	var val tandem.Validator
	switch {
	case v.Scale != def.Scale:
		val.Add("value", i18n.K("kpi.manual.scale"), "n", def.Scale)
	case def.InRange(v.Value):
	case def.Min != nil && def.Max != nil:
		val.Add("value", i18n.K("kpi.manual.range"), "min", i18n.Fixed{V: *def.Min, Scale: def.Scale}, "max", i18n.Fixed{V: *def.Max, Scale: def.Scale})
	case def.Min != nil:
		val.Add("value", i18n.K("kpi.manual.min"), "min", i18n.Fixed{V: *def.Min, Scale: def.Scale})
	default:
		val.Add("value", i18n.K("kpi.manual.max"), "max", i18n.Fixed{V: *def.Max, Scale: def.Scale})
	}
	return val.Err()
}

// Counts reports whether the value counts for its period.
func (v *Value) Counts() bool { return v.State == Confirmed }

// MayEnter decides whether a person of side may enter a value of def, the
// metric as the terms in force on the period's last day define it (nil
// when they do not): it must be an own metric entered by hand, and the
// partner reports values only of metrics whose source is the partner.
// Errors: EInvalid on "metric".
func MayEnter(side tandem.Side, def *contract.MetricDef) error {
	if def == nil || def.Kind != contract.MetricKindManual {
		return invalid("metric", i18n.K("kpi.manual.unknown_metric"))
	}
	if !CountsAtOnce(side) && def.Source != string(tandem.SidePartner) {
		return invalid("metric", i18n.K("kpi.manual.client_only"))
	}
	return nil
}

// CheckLive decides whether values may be entered on e: only while it is
// live (EConflict otherwise).
func CheckLive(e *engagement.Engagement) error {
	if !e.Live() {
		return tandem.Errorf(tandem.EConflict, i18n.K("notice.not_live"))
	}
	return nil
}

// CheckPeriod decides whether a value may be entered for per at now, for
// an engagement that starts on startsOn: the period must have begun and
// must not end before the engagement starts. Errors: EInvalid on
// "period_start".
func CheckPeriod(per kpi.Period, now time.Time, startsOn tandem.Date) error {
	if per.Start.After(now) {
		return invalid("period_start", i18n.K("kpi.manual.future"))
	}
	if kpi.LastDay(per).Before(startsOn) {
		return invalid("period_start", i18n.K("kpi.manual.before_start"))
	}
	return nil
}

// CountsAtOnce reports whether a value entered by a person of side counts
// at once: the client's does, the partner's waits for the client.
func CountsAtOnce(side tandem.Side) bool { return side == tandem.SideClient }

// Enter decides the state of a new value entered by a person of side: the
// client's value counts at once (Confirmed), the partner's waits for the
// client (Pending). It returns the audit action.
func (v *Value) Enter(side tandem.Side) string {
	v.Side = side
	if CountsAtOnce(side) {
		v.State = Confirmed
		return ActionEntered
	}
	v.State = Pending
	return ActionReported
}

// Superseded lists the states of the values of v's metric and period that
// v replaces, in the order to replace them, when it is entered (entered)
// or confirmed: the value that counted, when v counts; and, when v is
// new, the partner's pending report, so that at most one waits.
func (v *Value) Superseded(entered bool) []string {
	var out []string
	if v.Counts() {
		out = append(out, Confirmed)
	}
	if entered {
		out = append(out, Pending)
	}
	return out
}

// Decide confirms (confirm) or rejects, with a reason, a value the partner
// reported, and returns the audit action. Only a pending value is decided.
// Errors: EInvalid (reason), EConflict (not pending).
func (v *Value) Decide(confirm bool, reason string) (string, error) {
	if !confirm {
		if err := ValidateReason(reason); err != nil {
			return "", err
		}
	}
	if v.State != Pending {
		return "", ErrNotPending
	}
	if confirm {
		v.State = Confirmed
		return ActionConfirmed, nil
	}
	v.State, v.Reason = Rejected, reason
	return ActionRejected, nil
}

// Reported is the notification of a value the partner reported (action
// ActionReported, Enter) of the metric named metricName for the period
// labelled period: the client's deciders are told, to confirm or reject it.
func (v *Value) Reported(action, metricName, period string) notification.Message {
	return notification.Message{Kind: action, To: notification.Client, Args: map[string]any{"metric": metricName, "period": period}}
}

// Decided is the notification of the client's decision (action, Decide) on
// a value the partner reported: the partner's people on the engagement and
// the person who reported it are told.
func (v *Value) Decided(action, reason string) notification.Message {
	return notification.Message{Kind: action, To: notification.Audience{Partner: true, Users: []int64{v.EnteredBy}},
		Args: map[string]any{"metric": v.Metric, "period_start": v.PeriodStart.String(), "reason": reason}}
}

// ReplacesReports reports whether entering v sets aside the partner's
// pending report of its metric and period without a decision on it: the
// client's value does, so the partner's people must be told (Replaced);
// the partner's own newer report does not need that.
func (v *Value) ReplacesReports() bool { return v.Counts() && v.Side == tandem.SideClient }

// Replaced is the notification of a client's value (v) that replaced the
// partner's pending report of metricName for the period labelled period:
// the partner's people on the engagement and the people who reported are
// told, so a report never disappears silently.
func (v *Value) Replaced(reporters []int64, metricName, period string) notification.Message {
	return notification.Message{Kind: ActionReplaced, To: notification.Audience{Partner: true, Users: reporters},
		Args: map[string]any{"metric": metricName, "period": period}}
}

// ErrNotPending: the value was already decided or replaced.
var ErrNotPending = tandem.Errorf(tandem.EConflict, i18n.K("kpi.manual.not_pending"))

func invalid(field string, key i18n.Key) error {
	var v tandem.Validator
	v.Add(field, key)
	return v.Err()
}

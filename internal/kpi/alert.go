package kpi

import (
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// AlertKPIOffTrack is the kind of the alert, notification and audit entry
// of a KPI that turned off track.
const AlertKPIOffTrack = "alert.kpi_off_track"

// AlertKPIOffPace is the kind of the notification of a KPI of a period in
// progress that its pace puts off track (the alert and its audit entry
// are AlertKPIOffTrack's): "heading off track", with the projected score.
const AlertKPIOffPace = "alert.kpi_off_pace"

// EvaluationHour is the local hour (in each workspace's time zone) of the
// daily evaluation.
const EvaluationHour = 2

// Alert is a recorded alert.
type Alert struct {
	ID           int64
	EngagementID int64
	Kind         string // AlertKPIOffTrack
	KPIKey       string
	PeriodKind   string // week | month | quarter
	PeriodStart  tandem.Date
	Period       string // its label, e.g. 2026-W10
	Status       Status
	Previous     Status // "" when the KPI had not been evaluated for the period
	Score        int    // hundredths of a point
	HasScore     bool
	CreatedAt    time.Time
	DeliveredAt  time.Time // zero until e-mail or webhooks have sent it
}

// TurnedOffTrack reports whether a KPI evaluated now at status, after
// previous at the last evaluation of the same period ("" when there was
// none), raises an alert: it is off track and was not. An alert is
// recorded once per engagement, KPI, period and status — a KPI that
// recovers and falls off track again in the same period raises none.
func TurnedOffTrack(previous, status Status) bool {
	return status == OffTrack && previous != OffTrack
}

// EvaluatedPeriods are the periods the daily evaluation at scores for an
// engagement whose terms (any version) use the period kinds inUse: of
// each kind in use, week before month before quarter, the period before
// the current one (it just closed, and gets its final word) and the
// current one.
func EvaluatedPeriods(inUse map[string]bool, at time.Time, loc *time.Location) []Period {
	var out []Period
	for _, kind := range []string{Week, Month, Quarter} {
		if inUse[kind] {
			cur := PeriodOf(kind, at, loc)
			out = append(out, cur.Prev(), cur)
		}
	}
	return out
}

// EvaluationDue reports whether the daily evaluation of a workspace in
// loc falls in the slot (from, to]: whether EvaluationHour:00 local time,
// of some day, lies in it. With hourly slots every local day has exactly
// one: on the day clocks skip that hour, time.Date normalizes the missing
// 02:00 to a real instant, and on the day it repeats, 02:00 is one instant.
func EvaluationDue(loc *time.Location, from, to time.Time) bool {
	y, m, d := from.In(loc).Date()
	for day := 0; ; day++ {
		t := time.Date(y, m, d+day, EvaluationHour, 0, 0, 0, loc)
		if t.After(to) {
			return false
		}
		if t.After(from) {
			return true
		}
	}
}

// OffTrackMessage is the notification of a KPI (row r of the scorecard of
// an engagement titled engagement, for the period labelled period) that
// turned off track: both sides are told — the client's deciders and the
// partner's people on the engagement. projected says r judges a period in
// progress at its pace: the message then says the KPI is heading off
// track (AlertKPIOffPace) and its score is the projected one.
func OffTrackMessage(r Row, period, engagement string, projected bool) notification.Message {
	kind := AlertKPIOffTrack
	if projected {
		kind = AlertKPIOffPace
	}
	return notification.Message{Kind: kind, To: notification.Both,
		Args: map[string]any{"kpi": r.KPI.Name, "period": period, "engagement": engagement, notification.ScoreArg: r.Score}}
}

// KindsInUse is the set of period kinds of the KPIs of any of the
// versions of an engagement's terms: the kinds the evaluation scores.
func KindsInUse(versions []contract.Version) map[string]bool {
	inUse := map[string]bool{}
	for _, v := range versions {
		for _, k := range v.Terms.KPIs {
			inUse[k.Period] = true
		}
	}
	return inUse
}

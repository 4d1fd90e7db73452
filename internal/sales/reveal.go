package sales

import (
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Reveal is one contact detail shown in full to a partner's agent, with
// the reason they gave. Every reveal is kept and audited; the detail
// itself comes back only in the answer to the reveal.
type Reveal struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	AccountID    int64
	AccountName  string
	ContactID    int64
	ContactName  string
	DetailID     int64
	Field        Field
	MembershipID int64 // the agent
	UserID       int64
	UserName     string
	Reason       string
	At           time.Time
}

// Validate checks what the agent gave: the field and a reason.
func (r *Reveal) Validate() error {
	var v tandem.Validator
	r.Reason = strings.TrimSpace(r.Reason)
	if v.Required("reason", r.Reason) {
		v.Check(len([]rune(r.Reason)) >= 3, "reason", i18n.K("sales.reveal.reason_short"))
		v.MaxLen("reason", r.Reason, 500)
	}
	v.Check(slices.Contains([]Field{FieldPhone, FieldEmail}, r.Field), "field", i18n.K("validation.one_of"))
	return v.Err()
}

// Limits hold reveals in check: at most Daily a day per agent, and more
// than Burst within BurstWindow tells the client.
type Limits struct {
	Daily       int
	Burst       int
	BurstWindow time.Duration
}

// LimitsOf are the reveal limits of the sales terms s (the terms in force
// today); terms without a sales part, or with a limit left at zero, get the
// defaults of package contract (50 a day, told past 20 in 10 minutes).
func LimitsOf(s *contract.Sales) Limits {
	if s == nil {
		s = &contract.Sales{}
	}
	return Limits{Daily: s.DailyReveals(), Burst: s.Burst(), BurstWindow: time.Duration(s.BurstMinutes()) * time.Minute}
}

// MayReveal decides whether an agent who has revealed today details today
// (in the workspace's calendar day) may reveal one more on e. The engagement
// must be live; the quota is per agent and day.
func (l Limits) MayReveal(e *engagement.Engagement, today int) error {
	if !e.Live() {
		return tandem.Errorf(tandem.EConflict, i18n.K("sales.reveal.not_live"))
	}
	if today >= l.Daily {
		return tandem.Errorf(tandem.ETooMany, i18n.K("sales.reveal.quota_reached"), "n", l.Daily)
	}
	return nil
}

// BurstCrossed reports whether a reveal that makes inWindow reveals by the
// same agent within BurstWindow (this one included) is the one that
// crosses the burst threshold: the client is told once per burst, not at
// every reveal after it.
func (l Limits) BurstCrossed(inWindow int) bool { return inWindow == l.Burst+1 }

// DayStart is the start of now's calendar day in loc: the quota's day.
func DayStart(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// BurstNotice is the notification kind that tells the client's owners and
// managers of a burst of reveals.
const BurstNotice = "sales.reveal_burst"

// CheckAssignment decides whether accounts may be assigned to e and,
// when agentID is not zero, to that agent: e must be a sales engagement;
// the agent a partner's agent of e's partner, assigned to e.
func CheckAssignment(e *engagement.Engagement, agentID int64, agentRole tandem.Role, agentPartner int64, agentOnEngagement bool) error {
	var v tandem.Validator
	if v.Check(e.Kind == engagement.KindSales, "engagement_id", i18n.K("sales.assign.not_sales")) && agentID != 0 {
		v.Check(agentRole == tandem.RoleVendorAgent && agentPartner == e.PartnerID && agentOnEngagement,
			"agent_id", i18n.K("sales.assign.agent_not_on_engagement"))
	}
	return v.Err()
}

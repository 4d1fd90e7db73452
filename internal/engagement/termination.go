package engagement

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A termination ends a live engagement early (seed 002: an unexpected
// termination is where clients lose their base and their history). Either
// side starts it — the client's owner or manager, or the partner's
// manager — with a notice date and a reason. It takes effect after the
// notice period of the terms in force (Shape.NoticeDays, calendar days
// from the notice date) unless both sides agreed an earlier or later day;
// the partner then owes the handover by the termination clause's deadline
// (Termination.DeadlineDays after the effective day) and the consultation
// hours it names.
//
// At the start of the effective day, in the workspace's time zone, every
// access path of the partner's people to the engagement closes at once
// (the store's revocation): the engagement leaves their scope, its status
// becomes ended, and the people left with no engagement of the workspace
// lose their sessions, API tokens and pending invitations, and their
// partner's webhook endpoints are disabled. The client's owner may close
// access at once, before the effective day.

// Termination sides.
const (
	SideClient  = "client"
	SidePartner = "partner"
)

// Termination is a started termination of an engagement.
type Termination struct {
	EngagementID      int64
	Side              string // who gave notice: client | partner
	StartedBy         int64
	StartedByName     string
	NoticeOn          tandem.Date
	Reason            string
	EffectiveOn       tandem.Date
	Agreed            bool        // the effective day was agreed, not the notice period's
	HandoverDue       tandem.Date // the handover is owed by this day
	ConsultationHours int
	RevokedAt         time.Time // when the partner's access closed; zero until then
	CreatedAt         time.Time
	Items             []HandoverItem
}

// Revoked reports whether the partner's access has closed.
func (t *Termination) Revoked() bool { return !t.RevokedAt.IsZero() }

// DaysLeft is the number of days from today to the effective day (0 on it,
// negative after).
func (t *Termination) DaysLeft(today tandem.Date) int {
	return int(t.EffectiveOn.Time().Sub(today.Time()).Hours() / 24)
}

// HandoverItem is one step of the handover checklist.
type HandoverItem struct {
	Key        string
	Detail     string // what the clause says (the data format), or a count
	DoneAt     time.Time
	DoneByName string
}

// Done reports whether the step is done.
func (i HandoverItem) Done() bool { return !i.DoneAt.IsZero() }

// Handover checklist steps.
const (
	ItemDataReturned    = "data_returned"     // the client's data returned in the agreed format
	ItemRecordsAccess   = "records_access"    // access to the records system handed over
	ItemOpenDeliverable = "open_deliverables" // open deliverables finished or handed back
	ItemOpenDeals       = "open_deals"        // open deals handed to the client's people
	ItemOpenInvoices    = "open_invoices"     // open invoices settled
	ItemKnowledge       = "knowledge"         // knowledge written down for the client
	ItemConsultations   = "consultations"     // post-termination consultations given
)

// ItemKeys are the checklist steps in order.
var ItemKeys = []string{ItemDataReturned, ItemRecordsAccess, ItemOpenDeliverable, ItemOpenDeals, ItemOpenInvoices, ItemKnowledge, ItemConsultations}

// Clause is what the terms in force say of termination, as Start needs it.
type Clause struct {
	NoticeDays        int
	DeadlineDays      int
	DataFormat        string
	RecordsAccess     bool
	ConsultationHours int
	Sales             bool // a sales engagement: its open deals are handed over
}

// MaxReason is the longest reason, in characters.
const MaxReason = 2000

// StartTermination checks and completes a termination that side starts on
// e under clause c: e must be live and not being terminated; the notice
// day is today or earlier; an agreed effective day, when given, is not
// before the notice day. It fills the effective day, the handover deadline,
// the consultation hours and the checklist's steps.
func StartTermination(e *Engagement, already bool, c Clause, t *Termination, today tandem.Date) error {
	if !e.Live() {
		return tandem.Errorf(tandem.EConflict, i18n.K("termination.not_live"))
	}
	if already {
		return tandem.Errorf(tandem.EConflict, i18n.K("termination.started"))
	}
	var v tandem.Validator
	t.Reason = strings.TrimSpace(t.Reason)
	if v.Required("reason", t.Reason) {
		v.MaxLen("reason", t.Reason, MaxReason)
	}
	v.OneOf("side", t.Side, SideClient, SidePartner)
	if t.NoticeOn.IsZero() {
		t.NoticeOn = today
	}
	v.Check(!t.NoticeOn.Time().After(today.Time()), "notice_on", i18n.K("termination.notice_future"))
	if t.Agreed {
		v.Check(!t.EffectiveOn.IsZero() && !t.EffectiveOn.Time().Before(t.NoticeOn.Time()), "effective_on", i18n.K("termination.effective_before_notice"))
	} else {
		t.EffectiveOn = tandem.DateOf(t.NoticeOn.Time().AddDate(0, 0, max(0, c.NoticeDays)))
	}
	if err := v.Err(); err != nil {
		return err
	}
	t.EngagementID = e.ID
	t.HandoverDue = tandem.DateOf(t.EffectiveOn.Time().AddDate(0, 0, max(0, c.DeadlineDays)))
	t.ConsultationHours = max(0, c.ConsultationHours)
	t.Items = nil
	for _, k := range ItemKeys {
		switch {
		case k == ItemRecordsAccess && !c.RecordsAccess,
			k == ItemOpenDeals && !c.Sales,
			k == ItemConsultations && c.ConsultationHours == 0:
			continue
		}
		item := HandoverItem{Key: k}
		if k == ItemDataReturned {
			item.Detail = strings.TrimSpace(c.DataFormat)
		}
		t.Items = append(t.Items, item)
	}
	return nil
}

// MayTerminate reports whether a member with role may start a termination
// from their side: the client's owner and manager, the partner's manager.
func MayTerminate(role tandem.Role) (side string, ok bool) {
	switch role {
	case tandem.RoleOwner, tandem.RoleManager:
		return SideClient, true
	case tandem.RoleVendorManager:
		return SidePartner, true
	}
	return "", false
}

// Due reports whether a termination's access should close at now: its
// effective day has begun in loc, and it is not closed yet.
func (t *Termination) Due(now time.Time, loc *time.Location) bool {
	return !t.Revoked() && !tandem.DateOf(now.In(loc)).Time().Before(t.EffectiveOn.Time())
}

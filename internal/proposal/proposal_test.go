package proposal

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	d := Decision{Status: StatusDeclined}
	if fe := tandem.FieldErrors(d.Validate()); len(fe) != 1 || fe[0].Field != "comment" {
		t.Errorf("decline without comment: %v", fe)
	}
}

func TestRaiseAndDecide(t *testing.T) {
	t.Parallel()
	p := tandem.Principal{WorkspaceID: 1, UserID: 5, UserName: "Kadri"}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	x := &Proposal{Kind: KindRisk, Title: " Key contact leaves ", DeliverableID: 7}
	if err := x.Raise(&work.Deliverable{ID: 7, Title: "Call list"}, p, now); err != nil {
		t.Fatal(err)
	}
	if x.Status != StatusOpen || x.RaisedBy != 5 || !x.RaisedAt.Equal(now) || x.DeliverableTitle != "Call list" || x.Title != "Key contact leaves" || !x.IsRisk() {
		t.Errorf("raised: %+v", x)
	}
	if m := x.Raised(); !m.To.Client || m.To.Partner || m.Kind != "proposal.raised" {
		t.Errorf("raised message: %+v", m)
	}
	bad := &Proposal{Kind: "wish", Title: "x", DeliverableID: 9}
	err := bad.Raise(nil, p, now)
	if fe := tandem.FieldErrors(err); len(fe) != 2 || fe[0].Field != "kind" || fe[1].Field != "deliverable_id" || bad.Status != "" {
		t.Errorf("bad proposal: %v, %+v", fe, bad)
	}

	dec := Decision{Status: StatusAccepted, Comment: " Try it "}
	if err := dec.Apply(x); err != nil || dec.Comment != "Try it" || !dec.Accepted() {
		t.Errorf("decide: %v %+v", err, dec)
	}
	if m := dec.Told(x); !m.To.Partner || m.To.Client || len(m.To.Users) != 1 || m.To.Users[0] != 5 || m.Args["decision"] != StatusAccepted {
		t.Errorf("decided message: %+v", m)
	}
	x.Status = StatusNoted
	if err := dec.Apply(x); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("decided twice: %v", err)
	}
	if MayDecide(tandem.RoleOwner, x) || !MayDecide(tandem.RoleOwner, &Proposal{Status: StatusOpen}) || MayDecide(tandem.RoleVendorManager, &Proposal{Status: StatusOpen}) {
		t.Error("MayDecide")
	}
	live, draft := &engagement.Engagement{Status: engagement.StatusActive}, &engagement.Engagement{Status: engagement.StatusDraft}
	if !MayRaise(tandem.RoleVendorAgent, live) || MayRaise(tandem.RoleVendorAgent, draft) || tandem.ErrorCode(CheckLive(draft)) != tandem.EConflict {
		t.Error("MayRaise")
	}
}

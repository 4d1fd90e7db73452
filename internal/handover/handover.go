// Package handover holds the handover of a responsible person (seed 002:
// the terms say how the outgoing person hands over when a responsible
// person changes). Each engagement names a responsible person on the
// client's side and on the partner's; when one is replaced, a checklist is
// made from the terms' Governance.HandoverRule and tracked until every step
// is done. The rule is free text: its lines that read as a list ("- …",
// "* …", "1. …", "1) …") become the steps; a rule without such lines is
// shown above the default steps (DefaultSteps).
package handover

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Audit actions and notification kinds.
const (
	ActionResponsibleSet = "handover.responsible_set"
	ActionStarted        = "handover.started" // also told to the outgoing and incoming people
	ActionStepDone       = "handover.step_done"
	ActionCompleted      = "handover.completed"
)

// DefaultSteps are the steps of a handover when the rule lists none; their
// texts are handover.step.<key> in the catalogues.
var DefaultSteps = []string{"documents", "open_items", "access", "introduce", "confirm"}

// MaxStepText bounds a step taken from the rule.
const MaxStepText = 500

// Step is one step of a checklist: a default step (Key) or a line of the
// rule (Text).
type Step struct {
	ID         int64
	Position   int
	Key        string
	Text       string
	DoneBy     int64
	DoneByName string
	DoneAt     time.Time
}

// Done reports whether the step is done.
func (s Step) Done() bool { return !s.DoneAt.IsZero() }

// Handover is one change of a responsible person and its checklist.
type Handover struct {
	ID           int64
	EngagementID int64
	Side         tandem.Side
	FromID       int64
	FromName     string
	ToID         int64
	ToName       string
	Rule         string // the terms' handover rule when it started
	CreatedAt    time.Time
	CompletedAt  time.Time
	Steps        []Step
}

// Complete reports whether every step is done.
func (h *Handover) Complete() bool {
	for _, s := range h.Steps {
		if !s.Done() {
			return false
		}
	}
	return len(h.Steps) > 0
}

var listItem = tandem.LazyRegexp(`^\s*(?:[-*•]|\d{1,2}[.)])\s+(.+)$`)

// Steps makes a checklist from a handover rule: its list lines, or the
// default steps when it has fewer than two.
func Steps(rule string) []Step {
	var out []Step
	for _, line := range strings.Split(rule, "\n") {
		if m := listItem().FindStringSubmatch(line); m != nil {
			t := strings.TrimSpace(m[1])
			if r := []rune(t); len(r) > MaxStepText {
				t = string(r[:MaxStepText])
			}
			out = append(out, Step{Position: len(out) + 1, Text: t})
		}
	}
	if len(out) >= 2 {
		return out
	}
	out = out[:0]
	for i, k := range DefaultSteps {
		out = append(out, Step{Position: i + 1, Key: k})
	}
	return out
}

// ListsSteps reports whether the rule's own lines are the steps (otherwise
// the rule is shown as text above the default steps).
func ListsSteps(rule string) bool { return Steps(rule)[0].Key == "" }

// Change decides whether the responsible person of side may be set to
// toID by a person of actor's side: the client's owners and managers name
// both sides; the partner's manager names the partner's. The person named
// must work on that side (toSide). It returns whether a handover starts:
// when someone else was responsible before (fromID ≠ 0, ≠ toID).
// Errors: EInvalid on "user_id", EForbidden, EConflict when nothing changes.
func Change(actor tandem.Role, side, toSide tandem.Side, fromID, toID int64) (bool, error) {
	if side != tandem.SideClient && side != tandem.SidePartner {
		return false, invalid("side", i18n.K("validation.one_of"))
	}
	if !actor.IsClient() && (actor != tandem.RoleVendorManager || side != tandem.SidePartner) {
		return false, tandem.ErrForbidden
	}
	if actor == tandem.RoleViewer {
		return false, tandem.ErrForbidden
	}
	if toID == 0 || toSide != side {
		return false, invalid("user_id", i18n.K("handover.wrong_side"))
	}
	if toID == fromID {
		return false, tandem.Errorf(tandem.EConflict, i18n.K("handover.unchanged"))
	}
	return fromID != 0, nil
}

// MayTick decides whether a person may mark a step of h done: the
// outgoing or incoming person, the client's owners and managers, and, for
// the partner's side, the partner's manager. Errors: EForbidden, EConflict
// when the handover is complete.
func MayTick(h *Handover, userID int64, role tandem.Role) error {
	if !h.CompletedAt.IsZero() {
		return tandem.Errorf(tandem.EConflict, i18n.K("handover.already_complete"))
	}
	switch {
	case userID == h.FromID || userID == h.ToID:
	case role == tandem.RoleOwner || role == tandem.RoleManager:
	case role == tandem.RoleVendorManager && h.Side == tandem.SidePartner:
	default:
		return tandem.ErrForbidden
	}
	return nil
}

// Started tells the outgoing and incoming people that a handover waits on
// them.
func Started(h *Handover, engagement string) notification.Message {
	return notification.Message{Kind: ActionStarted, To: notification.Audience{Users: []int64{h.FromID, h.ToID}},
		Args: map[string]any{"engagement": engagement, "from": h.FromName, "to": h.ToName}}
}

// Completed tells the people involved and the client's deciders that a
// handover is complete.
func Completed(h *Handover, engagement string) notification.Message {
	return notification.Message{Kind: ActionCompleted, To: notification.Audience{Client: true, Users: []int64{h.FromID, h.ToID}},
		Args: map[string]any{"engagement": engagement, "from": h.FromName, "to": h.ToName}}
}

func invalid(field string, key i18n.Key) error {
	var v tandem.Validator
	v.Add(field, key)
	return v.Err()
}

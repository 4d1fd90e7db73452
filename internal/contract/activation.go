package contract

import (
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// CheckResult is the contract check of an engagement's current terms, with
// the warnings already acknowledged.
type CheckResult struct {
	Findings     []Finding
	Acknowledged map[string]bool // by Finding.ID()
}

// Errors counts the findings that block activation.
func (c CheckResult) Errors() int { return Errors(c.Findings) }

// Unacknowledged lists the warnings nobody has acknowledged yet.
func (c CheckResult) Unacknowledged() []Finding {
	var out []Finding
	for _, f := range Warnings(c.Findings) {
		if !c.Acknowledged[f.ID()] {
			out = append(out, f)
		}
	}
	return out
}

// Activate decides the activation of a draft whose terms from its start are
// t and whose check is c, the caller acknowledging the warnings ack (finding
// IDs): refused while the check finds an error, or while a warning is
// neither acknowledged before nor in ack. It returns the status the
// engagement goes live in (pilot when the terms say it is a pilot, else
// active) and the warnings acknowledged now, to record. Errors: EInvalid
// (field "check").
func (c CheckResult) Activate(t Terms, ack []string) (engagement.Status, []Finding, error) {
	if n := c.Errors(); n > 0 {
		var v tandem.Validator
		v.Add("check", i18n.K("contract.activate_errors"), "n", n)
		return "", nil, v.Err()
	}
	acked := map[string]bool{}
	for _, id := range ack {
		acked[id] = true
	}
	var pending, now []Finding
	for _, f := range c.Unacknowledged() {
		if acked[f.ID()] {
			now = append(now, f)
		} else {
			pending = append(pending, f)
		}
	}
	if len(pending) > 0 {
		var v tandem.Validator
		v.Add("check", i18n.K("contract.activate_warnings"), "n", len(pending))
		return "", nil, v.Err()
	}
	if t.Shape.Pilot {
		return engagement.StatusPilot, now, nil
	}
	return engagement.StatusActive, now, nil
}

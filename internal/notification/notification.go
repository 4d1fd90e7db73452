// Package notification holds in-app notifications: what Tandem tells a
// person about something that needs their action — a submission to review,
// a notice to acknowledge, a proposal to answer — and the audiences a
// capability names when it decides who is told.
//
// A capability package decides who is told (an Audience); the store turns
// the audience into people (the client's deciders, the partner's people on
// the engagement) and writes one notification for each, never for the
// person acting.
package notification

import (
	"slices"
	"time"
)

// ScoreArg is the argument of a notification that carries a score in
// hundredths of a point (an integer), shown in the reader's number format
// ("22.22", "22,22").
const ScoreArg = "score"

// Notification is one in-app message to one person. The same rows are what
// e-mail digests and webhooks will send later.
type Notification struct {
	ID           int64
	Kind         string // e.g. "deliverable.submitted"; the catalogue key is "notify.<kind>"
	EngagementID int64
	SubjectID    int64
	Args         map[string]any // for the message
	CreatedAt    time.Time
	ReadAt       time.Time
}

// Read reports whether the person has read it.
func (n *Notification) Read() bool { return !n.ReadAt.IsZero() }

// Audience is who is told about something that happened on an engagement.
type Audience struct {
	Client  bool // the client's deciders: the workspace's owners and managers
	Partner bool // the partner's people on the engagement: its managers and the agents assigned to it
	// PartnerManagers is the partner's managers only, for what agents do
	// not see (invoices and money).
	PartnerManagers bool
	Users           []int64 // named people besides, e.g. the author of what is answered
}

// Client is the client's deciders.
var Client = Audience{Client: true}

// Partner is the partner's people on the engagement.
var Partner = Audience{Partner: true}

// PartnerManagers is the partner's managers, without its agents.
var PartnerManagers = Audience{PartnerManagers: true}

// Both sides: the client's deciders and the partner's people.
var Both = Audience{Client: true, Partner: true}

// And returns the audience with users added.
func (a Audience) And(users ...int64) Audience {
	a.Users = append(slices.Clone(a.Users), users...)
	return a
}

// Message is one notification decided by a capability: its kind, who is
// told and the arguments of its message.
type Message struct {
	Kind string
	To   Audience
	Args map[string]any
}

// Recipients lists the people of the audience, each once: deciders are the
// client's deciders, partner the partner's people on the engagement (each
// consulted only when the audience names that side; for PartnerManagers
// the caller passes the partner's managers only). The person acting is
// left out.
func (a Audience) Recipients(actor int64, deciders, partner []int64) []int64 {
	var all []int64
	if a.Client {
		all = append(all, deciders...)
	}
	if a.Partner || a.PartnerManagers {
		all = append(all, partner...)
	}
	all = append(all, a.Users...)
	seen := map[int64]bool{actor: true}
	out := []int64{}
	for _, u := range all {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// Package audit defines the audit trail: an append-only chain of entries in
// which each entry carries the SHA-256 of its own content and of the entry
// before it, so that altering or removing any row breaks the chain.
//
// The same entries are the event log of domain changes: every change to
// domain data writes one in the transaction that makes it, and later readers
// (KPIs, webhooks) follow them. Each workspace has its own chain; workspace 0
// is the installation's chain (sign-ins, failed sign-ins). On PostgreSQL an
// entry is written without its place (Seq 0, no hashes) and sealed into the
// chain shortly after its transaction commits: a chain's order is the
// order of sealing (see store/auditseal.go).
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Actions recorded in the trail. Domain changes use "<entity>.<verb>".
const (
	ActionSignIn       = "auth.signin"
	ActionSignInFailed = "auth.signin_failed"
	ActionSignOut      = "auth.signout"
	ActionExport       = "data.export"
	ActionReveal       = "data.reveal"
)

// Entry is one link of a chain.
type Entry struct {
	ID          int64
	WorkspaceID int64
	Seq         int64 // position in the workspace's chain, from 1
	At          time.Time
	ActorID     int64  // user id, 0 for the system
	Actor       string // e-mail or "system" at the time of the entry
	Action      string
	Entity      string // e.g. "partner"
	EntityID    int64
	Data        string // JSON: what changed (before/after) or context
	PrevHash    string
	Hash        string
	// ActorName is the actor's name now, for display (not part of the
	// chain); "" for the system or a person no longer known.
	ActorName string
}

// Genesis is the PrevHash of the first entry of every chain.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hash of e's content chained to e.PrevHash. The
// time is hashed at microsecond precision in UTC, which both databases keep.
func ComputeHash(e Entry) string {
	var b strings.Builder
	for _, s := range []string{
		e.PrevHash,
		strconv.FormatInt(e.WorkspaceID, 10),
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z"),
		strconv.FormatInt(e.ActorID, 10),
		e.Actor,
		e.Action,
		e.Entity,
		strconv.FormatInt(e.EntityID, 10),
		e.Data,
	} {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Break describes the first entry at which a chain stops verifying.
type Break struct {
	WorkspaceID int64
	Seq         int64 // the sequence number expected or found
	ID          int64
	Reason      string // "altered", "missing", "reordered"
}

// Verifier walks one chain in sequence order and reports the first break.
type Verifier struct {
	workspaceID int64
	prev        string
	nextSeq     int64
	broken      *Break
}

// NewVerifier starts a verifier for one workspace's chain.
func NewVerifier(workspaceID int64) *Verifier {
	return &Verifier{workspaceID: workspaceID, prev: Genesis, nextSeq: 1}
}

// Add checks the next entry; after the first break it does nothing more.
func (v *Verifier) Add(e Entry) {
	if v.broken != nil {
		return
	}
	switch {
	case e.Seq != v.nextSeq:
		v.broken = &Break{WorkspaceID: v.workspaceID, Seq: v.nextSeq, ID: e.ID, Reason: "missing"}
	case e.PrevHash != v.prev:
		v.broken = &Break{WorkspaceID: v.workspaceID, Seq: e.Seq, ID: e.ID, Reason: "reordered"}
	case ComputeHash(e) != e.Hash:
		v.broken = &Break{WorkspaceID: v.workspaceID, Seq: e.Seq, ID: e.ID, Reason: "altered"}
	}
	v.prev = e.Hash
	v.nextSeq = e.Seq + 1
}

// Finish checks the chain's end against the recorded head (the last sequence
// number and hash kept beside the chain), which catches removed tail entries.
func (v *Verifier) Finish(headSeq int64, headHash string) *Break {
	if v.broken == nil && (headSeq != v.nextSeq-1 || (headSeq > 0 && headHash != v.prev)) {
		v.broken = &Break{WorkspaceID: v.workspaceID, Seq: v.nextSeq, Reason: "missing"}
	}
	return v.broken
}

// Changes returns {"field": [old, new]} for the fields of after whose
// value differs from before's (compared as printed): what an entry of an
// edit records.
func Changes(before, after map[string]any) map[string][2]any {
	out := map[string][2]any{}
	for k, a := range after {
		if b := before[k]; fmt.Sprint(b) != fmt.Sprint(a) {
			out[k] = [2]any{b, a}
		}
	}
	return out
}

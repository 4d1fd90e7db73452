package storetest

import (
	"context"
	"testing"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Activate takes a fixture engagement live: it names an acceptor for every
// service of the terms in force on the start date, lets edit change them
// further (nil for none), saves the draft and activates it, acknowledging
// the warnings the check leaves.
func Activate(t testing.TB, db *store.DB, owner tandem.Principal, engagementID int64, edit func(*contract.Terms)) {
	t.Helper()
	ctx := context.Background()
	e, err := db.Engagements.Get(ctx, owner, engagementID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.Contracts.InForce(ctx, owner, engagementID, e.StartsOn)
	if err != nil {
		t.Fatal(err)
	}
	terms := v.Terms
	for i := range terms.Services {
		terms.Services[i].Acceptor = "Mats Manager"
	}
	if edit != nil {
		edit(&terms)
	}
	if err := db.Contracts.SaveDraft(ctx, owner, engagementID, terms); err != nil {
		t.Fatal(err)
	}
	res, err := db.Contracts.Check(ctx, owner, engagementID)
	if err != nil {
		t.Fatal(err)
	}
	var ack []string
	for _, f := range res.Unacknowledged() {
		ack = append(ack, f.ID())
	}
	if _, err := db.Contracts.Activate(ctx, owner, engagementID, ack); err != nil {
		t.Fatalf("activate engagement %d: %v", engagementID, err)
	}
}

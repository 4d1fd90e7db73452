package web_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

func storeFilter(action string) store.AuditFilter { return store.AuditFilter{Action: action} }

func storeFilterNone() store.EngagementFilter { return store.EngagementFilter{} }

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func storetestDate(t *testing.T, s string) tandem.Date {
	t.Helper()
	d, err := tandem.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

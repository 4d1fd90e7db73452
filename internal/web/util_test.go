package web_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
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

package storetest

import (
	"testing"

	"github.com/tandemhq/tandem/internal/store"
)

// Exec runs raw SQL against db, bypassing the store: for tests that play an
// attacker with database access.
func Exec(db *store.DB, q string, args ...any) error {
	return store.ExecRaw(db, q, args...)
}

// DropAuditGuards removes the triggers that keep the audit trail
// append-only, as an attacker with database access could.
func DropAuditGuards(t testing.TB, db *store.DB) {
	t.Helper()
	var qs []string
	if db.Dialect() == "postgres" {
		qs = []string{`DROP TRIGGER events_no_change ON events`}
	} else {
		qs = []string{`DROP TRIGGER events_no_update`, `DROP TRIGGER events_no_delete`}
	}
	for _, q := range qs {
		if err := Exec(db, q); err != nil {
			t.Fatal(err)
		}
	}
}

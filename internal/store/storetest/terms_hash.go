package storetest

import (
	"testing"

	"github.com/tandemhq/tandem/internal/store"
)

// TermsHashes counts the contract versions in db and those whose
// terms_hash is not the hash migration 0049 computes from their text
// (NULL included), in the database's own SQL.
func TermsHashes(t testing.TB, db *store.DB) (all, wrong int64) {
	t.Helper()
	hashed := `tandem_sha256_hex(terms)`
	if db.Dialect() == "postgres" {
		hashed = `encode(sha256(convert_to(terms, 'UTF8')), 'hex')`
	}
	err := store.QueryRowRaw(db, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN terms_hash IS NULL OR terms_hash <> `+hashed+
		` THEN 1 ELSE 0 END), 0) FROM contract_versions`).Scan(&all, &wrong)
	if err != nil {
		t.Fatal(err)
	}
	return all, wrong
}

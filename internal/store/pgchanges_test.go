package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// The change log (PostgreSQL, pgchanges.go, migration 0051): a
// transaction's row names every table it changed once, as inserted into
// or as changed, whatever it wrote first — one table or several, the
// tables after the first written out at COMMIT (or, should the deferred
// trigger run before it, at once afterwards); a table changed only in a
// savepoint rolled back is not named; a transaction rolled back leaves
// no row.
func TestChangeLogNamesATransactionsTables(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL's change log")
	}
	db := storetest.Open(t, "postgres", time.Now)
	f := storetest.Seed(t, db)
	ctx := context.Background()
	last := func() int64 {
		t.Helper()
		var id int64
		if err := store.QueryRowRaw(db, `SELECT COALESCE(MAX(id), 0) FROM table_changes`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// run runs stmts in one transaction (a "SAVEPOINT s" … "ROLLBACK TO
	// s" among them as given), committed or not, and returns the rows it
	// added: their inserted and changed tables, sorted.
	run := func(commit bool, stmts ...string) [][2]string {
		t.Helper()
		before := last()
		tx, err := db.ReadPool().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				tx.Rollback()
				t.Fatalf("%s: %v", q, err)
			}
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, err := store.QueryRaw(db, `SELECT array_to_string(ARRAY(SELECT unnest(inserted) ORDER BY 1), ' '),
			array_to_string(ARRAY(SELECT unnest(changed) ORDER BY 1), ' ') FROM table_changes WHERE id > $1 ORDER BY id`, before)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out [][2]string
		for rows.Next() {
			var r [2]string
			if err := rows.Scan(&r[0], &r[1]); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	ws := func(q string) string { return strings.ReplaceAll(q, "{ws}", strconv.FormatInt(f.WorkspaceID, 10)) }
	insertPartner := ws(`INSERT INTO partners (workspace_id, legal_name, country, status, created_at, updated_at)
		VALUES ({ws}, 'Change log ' || clock_timestamp()::text, 'SE', 'active', now(), now())`)
	touchEngagements := ws(`UPDATE engagements SET title = title WHERE workspace_id = {ws}`)
	touchUsers := `UPDATE users SET name = name`
	deleteNothing := `DELETE FROM notifications WHERE id < 0`

	for _, c := range []struct {
		name   string
		commit bool
		stmts  []string
		want   [][2]string
	}{
		{"one insert", true, []string{insertPartner}, [][2]string{{"partners", ""}}},
		{"one update", true, []string{touchUsers}, [][2]string{{"", "users"}}},
		{"several, the first an update", true, []string{touchEngagements, insertPartner, touchUsers, insertPartner, deleteNothing},
			[][2]string{{"partners", "engagements notifications users"}}},
		{"a savepoint rolled back", true, []string{insertPartner, "SAVEPOINT s", touchUsers, touchEngagements, "ROLLBACK TO s", deleteNothing},
			[][2]string{{"partners", "notifications"}}},
		{"the first change in a savepoint rolled back", true, []string{"SAVEPOINT s", insertPartner, touchUsers, "ROLLBACK TO s", touchEngagements},
			[][2]string{{"", "engagements"}}},
		{"a savepoint released", true, []string{touchUsers, "SAVEPOINT s", insertPartner, "RELEASE s"}, [][2]string{{"partners", "users"}}},
		{"the row written before COMMIT", true, []string{touchUsers, insertPartner, "SET CONSTRAINTS ALL IMMEDIATE", touchEngagements, deleteNothing},
			[][2]string{{"partners", "engagements notifications users"}}},
		{"rolled back", false, []string{insertPartner, touchUsers}, nil},
	} {
		if got := run(c.commit, c.stmts...); !slices.Equal(got, c.want) {
			t.Errorf("%s: the change log holds %q, want %q", c.name, got, c.want)
		}
	}
}

package store_test

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestInsertGathered: rows written by insertGathered read back as they
// were given, whether a column holds one value in every row (bound once
// per chunk: an integer, a text, a time, NULL) or varies — NULL in some
// rows and a value in others included —, for a full chunk and a last one
// (401 rows), three rows and one.
func TestInsertGathered(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		at := "TIMESTAMP"
		if db.Dialect() == "postgres" {
			at = "TIMESTAMPTZ"
		}
		if err := store.ExecRaw(db, `CREATE TABLE bulk_probe (id BIGINT PRIMARY KEY, n BIGINT, s TEXT, t `+at+`, x BIGINT, k TEXT)`); err != nil {
			t.Fatal(err)
		}
		const head = `INSERT INTO bulk_probe (id, n, s, t, x, k) VALUES `
		when := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
		type row struct {
			n    int64
			s    string
			t    time.Time
			x    sql.NullInt64
			k    string
			xNil bool
		}
		want := map[int64]row{}
		id := int64(0)
		for _, tc := range []struct {
			rows int
			make func(i int) row
		}{
			// Everything but the id and s the same in every row; x NULL in all.
			{401, func(i int) row { return row{n: 7, s: fmt.Sprint("text ", i), t: when, k: "call", xNil: true} }},
			// x NULL in some rows and a value in others; the time varies.
			{3, func(i int) row {
				return row{n: 7, s: "same", t: when.Add(time.Duration(i) * time.Minute), xNil: i == 1, x: sql.NullInt64{Int64: int64(i * 10), Valid: i != 1}, k: "k"}
			}},
			{1, func(i int) row { return row{n: -1, s: "alone", t: when, k: ""} }},
		} {
			var args []any
			for i := range tc.rows {
				id++
				r := tc.make(i)
				var x any
				if r.xNil {
					r.x = sql.NullInt64{}
				} else {
					x = r.x.Int64
					r.x.Valid = true
				}
				want[id] = r
				args = append(args, id, r.n, r.s, r.t, x, r.k)
			}
			if err := store.InsertGathered(db, head, 6, args); err != nil {
				t.Fatalf("%d rows: %v", tc.rows, err)
			}
		}
		var count int64
		if err := store.QueryRowRaw(db, `SELECT COUNT(*) FROM bulk_probe`).Scan(&count); err != nil || count != id {
			t.Fatalf("rows: %d, %v; want %d", count, err, id)
		}
		for i, w := range want {
			var got row
			if err := store.QueryRowRaw(db, `SELECT n, s, t, x, k FROM bulk_probe WHERE id = ?`, i).Scan(&got.n, &got.s, &got.t, &got.x, &got.k); err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			if got.n != w.n || got.s != w.s || !got.t.Equal(w.t) || got.x != w.x || got.k != w.k {
				t.Fatalf("row %d: got %+v, want %+v", i, got, w)
			}
		}
	})
}

package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tandemhq/tandem/internal/partner"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

// A picker of partners reads at most its limit of them, in name order,
// finds them by any part of the name without accents, keeps the partners
// already chosen whatever the search, says when more match, and shows a
// partner's people only their own partner — in one statement.
func TestPartnerOptionsSearch(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect, nil)
			f := storetest.Seed(t, db)
			sys := store.System(f.WorkspaceID, "test")
			for i := 1; i <= 12; i++ {
				mustDo(t, db.Partners.Create(ctx, sys, &partner.Partner{LegalName: fmt.Sprintf("Örebro Bygg %02d AB", i), Country: "SE", Status: partner.StatusActive}))
			}
			labels := func(os []store.Option) (out []string) {
				for _, o := range os {
					out = append(out, o.Label)
				}
				return out
			}
			check := func(name string, got []store.Option, more bool, wantMore bool, want ...string) {
				t.Helper()
				if fmt.Sprint(labels(got)) != fmt.Sprint(want) || more != wantMore {
					t.Errorf("%s: %q more=%v, want %q more=%v", name, labels(got), more, want, wantMore)
				}
			}
			// 14 partners: Alpha, Beta and twelve in Örebro.
			c, n := store.WithStatementCounter(ctx)
			os, more, err := db.Partners.Options(c, f.Owner, "", 3)
			mustDo(t, err)
			if n.N() != 1 {
				t.Errorf("%d statements, want 1", n.N())
			}
			check("first three", os, more, true, "Alpha Sales AB", "Beta Support OÜ", "Örebro Bygg 01 AB")
			os, more, err = db.Partners.Options(ctx, f.Owner, "orebro bygg 1", 5)
			mustDo(t, err)
			check("search", os, more, false, "Örebro Bygg 10 AB", "Örebro Bygg 11 AB", "Örebro Bygg 12 AB")
			// The chosen partner stays, sorted in with the matches, and does
			// not take a match's place.
			os, more, err = db.Partners.Options(ctx, f.Owner, "bygg 1", 3, f.PartnerB)
			mustDo(t, err)
			check("kept", os, more, false, "Beta Support OÜ", "Örebro Bygg 10 AB", "Örebro Bygg 11 AB", "Örebro Bygg 12 AB")
			os, more, err = db.Partners.Options(ctx, f.Owner, "bygg", 2, f.PartnerA)
			mustDo(t, err)
			check("kept, more", os, more, true, "Alpha Sales AB", "Örebro Bygg 01 AB", "Örebro Bygg 02 AB")
			os, more, err = db.Partners.Options(ctx, f.Owner, "zzz", 3)
			mustDo(t, err)
			check("nothing", os, more, false)
			// LIKE's wildcards are text.
			os, _, err = db.Partners.Options(ctx, f.Owner, "%", 3)
			mustDo(t, err)
			check("wildcard", os, false, false)
			// A partner's manager sees its own partner only, even when it
			// asks to keep another.
			os, more, err = db.Partners.Options(ctx, f.VendorManager, "", 50, f.PartnerB)
			mustDo(t, err)
			check("vendor", os, more, false, "Alpha Sales AB")
		})
	}
}

package sales_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/sales"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestReadLimit(t *testing.T) {
	t.Parallel()
	l := sales.ReadLimit{PerHour: 1000}
	for _, c := range []struct {
		read, n int
		ok      bool
	}{
		{0, 100, true},
		{900, 100, true},  // exactly 1,000: allowed
		{1000, 1, false},  // the 1,001st
		{950, 100, false}, // a page that would go past the limit is refused whole
		{950, 50, true},
		{1000, 0, true}, // an empty answer reads nothing
	} {
		err := l.MayRead(c.read, c.n)
		if (err == nil) != c.ok {
			t.Errorf("MayRead(%d, %d) = %v, want ok %v", c.read, c.n, err, c.ok)
		}
		if err != nil && tandem.ErrorCode(err) != tandem.ETooMany {
			t.Errorf("MayRead(%d, %d): code %s", c.read, c.n, tandem.ErrorCode(err))
		}
	}
	if got := sales.DefaultReadLimit().PerHour; got != 1000 {
		t.Errorf("default per hour = %d", got)
	}
}

func TestMetered(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		role  tandem.Role
		token int64
		want  bool
	}{
		{tandem.RoleVendorManager, 7, true},
		{tandem.RoleVendorAgent, 7, true},
		{tandem.RoleVendorAgent, 0, false}, // a browser session
		{tandem.RoleOwner, 7, false},
		{tandem.RoleManager, 7, false},
		{tandem.RoleViewer, 7, false},
	} {
		if got := sales.Metered(tandem.Principal{Role: c.role, TokenID: c.token}); got != c.want {
			t.Errorf("Metered(%s, token %d) = %v", c.role, c.token, got)
		}
	}
}

func TestHourStart(t *testing.T) {
	t.Parallel()
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	got := sales.HourStart(time.Date(2026, 5, 13, 12, 59, 59, 999, stockholm))
	if want := time.Date(2026, 5, 13, 10, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("HourStart = %v, want %v", got, want)
	}
}

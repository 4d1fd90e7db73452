package sales

import (
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ReadLimit bounds how much of the base a partner's API token reads: at
// most PerHour records (an account or a contact, each counted once per
// answer it is in) in one clock hour. A browser session is not metered —
// a screen is read by a person — nor are the client's own tokens: it is
// their data.
type ReadLimit struct {
	PerHour int
}

// DefaultReadsPerHour is what a partner's token may read an hour until
// the sales part of the contract's terms carries an engagement's own.
const DefaultReadsPerHour = 1000

// DefaultReadLimit is the read limit of every partner token today.
func DefaultReadLimit() ReadLimit { return ReadLimit{PerHour: DefaultReadsPerHour} }

// ReadLimitNotice is the notification kind that tells the client's owners
// and managers that a partner's token reached the read limit.
const ReadLimitNotice = "sales.read_limit"

// Metered reports whether what p reads of the base counts against the
// read limit: a partner's person reading with an API token.
func Metered(p tandem.Principal) bool { return p.TokenID != 0 && !SeesDetails(p.Role) }

// MayRead decides whether a token that has read read records this hour
// may read n more: not when that takes it past PerHour (ETooMany). A
// refused answer reads nothing, so it does not count.
func (l ReadLimit) MayRead(read, n int) error {
	if read+n > l.PerHour {
		return tandem.Errorf(tandem.ETooMany, i18n.K("sales.read_limit.reached"), "n", l.PerHour)
	}
	return nil
}

// HourStart is the start of now's clock hour in UTC: the read limit's
// window, the same on every server.
func HourStart(now time.Time) time.Time { return now.UTC().Truncate(time.Hour) }

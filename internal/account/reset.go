package account

import (
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = 24 * time.Hour

// PasswordReset is a one-time link to set a new password. Only the digest of
// its secret is stored.
type PasswordReset struct {
	ID        int64
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// NewPasswordReset issues a reset for a user at now.
func NewPasswordReset(userID int64, now time.Time) PasswordReset {
	return PasswordReset{UserID: userID, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)}
}

// Usable reports whether the reset link still works at now: once, and not
// after it expires.
func (r *PasswordReset) Usable(now time.Time) bool {
	return r.UsedAt.IsZero() && now.Before(r.ExpiresAt)
}

// CanIssueReset reports whether p may issue a password reset link for a
// member: only an owner (or the installation itself, which acts as one).
func CanIssueReset(p tandem.Principal) bool { return p.Role == tandem.RoleOwner }

// ResetRequestEvery is how often a person may ask for a reset link from
// the sign-in page ("Forgot your password?"); more often is ignored.
const ResetRequestEvery = 15 * time.Minute

// ActionResetRequested is the notification (and audit action) of a person
// who forgot their password: the owners of each workspace they belong to
// are asked to issue a reset link on the members page. Tandem has no
// e-mail yet, so the link is handed over by the owner; the answer to the
// request never tells whether the address is known.
const ActionResetRequested = "user.reset_requested"

package account

import (
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Sign-in throttling: this many failures for one e-mail within the window
// lock further attempts for that e-mail until the window has passed.
const (
	SignInMaxFailures = 5
	SignInWindow      = 15 * time.Minute
)

// SignInWindowStart is the moment after which a failed sign-in still counts
// against the e-mail at now.
func SignInWindowStart(now time.Time) time.Time { return now.Add(-SignInWindow) }

// CheckSignInThrottle decides whether another attempt may be made for an
// e-mail that failed failures times since SignInWindowStart: nil, or an
// ETooMany error naming the window in minutes.
func CheckSignInThrottle(failures int) error {
	if failures >= SignInMaxFailures {
		return tandem.Errorf(tandem.ETooMany, i18n.K("auth.throttled"), "minutes", int64(SignInWindow/time.Minute))
	}
	return nil
}

// ErrBadCredentials answers a wrong e-mail or password alike.
var ErrBadCredentials = tandem.Errorf(tandem.EUnauthorized, i18n.K("auth.bad_credentials"))

// PasswordMatches reports whether pw matches a user's stored hash. An empty
// hash (no such user, or a user who never set a password) never matches,
// but costs the same time as a real check so that the answer does not tell
// whether the e-mail is known.
func PasswordMatches(hash, pw string) (bool, error) {
	if hash == "" {
		CheckPassword(dummyHash(), pw)
		return false, nil
	}
	return CheckPassword(hash, pw)
}

// dummyHash is computed the first time a sign-in needs it, not when the
// package loads: a CLI command that never checks a password (tandem
// version) does not pay for hashing one.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password, only for timing")
	return h
})

// NewPasswordHash validates a new password (reported under field) and
// returns its hash.
func NewPasswordHash(field, pw string) (string, error) {
	if err := ValidatePassword(field, pw); err != nil {
		return "", err
	}
	return HashPassword(pw)
}

// ValidateLanguage checks a user's preferred language.
func ValidateLanguage(lang i18n.Lang) error {
	var v tandem.Validator
	_, ok := i18n.Parse(string(lang))
	v.Check(ok, "lang", i18n.K("validation.one_of"))
	return v.Err()
}

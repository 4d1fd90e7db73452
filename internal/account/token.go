package account

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// API token rules.
const (
	// TokenSecretPrefix starts every API token's secret, so that a leaked
	// one is recognised.
	TokenSecretPrefix = "tdm_"
	// TokenPrefixLen is how many characters of the secret are kept to
	// recognise a token in a list.
	TokenPrefixLen = 8
	// MaxTokenName is the longest name of a token.
	MaxTokenName = 100
	// TokenTouchEvery is how often a token's last use is written.
	TokenTouchEvery = time.Minute
)

// NewToken makes an API token named name for p's own membership, and its
// secret, which is shown once. Errors: EInvalid (the name), EForbidden (a
// principal without a membership, such as the system).
func NewToken(p tandem.Principal, name string, now time.Time) (secret string, t *Token, err error) {
	name = strings.TrimSpace(name)
	var v tandem.Validator
	if v.Required("name", name) {
		v.MaxLen("name", name, MaxTokenName)
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	if p.MembershipID == 0 {
		return "", nil, tandem.ErrForbidden
	}
	secret = NewSecret(TokenSecretPrefix)
	return secret, &Token{WorkspaceID: p.WorkspaceID, MembershipID: p.MembershipID, Name: name,
		Prefix: secret[:TokenPrefixLen], CreatedAt: now}, nil
}

// Stale reports whether the token's last use should be written again.
func (t *Token) Stale(now time.Time) bool { return now.Sub(t.LastUsedAt) > TokenTouchEvery }

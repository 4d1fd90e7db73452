package store

import (
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// AccountStore keeps users (users.go), workspaces (workspaces.go),
// memberships (memberships.go), sessions (sessions.go), API tokens
// (tokens.go), invitations (invitations.go) and password resets
// (resets.go). The rules they follow are decided in package account.
type AccountStore struct{ db *DB }

// System returns a principal for work done by the installation itself (the
// CLI, the demo loader) in a workspace: it may do what an owner may, and the
// audit trail names it by label.
func System(workspaceID int64, label string) tandem.Principal {
	return tandem.Principal{WorkspaceID: workspaceID, Role: tandem.RoleOwner, Email: label}
}

func invalid(field, key string, args ...any) error {
	var v tandem.Validator
	v.Add(field, i18n.Key(key), args...)
	return v.Err()
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

package access

import "github.com/tandemhq/tandem/internal/tandem"

// Rules of e-mail (package mail). Every member chooses their own e-mails
// (Member); the workspace's outbox — who was written to, about what, and
// whether it went out — is the owner's.
const (
	MailOutbox Rule = "mail.outbox" // the workspace's outgoing e-mail: owner
)

func init() {
	grants[tandem.RoleOwner][MailOutbox] = true
}

// Package account holds people and their places: users, the client
// workspaces they belong to, memberships with roles, sessions, API tokens,
// invitations and password resets. Secrets (passwords, session cookies,
// tokens) are never stored: only their argon2id or SHA-256 digests.
package account

import (
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// User is a person who can sign in. One user may belong to several workspaces.
type User struct {
	ID        int64
	Email     string
	Name      string
	Lang      i18n.Lang // the language the person chose; "" until they do: pages follow the browser
	CreatedAt time.Time
}

// Normalize trims and lower-cases what a person typed.
func (u *User) Normalize() {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
}

// Validate reports every problem with u.
func (u *User) Validate() error {
	var v tandem.Validator
	if v.Required("email", u.Email) {
		v.Email("email", u.Email)
	}
	if v.Required("name", u.Name) {
		v.MaxLen("name", u.Name, 200)
	}
	_, ok := i18n.Parse(string(u.Lang))
	v.Check(ok || u.Lang == "", "lang", i18n.K("validation.one_of"))
	return v.Err()
}

// NormalizeEmail returns the canonical form of an address for look-ups.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Workspace is one client company's space: its partners, engagements and
// people.
type Workspace struct {
	ID        int64
	Name      string
	Currency  string // base currency, ISO 4217
	Lang      i18n.Lang
	TimeZone  string // IANA zone name
	CreatedAt time.Time
}

// Validate reports every problem with w.
func (w *Workspace) Validate() error {
	var v tandem.Validator
	w.Name = strings.TrimSpace(w.Name)
	if v.Required("name", w.Name) {
		v.MaxLen("name", w.Name, 200)
	}
	v.Check(money.ValidCurrency(w.Currency), "currency", i18n.K("validation.currency"))
	_, ok := i18n.Parse(string(w.Lang))
	v.Check(ok, "lang", i18n.K("validation.one_of"))
	_, err := time.LoadLocation(w.TimeZone)
	v.Check(err == nil && w.TimeZone != "", "time_zone", i18n.K("validation.time_zone"))
	return v.Err()
}

// Location returns the workspace's time zone, UTC when it cannot be loaded.
// Zones are loaded once per process (time.LoadLocation reads the zone file
// each time).
func (w *Workspace) Location() *time.Location {
	if loc, ok := zones.Load(w.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(w.TimeZone, loc)
	return loc
}

// zones are the time zones loaded so far: IANA name → *time.Location.
var zones sync.Map

// Membership ties a user to a workspace with a role. Vendor roles carry the
// partner they work for.
type Membership struct {
	ID            int64
	WorkspaceID   int64
	WorkspaceName string // joined for display
	UserID        int64
	UserEmail     string // joined for display
	UserName      string // joined for display
	UserLang      string // joined: the user's language
	Role          tandem.Role
	PartnerID     int64
	PartnerName   string // joined for display
	CreatedAt     time.Time
}

// ValidateGrant checks that role and partner fit together: vendor roles need
// a partner, client roles must not have one.
func ValidateGrant(role tandem.Role, partnerID int64) error {
	var v tandem.Validator
	if v.Check(role.Valid(), "role", i18n.K("validation.one_of")) {
		if role.IsVendor() {
			v.Check(partnerID > 0, "partner_id", i18n.K("validation.partner_for_vendor"))
		} else {
			v.Check(partnerID == 0, "partner_id", i18n.K("validation.no_partner_for_client"))
		}
	}
	return v.Err()
}

// Session is a signed-in browser. The cookie holds a random secret; only its
// SHA-256 digest is stored.
type Session struct {
	ID          int64
	UserID      int64
	WorkspaceID int64 // the workspace the browser is working in; 0 before choosing
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time // absolute expiry
	UserAgent   string
	IP          string
}

// Token is an API token. It belongs to one membership; the secret is shown
// once and only its digest is stored.
type Token struct {
	ID           int64
	WorkspaceID  int64
	MembershipID int64
	Name         string
	Prefix       string // the first characters, to recognise it in a list
	CreatedAt    time.Time
	LastUsedAt   time.Time
	RevokedAt    time.Time
}

// Invitation invites someone into a workspace with a role, by a link that
// works once and expires.
type Invitation struct {
	ID            int64
	WorkspaceID   int64
	Email         string
	Role          tandem.Role
	PartnerID     int64
	PartnerName   string
	EngagementIDs []int64 // for vendor agents: the engagements they will serve
	NDASignedOn   string  // YYYY-MM-DD: the NDA is on file; needed to give access to engagements
	InvitedBy     int64
	CreatedAt     time.Time
	ExpiresAt     time.Time
	AcceptedAt    time.Time
}

// Validate reports every problem with inv.
func (inv *Invitation) Validate() error {
	inv.Email = NormalizeEmail(inv.Email)
	var v tandem.Validator
	if v.Required("email", inv.Email) {
		v.Email("email", inv.Email)
	}
	if err := ValidateGrant(inv.Role, inv.PartnerID); err != nil {
		for _, f := range tandem.FieldErrors(err) {
			v.Add(f.Field, f.Key, f.Args...)
		}
	}
	inv.NDASignedOn = strings.TrimSpace(inv.NDASignedOn)
	if inv.NDASignedOn != "" {
		_, err := tandem.ParseDate(inv.NDASignedOn)
		if v.Check(err == nil, "nda_signed_on", i18n.K("validation.date")) {
			v.Check(inv.Role.IsVendor(), "nda_signed_on", i18n.K("contract.nda_partner_only"))
		}
	} else if len(inv.EngagementIDs) > 0 {
		v.Add("nda_signed_on", i18n.K("contract.nda_required"))
	}
	return v.Err()
}

// ValidatePassword checks a new password: at least 10 characters.
func ValidatePassword(field, pw string) error {
	var v tandem.Validator
	v.Check(len([]rune(pw)) >= 10, field, i18n.K("validation.password_short"), "min", 10)
	v.MaxLen(field, pw, 256)
	return v.Err()
}

package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Mode is how a person receives one kind of notification by e-mail.
type Mode string

// The modes. A kind without a stored choice is Immediate.
const (
	Immediate Mode = "immediate" // one e-mail per notification, as it happens
	InDigest  Mode = "digest"    // listed in the person's digest
	Off       Mode = "off"       // not by e-mail (still in the app)
)

// Modes are the modes in the order they are offered.
var Modes = []Mode{Immediate, InDigest, Off}

// Frequency is how often a person's digest is sent.
type Frequency string

// The frequencies; the default is Daily.
const (
	Daily  Frequency = "daily"
	Weekly Frequency = "weekly" // on Mondays
	Never  Frequency = "off"
)

// Frequencies are the frequencies in the order they are offered.
var Frequencies = []Frequency{Daily, Weekly, Never}

// DigestHour is the local hour (the workspace's time zone) at which digests
// are sent: daily ones every day, weekly ones on Mondays.
const DigestHour = 8

// Areas are the areas of the notification kinds (a kind's first part:
// "deliverable" for "deliverable.submitted", "sales" for
// "sales.claim_made.deal_won"), sorted. A person chooses a mode for an
// area, which applies to all its kinds, and for a kind, which overrides
// its area.
func Areas() []string {
	seen := map[string]bool{}
	var out []string
	for _, kind := range notification.Kinds {
		if a := AreaOf(kind); !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// KindsOf lists the kinds of area, sorted.
func KindsOf(area string) []string {
	var out []string
	for _, kind := range notification.Kinds {
		if AreaOf(kind) == area {
			out = append(out, kind)
		}
	}
	return out
}

// IsKind reports whether kind is a kind of notification; IsArea whether
// area is the area of one.
func IsKind(kind string) bool { return slices.Contains(notification.Kinds, kind) }

// IsArea reports whether area is the area of a kind of notification.
func IsArea(area string) bool { return len(KindsOf(area)) > 0 }

// AreaOf is the area of a notification kind.
func AreaOf(kind string) string {
	a, _, _ := strings.Cut(kind, ".")
	return a
}

// Preferences are one person's e-mail choices in one workspace.
type Preferences struct {
	Modes     map[string]Mode // per area (AreaOf)
	Kinds     map[string]Mode // per kind, overriding its area's
	Frequency Frequency
}

// Mode returns how a notification of kind is received: the kind's own
// choice, else its area's, else Immediate.
func (p Preferences) Mode(kind string) Mode {
	if m, ok := p.Kinds[kind]; ok {
		return m
	}
	if m, ok := p.Modes[AreaOf(kind)]; ok {
		return m
	}
	return Immediate
}

// Set records a stored choice: key is a kind ("deliverable.created") or
// an area ("deliverable"), told apart by the dot a kind has.
func (p *Preferences) Set(key string, m Mode) {
	if strings.Contains(key, ".") {
		if p.Kinds == nil {
			p.Kinds = map[string]Mode{}
		}
		p.Kinds[key] = m
		return
	}
	if p.Modes == nil {
		p.Modes = map[string]Mode{}
	}
	p.Modes[key] = m
}

// Validate checks the areas, the kinds, their modes and the frequency
// (empty: left as it is).
func (p *Preferences) Validate() error {
	var v tandem.Validator
	v.Check(p.Frequency == "" || p.Frequency == Daily || p.Frequency == Weekly || p.Frequency == Never, "frequency", i18n.K("mail.prefs.invalid"))
	for _, area := range slices.Sorted(maps.Keys(p.Modes)) {
		if v.Check(IsArea(area), "modes."+area, i18n.K("mail.prefs.unknown")) {
			v.Check(p.Modes[area].Valid(), "modes."+area, i18n.K("mail.prefs.invalid"))
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(p.Kinds)) {
		if v.Check(IsKind(kind), "kinds."+kind, i18n.K("mail.prefs.unknown")) {
			v.Check(p.Kinds[kind].Valid(), "kinds."+kind, i18n.K("mail.prefs.invalid"))
		}
	}
	return v.Err()
}

// Valid reports whether m is one of Modes.
func (m Mode) Valid() bool { return slices.Contains(Modes, m) }

// DigestDue reports whether a digest of frequency f is due at the local
// digest hour that falls in (from, to], and that hour.
func DigestDue(f Frequency, loc *time.Location, from, to time.Time) (time.Time, bool) {
	if f == Never {
		return time.Time{}, false
	}
	local := to.In(loc)
	for d := 0; d < 2; d++ {
		day := local.AddDate(0, 0, -d)
		at := time.Date(day.Year(), day.Month(), day.Day(), DigestHour, 0, 0, 0, loc)
		if at.After(from) && !at.After(to) {
			if f == Weekly && at.Weekday() != time.Monday {
				return time.Time{}, false
			}
			return at, true
		}
	}
	return time.Time{}, false
}

// MaxTries is how many times the outbox tries a message before it is
// marked failed for good.
const MaxTries = 8

// Backoff is the wait after the tries-th failed attempt: 1 minute, doubling,
// at most 6 hours.
func Backoff(tries int) time.Duration {
	d := time.Minute
	for i := 1; i < tries && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Unsubscribe is what an unsubscribe link stands for: a person in a
// workspace leaving one kind of notifications by e-mail
// ("deliverable.created"), or the digest (DigestKind). Links sent before
// e-mail choices were per kind name an area ("deliverable"): they still
// turn the whole area off (see ForArea).
type Unsubscribe struct {
	WorkspaceID, UserID int64
	Kind                string
}

// DigestKind is the kind an unsubscribe token names for the digest.
const DigestKind = "digest"

// ForArea reports whether u names a whole area (a link of the older,
// per-area kind) rather than one kind or the digest.
func (u Unsubscribe) ForArea() bool {
	return u.Kind != DigestKind && !strings.Contains(u.Kind, ".")
}

// Sign returns the token of u signed with key: no sign-in is needed to use
// it, and it cannot be forged or changed to another person or kind.
func (u Unsubscribe) Sign(key []byte) string {
	payload := fmt.Sprintf("%d.%d.%s", u.WorkspaceID, u.UserID, u.Kind)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(mac(key, payload))
}

// ParseUnsubscribe checks token against key and returns what it stands for.
func ParseUnsubscribe(key []byte, token string) (Unsubscribe, bool) {
	// Strict: the last character of an unpadded base64 text carries spare
	// bits; a lenient decoder ignores them, so four spellings of one token
	// would all be accepted. Only the spelling Sign wrote is.
	enc := base64.RawURLEncoding.Strict()
	p, s, ok := strings.Cut(token, ".")
	if !ok {
		return Unsubscribe{}, false
	}
	payload, err1 := enc.DecodeString(p)
	sig, err2 := enc.DecodeString(s)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, mac(key, string(payload))) {
		return Unsubscribe{}, false
	}
	parts := strings.SplitN(string(payload), ".", 3)
	if len(parts) != 3 {
		return Unsubscribe{}, false
	}
	ws, err1 := strconv.ParseInt(parts[0], 10, 64)
	user, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || parts[2] == "" {
		return Unsubscribe{}, false
	}
	return Unsubscribe{WorkspaceID: ws, UserID: user, Kind: parts[2]}, true
}

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("tandem-unsubscribe\x00" + payload))
	return h.Sum(nil)[:16]
}

// Status is where an e-mail of the outbox stands.
type Status string

// The statuses of the outbox.
const (
	Pending Status = "pending" // waiting for its (next) attempt
	Sent    Status = "sent"
	Failed  Status = "failed" // refused for good, or MaxTries attempts failed
)

// What the outbox holds besides notifications (whose kind is the
// notification's, "deliverable.submitted").
const (
	OutboxDigest     = "digest"
	OutboxInvitation = "invitation"
	OutboxReset      = "password_reset"
)

// CarriesSecret reports whether an outbox e-mail of kind carries a link
// secret, which is wiped once it is sent.
func CarriesSecret(kind string) bool { return kind == OutboxInvitation || kind == OutboxReset }

// AfterFailure decides what follows a failed attempt — the tries-th, at
// now: tried again at the returned time, or failed for good when the
// server refused it (permanent) or tries reached MaxTries.
func AfterFailure(tries int, permanent bool, now time.Time) (Status, time.Time) {
	if permanent || tries >= MaxTries {
		return Failed, now
	}
	return Pending, now.Add(Backoff(tries))
}

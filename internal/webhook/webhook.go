// Package webhook is Tandem's outgoing webhooks, after the Standard
// Webhooks specification (https://www.standardwebhooks.com): what an
// endpoint is, which events reach it, how a message is signed, and when a
// failed delivery is tried again.
//
// Events are the events Tandem tells people about (the notification
// kinds: "deliverable.accepted", "request.resolution_breached",
// "invoice.issued", "sales.claim_accepted.qualified_lead" …), written to
// a durable outbox in the transaction of the action, so an event that
// happened is delivered and one that was rolled back never is. The body
// is {"type", "timestamp", "data"}; data names the engagement and the
// record (ids and links, never a contact detail), and the words of the
// notification (titles, names, amounts) as Tandem tells them to the
// people of the side that registered the endpoint.
//
// Who receives what: an endpoint registered by the client's owner or
// manager receives the events of every engagement of the workspace; one
// registered by a partner's manager only the events of that partner's
// engagements that its people are told about. Endpoints subscribe to
// groups of events (Groups); none means every event.
//
// Delivery: each message is POSTed with the headers webhook-id,
// webhook-timestamp and webhook-signature ("v1," + base64 of the
// HMAC-SHA256 of "id.timestamp.body" with the endpoint's secret; while a
// rotated secret overlaps, two signatures separated by a space). Only a 2xx
// answer is success; 410 Gone disables the endpoint and tells the owners;
// other failures are tried again on the schedule of Retry (with jitter),
// later when the receiver's Retry-After asks for it, and the message fails
// after the last try. A request times out after 15 s and follows no
// redirect. Addresses on loopback, private, link-local or unspecified
// networks are refused, at registration and again at every connection
// (so a DNS answer cannot point a registered name inside), unless the
// administrator allows them (--webhooks-allow-private).
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	crand "crypto/rand"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// SecretPrefix starts every secret, as the specification suggests.
const SecretPrefix = "whsec_"

// NewSecret returns a new random secret: "whsec_" and 32 random bytes in
// base64.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := crand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// key returns the bytes of a secret.
func key(secret string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
}

// Sign returns the signature of one message with each secret, "v1,<base64>"
// separated by spaces.
func Sign(msgID string, at time.Time, body []byte, secrets ...string) (string, error) {
	var sigs []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		k, err := key(s)
		if err != nil {
			return "", err
		}
		m := hmac.New(sha256.New, k)
		m.Write([]byte(msgID + "." + strconv.FormatInt(at.Unix(), 10) + "."))
		m.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	if len(sigs) == 0 {
		return "", errors.New("webhook: no secret to sign with")
	}
	return strings.Join(sigs, " "), nil
}

// NewMessageID returns a new message id, "msg_" and 16 random bytes in
// base32-like hex: unique, and the same on every retry of the message.
func NewMessageID() string {
	b := make([]byte, 16)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, 4+32)
	out = append(out, "msg_"...)
	for _, c := range b {
		out = append(out, hexdigits[c>>4], hexdigits[c&15])
	}
	return string(out)
}

// Retry is the schedule of tries after the first, as in the specification's
// example: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; a message fails
// after the eighth try, about a day and a half after the event.
var Retry = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// NextTry returns when to try a message again after its attempts-th try
// failed (attempts ≥ 1), with ±10 % jitter, and no sooner than the
// receiver's Retry-After; ok is false when no try is left.
func NextTry(now time.Time, attempts int, retryAfter time.Duration) (time.Time, bool) {
	if attempts < 1 || attempts > len(Retry) {
		return time.Time{}, false
	}
	d := Retry[attempts-1]
	d += time.Duration((rand.Float64()*0.2 - 0.1) * float64(d))
	if retryAfter > d {
		d = retryAfter
	}
	return now.Add(d), true
}

// ParseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
// It is 0 when absent or unreadable, and at most a day.
func ParseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(h); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := time.Parse(time.RFC1123, h); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, 24*time.Hour))
}

// Groups are the groups of events an endpoint subscribes to, each the
// prefixes of the event types it holds; an event of no group belongs to
// "other".
var Groups = []Group{
	{"deliverables", []string{"deliverable."}},
	{"requests", []string{"request."}},
	{"notices", []string{"notice.", "penalty."}},
	{"proposals", []string{"proposal."}},
	{"reports", []string{"status_report."}},
	{"values", []string{"manual."}},
	{"kpis", []string{"alert."}},
	{"invoices", []string{"invoice."}},
	{"sales", []string{"sales."}},
	{"other", nil},
}

// Group is a group of event types.
type Group struct {
	Name     string
	Prefixes []string
}

// GroupOf returns the name of the group of an event type.
func GroupOf(eventType string) string {
	for _, g := range Groups {
		for _, p := range g.Prefixes {
			if strings.HasPrefix(eventType, p) {
				return g.Name
			}
		}
	}
	return "other"
}

// Wants reports whether an endpoint subscribed to groups (none: every
// event) receives eventType.
func Wants(groups []string, eventType string) bool {
	if len(groups) == 0 {
		return true
	}
	g := GroupOf(eventType)
	for _, x := range groups {
		if x == g {
			return true
		}
	}
	return false
}

// MaxURL is the longest endpoint URL.
const MaxURL = 2000

// Endpoint is a registered receiver.
type Endpoint struct {
	ID             int64
	WorkspaceID    int64
	PartnerID      int64 // 0: the client's; else registered by that partner's manager
	URL            string
	Description    string
	Groups         []string
	Secret         string // whsec_…; shown once, when created or rotated
	OldSecret      string // still signs until OldSecretUntil
	OldSecretUntil time.Time
	DisabledAt     time.Time
	DisabledReason string // gone (410) | by_user
	CreatedBy      int64
	CreatedAt      time.Time
}

// Disabled reports whether the endpoint receives nothing.
func (e *Endpoint) Disabled() bool { return !e.DisabledAt.IsZero() }

// Secrets are the secrets that sign a message at now: the current one and,
// during the overlap after a rotation, the old one.
func (e *Endpoint) Secrets(now time.Time) []string {
	if e.OldSecret != "" && now.Before(e.OldSecretUntil) {
		return []string{e.Secret, e.OldSecret}
	}
	return []string{e.Secret}
}

// RotationOverlap is how long the old secret still signs after a rotation.
const RotationOverlap = 24 * time.Hour

// Disabled reasons.
const (
	DisabledGone   = "gone"
	DisabledByUser = "by_user"
)

// Prepare checks and tidies an endpoint before it is registered or edited:
// an absolute http(s) URL without credentials, of at most MaxURL bytes,
// whose host is not on a private network unless allowPrivate; known groups.
func (e *Endpoint) Prepare(allowPrivate bool) error {
	var v tandem.Validator
	e.URL = strings.TrimSpace(e.URL)
	e.Description = strings.TrimSpace(e.Description)
	if v.Required("url", e.URL) {
		u, err := url.Parse(e.URL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(e.URL) > MaxURL:
			v.Add("url", i18n.K("webhook.validation.url"))
		case u.User != nil:
			v.Add("url", i18n.K("webhook.validation.credentials"))
		case !allowPrivate && PrivateHost(u.Hostname()):
			v.Add("url", i18n.K("webhook.validation.private"))
		}
	}
	v.MaxLen("description", e.Description, 200)
	seen := map[string]bool{}
	var groups []string
	for _, g := range e.Groups {
		if g = strings.TrimSpace(g); g == "" || seen[g] {
			continue
		}
		seen[g] = true
		known := false
		for _, x := range Groups {
			known = known || x.Name == g
		}
		v.Check(known, "groups", i18n.K("validation.one_of"))
		groups = append(groups, g)
	}
	e.Groups = groups
	return v.Err()
}

// PrivateHost reports whether host (a name or an address) is one Tandem
// does not call unless allowed: an address on a loopback, private,
// link-local, multicast or unspecified network, or "localhost".
func PrivateHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		return false // a name: checked again when it is resolved (PrivateAddr)
	}
	return PrivateAddr(a)
}

// PrivateAddr reports whether a is an address Tandem does not call unless
// allowed.
func PrivateAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(a) // carrier-grade NAT
}

// DialControl refuses a connection to a private address; it is the
// net.Dialer Control of the delivery client, so the check holds for the
// address actually dialled, after DNS.
func DialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		a, err := netip.ParseAddr(host)
		if err != nil || PrivateAddr(a) {
			return ErrPrivateAddress
		}
		return nil
	}
}

// ErrPrivateAddress: the endpoint's name resolved to a private address.
var ErrPrivateAddress = errors.New("webhook: the address is on a private network")

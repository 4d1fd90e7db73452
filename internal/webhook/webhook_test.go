package webhook

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// The example of the Standard Webhooks specification's reference tests:
// secret "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id "msg_p5jXN8AQM9LWM0D4loKWxJek",
// timestamp 1614265330, body {"test": 2432232314}.
func TestSignSpecExample(t *testing.T) {
	t.Parallel()
	got, err := Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`),
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	two, err := Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`),
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", NewSecret())
	if err != nil || !strings.HasPrefix(two, got+" v1,") {
		t.Errorf("two secrets: %q, %v", two, err)
	}
	if _, err := Sign("msg_1", time.Now(), nil); err == nil {
		t.Error("signing without a secret")
	}
}

func TestNewSecretAndID(t *testing.T) {
	t.Parallel()
	s := NewSecret()
	if !strings.HasPrefix(s, SecretPrefix) || len(s) != len(SecretPrefix)+44 || s == NewSecret() {
		t.Errorf("secret %q", s)
	}
	if id := NewMessageID(); len(id) != 36 || !strings.HasPrefix(id, "msg_") || id == NewMessageID() {
		t.Errorf("message id %q", id)
	}
}

func TestNextTry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for i, d := range Retry {
		next, ok := NextTry(now, i+1, 0)
		if !ok || next.Before(now.Add(d*9/10)) || next.After(now.Add(d*11/10)) {
			t.Errorf("after try %d: %v, %v (schedule %v)", i+1, next.Sub(now), ok, d)
		}
	}
	if _, ok := NextTry(now, len(Retry)+1, 0); ok {
		t.Error("a try after the last")
	}
	// Retry-After asks for later than the schedule.
	if next, _ := NextTry(now, 1, time.Hour); !next.Equal(now.Add(time.Hour)) {
		t.Errorf("Retry-After ignored: %v", next.Sub(now))
	}
	for h, want := range map[string]time.Duration{"120": 2 * time.Minute, "": 0, "soon": 0, "999999": 24 * time.Hour,
		now.Add(90 * time.Second).Format(time.RFC1123): 90 * time.Second} {
		if got := ParseRetryAfter(h, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", h, got, want)
		}
	}
}

func TestGroupsAndWants(t *testing.T) {
	t.Parallel()
	for typ, g := range map[string]string{"deliverable.accepted": "deliverables", "penalty.late_notice": "notices",
		"sales.claim_accepted.qualified_lead": "sales", "alert.kpi_off_track": "kpis", "meeting.finalised": "other"} {
		if got := GroupOf(typ); got != g {
			t.Errorf("group of %s: %s, want %s", typ, got, g)
		}
	}
	if !Wants(nil, "invoice.issued") || !Wants([]string{"invoices"}, "invoice.paid") || Wants([]string{"sales"}, "invoice.paid") {
		t.Error("Wants")
	}
}

func TestPrepare(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		url     string
		private bool
		field   bool
	}{
		{"https://hooks.example.com/tandem", false, false},
		{"http://127.0.0.1:9000/hook", false, true},
		{"http://127.0.0.1:9000/hook", true, false},
		{"https://localhost/x", false, true},
		{"https://10.1.2.3/x", false, true},
		{"https://[::1]/x", false, true},
		{"https://169.254.169.254/latest/meta-data", false, true},
		{"ftp://example.com/x", false, true},
		{"https://user:pw@example.com/x", false, true},
		{"not a url", false, true},
		{"", false, true},
	} {
		e := Endpoint{URL: c.url, Groups: []string{"invoices", "invoices"}}
		err := e.Prepare(c.private)
		if (err != nil) != c.field {
			t.Errorf("%q (private allowed %v): %v", c.url, c.private, err)
		}
		if err == nil && len(e.Groups) != 1 {
			t.Errorf("groups not deduplicated: %v", e.Groups)
		}
	}
	if err := (&Endpoint{URL: "https://example.com", Groups: []string{"everything"}}).Prepare(false); err == nil {
		t.Error("an unknown group is accepted")
	}
	if !PrivateAddr(netip.MustParseAddr("::ffff:192.168.1.1")) || PrivateAddr(netip.MustParseAddr("93.184.216.34")) {
		t.Error("PrivateAddr")
	}
	if err := DialControl(false)("tcp", "127.0.0.1:80", nil); err != ErrPrivateAddress {
		t.Errorf("dialling loopback: %v", err)
	}
	if err := DialControl(true)("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("dialling loopback when allowed: %v", err)
	}
}

package account

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	for failures, want := range map[int]tandem.Code{0: "", 4: "", 5: tandem.ETooMany, 9: tandem.ETooMany} {
		if got := tandem.ErrorCode(CheckSignInThrottle(failures)); got != want {
			t.Errorf("CheckSignInThrottle(%d) = %q, want %q", failures, got, want)
		}
	}
	te, _ := tandem.AsError(CheckSignInThrottle(5))
	if len(te.Args) != 2 || te.Args[1] != int64(15) {
		t.Errorf("throttle args = %v, want minutes 15", te.Args)
	}
	if got, want := SignInWindowStart(t0), time.Date(2026, 3, 2, 8, 45, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("SignInWindowStart = %v, want %v", got, want)
	}
}

func TestPasswordMatches(t *testing.T) {
	t.Parallel()
	hash, err := NewPasswordHash("password", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := PasswordMatches(hash, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, _ := PasswordMatches(hash, "wrong horse battery"); ok {
		t.Error("wrong password matched")
	}
	if ok, err := PasswordMatches("", "anything at all"); ok || err != nil {
		t.Errorf("empty hash: %v %v", ok, err)
	}
	if _, err := NewPasswordHash("pw", "short"); tandem.FieldErrors(err)[0].Field != "pw" {
		t.Errorf("short password: %v", err)
	}
	if ValidateLanguage("sv") != nil || ValidateLanguage("de") == nil {
		t.Error("ValidateLanguage: sv must pass, de must not")
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	s := NewSession(1, 2, t0, 14*24*time.Hour, strings.Repeat("x", 400), "10.0.0.1")
	if len(s.UserAgent) != 300 || !s.ExpiresAt.Equal(t0.Add(336*time.Hour)) || !s.LastSeenAt.Equal(t0) {
		t.Fatalf("NewSession = %+v", s)
	}
	idle := 12 * time.Hour
	for _, c := range []struct {
		name     string
		lastSeen time.Time
		now      time.Time
		ended    bool
		stale    bool
	}{
		{"just used", t0, t0.Add(30 * time.Second), false, false},
		{"a minute and a second later", t0, t0.Add(61 * time.Second), false, true},
		{"idle exactly 12h", t0, t0.Add(12 * time.Hour), false, true},
		{"idle 12h and a second", t0, t0.Add(12*time.Hour + time.Second), true, true},
		{"past the absolute expiry though used", t0.Add(336 * time.Hour), t0.Add(336*time.Hour + time.Second), true, false},
	} {
		x := s
		x.LastSeenAt = c.lastSeen
		if got := x.Ended(c.now, idle); got != c.ended {
			t.Errorf("%s: Ended = %v", c.name, got)
		}
		if got := x.Stale(c.now); got != c.stale {
			t.Errorf("%s: Stale = %v", c.name, got)
		}
	}
}

func TestNewToken(t *testing.T) {
	t.Parallel()
	p := tandem.Principal{WorkspaceID: 3, MembershipID: 7, Role: tandem.RoleManager}
	secret, tok, err := NewToken(p, "  CI  ", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "tdm_") || tok.Prefix != secret[:8] || tok.Name != "CI" || tok.MembershipID != 7 || tok.WorkspaceID != 3 {
		t.Errorf("NewToken = %q %+v", secret, tok)
	}
	if _, _, err := NewToken(p, " ", t0); tandem.FieldErrors(err)[0].Field != "name" {
		t.Errorf("blank name: %v", err)
	}
	if _, _, err := NewToken(p, strings.Repeat("n", 101), t0); tandem.ErrorCode(err) != tandem.EInvalid {
		t.Errorf("101-character name: %v", err)
	}
	if _, _, err := NewToken(tandem.Principal{Role: tandem.RoleOwner}, "cli", t0); tandem.ErrorCode(err) != tandem.EForbidden {
		t.Errorf("no membership: %v", err)
	}
	tok.LastUsedAt = t0
	if tok.Stale(t0.Add(time.Minute)) || !tok.Stale(t0.Add(time.Minute+time.Second)) {
		t.Error("a token's last use is written at most once a minute")
	}
}

func TestInvitationRules(t *testing.T) {
	t.Parallel()
	manager := tandem.Principal{WorkspaceID: 4, UserID: 9, Role: tandem.RoleManager}
	inv := &Invitation{Email: " Kadri@Example.COM ", Role: tandem.RoleVendorManager, PartnerID: 2,
		NDASignedOn: "2026-02-01", EngagementIDs: []int64{5}}
	if err := inv.Prepare(manager, t0); err != nil {
		t.Fatal(err)
	}
	if inv.Email != "kadri@example.com" || inv.EngagementIDs != nil || inv.WorkspaceID != 4 || inv.InvitedBy != 9 ||
		!inv.ExpiresAt.Equal(time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("prepared = %+v", inv)
	}
	agent := &Invitation{Email: "a@example.com", Role: tandem.RoleVendorAgent, PartnerID: 2, NDASignedOn: "2026-02-01", EngagementIDs: []int64{5}}
	if err := agent.Prepare(manager, t0); err != nil || len(agent.EngagementIDs) != 1 {
		t.Errorf("an agent keeps its engagements: %v %v", err, agent.EngagementIDs)
	}
	owner := &Invitation{Email: "o@example.com", Role: tandem.RoleOwner}
	if err := owner.Prepare(manager, t0); tandem.FieldErrors(err)[0].Field != "role" {
		t.Errorf("a manager invites no owner: %v", err)
	}
	for _, c := range []struct {
		name     string
		now      time.Time
		accepted time.Time
		pending  bool
	}{
		{"new", t0, time.Time{}, true},
		{"a second before expiry", inv.ExpiresAt.Add(-time.Second), time.Time{}, true},
		{"at expiry", inv.ExpiresAt, time.Time{}, false},
		{"used", t0.Add(time.Hour), t0, false},
	} {
		x := *inv
		x.AcceptedAt = c.accepted
		if got := x.Pending(c.now); got != c.pending {
			t.Errorf("%s: Pending = %v", c.name, got)
		}
	}
	var u User
	if err := inv.NewUser(&u, ""); tandem.FieldErrors(err)[0].Field != "password" {
		t.Errorf("a new user needs a password: %v", err)
	}
	if err := inv.NewUser(&u, "long enough pw"); err != nil || u.Email != "kadri@example.com" {
		t.Errorf("NewUser: %v %q", err, u.Email)
	}
}

func TestPasswordResetRules(t *testing.T) {
	t.Parallel()
	r := NewPasswordReset(8, t0)
	if !r.ExpiresAt.Equal(t0.Add(24*time.Hour)) || !r.Usable(t0.Add(23*time.Hour)) || r.Usable(t0.Add(24*time.Hour)) {
		t.Errorf("reset = %+v", r)
	}
	r.UsedAt = t0.Add(time.Minute)
	if r.Usable(t0.Add(time.Hour)) {
		t.Error("a used reset works again")
	}
	if !CanIssueReset(tandem.Principal{Role: tandem.RoleOwner}) || CanIssueReset(tandem.Principal{Role: tandem.RoleManager}) {
		t.Error("only owners issue resets")
	}
}

func TestMembershipRules(t *testing.T) {
	t.Parallel()
	owner := tandem.Principal{UserID: 1, Role: tandem.RoleOwner}
	manager := tandem.Principal{UserID: 2, Role: tandem.RoleManager}
	for _, c := range []struct {
		name   string
		p      tandem.Principal
		m      Membership
		owners int
		want   tandem.Code
	}{
		{"owner removes a viewer", owner, Membership{UserID: 3, Role: tandem.RoleViewer}, 1, ""},
		{"owner removes another owner", owner, Membership{UserID: 4, Role: tandem.RoleOwner}, 2, ""},
		{"nobody removes themselves", owner, Membership{UserID: 1, Role: tandem.RoleOwner}, 2, tandem.EConflict},
		{"a manager removes no owner", manager, Membership{UserID: 4, Role: tandem.RoleOwner}, 2, tandem.EForbidden},
		{"a manager removes an agent", manager, Membership{UserID: 5, Role: tandem.RoleVendorAgent}, 1, ""},
		{"the last owner stays", installation, Membership{UserID: 4, Role: tandem.RoleOwner}, 1, tandem.EConflict},
	} {
		if got := tandem.ErrorCode(CheckRemoval(c.p, c.m, c.owners)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if CheckGrant(manager, tandem.RoleOwner) == nil || CheckGrant(manager, tandem.RoleViewer) != nil {
		t.Error("managers grant any role but owner")
	}
	m := Membership{ID: 6, WorkspaceID: 2, UserID: 3, UserName: "Kadri", UserEmail: "k@example.com", Role: tandem.RoleVendorManager, PartnerID: 4, UserLang: "et"}
	if p := m.Principal(); p.MembershipID != 6 || p.PartnerID != 4 || p.Role != tandem.RoleVendorManager || p.Email != "k@example.com" {
		t.Errorf("Principal = %+v", p)
	}
}

// installation is how the CLI acts (store.System): as an owner without a
// user.
var installation = tandem.Principal{WorkspaceID: 1, Role: tandem.RoleOwner, Email: "cli"}

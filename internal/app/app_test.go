package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is what one Run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// run calls Run with env as the whole environment and stdin as input.
func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// must runs and fails the test unless the exit code is want.
func must(t *testing.T, want int, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	r := run(t, env, stdin, args...)
	if r.code != want {
		t.Fatalf("tandem %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// target is one database for the commands of a test: its flags, and how the
// test opens it to look inside.
type target struct {
	args []string
	opts store.Options
}

// targets returns a fresh database per dialect under test.
func targets(t *testing.T, dialect string) target {
	t.Helper()
	if dialect == "postgres" {
		url := storetest.CreateDatabase(t)
		return target{args: []string{"--database", url}, opts: store.Options{URL: url}}
	}
	dir := t.TempDir()
	return target{args: []string{"--data-dir", dir}, opts: store.Options{DataDir: dir}}
}

// with appends the target's flags to args.
func (tg target) with(args ...string) []string { return append(args, tg.args...) }

// open opens the target's database for inspection, closed at the test's end.
func (tg target) open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), tg.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// eachDialect runs fn once per dialect under test with a fresh database.
func eachDialect(t *testing.T, fn func(t *testing.T, tg target)) {
	for _, d := range storetest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, targets(t, d))
		})
	}
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

func TestServeDemoAndGracefulShutdown(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var stdout, stderr syncBuffer
		done := make(chan int, 1)
		args := tg.with("serve", "--demo", "--addr", "127.0.0.1:0")
		go func() {
			done <- Run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
		}()

		var addr string
		// --demo loads the demo first, with its six months of sales
		// history (a few seconds alone; far longer on a busy 2-core machine
		// running both dialects at once, or beside other builds): this
		// guards against a hang, it does not time the load.
		deadline := time.Now().Add(300 * time.Second)
		for addr == "" {
			if m := listeningRE.FindStringSubmatch(stderr.String()); m != nil {
				addr = m[1]
				break
			}
			select {
			case code := <-done:
				t.Fatalf("serve exited early with %d:\n%s", code, stderr.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("no listening line in the log:\n%s", stderr.String())
			}
		}
		if strings.HasSuffix(addr, ":0") {
			t.Fatalf("logged the requested address %s, not the actual one", addr)
		}
		if !strings.Contains(stderr.String(), "base_url=http://"+addr+" ") {
			t.Errorf("the default base URL should follow the actual address %s:\n%s", addr, stderr.String())
		}
		for {
			resp, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET /healthz never answered 200 (last error %v)", err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		out := stdout.String()
		for _, want := range []string{demo.Password, demo.OwnerEmail, "partner agent"} {
			if !strings.Contains(out, want) {
				t.Errorf("demo sign-ins lack %q:\n%s", want, out)
			}
		}

		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("serve returned %d after cancel:\n%s", code, stderr.String())
			}
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop after cancel")
		}
		if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
			t.Error("server still answers after shutdown")
		}

		// A second start finds the demo already there and loads nothing.
		ctx2, cancel2 := context.WithCancel(context.Background())
		var out2, err2 syncBuffer
		go func() {
			done <- Run(ctx2, args, func(string) string { return "" }, strings.NewReader(""), &out2, &err2)
		}()
		for !listeningRE.MatchString(err2.String()) && time.Now().Before(deadline.Add(10*time.Second)) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel2()
		if code := <-done; code != 0 {
			t.Fatalf("second serve returned %d:\n%s", code, err2.String())
		}
		if !strings.Contains(out2.String(), "already loaded") {
			t.Errorf("second start should say the demo is already loaded:\n%s", out2.String())
		}
	})
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		r := must(t, 0, nil, "", tg.with("migrate")...)
		m := regexp.MustCompile(`schema version (\d+)\.`).FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("no schema version in %q", r.stdout)
		}
		want, err := tg.open(t).SchemaVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if m[1] != strconv.Itoa(want) || want < 1 {
			t.Errorf("printed version %s, database has %d", m[1], want)
		}
	})
}

func TestDemoTwice(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		r := must(t, 0, nil, "", tg.with("demo")...)
		for _, role := range tandem.Roles {
			// The CLI says "partner" where the code says vendor, as the pages do.
			name := strings.ReplaceAll(strings.ReplaceAll(string(role), "vendor", "partner"), "_", " ")
			if !strings.Contains(r.stdout, "  "+name+" ") {
				t.Errorf("no sign-in for role %s:\n%s", role, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, demo.Password) {
			t.Errorf("password not printed:\n%s", r.stdout)
		}
		// Every printed sign-in works.
		db := tg.open(t)
		logins := regexp.MustCompile(`\S+@\S+\.example`).FindAllString(r.stdout, -1)
		if len(logins) < 5 {
			t.Fatalf("only %d sign-ins printed", len(logins))
		}
		if _, err := db.Accounts.Authenticate(context.Background(), logins[len(logins)-1], demo.Password, "127.0.0.1"); err != nil {
			t.Errorf("sign in as %s: %v", logins[len(logins)-1], err)
		}
		_, before, err := db.Audit.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}

		r = must(t, 1, nil, "", tg.with("demo")...)
		if !strings.Contains(r.stderr, "already exists") {
			t.Errorf("second demo: want a refusal, got %q", r.stderr)
		}
		if _, after, _ := db.Audit.Verify(context.Background()); after != before {
			t.Errorf("refused demo wrote %d audit entries", after-before)
		}
	})
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad()
	eachDialect(t, func(t *testing.T, tg target) {
		ru := map[string]string{"TANDEM_LANG": "ru"}
		r := must(t, 1, ru, "", tg.with("user", "create", "--email", "not-an-email", "--name", "Иван Петров", "--password", "достаточно-длинный")...)
		want := "ошибка: email: " + cat.For(i18n.RU, nil).T("validation.email") + "\n"
		if r.stderr != want {
			t.Errorf("stderr = %q, want %q", r.stderr, want)
		}
		if !cat.Has(i18n.RU, "validation.email") {
			t.Errorf("the catalogue has no validation.email: the message above is not a sentence")
		}
		db := tg.open(t)
		if _, n, err := db.Audit.Verify(context.Background()); err != nil || n != 0 {
			t.Errorf("a refused user create wrote %d audit entries (err %v)", n, err)
		}

		// A short password read from stdin is refused too, in Swedish via LANG.
		sv := map[string]string{"LANG": "sv_SE.UTF-8"}
		r = must(t, 1, sv, "kort\n", tg.with("user", "create", "--email", "anna@example.com", "--name", "Anna")...)
		if !strings.HasPrefix(r.stderr, cat.For(i18n.SV, nil).T("cli.password_prompt")+"fel: password: ") {
			t.Errorf("stderr = %q", r.stderr)
		}

		// The password from stdin works.
		must(t, 0, nil, "ett-långt-lösenord\n", tg.with("user", "create", "--email", "Anna@Example.com", "--name", "Anna", "--lang", "sv")...)
		u, err := db.Accounts.Authenticate(context.Background(), "anna@example.com", "ett-långt-lösenord", "")
		if err != nil {
			t.Fatal(err)
		}
		if u.Lang != i18n.SV {
			t.Errorf("lang = %s", u.Lang)
		}

		// set-password replaces it; reset-password prints a link under the base URL.
		must(t, 0, nil, "ett-annat-lösenord\n", tg.with("user", "set-password", "--email", "anna@example.com")...)
		if _, err := db.Accounts.Authenticate(context.Background(), "anna@example.com", "ett-annat-lösenord", ""); err != nil {
			t.Errorf("new password: %v", err)
		}
		r = must(t, 0, nil, "", tg.with("user", "reset-password", "--email", "anna@example.com", "--base-url", "https://tandem.example/")...)
		link := strings.TrimSpace(r.stdout)
		secret, ok := strings.CutPrefix(link, "https://tandem.example/reset/")
		if !ok {
			t.Fatalf("reset link %q", link)
		}
		if err := db.Accounts.ResetPassword(context.Background(), secret, "återställt-lösenord"); err != nil {
			t.Errorf("reset with the printed link: %v", err)
		}
		r = must(t, 1, nil, "", tg.with("user", "reset-password", "--email", "nobody@example.com")...)
		if !strings.Contains(r.stderr, "nobody@example.com") {
			t.Errorf("unknown user: %q", r.stderr)
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		email := "mats@konsult.example"
		must(t, 0, nil, "", tg.with("user", "create", "--email", email, "--name", "Mats Ek", "--password", "ett-långt-lösenord")...)
		for _, name := range []string{"Norrsken Möbler AB", "Fjällbacka Fisk AB"} {
			must(t, 0, nil, "", tg.with("workspace", "create", "--name", name, "--owner-email", email, "--currency", "sek",
				"--lang", "sv", "--time-zone", "Europe/Stockholm")...)
		}
		r := must(t, 1, nil, "", tg.with("workspace", "create", "--name", "X", "--owner-email", email, "--currency", "XXX")...)
		if !strings.Contains(r.stderr, "currency: ") {
			t.Errorf("bad currency: %q", r.stderr)
		}

		r = must(t, 2, nil, "", tg.with("token", "create", "--email", email)...)
		if !strings.Contains(r.stderr, "--workspace") || !strings.Contains(r.stderr, "Norrsken Möbler AB") || !strings.Contains(r.stderr, "Fjällbacka Fisk AB") {
			t.Errorf("want the list of workspaces, got:\n%s", r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("stdout = %q", r.stdout)
		}

		db := tg.open(t)
		u, err := db.Accounts.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.Accounts.MembershipsOf(ctx, u.ID)
		if err != nil || len(ms) != 2 {
			t.Fatalf("memberships %v, %v", ms, err)
		}
		ws := ms[1].WorkspaceID
		r = must(t, 0, nil, "", tg.with("token", "create", "--email", email, "--workspace", fmt.Sprint(ws), "--name", "CRM sync")...)
		secret := strings.TrimSpace(r.stdout)
		p, err := db.Accounts.PrincipalByToken(ctx, secret)
		if err != nil {
			t.Fatalf("printed token %q does not resolve: %v", secret, err)
		}
		if p.UserID != u.ID || p.WorkspaceID != ws || p.Role != tandem.RoleOwner {
			t.Errorf("token principal %+v", p)
		}

		r = must(t, 0, nil, "", tg.with("token", "list", "--email", email, "--workspace", fmt.Sprint(ws))...)
		if !strings.Contains(r.stdout, "CRM sync") || !strings.Contains(r.stdout, secret[:8]) {
			t.Errorf("token list:\n%s", r.stdout)
		}
		must(t, 1, nil, "", tg.with("token", "list", "--email", email, "--workspace", "999")...)
		must(t, 1, nil, "", tg.with("token", "revoke", "--email", email, "--workspace", fmt.Sprint(ms[0].WorkspaceID), "--id", fmt.Sprint(p.TokenID))...)
		must(t, 0, nil, "", tg.with("token", "revoke", "--email", email, "--workspace", fmt.Sprint(ws), "--id", fmt.Sprint(p.TokenID))...)
		if _, err := db.Accounts.PrincipalByToken(ctx, secret); tandem.ErrorCode(err) != tandem.EUnauthorized {
			t.Errorf("revoked token: %v", err)
		}
	})
}

func TestAuditVerify(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		must(t, 0, nil, "", tg.with("demo")...)
		r := must(t, 0, nil, "", tg.with("audit", "verify")...)
		// The count is printed in the locale's format: the demo's history
		// makes it thousands ("4,051"), so with a group separator.
		if !regexp.MustCompile(`^ok: [\d,]+ entries verified\n$`).MatchString(r.stdout) {
			t.Errorf("stdout = %q", r.stdout)
		}

		db := tg.open(t)
		ctx := context.Background()
		owner, err := db.Accounts.UserByEmail(ctx, demo.OwnerEmail)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.Accounts.MembershipsOf(ctx, owner.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("memberships %v, %v", ms, err)
		}
		storetest.DropAuditGuards(t, db)
		if err := storetest.Exec(db, `UPDATE events SET actor = 'mallory@evil.example' WHERE workspace_id = ? AND seq = 4`, ms[0].WorkspaceID); err != nil {
			t.Fatal(err)
		}
		r = must(t, 1, nil, "", tg.with("audit", "verify")...)
		want := fmt.Sprintf("workspace %d, seq 4,", ms[0].WorkspaceID)
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "altered") {
			t.Errorf("stdout = %q, want it to name %q and the reason", r.stdout, want)
		}
	})
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"no command", nil, nil, 2, "", "Usage: tandem <command>"},
		{"help", nil, []string{"-h"}, 0, "serve", ""},
		{"unknown", nil, []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"unknown ru", map[string]string{"TANDEM_LANG": "ru"}, []string{"frobnicate"}, 2, "", "неизвестная команда «frobnicate»"},
		{"unknown sv from LC_ALL", map[string]string{"LC_ALL": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}, []string{"frobnicate"}, 2, "", `okänt kommando "frobnicate"`},
		{"unknown subcommand", nil, []string{"user", "delete"}, 2, "", `unknown command "user delete"`},
		{"group help", nil, []string{"token"}, 2, "", "revoke"},
		{"command help", map[string]string{"LANG": "ru_RU.UTF-8"}, []string{"workspace", "create", "-h"}, 0, "сначала «tandem user create»", ""},
		{"missing flag", nil, []string{"user", "create", "--email", "a@b.example", "--data-dir", dir}, 2, "", "--name is required"},
		{"unknown flag", nil, []string{"migrate", "--colour"}, 2, "", "flag provided but not defined"},
		{"extra argument", nil, []string{"version", "now"}, 2, "", `unexpected argument "now"`},
		{"bad int", nil, []string{"token", "create", "--email", "a@b.example", "--workspace", "first"}, 2, "", "invalid arguments"},
		{"bad config", nil, []string{"config", "--log-level", "trace"}, 2, "", `error: --log-level: "trace" is not one of`},
		{"bad env", map[string]string{"TANDEM_SESSION_IDLE": "soon"}, []string{"config"}, 2, "", "TANDEM_SESSION_IDLE: "},
		{"bad database", nil, []string{"migrate", "--database", "mysql://db"}, 2, "", "--database: "},
		{"version", nil, []string{"version"}, 0, "tandem dev\n", ""},
		{"config", map[string]string{"TANDEM_DATABASE_URL": "postgres://tandem:hemligt@db/tandem", "TANDEM_ADDR": "0.0.0.0:80"},
			[]string{"config", "--addr", "127.0.0.1:9999"}, 0, "base-url      = http://127.0.0.1:9999\n", ""},
		{"revoke without id", nil, []string{"token", "revoke", "--email", "a@b.example", "--data-dir", dir}, 2, "", "--id is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, tt.env, "", tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.out) {
				t.Errorf("stdout %q lacks %q", r.stdout, tt.out)
			}
			if !strings.Contains(r.stderr, tt.err) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.err)
			}
			if strings.Contains(r.stdout+r.stderr, "hemligt") {
				t.Error("password printed")
			}
			if strings.Contains(r.stdout+r.stderr, "⟦") {
				t.Error("missing catalogue key")
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want i18n.Lang
	}{
		{nil, i18n.EN},
		{map[string]string{"TANDEM_LANG": "ru"}, i18n.RU},
		{map[string]string{"TANDEM_LANG": "de", "LANG": "sv_SE.UTF-8"}, i18n.SV},
		{map[string]string{"TANDEM_LANG": "sv", "LANG": "ru_RU.UTF-8"}, i18n.SV},
		{map[string]string{"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}, i18n.EN},
		{map[string]string{"LC_MESSAGES": "ru_RU", "LANG": "sv_SE"}, i18n.RU},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, i18n.EN},
	}
	for _, tt := range tests {
		if got := Language(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.env, got, tt.want)
		}
	}
}

func TestKPIVerify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	must(t, 0, nil, "", "demo", "--data-dir", dir)
	r := must(t, 0, nil, "", "kpi", "verify", "--data-dir", dir)
	if !strings.Contains(r.stdout, "ok:") {
		t.Fatalf("kpi verify on the demo: %s", r.stdout)
	}
	// Tamper with one aggregate: verify names it and exits 1.
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ExecRaw(db, `UPDATE kpi_daily SET n = n + 1 WHERE kind = 'deliverable.accepted'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r = must(t, 1, nil, "", "kpi", "verify", "--data-dir", dir)
	if !strings.Contains(r.stdout, "deliverable.accepted") {
		t.Fatalf("kpi verify after tampering: %s", r.stdout)
	}
}

package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		want   func(c *Config) // edits Default() into the expected config
		fields []string        // expected field errors, in order
	}{
		{
			name: "defaults",
			want: func(c *Config) { c.BaseURL = "http://127.0.0.1:8080" },
		},
		{
			name: "env",
			env: map[string]string{EnvAddr: "0.0.0.0:9000", EnvDataDir: "/var/lib/tandem", EnvLogLevel: "DEBUG",
				EnvLogFormat: "json", EnvSessionIdle: "30m", EnvSessionMax: "24h", EnvAssetsDir: "web/static",
				EnvDatabaseURL: "postgres://tandem:s3cret@db:5432/tandem"},
			want: func(c *Config) {
				c.Addr, c.DataDir, c.LogLevel, c.LogFormat = "0.0.0.0:9000", "/var/lib/tandem", "debug", "json"
				c.SessionIdle, c.SessionMax, c.AssetsDir = 30*time.Minute, 24*time.Hour, "web/static"
				c.DatabaseURL, c.BaseURL = "postgres://tandem:s3cret@db:5432/tandem", "http://0.0.0.0:9000"
			},
		},
		{
			name: "flags win over env",
			env:  map[string]string{EnvAddr: "0.0.0.0:9000", EnvBaseURL: "https://env.example"},
			args: []string{"--addr", "127.0.0.1:0", "--base-url", "https://tandem.example/", "--session-idle", "1h"},
			want: func(c *Config) {
				c.Addr, c.BaseURL, c.SessionIdle = "127.0.0.1:0", "https://tandem.example", time.Hour
			},
		},
		{
			name:   "bad env duration",
			env:    map[string]string{EnvSessionIdle: "twelve hours"},
			fields: []string{EnvSessionIdle},
		},
		{
			name:   "bad values",
			args:   []string{"--addr", "localhost", "--database", "mysql://x", "--log-level", "trace", "--log-format", "xml"},
			fields: []string{"--addr", "--database", "--log-level", "--log-format"},
		},
		{
			name:   "empty data dir for SQLite",
			args:   []string{"--data-dir", " "},
			fields: []string{"--data-dir"},
		},
		{
			name: "smtp from env and flags",
			env: map[string]string{EnvSMTPHost: "smtp.example", EnvSMTPPort: "465", EnvSMTPTLS: "TLS", EnvSMTPUser: "tandem",
				EnvSMTPPassword: "s3cret", EnvMailFrom: "Tandem <tandem@example.com>"},
			args: []string{"--smtp-user", "other"},
			want: func(c *Config) {
				c.BaseURL = "http://127.0.0.1:8080"
				c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS, c.SMTP.User, c.SMTP.Password = "smtp.example", 465, "tls", "other", "s3cret"
				c.SMTP.From = "Tandem <tandem@example.com>"
			},
		},
		{
			name:   "bad smtp port in env",
			env:    map[string]string{EnvSMTPPort: "smtp"},
			fields: []string{EnvSMTPPort},
		},
		{
			name:   "bad smtp values",
			args:   []string{"--smtp-host", "smtp.example", "--smtp-port", "0", "--smtp-tls", "ssl", "--mail-from", "nobody"},
			fields: []string{"--smtp-port", "--smtp-tls", "--mail-from"},
		},
		{
			name:   "sessions",
			args:   []string{"--session-idle", "2h", "--session-max", "1h"},
			fields: []string{"--session-max"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(func(k string) string { return tt.env[k] })
			if err == nil {
				fs := flag.NewFlagSet("test", flag.ContinueOnError)
				fs.SetOutput(io.Discard)
				c.BindServe(fs)
				if err := fs.Parse(tt.args); err != nil {
					t.Fatal(err)
				}
				err = c.Finish()
			}
			var got []string
			for _, f := range tandem.FieldErrors(err) {
				got = append(got, f.Field)
			}
			if strings.Join(got, " ") != strings.Join(tt.fields, " ") {
				t.Fatalf("field errors = %v, want %v (err %v)", got, tt.fields, err)
			}
			if tt.want == nil {
				return
			}
			want := Default()
			tt.want(&want)
			if c != want {
				t.Errorf("config =\n%+v\nwant\n%+v", c, want)
			}
		})
	}
}

func TestStringMasksPasswords(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"", "(SQLite in data-dir)"},
		{"postgres://tandem:s3cret@db:5432/tandem?sslmode=disable", "postgres://tandem:xxxxx@db:5432/tandem?sslmode=disable"},
		{"postgres://db/tandem?user=u&password=s3cret", "postgres://db/tandem?password=xxxxx&user=u"},
		{"postgres://postgres@127.0.0.1/x", "postgres://postgres@127.0.0.1/x"},
	}
	for _, tt := range tests {
		c := Default()
		c.DatabaseURL = tt.url
		s := c.String()
		if strings.Contains(s, "s3cret") {
			t.Errorf("%q: password shown:\n%s", tt.url, s)
		}
		if !strings.Contains(s, "database      = "+tt.want+"\n") {
			t.Errorf("%q: want database line %q in\n%s", tt.url, tt.want, s)
		}
	}
}

func TestStringMasksSMTPPassword(t *testing.T) {
	t.Parallel()
	c := Default()
	c.SMTP.Host, c.SMTP.User, c.SMTP.Password, c.SMTP.From = "smtp.example", "tandem", "s3cret", "tandem@example.com"
	s := c.String()
	if strings.Contains(s, "s3cret") || !strings.Contains(s, "smtp-password = xxxxx\n") || !strings.Contains(s, "smtp-host     = smtp.example\n") {
		t.Errorf("SMTP settings printed as\n%s", s)
	}
}

func TestSecureCookies(t *testing.T) {
	t.Parallel()
	for url, want := range map[string]bool{"https://t.example": true, "http://127.0.0.1:8080": false} {
		c := Config{BaseURL: url}
		if c.SecureCookies() != want {
			t.Errorf("%s: SecureCookies = %v", url, !want)
		}
	}
}
